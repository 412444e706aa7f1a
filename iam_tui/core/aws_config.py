"""The AWS CLI's shared files (``~/.aws/credentials`` and ``~/.aws/config``), edited as text: only the one profile's
settings change; every other byte (comments, blank lines, other profiles, each line's own line ending) stays.
Pure: the caller reads and writes the files.

Lines are read the way botocore reads them: ``configparser`` on a file opened in text mode, so only ``\\n``,
``\\r\\n`` and ``\\r`` end a line (``str.splitlines`` would also split at U+0085, ``\\x0c``, U+2028 and others, which
botocore keeps inside the line). A line's role follows ``configparser``'s rules: ``#``/``;`` lines are comments, a
line indented deeper than the option above it continues that option (nested settings such as ``s3 =``), anything
else is a ``[section]`` header or a ``key = value`` option. Sections: the credentials file names a profile
``[name]``; the config file ``[profile name]``, except ``[default]``, and botocore reads ``[profile  "name"]`` as
the same profile (``shlex``).
"""

from __future__ import annotations

import configparser
import difflib
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .secret import Secret

CREDENTIALS_ENV = "AWS_SHARED_CREDENTIALS_FILE"
CONFIG_ENV = "AWS_CONFIG_FILE"
OUTPUT_FORMATS = ("json", "yaml", "yaml-stream", "text", "table")
DIR_MODE = 0o700

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # universal newlines, as botocore's text-mode read
_ENDING = re.compile(r"(?:\r\n|\r|\n)\Z")
_VAR = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)  # os.path.expandvars's pattern
_SECTION = configparser.RawConfigParser.SECTCRE
_OPTION = configparser.RawConfigParser.OPTCRE
_NONSPACE = configparser.RawConfigParser.NONSPACECRE
_COMMENT_PREFIXES = ("#", ";")
_PROFILE_NAME = re.compile(r"[\w+=,.@/-]+", re.ASCII)
PROFILE_NAME_MAX = 128


# --- names and places -----------------------------------------------------------------------------------------


def credentials_section(profile: str) -> str:
    return profile


def config_section(profile: str) -> str:
    return "default" if profile == "default" else f"profile {profile}"


def config_profile(section: str) -> str | None:
    """The profile botocore reads a config file section as (``build_profile_map``), or None (``[sso-session x]``,
    ``[services x]``, ...)."""
    if section.startswith("profile"):
        try:
            parts = shlex.split(section)
        except ValueError:
            return None
        return parts[1] if len(parts) == 2 else None
    return "default" if section == "default" else None


@dataclass(frozen=True)
class CliPaths:
    credentials: Path
    config: Path


def expand_path(value: str, env: Mapping[str, str], home: Path) -> str:
    """``value`` expanded as botocore expands these paths: ``$VAR``/``${VAR}`` from ``env`` (unknown ones stay),
    then a leading ``~``. ``~user`` is left for ``os.path.expanduser`` (it needs the password database)."""

    def variable(match: re.Match[str]) -> str:
        name = match[1][1:-1] if match[1].startswith("{") else match[1]
        return env.get(name, match[0])

    value = _VAR.sub(variable, value) if "$" in value else value
    if value == "~" or value.startswith("~/"):
        return str(home) + value[1:]
    return value


def cli_paths(env: Mapping[str, str], home: Path) -> CliPaths:
    """Where the AWS CLI (and botocore) read the two files: the environment variables win over ~/.aws."""
    credentials = env.get(CREDENTIALS_ENV) or "~/.aws/credentials"
    config = env.get(CONFIG_ENV) or "~/.aws/config"
    return CliPaths(Path(expand_path(credentials, env, home)), Path(expand_path(config, env, home)))


# --- validation (messages for the field, or None) ----------------------------------------------------------------


def validate_profile_name(name: str) -> str | None:
    if not name:
        return "Enter a profile name."
    if len(name) > PROFILE_NAME_MAX:
        return f"A profile name has at most {PROFILE_NAME_MAX} characters."
    if not _PROFILE_NAME.fullmatch(name):
        return "A profile name may contain letters, digits and + = , . @ _ - / (no spaces or brackets)."
    if name == configparser.DEFAULTSECT:
        return "DEFAULT is special in the credentials file (its keys would apply to every profile): pick another."
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


# --- reading: lines and their roles, as configparser sees them ---------------------------------------------------


def split_lines(text: str) -> list[str]:
    """The lines botocore sees, each with its own line ending; ``"".join`` gives ``text`` back exactly."""
    return _LINE.findall(text)


