"""The crash report: what failed and where, never a secret, never a local variable."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from urllib.parse import quote

from iam_tui.core.crash_report import crash_report, report_file_name
from iam_tui.core.secret import Secret, live_secrets

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def failing_with(secret: Secret) -> BaseException:
    revealed = secret.reveal()  # a local holding the value: Textual's own report would print it
    try:
        raise ValueError(f"cannot use {revealed} (url form: {quote(revealed, safe='')})")
    except ValueError as exc:
        return exc


def test_the_report_names_the_error_and_masks_every_live_secret() -> None:
    secret = Secret("pw with space&x")
    report = crash_report(failing_with(secret), where="PasswordHandoverScreen", when=WHEN,
                          versions={"iam-tui": "0"}, secrets=live_secrets())
    assert "pw with space" not in report.text and "pw%20with%20space" not in report.text and "space" not in report.text
    assert "ValueError: cannot use ******** (url form: ********)" in report.text
    assert "in failing_with" in report.text and 'raise ValueError(f"cannot use {revealed}' in report.text  # source
    assert report.title == "ValueError in PasswordHandoverScreen"
    assert report.line == "iam-tui: crashed (ValueError); this is a bug in iam-tui."  # raised outside iam_tui/


def test_equal_secrets_are_each_remembered_while_one_lives() -> None:
    first, second = Secret("same-value-twice"), Secret("same-value-twice")
    del first
    gc.collect()
    assert any(s is second for s in live_secrets())


def test_report_file_names_differ_within_a_second() -> None:
    assert report_file_name(WHEN) == "iam-tui-crash-20260102-030405.txt"
    assert report_file_name(WHEN, 1) == "iam-tui-crash-20260102-030405-1.txt"
