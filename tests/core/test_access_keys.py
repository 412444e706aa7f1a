"""The console's access key questions: use cases with their better alternative, and the description rules."""

from __future__ import annotations

from datetime import UTC, datetime

from iam_tui.core.access_keys import USE_CASES, last_use_text, use_case, validate_description


def test_every_console_use_case_has_a_better_alternative() -> None:
    assert [u.key for u in USE_CASES] == ["cli", "local-code", "aws-compute", "third-party", "outside-aws", "other"]
    assert all(u.alternative.startswith(("Better:", "If a role")) for u in USE_CASES)
    assert "aws login" in use_case("cli").alternative and "Roles Anywhere" in use_case("outside-aws").alternative


def test_description_follows_the_tag_value_rules() -> None:
    assert validate_description("") is None and validate_description("laptop CLI: alice@home") is None
    assert "256" in (validate_description("x" * 257) or "")
    assert (validate_description("semi;colon") or "").startswith("A description may contain")


def test_last_use_text() -> None:
    assert last_use_text(None, None, None) == "never"
    when = datetime(2026, 11, 28, 9, 5, tzinfo=UTC)
    assert last_use_text(when, "sts", "us-east-1") == "2026-11-28 09:05 sts us-east-1"
    assert last_use_text(when, None, None) == "2026-11-28 09:05"
