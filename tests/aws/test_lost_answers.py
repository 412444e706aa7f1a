"""Issue 10: a write whose answer is lost after AWS made the change, at every mutating call the app makes outside
the create plan (the plan's steps and undos: ``test_plan_runner.py``). Through the sandbox's fault injection the
answer is a 500 that botocore's standard retry answers by sending the write again (``resend``), a 500 that reaches
the app (``error``), or unreadable (``garbage``, no retry). Afterwards the IAM state read through a plain client
matches what the service said."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.parsers import ResponseParserError

from iam_tui.aws.errors import AwsError
from iam_tui.aws.keys import NewAccessKey, SecretNeverReceived
from iam_tui.aws.mfa import NewVirtualMfaDevice
from iam_tui.aws.models import AccountIdentity
from iam_tui.aws.sandbox.faults import Then
from iam_tui.aws.service import IamService
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


async def alias_set(service: IamService, admin: IamClient) -> None:
    admin.create_account_alias(AccountAlias="bobs-sandbox")


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


def check_no_alias(admin: IamClient, _arranged: None, identity: AccountIdentity) -> None:
    assert admin.list_account_aliases()["AccountAliases"] == [] and identity.alias is None


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
    Case("DeleteAccountAlias", alias_set, lambda s, _: s.signin.delete_alias("bobs-sandbox"), check_no_alias),
    Case("UpdateAccountPasswordPolicy", user_bob, lambda s, _: s.password_policy.update(STRICT), check_policy),
    Case("DeleteAccountPasswordPolicy", policy_set, lambda s, _: s.password_policy.delete(), check_no_policy),
]


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