@dataclass(frozen=True)
class _Line:
    kind: str  # "blank", "comment", "header", "option", "continuation" or "bad"
    name: str = ""  # the section of a header; the (lower-cased) key of an option
    value: str = ""  # an option's value on its first line
    indent: int = 0


def _roles(lines: list[str]) -> list[_Line]:
    """Each line's role, following ``configparser.RawConfigParser._read`` (Python 3.11) step by step."""
    roles: list[_Line] = []
    in_section = has_option = False
    indent_level = 0
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(_COMMENT_PREFIXES):
            roles.append(_Line("comment"))
            continue
        if not stripped:
            roles.append(_Line("blank"))
            continue
        first = _NONSPACE.search(line)
        indent = first.start() if first else 0
        if in_section and has_option and indent > indent_level:
            roles.append(_Line("continuation", indent=indent))
            continue
        indent_level = indent
        if header := _SECTION.match(stripped):
            roles.append(_Line("header", header["header"], indent=indent))
            in_section, has_option = True, False
        elif in_section and (option := _OPTION.match(stripped)) and option["option"].rstrip():
            roles.append(_Line("option", option["option"].rstrip().lower(), option["value"].strip(), indent))
            has_option = True
        else:
            roles.append(_Line("bad", indent=indent))
    return roles


@dataclass(frozen=True)
class _Block:
    name: str
    start: int  # the header line
    end: int  # one past the section's last line


def _blocks(roles: list[_Line]) -> list[_Block]:
    headers = [(i, role.name) for i, role in enumerate(roles) if role.kind == "header"]
    return [_Block(name, start, headers[n + 1][0] if n + 1 < len(headers) else len(roles))
            for n, (start, name) in enumerate(headers)]


def _profile_block(roles: list[_Line], profile: str, config_file: bool) -> _Block | None:
    """The section botocore takes the profile from: in the config file the last one that maps to it."""
    found = [b for b in _blocks(roles)
             if (config_profile(b.name) if config_file else credentials_section(b.name)) == profile]
    return found[-1] if found else None


def profile_options(text: str, profile: str, *, config_file: bool) -> dict[str, str] | None:
    """The profile's options (first line of each value), or None when the file has no section for it."""
    roles = _roles(split_lines(text))
    block = _profile_block(roles, profile, config_file)
    if block is None:
        return None
    return {role.name: role.value for role in roles[block.start + 1:block.end] if role.kind == "option"}


# --- editing --------------------------------------------------------------------------------------------------


def _render(key: str, value: str | Secret) -> str:
    shown = value.reveal() if isinstance(value, Secret) else value
    if "\n" in shown or "\r" in shown:
        raise ValueError(f"a value for {key} cannot span lines")
    if shown != shown.strip():
        raise ValueError(f"a value for {key} cannot start or end with white space (botocore strips it)")
    return f"{key} = {shown}"


def _newline(lines: list[str]) -> str:
    """The file's most common line ending ("\\n" for a file without one)."""
    endings = [m[0] for line in lines if (m := _ENDING.search(line))]
    return max(("\n", "\r\n", "\r"), key=endings.count) if endings else "\n"


def _ended(line: str, newline: str) -> str:
    return line if _ENDING.search(line) else line + newline


def set_profile(text: str, profile: str, values: Mapping[str, str | Secret], *, config_file: bool) -> str:
    """``text`` with the profile's section holding exactly ``values`` (its comments and blank lines stay).

    A missing section is appended at the end. Every line outside the section is kept byte for byte (a last line
    without a line ending gets one when something follows it). New lines use the file's most common line ending."""
    lines = split_lines(text)
    roles = _roles(lines)
    newline = _newline(lines)
    block = _profile_block(roles, profile, config_file)
    if block is None:
        out = [_ended(line, newline) for line in lines]
        if out and out[-1].strip():
            out.append(out[-1][len(out[-1].rstrip("\r\n")):])  # a blank line before the section, same line ending
        section = config_section(profile) if config_file else credentials_section(profile)
        return "".join(out + [f"[{section}]{newline}"] + [_render(k, v) + newline for k, v in values.items()])
    kept = [i for i in range(block.start + 1, block.end) if roles[i].kind not in ("option", "continuation")]
    # The new options go right under the header, indented like the next line that is not blank or a comment: that
    # line (a header, normally at column 0) must not become a continuation of the new values.
    rest = [roles[i] for i in kept] + roles[block.end:]
    following = next((role for role in rest if role.kind not in ("blank", "comment")), None)
    pad = " " * (following.indent if following else 0)
    new = [pad + _render(k, v) + newline for k, v in values.items()]
    out = lines[:block.start] + [_ended(lines[block.start], newline)] + new + [lines[i] for i in kept]
    return "".join(out + lines[block.end:])


