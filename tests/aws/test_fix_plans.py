"""The fixes of failing checks against the sandbox: each plan run, a failure injected and rolled back,
then run again; the IAM state checked through a plain client."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.plan_runner import PlanRunner
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.sandbox.faults import Then
from iam_tui.aws.service import IamService
from iam_tui.core.create_plan import PlanState
from iam_tui.core.fix_plan import FixProblem
from iam_tui.core.group_move import GroupTarget

from ..helpers import FakeTime, IamClient, error_of, inject_error, lose_answers

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
CHANGE_PASSWORD = "arn:aws:iam::aws:policy/IAMUserChangePassword"
SUPPORT = "arn:aws:iam::aws:policy/AWSSupportAccess"
INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}


@pytest.fixture
def quick(service: IamService) -> IamService:
    """The service with a plan runner that does not really sleep while waiting out IAM's propagation."""
    service.fixes.plans = PlanRunner(service.aws, FakeTime().patience())
    return service


def key_status(admin: IamClient, user: str) -> dict[str, str]:
    return {k["AccessKeyId"]: k["Status"] for k in admin.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def has_password(admin: IamClient, user: str) -> bool:
    try:
        admin.get_login_profile(UserName=user)
    except admin.exceptions.NoSuchEntityException:
        return False
    return True


def console_user_with_key(admin: IamClient, user: str = "bob") -> str:
    admin.create_user(UserName=user)
    admin.create_login_profile(UserName=user, Password="Str0ng-Enough-Pass!")
    return str(admin.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"])


# --- CIS 1.10 / 1.11: unused keys and passwords ---------------------------------------------------------------


async def test_unused_credentials_deactivated_then_password_removed_with_a_roll_back(
        quick: IamService, admin: IamClient) -> None:
    key = console_user_with_key(admin)
    later = datetime.now(UTC) + timedelta(days=60)
    plan = await quick.fixes.unused_credentials("bob", now=later)
    assert [s.operation for s in plan.steps] == ["UpdateAccessKey", "DeleteLoginProfile"]
    whys = {item.what: item.why for item in plan.items}
    assert "never used (CIS 1.10)" in whys[f"access key {key} (key 1): deactivate"]
    assert "created, never used, 60 days ago (CIS 1.11)" in whys[f"access key {key} (key 1): deactivate"]
    assert whys["console password: remove"] == "set, never used, 60 days ago (CIS 1.11)"
    assert not plan.reversible and plan.confirm_twice == () and plan.touches == ("bob",)

    inject_error(quick, "iam", "DeleteLoginProfile", "AccessDenied", "no", 403, times=1)
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is False and run.failed_index == 1
    assert key_status(admin, "bob") == {key: "Inactive"}
    assert await quick.fixes.rollback(plan, run) is True
    assert key_status(admin, "bob") == {key: "Active"} and has_password(admin, "bob")
    assert "bob" in quick.scan.touched

    assert await quick.fixes.run(plan, run) is True and run.complete
    assert key_status(admin, "bob") == {key: "Inactive"} and not has_password(admin, "bob")

    # the later, separate step: delete the deactivated key
    delete = await quick.fixes.delete_inactive_keys("bob")
    assert [s.operation for s in delete.steps] == ["DeleteAccessKey"]
    assert await quick.fixes.run(delete, quick.fixes.start(delete)) is True
    assert key_status(admin, "bob") == {}


async def test_only_the_never_used_key_of_a_console_user_today(quick: IamService, admin: IamClient) -> None:
    key = console_user_with_key(admin)
    plan = await quick.fixes.unused_credentials("bob")
    assert [s.operation for s in plan.steps] == ["UpdateAccessKey"]  # the password is new: not unused yet
    assert [i.why for i in plan.items] == ["never used (CIS 1.10)"]
    assert plan.reversible and plan.steps[0].params["AccessKeyId"] == key


async def test_a_removed_password_is_reported_as_not_undone(quick: IamService, admin: IamClient) -> None:
    console_user_with_key(admin)
    admin.create_user(UserName="other")
    plan = await quick.fixes.unused_credentials("bob", now=datetime.now(UTC) + timedelta(days=60))
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is True
    assert await quick.fixes.rollback(plan, run) is False  # the key comes back on; the password cannot
    assert run.progress[0].state is PlanState.UNDONE
    assert run.kept == [run.progress[1]] and run.progress[1].note.startswith("Cannot be undone: AWS never reveals")
    assert not has_password(admin, "bob")


async def test_a_lost_answer_to_a_deactivation_is_read_back(quick: IamService, admin: IamClient) -> None:
    key = console_user_with_key(admin)
    lost = lose_answers(quick, "UpdateAccessKey", then="garbage")
    plan = await quick.fixes.unused_credentials("bob")
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is True and lost
    assert "read back from AWS: done" in run.progress[0].note
    assert key_status(admin, "bob") == {key: "Inactive"}


async def test_deleting_an_active_key_is_refused(quick: IamService, admin: IamClient) -> None:
    key = console_user_with_key(admin)
    with pytest.raises(FixProblem, match="still active"):
        await quick.fixes.delete_inactive_keys("bob", [key])


# --- CIS 1.12: one active key --------------------------------------------------------------------------------------


async def test_the_chosen_extra_key_is_deactivated(quick: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="carol")
    first = admin.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"]
    second = admin.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"]
    plan = await quick.fixes.one_active_key("carol", second)
    assert plan.items[0].what == f"access key {second} (key 2): deactivate"
    assert f"{first} stays active." in plan.notes
    inject_error(quick, "iam", "UpdateAccessKey", "ServiceFailure", "down", 500, times=99)
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is False
    assert await quick.fixes.rollback(plan, run) is True
    assert key_status(admin, "carol") == {first: "Active", second: "Active"}


async def test_the_chosen_extra_key_is_deactivated_on_retry(quick: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="carol")
    first = admin.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"]
    second = admin.create_access_key(UserName="carol")["AccessKey"]["AccessKeyId"]
    inject_error(quick, "iam", "UpdateAccessKey", "AccessDenied", "no", 403, times=1)
    plan = await quick.fixes.one_active_key("carol", first)
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is False and error_of(run.progress[0]).code == "AccessDenied"
    assert await quick.fixes.run(plan, run) is True
    assert key_status(admin, "carol") == {first: "Inactive", second: "Active"}
    with pytest.raises(FixProblem, match="already inactive"):
        await quick.fixes.one_active_key("carol", first)
    with pytest.raises(FixProblem, match="not one of carol's"):
        await quick.fixes.one_active_key("carol", "AKIANOTCAROLS0000000")


# --- CIS 1.3: root's keys -----------------------------------------------------------------------------------------


async def test_root_keys_deleted_the_running_one_last_and_confirmed_twice(quick: IamService, sandbox: Sandbox) -> None:
    running = sandbox.state.first_root_key.access_key_id
    other = (await quick.keys.create(None)).access_key_id
    plan = await quick.fixes.root_keys()
    assert [s.params for s in plan.steps] == [{"AccessKeyId": other}, {"AccessKeyId": running}]
    assert plan.confirm_twice == (running,) and any(running in note for note in plan.notes)

    inject_error(quick, "iam", "DeleteAccessKey", "AccessDenied", "no", 403, times=1)
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is False and run.failed_index == 0
    assert await quick.fixes.rollback(plan, run) is True  # nothing was deleted
    assert set(sandbox.state.root_keys) == {running, other}

    assert await quick.fixes.run(plan, run) is True
    assert sandbox.state.root_keys == {}  # root's keys live beside moto, in the sandbox's state
    with pytest.raises(AwsError) as caught:  # and the app's own key is gone with them
        await quick.account.caller_identity()
    assert caught.value.code == "InvalidClientTokenId"


async def test_root_keys_need_root(quick: IamService, sandbox: Sandbox, admin: IamClient) -> None:
    from iam_tui.aws.session import AwsContext
    from iam_tui.core.secret import Secret
    from iam_tui.settings import ConnectionSettings

    admin.create_user(UserName="alice")
    made = admin.create_access_key(UserName="alice")["AccessKey"]
    ctx = AwsContext(sandbox.session(made["AccessKeyId"], Secret(made["SecretAccessKey"])),
                     ConnectionSettings(demo=True), source="demo")
    with pytest.raises(AwsError) as caught:
        await IamService(ctx, sandbox).fixes.root_keys()
    assert caught.value.code == "NotRoot"


# --- CIS 1.14: permissions through groups --------------------------------------------------------------------------


def user_with_policies(admin: IamClient) -> None:
    admin.create_user(UserName="dave")
    admin.attach_user_policy(UserName="dave", PolicyArn=S3_READ)
    admin.attach_user_policy(UserName="dave", PolicyArn=CHANGE_PASSWORD)
    admin.put_user_policy(UserName="dave", PolicyName="list-buckets", PolicyDocument=json.dumps(INLINE))


def assert_policies_on_user(admin: IamClient) -> None:
    attached = {p["PolicyArn"] for p in admin.list_attached_user_policies(UserName="dave")["AttachedPolicies"]}
    assert attached == {S3_READ, CHANGE_PASSWORD}
    assert admin.list_user_policies(UserName="dave")["PolicyNames"] == ["list-buckets"]
    assert admin.list_groups_for_user(UserName="dave")["Groups"] == []


def assert_moved(admin: IamClient, group: str) -> None:
    assert admin.list_attached_user_policies(UserName="dave")["AttachedPolicies"] == []
    assert admin.list_user_policies(UserName="dave")["PolicyNames"] == []
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="dave")["Groups"]] == [group]
    attached = {p["PolicyArn"] for p in admin.list_attached_group_policies(GroupName=group)["AttachedPolicies"]}
    assert attached == {S3_READ, CHANGE_PASSWORD}
    document = admin.get_group_policy(GroupName=group, PolicyName="list-buckets")["PolicyDocument"]
    assert document == INLINE


