"""The one "ago" formatter: one scale (minutes, hours, days, years), spelled out or compact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from iam_tui.core.ago import ago

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.mark.parametrize("before, words, compact", [
    (timedelta(seconds=30), "just now", "now"),
    (timedelta(minutes=1), "1 min ago", "1m ago"),
    (timedelta(minutes=30), "30 min ago", "30m ago"),
    (timedelta(minutes=119), "119 min ago", "119m ago"),
    (timedelta(hours=2), "2 h ago", "2h ago"),
    (timedelta(hours=5), "5 h ago", "5h ago"),
    (timedelta(hours=47, minutes=59), "47 h ago", "47h ago"),
    (timedelta(days=2), "2 days ago", "2d ago"),
    (timedelta(days=3), "3 days ago", "3d ago"),
    (timedelta(days=729), "729 days ago", "729d ago"),
    (timedelta(days=800), "2 years ago", "2y ago"),
    (NOW - datetime(2015, 1, 1, tzinfo=UTC), "11 years ago", "11y ago"),
])
def test_one_scale_spelled_out_or_compact(before: timedelta, words: str, compact: str) -> None:
    assert ago(NOW - before, NOW) == words
    assert ago(NOW - before, NOW, compact=True) == compact


def test_never_and_a_clock_ahead() -> None:
    assert ago(None, NOW) == "never" and ago(None, NOW, never="never used", compact=True) == "never used"
    assert ago(NOW + timedelta(days=1), NOW) == "just now"  # a clock a little ahead is not "in the future"
