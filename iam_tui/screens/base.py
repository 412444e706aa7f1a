"""What every screen has: the identity header, the demo banner (in demo mode), and the footer of key bindings."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from ..widgets.demo_banner import DemoBanner
from ..widgets.identity_bar import IdentityBar


class AppScreen(Screen[None]):
    """Base for the app's full screens: subclasses implement :meth:`compose_body`."""

    BINDINGS = [Binding("question_mark", "app.help", "Help", key_display="?")]

    DEFAULT_CSS = """
    #app-header { dock: top; height: auto; }
    """

    HELP = ""  # what this screen is for and what its keys do, shown by `?`

    def compose(self) -> ComposeResult:
        with Vertical(id="app-header"):
            yield IdentityBar()
            if getattr(self.app, "is_demo", False):
                yield DemoBanner()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> Iterable[Widget]:
        return ()
