from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from hypothesis import given, settings

from iam_tui.core.password_policy import DEFAULT_POLICY_TEXT, PasswordPolicy
from iam_tui.core.policy_edit import (
    CIS_EXPIRY_NOTE,
    FLAG_FIELDS,
    MAX_AGE,
    MINIMUM_LENGTH,
    NUMBER_FIELDS,
    REUSE,
    NumberField,
    cis_preset,
    describe_policy,
    diff_policy,
    form_text,
    policy_from_form,
    policy_notes,
    read_number,
    starting_form,
    update_request,
)

from .test_passwords import policies

STRONG = PasswordPolicy(minimum_length=14, require_symbols=True, require_numbers=True, require_uppercase=True,
                        require_lowercase=True, allow_users_to_change=True, reuse_prevention=24)


def _model_members() -> dict[str, Any]:
    model = botocore.session.get_session().get_service_model("iam")
    members: dict[str, Any] = model.operation_model("UpdateAccountPasswordPolicy").input_shape.members
    return members


def test_fields_cover_the_whole_operation_with_aws_bounds() -> None:
    members = _model_members()
    assert {f.api for f in NUMBER_FIELDS} | {f.api for f in FLAG_FIELDS} == set(members)
    for field in NUMBER_FIELDS:
        assert (field.low, field.high) == (members[field.api].metadata["min"], members[field.api].metadata["max"])
    assert (MINIMUM_LENGTH.low, MINIMUM_LENGTH.high, MAX_AGE.high, REUSE.high) == (6, 128, 1095, 24)


@pytest.mark.parametrize(("field", "text", "value", "error"), [
    (MINIMUM_LENGTH, "14", 14, None),
    (MINIMUM_LENGTH, " 6 ", 6, None),
    (MINIMUM_LENGTH, "128", 128, None),
    (MINIMUM_LENGTH, "5", None, "At least 6"),
    (MINIMUM_LENGTH, "129", None, "At most 128"),
    (MINIMUM_LENGTH, "", None, "Required: 6-128"),
    (MINIMUM_LENGTH, "1e3", None, "Whole number only"),
    (MINIMUM_LENGTH, "-7", None, "Whole number only"),
    (MAX_AGE, "", None, None),
    (MAX_AGE, "0", None, "At least 1 (or empty)"),
    (MAX_AGE, "1095", 1095, None),
    (MAX_AGE, "1096", None, "At most 1095"),
    (REUSE, "24", 24, None),
    (REUSE, "25", None, "At most 24"),
    (REUSE, "", None, None),
])
def test_read_number(field: NumberField, text: str, value: int | None, error: str | None) -> None:
    assert read_number(field, text) == (value, error)


def test_hints_name_the_bounds_and_what_empty_means() -> None:
    assert MINIMUM_LENGTH.hint == "6-128 characters"
    assert MAX_AGE.hint == "1-1095 days; empty: never expire"
    assert REUSE.hint == "1-24 passwords; empty: reuse allowed"


def test_policy_from_form_reports_every_invalid_field() -> None:
    policy, errors = policy_from_form({"minimum_length": "200", "max_age_days": "0", "reuse_prevention": "3"}, {})
    assert policy is None
    assert errors == {"minimum_length": "At most 128", "max_age_days": "At least 1 (or empty)"}
    policy, errors = policy_from_form(
        {"minimum_length": "14", "max_age_days": "", "reuse_prevention": "24"},
        {f.key: True for f in FLAG_FIELDS} | {"hard_expiry": False})
    assert errors == {} and policy == STRONG


@settings(max_examples=200, deadline=None)
@given(policy=policies)
def test_form_round_trip_and_whole_request(policy: PasswordPolicy) -> None:
    numbers = {f.key: form_text(f, policy) for f in NUMBER_FIELDS}
    flags = {f.key: getattr(policy, f.key) for f in FLAG_FIELDS}
    assert policy_from_form(numbers, flags) == (policy, {})
    request = update_request(policy)
    # Every flag and the length are always sent: an update replaces the whole policy.
    assert {"MinimumPasswordLength", *(f.api for f in FLAG_FIELDS)} <= set(request)
    assert request.get("MaxPasswordAge") == policy.max_age_days
    assert request.get("PasswordReusePrevention") == policy.reuse_prevention
    for flag in FLAG_FIELDS:
        assert request[flag.api] is getattr(policy, flag.key)