MOVE_OPS = ["CreateGroup", "AttachGroupPolicy", "AttachGroupPolicy", "PutGroupPolicy", "AddUserToGroup",
            "DetachUserPolicy", "DetachUserPolicy", "DeleteUserPolicy"]


@pytest.mark.parametrize("failing", range(len(MOVE_OPS)))
async def test_policies_moved_to_a_new_group_failure_at_each_step_rolled_back(quick: IamService, admin: IamClient,
                                                                              failing: int) -> None:
    user_with_policies(admin)
    plan = await quick.fixes.permissions_via_group("dave", GroupTarget("dave-permissions", create=True))
    assert [s.operation for s in plan.steps] == MOVE_OPS
    assert any("copied to dave-permissions as group inline policies" in n for n in plan.notes)
    assert plan.documents and plan.reversible
    fail_on_call = MOVE_OPS[:failing].count(MOVE_OPS[failing])  # the n-th call of that operation fails
    calls: list[int] = []

    def fail_nth(**_: Any) -> tuple[Any, dict[str, Any]] | None:
        calls.append(1)
        if len(calls) == fail_on_call + 1:
            from iam_tui.aws.sandbox import responses
            return responses.error("AccessDenied", "injected", 403)
        return None

    quick.ctx.client("iam").meta.events.register_first(f"before-call.iam.{MOVE_OPS[failing]}", fail_nth)
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is False and run.failed_index == failing
    assert await quick.fixes.rollback(plan, run) is True
    assert_policies_on_user(admin)
    assert admin.list_groups()["Groups"] == []
    assert await quick.fixes.run(plan, run) is True
    assert_moved(admin, "dave-permissions")


