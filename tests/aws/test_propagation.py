"""The sandbox simulates IAM's eventual consistency (on by default in the demo), and the app comes through
each delay without the user pressing retry, within its bounds. Delays run on a fake clock: nothing waits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iam_tui.aws import cli_profile
from iam_tui.aws.cli_profile import write_profile
from iam_tui.aws.errors import AwsError
from iam_tui.aws.mfa import ENABLE_WAIT_S, MfaService, NewVirtualMfaDevice
from iam_tui.aws.sandbox import Propagation, Sandbox
from iam_tui.aws.service import IamService, build_service
from iam_tui.core.aws_config import CliPaths
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp
from iam_tui.settings import ConnectionSettings

from ..helpers import FakeTime, IamClient

ALICE = "arn:aws:iam::123456789012:user/alice"


def test_the_demo_simulates_propagation_by_default() -> None:
    lag = Sandbox().propagation
    assert 0 < lag.new_entity <= 2 and 0 < lag.new_key <= 10 and 0 < lag.removed_dependent <= 5
    assert 0 < lag.new_login_profile <= 5
    service = build_service(ConnectionSettings(demo=True))
    try:
        assert service.sandbox.propagation.new_key == Propagation().new_key
    finally:
        service.close()


async def test_a_new_key_is_rejected_by_sts_for_a_moment(service: IamService, sandbox: Sandbox,
                                                         admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_key=3.0)
    admin.create_user(UserName="alice")
    new = await service.keys.create("alice")
    as_alice = IamService(type(service.ctx)(sandbox.session(new.access_key_id, new.secret), service.settings),
                          sandbox)
    with pytest.raises(AwsError) as err:
        await as_alice.account.caller_identity()
    assert err.value.code == "InvalidClientTokenId"
    fake.now += 3.0
    assert (await as_alice.account.caller_identity()).arn == ALICE


async def _alice_profile(service: IamService, admin: IamClient, tmp_path: Path) -> CliPaths:
    admin.create_user(UserName="alice")
    new = await service.keys.create("alice")
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    write_profile(paths, "alice", new.access_key_id, new.secret, region="us-east-1")
    return paths


async def test_profile_verification_waits_for_the_new_key(service: IamService, sandbox: Sandbox, admin: IamClient,
                                                          tmp_path: Path) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_key=5.0)
    paths = await _alice_profile(service, admin, tmp_path)
    steps: list[str] = []
    verified = await cli_profile.verify(lambda: cli_profile.service_for_profile(service, paths, "alice"), ALICE,
                                        progress=lambda _n, text: steps.append(text), patience=fake.patience())
    assert (await verified.account.identity()).caller.arn == ALICE
    assert fake.slept and any("InvalidClientTokenId" in step and "retrying" in step for step in steps)


async def test_a_key_still_rejected_after_the_window_is_described_as_propagating(
        service: IamService, sandbox: Sandbox, admin: IamClient, tmp_path: Path) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_key=10_000.0)
    paths = await _alice_profile(service, admin, tmp_path)
    with pytest.raises(AwsError) as err:
        await cli_profile.verify(lambda: cli_profile.service_for_profile(service, paths, "alice"), ALICE,
                                 patience=fake.patience())
    assert "still propagating" in err.value.message and "a minute" in err.value.fix
    assert "mistyped" not in err.value.text and "deleted" not in err.value.text
    assert sum(fake.slept) <= cli_profile.VERIFY_TIMEOUT_S


def _codes(seed: Secret) -> tuple[str, str]:
    now = time.time()
    return totp(seed, now - 30), totp(seed, now)


async def _user_with_password_and_device(service: IamService, admin: IamClient, mfa: MfaService) -> NewVirtualMfaDevice:
    admin.create_user(UserName="alice")
    await service.aws.call("iam", "CreateLoginProfile", UserName="alice", Password=Secret("Str0ng-Enough-Pass!"))
    return await mfa.create("alice-phone")


async def test_mfa_enable_right_after_the_password_waits(service: IamService, sandbox: Sandbox,
                                                         admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_login_profile=2.0)
    mfa = MfaService(service.aws, patience=fake.patience())
    device = await _user_with_password_and_device(service, admin, mfa)
    await mfa.enable("alice", device.serial, *_codes(device.seed))
    assert [d["SerialNumber"] for d in admin.list_mfa_devices(UserName="alice")["MFADevices"]] == [device.serial]
    assert 2.0 <= sum(fake.slept) <= ENABLE_WAIT_S


async def test_the_mfa_wait_is_bounded(service: IamService, sandbox: Sandbox, admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_login_profile=10_000.0)
    mfa = MfaService(service.aws, patience=fake.patience())
    device = await _user_with_password_and_device(service, admin, mfa)
    with pytest.raises(AwsError) as err:
        await mfa.enable("alice", device.serial, *_codes(device.seed))
    assert err.value.code == "EntityTemporarilyUnmodifiable" and sum(fake.slept) <= ENABLE_WAIT_S
    assert admin.list_mfa_devices(UserName="alice")["MFADevices"] == []


async def test_a_new_user_is_unknown_for_a_moment(service: IamService, sandbox: Sandbox, admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_entity=1.0)
    await service.aws.call("iam", "CreateUser", UserName="alice")
    with pytest.raises(AwsError) as err:
        await service.aws.call("iam", "AddUserToGroup", UserName="alice", GroupName="g")
    assert err.value.code == "NoSuchEntity"
    fake.now += 1.0
    admin.create_group(GroupName="g")
    await service.aws.call("iam", "AddUserToGroup", UserName="alice", GroupName="g")


async def test_a_just_deleted_login_profile_blocks_delete_user_for_a_moment(service: IamService, sandbox: Sandbox,
                                                                           admin: IamClient) -> None:
    fake = FakeTime()
    sandbox.propagation = fake.propagation(removed_dependent=2.0)
    admin.create_user(UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Str0ng-Enough-Pass!")
    await service.aws.call("iam", "DeleteLoginProfile", UserName="alice")
    with pytest.raises(AwsError) as err:
        await service.aws.call("iam", "DeleteUser", UserName="alice")
    assert err.value.code == "DeleteConflict"
    fake.now += 2.0
    await service.aws.call("iam", "DeleteUser", UserName="alice")
    assert admin.list_users()["Users"] == []
