"""The guide's "Next steps": write an AWS CLI profile for a new access key, then prove it works.

Writing: both files are edited as text (``core/aws_config``: every byte outside the profile's section stays),
written atomically, a new file with mode 0600 (their folder 0700 when it is created) and an existing one with the
mode it had, and an existing profile is only replaced
when the caller says so. botocore's own parser reads each file before (a file it cannot read is not touched) and
after: if a written file does not read back with the profile in it and every other section as it was, or the second
file cannot be written, both files are put back as they were.

Verifying: botocore itself reads the profile from the files just written (so the files are what is tested), and
``sts:GetCallerIdentity`` must return the user's ARN. A new key can take a few seconds to work everywhere (IAM is
eventually consistent), so invalid-credential answers are retried with backoff for a bounded time.
"""

from __future__ import annotations

import asyncio
import atexit
import configparser
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import botocore.configloader
import botocore.exceptions
import botocore.session

from ..core import aws_config
from ..core.aws_config import CliPaths
from ..core.secret import Secret
from ..files import NotARegularFile, existing_target, write_private_file
from .errors import INVALID_CRED_CODES, AwsError
from .models import AccountIdentity
from .patience import Patience
from .sealed import sealed_session
from .service import IamService
from .session import DEFAULT_REGION, AwsContext
from .translate import from_botocore_error

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
    """The files botocore reads: ``$VARS`` and ``~`` in the environment variables expanded as botocore does."""
    paths = aws_config.cli_paths(os.environ if env is None else env, home or Path.home())
    return CliPaths(Path(os.path.expanduser(paths.credentials)), Path(os.path.expanduser(paths.config)))


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


def read_cli_file(path: Path) -> str:
    """The file's text exactly (CRLF kept), or "" when it does not exist. Raises ProfileWriteError for a file that
    cannot be read or is not UTF-8, with no content in the message (these files hold other profiles' secrets)."""
    try:
        existing_target(path)  # a FIFO would block the read forever
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""
    except NotARegularFile as exc:
        raise ProfileWriteError(f"Cannot use {exc}. Move it away, then retry.") from None
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
    creds = aws_config.profile_options(read_cli_file(paths.credentials), profile, config_file=False)
    conf = aws_config.profile_options(read_cli_file(paths.config), profile, config_file=True)
    if creds is None and conf is None:
        return None
    return ExistingProfile(tuple(creds or ()), tuple(conf or ()), (creds or {}).get("aws_access_key_id"))


def _ensure_folder(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=aws_config.DIR_MODE, parents=True)
        os.chmod(folder, aws_config.DIR_MODE)


def target_of(path: Path) -> Path:
    """Write through a symlink (dotfiles setups link ~/.aws/config) rather than replacing the link."""
    return path.resolve() if path.is_symlink() else path


_target = target_of


