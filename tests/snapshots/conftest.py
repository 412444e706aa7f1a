"""Snapshot tests: every screen and dialog at 80x24 and 120x40, in a dark and a light theme.

One app run per screen takes its four screenshots (resizing and switching theme in place), and the clock is frozen
(time-machine: wall clock only; asyncio and Textual run on the monotonic clock) so that dates and ages in the
screens are the same every day. Secrets are masked in every screenshot. Review a changed SVG before accepting it
(``pytest tests/snapshots --snapshot-update``, then look at it in a browser)."""

from __future__ import annotations

import asyncio
import inspect
import pickle
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from moto.moto_api._internal import mock_random
from pytest_textual_snapshot import (  # type: ignore[import-untyped]
    PseudoApp,
    PseudoConsole,
    SVGImageExtension,
    node_to_report_path,
)
from rich.console import ConsoleDimensions
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import Input

from iam_tui.aws import scan
from iam_tui.aws.sandbox import Sandbox

from ..screens.pilot import visible_text

# The secrets the tests hand to the screens: a screenshot must never show them (they are masked).
SECRETS = ("Never-Shown-Passw0rd!", "never/shown/secret/key/0000000000000000", "Not-shown-1234!")
FROZEN_AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
SIZES = ((80, 24), (120, 40))
THEMES = ("textual-dark", "textual-light")

Shoot = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The dashboard says how long the scan took: always 0.0 s here.
    monkeypatch.setattr(scan, "time", SimpleNamespace(**{**vars(time), "perf_counter": lambda: 0.0}))
    # A text field's cursor blinks: always shown here, so that a screenshot does not depend on when it is taken.
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: setattr(self, "_cursor_visible", True))
    with time_machine.travel(FROZEN_AT, tick=False):
        yield


@pytest.fixture
def seeded_ids(sandbox: Sandbox) -> None:
    """moto's IDs (user IDs, access key IDs, MFA seeds) come from one random generator: seeded, the same each run;
    the demo's AWS CLI folder (a new temporary one per process) gets a fixed name (the screens show the path)."""
    mock_random.seed(20261202)
    sandbox.cli_folder = Path("/tmp/iam-tui-snapshots/aws")  # type: ignore[attr-defined]


async def _refreshed(pilot: Pilot[Any]) -> None:
    """Until the screen has refreshed twice: what a refresh schedules (the MFA screen places its QR code after a
    resize) is drawn too."""
    for _ in range(2):
        drawn = asyncio.Event()
        pilot.app.screen.call_after_refresh(drawn.set)
        await asyncio.wait_for(drawn.wait(), 10)  # bounded: a test fails rather than hangs
    await pilot.pause()


def _for_the_report(request: pytest.FixtureRequest, svg: SnapshotAssertion, name: str, passed: bool,
                    actual: str, size: tuple[int, int]) -> None:
    """pytest-textual-snapshot writes its HTML diff report (snapshot_report.html) from one file per comparison,
    which only its own ``snap_compare`` writes: write the same for each of these screenshots, so that a mismatch
    shows the stored and the new screen side by side."""
    result = svg.executions.get(svg._execution_name_index.get(name, svg.num_executions - 1))
    stored = result.recalled_data if result is not None else None
    path, line, test = request.node.reportinfo()
    app = PseudoApp(PseudoConsole(legacy_windows=False, size=ConsoleDimensions(*size)))
    data = (passed, stored or "", actual, app, path, line, f"{test}[{name}]",
            inspect.getdoc(request.node.function) or "", "", stored is not None)
    report = node_to_report_path(request.node)
    report.with_name(f"{report.name}_{name}").write_bytes(pickle.dumps(data))


@pytest.fixture
def shoot(snapshot: SnapshotAssertion, request: pytest.FixtureRequest) -> Shoot:
    """Compare the current screen with its stored SVGs at both sizes and in both themes."""
    svg = snapshot.use_extension(SVGImageExtension)

    async def take(pilot: Pilot[Any]) -> None:
        app = pilot.app
        mismatched = []
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            for theme in THEMES:
                app.theme = theme
                await pilot.pause()  # not settle: a dialog's worker waits for its answer
                await pilot.wait_for_scheduled_animations()
                await _refreshed(pilot)
                name = f"{width}x{height}-{theme.removeprefix('textual-')}"
                seen = visible_text(app)
                assert not [secret for secret in SECRETS if secret in seen], name  # masked in every screenshot
                actual = app.export_screenshot(title="iam-tui", simplify=True)
                passed = svg(name=name) == actual
                _for_the_report(request, svg, name, passed, actual, (width, height))
                if not passed:
                    mismatched.append(name)
        assert not mismatched, f"screenshots differ from the stored ones: {mismatched}"

    return take
