"""AWS errors become one plain-language AwsError; retries are bounded; secrets never appear in messages."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import NoCredentialsError, ProfileNotFound
from botocore.retries import standard

from iam_tui.aws.errors import AwsError
from iam_tui.aws.service import IamService
from iam_tui.aws.session import MAX_ATTEMPTS
from iam_tui.aws.translate import from_botocore_error
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.secret import Secret

from ..helpers import IamClient, inject_error

THROTTLE_XML = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded"
                b"</Message></Error><RequestId>1</RequestId></ErrorResponse>")


async def test_access_denied_names_the_missing_action(service: IamService) -> None:
    inject_error(service, "iam", "GetAccountSummary", "AccessDenied",
                 "User: arn:aws:iam::123456789012:user/x is not authorized to perform: iam:GetAccountSummary")
    with pytest.raises(AwsError) as caught:
        await service.account.summary()
    err = caught.value
    assert err.code == "AccessDenied" and err.action == "iam:GetAccountSummary"
    assert "iam:GetAccountSummary" in err.message and "Grant iam:GetAccountSummary" in err.fix


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep botocore's standard retry logic but skip its sleeps."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.mark.usefixtures("no_backoff")
async def test_throttling_is_retried_with_backoff_then_explained(service: IamService) -> None:
    attempts: list[int] = []

    def throttle(**_: Any) -> AWSResponse:
        attempts.append(1)
        return AWSResponse("https://iam.amazonaws.com/", 400, {}, _Raw(THROTTLE_XML))

    client = service.ctx.client("iam")
    client.meta.events.register_first("before-send.iam.ListAccountAliases", throttle)
    with pytest.raises(AwsError) as caught:
        await service.account.alias()
    assert len(attempts) == MAX_ATTEMPTS
    assert caught.value.code == "Throttling"
    assert f"retried {MAX_ATTEMPTS - 1} time(s)" in caught.value.message


@pytest.mark.usefixtures("no_backoff")
async def test_throttling_that_clears_succeeds(service: IamService) -> None:
    attempts: list[int] = []

    def throttle_once(**_: Any) -> AWSResponse | None:
        attempts.append(1)
        return AWSResponse("https://iam.amazonaws.com/", 400, {}, _Raw(THROTTLE_XML)) if len(attempts) == 1 else None

    client = service.ctx.client("iam")
    client.meta.events.register_first("before-send.iam.ListAccountAliases", throttle_once)
    assert await service.account.alias() is None
    assert len(attempts) == 2


async def test_expired_token_says_sign_in_again(service: IamService) -> None:
    inject_error(service, "sts", "GetCallerIdentity", "ExpiredToken", "The security token included in the "
                 "request is expired", 403)
    with pytest.raises(AwsError) as caught:
        await service.account.caller_identity()
    assert "expired" in caught.value.message and "aws login" in caught.value.fix


async def test_aws_text_is_scrubbed_of_the_secrets_of_the_call(service: IamService) -> None:
    password = Secret("Sup3r-Secret-Pa55!")
    inject_error(service, "iam", "CreateLoginProfile", "ValidationError",
                 "Value 'Sup3r-Secret-Pa55!' at 'password' failed to satisfy constraint")
    with pytest.raises(AwsError) as caught:
        await service.aws.call("iam", "CreateLoginProfile", UserName="x", Password=password)
    err = caught.value
    rendered = "".join(traceback.format_exception(err)) + repr(err) + str(err)
    assert "Sup3r-Secret-Pa55!" not in rendered
    assert "********" in err.message
    assert err.__suppress_context__ and err.__cause__ is None  # botocore frames are not chained in


async def test_a_denied_scan_input_only_blanks_its_checks(service: IamService) -> None:
    inject_error(service, "iam", "GetAccountPasswordPolicy", "AccessDenied", "not authorized")
    result = await service.scan.scan()
    assert result.result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.UNKNOWN
    assert "iam:GetAccountPasswordPolicy" in result.result(CheckId.PASSWORD_POLICY_LENGTH).detail
    assert result.result(CheckId.ROOT_MFA).status is Status.FAIL


def test_startup_errors_are_plain() -> None:
    err = from_botocore_error(NoCredentialsError())
    assert err.code == "NoCredentials" and "--demo" in err.fix
    err = from_botocore_error(ProfileNotFound(profile="nope"))
    assert "'nope'" in err.message


class _Raw:
    """The minimal raw-stream interface AWSResponse needs."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


async def test_sdk_parameter_validation_is_explained_without_the_secret(service: IamService) -> None:
    with pytest.raises(AwsError) as caught:
        await service.aws.call("iam", "CreateLoginProfile", UserName="", Password=Secret("Hidden-Pa55"))
    assert caught.value.code == "InvalidParameter" and "UserName" in caught.value.message
    assert "Hidden-Pa55" not in caught.value.text


async def test_credential_report_limit_exceeded_has_its_own_fix(service: IamService) -> None:
    inject_error(service, "iam", "GenerateCredentialReport", "LimitExceeded", "Rate exceeded", 409)
    inject_error(service, "iam", "GetCredentialReport", "ReportNotPresent", "none", 410)
    result = (await service.scan.scan()).result(CheckId.CONSOLE_USERS_MFA)
    assert result.status is Status.UNKNOWN
    assert "LimitExceeded" in result.detail and "too many report requests" in result.detail
    assert "Wait a few minutes, then refresh" in result.detail
    assert "access keys" not in result.detail  # not the generic LimitExceeded text


async def test_credential_report_limit_exceeded_still_reads_the_last_report(service: IamService) -> None:
    await service.scan.scan()  # a report now exists
    # The first read finds none (someone else's generation under way), and AWS refuses to start another one: the
    # report that appeared in the meantime still serves.
    inject_error(service, "iam", "GetCredentialReport", "ReportInProgress", "in progress", 410, times=1)
    refused = inject_error(service, "iam", "GenerateCredentialReport", "LimitExceeded", "Rate exceeded", 409)
    result = (await service.scan.scan()).result(CheckId.CONSOLE_USERS_MFA)
    assert refused and result.status is Status.PASS


@pytest.mark.parametrize("operation, needle", [("EnableMFADevice", "most MFA devices IAM allows (8)"),
                                               ("CreateVirtualMFADevice", "quota of virtual MFA devices")])
async def test_mfa_limit_exceeded_has_its_own_fix(service: IamService, admin: IamClient, operation: str,
                                                  needle: str) -> None:
    admin.create_user(UserName="alice")
    inject_error(service, "iam", operation, "LimitExceeded", "Cannot exceed quota", 409)
    with pytest.raises(AwsError) as caught:
        if operation == "EnableMFADevice":
            await service.mfa.enable("alice", "arn:aws:iam::123456789012:mfa/alice", "123456", "654321")
        else:
            await service.mfa.create("alice")
    assert needle in caught.value.message and "access keys" not in caught.value.fix


def test_missing_awscrt_is_named_not_generic() -> None:
    from botocore.exceptions import MissingDependencyException

    err = from_botocore_error(MissingDependencyException(msg='pip install "botocore[crt]"'))
    assert err.code == "MissingDependency" and "botocore[crt]" in err.text
    assert "failed before reaching AWS" not in err.text
