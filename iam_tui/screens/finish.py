"""The guide's finish line (step 6): what iam-tui made, what the checks say now, and what only the console can
do (``core/finish.py`` builds the text)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget

from ..core.finish import summary_text
from ..guide import STEPS
from ..widgets.data_text import Static
from .base import AppScreen
from .messages import AwsChanged


class FinishScreen(AppScreen[None]):
    AUTO_FOCUS = "#finish-body"
    HELP = ("The guide's summary: everything iam-tui made in this session, by a guide step or a fix (names and IDs, "
            "never secrets), the security checks as last scanned, and what is left that only the AWS console can do. "
            "r rescans first.")
    BINDINGS = [Binding("escape", "back", "Back"), Binding("r", "rescan", "Rescan")]
    DEFAULT_CSS = """
    FinishScreen #finish-body { padding: 1 2; height: 1fr; }
    """

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="finish-body"):
            yield Static(self._text(), id="finish-text")

    def _text(self) -> str:
        scan = self.iam.last_scan
        return summary_text(self.session.made, scan.results if scan else None, self.session.steps_done, len(STEPS))

    def on_mount(self) -> None:
        if self.session.summary_seen():  # step 6 is ticked once seen, every other making step done
            self.iam.guide_state = self.session.steps
            self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def action_rescan(self) -> None:
        # Not a write: r asks for everything to be read again (an unnamed change); the dashboard rescans and the app
        # refreshes this screen when the scan is in.
        self.tell(AwsChanged())

    def refresh_summary(self) -> None:
        self.query_one("#finish-text", Static).update(self._text())

    def action_back(self) -> None:
        self.dismiss()
