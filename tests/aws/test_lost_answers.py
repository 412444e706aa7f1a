"""A write whose answer is lost after AWS made the change, at every mutating call the app makes outside
the create plan (the plan's steps and undos: ``test_plan_runner.py``). Through the sandbox's fault injection the
answer is a 500 that botocore's standard retry answers by sending the write again (``resend``), a 500 that reaches
the app (``error``), or unreadable (``garbage``, no retry). Afterwards the IAM state read through a plain client
matches what the service said."""

from __future__ import annotations

import ast
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.parsers import ResponseParserError

from iam_tui.aws import reconcile
from iam_tui.aws.errors import AwsError
from iam_tui.aws.keys import NewAccessKey, SecretNeverReceived
from iam_tui.aws.mfa import NewVirtualMfaDevice
from iam_tui.aws.models import AccountIdentity
from iam_tui.aws.sandbox import faults as sandbox_faults
from iam_tui.aws.sandbox.faults import Then
from iam_tui.aws.service import IamService
from iam_tui.core.accepted import MARKER_NAME
from iam_tui.core.account_settings import AlternateContact
from iam_tui.core.password_policy import PasswordPolicy
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp

from ..helpers import IamClient, inject_error, lose_answers


def two_codes(seed: Secret) -> tuple[str, str]:
    now = time.time()
    return totp(seed, now - 30), totp(seed, now)


def key_ids(admin: IamClient, user: str = "bob") -> set[str]:
    return {k["AccessKeyId"] for k in admin.list_access_keys(UserName=user)["AccessKeyMetadata"]}


def virtual_devices(admin: IamClient) -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = admin.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"]
    return devices


@dataclass
class Case:
    operation: str
    arrange: Callable[[IamService, Any], Awaitable[Any]]
    act: Callable[[IamService, Any], Awaitable[Any]]
    check: Callable[[Any, Any, Any], None]  # (admin, arranged, what the service returned or raised)


async def user_bob(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="bob")


async def bob_with_key(service: IamService, admin: IamClient) -> str:
    admin.create_user(UserName="bob")
    key_id: str = admin.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    return key_id


async def bob_with_device(service: IamService, admin: IamClient) -> NewVirtualMfaDevice:
    admin.create_user(UserName="bob")
    return await service.mfa.create("bob-phone")


def check_new_key(admin: IamClient, _arranged: None, result: NewAccessKey | SecretNeverReceived) -> None:
    if isinstance(result, SecretNeverReceived):  # the call seemed to fail: the key made anyway is named
        assert set(result.access_key_ids) == key_ids(admin) and len(result.access_key_ids) == 1
        return
    assert isinstance(result, NewAccessKey)
    assert {result.access_key_id, *result.unseen} == key_ids(admin)  # no key goes unmentioned
    assert len(result.unseen) == 1  # the first attempt's key, whose secret never arrived


def check_enabled(admin: IamClient, device: NewVirtualMfaDevice, result: None) -> None:
    assert result is None
    assert [d["SerialNumber"] for d in admin.list_mfa_devices(UserName="bob")["MFADevices"]] == [device.serial]


def check_new_device(admin: IamClient, _arranged: None, device: NewVirtualMfaDevice) -> None:
    serials = [d["SerialNumber"] for d in virtual_devices(admin)]
    assert serials == [device.serial]  # one device, the one whose seed the app holds


async def enable_new_device(service: IamService, device: NewVirtualMfaDevice) -> None:
    await service.mfa.enable("bob", device.serial, *two_codes(device.seed))


async def policy_set(service: IamService, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=20)


STRICT = PasswordPolicy(minimum_length=14, require_symbols=True, allow_users_to_change=True, reuse_prevention=24)


def check_inactive(admin: IamClient, _key: str, result: None) -> None:
    assert result is None
    assert admin.list_access_keys(UserName="bob")["AccessKeyMetadata"][0]["Status"] == "Inactive"


def check_no_key(admin: IamClient, _key: str, result: None) -> None:
    assert result is None and key_ids(admin) == set()


def check_description(admin: IamClient, key: str, result: None) -> None:
    assert result is None and admin.list_user_tags(UserName="bob")["Tags"] == [{"Key": key, "Value": "laptop"}]


