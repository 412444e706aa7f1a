"""iam-tui on an IAM user's access key that AWS refuses for lack of MFA (Force_MFA on the user's group), on a profile
without mfa_serial: the refusal is noticed, the device found, the code asked, and a GetSessionToken session (in
memory) signs every call; an expired session asks again. Against the sandbox's enforcement of the policy."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService, session_if_refused
from iam_tui.aws.session import AwsContext
from iam_tui.core.mfa_gate import REFUSED_KEY_PROMPT
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp
from iam_tui.settings import ConnectionSettings

from ..helpers import admin_in_group


def alice_key(sandbox: Sandbox, *, gated: bool = True, mfa: bool = True) -> tuple[str, Secret, Secret | None, str]:
    """alice, an administrator through PowerUsers (with Force_MFA on the group when ``gated``), her access key and
    her virtual MFA device's seed and serial."""
    admin = sandbox.plain_client("iam")
    admin_in_group(admin, "alice", "PowerUsers", gated=gated)
    seed, serial = None, ""
    if mfa:
        iam = sandbox.session().create_client("iam")
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
        seed, serial = Secret(device["Base32StringSeed"].decode()), device["SerialNumber"]
        now = time.time()
        iam.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=totp(seed, now - 30),
                              AuthenticationCode2=totp(seed, now))
    key = admin.create_access_key(UserName="alice")["AccessKey"]
    return key["AccessKeyId"], Secret(key["SecretAccessKey"]), seed, serial


def key_service(sandbox: Sandbox, key_id: str, secret: Secret, prompter: Any = None) -> IamService:
    settings = ConnectionSettings(mfa_prompter=prompter)
    return IamService(AwsContext(sandbox.session(key_id, secret), settings), sandbox)


async def test_a_refused_key_asks_the_code_and_runs_on_a_session_that_asks_again(sandbox: Sandbox) -> None:
    key_id, secret, seed, serial = alice_key(sandbox)
    assert seed is not None
    asked: list[str] = []

    def prompter(prompt: str) -> str:
        asked.append(prompt)
        return totp(seed, time.time() + 30 * (len(asked) - 1))  # the next code the second time

    service = key_service(sandbox, key_id, secret, prompter)
    with pytest.raises(AwsError) as err:  # the key alone: the explicit deny
        await service.aws.call("iam", "GetAccountSummary")
    assert err.value.is_denied and "explicit deny" in err.value.message
    gated = await session_if_refused(service)
    assert gated is not service and len(asked) == 1
    assert asked[0].startswith(REFUSED_KEY_PROMPT) and serial in asked[0]
    await gated.aws.call("iam", "GetAccountSummary")  # the session made with the code may work
    identity = await gated.account.identity(refresh=True)
    assert identity.caller.arn.endswith(":user/alice")
    source = gated.ctx.credential_source()
    assert source.startswith("MFA session (GetSessionToken, in memory) until ")
    first_key = gated.ctx.access_key_id()
    assert first_key is not None and first_key.startswith("ASIA") and first_key in sandbox.state.sessions
    assert len(asked) == 1  # the proof's session is used: no second question
    credentials = gated.ctx.credentials()
    credentials._expiry_time = datetime.now(UTC) - timedelta(minutes=1)  # the session has run out
    await gated.aws.call("iam", "ListUsers")
    assert len(asked) == 2 and gated.ctx.access_key_id() not in (first_key, key_id)


async def test_a_wrong_code_is_refused_and_nothing_goes_on(sandbox: Sandbox) -> None:
    key_id, secret, _seed, _serial = alice_key(sandbox)
    with pytest.raises(AwsError) as err:
        await session_if_refused(key_service(sandbox, key_id, secret, lambda _p: "000000"))
    assert err.value.is_denied and "MultiFactorAuthentication failed" in err.value.message


async def test_a_key_that_works_without_mfa_is_left_alone(sandbox: Sandbox) -> None:
    key_id, secret, _seed, _serial = alice_key(sandbox, gated=False)
    asked: list[str] = []
    service = key_service(sandbox, key_id, secret, asked.append)
    assert await session_if_refused(service) is service and asked == []


async def test_root_is_never_probed(service: IamService) -> None:
    calls: list[str] = []
    service.ctx.call_listeners.append(lambda _s, operation: calls.append(operation))
    assert await session_if_refused(service) is service
    assert "GetAccountSummary" not in calls and "ListMFADevices" not in calls


async def test_without_a_device_it_says_what_to_do(sandbox: Sandbox) -> None:
    key_id, secret, _seed, _serial = alice_key(sandbox, mfa=False)
    with pytest.raises(AwsError) as err:
        await session_if_refused(key_service(sandbox, key_id, secret, lambda _p: "123456"))
    assert err.value.code == "MfaDeviceNeeded"


async def test_without_anyone_to_ask_it_says_what_to_do(sandbox: Sandbox) -> None:
    """iam-tui check has no modal: it names aws configure mfa-login with the device found."""
    key_id, secret, _seed, serial = alice_key(sandbox)
    with pytest.raises(AwsError) as err:
        await session_if_refused(key_service(sandbox, key_id, secret))
    assert err.value.code == "MfaCodeNeeded" and f"--serial-number {serial}" in err.value.fix
