from __future__ import annotations

import pytest

from iam_tui.core.validation import (
    name_taken,
    validate_account_alias,
    validate_contact_field,
    validate_group_name,
    validate_mfa_device_name,
    validate_path,
    validate_tags,
    validate_user_name,
)


@pytest.mark.parametrize("name", ["a", "alice", "Alice.Smith@example.com", "x" * 64, "a+b=c,d.e@f_g-h"])
def test_valid_user_names(name: str) -> None:
    assert validate_user_name(name) is None


@pytest.mark.parametrize("name, fragment", [
    ("", "Enter"),
    ("x" * 65, "at most 64"),
    ("alice smith", "not: a space."),
    ("élodie", "'é'"),
    ("a/b", "'/'"),
    ("a:b", "':'"),
])
def test_invalid_user_names(name: str, fragment: str) -> None:
    message = validate_user_name(name)
    assert message is not None and fragment in message


def test_group_and_device_name_lengths() -> None:
    assert validate_group_name("g" * 128) is None and validate_group_name("g" * 129)
    assert validate_mfa_device_name("d" * 226) is None and validate_mfa_device_name("d" * 227)


def test_names_are_unique_ignoring_case() -> None:
    assert name_taken("Alice", ["bob", "alice"]) == "'Alice' already exists (as 'alice': IAM names ignore case)."
    assert name_taken("alice", ["alice"]) == "'alice' already exists."
    assert name_taken("carol", ["alice"]) is None


@pytest.mark.parametrize("path, ok", [("/", True), ("/admins/", True), ("/a/b/", True), ("admins", False),
                                       ("/admins", False), ("//", False), ("/ é/", False)])
def test_paths(path: str, ok: bool) -> None:
    assert (validate_path(path) is None) is ok


def test_tags() -> None:
    assert validate_tags([("user-type", "IAM power user"), ("Équipe", "Ops 1"), ("k", "")]) == []
    problems = dict(validate_tags([("aws:owner", "x"), ("", "x"), ("k" * 129, ""), ("ok", "v" * 257),
                                   ("bad!", "x"), ("dup", "1"), ("DUP", "2"), ("v", "semi;colon")]))
    assert "reserved" in problems[0] and "empty" in problems[1] and "128" in problems[2]
    assert "256" in problems[3] and "letters" in problems[4] and "Duplicate" in problems[6]
    assert 5 not in problems and "letters" in problems[7]
    too_many = validate_tags([(f"k{i}", "") for i in range(51)])
    assert too_many[0][0] == -1 and "50" in too_many[0][1]


@pytest.mark.parametrize("alias, ok", [
    ("my-company", True), ("abc", True), ("a1-b2-c3", True), ("x" * 63, True),
    ("ab", False), ("x" * 64, False), ("123456", False), ("My-Company", False), ("-abc", False),
    ("abc-", False), ("a--b", False), ("a_b", False),
])
def test_account_alias(alias: str, ok: bool) -> None:
    assert (validate_account_alias(alias) is None) is ok


@pytest.mark.parametrize("alias, says", [
    # Digits and hyphens are allowed: a message about capitals must not say "lowercase letters only".
    ("My-co", "may only contain lowercase letters, digits and hyphens (no capitals); not: 'M'"),
    ("my_co.x", "lowercase letters, digits and hyphens; not: '.' '_'"),
    ("my--co", "single hyphens"),
    ("-myco", "starts and ends with a letter or digit"),
])
def test_account_alias_problems_name_the_rule(alias: str, says: str) -> None:
    problem = validate_account_alias(alias)
    assert problem is not None and says in problem and "only." not in problem


def test_name_problems_use_the_article_as_said() -> None:
    assert validate_mfa_device_name("") == "Enter an MFA device name."
    assert (validate_mfa_device_name("x" * 227) or "").startswith("An MFA device name has at most 226")
    assert (validate_mfa_device_name("a b") or "").startswith("An MFA device name may only contain")
    assert validate_user_name("") == "Enter a user name."
    assert (validate_group_name("a b") or "").startswith("A group name may only contain")


@pytest.mark.parametrize("field, value, problem", [
    ("name", "", "required"),
    ("name", "x" * 65, "at most 64"),
    ("title", "y" * 51, "at most 50"),
    ("email", "security@example", "not an address"),
    ("email", "sécurité@example.com", "not an address"),  # AWS's \w is ASCII
    ("phone", "+1 (206) 555-0100x", "digits"),
])
def test_alternate_contact_rules(field: str, value: str, problem: str) -> None:
    assert problem in (validate_contact_field(field, value) or "")


@pytest.mark.parametrize("field, value", [("name", "Security team"), ("email", "sec+aws@example.co.uk"),
                                          ("phone", "+1 (206) 555-0100"), ("title", "x" * 50)])
def test_alternate_contact_values_aws_accepts(field: str, value: str) -> None:
    assert validate_contact_field(field, value) is None
