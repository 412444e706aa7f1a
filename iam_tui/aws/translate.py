"""botocore's exceptions -> :class:`AwsError`: the AWS error code, what it means here, and what to do."""

from __future__ import annotations

import re
from collections.abc import Sequence
from http import HTTPStatus

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    LoginError,
    LoginInsufficientPermissions,
    LoginRefreshRequired,
    LoginTokenLoadError,
    MissingDependencyException,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
)

from ..core.display_text import cut
from ..core.secret import Secret, scrub
from .errors import DENIED_CODES, EXPIRED_CODES, INVALID_CRED_CODES, THROTTLE_CODES, AwsError

# A proxy, a captive portal or a wrong --endpoint-url answers with a web page; botocore then hands the whole page
# over as the error message (REST services) with the HTTP status as the code.
_WEB_PAGE = re.compile(r"<\s*(!doctype|html|head|body|title|h1|p|div)\b", re.IGNORECASE)
MAX_AWS_TEXT = 400  # characters of AWS's message kept: a page of text is not an error line

SIGN_IN_AGAIN = "Sign in again (`aws login`, `aws sso login`, or fresh keys), or pass --profile."

# What each IAM error code means in this app, and what to do about it.
_PLAIN: dict[str, tuple[str, str]] = {
    "EntityAlreadyExists": ("It already exists in this account.", "Pick another name, or use the existing one."),
    "NoSuchEntity": ("It does not exist (or was just deleted).", "Refresh and check the name."),
    "LimitExceeded": ("An IAM quota is reached.", "Remove one first (e.g. a user has at most 2 access keys)."),
    "PasswordPolicyViolation": ("The password does not meet the account password policy.",
                                "Generate a new password, or relax the policy."),
    "InvalidAuthenticationCode": ("AWS did not accept the MFA codes.",
                                  "Enter two consecutive codes, fresh from the app; check the phone's clock."),
    "DeleteConflict": ("It is still in use (attached, or holding keys, MFA or a password).",
                       "Remove what depends on it first, then retry."),
    "EntityTemporarilyUnmodifiable": ("IAM is still busy with a recent change to it.", "Wait a few seconds, retry."),
    "ConcurrentModification": ("Someone (or something) changed it at the same time.", "Refresh, then retry."),
    "InvalidInput": ("AWS rejected a value.", "Check the highlighted field."),
    "ValidationError": ("AWS rejected a value.", "Check the highlighted field."),
    "MalformedPolicyDocument": ("The policy document is not valid.", "Fix the document."),
    "ServiceFailure": ("IAM had an internal error.", "Retry in a moment."),
    "ReportInProgress": ("The credential report is still being generated.", "Retry in a few seconds."),
    "ReportNotPresent": ("No credential report exists yet.", "Generate one (refresh)."),
    "ReportExpired": ("The credential report is older than 4 hours.", "Generate a new one (refresh)."),
}

# Where one code means something else for one action.
_PLAIN_BY_ACTION: dict[tuple[str, str], tuple[str, str]] = {
    ("iam:GenerateCredentialReport", "LimitExceeded"): (
        "AWS refused to start another credential report right now (too many report requests).",
        "Wait a few minutes, then refresh; the per-user checks need the report."),
    ("iam:EnableMFADevice", "LimitExceeded"): (
        "This user already has the most MFA devices IAM allows (8).",
        "Remove a device the user no longer uses (step 3 lists them), then retry."),
    ("iam:CreateVirtualMFADevice", "LimitExceeded"): (
        "The account's quota of virtual MFA devices is reached.",
        "Delete virtual MFA devices nobody uses (unassigned ones, or those of deleted users), then retry."),
}


def from_client_error(exc: ClientError, action: str | None, secrets: Sequence[Secret] = (),
                      profile: str | None = None) -> AwsError:
    if exc.operation_name == "CreateOAuth2Token":  # botocore refreshing an `aws login` session, not the app's call
        return _from_login_error(LoginError(), action, profile)
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "Unknown")
    aws_text = _plain_aws_text(scrub(str(error.get("Message") or ""), tuple(secrets)).strip(),
                               exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
    retried = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0)
    if code in DENIED_CODES:
        needed = f" to call {action}" if action else ""
        return AwsError(code, f"Your identity is not allowed{needed}. {aws_text}".strip(),
                        f"Grant {action or 'the permission'} to this identity, or run as one that has it.",
                        action=action, retried=retried)
    if code in THROTTLE_CODES:
        return AwsError(code, f"AWS throttled the request; iam-tui retried {retried} time(s) with backoff.",
                        "Wait a minute and retry.", action=action, retried=retried)
    if code in EXPIRED_CODES:
        return AwsError(code, "Your AWS session has expired.", SIGN_IN_AGAIN, action=action)
    if code in INVALID_CRED_CODES:
        return AwsError(code, "AWS does not recognise these credentials (deleted or mistyped key, or wrong "
                        "clock).", SIGN_IN_AGAIN, action=action)
    meaning, fix = _PLAIN_BY_ACTION.get((action or "", code)) or _PLAIN.get(
        code, ("", "Retry; if it persists, check the AWS message."))
    message = " ".join(part for part in (meaning, f"AWS says: {aws_text}" if aws_text else "") if part)
    return AwsError(code, message or "AWS returned an error.", fix, action=action, retried=retried)


