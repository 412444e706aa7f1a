"""Sandbox rules for aliases, access keys and deleting users (AWS behaviour moto lacks)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from botocore.exceptions import ClientError

from iam_tui.aws.sandbox import Sandbox

from ..helpers import IamClient


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


@pytest.mark.parametrize("alias", ["a" * 64, "My-Company", "my--company", "-mycompany", "my_company"])
def test_invalid_aliases_are_validation_errors(sandbox: Sandbox, alias: str) -> None:
    iam = sandbox.session().create_client("iam")
    with pytest.raises(ClientError) as caught:
        iam.create_account_alias(AccountAlias=alias)
    assert _code(caught) == "ValidationError" and "accountAlias" in str(caught.value)
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_all_digit_alias_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ClientError) as caught:
        sandbox.session().create_client("iam").create_account_alias(AccountAlias="123456789012")
    assert _code(caught) == "ValidationError"


def test_an_alias_taken_by_another_account(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    with pytest.raises(ClientError) as caught:
        iam.create_account_alias(AccountAlias="example")
    assert _code(caught) == "EntityAlreadyExists"
    iam.create_account_alias(AccountAlias="my-company")
    iam.create_account_alias(AccountAlias="my-company-2")  # replaces, as in AWS
    assert iam.list_account_aliases()["AccountAliases"] == ["my-company-2"]


def test_deleting_an_alias_the_account_does_not_have(sandbox: Sandbox) -> None:
    iam = sandbox.session().create_client("iam")
    iam.create_account_alias(AccountAlias="my-company")
    with pytest.raises(ClientError) as caught:
        iam.delete_account_alias(AccountAlias="other-alias")
    assert _code(caught) == "NoSuchEntity"
    iam.delete_account_alias(AccountAlias="my-company")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_a_third_access_key_is_limit_exceeded(sandbox: Sandbox, admin: IamClient) -> None:
    iam = sandbox.session().create_client("iam")
    admin.create_user(UserName="alice")
    first = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.create_access_key(UserName="alice")
    iam.update_access_key(UserName="alice", AccessKeyId=first, Status="Inactive")  # inactive keys count too
    with pytest.raises(ClientError) as caught:
        iam.create_access_key(UserName="alice")
    assert _code(caught) == "LimitExceeded"
    iam.delete_access_key(UserName="alice", AccessKeyId=first)
    iam.create_access_key(UserName="alice")


@pytest.mark.parametrize("arrange, message", [
    (lambda iam: iam.create_login_profile(UserName="alice", Password="Xx1!xxxxxxxxxx"), "login profile"),
    (lambda iam: iam.create_access_key(UserName="alice"), "access keys"),
    (lambda iam: iam.enable_mfa_device(
        UserName="alice", AuthenticationCode1="123456", AuthenticationCode2="654321",
        SerialNumber=iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]),
     "MFA device"),
    (lambda iam: (iam.create_group(GroupName="admins"), iam.add_user_to_group(GroupName="admins", UserName="alice")),
     "remove users from group"),
    (lambda iam: iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"),
     "detach all policies"),
    (lambda iam: iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument='{"Version": "2012-10-17", '
                                     '"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'),
     "delete policies"),
])
def test_deleting_a_user_that_still_has_things_is_a_conflict(sandbox: Sandbox, admin: IamClient,
                                                              arrange: Callable[[IamClient], object],
                                                             message: str) -> None:
    admin.create_user(UserName="alice")
    arrange(admin)
    iam = sandbox.session().create_client("iam")
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="alice")
    assert _code(caught) == "DeleteConflict" and message in str(caught.value)
    assert admin.get_user(UserName="alice")["User"]["UserName"] == "alice"


def test_a_bare_user_is_deleted_and_a_missing_one_is_no_such_entity(sandbox: Sandbox, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    iam = sandbox.session().create_client("iam")
    iam.delete_user(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="alice")
    assert _code(caught) == "NoSuchEntity"
