"""The create plan against the sandbox: the happy path, and a failure at every step followed by roll back
(nothing left) or retry (complete)."""

from __future__ import annotations

import pytest

from iam_tui.aws.plan_runner import NEW_ENTITY_WAIT_S, ROLLBACK_WAIT_S, PlanRun, PlanRunner
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.sandbox.faults import Then
from iam_tui.aws.service import IamService
from iam_tui.core.create_plan import ADMINISTRATOR_ACCESS, GroupChoice, NewUserRequest, PlanState, build_plan
from iam_tui.core.password_policy import EffectivePolicy, PasswordPolicy
from iam_tui.core.secret import Secret

from ..helpers import FakeTime, IamClient, error_of, failed_step, inject_error, lose_answers

STRICT = EffectivePolicy(PasswordPolicy(minimum_length=14, allow_users_to_change=False))
REQUEST = NewUserRequest("alice", GroupChoice("PowerUsers", True, ADMINISTRATOR_ACCESS),
                         password=Secret("Str0ng-Enough-Pass!"), policy=STRICT)
PLAN_OPS = [s.operation for s in build_plan(REQUEST)]


def assert_complete(admin: IamClient) -> None:
    user = admin.get_user(UserName="alice")["User"]
    assert user["UserName"] == "alice"
    assert admin.list_user_tags(UserName="alice")["Tags"] == [{"Key": "user-type", "Value": "IAM power user"}]
    assert admin.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="alice")["Groups"]] == ["PowerUsers"]
    attached = admin.list_attached_group_policies(GroupName="PowerUsers")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [ADMINISTRATOR_ACCESS]
    user_policies = admin.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert [p["PolicyName"] for p in user_policies] == ["IAMUserChangePassword"]


def assert_nothing_left(admin: IamClient) -> None:
    assert admin.list_users()["Users"] == []
    assert admin.list_groups()["Groups"] == []


async def test_happy_path(service: IamService, admin: IamClient) -> None:
    run = PlanRun(build_plan(REQUEST))
    assert await service.plans.run(run) is True
    assert run.complete
    assert_complete(admin)


@pytest.mark.parametrize("failing", range(len(PLAN_OPS)), ids=PLAN_OPS)
async def test_failure_at_each_step_then_roll_back(service: IamService, admin: IamClient, failing: int) -> None:
    inject_error(service, "iam", PLAN_OPS[failing], "ServiceFailure" if failing % 2 else "AccessDenied",
                 "injected", 500 if failing % 2 else 403, times=None if failing % 2 == 0 else 99)
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False
    assert run.failed_index == failing and run.done_count == failing
    assert run.progress[failing].error is not None
    assert await runner.rollback(run) is True
    assert all(p.state in (PlanState.UNDONE, PlanState.PENDING, PlanState.FAILED) for p in run.progress)
    assert run.leftovers == []
    assert_nothing_left(admin)


@pytest.mark.parametrize("failing", range(len(PLAN_OPS)), ids=PLAN_OPS)
async def test_failure_at_each_step_then_retry(service: IamService, admin: IamClient, failing: int) -> None:
    inject_error(service, "iam", PLAN_OPS[failing], "AccessDenied", "injected", 403, times=1)
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False and run.failed_index == failing
    assert await runner.run(run) is True and run.complete  # the cause is gone: retry from the failed step
    assert_complete(admin)


async def test_transient_errors_are_retried(service: IamService, admin: IamClient) -> None:
    fired = inject_error(service, "iam", "CreateLoginProfile", "EntityTemporarilyUnmodifiable", "busy", 409, times=2)
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, FakeTime().patience()).run(run) is True
    assert len(fired) == 2
    assert_complete(admin)


