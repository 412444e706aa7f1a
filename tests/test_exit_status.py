"""The TUI's exit status, as a shell sees it: a crash is non-zero and one line, a session that never connected is
2 and one line; never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys

from .test_cli import CLEAN_ENV
from .test_signals import AppInPty, restored

# The demo with a dashboard whose refresh has a bug.
DEMO_WITH_A_BUG = """
import sys
from iam_tui.screens.dashboard import DashboardScreen

def broken(self):
    raise ZeroDivisionError("a bug")

DashboardScreen.action_refresh = broken
from iam_tui.__main__ import main
sys.exit(main(["--demo"]))
"""


def press_until_exit(app: AppInPty, key: bytes, tries: int = 20) -> None:
    for _ in range(tries):
        app.press(key)
        try:
            app.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            continue
        return


def last_line(output: bytes) -> str:
    """What was printed once the terminal was given back (without the terminal's control sequences, and without
    keys the terminal echoed once the app had gone): one line."""
    text = output.rsplit(b"\x1b[?1049l", 1)[-1].decode(errors="replace")
    lines = [line for line in re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]", "", text).splitlines() if line.strip("q \r")]
    assert len(lines) == 1, lines
    return lines[0]


def test_quitting_after_a_crash_exits_3_with_one_line() -> None:
    app = AppInPty([sys.executable, "-c", DEMO_WITH_A_BUG], CLEAN_ENV)
    try:
        app.wait_for(b"hit a bug")  # the dashboard refreshes as it opens
        app.wait_for(b"esc go on")
        press_until_exit(app, b"q")  # a dialog drops keys typed before it was drawn (screens/base.py)
        assert app.exit_code() == 3
        output = bytes(app.output)
        assert restored(output)
        assert last_line(output).startswith("iam-tui: crashed (ZeroDivisionError at ")
        assert b"Traceback" not in output.rsplit(b"\x1b[?1049l", 1)[-1]
    finally:
        app.close()


def test_quitting_when_connecting_failed_exits_2_with_one_line() -> None:
    app = AppInPty([sys.executable, "-m", "iam_tui", "--profile", "nosuch"], CLEAN_ENV)
    try:
        app.wait_for(b"Could not connect")
        app.press(b"q")
        assert app.exit_code() == 2
        output = bytes(app.output)
        assert restored(output)
        assert last_line(output).startswith("iam-tui: ProfileNotFound: The AWS profile 'nosuch' does not exist.")
    finally:
        app.close()
