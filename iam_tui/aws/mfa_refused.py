"""An IAM user's access key whose calls AWS refuses for lack of MFA (an MFA-required policy such as Force_MFA, see
core/mfa_gate.py), on a profile without ``mfa_serial`` (aws/mfa_profile.py handles a profile that names its device).

iam-tui notices the refusal on one ordinary call (an explicit deny: AWS's message says "with an explicit deny"), finds
the user's MFA device with ``iam:ListMFADevices`` (which that policy leaves to the key alone: it is in its
``NotAction`` list), asks the code in the app, and goes on with a ``sts:GetSessionToken`` session kept in memory
only. The session is refreshable credentials: when it runs out, the next call asks the code again.

Only a long-term key of an IAM user is probed (a session token, root and roles are left alone), and only after
GetCallerIdentity, which AWS answers whatever the policies say."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.credentials import CredentialProvider, DeferredRefreshableCredentials
from botocore.exceptions import ClientError

from ..core.identity import CallerKind
from ..core.mfa_gate import REFUSED_KEY_PROMPT, SESSION_SECONDS
from .account import AccountService
from .calls import AwsCaller
from .errors import AwsError
from .mfa_profile import METHOD
from .session import AwsContext
from .translate import from_client_error

PROBE = ("iam", "GetAccountSummary")  # an ordinary read the scan makes too
EXPLICIT_DENY = "explicit deny"


def refused_for_mfa(err: AwsError) -> bool:
    """An AccessDenied from an explicit deny (what an MFA-required policy answers a key alone)."""
    return err.is_denied and EXPLICIT_DENY in err.message.lower()


async def refused_without_mfa(aws: AwsCaller) -> bool:
    """Whether AWS refuses the ordinary call of these credentials with an explicit deny (an MFA-required policy):
    GetCallerIdentity alone proves nothing, AWS answers it whatever the policies say."""
    try:
        await aws.call(*PROBE)
    except AwsError as err:
        if refused_for_mfa(err):
            return True
        if not err.is_denied:
            raise
    return False


def _long_term_key(ctx: AwsContext) -> str | None:
    """The access key ID when the credentials are a long-term key (no session token). Blocking."""
    credentials = ctx.credentials()
    if credentials is None or getattr(credentials, "method", None) == METHOD:
        return None
    frozen = credentials.get_frozen_credentials()
    return None if frozen.token else str(frozen.access_key)


def no_device(user: str) -> AwsError:
    return AwsError("MfaDeviceNeeded", f"AWS refuses the calls of {user}'s access key for lack of MFA (an explicit "
                    "deny: an MFA-required policy such as Force_MFA), and the user has no MFA device to make a "
                    "session with.", "Assign an MFA device to the user (the console, or iam-tui run as another "
                    "administrator), then start iam-tui again.")


def no_code(profile: str | None, serial: str) -> AwsError:
    name = profile or "default"
    return AwsError("MfaCodeNeeded", f"AWS refuses the calls of profile {name}'s access key without MFA, and no MFA "
                    "code was entered.", f"Start iam-tui again and enter the code, or run aws configure mfa-login "
                    f"--profile {name} --serial-number {serial} --update-profile SESSION-PROFILE and use --profile "
                    "SESSION-PROFILE.")


class _Given(CredentialProvider):  # type: ignore[misc]
    """A provider that hands out credentials made already (the refreshable MFA session)."""

    METHOD = METHOD

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> Any:
        return self._credentials


async def session_context(aws: AwsCaller, account: AccountService, sandbox: Any = None) -> AwsContext | None:
    """None unless the credentials of ``aws`` are an IAM user's long-term key that AWS refuses for lack of MFA;
    then the context of a refreshable MFA session (the code asked through ``settings.mfa_prompter``; in the demo
    sandbox, signed there). Raises AwsError when no code can be asked or the user has no MFA device."""
    identity = await account.identity()
    if identity.caller.kind != CallerKind.IAM_USER:
        return None
    if await asyncio.to_thread(_long_term_key, aws.ctx) is None:
        return None
    if not await refused_without_mfa(aws):
        return None  # not an MFA matter: the screens say what is missing, as for any key
    devices = (await aws.call("iam", "ListMFADevices", UserName=identity.caller.name))["MFADevices"]
    if not devices:
        raise no_device(identity.caller.name)
    serial: str = devices[0]["SerialNumber"]
    prompter = aws.ctx.settings.mfa_prompter
    profile = aws.ctx.profile_name
    if prompter is None:
        raise no_code(profile, serial)
    fetch = _fetcher(aws.ctx, serial, prompter, profile)
    first = await asyncio.to_thread(fetch)
    return _session_context(aws.ctx, sandbox, fetch, first)


def _fetcher(key_ctx: AwsContext, serial: str, prompter: Callable[[str], str],
             profile: str | None) -> Callable[[], dict[str, Any]]:
    """botocore's refresh function: asks the code and calls GetSessionToken signed by the long-term key."""
    name = profile or "default"

    def fetch() -> dict[str, Any]:
        try:
            code = prompter(f"{REFUSED_KEY_PROMPT} ({name}): MFA code from {serial}: ")
        except AwsError:
            code = ""  # the question was cancelled or could not be shown
        if not code:
            raise no_code(profile, serial)
        key_ctx.note_call("sts", "GetSessionToken")
        try:
            creds = key_ctx.client("sts").get_session_token(SerialNumber=serial, TokenCode=code,
                                                                     DurationSeconds=SESSION_SECONDS)["Credentials"]
        except ClientError as exc:  # a wrong or reused code: AccessDenied
            raise from_client_error(exc, "sts:GetSessionToken", (), profile) from None
        expires = creds["Expiration"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": expires.isoformat() if isinstance(expires, datetime) else str(expires)}

    return fetch


def _session_context(base: AwsContext, sandbox: Any, fetch: Callable[[], dict[str, Any]],
                     first: dict[str, Any]) -> AwsContext:
    """A context signing with the MFA session: ``first`` now, ``fetch`` (the question again) once it runs out."""
    pending = [first]

    def refresh() -> dict[str, Any]:
        return pending.pop() if pending else fetch()

    credentials = DeferredRefreshableCredentials(refresh, METHOD)
    if sandbox is not None:
        return AwsContext(sandbox.session(credentials=credentials), base.settings)
    ctx = AwsContext.create(base.settings)
    ctx.session.get_component("credential_provider").providers.insert(0, _Given(credentials))
    return ctx
