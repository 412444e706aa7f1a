from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from iam_tui.core.password_policy import EffectivePolicy, PasswordPolicy
from iam_tui.core.passwords import generate_password, password_problems

policies = st.builds(
    PasswordPolicy,
    minimum_length=st.integers(6, 128),
    require_symbols=st.booleans(),
    require_numbers=st.booleans(),
    require_uppercase=st.booleans(),
    require_lowercase=st.booleans(),
    allow_users_to_change=st.booleans(),
    max_age_days=st.none() | st.integers(1, 1095),
    reuse_prevention=st.none() | st.integers(1, 24),
    hard_expiry=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(policy=st.none() | policies)
def test_generated_passwords_satisfy_any_policy(policy: PasswordPolicy | None) -> None:
    effective = EffectivePolicy(policy)
    password = generate_password(effective).reveal()
    assert password_problems(password, effective) == []
    assert all(" " < c <= "~" for c in password)
    assert effective.minimum_length <= len(password) <= 128


def test_generated_passwords_differ() -> None:
    effective = EffectivePolicy(None)
    assert len({generate_password(effective).reveal() for _ in range(50)}) == 50


def test_default_policy_needs_three_classes_and_eight_characters() -> None:
    default = EffectivePolicy(None)
    assert password_problems("abcdefgh", default) == ["at least three of: uppercase, lowercase, digits, symbols"]
    assert password_problems("Abcdefg1", default) == []
    assert password_problems("Ab1", default) == ["at least 8 characters (3 now)"]


def test_policy_rules_are_named() -> None:
    strict = EffectivePolicy(PasswordPolicy(minimum_length=14, require_symbols=True, require_numbers=True,
                                            require_uppercase=True, require_lowercase=True))
    problems = password_problems("short", strict)
    assert problems[0] == "at least 14 characters (5 now)"
    assert problems[1:] == ["an uppercase letter (A-Z)", "a digit (0-9)", "a symbol (!@#$%^&*()_+-=[]{}|')"]
    assert password_problems("Long-enough-Passw0rd", strict) == []
    assert "printable ASCII characters only" in password_problems("Pässwörd-1234567", strict)


def test_generated_passwords_never_start_like_a_spreadsheet_formula() -> None:
    effective = EffectivePolicy(None)
    firsts = {generate_password(effective, length=4).reveal()[0] for _ in range(2000)}
    assert not firsts & set("=+-@")
    assert len(firsts) > 20  # still random: letters, digits and the other symbols come first
