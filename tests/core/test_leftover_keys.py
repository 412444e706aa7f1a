"""Inactive keys a rotation left behind, for the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

from iam_tui.core.credential_report import AccessKeyUsage, ReportRow
from iam_tui.core.leftover_keys import LeftoverKey, leftover_keys, leftover_text

NOW = datetime(2026, 12, 7, tzinfo=UTC)


def row(user: str, key1: tuple[bool, datetime | None], key2: tuple[bool, datetime | None]) -> ReportRow:
    keys = (AccessKeyUsage(1, *key1, None, None, None), AccessKeyUsage(2, *key2, None, None, None))
    return ReportRow(user, f"arn:aws:iam::123456789012:user/{user}", None, True, None, None, False, keys)


def test_an_older_inactive_key_beside_an_active_one_is_left_over() -> None:
    rows = [
        row("alice", (False, datetime(2026, 9, 1, tzinfo=UTC)), (True, datetime(2026, 12, 1, tzinfo=UTC))),
        row("bob", (False, datetime(2026, 9, 1, tzinfo=UTC)), (False, None)),  # no active key: not a rotation
        row("carol", (True, datetime(2026, 9, 1, tzinfo=UTC)), (False, datetime(2026, 12, 1, tzinfo=UTC))),
        row("dave", (True, datetime(2026, 9, 1, tzinfo=UTC)), (True, datetime(2026, 12, 1, tzinfo=UTC))),
    ]
    assert leftover_keys(rows) == [LeftoverKey("alice", 1, datetime(2026, 9, 1, tzinfo=UTC))]
    text = leftover_text(leftover_keys(rows), NOW)
    assert text.startswith("Inactive keys left after a rotation: alice's key 1 (97 d old). x deletes it")
    assert leftover_text([], NOW) == ""