def check_no_device(admin: IamClient, _device: NewVirtualMfaDevice, result: None) -> None:
    assert result is None and virtual_devices(admin) == []


def check_alias(admin: IamClient, _arranged: None, identity: AccountIdentity) -> None:
    assert admin.list_account_aliases()["AccountAliases"] == [identity.alias] == ["bobs-sandbox"]


def check_policy(admin: IamClient, _arranged: None, result: None) -> None:
    assert result is None and admin.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 14


def check_no_policy(admin: IamClient, _arranged: None, removed: bool) -> None:
    assert removed is True and not _has_policy(admin)  # "removed", not "there was none"


CASES = [
    Case("CreateAccessKey", user_bob, lambda s, _: s.keys.create("bob"), check_new_key),
    Case("UpdateAccessKey", bob_with_key, lambda s, key: s.keys.set_active("bob", key, False), check_inactive),
    Case("DeleteAccessKey", bob_with_key, lambda s, key: s.keys.delete("bob", key), check_no_key),
    Case("TagUser", bob_with_key, lambda s, key: s.keys.set_description("bob", key, "laptop"), check_description),
    Case("CreateVirtualMFADevice", user_bob, lambda s, _: s.mfa.create("bob-phone"), check_new_device),
    Case("EnableMFADevice", bob_with_device, enable_new_device, check_enabled),
    Case("DeleteVirtualMFADevice", bob_with_device, lambda s, device: s.mfa.delete(device.serial), check_no_device),
    Case("CreateAccountAlias", user_bob, lambda s, _: s.signin.set_alias("bobs-sandbox"), check_alias),
    Case("UpdateAccountPasswordPolicy", user_bob, lambda s, _: s.password_policy.update(STRICT), check_policy),
    Case("DeleteAccountPasswordPolicy", policy_set, lambda s, _: s.password_policy.delete(), check_no_policy),
]


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


async def guide_group(service: IamService, admin: Any) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn=ADMIN)


async def accept_group(service: IamService, _arranged: None) -> None:
    subject = await service.accepted.acceptable_subject()
    assert subject is not None
    await service.accepted.accept_admin_group(subject, "Our admin group")


async def group_accepted(service: IamService, admin: Any) -> None:
    await guide_group(service, admin)
    await accept_group(service, None)


def check_marker(admin: Any, _arranged: None, result: None) -> None:
    assert result is None
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == [MARKER_NAME]


def check_no_marker(admin: Any, _arranged: None, result: None) -> None:
    assert result is None and admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []


IAM_CASES = [
    Case("PutGroupPolicy", guide_group, accept_group, check_marker),
    Case("DeleteGroupPolicy", group_accepted, lambda s, _: s.accepted.clear_acceptance("PowerUsers"),
         check_no_marker),
]


@pytest.mark.parametrize("then", ["resend", "error", "garbage"])
@pytest.mark.parametrize("case", IAM_CASES, ids=[c.operation for c in IAM_CASES])
async def test_a_lost_answer_of_an_acceptance_is_settled(service: IamService, admin: Any, case: Case,
                                                          then: sandbox_faults.Then) -> None:
    arranged = await case.arrange(service, admin)
    fired = lose_answers(service, case.operation, then=then)
    result = await case.act(service, arranged)
    assert fired, "the answer was not lost: the case does not test anything"
    case.check(admin, arranged, result)


CONTACT = AlternateContact("Sec Team", "security@example.com", "+1 206 555 0100", "Security")


@pytest.mark.parametrize("then", ["resend", "error", "garbage"])
async def test_a_lost_answer_of_the_security_contact_is_settled(service: IamService,
                                                                then: sandbox_faults.Then) -> None:
    fired = sandbox_faults.lose_answers(service.ctx.client("account").meta.events, "account", "PutAlternateContact",
                                        then=then)
    await service.account_settings.set_security_contact(CONTACT)
    assert fired and await service.account_settings.security_contact() == CONTACT


def _has_policy(admin: IamClient) -> bool:
    try:
        admin.get_account_password_policy()
    except admin.exceptions.NoSuchEntityException:
        return False
    return True


