"""KeysService and SigninService against the sandbox."""

from __future__ import annotations

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.access_keys import is_long_term_key
from tests.helpers import inject_error

from ..helpers import IamClient


async def test_create_list_describe_deactivate_delete(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    new = await service.keys.create("alice")
    assert new.user_name == "alice" and new.access_key_id.startswith("AKIA") and len(new.secret) == 40
    assert new.secret.reveal() not in repr(new)
    assert "alice" in service.scan.touched
    await service.keys.set_description("alice", new.access_key_id, "laptop CLI")
    (key,) = await service.keys.list_keys("alice")
    assert key.access_key_id == new.access_key_id and key.active and key.description == "laptop CLI"
    assert key.last_used is None and key.age_days() == 0
    await service.keys.set_active("alice", new.access_key_id, False)
    assert not (await service.keys.list_keys("alice"))[0].active
    await service.keys.delete("alice", new.access_key_id)
    assert await service.keys.list_keys("alice") == []
    assert admin.list_user_tags(UserName="alice")["Tags"] == []  # the description tag went with the key


async def test_last_use_is_read_per_key(service: IamService, admin: IamClient, sandbox: Sandbox) -> None:
    admin.create_user(UserName="alice")
    new = await service.keys.create("alice")
    sandbox.session(new.access_key_id, new.secret).create_client("sts").get_caller_identity()
    (key,) = await service.keys.list_keys("alice")
    assert key.last_used is not None and key.last_used_service == "sts" and key.last_used_region == "us-east-1"


async def test_root_keys_without_a_user_name(service: IamService, sandbox: Sandbox) -> None:
    (key,) = await service.keys.list_keys(None)
    assert key.access_key_id == sandbox.state.first_root_key.access_key_id
    assert await service.keys.running_access_key_id() == key.access_key_id
    assert is_long_term_key(key.access_key_id) and not is_long_term_key("ASIAXYZ") and not is_long_term_key(None)


async def test_a_third_key_is_refused(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    await service.keys.create("alice")
    await service.keys.create("alice")
    with pytest.raises(AwsError) as caught:
        await service.keys.create("alice")
    assert caught.value.code == "LimitExceeded" and "2 access keys" in caught.value.fix


async def test_virtual_mfa_serial(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    assert await service.keys.virtual_mfa_serial("alice") is None
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    admin.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                            AuthenticationCode2="654321")
    assert await service.keys.virtual_mfa_serial("alice") == serial


async def test_descriptions_denied_still_lists_keys(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    await service.keys.create("alice")
    inject_error(service, "iam", "ListUserTags", "AccessDenied")
    (key,) = await service.keys.list_keys("alice")
    assert key.description is None


async def test_alias_create_and_replace_refreshes_identity(service: IamService) -> None:
    identity = await service.signin.set_alias("my-company")
    assert identity.alias == "my-company" and identity.signin_url == "https://my-company.signin.aws.amazon.com/console"
    identity = await service.signin.set_alias("my-company-2")
    assert identity.alias == "my-company-2"
    assert (await service.account.identity()).alias == "my-company-2"


async def test_signin_user_state(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    user = await service.signin.user("alice")
    assert not user.has_password and not user.has_mfa and user.password_last_used is None
    admin.create_login_profile(UserName="alice", Password="Passw0rd!long")
    assert (await service.signin.user("alice")).has_password


async def test_hardware_and_fido_devices_give_no_mfa_serial(service: IamService, admin: IamClient) -> None:
    from iam_tui.aws.sandbox import responses

    admin.create_user(UserName="alice")
    devices = [{"UserName": "alice", "SerialNumber": "GAHT12345678", "EnableDate": "2026-01-01T00:00:00Z"},
               {"UserName": "alice", "SerialNumber": "arn:aws:iam::123456789012:u2f/user/alice/key-ABC",
                "EnableDate": "2026-01-01T00:00:00Z"}]
    service.ctx.client("iam").meta.events.register_first(
        "before-call.iam.ListMFADevices", lambda **_: responses.ok({"MFADevices": devices, "IsTruncated": False}))
    assert await service.keys.virtual_mfa_serial("alice") is None


async def test_a_saved_alias_is_shown_even_if_reading_the_identity_again_would_fail(
        service: IamService, admin: IamClient) -> None:
    await service.account.identity()
    inject_error(service, "sts", "GetCallerIdentity", "Throttling", "Rate exceeded")
    identity = await service.signin.set_alias("acme-corp")
    assert identity.alias == "acme-corp" and identity.signin_url == "https://acme-corp.signin.aws.amazon.com/console"
    assert admin.list_account_aliases()["AccountAliases"] == ["acme-corp"]
