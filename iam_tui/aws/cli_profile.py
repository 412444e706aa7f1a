"""The guide's "Next steps": write an AWS CLI profile for a new access key, then prove it works.

Writing: both files are edited as text (``core/aws_config``), written atomically with mode 0600 (their folder
0700 when it is created), and an existing profile is only replaced when the caller says so. If the second file
cannot be written, the first is put back as it was.

Verifying: botocore itself reads the profile from the files just written (so the files are what is tested), and
``sts:GetCallerIdentity`` must return the user's ARN. A new key can take a few seconds to work everywhere (IAM is
eventually consistent), so invalid-credential answers are retried with backoff for a bounded time.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import botocore.session

from ..core import aws_config
from ..core.aws_config import CliPaths
from ..core.secret import Secret
from ..files import write_private_file
from .errors import INVALID_CRED_CODES, AwsError, from_botocore_error
from .service import IamService
from .session import AwsContext

VERIFY_TIMEOUT_S = 60.0
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 8.0


class ProfileExists(Exception):
    """The profile is in one of the files and replacing it was not confirmed."""


class ProfileWriteError(Exception):
    """A file could not be written; the message names the file and never holds file content."""


@cache
def regions_by_partition() -> dict[str, frozenset[str]]:
    """Every region botocore knows (its bundled endpoints data), by partition."""
    data = botocore.session.Session().get_data("endpoints")
    return {p["partition"]: frozenset(p.get("regions", {})) for p in data["partitions"]}


def default_paths(env: Mapping[str, str] | None = None, home: Path | None = None) -> CliPaths:
    return aws_config.cli_paths(os.environ if env is None else env, home or Path.home())


def paths_for(service: IamService) -> CliPaths:
    """Where this session writes profiles: the user's AWS CLI files, or in the demo a folder of the sandbox's own
    (a sandbox key works nowhere else, so it must not land in the real ~/.aws)."""
    if service.sandbox is not None:
        folder = demo_folder(service.sandbox)
        return CliPaths(folder / "credentials", folder / "config")
    return default_paths()


def demo_folder(sandbox: object) -> Path:
    folder = getattr(sandbox, "cli_folder", None)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="iam-tui-demo-aws-"))  # mode 0700
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # the sandbox's keys die with the process
        sandbox.cli_folder = folder  # type: ignore[attr-defined]
    return Path(folder)


def _read(path: Path) -> str:
    """The file's text exactly (CRLF kept), or "" when it does not exist. Raises ProfileWriteError for a file that
    cannot be read or is not UTF-8, with no content in the message (these files hold other profiles' secrets)."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise ProfileWriteError(f"Cannot read {path}: it is not UTF-8 text. Fix or move it, then retry.") from None
    except OSError as exc:
        raise ProfileWriteError(f"Cannot read {path}: {exc.strerror or type(exc).__name__}.") from None


@dataclass(frozen=True)
class ExistingProfile:
    """What a profile already holds (setting names only, and the key ID: never a secret)."""

    credentials: tuple[str, ...]
    config: tuple[str, ...]
    access_key_id: str | None

    def describe(self) -> str:
        parts = []
        if self.credentials:
            key = f" (key {self.access_key_id})" if self.access_key_id else ""
            parts.append(f"credentials file: {', '.join(self.credentials)}{key}")
        if self.config:
            parts.append(f"config file: {', '.join(self.config)}")
        return "; ".join(parts)


def existing_profile(paths: CliPaths, profile: str) -> ExistingProfile | None:
    credentials_text, config_text = _read(paths.credentials), _read(paths.config)
    cred_section = aws_config.credentials_section(profile)
    conf_section = aws_config.config_section(profile)
    if not (aws_config.has_section(credentials_text, cred_section)
            or aws_config.has_section(config_text, conf_section)):
        return None
    creds = aws_config.section_options(credentials_text, cred_section)
    conf = aws_config.section_options(config_text, conf_section)
    return ExistingProfile(tuple(creds), tuple(conf), creds.get("aws_access_key_id"))


def _ensure_folder(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=aws_config.DIR_MODE, parents=True)
        os.chmod(folder, aws_config.DIR_MODE)


def _target(path: Path) -> Path:
    """Write through a symlink (dotfiles setups link ~/.aws/config) rather than replacing the link."""
    return path.resolve() if path.is_symlink() else path


def _restore(path: Path, before: str | None) -> None:
    try:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            write_private_file(path, before.encode("utf-8"), overwrite=True)
    except OSError:
        pass


def write_profile(paths: CliPaths, profile: str, access_key_id: str, secret: Secret, *, region: str,
                  output: str = "json", mfa_serial: str | None = None, replace: bool = False) -> None:
    """Write the profile into both files. Blocking: run it in a thread.

    Raises ProfileExists (not confirmed) or ProfileWriteError (nothing changed: a half-written pair is undone)."""
    # Every error is raised anew from this frame: the inner frames hold the files' text, secret included, and a
    # traceback that prints local variables (Textual's does) must never reach them.
    try:
        _write(paths, profile, access_key_id, secret, region, output, mfa_serial, replace)
    except ProfileExists:
        raise ProfileExists(profile) from None
    except ProfileWriteError as exc:
        raise ProfileWriteError(str(exc)) from None
    except OSError as exc:
        name = exc.filename or "the AWS CLI files"
        raise ProfileWriteError(f"Cannot write {name}: {exc.strerror or type(exc).__name__}.") from None
    except Exception as exc:  # never let a traceback show the file content (it holds the secret)
        raise ProfileWriteError(f"Could not write the profile ({type(exc).__name__}).") from None


def _write(paths: CliPaths, profile: str, access_key_id: str, secret: Secret, region: str, output: str,
           mfa_serial: str | None, replace: bool) -> None:
    if not replace and existing_profile(paths, profile) is not None:
        raise ProfileExists(profile)
    cred_values, conf_values = aws_config.profile_values(access_key_id, secret, region=region, output=output,
                                                         mfa_serial=mfa_serial)
    cred_path, conf_path = _target(paths.credentials), _target(paths.config)
    for path in (cred_path, conf_path):
        _ensure_folder(path)
    cred_before = _read(cred_path) if cred_path.exists() else None
    conf_before = _read(conf_path) if conf_path.exists() else None
    new_credentials = aws_config.set_section(cred_before or "", aws_config.credentials_section(profile), cred_values,
                                             replace=True)
    new_config = aws_config.set_section(conf_before or "", aws_config.config_section(profile), conf_values,
                                        replace=True)
    write_private_file(cred_path, new_credentials.encode("utf-8"), overwrite=True)
    try:
        write_private_file(conf_path, new_config.encode("utf-8"), overwrite=True)
    except OSError as exc:
        _restore(cred_path, cred_before)
        raise ProfileWriteError(f"Cannot write {conf_path}: {exc.strerror or type(exc).__name__}. "
                                f"{cred_path} was left as it was.") from None


# --- using the profile ------------------------------------------------------------------------------------------


def _profile_session(paths: CliPaths, profile: str) -> botocore.session.Session:
    session = botocore.session.Session(profile=profile)
    session.set_config_variable("credentials_file", str(paths.credentials))
    session.set_config_variable("config_file", str(paths.config))
    return session


def service_for_profile(service: IamService, paths: CliPaths, profile: str) -> IamService:
    """A service that signs with the profile as botocore reads it from ``paths`` (same endpoint and region
    settings as ``service``). In the demo, the sandbox signs with the key botocore read. Blocking."""
    try:
        session = _profile_session(paths, profile)
        credentials = session.get_credentials()
    except Exception as exc:
        raise from_botocore_error(exc) from None
    if credentials is None:
        raise AwsError("NoCredentials", f"botocore found no credentials in profile {profile}.",
                       f"Check [{profile}] in {paths.credentials}.")
    settings = dataclasses.replace(service.settings, profile=profile)
    if service.sandbox is not None:
        frozen = credentials.get_frozen_credentials()
        ctx = AwsContext(service.sandbox.session(frozen.access_key, Secret(frozen.secret_key)), settings,
                         source=f"profile {profile} (demo sandbox)")
        return IamService(ctx, service.sandbox)
    return IamService(AwsContext(session, settings))


Progress = Callable[[int, str], None]
Sleep = Callable[[float], Awaitable[None]]


async def verify(build: Callable[[], IamService], expected_arn: str, *, progress: Progress | None = None,
                 timeout: float = VERIFY_TIMEOUT_S, sleep: Sleep = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> IamService:
    """Build the profile's service (in a thread) and call sts:GetCallerIdentity until it answers with
    ``expected_arn``; retries credential errors with backoff for at most ``timeout`` seconds.

    Returns the working service; raises AwsError (the last error, or a wrong identity)."""
    new_service = await asyncio.to_thread(build)
    deadline = clock() + timeout
    delay = FIRST_DELAY_S
    attempt = 0
    while True:
        attempt += 1
        if progress is not None:
            progress(attempt, f"Attempt {attempt}: sts:GetCallerIdentity with the new profile…")
        try:
            identity = await new_service.account.identity(refresh=True)
        except AwsError as err:
            if err.code not in INVALID_CRED_CODES:
                raise
            if clock() + delay > deadline:  # the key was just made and read back from the file: not a typo
                raise AwsError(err.code, f"The new key is not active yet: AWS is still propagating it (STS still "
                               f"rejects it after {timeout:.0f} s).", "Try again in a minute.",
                               action=err.action) from None
            if progress is not None:
                progress(attempt, f"Attempt {attempt}: {err.code} (a new key takes a few seconds to reach every "
                                  f"AWS endpoint); retrying in {delay:.0f} s…")
            await sleep(delay)
            delay = min(delay * 2, MAX_DELAY_S)
            continue
        if identity.caller.arn != expected_arn:
            raise AwsError("WrongIdentity", f"The profile signs in as {identity.caller.arn}, not {expected_arn}.",
                           "Check the profile's settings (role_arn, credential_process) and the files' paths.")
        return new_service