async def test_policies_moved_to_an_existing_group(quick: IamService, admin: IamClient) -> None:
    user_with_policies(admin)
    admin.create_group(GroupName="Readers")
    admin.attach_group_policy(GroupName="Readers", PolicyArn=S3_READ)
    plan = await quick.fixes.permissions_via_group("dave", GroupTarget("Readers", create=False))
    assert [s.operation for s in plan.steps] == MOVE_OPS[2:]  # no group to make, S3 read already on it
    assert await quick.fixes.run(plan, quick.fixes.start(plan)) is True
    assert_moved(admin, "Readers")
    with pytest.raises(FixProblem, match="no policies of its own"):
        await quick.fixes.permissions_via_group("dave", GroupTarget("Readers", create=False))


async def test_change_password_is_detached_not_moved_when_users_may_change_their_password(quick: IamService,
                                                                                          admin: IamClient) -> None:
    user_with_policies(admin)
    assert await quick.fixes.change_password_detach("dave") is None  # other policies: they move to a group
    admin.update_account_password_policy(AllowUsersToChangePassword=True)
    assert await quick.fixes.change_password_detach("dave") is None
    plan = await quick.fixes.permissions_via_group("dave", GroupTarget("dave-permissions", create=True))
    assert [s.operation for s in plan.steps] == ["CreateGroup", "AttachGroupPolicy", "PutGroupPolicy",
                                                 "AddUserToGroup", "DetachUserPolicy", "DetachUserPolicy",
                                                 "DeleteUserPolicy"]
    assert any("AllowUsersToChangePassword" in note for note in plan.notes)
    assert await quick.fixes.run(plan, quick.fixes.start(plan)) is True
    attached = admin.list_attached_group_policies(GroupName="dave-permissions")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [S3_READ]
    assert admin.list_attached_user_policies(UserName="dave")["AttachedPolicies"] == []