async def test_a_failed_undo_is_reported_as_left_behind(service: IamService, admin: IamClient) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "no", 403)
    inject_error(service, "iam", "DeleteGroup", "AccessDenied", "no", 403)
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    await runner.run(run)
    assert await runner.rollback(run) is False
    assert [p.step.operation for p in run.leftovers] == ["CreateGroup"]
    assert admin.list_users()["Users"] == [] and len(admin.list_groups()["Groups"]) == 1
    assert run.undo_failed and not run.can_retry  # no "retry from this step" while an undo failed


async def test_running_again_for_an_existing_user_says_so(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="Alice")
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, FakeTime().patience()).run(run) is False
    failed = failed_step(run)
    assert failed.step.operation == "CreateUser" and error_of(failed).code == "EntityAlreadyExists"
    assert "Alice" in error_of(failed).message


# --- IAM's eventual consistency: waited out for a bounded time, shown in the step's note -------------


async def test_steps_after_a_create_wait_for_it_to_propagate(service: IamService, sandbox: Sandbox,
                                                             admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_entity=3.0)
    notes: list[str] = []
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, fake.patience()).run(run, lambda: notes.extend(p.note for p in run.progress
                                                                                         if p.note)) is True
    assert_complete(admin)
    assert fake.slept and any("propagating" in note and "NoSuchEntity" in note for note in notes)


async def test_the_wait_for_a_new_entity_is_bounded(service: IamService, sandbox: Sandbox, admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_entity=1000.0)
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, fake.patience()).run(run) is False
    failed = failed_step(run)
    assert failed.step.operation == "AttachGroupPolicy" and error_of(failed).code == "NoSuchEntity"
    assert 10 <= sum(fake.slept) <= NEW_ENTITY_WAIT_S


async def test_no_such_entity_is_not_waited_for_without_a_create_before(service: IamService, sandbox: Sandbox) -> None:
    fake = FakeTime()
    request = NewUserRequest("alice", GroupChoice("Missing", False), password=Secret("Str0ng-Enough-Pass!"),
                             policy=STRICT)
    run = PlanRun(build_plan(request))
    inject_error(service, "iam", "CreateUser", "NoSuchEntity", "gone", 404)
    assert await PlanRunner(service.aws, fake.patience()).run(run) is False
    assert error_of(failed_step(run)).code == "NoSuchEntity" and fake.slept == []


async def test_rollback_waits_out_a_just_deleted_dependent(service: IamService, sandbox: Sandbox,
                                                           admin: IamClient) -> None:
    fake = FakeTime()
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "no", 403)
    runner = PlanRunner(service.aws, fake.patience())
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False
    sandbox.propagation = fake.propagation(removed_dependent=5.0)
    assert await runner.rollback(run) is True  # one `b`: nothing left
    assert_nothing_left(admin)
    assert 5.0 <= sum(fake.slept) <= 2 * ROLLBACK_WAIT_S


async def test_rollback_waits_out_entity_temporarily_unmodifiable(service: IamService, admin: IamClient) -> None:
    fake = FakeTime()
    runner = PlanRunner(service.aws, fake.patience())
    run = PlanRun(build_plan(REQUEST))
    await runner.run(run)
    fired = inject_error(service, "iam", "DeleteLoginProfile", "EntityTemporarilyUnmodifiable", "busy", 409, times=3)
    assert await runner.rollback(run) is True
    assert len(fired) == 3 and sum(fake.slept) <= ROLLBACK_WAIT_S
    assert_nothing_left(admin)


async def test_the_rollback_wait_is_bounded(service: IamService, sandbox: Sandbox, admin: IamClient) -> None:
    fake = FakeTime()
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "no", 403)
    runner = PlanRunner(service.aws, fake.patience())
    run = PlanRun(build_plan(REQUEST))
    await runner.run(run)
    sandbox.propagation = fake.propagation(removed_dependent=10_000.0)
    assert await runner.rollback(run) is False
    assert {p.step.operation for p in run.leftovers} == {"CreateUser", "CreateGroup"}
    assert {error_of(p).code for p in run.leftovers} == {"DeleteConflict"}
    assert sum(fake.slept) <= 2 * ROLLBACK_WAIT_S  # two deletes wait, each at most the bound


