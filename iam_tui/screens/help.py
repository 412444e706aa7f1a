"""`?`: what the current screen is for, and every key that works on it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GENERAL = ("Keys everywhere: ? help · ctrl+p command palette (every action, searchable) · esc back · q quit. "
           "Tab moves between fields and lists.")


def bindings_text(screen: Screen[object]) -> str:
    rows = []
    seen = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.description in seen:
            continue
        seen.add(binding.description)
        rows.append(f"  {binding.key_display or key:<10} {binding.description}")
    return "\n".join(rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $primary;
        padding: 1 2;
        background: $surface;
    }
    """

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.title_text = type(screen).__name__.removesuffix("Screen")
        self.help_text = getattr(screen, "HELP", "") or ""
        self.keys = bindings_text(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"Help: {self.title_text}", classes="help-title")
            if self.help_text:
                yield Static(self.help_text + "\n")
            yield Static("Keys on this screen:\n" + self.keys + "\n")
            yield Static(GENERAL + "\n\nesc closes this help.")
