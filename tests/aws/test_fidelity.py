"""The demo sandbox behaves like a brand-new AWS account run by its root user (where moto does not)."""

from __future__ import annotations

import boto3  # type: ignore[import-untyped]
import pytest
from botocore.exceptions import ClientError

from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.sandbox.state import ROOT_ARN
from iam_tui.core.credential_report import parse_report

from ..helpers import IamClient


def test_caller_is_root_and_an_iam_users_key_is_that_user(sandbox: Sandbox, admin: IamClient) -> None:
    sts = sandbox.session().create_client("sts")
    assert sts.get_caller_identity()["Arn"] == ROOT_ARN
    admin.create_user(UserName="alice")
    key = admin.create_access_key(UserName="alice")["AccessKey"]
    from iam_tui.core.secret import Secret

    user_sts = sandbox.session(key["AccessKeyId"], Secret(key["SecretAccessKey"])).create_client("sts")
    assert user_sts.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:user/alice"


def test_seeded_like_a_new_account(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountAccessKeysPresent"] == 1 and summary["AccountMFAEnabled"] == 0
    assert iam.list_users()["Users"] == []
    assert iam.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError, match="NoSuchEntity"):
        iam.get_account_password_policy()
    for name in ("AdministratorAccess", "PowerUserAccess", "IAMUserChangePassword", "AWSSupportAccess"):
        assert iam.get_policy(PolicyArn=f"arn:aws:iam::aws:policy/{name}")["Policy"]["PolicyName"] == name


def test_summary_follows_the_sandbox_state(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    sandbox.state.root_mfa_enabled = True
    assert iam.get_account_summary()["SummaryMap"]["AccountMFAEnabled"] == 1


def test_credential_report_has_a_root_row_and_is_kept_four_hours(sandbox: Sandbox, admin: IamClient) -> None:
    iam = sandbox.session().create_client("iam")
    iam.generate_credential_report()
    first = iam.get_credential_report()
    parsed = parse_report(first["Content"])
    assert parsed.root is not None and parsed.root.arn == ROOT_ARN
    assert parsed.root.keys[0].active and parsed.root.password_last_used is not None
    admin.create_user(UserName="late")
    again = iam.get_credential_report()
    assert again["GeneratedTime"] == first["GeneratedTime"]
    assert "late" not in again["Content"].decode()  # as in AWS: the report is not regenerated within 4 hours


def test_root_manages_its_own_keys_without_a_user_name(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    (only,) = iam.list_access_keys()["AccessKeyMetadata"]
    assert only["AccessKeyId"] == sandbox.state.first_root_key.access_key_id
    second = iam.create_access_key()["AccessKey"]
    with pytest.raises(ClientError, match="LimitExceeded"):
        iam.create_access_key()
    iam.update_access_key(AccessKeyId=second["AccessKeyId"], Status="Inactive")
    assert not sandbox.state.root_keys[second["AccessKeyId"]].active
    used = iam.get_access_key_last_used(AccessKeyId=only["AccessKeyId"])["AccessKeyLastUsed"]
    assert used["ServiceName"] == "iam" and "LastUsedDate" in used
    iam.delete_access_key(AccessKeyId=second["AccessKeyId"])
    assert len(iam.list_access_keys()["AccessKeyMetadata"]) == 1


def test_a_deleted_root_key_stops_working(sandbox: Sandbox) -> None:
    session = sandbox.session()
    iam, sts = session.create_client("iam"), session.create_client("sts")
    iam.delete_access_key(AccessKeyId=sandbox.state.first_root_key.access_key_id)
    for call in (sts.get_caller_identity, iam.list_users):
        with pytest.raises(ClientError, match="InvalidClientTokenId"):
            call()
    assert sandbox.plain_client("iam").get_account_summary()["SummaryMap"]["Users"] == 0


def test_rules_only_touch_sandbox_sessions(sandbox: Sandbox) -> None:
    plain = boto3.Session(aws_access_key_id="AKIAOTHER", aws_secret_access_key="x", region_name="us-east-1")
    assert plain.client("sts").get_caller_identity()["Arn"] != ROOT_ARN
