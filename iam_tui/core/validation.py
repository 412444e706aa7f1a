"""AWS's own rules for names, tags and aliases (botocore's IAM model and the IAM quotas page), checked before
any call so the message can sit next to the field. Each function returns an error message, or None."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
_PATH = re.compile(r"/|/[\x21-\x7e]+/")
_ALIAS = re.compile(r"[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]")
NAME_CHARS = "letters, digits and + = , . @ _ -"

MAX_TAGS = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
_TAG_EXTRA = set("_.:/=+-@")


def _article(kind: str) -> str:
    """ "a" or "an" as the word is said, not spelt: "an MFA device name" (em-), "a user name" (yoo-)."""
    return "an" if kind[0] in "aeio" or kind.split()[0] in {"MFA", "IAM"} else "a"


def _chars(bad: Iterable[str]) -> str:
    """The characters refused, each quoted; a space named (a quoted space wrapped in two at a line's end)."""
    return " ".join("a space" if c == " " else repr(c) for c in bad)


def _name(kind: str, value: str, maximum: int) -> str | None:
    article = _article(kind)
    if not value:
        return f"Enter {article} {kind}."
    if len(value) > maximum:
        return f"{article.capitalize()} {kind} has at most {maximum} characters ({len(value)} now)."
    if not _NAME.fullmatch(value):
        bad = sorted({c for c in value if not _NAME.fullmatch(c)})
        return f"{article.capitalize()} {kind} may only contain {NAME_CHARS}; not: {_chars(bad)}."
    return None


def validate_user_name(value: str) -> str | None:
    return _name("user name", value, 64)


def validate_group_name(value: str) -> str | None:
    return _name("group name", value, 128)


def validate_role_name(value: str) -> str | None:
    return _name("role name", value, 64)


def validate_policy_name(value: str) -> str | None:
    return _name("policy name", value, 128)


def validate_mfa_device_name(value: str) -> str | None:
    return _name("MFA device name", value, 226)


def validate_path(value: str) -> str | None:
    if len(value) > 512 or not _PATH.fullmatch(value):
        return "A path is / or starts and ends with / (printable ASCII, at most 512 characters)."
    return None


def name_taken(value: str, existing: Iterable[str]) -> str | None:
    """IAM names are unique case-insensitively: 'Alice' exists when 'alice' does."""
    lowered = value.lower()
    for other in existing:
        if other.lower() == lowered:
            same = "" if other == value else f" (as {other!r}: IAM names ignore case)"
            return f"{value!r} already exists{same}."
    return None


def _tag_chars_ok(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LZN" or c in _TAG_EXTRA for c in text)


def validate_tag_key(key: str) -> str | None:
    if not key:
        return "A tag key cannot be empty."
    if len(key) > TAG_KEY_MAX:
        return f"A tag key has at most {TAG_KEY_MAX} characters."
    if key.lower().startswith("aws:"):
        return "Tag keys starting with aws: are reserved for AWS."
    if not _tag_chars_ok(key):
        return "Tag keys may contain letters, digits, spaces and _ . : / = + - @ only."
    return None


def validate_tag_value(value: str) -> str | None:
    if len(value) > TAG_VALUE_MAX:
        return f"A tag value has at most {TAG_VALUE_MAX} characters."
    if not _tag_chars_ok(value):
        return "Tag values may contain letters, digits, spaces and _ . : / = + - @ only."
    return None


def validate_tags(tags: Sequence[tuple[str, str]]) -> list[tuple[int, str]]:
    """Problems as (index of the tag, message); index -1 for the list as a whole."""
    problems: list[tuple[int, str]] = []
    if len(tags) > MAX_TAGS:
        problems.append((-1, f"A user has at most {MAX_TAGS} tags ({len(tags)} now)."))
    seen: dict[str, int] = {}
    for index, (key, value) in enumerate(tags):
        message = validate_tag_key(key) or validate_tag_value(value)
        if message is None and key.lower() in seen:
            message = f"Duplicate tag key {key!r} (tag keys ignore case)."
        if message:
            problems.append((index, message))
        seen.setdefault(key.lower(), index)
    return problems


def validate_account_alias(alias: str) -> str | None:
    if not 3 <= len(alias) <= 63:
        return "An account alias has 3 to 63 characters."
    if alias.isdigit():
        return "An account alias cannot be all digits (it would look like an account ID)."
    bad = sorted({c for c in alias if not (c.isascii() and (c.islower() or c.isdigit() or c == "-"))})
    if bad:
        capitals = " (no capitals)" if any(c.isupper() for c in bad) else ""
        return (f"An account alias may only contain lowercase letters, digits and hyphens{capitals}; not: "
                f"{_chars(bad)}.")
    if not _ALIAS.fullmatch(alias):
        return ("An account alias has single hyphens (never two in a row), and starts and ends with a letter or "
                "digit.")
    return None


# The account's alternate contacts (account:PutAlternateContact), with the bounds and patterns of botocore's
# model; AWS's regular expressions are Java's, where \w is ASCII.
_CONTACT_EMAIL = re.compile(r"[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*", re.ASCII)
_CONTACT_PHONE = re.compile(r"[\s0-9()+-]+")
CONTACT_FIELDS = {"name": ("Name", 64), "title": ("Title", 50), "email": ("Email address", 254),
                  "phone": ("Phone number", 25)}


def validate_contact_field(field: str, value: str) -> str | None:
    """The problem with one field of an alternate contact, or None."""
    label, maximum = CONTACT_FIELDS[field]
    if not value:
        return f"{label} is required."
    if len(value) > maximum:
        return f"{label}: at most {maximum} characters (now {len(value)})."
    if field == "email" and not _CONTACT_EMAIL.fullmatch(value):
        return "Email address: not an address AWS accepts (name@example.com)."
    if field == "phone" and not _CONTACT_PHONE.fullmatch(value):
        return "Phone number: digits, spaces, + - ( ) only."
    return None
