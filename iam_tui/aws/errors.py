"""One error type for everything that goes wrong talking to AWS: an error code, a plain-language message and
a fix. Messages never carry a secret: callers pass the secrets of a call so that AWS's own text is scrubbed.

botocore's exceptions are turned into it by :mod:`.translate`; this module imports no botocore, so that screens can
name the error type without loading the SDK before the first frame."""

from __future__ import annotations

from typing import Any

from ..core.display_text import visible
from ..core.unavailable import Unavailable

EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
INVALID_CRED_CODES = frozenset({"InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
                                "InvalidAccessKeyId", "AuthFailure"})
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"})


class AwsError(Exception):
    """What went wrong, for a person: ``code`` (AWS's error code or a local one), ``message``, ``fix``.

    ``action`` is the IAM action that was called (``iam:CreateUser``), used to name a missing permission. The code,
    message and fix often hold AWS's own text (or a profile's, a command's): every control or bidi character in them
    is made visible here, once, so that no screen, toast or ``check`` line can send one to the terminal."""

    def __init__(self, code: str, message: str, fix: str = "", *, action: str | None = None,
                 retried: int = 0) -> None:
        self.code = visible(code)
        self.message = visible(message)
        self.fix = visible(fix)
        self.action = action
        self.retried = retried
        super().__init__(self.text)

    @property
    def text(self) -> str:
        return " ".join(part for part in (f"{self.code}:", self.message, self.fix) if part)

    @property
    def is_denied(self) -> bool:
        return self.code in DENIED_CODES

    def unavailable(self) -> Unavailable:
        """The scan input this error leaves unread; its text says what to do, as every error text does."""
        return Unavailable(self.code, " ".join(part for part in (self.message, self.fix) if part), self.action)

    def __reduce__(self) -> tuple[Any, tuple[str, str, str, str | None, int]]:
        # keep picklable despite keyword-only arguments
        return (_rebuild, (self.code, self.message, self.fix, self.action, self.retried))


def _rebuild(code: str, message: str, fix: str, action: str | None, retried: int) -> AwsError:
    return AwsError(code, message, fix, action=action, retried=retried)


# IAM action prefixes that differ from botocore's service names (for "not allowed to call <action>").
_ACTION_PREFIX = {"accessanalyzer": "access-analyzer"}


def action_name(service: str, operation: str) -> str:
    """The IAM action a call needs: ``iam:CreateUser``, ``access-analyzer:ListAnalyzers``."""
    return f"{_ACTION_PREFIX.get(service, service)}:{operation}"


def mfa_code_needed(profile: str | None, *, asked: bool = False) -> AwsError:
    """The profile's role wants an MFA code and none was given: nobody could be asked (``iam-tui check``), or the
    person cancelled the question (``asked``)."""
    name = profile or "default"
    export = (f'export temporary credentials first (eval "$(aws configure export-credentials --profile {name} '
              '--format env)"), then run iam-tui without --profile.')
    if asked:
        return AwsError("MfaCodeNeeded", f"No MFA code was entered for profile {name}'s role (role_arn with "
                        "mfa_serial).", f"Press r and enter the code from your MFA device, or {export}")
    return AwsError("MfaCodeNeeded", f"Profile {name} assumes a role that asks for an MFA code (role_arn with "
                    "mfa_serial), and iam-tui cannot ask for it here (botocore would prompt on the terminal).",
                    export[0].upper() + export[1:])
