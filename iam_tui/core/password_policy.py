"""The account password policy as a value, and AWS's default when none is set."""

from __future__ import annotations

from dataclasses import dataclass

# The symbols IAM counts as "non-alphanumeric" in a password policy.
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int = 8
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase: bool = False
    require_lowercase: bool = False
    allow_users_to_change: bool = False
    max_age_days: int | None = None
    reuse_prevention: int | None = None
    hard_expiry: bool = False


@dataclass(frozen=True)
class EffectivePolicy:
    """What a new password must satisfy: the account's policy, or AWS's default when none is set."""

    policy: PasswordPolicy | None

    @property
    def is_default(self) -> bool:
        return self.policy is None

    @property
    def minimum_length(self) -> int:
        return self.policy.minimum_length if self.policy else 8

    @property
    def allow_users_to_change(self) -> bool:
        # With no policy set, IAM users may NOT change their own password unless an IAM policy lets them
        # (iam:ChangePassword): AWS's default has AllowUsersToChangePassword off.
        return self.policy.allow_users_to_change if self.policy else False


# AWS's default policy when the account has none: 8 to 128 characters and at least three of
# uppercase, lowercase, digits and symbols; users may not change their own password without an IAM policy.
DEFAULT_POLICY_TEXT = (
    "AWS default (no policy set): 8-128 characters, at least three of: uppercase, lowercase, digits, symbols; "
    "users may not change their own password unless an IAM policy allows it"
)


def policy_text(policy: PasswordPolicy) -> str:
    """The policy in a line, as the summary says what was set: "14+ characters, symbols, numbers, ..."."""
    parts = [f"{policy.minimum_length}+ characters"]
    required = [what for what, on in (("symbols", policy.require_symbols), ("numbers", policy.require_numbers),
                                      ("uppercase", policy.require_uppercase), ("lowercase", policy.require_lowercase))
                if on]
    if required:
        parts.append("with " + ", ".join(required))
    if policy.reuse_prevention:
        parts.append(f"none of the last {policy.reuse_prevention} again")
    if policy.max_age_days:
        parts.append(f"expires after {policy.max_age_days} days" + (" (then only an admin resets it)"
                                                                    if policy.hard_expiry else ""))
    parts.append("users may change their own" if policy.allow_users_to_change else "users may not change their own")
    return "; ".join(parts)
