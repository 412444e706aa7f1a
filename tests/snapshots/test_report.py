"""A mismatched screenshot reaches pytest-textual-snapshot's HTML report (snapshot_report.html)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_textual_snapshot import TemporaryDirectory, retrieve_svg_diffs  # type: ignore[import-untyped]

from .conftest import _for_the_report


def test_a_mismatch_is_written_for_the_report(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    """The report is built from what each comparison left in the plugin's folder (here a folder of this test's
    own, not the session's): a mismatch with both screens, a match counted as one."""
    monkeypatch.setenv("TEXTUAL_SNAPSHOT_TEMPDIR", str(tmp_path))
    stored = SimpleNamespace(recalled_data="<svg>stored</svg>")
    svg = SimpleNamespace(executions={0: stored, 1: stored}, _execution_name_index={"80x24-dark": 0, "80x24-light": 1},
                          num_executions=2)
    _for_the_report(request, svg, "80x24-dark", False, "<svg>new</svg>", (80, 24))  # type: ignore[arg-type]
    _for_the_report(request, svg, "80x24-light", True, "<svg>stored</svg>", (80, 24))  # type: ignore[arg-type]

    diffs, passed = retrieve_svg_diffs(TemporaryDirectory(str(tmp_path)))

    assert passed == 1
    [diff] = diffs
    assert diff.test_name == "test_a_mismatch_is_written_for_the_report[80x24-dark]"
    assert "stored" in str(diff.snapshot) and "new" in str(diff.actual) and diff.snapshot_exists
    assert diff.app.console.size == (80, 24)
