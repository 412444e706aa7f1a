"""The sandbox's virtual MFA behaves like AWS (moto alone accepts any codes and deletes assigned devices)."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from iam_tui.aws.sandbox import Sandbox
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp

from ..helpers import IamClient


def codes(seed: bytes, offset: int = 0) -> dict[str, str]:
    now = time.time()
    secret = Secret(seed.decode())
    return {"AuthenticationCode1": totp(secret, now + (offset - 1) * 30),
            "AuthenticationCode2": totp(secret, now + offset * 30)}


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


@pytest.fixture
def iam(sandbox: Sandbox, admin: IamClient) -> IamClient:
    admin.create_user(UserName="alice")
    return sandbox.session().create_client("iam")


def test_codes_are_checked_against_the_seed(iam: IamClient, admin: IamClient) -> None:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"]
    assert "QRCodePNG" not in device  # moto's random bytes never reach the app
    for wrong in ({"AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}, codes(seed, offset=20)):
        with pytest.raises(ClientError) as err:
            iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **wrong)
        assert error_code(err) == "InvalidAuthenticationCode"
    assert admin.list_mfa_devices(UserName="alice")["MFADevices"] == []
    iam.enable_mfa_device(UserName="alice", SerialNumber=serial, **codes(seed))
    assert [d["SerialNumber"] for d in admin.list_mfa_devices(UserName="alice")["MFADevices"]] == [serial]


def test_assigned_device_cannot_be_deleted_or_reused(iam: IamClient, admin: IamClient) -> None:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"], **codes(device["Base32StringSeed"]))
    with pytest.raises(ClientError) as err:
        iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    assert error_code(err) == "DeleteConflict"
    admin.create_user(UserName="bob")
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(UserName="bob", SerialNumber=device["SerialNumber"], **codes(device["Base32StringSeed"]))
    assert error_code(err) == "EntityAlreadyExists"
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"])
    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])  # unassigned now: allowed
    assert admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_names_in_use_and_invalid_names(iam: IamClient) -> None:
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")
    for taken, path in (("alice", "/"), ("ALICE", "/"), ("alice", "/team/")):
        with pytest.raises(ClientError) as err:
            iam.create_virtual_mfa_device(VirtualMFADeviceName=taken, Path=path)
        assert error_code(err) == "EntityAlreadyExists"
    for bad in ("alice phone", "d" * 227):
        with pytest.raises(ClientError) as err:
            iam.create_virtual_mfa_device(VirtualMFADeviceName=bad)
        assert error_code(err) == "ValidationError"


def test_lists_never_hold_seeds(iam: IamClient) -> None:
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")
    (listed,) = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert "Base32StringSeed" not in listed and "QRCodePNG" not in listed


def test_unknown_devices_and_the_quota(sandbox: Sandbox, iam: IamClient, admin: IamClient) -> None:
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(UserName="alice", SerialNumber="arn:aws:iam::123456789012:mfa/ghost",
                              AuthenticationCode1="123456", AuthenticationCode2="234567")
    assert error_code(err) == "NoSuchEntity"
    outside = admin.create_virtual_mfa_device(VirtualMFADeviceName="outside")["VirtualMFADevice"]
    with pytest.raises(ClientError) as err:  # created without the rules: its seed is unknown, codes unverifiable
        iam.enable_mfa_device(UserName="alice", SerialNumber=outside["SerialNumber"],
                              **codes(outside["Base32StringSeed"]))
    assert error_code(err) == "InvalidAuthenticationCode"
    for i in range(8):
        admin.enable_mfa_device(UserName="alice", SerialNumber=f"GAHT0000000{i}", AuthenticationCode1="123456",
                                AuthenticationCode2="234567")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="ninth")["VirtualMFADevice"]
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                              **codes(device["Base32StringSeed"]))
    assert error_code(err) == "LimitExceeded"


def test_deleting_forgets_the_seed(sandbox: Sandbox, iam: IamClient) -> None:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    assert device["SerialNumber"] in sandbox.state.mfa_seeds
    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    assert sandbox.state.mfa_seeds == {}
    with pytest.raises(ClientError) as err:
        iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])
    assert error_code(err) == "NoSuchEntity"