@pytest.mark.parametrize("then", ["resend", "error", "garbage"])
@pytest.mark.parametrize("case", CASES, ids=[c.operation for c in CASES])
async def test_a_lost_answer_is_settled_by_reading_aws(service: IamService, admin: IamClient, case: Case,
                                                       then: Then) -> None:
    arranged = await case.arrange(service, admin)
    fired = lose_answers(service, case.operation, then=then)
    try:
        result = await case.act(service, arranged)
    except SecretNeverReceived as err:
        result = err
    assert fired, "the answer was not lost: the case does not test anything"
    case.check(admin, arranged, result)


@pytest.mark.parametrize("case", [c for c in CASES if c.operation in ("UpdateAccessKey", "EnableMFADevice")],
                         ids=lambda c: c.operation)
async def test_a_connection_lost_after_aws_acted_is_settled(service: IamService, admin: Any, case: Case) -> None:
    """The connection drops once AWS made the change: not an AWS answer, but just as unknown an outcome."""
    arranged = await case.arrange(service, admin)

    def connection_lost(**_: Any) -> None:
        raise ConnectionResetError("the answer never arrived")

    service.ctx.client("iam").meta.events.register(f"after-call.iam.{case.operation}", connection_lost)
    result = await case.act(service, arranged)
    case.check(admin, arranged, result)


async def test_the_untag_after_deleting_a_key_is_settled(service: IamService, admin: IamClient) -> None:
    key = await bob_with_key(service, admin)
    await service.keys.set_description("bob", key, "laptop")
    lose_answers(service, "UntagUser")
    await service.keys.delete("bob", key)
    assert key_ids(admin) == set() and admin.list_user_tags(UserName="bob")["Tags"] == []


async def test_a_failure_that_did_not_happen_is_still_reported(service: IamService, admin: IamClient) -> None:
    """The read back only turns a failure into success when AWS shows the change."""
    await bob_with_key(service, admin)
    inject_error(service, "iam", "CreateAccessKey", "ServiceFailure", "down", 500)
    with pytest.raises(AwsError) as err:
        await service.keys.create("bob")
    assert not isinstance(err.value, SecretNeverReceived) and err.value.code == "ServiceFailure"
    assert len(key_ids(admin)) == 1


async def test_an_unreadable_answer_says_the_change_may_have_been_made(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="bob")
    lose_answers(service, "TagUser", then="garbage")
    with pytest.raises(AwsError) as err:
        await service.aws.call("iam", "TagUser", UserName="bob", Tags=[{"Key": "k", "Value": "v"}])
    assert err.value.code == "ResponseParserError" and "may or may not have been made" in err.value.message
    assert admin.list_user_tags(UserName="bob")["Tags"] == [{"Key": "k", "Value": "v"}]


async def test_an_unreadable_read_names_the_call_and_never_speaks_of_a_change(
        service: IamService, admin: IamClient) -> None:
    """A read changes nothing: its unreadable answer (an endpoint that does not implement the call, a proxy's HTML
    page) names the call that could not be read, not a change that may have been made."""
    admin.create_user(UserName="bob")

    def unreadable(**_: object) -> None:
        raise ResponseParserError("Unable to parse response: <html><body>Not Implemented</body></html>")

    service.ctx.client("iam").meta.events.register_first("before-call.iam.ListServiceSpecificCredentials",
                                                         unreadable)
    with pytest.raises(AwsError) as err:
        await service.removal.dependents("bob")
    assert err.value.code == "ResponseParserError" and err.value.action == "iam:ListServiceSpecificCredentials"
    assert "iam:ListServiceSpecificCredentials could not be read" in err.value.message
    assert "may or may not" not in err.value.text and "change" not in err.value.text


def _operations_written() -> set[str]:
    """Every operation the app writes through ``reconcile.write`` or as a plan step (read from the source)."""
    found: set[str] = set()
    package = Path(reconcile.__file__).parent.parent
    for path in [*package.glob("aws/*.py"), *package.glob("core/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else ""
            operation = node.args[1]
            if name in ("write", "PlanStep") and isinstance(operation, ast.Constant):
                found.add(str(operation.value))
    return found


def test_every_write_has_a_reader_for_its_lost_answer() -> None:
    """A write whose operation had no Presence reader could only fail as "Unverifiable" after a lost answer."""
    written = _operations_written()
    assert {"UpdateAccessKey", "PutAlternateContact", "CreateUser", "DeleteUser"} <= written  # the scan finds them
    assert written - set(reconcile._READERS) == set()
