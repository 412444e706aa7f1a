"""Way 1 of step 5, ``aws login``: the AWS CLI on PATH and its version, the profile ``[profile NAME]`` (region and
output; the CLI itself adds ``login_session = <principal ARN>`` after the console sign-in, as aws-cli v2's
``awscli/customizations/login/login.py`` does in ``_update_profile_with_login_session``), the command to run, and
the proof afterwards: ``sts:GetCallerIdentity`` through botocore's ``LoginProvider``, which reads the token the CLI
cached under ``~/.aws/login/cache`` (or ``AWS_LOGIN_CACHE_DIRECTORY``) and refreshes it for up to 12 hours.

aws-cli refuses ``aws login --profile NAME`` when the profile already holds other credentials (an access key, a
role, SSO, a credential process: ``ensure_profile_does_not_have_existing_credentials``, CLI 2.32.32+), so such a
profile is refused here first, with the same advice: another name."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..core import aws_config
from ..core.aws_config import CliPaths
from ..core.mfa_gate import POLICY_NAME
from ..core.secret import Secret
from ..core.signin_access import has_signin_access
from .cli_profile import (
    ProfileExists,
    _commit,
    _edit,
    _guarded,
    _profile_session,
    existing_profile,
    login_cache,
    read_cli_file,
)
from .errors import AwsError
from .service import IamService
from .session import AwsContext
from .translate import from_botocore_error

ORDINARY_CALL = ("iam", "GetAccountSummary")  # what "works" means beyond who-am-I (aws/mfa_gate.py's proof)
LOGIN_VERSION = (2, 32, 0)  # aws login appeared in AWS CLI 2.32.0 (November 2025)
MFA_LOGIN_VERSION = (2, 30, 3)  # aws configure mfa-login appeared in 2.30.3
CREDENTIAL_SETTINGS = ("aws_access_key_id", "role_arn", "sso_session", "sso_account_id", "sso_role_name",
                       "credential_process", "web_identity_token_file")
VERSION_TIMEOUT_S = 10.0
_VERSION = re.compile(r"aws-cli/(\d+)\.(\d+)\.(\d+)")


@dataclass(frozen=True)
class CliFound:
    """The AWS CLI on PATH: where, and its version (None: none found, or it did not say)."""

    path: str | None
    version: tuple[int, int, int] | None

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version)) if self.version else "unknown"

    @property
    def can_login(self) -> bool:
        return self.version is not None and self.version >= LOGIN_VERSION


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``aws --version`` prints ``aws-cli/2.32.3 Python/...`` (v1 on stderr, v2 on stdout)."""
    match = _VERSION.search(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def find_cli(env: Mapping[str, str] | None = None) -> CliFound:
    """Which ``aws`` is on PATH and its version. Blocking (runs ``aws --version``): call it in a thread."""
    path = shutil.which("aws", path=(env or os.environ).get("PATH"))
    if path is None:
        return CliFound(None, None)
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_S,
                              check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return CliFound(path, None)
    return CliFound(path, parse_version(f"{done.stdout}\n{done.stderr}"))


def login_command(profile: str, env: Mapping[str, str] | None = None) -> list[str]:
    """``aws login --profile NAME``, with ``--remote`` on an SSH session (no browser on this host: the CLI prints a
    URL to open elsewhere and asks for the code shown after the sign-in)."""
    command = ["aws", "login", "--profile", profile]
    if (env or os.environ).get("SSH_CONNECTION"):
        command.append("--remote")
    return command


def run_login(command: Sequence[str], path: str, paths: CliPaths, *, demo: bool = False) -> int:
    """Run the login in this terminal (the app has suspended itself), on the files iam-tui wrote the profile to
    (in the demo, with the demo's own token cache, where the verification looks). Blocking; returns the exit
    status."""
    env = dict(os.environ, AWS_CONFIG_FILE=str(paths.config), AWS_SHARED_CREDENTIALS_FILE=str(paths.credentials))
    if demo:
        env["AWS_LOGIN_CACHE_DIRECTORY"] = str(login_cache(paths))
    try:
        return subprocess.run([path, *command[1:]], check=False, env=env).returncode
    except OSError:
        return 127


@dataclass(frozen=True)
class SigninAccess:
    allowed: bool
    groups: tuple[str, ...]
    partition: str


async def signin_access(service: IamService, user: str) -> SigninAccess:
    """Whether the user's managed policies (own and through groups) grant what aws login needs."""
    identity = await service.account.identity()
    aws = service.aws
    arns = [p["PolicyArn"] for p in
            (await aws.paginate("iam", "ListAttachedUserPolicies", ("AttachedPolicies",), UserName=user))[
                "AttachedPolicies"]]
    groups = [g["GroupName"] for g in
              (await aws.paginate("iam", "ListGroupsForUser", ("Groups",), UserName=user))["Groups"]]
    for group in groups:
        attached = await aws.paginate("iam", "ListAttachedGroupPolicies", ("AttachedPolicies",), GroupName=group)
        arns += [p["PolicyArn"] for p in attached["AttachedPolicies"]]
    return SigninAccess(has_signin_access(arns), tuple(groups), identity.caller.partition)


def existing_credentials(paths: CliPaths, profile: str) -> str | None:
    """The setting that makes ``aws login`` refuse the profile (it already has credentials), or None."""
    found = existing_profile(paths, profile)
    if found is None:
        return None
    settings = set(found.credentials) | set(found.config)
    return next((s for s in CREDENTIAL_SETTINGS if s in settings), None)


def write_login_profile(paths: CliPaths, profile: str, *, region: str, output: str = "json",
                        endpoint_url: str | None = None) -> None:
    """``[profile NAME]`` in the config file with region and output (every other byte kept; an existing
    ``login_session`` stays). Blocking. Raises ProfileExists when the profile holds other credentials (aws login
    would refuse it), ProfileWriteError when nothing could be written."""

    def write() -> None:
        if existing_credentials(paths, profile):
            raise ProfileExists(profile)
        kept = aws_config.profile_options(read_cli_file(paths.config), profile, config_file=True) or {}
        values: dict[str, str] = {**{k: v for k, v in kept.items() if isinstance(v, str)}, "region": region,
                                  "output": output}
        if endpoint_url:
            values["endpoint_url"] = endpoint_url
        _commit([_edit(paths.config, True, {profile: values},
                       lambda text: aws_config.set_profile(text, profile, values, config_file=True))],
                "The profile")

    _guarded(write, profile)


@dataclass(frozen=True)
class LoginVerified:
    arn: str
    expires: datetime | None  # when the current short-lived credentials end (botocore refreshes them)
    service: IamService


def _login_service(service: IamService, paths: CliPaths, profile: str) -> tuple[IamService, object]:
    """The profile's credentials as botocore's chain resolves them (its login provider for a login_session), and a
    service signing with them; in the demo, through a sealed session that reads the demo's own files and token cache
    only. Blocking. Raises AwsError."""
    try:
        session = _profile_session(paths, profile, demo=service.sandbox is not None)
        credentials = session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except Exception as exc:
        raise from_botocore_error(exc) from None
    method = getattr(credentials, "method", None)
    if frozen is None or method != "login":
        raise AwsError("NotALoginProfile", f"botocore does not resolve profile {profile} through aws login "
                       f"({method or 'no credentials'}).",
                       f"Run aws login --profile {profile}, or remove other credentials from [{profile}].")
    if service.sandbox is not None:
        from .mfa_gate import service_for_credentials

        return service_for_credentials(service, frozen.access_key, Secret(frozen.secret_key), frozen.token,
                                       f"profile {profile} (aws login)"), credentials
    settings = dataclasses.replace(service.settings, profile=profile)
    return IamService(AwsContext(session, settings)), credentials


async def verify_login(service: IamService, paths: CliPaths, profile: str) -> LoginVerified:
    """GetCallerIdentity with the profile as botocore resolves it (its login provider reads the cached token and
    refreshes it when due), then one ordinary call: AWS answers GetCallerIdentity whatever the policies say, and an
    MFA-required policy (Force_MFA, way 2's) refuses everything else to credentials that do not carry
    aws:MultiFactorAuthPresent, which AWS does not document for aws login's. Raises AwsError."""
    new_service, credentials = await asyncio.to_thread(_login_service, service, paths, profile)
    identity = await new_service.account.identity(refresh=True)
    try:
        await new_service.aws.call(*ORDINARY_CALL)
    except AwsError as err:
        if err.is_denied and "explicit deny" in err.message.lower():
            raise AwsError("RefusedWithoutMfa", f"Profile {profile} signs in as {identity.caller.arn}, but AWS "
                           "refuses its calls with an explicit deny: an MFA-required policy (such as Force_MFA) "
                           "applies to the user, and these aws login credentials do not count as MFA-authenticated.",
                           f"Detach {POLICY_NAME} from the user's groups (or move the user to a group without it), "
                           "or use way 2's MFA session for the CLI.", action=err.action) from None
        if not err.is_denied:
            raise
    expires = getattr(credentials, "_expiry_time", None)  # botocore's RefreshableCredentials keeps it there
    return LoginVerified(identity.caller.arn, expires if isinstance(expires, datetime) else None, new_service)