async def test_change_password_alone_is_a_plain_detach_only_when_the_password_policy_allows_it(
        quick: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="erin")
    admin.attach_user_policy(UserName="erin", PolicyArn=CHANGE_PASSWORD)
    assert await quick.fixes.change_password_detach("erin") is None  # no password policy: users may not
    admin.update_account_password_policy(AllowUsersToChangePassword=True)
    plan = await quick.fixes.change_password_detach("erin")
    assert plan is not None and [(s.operation, s.undo_operation) for s in plan.steps] == [
        ("DetachUserPolicy", "AttachUserPolicy")]
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is True
    assert admin.list_attached_user_policies(UserName="erin")["AttachedPolicies"] == []
    assert await quick.fixes.rollback(plan, run) is True  # the roll back attaches it again
    assert [p["PolicyArn"] for p in admin.list_attached_user_policies(UserName="erin")["AttachedPolicies"]] == [
        CHANGE_PASSWORD]
    assert admin.list_groups()["Groups"] == []


# --- CIS 1.16: the support role ----------------------------------------------------------------------------------


async def test_support_role_created_with_a_failure_rolled_back(quick: IamService, admin: IamClient,
                                                               sandbox: Sandbox) -> None:
    admin.create_role(RoleName="AWSSupportRole", AssumeRolePolicyDocument="{}")
    plan = await quick.fixes.support_role()
    assert plan.steps[0].params["RoleName"] == "AWSSupportRole-2"  # suggested: the first name is taken
    (title, trust), = plan.documents
    principal = json.loads(trust)["Statement"][0]["Principal"]
    assert principal == {"AWS": f"arn:aws:iam::{sandbox.account_id}:root"} and "AWSSupportRole-2" in title

    inject_error(quick, "iam", "AttachRolePolicy", "AccessDenied", "no", 403, times=1)
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is False
    assert await quick.fixes.rollback(plan, run) is True
    assert [r["RoleName"] for r in admin.list_roles()["Roles"]] == ["AWSSupportRole"]

    assert await quick.fixes.run(plan, run) is True
    role = admin.get_role(RoleName="AWSSupportRole-2")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == principal
    attached = admin.list_attached_role_policies(RoleName="AWSSupportRole-2")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [SUPPORT]
    with pytest.raises(FixProblem, match="already exists"):
        await quick.fixes.support_role("awssupportrole-2")