def test_update_request_refuses_out_of_bounds_values() -> None:
    with pytest.raises(ValueError, match="Minimum password length: At most 128"):
        update_request(PasswordPolicy(minimum_length=200))
    with pytest.raises(ValueError, match="Passwords expire after: At least 1"):
        update_request(PasswordPolicy(max_age_days=0))


def test_update_request_sends_false_flags_and_omits_never_and_none() -> None:
    assert update_request(PasswordPolicy(minimum_length=10)) == {
        "MinimumPasswordLength": 10, "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": False,
        "RequireNumbers": False, "RequireSymbols": False, "AllowUsersToChangePassword": False, "HardExpiry": False}


def test_describe_none_is_aws_default() -> None:
    lines = describe_policy(None)
    assert lines[0] == "No password policy is set."
    assert DEFAULT_POLICY_TEXT in lines[1] and "never expire" in lines[1]


def test_describe_a_policy() -> None:
    text = "\n".join(describe_policy(PasswordPolicy(minimum_length=12, require_numbers=True, max_age_days=90,
                                                   hard_expiry=True)))
    assert "12 characters" in text and "Required characters:  numbers" in text
    assert "after 90 days (hard expiry" in text and "none (reuse allowed)" in text
    assert "Users may change own: no" in text


def test_diff_lists_only_what_changes() -> None:
    old = PasswordPolicy(minimum_length=8, require_numbers=True, max_age_days=90)
    new = PasswordPolicy(minimum_length=14, require_numbers=True, reuse_prevention=24)
    assert diff_policy(old, new) == [
        "Minimum length: 8 characters → 14 characters",
        "Password expiry: after 90 days → never",
        "Reuse prevention: none (reuse allowed) → last 24 passwords",
    ]
    assert diff_policy(new, new) == []


def test_diff_from_no_policy_lists_every_setting() -> None:
    lines = diff_policy(None, STRONG)
    assert lines[0].startswith("No policy is set now")
    text = "\n".join(lines)
    assert "Minimum length: 14 characters" in text
    assert "Required characters: uppercase, lowercase, numbers, symbols" in text
    assert "Password expiry: never" in text and "Reuse prevention: last 24 passwords" in text


def test_cis_preset_keeps_expiry_and_longer_lengths() -> None:
    base = PasswordPolicy(minimum_length=8, max_age_days=90, hard_expiry=True)
    preset = cis_preset(base)
    assert preset == PasswordPolicy(minimum_length=14, require_symbols=True, require_numbers=True,
                                    require_uppercase=True, require_lowercase=True, allow_users_to_change=True,
                                    max_age_days=90, reuse_prevention=24, hard_expiry=True)
    assert cis_preset(PasswordPolicy(minimum_length=32)).minimum_length == 32
    assert "no longer" in CIS_EXPIRY_NOTE and "rotation" in CIS_EXPIRY_NOTE


def test_notes_warn_about_consequences() -> None:
    assert policy_notes(STRONG) == []
    weak = "\n".join(policy_notes(PasswordPolicy(minimum_length=8, hard_expiry=True)))
    assert "CIS 1.7" in weak and "CIS 1.8" in weak and "IAMUserChangePassword" in weak
    assert "no effect while passwords never expire" in weak
    locked = "\n".join(policy_notes(PasswordPolicy(minimum_length=14, reuse_prevention=24, max_age_days=90,
                                                   allow_users_to_change=True, hard_expiry=True)))
    assert "locked out" in locked


def test_starting_form() -> None:
    assert starting_form(STRONG) is STRONG
    first = starting_form(None)
    assert first.minimum_length == 8 and first.allow_users_to_change and first.reuse_prevention is None