def profile_values(access_key_id: str, secret: Secret, *, region: str, output: str,
                   endpoint_url: str | None = None) -> tuple[dict[str, str | Secret], dict[str, str | Secret]]:
    """(credentials section values, config section values) for a profile that uses one access key. With
    ``endpoint_url`` (iam-tui's ``--endpoint-url``) the profile sends its calls to the same endpoint."""
    credentials: dict[str, str | Secret] = {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret}
    config: dict[str, str | Secret] = {"region": region, "output": output}
    if endpoint_url:
        config["endpoint_url"] = endpoint_url
    return credentials, config


# --- a key rotation: the profiles that use a key, and their two values replaced in place ---------------------------

KEY_ID_OPTION = "aws_access_key_id"
SECRET_OPTION = "aws_secret_access_key"
_VALUE = re.compile(r"(?P<head>[^=:]*[=:][ \t]*)(?P<value>.*?)(?P<tail>[ \t]*(?:\r\n|\r|\n)?)\Z", re.DOTALL)


def profiles_with_key(text: str, access_key_id: str, *, config_file: bool) -> list[str]:
    """The profiles whose section (the one botocore reads) sets ``aws_access_key_id`` to ``access_key_id``."""
    roles = _roles(split_lines(text))
    names = {config_profile(b.name) if config_file else credentials_section(b.name) for b in _blocks(roles)}
    return sorted(name for name in names if name is not None
                  and (profile_options(text, name, config_file=config_file) or {}).get(KEY_ID_OPTION)
                  == access_key_id)


def replace_values(text: str, profile: str, values: Mapping[str, str | Secret], *, config_file: bool) -> str:
    """``text`` with the value of each option in ``values`` replaced in the profile's section, and nothing else
    changed: not the option's spelling, the spaces around ``=``, the line ending, other options or sections.

    Raises ValueError when the section, or one of the options, is missing or spans several lines."""
    lines = split_lines(text)
    roles = _roles(lines)
    block = _profile_block(roles, profile, config_file)
    if block is None:
        raise ValueError(f"no section for profile {profile}")
    out = list(lines)
    for key, value in values.items():
        index = next((i for i in range(block.start + 1, block.end)
                      if roles[i].kind == "option" and roles[i].name == key), None)
        if index is None:
            raise ValueError(f"profile {profile} has no {key}")
        if index + 1 < block.end and roles[index + 1].kind == "continuation":
            raise ValueError(f"{key} of profile {profile} spans several lines")
        parts = _VALUE.match(lines[index])
        if parts is None:
            raise ValueError(f"{key} of profile {profile} is not `key = value`")
        new = _render(key, value)[len(key) + 3:]  # the checks of a new value; "key = " taken off
        out[index] = parts["head"] + new + parts["tail"]
    return "".join(out)


# --- removing a profile whose key was deleted ----------------------------------------------------------------------

COMPANION_OPTIONS = frozenset({"region", "output", "endpoint_url"})  # what iam-tui writes beside a profile's key


def section_options(text: str, profile: str, *, config_file: bool) -> dict[str, str] | None:
    """The options of the profile's section (None: no section): :func:`profile_options`, named for removal."""
    return profile_options(text, profile, config_file=config_file)


def remove_profile(text: str, profile: str, *, config_file: bool) -> str:
    """``text`` without the profile's sections (every section botocore reads as that profile): the header, the
    lines up to its last option, and the blank lines right after it. Every other byte stays, comments after the
    last option included (they may describe the next section). Unchanged when there is no such section."""
    lines = split_lines(text)
    roles = _roles(lines)
    drop: set[int] = set()
    for block in _blocks(roles):
        if (config_profile(block.name) if config_file else credentials_section(block.name)) != profile:
            continue
        last = max((i for i in range(block.start, block.end) if roles[i].kind in ("header", "option",
                                                                                   "continuation", "bad")),
                   default=block.start)
        end = last + 1
        while end < block.end and roles[end].kind == "blank":
            end += 1
        drop.update(range(block.start, end))
    return "".join(line for i, line in enumerate(lines) if i not in drop)
