"""Editing the account password policy: the fields of ``UpdateAccountPasswordPolicy`` with AWS's bounds, what a
typed value means, the whole-policy request, a diff in words, and the CIS preset.

An update *replaces* the whole policy: a field left out of the request goes back to AWS's API default (length 6,
nothing required, passwords never expire, no reuse prevention, users may not change their password). So the
request is always built from a complete :class:`PasswordPolicy`, never from the changed fields alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .checks import CIS_MIN_LENGTH, CIS_REUSE
from .password_policy import DEFAULT_POLICY_TEXT, SYMBOLS, PasswordPolicy


@dataclass(frozen=True)
class NumberField:
    """A whole-number field; ``optional`` ones may be left empty, which means ``empty_means``."""

    key: str  # the PasswordPolicy attribute
    api: str  # the UpdateAccountPasswordPolicy parameter
    label: str
    low: int
    high: int
    unit: str
    optional: bool = False
    empty_means: str = ""

    @property
    def hint(self) -> str:
        hint = f"{self.low}-{self.high} {self.unit}"
        return f"{hint}; empty: {self.empty_means}" if self.optional else hint


@dataclass(frozen=True)
class FlagField:
    key: str
    api: str
    label: str


MINIMUM_LENGTH = NumberField("minimum_length", "MinimumPasswordLength", "Minimum password length", 6, 128,
                             "characters")
MAX_AGE = NumberField("max_age_days", "MaxPasswordAge", "Passwords expire after", 1, 1095, "days",
                      optional=True, empty_means="never expire")
REUSE = NumberField("reuse_prevention", "PasswordReusePrevention", "Prevent reusing the last", 1, 24,
                    "passwords", optional=True, empty_means="reuse allowed")
NUMBER_FIELDS: tuple[NumberField, ...] = (MINIMUM_LENGTH, MAX_AGE, REUSE)

CLASS_FLAGS: tuple[FlagField, ...] = (
    FlagField("require_uppercase", "RequireUppercaseCharacters", "Require an uppercase letter (A-Z)"),
    FlagField("require_lowercase", "RequireLowercaseCharacters", "Require a lowercase letter (a-z)"),
    FlagField("require_numbers", "RequireNumbers", "Require a number (0-9)"),
    FlagField("require_symbols", "RequireSymbols", f"Require a symbol ({SYMBOLS})"),
)
ALLOW_CHANGE = FlagField("allow_users_to_change", "AllowUsersToChangePassword",
                         "Allow users to change their own password")
HARD_EXPIRY = FlagField("hard_expiry", "HardExpiry", "Expired passwords need an administrator reset (hard expiry)")
FLAG_FIELDS: tuple[FlagField, ...] = (*CLASS_FLAGS, ALLOW_CHANGE, HARD_EXPIRY)

CLASS_NAMES = {"require_uppercase": "uppercase", "require_lowercase": "lowercase", "require_numbers": "numbers",
               "require_symbols": "symbols"}

CIS_EXPIRY_NOTE = (
    "The CIS preset leaves expiry as it is: the CIS AWS Foundations Benchmark (v5.0.0, the one the checks "
    "follow) no longer asks for forced password rotation (older versions asked for 90 days), and NIST SP 800-63B "
    "advises against periodic changes unless a password may be compromised."
)
HOW_IT_APPLIES = (
    "Length and character rules apply the next time each user sets a password; existing passwords stay valid. "
    "An expiry period applies at once: passwords older than it must be changed at the next sign-in."
)


def read_number(field: NumberField, text: str) -> tuple[int | None, str | None]:
    """What the typed text means: ``(value, None)`` or ``(None, message)``. Empty is None for optional fields."""
    text = text.strip()
    if not text:
        if field.optional:
            return None, None
        return None, f"Required: {field.low}-{field.high}"
    if not text.isdigit():
        return None, "Whole number only"
    value = int(text)
    if value < field.low:
        return None, f"At least {field.low}" + (" (or empty)" if field.optional else "")
    if value > field.high:
        return None, f"At most {field.high}"
    return value, None


def policy_from_form(numbers: Mapping[str, str], flags: Mapping[str, bool]) -> tuple[PasswordPolicy | None,
                                                                                        dict[str, str]]:
    """The policy the form describes, or None with a message per invalid field (keyed like the fields)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in NUMBER_FIELDS:
        value, error = read_number(field, numbers.get(field.key, ""))
        if error:
            errors[field.key] = error
        values[field.key] = value
    if errors:
        return None, errors
    for flag in FLAG_FIELDS:
        values[flag.key] = bool(flags.get(flag.key, False))
    return PasswordPolicy(**values), {}


def form_text(field: NumberField, policy: PasswordPolicy) -> str:
    value = getattr(policy, field.key)
    return "" if value is None else str(value)


def policy_problems(policy: PasswordPolicy) -> dict[str, str]:
    """AWS's bounds checked on a policy value (the service refuses to send one with problems)."""
    problems = {}
    for field in NUMBER_FIELDS:
        value = getattr(policy, field.key)
        text = "" if value is None else str(value)
        _, error = read_number(field, text)
        if error:
            problems[field.key] = f"{field.label}: {error}"
    return problems