def _plain_aws_text(text: str, status: object) -> str:
    """AWS's message as one short line; a web page instead of AWS's error is named by its HTTP status, never
    printed (it is HTML, and can be as long as a page)."""
    if _WEB_PAGE.search(text):
        try:
            known = HTTPStatus(int(str(status)))
            named = f"HTTP {known.value} {known.phrase}"
        except ValueError:
            named = f"HTTP {status}" if status else "no HTTP status"
        return f"The endpoint answered with a web page, not an AWS error ({named}): a proxy or a wrong endpoint?"
    return cut(_one_line(text), MAX_AWS_TEXT)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _aws_login(profile: str | None) -> str:
    return f"`aws login --profile {profile}`" if profile else "`aws login`"


def _from_login_error(exc: LoginError, action: str | None, profile: str | None) -> AwsError:
    """botocore's `aws login` (login_session) provider: a missing or expired session, or a refresh that failed."""
    again = f"Run {_aws_login(profile)}, then retry."
    if isinstance(exc, LoginInsufficientPermissions):
        return AwsError("LoginNotAllowed", "Your `aws login` session could not be refreshed: the identity may not "
                        "call signin:CreateOAuth2Token.", f"Grant it, or sign in again with {_aws_login(profile)}.",
                        action=action)
    if isinstance(exc, LoginRefreshRequired):
        meaning = "Your `aws login` session has expired (or its credentials changed)."
    elif isinstance(exc, LoginTokenLoadError):
        meaning = f"No usable `aws login` session is cached for this profile ({_one_line(str(exc))})."
    else:
        meaning = "Refreshing your `aws login` session failed."
    return AwsError("LoginRequired", meaning, again, action=action)


def from_botocore_error(exc: BotoCoreError | Exception, action: str | None = None,
                        endpoint: str | None = None, profile: str | None = None,
                        credential_process: str | None = None) -> AwsError:
    """``profile`` and ``credential_process`` (the profile's command, if any) make the fix name what to run."""
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return AwsError("NoCredentials", "No AWS credentials were found (environment, profile, SSO, `aws login`, "
                        "instance role).", "Run `aws login` (or `aws configure`), pass --profile NAME, or try "
                        "--demo.", action=action)
    if isinstance(exc, ProfileNotFound):
        return AwsError("ProfileNotFound", f"The AWS profile {exc.kwargs.get('profile')!r} does not exist.",
                        "Check the name in ~/.aws/config (`aws configure list-profiles`).", action=action)
    if isinstance(exc, LoginError):
        return _from_login_error(exc, action, profile)
    if isinstance(exc, SSOError | TokenRetrievalError):
        return AwsError("SSOError", "Your IAM Identity Center (SSO) session has expired or is missing.",
                        "Run `aws sso login`" + (f" --profile {profile}" if profile else "") + ", then retry.",
                        action=action)
    if isinstance(exc, CredentialRetrievalError):
        # botocore's own text names the provider and, for credential_process, the command's own error output.
        provider = exc.kwargs.get("provider", "")
        if "process" in str(provider):
            command = f" `{_one_line(credential_process)}`" if credential_process else ""
            return AwsError("CredentialProcessFailed", f"The profile's credential_process{command} failed. botocore "
                            f"says: {_one_line(str(exc))}", "Run that command yourself to see why, fix it (or "
                            "credential_process in ~/.aws/config), then retry.", action=action)
        return AwsError("CredentialRetrievalFailed", f"The credentials could not be loaded. botocore says: "
                        f"{_one_line(str(exc))}", "Fix the credential source named there, then retry.", action=action)
    if isinstance(exc, MissingDependencyException):
        return AwsError("MissingDependency", f"botocore says: {_one_line(str(exc))}",
                        "Reinstall iam-tui (it depends on botocore[crt]).", action=action)
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        where = endpoint or getattr(exc, "kwargs", {}).get("endpoint_url", "AWS")
        return AwsError("EndpointUnreachable", f"Cannot connect to {where}.",
                        "Check the network (or --endpoint-url), then retry.", action=action)
    if isinstance(exc, ReadTimeoutError):
        return AwsError("Timeout", "AWS did not answer in time.", "Retry.", action=action)
    if isinstance(exc, NoRegionError):
        return AwsError("NoRegion", "No AWS region is configured.", "Pass --region us-east-1.", action=action)
    name = type(exc).__name__
    return AwsError(name, "The AWS SDK failed before reaching AWS.", "Retry; check your AWS configuration.",
                    action=action)
