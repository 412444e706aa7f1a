"""The AWS CLI's shared files (``~/.aws/credentials`` and ``~/.aws/config``), edited as text the way awscli's
configure writer does: only the one section changes; comments, blank lines, other profiles and their order stay
exactly as they were. Pure: the caller reads and writes the files.

Sections: the credentials file names a profile ``[name]``; the config file ``[profile name]``, except
``[default]``. Option lines start at column 0 (``key = value``); indented lines continue the option above them
(nested settings such as ``s3 =``); ``#`` and ``;`` start comment lines.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .secret import Secret

CREDENTIALS_ENV = "AWS_SHARED_CREDENTIALS_FILE"
CONFIG_ENV = "AWS_CONFIG_FILE"
OUTPUT_FORMATS = ("json", "yaml", "yaml-stream", "text", "table")
DIR_MODE = 0o700

_SECTION = re.compile(r"^\s*\[\s*(?P<name>[^\]]*?)\s*\]")
_OPTION = re.compile(r"^(?P<key>[^\s=:#;\[][^=:]*?)\s*[=:]")
_PROFILE_NAME = re.compile(r"[\w+=,.@/-]+", re.ASCII)
PROFILE_NAME_MAX = 128


# --- names and places -----------------------------------------------------------------------------------------


def credentials_section(profile: str) -> str:
    return profile


def config_section(profile: str) -> str:
    return "default" if profile == "default" else f"profile {profile}"


@dataclass(frozen=True)
class CliPaths:
    credentials: Path
    config: Path


def _expand(value: str, home: Path) -> Path:
    if value == "~":
        return home
    if value.startswith("~/"):
        return home / value[2:]
    return Path(value)


def cli_paths(env: Mapping[str, str], home: Path) -> CliPaths:
    """Where the AWS CLI (and botocore) read the two files: the environment variables win over ~/.aws."""
    credentials = env.get(CREDENTIALS_ENV) or "~/.aws/credentials"
    config = env.get(CONFIG_ENV) or "~/.aws/config"
    return CliPaths(_expand(credentials, home), _expand(config, home))


# --- validation (messages for the field, or None) ----------------------------------------------------------------


def validate_profile_name(name: str) -> str | None:
    if not name:
        return "Enter a profile name."
    if len(name) > PROFILE_NAME_MAX:
        return f"A profile name has at most {PROFILE_NAME_MAX} characters."
    if not _PROFILE_NAME.fullmatch(name):
        return "A profile name may contain letters, digits and + = , . @ _ - / (no spaces or brackets)."
    return None


def validate_region(region: str, regions_by_partition: Mapping[str, frozenset[str]],
                    partition: str = "aws") -> str | None:
    """``region`` must be one botocore knows, in the account's partition (aws, aws-cn, aws-us-gov, ...)."""
    if not region:
        return "Enter a region (for example us-east-1)."
    if region in regions_by_partition.get(partition, frozenset()):
        return None
    for other, regions in regions_by_partition.items():
        if region in regions:
            return f"{region} is in the {other} partition; this account is in {partition}."
    known = sorted(regions_by_partition.get(partition, frozenset()))
    close = difflib.get_close_matches(region, known, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    return f"{region!r} is not an AWS region botocore knows.{hint}"


def validate_output(output: str) -> str | None:
    if output in OUTPUT_FORMATS:
        return None
    return f"Output is one of {', '.join(OUTPUT_FORMATS)}."


# --- reading --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    name: str
    start: int  # the header line
    end: int  # one past the section's last line


def _blocks(lines: list[str]) -> list[_Block]:
    headers = [(i, m["name"]) for i, line in enumerate(lines) if (m := _SECTION.match(line))]
    return [_Block(name, start, headers[n + 1][0] if n + 1 < len(headers) else len(lines))
            for n, (start, name) in enumerate(headers)]


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith(("#", ";"))


def section_names(text: str) -> list[str]:
    return [block.name for block in _blocks(text.splitlines())]


def has_section(text: str, section: str) -> bool:
    return section in section_names(text)


def section_options(text: str, section: str) -> dict[str, str]:
    """The section's top-level options (later duplicates of the section add to and override earlier ones)."""
    lines = text.splitlines()
    found: dict[str, str] = {}
    for block in _blocks(lines):
        if block.name != section:
            continue
        for line in lines[block.start + 1:block.end]:
            match = _OPTION.match(line)
            if match:
                found[match["key"].strip()] = line[match.end():].strip()
    return found


# --- editing --------------------------------------------------------------------------------------------------


def _render(key: str, value: str | Secret) -> str:
    shown = value.reveal() if isinstance(value, Secret) else value
    if "\n" in shown or "\r" in shown:
        raise ValueError(f"a value for {key} cannot span lines")
    return f"{key} = {shown}"


def _strip_options(body: list[str]) -> list[str]:
    """Drop option lines and their indented continuation lines; keep comments and blank lines."""
    kept: list[str] = []
    in_option = False
    for line in body:
        if _OPTION.match(line):
            in_option = True
            continue
        if in_option and line[:1].isspace() and line.strip() and not _is_comment_or_blank(line):
            continue  # a nested value of the dropped option
        in_option = False
        kept.append(line)
    return kept


def _update_options(body: list[str], values: Mapping[str, str | Secret]) -> list[str]:
    """Set each key in place where it is; append the missing ones after the last option."""
    out: list[str] = []
    done: set[str] = set()
    skipping = False
    insert_at = 0  # after the section's last setting: blank lines and comments that lead into the next section stay
    for line in body:
        match = _OPTION.match(line)
        if match:
            key = match["key"].strip()
            skipping = False
            if key in values:
                if key not in done:
                    out.append(_render(key, values[key]))
                    done.add(key)
                    insert_at = len(out)
                skipping = True  # drop the old value's continuation lines
                continue
            out.append(line)
            insert_at = len(out)
            continue
        if line[:1].isspace() and line.strip() and not _is_comment_or_blank(line):
            if skipping:
                continue
            out.append(line)  # a nested value of the setting above
            insert_at = len(out)
            continue
        skipping = False
        out.append(line)
    missing = [_render(k, v) for k, v in values.items() if k not in done]
    return out[:insert_at] + missing + out[insert_at:]


def set_section(text: str, section: str, values: Mapping[str, str | Secret], *, replace: bool = False) -> str:
    """``text`` with ``section`` holding ``values``.

    ``replace=False`` sets these keys and keeps the section's other settings (like ``aws configure set``);
    ``replace=True`` makes ``values`` the section's only settings (comments inside it stay). A missing section is
    appended at the end. Everything outside the section is kept byte for byte."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    blocks = [b for b in _blocks(lines) if b.name == section]
    if not blocks:
        out = list(lines)
        if out and out[-1].strip():
            out.append("")
        out.append(f"[{section}]")
        out += [_render(k, v) for k, v in values.items()]
        return newline.join(out) + newline
    out = list(lines[:blocks[0].start])
    cursor = blocks[0].start
    for index, block in enumerate(blocks):
        out += lines[cursor:block.start]
        out.append(lines[block.start])
        body = lines[block.start + 1:block.end]
        if index == 0:
            out += _update_options(_strip_options(body) if replace else body, values)
        else:  # a repeated header: the first one holds the values; the copies must not override them
            out += _strip_options(body) if replace else [
                line for line in body if not ((m := _OPTION.match(line)) and m["key"].strip() in values)]
        cursor = block.end
    out += lines[cursor:]
    return newline.join(out) + newline


def profile_values(access_key_id: str, secret: Secret, *, region: str, output: str,
                   mfa_serial: str | None = None) -> tuple[dict[str, str | Secret], dict[str, str | Secret]]:
    """(credentials section values, config section values) for a profile that uses one access key."""
    credentials: dict[str, str | Secret] = {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret}
    config: dict[str, str | Secret] = {"region": region, "output": output}
    if mfa_serial:
        config["mfa_serial"] = mfa_serial
    return credentials, config
