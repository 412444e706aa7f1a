"""Sandbox fidelity for users, groups, tags and console passwords (moto accepts all of these)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError

from iam_tui.aws.sandbox import Sandbox

from ..helpers import IamClient


@pytest.fixture
def iam(sandbox: Sandbox) -> IamClient:
    return sandbox.session().create_client("iam")


def code_of(call: Callable[..., object], **params: object) -> str:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return str(caught.value.response["Error"]["Code"])


@pytest.mark.parametrize("name", ["x" * 65, "alice smith", "élodie", "a/b"])
def test_invalid_user_names_are_rejected(iam: IamClient, name: str) -> None:
    assert code_of(iam.create_user, UserName=name) == "ValidationError"


def test_user_names_are_unique_ignoring_case(iam: IamClient, admin: IamClient) -> None:
    admin.create_user(UserName="Alice")
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="alice")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert "Alice" in caught.value.response["Error"]["Message"]


def test_group_names(iam: IamClient, admin: IamClient) -> None:
    assert code_of(iam.create_group, GroupName="power users") == "ValidationError"
    admin.create_group(GroupName="PowerUsers")
    assert code_of(iam.create_group, GroupName="powerusers") == "EntityAlreadyExists"
    iam.create_group(GroupName="Admins")


def test_tags_on_create_and_tag_user(iam: IamClient) -> None:
    assert code_of(iam.create_user, UserName="a", Tags=[{"Key": "aws:x", "Value": "1"}]) == "InvalidInput"
    assert code_of(iam.create_user, UserName="a", Tags=[{"Key": "k", "Value": "1"},
                                                        {"Key": "K", "Value": "2"}]) == "InvalidInput"
    iam.create_user(UserName="a", Tags=[{"Key": f"k{i}", "Value": ""} for i in range(49)])
    iam.tag_user(UserName="a", Tags=[{"Key": "k0", "Value": "replaced"}, {"Key": "new", "Value": ""}])
    assert code_of(iam.tag_user, UserName="a", Tags=[{"Key": "one-too-many", "Value": ""}]) == "LimitExceeded"


def test_passwords_follow_the_default_policy(iam: IamClient, admin: IamClient) -> None:
    admin.create_user(UserName="u")
    assert code_of(iam.create_login_profile, UserName="u", Password="alllowercase") == "PasswordPolicyViolation"
    assert code_of(iam.create_login_profile, UserName="u", Password="x" * 129) == "ValidationError"
    iam.create_login_profile(UserName="u", Password="Two-classes1")


def test_passwords_follow_the_account_policy(iam: IamClient, admin: IamClient) -> None:
    admin.create_user(UserName="u")
    admin.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    with pytest.raises(ClientError) as caught:
        iam.create_login_profile(UserName="u", Password="Short-1")
    error = caught.value.response["Error"]
    assert error["Code"] == "PasswordPolicyViolation" and "Short-1" not in error["Message"]
    assert code_of(iam.create_login_profile, UserName="u", Password="NoSymbolsButLong1") == "PasswordPolicyViolation"
    iam.create_login_profile(UserName="u", Password="Long-enough-w1th!")
    assert code_of(iam.update_login_profile, UserName="u", Password="short") == "PasswordPolicyViolation"


def test_password_reset_required_is_honoured(iam: IamClient, admin: IamClient) -> None:
    admin.create_user(UserName="u")
    iam.create_login_profile(UserName="u", Password="Good-Passw0rd", PasswordResetRequired=True)
    assert admin.get_login_profile(UserName="u")["LoginProfile"]["PasswordResetRequired"] is True


def test_update_login_profile_without_password_keeps_the_password(iam: IamClient, admin: IamClient) -> None:
    admin.create_user(UserName="u")
    iam.create_login_profile(UserName="u", Password="Good-Passw0rd", PasswordResetRequired=True)
    iam.update_login_profile(UserName="u", PasswordResetRequired=False)
    assert admin.get_login_profile(UserName="u")["LoginProfile"]["PasswordResetRequired"] is False
    assert code_of(iam.update_login_profile, UserName="nobody", PasswordResetRequired=True) == "NoSuchEntity"
