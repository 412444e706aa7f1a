"""The footer is rebuilt when the keys it shows change, and only then (widgets/key_footer.py)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from iam_tui.widgets.key_footer import KeyFooter

from .waiting import until


class Form(Screen[None]):
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("f2", "delete", "Delete")]

    def __init__(self) -> None:
        super().__init__()
        self.deletable: bool | None = True  # None: shown dimmed; False: not shown

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.deletable if action == "delete" else True

    def action_save(self) -> None: ...

    def action_delete(self) -> None: ...


class FormApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Form())


def shown(app: App[None]) -> list[tuple[str, bool]]:
    return [(key.key, key.has_class("-disabled")) for key in app.screen.query(FooterKey).results(FooterKey)]


async def test_the_footer_is_rebuilt_when_its_keys_change_and_only_then(monkeypatch: pytest.MonkeyPatch) -> None:
    rebuilt: list[KeyFooter] = []
    recompose = KeyFooter.recompose

    async def counted(self: KeyFooter) -> None:
        rebuilt.append(self)
        await recompose(self)

    monkeypatch.setattr(KeyFooter, "recompose", counted)
    app = FormApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, Form)
        assert ("ctrl+s", False) in shown(app) and ("f2", False) in shown(app)
        built = len(rebuilt)
        assert built >= 1

        form.query_one("#second", Input).focus()  # the same keys: nothing to rebuild
        await pilot.pause()
        form.refresh_bindings()
        await pilot.pause()
        assert len(rebuilt) == built

        form.deletable = None  # delete dimmed
        form.refresh_bindings()
        await until(pilot, lambda: ("f2", True) in shown(app))
        assert len(rebuilt) == built + 1

        form.deletable = False  # delete gone
        form.refresh_bindings()
        await until(pilot, lambda: "f2" not in [key for key, _ in shown(app)])
        assert len(rebuilt) == built + 2 and ("ctrl+s", False) in shown(app)