def _parse_problem(error: BaseException) -> str:
    """What botocore's parser refused, by line number only (the lines can hold secrets)."""
    if isinstance(error, configparser.MissingSectionHeaderError):
        return f"line {error.lineno} comes before any [section]"
    if isinstance(error, configparser.ParsingError):
        numbers = ", ".join(str(lineno) for lineno, _line in error.errors)
        return f"line {numbers} is not a setting, a comment or a [section]"
    if isinstance(error, configparser.DuplicateSectionError):
        return f"[{error.section}] appears twice (line {error.lineno})"
    if isinstance(error, configparser.DuplicateOptionError):
        return f"{error.option} appears twice in [{error.section}] (line {error.lineno})"
    if isinstance(error, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return "a nested setting is not `key = value`" if isinstance(error, ValueError) else type(error).__name__


def _botocore_reads(path: Path) -> dict[str, dict[str, object]]:
    """The file as botocore reads it (``raw_config_parse``, what the credential and config loaders use); {} when
    it does not exist. Raises ProfileWriteError naming the problem, never the file's content."""
    try:
        parsed: dict[str, dict[str, object]] = botocore.configloader.raw_config_parse(str(path))
        return parsed
    except botocore.exceptions.ConfigNotFound:
        return {}
    except botocore.exceptions.ConfigParseError as exc:
        problem = _parse_problem(exc.kwargs.get("error", exc))
        raise ProfileWriteError(f"botocore cannot read {path}: {problem}.") from None


Values = Mapping[str, str | Secret]


def _profiles_read(parsed: dict[str, dict[str, object]], config_file: bool) -> Mapping[str, object]:
    return botocore.configloader.build_profile_map(parsed)["profiles"] if config_file else parsed


def _reads_back(before: Mapping[str, object], after: dict[str, dict[str, object]],
                expected: Mapping[str, Values], *, config_file: bool) -> bool:
    """Every section that is not one of the edited profiles reads as before, and botocore finds each edited
    profile (a key of ``expected``) with its values."""

    def edited(section: str) -> bool:
        return (aws_config.config_profile(section) if config_file else section) in expected

    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    if not all(edited(name) for name in changed):
        return False
    profiles = botocore.configloader.build_profile_map(after)["profiles"] if config_file else after
    return all(profiles.get(profile, {}).get(key) == (value.reveal() if isinstance(value, Secret) else value)
               for profile, values in expected.items() for key, value in values.items())


def _restore(path: Path, before: str | None) -> bool:
    try:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            write_private_file(path, before.encode("utf-8"), overwrite=True, keep_mode=True)
    except OSError:
        return False
    return True


def _put_back(pairs: list[tuple[Path, str | None]]) -> str:
    """Restore each file (None: it did not exist); says what happened, in one sentence."""
    failed = [str(path) for path, before in pairs if not _restore(path, before)]
    if failed:
        return f"Putting the old content back failed for {', '.join(failed)}: check it by hand."
    return f"{' and '.join(str(path) for path, _ in pairs)} {'were' if len(pairs) > 1 else 'was'} left as before."


def _guarded(write: Callable[[], None], profile: str) -> None:
    """Run ``write``, raising every error anew from this frame: the inner frames hold the files' text, secrets
    included, and a traceback that prints local variables (Textual's does) must never reach them."""
    try:
        write()
    except ProfileExists:
        raise ProfileExists(profile) from None
    except ProfileWriteError as exc:
        raise ProfileWriteError(str(exc)) from None
    except OSError as exc:
        name = exc.filename or "the AWS CLI files"
        raise ProfileWriteError(f"Cannot write {name}: {exc.strerror or exc}.") from None
    except Exception as exc:  # never let a traceback show the file content (it holds the secret)
        raise ProfileWriteError(f"Could not write the profile ({type(exc).__name__}).") from None


def write_profile(paths: CliPaths, profile: str, access_key_id: str, secret: Secret, *, region: str,
                  output: str = "json", endpoint_url: str | None = None, replace: bool = False,
                  mfa_serial: str | None = None) -> None:
    """Write the profile into both files. Blocking: run it in a thread. ``mfa_serial`` goes to the config section
    (for ``aws configure mfa-login``, which reads it from the key's profile).

    Raises ProfileExists (not confirmed) or ProfileWriteError (nothing changed: a half-written pair is undone)."""
    _guarded(lambda: _write(paths, profile, access_key_id, secret, region, output, endpoint_url, replace,
                            mfa_serial), profile)


@dataclass(frozen=True)
class _Edit:
    path: Path
    before: str | None  # the text before (None: the file did not exist)
    parsed: dict[str, dict[str, object]]  # what botocore read before
    config_file: bool
    after: str
    expected: Mapping[str, Values]  # what botocore must read in the edited profiles afterwards
    gone: tuple[str, ...] = ()  # profiles botocore must no longer find afterwards


def _edit(path: Path, config_file: bool, expected: Mapping[str, Values], change: Callable[[str], str],
          gone: tuple[str, ...] = ()) -> _Edit:
    """A file's edit: its text and botocore's reading before (a file botocore cannot read is not touched), and
    ``change`` applied to the text."""
    target = _target(path)
    _ensure_folder(target)
    before = read_cli_file(target) if target.exists() else None
    try:
        parsed = _botocore_reads(target)
    except ProfileWriteError as exc:
        raise ProfileWriteError(f"{exc} Fix that, then retry; nothing was written.") from None
    return _Edit(target, before, parsed, config_file, change(before or ""), expected, gone)


Written = Callable[[Path], None]


def _commit(edits: list[_Edit], what: str, on_written: Written | None = None) -> None:
    """Write each file (atomically; a new file 0600, an existing one keeps its mode: a 0400 credentials file
    stays read-only, as its owner made it), then check that botocore reads each as intended (``_reads_back``);
    if a write fails or a file reads back wrong, every file written is put back as it was. ``on_written`` is
    called with each file's path right after it was written (a rotation journals it there)."""
    written: list[tuple[Path, str | None]] = []
    for edit in edits:
        try:
            write_private_file(edit.path, edit.after.encode("utf-8"), overwrite=True, keep_mode=True)
        except OSError as exc:
            if not written:
                raise
            raise ProfileWriteError(f"Cannot write {edit.path}: {exc.strerror or exc}. {_put_back(written)}") from None
        written.append((edit.path, edit.before))
        if on_written is not None:
            on_written(edit.path)
    for edit in edits:
        try:
            after = _botocore_reads(edit.path)
            ok = _reads_back(edit.parsed, after, edit.expected, config_file=edit.config_file) and not any(
                name in _profiles_read(after, edit.config_file) for name in edit.gone)
            problem = "" if ok else f"botocore reads {edit.path} differently than intended after the edit."
        except ProfileWriteError as exc:
            problem = str(exc)
        if problem:
            raise ProfileWriteError(f"{what} was not written: {problem} {_put_back(written)}")


def _write(paths: CliPaths, profile: str, access_key_id: str, secret: Secret, region: str, output: str,
           endpoint_url: str | None, replace: bool, mfa_serial: str | None = None) -> None:
    if not replace and existing_profile(paths, profile) is not None:
        raise ProfileExists(profile)
    cred_values, conf_values = aws_config.profile_values(access_key_id, secret, region=region, output=output,
                                                         endpoint_url=endpoint_url)
    if mfa_serial:
        conf_values["mfa_serial"] = mfa_serial
    _commit([_edit(paths.credentials, False, {profile: cred_values},
                   lambda text: aws_config.set_profile(text, profile, cred_values, config_file=False)),
             _edit(paths.config, True, {profile: conf_values},
                   lambda text: aws_config.set_profile(text, profile, conf_values, config_file=True))], "The profile")


def write_new_key(paths: CliPaths, profiles: Mapping[bool, list[str]], access_key_id: str, secret: Secret,
                  on_written: Written | None = None) -> None:
    """Put a new key in place of the old one in each profile of ``profiles`` (by file: False the credentials file,
    True the config file), changing only the two values (``aws_config.replace_values``). Blocking. Raises
    ProfileWriteError (nothing changed: a half-written pair is undone)."""
    values: Values = {aws_config.KEY_ID_OPTION: access_key_id, aws_config.SECRET_OPTION: secret}

    def replaced(names: list[str], config_file: bool) -> Callable[[str], str]:
        def change(text: str) -> str:
            for name in names:
                text = aws_config.replace_values(text, name, values, config_file=config_file)
            return text

        return change

    def write() -> None:
        _commit([_edit(paths.config if config_file else paths.credentials, config_file,
                       dict.fromkeys(names, values), replaced(names, config_file))
                 for config_file, names in profiles.items() if names], "The new key", on_written)

    _guarded(write, ", ".join(n for names in profiles.values() for n in names))


def remove_sections(paths: CliPaths, removal: Mapping[bool, list[str]]) -> None:
    """Remove the profiles' sections (by file: False the credentials file, True the config file), every other byte
    kept (``aws_config.remove_profile``). Blocking. Raises ProfileWriteError (nothing changed)."""

    def removed(names: list[str], config_file: bool) -> Callable[[str], str]:
        def change(text: str) -> str:
            for name in names:
                text = aws_config.remove_profile(text, name, config_file=config_file)
            return text

        return change

    def write() -> None:
        _commit([_edit(paths.config if config_file else paths.credentials, config_file,
                       {name: {} for name in names}, removed(names, config_file), tuple(names))
                 for config_file, names in removal.items() if names], "The profile removal")

    _guarded(write, ", ".join(n for names in removal.values() for n in names))


# --- using the profile ------------------------------------------------------------------------------------------


def login_cache(paths: CliPaths) -> Path:
    """Where the demo's ``aws login`` tokens live: beside its own AWS CLI files, as ``~/.aws/login/cache`` is beside
    ``~/.aws/config`` (a real account's tokens are botocore's to find: ``AWS_LOGIN_CACHE_DIRECTORY`` or that
    folder)."""
    return paths.config.parent / "login" / "cache"


def _profile_session(paths: CliPaths, profile: str, *, demo: bool) -> botocore.session.Session:
    """The profile as botocore reads it from ``paths``. In the demo, from those files (and its own aws login token
    cache) alone (aws/sealed.py): the environment's keys, endpoints and credential sources stay out of the
    sandbox."""
    if demo:
        session = sealed_session(region=DEFAULT_REGION, config_file=str(paths.config),
                                 credentials_file=str(paths.credentials), profile=profile,
                                 login_cache=str(login_cache(paths)))
        session.get_scoped_config()  # a profile that is in neither file: ProfileNotFound, as botocore says it
        return session
    session = botocore.session.Session(profile=profile)
    session.set_config_variable("credentials_file", str(paths.credentials))
    session.set_config_variable("config_file", str(paths.config))
    return session


def service_for_profile(service: IamService, paths: CliPaths, profile: str) -> IamService:
    """A service that signs with the profile as botocore reads it from ``paths`` (same endpoint and region
    settings as ``service``). In the demo, the sandbox signs with the key botocore read. Blocking."""
    try:
        session = _profile_session(paths, profile, demo=service.sandbox is not None)
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


async def verify(build: Callable[[], IamService], expected_arn: str, *, progress: Progress | None = None,
                 timeout: float = VERIFY_TIMEOUT_S, patience: Patience | None = None) -> IamService:
    """Build the profile's service (in a thread) and call sts:GetCallerIdentity until it answers with
    ``expected_arn``; retries credential errors with backoff (``patience``'s clock, this check's pace) for at most
    ``timeout`` seconds.

    Returns the working service; raises AwsError (the last error, or a wrong identity)."""
    new_service = await asyncio.to_thread(build)
    attempts = 0

    async def attempt() -> AccountIdentity:
        nonlocal attempts
        attempts += 1
        if progress is not None:
            progress(attempts, f"Attempt {attempts}: sts:GetCallerIdentity with the new profile…")
        return await new_service.account.identity(refresh=True)

    def waiting(err: AwsError, delay: float) -> None:
        if progress is not None:
            progress(attempts, f"Attempt {attempts}: {err.code} (a new key takes a few seconds to reach every AWS "
                               f"endpoint); retrying in {delay:.0f} s…")

    paced = (patience or Patience()).paced(FIRST_DELAY_S, MAX_DELAY_S)
    try:
        identity = await paced.call(attempt, INVALID_CRED_CODES, timeout, waiting)
    except AwsError as err:
        if err.code not in INVALID_CRED_CODES:
            raise
        # the key was just made and read back from the file: not a typo
        raise AwsError(err.code, f"The new key is not active yet: AWS is still propagating it (STS still rejects "
                       f"it after {timeout:.0f} s).", "Try again in a minute.", action=err.action) from None
    if identity.caller.arn != expected_arn:
        raise AwsError("WrongIdentity", f"The profile signs in as {identity.caller.arn}, not {expected_arn}.",
                       "Check the profile's settings (role_arn, credential_process) and the files' paths.")
    return new_service
