"""The work-arounds of textual_fixes, each against the Textual behaviour it works around."""

from __future__ import annotations

import asyncio
import errno
import gc
import io
import threading
import weakref

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from iam_tui import app as _app  # noqa: F401  (installs the work-arounds)
from iam_tui import textual_fixes

from .helpers import send_at_once

BOUND_S = 10.0  # a write that blocks never returns: the helper thread is still alive after this


class HungUpTerminal(io.StringIO):
    """A terminal whose other end went away: every write fails with EIO, as a pseudo-terminal's does."""

    def write(self, text: str) -> int:
        raise OSError(errno.EIO, "Input/output error")


def test_writes_to_a_hung_up_terminal_never_block() -> None:
    """Textual's output thread died at the first failed write; the 31st write after it then blocked for good (in
    the middle of the app's shutdown, where the process hung after a killed tmux pane)."""
    writer = WriterThread(HungUpTerminal())
    writer.start()

    def write_a_lot_then_stop() -> None:
        for _ in range(MAX_QUEUED_WRITES * 4):
            writer.write("\x1b[2J frame")
        writer.stop()

    done = threading.Thread(target=write_a_lot_then_stop, daemon=True)
    done.start()
    done.join(timeout=BOUND_S)
    assert not done.is_alive(), "a write to the hung-up terminal blocked"
    assert not writer.is_alive()


def test_a_writer_that_stopped_drops_what_comes_after() -> None:
    writer = WriterThread(io.StringIO())
    writer.start()
    writer.stop()

    def write_many() -> None:
        for _ in range(MAX_QUEUED_WRITES * 2):
            writer.write("x")

    done = threading.Thread(target=write_many, daemon=True)
    done.start()
    done.join(timeout=BOUND_S)
    assert not done.is_alive()


async def test_an_app_that_ended_is_freed_with_the_lines_it_drew() -> None:
    """Textual's own ``get_inner_outer`` cache kept the styles cache (and the drawn lines) of its last 1,024 widgets
    alive, and with it the widget, its screen and its app."""

    async def draw() -> tuple[weakref.ref[App[None]], weakref.ref[object]]:
        app: App[None] = App()
        async with app.run_test(size=(40, 5)) as pilot:
            shown = Static("drawn once")
            await app.mount(shown)
            await pilot.pause()
            assert shown.region.height == 1  # laid out and drawn
            return weakref.ref(app), weakref.ref(shown._styles_cache)

    app, styles_cache = await asyncio.create_task(draw())  # its own context: Textual's active app is gone with it
    gc.collect()
    assert app() is None and styles_cache() is None


class NestedField(App[None]):
    """Text fields inside a few containers, as the app's forms are: a key they do not take bubbles through each."""

    BINDINGS = [Binding("ctrl+c", "pressed('ctrl+c')"), Binding("enter", "pressed('enter')")]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(), Vertical(), Vertical():
            yield Input("abcdefghi", id="first")
            yield Input(id="second")

    def action_pressed(self, key: str) -> None:
        self.pressed.append(key)


async def test_a_fields_editing_keys_are_applied_in_the_order_typed() -> None:
    """Textual ran a field's bound keys (backspace) only after they had bubbled up to the app, behind the letters
    typed after them: nine backspaces then "zed" left the field empty (the letters first, then nine deletions)."""
    app = NestedField()
    async with app.run_test() as pilot:
        field = app.query_one("#first", Input)
        field.focus()
        await pilot.pause()
        send_at_once(app, *["backspace"] * 9, "z", "e", "d", "left", "left", "delete", "enter")
        await pilot.pause()
        assert field.value == "zd"
        assert app.pressed == []  # the field's enter submitted it: the app's binding for enter did not run


async def test_a_key_the_field_skips_still_reaches_the_apps_binding() -> None:
    """ctrl+c copies a selection; with nothing selected the field skips it and the app's binding runs, as before."""
    app = NestedField()
    async with app.run_test() as pilot:
        field = app.query_one("#first", Input)
        field.focus()
        await pilot.pause()
        field.selection = Selection.cursor(len(field.value))
        send_at_once(app, "ctrl+c")
        await pilot.pause()
        assert app.pressed == ["ctrl+c"]


async def test_keys_after_a_tab_go_to_the_field_it_moved_to() -> None:
    """tab is the screen's key: it reached the app (which moves the focus) only after bubbling up from the field,
    and the letters typed after it had been handed to the first field by then ("xyz" in the first, nothing in the
    second)."""
    app = NestedField()
    async with app.run_test() as pilot:
        first, second = await empty_first_field_focused(app, pilot)
        send_at_once(app, "x", "tab", "y")
        app.post_message(events.Paste("z!"))  # a paste waits its turn too
        send_at_once(app, "shift+tab", "w")
        await pilot.pause()
        assert (first.value, second.value) == ("w", "yz!")  # back in the first field, its text selected: w replaced it


async def test_a_key_that_is_dropped_or_lost_does_not_hold_up_the_next() -> None:
    """A key nothing takes ends its way there; one whose widget is removed before it gets there is waited for
    ``KEY_WAIT`` at most."""
    app = NestedField()
    async with app.run_test() as pilot:
        first, second = await empty_first_field_focused(app, pilot)
        send_at_once(app, "f13", "x")  # bound nowhere: it goes up to the app and no further
        await pilot.pause()
        assert first.value == "x"
        lost = events.Key("y", "y")
        # gone: it takes nothing more
        first.post_message = lambda message: False  # type: ignore[method-assign]
        app.post_message(lost)
        await pilot.pause()
        del first.post_message
        second.focus()
        send_at_once(app, "z")
        await pilot.pause()
        assert second.value == ""  # held behind the lost key (KEY_WAIT, 1 s, leaves a slow machine room for this)
        await asyncio.sleep(textual_fixes.KEY_WAIT + 0.1)
        await pilot.pause()
        assert (first.value, second.value) == ("x", "z")


async def empty_first_field_focused(app: NestedField, pilot: Pilot[None]) -> tuple[Input, Input]:
    first, second = app.query_one("#first", Input), app.query_one("#second", Input)
    first.value = ""
    first.focus()
    await pilot.pause()
    return first, second


class DropsWhatComesBack(NestedField):
    """Drops a key that comes back up to it, as the app does with one typed before a dialog was drawn."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and event.is_forwarded and event.key == "f13":
            return
        await super().on_event(event)


async def test_a_key_the_app_drops_on_its_way_back_does_not_hold_up_the_next() -> None:
    app = DropsWhatComesBack()
    async with app.run_test() as pilot:
        first, _ = await empty_first_field_focused(app, pilot)
        send_at_once(app, "f13", "x")
        await pilot.pause()  # returns once the app is idle: well before KEY_WAIT
        assert first.value == "x"


class LongText(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="text"):
            yield Static("\n".join(f"line {n}" for n in range(200)))


async def test_arrow_keys_sent_together_each_scroll_a_line() -> None:
    """Textual moved (and set its target) only after the next refresh, so twenty ↓ handled before it aimed at the
    same line: the summary moved about four lines."""
    app = LongText()
    async with app.run_test(size=(40, 10)) as pilot:
        box = app.query_one("#text", VerticalScroll)
        box.focus()
        await pilot.pause()
        send_at_once(app, *["down"] * 20)
        await pilot.pause(0.5)  # the animation
        assert box.scroll_y == 20
        send_at_once(app, *["up"] * 5)
        await pilot.pause(0.5)
        assert box.scroll_y == 15
