"""Looks that read in both themes: status colours with enough contrast, the demo banner, toggles marked."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.color import Color
from textual.widgets import Checkbox, RadioButton
from textual.widgets._toggle_button import ToggleButton

from iam_tui.core.checks import Status
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.widgets.demo_banner import DemoBanner
from iam_tui.widgets.looks import MIN_CONTRAST, contrast

from ..helpers import MakeApp
from ..screens.pilot import settle


def _colour_of(cell: object) -> Color:
    """The colour a table cell's text is drawn in."""
    assert isinstance(cell, Text)
    if isinstance(cell.style, str):
        return Color.parse(cell.style.split()[0])
    assert cell.style.color is not None and cell.style.color.triplet is not None
    return Color.parse(cell.style.color.triplet.hex)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_warn_and_the_demo_banner_read_in_both_themes(make_app: MakeApp, theme: str) -> None:
    app = make_app()
    app.theme = theme
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        background = Color.parse(app.get_css_variables()["background"])
        for status in (Status.WARN, Status.FAIL, Status.PASS):
            row = next(c.id for c in screen.checks if c.status is status)
            assert contrast(_colour_of(screen.table.get_row(row)[0]), background) >= MIN_CONTRAST, status
        banner = screen.query_one(DemoBanner)
        assert contrast(banner.styles.color, banner.styles.background) >= MIN_CONTRAST


async def test_a_toggle_shows_its_state_by_a_mark() -> None:
    from textual.app import App, ComposeResult

    from iam_tui.widgets.looks import marks_show_state

    marks_show_state()

    class Toggles(App[None]):
        def compose(self) -> ComposeResult:
            yield Checkbox("on", True, id="on")
            yield Checkbox("off", False, id="off")
            yield RadioButton("chosen", True, id="chosen")
            yield RadioButton("other", False, id="other")

    app = Toggles()
    async with app.run_test():
        def mark(selector: str) -> str:
            # "[mark] label": the character inside the brackets
            return app.query_one(selector, ToggleButton).render().plain[1]

        assert (mark("#on"), mark("#off"), mark("#chosen"), mark("#other")) == ("X", " ", "●", " ")


async def test_the_header_is_whole_at_80_columns(make_app: MakeApp) -> None:
    from iam_tui.widgets.demo_banner import DEMO_TEXT
    from iam_tui.widgets.identity_bar import IdentityBar

    from ..screens.pilot import visible_text

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = visible_text(app)
        assert DEMO_TEXT in shown and "…" not in shown.splitlines()[2]
        bar = app.screen.query_one(IdentityBar)
        bar.update("ROOT USER · account 123456789012 (a-rather-long-company-alias) · eu-central-1 · profile my-root")
        await pilot.pause()
        assert bar.region.height == 2 and "profile my-root" in visible_text(app)  # wrapped, not cut
