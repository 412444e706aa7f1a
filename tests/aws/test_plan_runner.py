"""The create plan against the sandbox: the happy path, and a failure at every step followed by roll back
(nothing left) or retry (complete)."""

from __future__ import annotations

import pytest

from iam_tui.aws.plan_runner import PlanRun, PlanRunner
from iam_tui.aws.service import IamService
from iam_tui.core.create_plan import ADMINISTRATOR_ACCESS, GroupChoice, NewUserRequest, PlanState, build_plan
from iam_tui.core.password_policy import EffectivePolicy, PasswordPolicy
from iam_tui.core.secret import Secret

from ..helpers import inject_error

STRICT = EffectivePolicy(PasswordPolicy(minimum_length=14, allow_users_to_change=False))
REQUEST = NewUserRequest("alice", GroupChoice("PowerUsers", True, ADMINISTRATOR_ACCESS),
                         password=Secret("Str0ng-Enough-Pass!"), policy=STRICT)
PLAN_OPS = [s.operation for s in build_plan(REQUEST)]


def assert_complete(admin) -> None:
    user = admin.get_user(UserName="alice")["User"]
    assert user["UserName"] == "alice"
    assert admin.list_user_tags(UserName="alice")["Tags"] == [{"Key": "user-type", "Value": "IAM power user"}]
    assert admin.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="alice")["Groups"]] == ["PowerUsers"]
    attached = admin.list_attached_group_policies(GroupName="PowerUsers")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [ADMINISTRATOR_ACCESS]
    user_policies = admin.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert [p["PolicyName"] for p in user_policies] == ["IAMUserChangePassword"]


def assert_nothing_left(admin) -> None:
    assert admin.list_users()["Users"] == []
    assert admin.list_groups()["Groups"] == []


async def test_happy_path(service: IamService, admin) -> None:
    run = PlanRun(build_plan(REQUEST))
    assert await service.plans.run(run) is True
    assert run.complete
    assert_complete(admin)


@pytest.mark.parametrize("failing", range(len(PLAN_OPS)), ids=PLAN_OPS)
async def test_failure_at_each_step_then_roll_back(service: IamService, admin, failing: int) -> None:
    inject_error(service, "iam", PLAN_OPS[failing], "ServiceFailure" if failing % 2 else "AccessDenied",
                 "injected", 500 if failing % 2 else 403, times=None if failing % 2 == 0 else 99)
    runner = PlanRunner(service.aws, retry_delays=(0.0,))
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False
    assert run.failed_index == failing and run.done_count == failing
    assert run.progress[failing].error is not None
    assert await runner.rollback(run) is True
    assert all(p.state in (PlanState.UNDONE, PlanState.PENDING, PlanState.FAILED) for p in run.progress)
    assert run.leftovers == []
    assert_nothing_left(admin)


@pytest.mark.parametrize("failing", range(len(PLAN_OPS)), ids=PLAN_OPS)
async def test_failure_at_each_step_then_retry(service: IamService, admin, failing: int) -> None:
    inject_error(service, "iam", PLAN_OPS[failing], "AccessDenied", "injected", 403, times=1)
    runner = PlanRunner(service.aws, retry_delays=())
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False and run.failed_index == failing
    assert await runner.run(run) is True and run.complete  # the cause is gone: retry from the failed step
    assert_complete(admin)


async def test_transient_errors_are_retried(service: IamService, admin) -> None:
    fired = inject_error(service, "iam", "CreateLoginProfile", "EntityTemporarilyUnmodifiable", "busy", 409, times=2)
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, retry_delays=(0.0, 0.0, 0.0)).run(run) is True
    assert len(fired) == 2
    assert_complete(admin)


async def test_a_failed_undo_is_reported_as_left_behind(service: IamService, admin) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "no", 403)
    inject_error(service, "iam", "DeleteGroup", "AccessDenied", "no", 403)
    runner = PlanRunner(service.aws, retry_delays=())
    run = PlanRun(build_plan(REQUEST))
    await runner.run(run)
    assert await runner.rollback(run) is False
    assert [p.step.operation for p in run.leftovers] == ["CreateGroup"]
    assert admin.list_users()["Users"] == [] and len(admin.list_groups()["Groups"]) == 1


async def test_running_again_for_an_existing_user_says_so(service: IamService, admin) -> None:
    admin.create_user(UserName="Alice")
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, retry_delays=()).run(run) is False
    failed = run.progress[run.failed_index]
    assert failed.step.operation == "CreateUser" and failed.error.code == "EntityAlreadyExists"
    assert "Alice" in failed.error.message
