"""The AWS CLI profiles that hold an access key about to be deleted, and removing their sections once it is gone.

Deleting a key leaves every profile that holds it pointing at nothing (the AWS CLI then says
InvalidClientTokenId). Every path that deletes a key names these profiles in its review and offers to remove them:
the section that holds the key, and in the config file the ``[profile x]`` section beside a credentials-file
profile when it holds nothing but what iam-tui writes there (region, output, endpoint_url). Every other byte of
both files stays; the files are written as profile writes are (atomically, mode kept, read back by botocore, put
back on failure)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from ..core import aws_config
from ..core.aws_config import CliPaths
from . import cli_profile
from .cli_profile import ProfileWriteError
from .errors import AwsError
from .service import IamService


@dataclass(frozen=True)
class HeldProfile:
    name: str
    config_file: bool  # the key is in the config file's [profile name] (else the credentials file's [name])
    key_id: str

    @property
    def where(self) -> str:
        return "config file" if self.config_file else "credentials file"


def _holding(paths: CliPaths, key_ids: Iterable[str]) -> list[HeldProfile]:
    texts = {False: cli_profile.read_cli_file(paths.credentials), True: cli_profile.read_cli_file(paths.config)}
    return [HeldProfile(name, config_file, key_id) for key_id in dict.fromkeys(key_ids)
            for config_file, text in texts.items()
            for name in aws_config.profiles_with_key(text, key_id, config_file=config_file)]


async def profiles_holding(service: IamService, key_ids: Iterable[str]) -> list[HeldProfile]:
    """The profiles in this session's AWS CLI files whose ``aws_access_key_id`` is one of ``key_ids``."""
    try:
        return await asyncio.to_thread(_holding, cli_profile.paths_for(service), list(key_ids))
    except ProfileWriteError as exc:
        raise AwsError("ProfileRead", str(exc), "Fix the file, then retry.") from None


def held_note(held: list[HeldProfile], paths: CliPaths) -> str:
    """The review's line naming them."""
    names = "; ".join(f"{p.name} ({p.where}, {p.key_id})" for p in held)
    return (f"AWS CLI profiles that hold a key this deletes: {names}. They stop working once it is gone; after the "
            f"run iam-tui offers to remove these sections from {paths.credentials} and {paths.config} (nothing else "
            "in the files changes).")


def _removal(paths: CliPaths, held: list[HeldProfile]) -> dict[bool, list[str]]:
    """The sections to remove, by file (False: credentials, True: config)."""
    config_text = cli_profile.read_cli_file(paths.config)
    by_file: dict[bool, list[str]] = {False: [], True: []}
    for profile in held:
        by_file[profile.config_file].append(profile.name)
        companion = aws_config.section_options(config_text, profile.name, config_file=True)
        if not profile.config_file and companion is not None and set(companion) <= aws_config.COMPANION_OPTIONS:
            by_file[True].append(profile.name)
    return {config_file: list(dict.fromkeys(names)) for config_file, names in by_file.items()}


def _remove(paths: CliPaths, held: list[HeldProfile]) -> dict[bool, list[str]]:
    still = {(p.name, p.config_file, p.key_id) for p in _holding(paths, {p.key_id for p in held})}
    held = [p for p in held if (p.name, p.config_file, p.key_id) in still]  # what the files hold now, only
    removal = _removal(paths, held)
    cli_profile.remove_sections(paths, removal)
    return removal


async def remove_profiles(service: IamService, held: list[HeldProfile]) -> str:
    """Remove the sections (read again first: only those that still hold the deleted key). Says what was done."""
    paths = cli_profile.paths_for(service)
    try:
        removal = await asyncio.to_thread(_remove, paths, held)
    except ProfileWriteError as exc:
        raise AwsError("ProfileWrite", str(exc), "Fix the file, then remove the sections by hand.") from None
    parts = [f"[{'profile ' if config_file and name != 'default' else ''}{name}] from "
             f"{paths.config if config_file else paths.credentials}"
             for config_file, names in removal.items() for name in names]
    return f"Removed {', '.join(parts)}." if parts else "No profile holds the deleted key any more: nothing removed."
