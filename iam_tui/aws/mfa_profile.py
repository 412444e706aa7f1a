"""A key profile that carries ``mfa_serial`` and no session token (what step 5's way 2 writes, NAME-long-term):
iam-tui asks the MFA code in the app and signs with a ``sts:GetSessionToken`` session, kept in memory only. When the
session runs out, botocore refreshes it through the same question (an expired session asks again).

botocore itself ignores ``mfa_serial`` on a profile with a key (it uses it only for ``role_arn``), so without this
provider such a profile signs with the bare key and every call is refused by an MFA-required policy. The AWS CLI's
own answer is ``aws configure mfa-login`` (awscli/customizations/configure/mfalogin.py), which writes the session
to a second profile; iam-tui keeps it off the disk instead.

The provider goes first in botocore's chain but answers only for such a profile (no ``role_arn``,
``credential_process``, ``login_session`` or SSO settings), so every other profile resolves as before."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
from botocore.credentials import CredentialProvider, DeferredRefreshableCredentials

from ..core.mfa_gate import KEY_PROFILE_PROMPT, SESSION_SECONDS
from .errors import AwsError

METHOD = "mfa-session"
OTHER_SOURCES = ("role_arn", "credential_process", "login_session", "sso_session", "sso_start_url",
                 "web_identity_token_file", "aws_session_token")
Prompter = Callable[[str], str]
ClientCreator = Callable[..., Any]


def key_needs_mfa(session: botocore.session.Session) -> str | None:
    """The profile's ``mfa_serial`` when it is a key profile without a session token, else None."""
    try:
        config = session.get_scoped_config()
    except Exception:
        return None
    serial = config.get("mfa_serial")
    if not serial or any(config.get(name) for name in OTHER_SOURCES):
        return None
    return str(serial)


def no_code(profile: str | None) -> AwsError:
    name = profile or "default"
    return AwsError("MfaCodeNeeded", f"Profile {name} holds an access key with mfa_serial: its calls need a session "
                    "made with an MFA code, and no code was entered.",
                    f"Start iam-tui again and enter the code, or run aws configure mfa-login --profile {name} "
                    "--update-profile SESSION-PROFILE and use --profile SESSION-PROFILE.")


class MfaSessionProvider(CredentialProvider):  # type: ignore[misc]
    METHOD = METHOD
    CANONICAL_NAME = "MfaSession"

    def __init__(self, session: botocore.session.Session, prompter: Prompter | None,
                 client_creator: ClientCreator | None = None, duration: int = SESSION_SECONDS,
                 first: dict[str, Any] | None = None) -> None:
        """``first``: a session made already (botocore's metadata form), used before anything is asked."""
        super().__init__(session)
        self._botocore = session
        self._prompter = prompter
        self._client_creator = client_creator or session.create_client
        self._duration = duration
        self._first = first

    def _key(self) -> Any:
        resolver = self._botocore.get_component("credential_provider")
        for name in ("shared-credentials-file", "config-file"):
            try:
                found = resolver.get_provider(name).load()
            except Exception:
                found = None
            if found is not None and not found.token:
                return found
        return None

    def load(self) -> Any:
        serial = key_needs_mfa(self._botocore)
        if serial is None:
            return None
        key = self._key()
        if key is None:
            return None
        profile = self._botocore.profile

        def fetch() -> dict[str, Any]:
            first, self._first = self._first, None
            if first is not None:
                return first
            if self._prompter is None:
                raise no_code(profile)
            code = self._prompter(f"{KEY_PROFILE_PROMPT} {profile or 'default'}: MFA code from {serial}: ")
            if not code:
                raise no_code(profile)
            frozen = key.get_frozen_credentials()
            sts = self._client_creator("sts", aws_access_key_id=frozen.access_key,
                                       aws_secret_access_key=frozen.secret_key)
            creds = sts.get_session_token(SerialNumber=serial, TokenCode=code,
                                          DurationSeconds=self._duration)["Credentials"]
            return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                    "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}

        return DeferredRefreshableCredentials(fetch, METHOD)


def install(session: botocore.session.Session, prompter: Prompter | None,
            client_creator: ClientCreator | None = None, first: dict[str, Any] | None = None) -> None:
    """Put the provider first in the session's chain."""
    resolver = session.get_component("credential_provider")
    resolver.providers.insert(0, MfaSessionProvider(session, prompter, client_creator, first=first))
