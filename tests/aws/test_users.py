"""Whether a user name is taken: IAM user names are unique ignoring case. A check is one GetUser once the account's
names are read, and the names are read again after the app creates or deletes a user."""

from __future__ import annotations

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.plan_runner import PlanRun
from iam_tui.aws.service import IamService
from iam_tui.core.create_plan import GroupChoice, NewUserRequest, build_plan

from ..helpers import FakeTime, IamClient, count_calls, inject_error

ALICE = NewUserRequest("alice", GroupChoice("Staff", True), console_access=False)


async def test_a_check_is_one_get_user_once_the_names_are_read(service: IamService, admin: IamClient) -> None:
    for name in ("Alice", "bob"):
        admin.create_user(UserName=name)
    calls = count_calls(service, "iam")
    assert await service.users.find_user("carol") is None  # the first check reads the names
    assert calls == {"GetUser": 1, "ListUsers": 1}

    calls.clear()
    assert await service.users.find_user("ALICE") == "Alice"  # a name that differs only in case is taken
    assert await service.users.find_user("Alice") == "Alice"
    assert await service.users.find_user("dave") is None
    assert await service.users.find_user("Bob") == "bob"
    assert calls == {"GetUser": 4}


async def test_a_user_deleted_elsewhere_frees_its_name(service: IamService, admin: IamClient) -> None:
    """The names read earlier may be old: GetUser says whether the very name typed exists."""
    admin.create_user(UserName="alice")
    assert await service.users.find_user("Alice") == "alice"
    admin.delete_user(UserName="alice")
    assert await service.users.find_user("alice") is None


async def test_the_names_are_read_again_after_the_app_creates_or_deletes_a_user(service: IamService) -> None:
    assert await service.users.find_user("ALICE") is None
    run = PlanRun(build_plan(ALICE))
    assert await service.plans.run(run) is True
    calls = count_calls(service, "iam")
    assert await service.users.find_user("ALICE") == "alice"
    assert calls == {"GetUser": 1, "ListUsers": 1}

    assert await service.plans.rollback(run) is True
    assert await service.users.find_user("ALICE") is None


async def test_a_failed_create_reads_the_names_again(service: IamService) -> None:
    """A CreateUser that failed may still have made the user (its answer lost): the names are read again."""
    assert await service.users.find_user("ALICE") is None
    inject_error(service, "iam", "CreateUser", "ServiceFailure", "injected", 500, times=9)
    service.plans.patience = FakeTime().patience()
    assert await service.plans.run(PlanRun(build_plan(ALICE))) is False
    calls = count_calls(service, "iam")
    await service.users.find_user("ALICE")
    assert calls["ListUsers"] == 1


async def test_a_names_read_that_failed_is_made_again(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    denied = inject_error(service, "iam", "ListUsers", "AccessDenied", "no", 403, times=1)
    calls = count_calls(service, "iam")
    with pytest.raises(AwsError) as refused:
        await service.users.find_user("ALICE")
    assert refused.value.code == "AccessDenied" and denied == [1]
    assert await service.users.find_user("ALICE") == "alice"
    assert calls["ListUsers"] == 2
