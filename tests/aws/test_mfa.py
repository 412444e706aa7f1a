"""MfaService against the sandbox."""

from __future__ import annotations

import base64
import logging
import time

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.service import IamService
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.mfa import MfaKind
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp

from ..helpers import IamClient, inject_error


def two_codes(seed: Secret) -> tuple[str, str]:
    now = time.time()
    return totp(seed, now - 30), totp(seed, now)


async def test_create_enable_list_and_the_scan_sees_it(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Aa1!aaaaaaaaaaaa")
    before = await service.scan.scan()  # the credential report is now fixed for 4 hours, as in AWS
    assert before.result(CheckId.CONSOLE_USERS_MFA).resources == ("alice",)
    new = await service.mfa.create("alice")
    assert new.serial == "arn:aws:iam::123456789012:mfa/alice" and new.name == "alice"
    assert len(new.seed.reveal()) == 64 and new.seed.reveal() not in repr(new)
    assert [d.name for d in await service.mfa.unassigned_named("ALICE")] == ["alice"]
    await service.mfa.enable("alice", new.serial, *two_codes(new.seed))
    assert "alice" in service.scan.touched
    (device,) = await service.mfa.user_devices("alice")
    assert device.serial == new.serial and device.kind is MfaKind.VIRTUAL and device.enabled is not None
    assert await service.mfa.unassigned_named("alice") == []
    (listed,) = await service.mfa.virtual_devices("Assigned")
    assert listed.user == "alice" and listed.assigned
    result = await service.scan.scan()
    assert result.result(CheckId.CONSOLE_USERS_MFA).status is Status.PASS


async def test_device_kinds_of_a_user(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="bob")
    admin.enable_mfa_device(UserName="bob", SerialNumber="GAHT12345678", AuthenticationCode1="123456",
                            AuthenticationCode2="234567")
    assert [(d.name, d.kind) for d in await service.mfa.user_devices("bob")] == [
        ("GAHT12345678", MfaKind.HARDWARE)]


async def test_wrong_codes_keep_the_device_and_errors_hold_no_seed(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    new = await service.mfa.create("alice")
    with pytest.raises(AwsError) as err:
        await service.mfa.enable("alice", new.serial, "123456", "654321")
    assert err.value.code == "InvalidAuthenticationCode" and "consecutive" in err.value.fix
    assert new.seed.reveal() not in err.value.text
    assert "alice" not in service.scan.touched
    assert [d.serial for d in await service.mfa.unassigned_named("alice")] == [new.serial]
    await service.mfa.delete(new.serial)
    assert await service.mfa.virtual_devices() == []


async def test_unassigned_lookup_reads_every_page(service: IamService, admin: IamClient) -> None:
    for i in range(120):  # moto pages ListVirtualMFADevices by 100
        admin.create_virtual_mfa_device(VirtualMFADeviceName=f"d{i:03}")
    assert [d.name for d in await service.mfa.unassigned_named("d119")] == ["d119"]
    assert len(await service.mfa.virtual_devices()) == 120


async def test_delete_failure_is_an_aws_error(service: IamService) -> None:
    inject_error(service, "iam", "DeleteVirtualMFADevice", "AccessDenied", status=403)
    with pytest.raises(AwsError) as err:
        await service.mfa.delete("arn:aws:iam::123456789012:mfa/alice")
    assert err.value.is_denied and "iam:DeleteVirtualMFADevice" in err.value.text


async def test_seed_never_reaches_the_logs_even_at_debug(service: IamService, admin: IamClient,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="botocore.parsers")  # even if someone turns botocore's own logs up
    admin.create_user(UserName="alice")
    new = await service.mfa.create("alice")
    await service.mfa.virtual_devices()
    await service.mfa.enable("alice", new.serial, *two_codes(new.seed))
    seed = new.seed.reveal()
    assert "CreateVirtualMFADevice" in caplog.text and "(redacted)" in caplog.text  # botocore did log the body
    for form in (seed, base64.b64encode(seed.encode()).decode()):
        assert form not in caplog.text
