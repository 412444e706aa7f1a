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
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("f2", "delete", "Delete", tooltip="Delete the form")]

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

        form.deletable = None  # delete dimmed: the same keys, updated in place
        form.refresh_bindings()
        await until(pilot, lambda: ("f2", True) in shown(app))
        assert len(rebuilt) == built
        form.deletable = True
        form.refresh_bindings()
        await until(pilot, lambda: ("f2", False) in shown(app))
        assert len(rebuilt) == built

        form.deletable = False  # delete gone
        form.refresh_bindings()
        await until(pilot, lambda: "f2" not in [key for key, _ in shown(app)])
        assert len(rebuilt) == built + 1 and ("ctrl+s", False) in shown(app)


def drawn(app: App[None]) -> list[tuple[str, bool, bool, object]]:
    return [(key.key, key.has_class("-disabled"), key._disabled, key.tooltip)
            for key in app.screen.query(FooterKey).results(FooterKey)]


@pytest.mark.parametrize(("before", "after"), [(True, None), (None, True)])
async def test_keys_updated_in_place_are_the_keys_a_rebuild_makes(before: bool | None, after: bool | None) -> None:
    app = FormApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, Form)
        form.deletable = before
        form.refresh_bindings()
        await until(pilot, lambda: ("f2", before is None) in shown(app))
        form.deletable = after
        form.refresh_bindings()
        await until(pilot, lambda: ("f2", after is None) in shown(app))
        in_place = drawn(app)
        footer, keys = form.query_one(KeyFooter), list(form.query(FooterKey))
        footer.call_later(footer.recompose)  # in the footer's own context, as its rebuilds run
        await until(pilot, lambda: not any(key.is_attached for key in keys) and bool(drawn(app)))
        assert drawn(app) == in_place
