"""The sandbox enforces the MFA-required policy as AWS does: the key alone is refused, a GetSessionToken session made
with a right code works (moto evaluates no policy and accepts any code)."""

from __future__ import annotations

import json
import time

import botocore.session
import pytest
from botocore.exceptions import ClientError

from iam_tui.aws.sandbox import Sandbox
from iam_tui.core.mfa_gate import policy_json
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp

from ..helpers import IamClient, admin_in_group


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def gated_admin(sandbox: Sandbox, admin: IamClient, *,
                gated: bool = True) -> tuple[Secret, str, botocore.session.Session]:
    """alice in group Admins (AdministratorAccess and, when ``gated``, the MFA policy), with an enabled virtual
    device and an access key. Returns (seed, serial, alice's own sandbox session)."""
    root_iam = sandbox.session().create_client("iam")
    admin_in_group(admin, "alice", "Admins", gated=gated)
    device = root_iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed = Secret(device["Base32StringSeed"].decode())
    now = time.time()
    root_iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                               AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
    key = admin.create_access_key(UserName="alice")["AccessKey"]
    return seed, device["SerialNumber"], sandbox.session(key["AccessKeyId"], Secret(key["SecretAccessKey"]))


def test_the_key_alone_is_refused_and_an_mfa_session_works(sandbox: Sandbox, admin: IamClient) -> None:
    seed, serial, alice = gated_admin(sandbox, admin)
    iam, sts = alice.create_client("iam"), alice.create_client("sts")
    with pytest.raises(ClientError) as err:
        iam.list_users()
    assert error_code(err) == "AccessDenied"
    assert "explicit deny" in err.value.response["Error"]["Message"]
    assert sts.get_caller_identity()["Arn"].endswith(":user/alice")  # never denied
    iam.list_mfa_devices(UserName="alice")  # in the policy's NotAction: allowed without MFA
    with pytest.raises(ClientError) as err:
        sts.get_session_token(SerialNumber=serial, TokenCode="000000" if totp(seed, time.time()) != "000000"
                              else "111111")
    assert error_code(err) == "AccessDenied"
    plain = sts.get_session_token()["Credentials"]  # no MFA: a session that still cannot call IAM
    no_mfa = sandbox.session(plain["AccessKeyId"], Secret(plain["SecretAccessKey"])).create_client("iam")
    with pytest.raises(ClientError) as err:
        no_mfa.list_users()
    assert error_code(err) == "AccessDenied"
    creds = sts.get_session_token(SerialNumber=serial, TokenCode=totp(seed, time.time()))["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    session = sandbox.session(creds["AccessKeyId"], Secret(creds["SecretAccessKey"]))
    assert session.create_client("sts").get_caller_identity()["Arn"].endswith(":user/alice")
    assert "Users" in session.create_client("iam").list_users()
    with pytest.raises(ClientError) as err:
        session.create_client("sts").get_session_token()
    assert error_code(err) == "AccessDenied"  # AWS refuses GetSessionToken with session credentials


def test_without_the_policy_the_key_works(sandbox: Sandbox, admin: IamClient) -> None:
    _seed, _serial, alice = gated_admin(sandbox, admin, gated=False)
    assert "Users" in alice.create_client("iam").list_users()


def test_a_bool_condition_does_not_gate_a_long_term_key(sandbox: Sandbox, admin: IamClient) -> None:
    """AWS's pitfall: Bool on aws:MultiFactorAuthPresent does not match a request that carries no such key."""
    _seed, _serial, alice = gated_admin(sandbox, admin, gated=False)
    document = json.loads(policy_json())
    document["Statement"][-1]["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    admin.put_group_policy(GroupName="Admins", PolicyName="weak", PolicyDocument=json.dumps(document))
    assert "Users" in alice.create_client("iam").list_users()


def test_an_expired_session_is_refused(sandbox: Sandbox, admin: IamClient) -> None:
    seed, serial, alice = gated_admin(sandbox, admin)
    creds = alice.create_client("sts").get_session_token(SerialNumber=serial, TokenCode=totp(seed, time.time()),
                                                        DurationSeconds=900)["Credentials"]
    from datetime import UTC, datetime, timedelta

    sandbox.state.sessions[creds["AccessKeyId"]].expires = datetime.now(UTC) - timedelta(seconds=1)
    iam = sandbox.session(creds["AccessKeyId"], Secret(creds["SecretAccessKey"])).create_client("iam")
    with pytest.raises(ClientError) as err:
        iam.list_users()
    assert error_code(err) == "ExpiredToken"
