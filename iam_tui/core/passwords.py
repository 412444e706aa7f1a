"""Console passwords: which rules of the account policy (or AWS's default) a password breaks, and a generator
whose passwords always pass. Passwords are printable ASCII, from ``secrets``."""

from __future__ import annotations

import secrets
import string

from .password_policy import SYMBOLS, EffectivePolicy
from .secret import Secret

MAX_LENGTH = 128
FORMULA_START = "=+-@"  # a spreadsheet reads a cell that starts with one of these as a formula (the console's CSV)
GENERATED_LENGTH = 20
CLASSES = {
    "uppercase": string.ascii_uppercase,
    "lowercase": string.ascii_lowercase,
    "digits": string.digits,
    "symbols": SYMBOLS,
}
# What a policy that requires a class asks for, in words.
NEEDS = {
    "uppercase": "an uppercase letter (A-Z)",
    "lowercase": "a lowercase letter (a-z)",
    "digits": "a digit (0-9)",
    "symbols": f"a symbol ({SYMBOLS})",
}


def _has(password: str, cls: str) -> bool:
    chars = CLASSES[cls]
    return any(c in chars for c in password)


def password_problems(password: str, effective: EffectivePolicy) -> list[str]:
    """The rules this password does not meet yet, in words; empty when it is acceptable."""
    problems = []
    minimum = effective.minimum_length
    if len(password) < minimum:
        problems.append(f"at least {minimum} characters ({len(password)} now)")
    if len(password) > MAX_LENGTH:
        problems.append(f"at most {MAX_LENGTH} characters")
    if any(not (" " <= c <= "~") for c in password):
        problems.append("printable ASCII characters only")
    policy = effective.policy
    if policy is None:
        present = sum(_has(password, cls) for cls in CLASSES)
        if present < 3:
            problems.append("at least three of: uppercase, lowercase, digits, symbols")
        return problems
    required = {"uppercase": policy.require_uppercase, "lowercase": policy.require_lowercase,
                "digits": policy.require_numbers, "symbols": policy.require_symbols}
    for cls, needed in required.items():
        if needed and not _has(password, cls):
            problems.append(NEEDS[cls])
    return problems


def generate_password(effective: EffectivePolicy, length: int = GENERATED_LENGTH) -> Secret:
    """A password with every character class, long enough for the policy (at least ``length``), that does not
    start like a spreadsheet formula."""
    size = min(MAX_LENGTH, max(length, effective.minimum_length, len(CLASSES)))
    chars = [secrets.choice(pool) for pool in CLASSES.values()]
    alphabet = "".join(CLASSES.values())
    chars += [secrets.choice(alphabet) for _ in range(size - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    safe = next(i for i, c in enumerate(chars) if c not in FORMULA_START)  # there are letters and digits
    chars[0], chars[safe] = chars[safe], chars[0]
    return Secret("".join(chars))
