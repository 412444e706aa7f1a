"""A screen takes the app's breakpoint classes before its widgets mount (screens/base.py::TypedScreen.on_compose):
set by the first resize instead, they restyled every widget of each screen opened a second time."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static

from iam_tui.app import IamTuiApp
from iam_tui.screens.base import TypedScreen


class Probe(TypedScreen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.composed_with: set[str] = set()

    def compose(self) -> ComposeResult:
        self.composed_with = set(self.classes)
        yield Static("one")
        yield Static("two")


class ProbeApp(App[None]):
    HORIZONTAL_BREAKPOINTS = IamTuiApp.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = IamTuiApp.VERTICAL_BREAKPOINTS


@pytest.mark.parametrize(("size", "classes"), [((80, 24), {"-narrow", "-short"}), ((120, 40), {"-wide", "-tall"})])
async def test_a_screen_is_styled_for_the_terminals_size_once(monkeypatch: pytest.MonkeyPatch, size: tuple[int, int],
                                                              classes: set[str]) -> None:
    app = ProbeApp()
    async with app.run_test(size=size) as pilot:
        styled: list[object] = []
        apply = Stylesheet.apply

        def counted(self: Stylesheet, node: object, **kwargs: object) -> None:
            styled.append(node)
            apply(self, node, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Stylesheet, "apply", counted)
        probe = Probe()
        await app.push_screen(probe)
        await pilot.pause()
        assert probe.composed_with == classes == set(probe.classes) & {"-narrow", "-wide", "-short", "-tall"}
        statics = list(probe.query(Static))
        # styled as mounted, and again as the screen resumes (Textual's own); the resize no longer adds a third
        assert [styled.count(static) for static in statics] == [2, 2]