def update_request(policy: PasswordPolicy) -> dict[str, Any]:
    """Parameters for ``UpdateAccountPasswordPolicy`` describing the *whole* policy.

    Every flag and the length are always sent. "Never expire" and "no reuse prevention" have no in-range value
    (0 is rejected), so the API's way to say them is to leave MaxPasswordAge / PasswordReusePrevention out."""
    problems = policy_problems(policy)
    if problems:
        raise ValueError("; ".join(problems.values()))
    params: dict[str, Any] = {MINIMUM_LENGTH.api: policy.minimum_length}
    for flag in FLAG_FIELDS:
        params[flag.api] = bool(getattr(policy, flag.key))
    for field in (MAX_AGE, REUSE):
        value = getattr(policy, field.key)
        if value is not None:
            params[field.api] = value
    return params


# --- in words ----------------------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def classes_text(policy: PasswordPolicy) -> str:
    required = [name for key, name in CLASS_NAMES.items() if getattr(policy, key)]
    return ", ".join(required) if required else "none required"


def expiry_text(policy: PasswordPolicy) -> str:
    return f"after {policy.max_age_days} days" if policy.max_age_days else "never"


def reuse_text(policy: PasswordPolicy) -> str:
    return f"last {policy.reuse_prevention} passwords" if policy.reuse_prevention else "none (reuse allowed)"


def describe_policy(policy: PasswordPolicy | None) -> list[str]:
    """The policy in words, one setting a line; AWS's default when none is set."""
    if policy is None:
        return ["No password policy is set.", DEFAULT_POLICY_TEXT + "; passwords never expire."]
    return [
        f"Minimum length:       {policy.minimum_length} characters",
        f"Required characters:  {classes_text(policy)}",
        f"Users may change own: {_yes(policy.allow_users_to_change)}",
        f"Expiry:               {expiry_text(policy)}"
        + (" (hard expiry: an administrator must reset)" if policy.hard_expiry else ""),
        f"Reuse prevention:     {reuse_text(policy)}",
    ]


def _setting_lines(policy: PasswordPolicy) -> list[tuple[str, str]]:
    return [
        ("Minimum length", f"{policy.minimum_length} characters"),
        *((label, _yes(getattr(policy, key))) for key, label in (
            ("require_uppercase", "Require uppercase"), ("require_lowercase", "Require lowercase"),
            ("require_numbers", "Require numbers"), ("require_symbols", "Require symbols"))),
        ("Users may change their own password", _yes(policy.allow_users_to_change)),
        ("Password expiry", expiry_text(policy)),
        ("Hard expiry", _yes(policy.hard_expiry)),
        ("Reuse prevention", reuse_text(policy)),
    ]


def diff_policy(current: PasswordPolicy | None, new: PasswordPolicy) -> list[str]:
    """What applying ``new`` changes, in words; empty when nothing changes."""
    if current is None:
        return [
            "No policy is set now (AWS's default applies). Applying sets:",
            f"  Minimum length: {new.minimum_length} characters",
            f"  Required characters: {classes_text(new)}",
            f"  Users may change their own password: {_yes(new.allow_users_to_change)}",
            f"  Password expiry: {expiry_text(new)}" + (", hard expiry" if new.hard_expiry else ""),
            f"  Reuse prevention: {reuse_text(new)}",
        ]
    return [f"{label}: {old} → {value}"
            for (label, old), (_, value) in zip(_setting_lines(current), _setting_lines(new), strict=True)
            if old != value]


def policy_notes(policy: PasswordPolicy) -> list[str]:
    """Consequences worth knowing before applying ``policy`` (not errors: AWS accepts all of these)."""
    notes = []
    if policy.minimum_length < CIS_MIN_LENGTH:
        notes.append(f"Length below {CIS_MIN_LENGTH}: the CIS 1.7 check will fail.")
    if (policy.reuse_prevention or 0) < CIS_REUSE:
        notes.append(f"Reuse prevention below {CIS_REUSE}: the CIS 1.8 check will fail.")
    if not policy.allow_users_to_change:
        notes.append("Users cannot change their own password unless a policy grants iam:ChangePassword (the console "
                     "then attaches IAMUserChangePassword to the user directly, which fails CIS 1.14).")
    if policy.hard_expiry and not policy.max_age_days:
        notes.append("Hard expiry has no effect while passwords never expire.")
    elif policy.hard_expiry:
        notes.append("Hard expiry: a user whose password expires (you too) is locked out of the console until an "
                     "administrator resets it.")
    return notes


def cis_preset(base: PasswordPolicy) -> PasswordPolicy:
    """The CIS recommendation on top of ``base``: length at least 14 (a longer one is kept), the last 24
    passwords remembered, every character class, users may change their own password. Expiry and hard expiry
    are kept as they are (see :data:`CIS_EXPIRY_NOTE`)."""
    return replace(
        base,
        minimum_length=max(base.minimum_length, CIS_MIN_LENGTH),
        reuse_prevention=CIS_REUSE,
        require_uppercase=True,
        require_lowercase=True,
        require_numbers=True,
        require_symbols=True,
        allow_users_to_change=True,
    )


def starting_form(current: PasswordPolicy | None) -> PasswordPolicy:
    """What the form shows first: the current policy, or, when none is set, AWS's default length (8) with users
    allowed to change their own password (as CIS recommends: AWS's default does not allow it). Nothing is sent
    until the user applies, after seeing the diff."""
    return current if current is not None else PasswordPolicy(minimum_length=8, allow_users_to_change=True)