# --- lost answers (faults.lose_answers): every step and undo of the fixes is settled by reading AWS ---------------

LOST = ["resend", "error", "garbage"]
MOVE_UNIQUE = list(dict.fromkeys(MOVE_OPS))
MOVE_UNDOS = ["DeleteGroup", "DetachGroupPolicy", "DeleteGroupPolicy", "RemoveUserFromGroup", "AttachUserPolicy",
              "PutUserPolicy"]


@pytest.mark.parametrize("then", LOST)
@pytest.mark.parametrize("op", MOVE_UNIQUE)
async def test_a_lost_answer_at_each_move_step_is_read_back(quick: IamService, admin: IamClient, op: str,
                                                            then: Then) -> None:
    user_with_policies(admin)
    plan = await quick.fixes.permissions_via_group("dave", GroupTarget("dave-permissions", create=True))
    fired = lose_answers(quick, op, then=then)
    assert await quick.fixes.run(plan, quick.fixes.start(plan)) is True and fired
    assert_moved(admin, "dave-permissions")


@pytest.mark.parametrize("then", LOST)
@pytest.mark.parametrize("op", MOVE_UNDOS)
async def test_a_lost_answer_at_each_move_undo_is_read_back(quick: IamService, admin: IamClient, op: str,
                                                            then: Then) -> None:
    user_with_policies(admin)
    plan = await quick.fixes.permissions_via_group("dave", GroupTarget("dave-permissions", create=True))
    run = quick.fixes.start(plan)
    assert await quick.fixes.run(plan, run) is True
    fired = lose_answers(quick, op, then=then)
    assert await quick.fixes.rollback(plan, run) is True and fired
    assert_policies_on_user(admin)
    assert admin.list_groups()["Groups"] == []


@pytest.mark.parametrize("then", LOST)
@pytest.mark.parametrize("op", ["CreateRole", "AttachRolePolicy", "DetachRolePolicy", "DeleteRole"])
async def test_a_lost_answer_in_the_support_role_plan_is_read_back(quick: IamService, admin: IamClient, op: str,
                                                                   then: Then) -> None:
    plan = await quick.fixes.support_role()
    run = quick.fixes.start(plan)
    fired = lose_answers(quick, op, then=then)
    assert await quick.fixes.run(plan, run) is True
    if op.startswith(("Detach", "Delete")):
        assert await quick.fixes.rollback(plan, run) is True
        assert admin.list_roles()["Roles"] == []
    else:
        assert [p["PolicyArn"] for p in admin.list_attached_role_policies(RoleName="AWSSupportRole")[
            "AttachedPolicies"]] == [SUPPORT]
    assert fired


@pytest.mark.parametrize("then", LOST)
@pytest.mark.parametrize("op", ["UpdateAccessKey", "DeleteLoginProfile", "DeleteAccessKey", "UntagUser"])
async def test_a_lost_answer_in_the_credential_fixes_is_read_back(quick: IamService, admin: IamClient, op: str,
                                                                  then: Then) -> None:
    key = console_user_with_key(admin)
    admin.tag_user(UserName="bob", Tags=[{"Key": key, "Value": "laptop"}])
    fired = lose_answers(quick, op, then=then)
    plan = await quick.fixes.unused_credentials("bob", now=datetime.now(UTC) + timedelta(days=60))
    assert await quick.fixes.run(plan, quick.fixes.start(plan)) is True
    delete = await quick.fixes.delete_inactive_keys("bob")
    assert [s.operation for s in delete.steps] == ["DeleteAccessKey", "UntagUser"]
    assert await quick.fixes.run(delete, quick.fixes.start(delete)) is True and fired
    assert key_status(admin, "bob") == {} and not has_password(admin, "bob")
    assert admin.list_user_tags(UserName="bob")["Tags"] == []
