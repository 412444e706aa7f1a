import csv
import io
from datetime import UTC, datetime

import pytest

from iam_tui.core.credential_report import (
    ReportFormatError,
    csv_lines,
    parse_bool,
    parse_date,
    parse_report,
    report_age,
)

from .reports import report, root_row, row


def test_parses_root_and_user_rows() -> None:
    text = report(
        root_row(password_last_used="2026-11-01T10:00:00+00:00", mfa_active="TRUE"),
        row("alice", password_enabled="true", access_key_1_active="true",
            access_key_1_last_rotated="2026-02-01T00:00:00Z", access_key_1_last_used_date="no_information",
            access_key_1_last_used_service="N/A"),
    )
    parsed = parse_report(text.encode())
    assert parsed.root is not None and parsed.root.mfa_active is True
    assert parsed.root.password_enabled is None  # not_supported
    assert parsed.root.password_last_used == datetime(2026, 11, 1, 10, tzinfo=UTC)
    (alice,) = parsed.users
    assert alice.password_enabled is True and alice.mfa_active is False
    key1, key2 = alice.keys
    assert key1.active and key1.last_rotated == datetime(2026, 2, 1, tzinfo=UTC)
    assert key1.last_used is None and key1.last_used_service is None
    assert not key2.active and alice.active_keys == [key1]


@pytest.mark.parametrize("value, expected", [("true", True), ("False", False), ("TRUE", True),
                                             ("not_supported", None), ("N/A", None)])
def test_booleans_are_case_insensitive(value: str, expected: bool | None) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["N/A", "no_information", "not_supported", "", "garbage"])
def test_special_values_are_not_dates(value: str) -> None:
    assert parse_date(value) is None


def test_missing_column_is_an_error() -> None:
    with pytest.raises(ReportFormatError, match="mfa_active"):
        parse_report("user,arn\nalice,arn\n")


def test_byte_order_mark_is_tolerated() -> None:
    assert len(parse_report(("\ufeff" + report(row("bob"))).encode()).rows) == 1


def test_report_age_in_words() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert report_age(datetime(2026, 11, 28, 11, 30, tzinfo=UTC), now) == (
        "credential report generated 30 min ago (AWS regenerates it at most every 4 hours)")  # the scale: test_ago
    assert report_age(None) == "credential report unavailable"


@pytest.mark.parametrize("text", [
    "a,b\r\n1,2\r\n3,4\r\n",
    'a,b\n"line\nbreak",2\n3,"x"',  # a quoted field across lines, no newline at the end
    "",
    "\n\n",
])
def test_the_report_is_read_line_by_line_as_csv_reads_a_whole_text(text: str) -> None:
    assert "".join(csv_lines(text)) == text
    assert list(csv.reader(csv_lines(text))) == list(csv.reader(io.StringIO(text)))
