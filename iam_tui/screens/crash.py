"""What the app shows after a bug (an unexpected exception): what failed, a report with no secret in it, and the
choice to go on or to quit the usual way (exit cleanups included). The report goes to a file only on request."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ..core.crash_report import CrashReport, report_file_name
from ..files import TargetExists, write_private_file
from ..widgets.data_text import Static
from .base import Dialog

SAVE_ATTEMPTS = 20  # names tried in one second before giving up (a name is never reused: no file is replaced)


def save_report(report: CrashReport, folder: Path, when: datetime) -> Path:
    """Write the report to a new file in ``folder`` (mode 0600, never over an existing file)."""
    for attempt in range(SAVE_ATTEMPTS):
        try:
            return write_private_file(folder / report_file_name(when, attempt), report.text.encode("utf-8") + b"\n")
        except TargetExists:
            continue
    raise FileExistsError(f"every name tried in {folder} is taken")


class CrashScreen(Dialog[None]):
    """Dismissed by esc (go on) or q (quit the app as `q` does)."""

    BINDINGS = [
        Binding("escape", "go_on", "Go on"),
        Binding("s", "save", "Save the report"),
        Binding("q", "quit", "Quit"),
    ]
    AUTO_FOCUS = None
    DEFAULT_CSS = """
    CrashScreen > Vertical { border: round $error; max-width: 110; }
    CrashScreen #crash-title { text-style: bold; color: $error; }
    CrashScreen #crash-report { height: auto; max-height: 12; margin: 1 0; background: $boost; }
    """

    def __init__(self, report: CrashReport, *, folder: Path | None = None) -> None:
        super().__init__()
        self.report = report
        self.folder = folder
        self.saved_to: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"iam-tui hit a bug: {self.report.title}"), id="crash-title")
            yield Static("What it was doing stopped; an AWS call already sent may have gone through (the screens "
                         "re-read AWS). Nothing secret is in the report below.", classes="muted")
            with VerticalScroll(id="crash-report"):
                yield Static(Text(self.report.text), id="crash-text")
            yield Static("esc go on · s save the report to a file · q quit (exit cleanups run)", classes="muted")
            yield Static("", id="crash-saved")

    def on_mount(self) -> None:
        self.query_one("#crash-report", VerticalScroll).scroll_end(animate=False)  # the innermost frames

    def action_go_on(self) -> None:
        self.dismiss(None)

    async def action_quit(self) -> None:
        self.dismiss(None)
        await self.iam.action_quit()

    def action_save(self) -> None:
        status = self.query_one("#crash-saved", Static)
        if self.saved_to is not None:
            status.update(Text(f"Saved to {self.saved_to} (mode 0600)."))
            return
        folder = self.folder or Path.cwd()
        try:
            self.saved_to = save_report(self.report, folder, datetime.now(UTC))
        except OSError as exc:
            status.update(Text(f"Not saved: {exc.strerror or exc}."))
            return
        self.iam.crash_saved(self.saved_to)
        status.update(Text(f"Saved to {self.saved_to} (mode 0600)."))
