"""`?`: what the current screen is for, and every key that works on it."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen

from ..widgets.data_text import Static
from .base import Dialog

GENERAL = ("Everywhere: ? help · ctrl+p command palette (every action, and any guide step, searchable) · "
           "esc back · q quit. Tab moves between fields and lists.")


def bindings_text(screen: Screen[object]) -> str:
    """The keys the footer shows for the focused part of ``screen``, named as the footer names them (a group of
    keys on one line, e.g. ``12345 Step``); Textual's own keys the footer does not show are left out."""
    rows: dict[str, list[str]] = {}
    compact: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.show or binding.system or not binding.description:
            continue
        description = binding.group.description if binding.group else binding.description
        keys = rows.setdefault(description, [])
        display = screen.app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
        if binding.group and binding.group.compact:
            compact.add(description)
    return "\n".join(f"  {('' if d in compact else '/').join(keys):<10} {d}" for d, keys in rows.items())


ACRONYMS = {"Cli": "CLI", "Mfa": "MFA", "Qr": "QR"}


def screen_name(screen: Screen[object]) -> str:
    """What the help calls ``screen``: its own title, else its class in words ("PlanProgressScreen": "Plan
    progress"; the class name itself read as code)."""
    title = getattr(screen, "title_text", None)
    if isinstance(title, str) and title:
        return title
    words = re.findall(r"[A-Z][a-z]*", type(screen).__name__.removesuffix("Screen")) or [type(screen).__name__]
    named = [ACRONYMS.get(word, word if n == 0 else word.lower()) for n, word in enumerate(words)]
    return " ".join(named)


class HelpScreen(Dialog[None]):
    """What the screen below is for, and the keys its footer shows (esc, q or ? close it)."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
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
        self.title_text = screen_name(screen)
        self.help_text = getattr(screen, "HELP", "") or ""
        self.keys = bindings_text(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"Help: {self.title_text}", classes="help-title", markup=False)
            if self.help_text:
                yield Static(self.help_text + "\n", markup=False)
            yield Static("Keys on this screen:\n" + self.keys + "\n", markup=False)
            yield Static(GENERAL + "\n\nesc closes this help.")