async def test_delete_conflict_is_final_when_nothing_was_just_deleted(service: IamService, admin: IamClient) -> None:
    fake = FakeTime()
    inject_error(service, "iam", "DeleteGroup", "DeleteConflict", "in use", 409)
    request = NewUserRequest("alice", GroupChoice("PowerUsers", True, None), console_access=False, tags=(),
                             policy=STRICT)
    inject_error(service, "iam", "CreateUser", "AccessDenied", "no", 403)
    runner = PlanRunner(service.aws, fake.patience())
    run = PlanRun(build_plan(request))
    await runner.run(run)
    assert await runner.rollback(run) is False and fake.slept == []


# --- lost answers: settled by reading AWS ---------------------------------------------------------------


@pytest.mark.parametrize("then", ["resend", "error", "garbage"])
@pytest.mark.parametrize("lost", range(len(PLAN_OPS)), ids=PLAN_OPS)
async def test_a_lost_answer_at_each_step_is_read_back(service: IamService, admin: IamClient, lost: int,
                                                       then: Then) -> None:
    fired = lose_answers(service, PLAN_OPS[lost], then=then)
    run = PlanRun(build_plan(REQUEST))
    assert await PlanRunner(service.aws, FakeTime().patience()).run(run) is True
    assert fired and run.complete
    assert_complete(admin)
    assert len(admin.list_users()["Users"]) == 1 and len(admin.list_groups()["Groups"]) == 1


UNDO_OPS = [s.undo_operation for s in build_plan(REQUEST) if s.undo_operation is not None]  # every step has one


@pytest.mark.parametrize("then", ["resend", "error", "garbage"])
@pytest.mark.parametrize("lost", range(len(UNDO_OPS)), ids=UNDO_OPS)
async def test_a_lost_answer_at_each_undo_is_read_back(service: IamService, admin: IamClient, lost: int,
                                                       then: Then) -> None:
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    await runner.run(run)  # every step done, so every undo runs
    fired = lose_answers(service, UNDO_OPS[lost], then=then)
    assert await runner.rollback(run) is True
    assert fired
    assert_nothing_left(admin)


async def test_an_existing_user_is_not_taken_for_our_own_after_a_resend(service: IamService, admin: IamClient) -> None:
    """EntityAlreadyExists on a first attempt (no lost answer) is someone else's user: never claimed, never undone."""
    admin.create_user(UserName="alice")
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False
    assert failed_step(run).step.operation == "CreateUser"
    assert await runner.rollback(run) is True
    assert [u["UserName"] for u in admin.list_users()["Users"]] == ["alice"]


async def test_an_unreadable_outcome_counts_as_left_behind_until_undone(service: IamService, admin: IamClient) -> None:
    lose_answers(service, "CreateUser", then="garbage")
    inject_error(service, "iam", "GetUser", "AccessDenied", "no", 403)  # the read back cannot tell
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    assert await runner.run(run) is False
    assert [p.step.operation for p in run.leftovers] == ["CreateGroup", "AttachGroupPolicy", "CreateUser"]
    assert len(admin.list_users()["Users"]) == 1  # AWS did make it
    assert failed_step(run).uncertain
    assert await runner.rollback(run) is False  # the read back of DeleteUser's effect is still denied
    assert admin.list_users()["Users"] == []  # but the user was deleted


async def test_retry_after_a_roll_back_redoes_every_step_from_the_first(service: IamService, admin: IamClient) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "no", 403, times=1)
    runner = PlanRunner(service.aws, FakeTime().patience())
    run = PlanRun(build_plan(REQUEST))
    await runner.run(run)
    assert await runner.rollback(run) is True and run.can_retry and run.next_index == 0
    assert await runner.run(run) is True
    assert_complete(admin)
