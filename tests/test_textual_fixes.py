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
from textual.containers import Vertical
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from iam_tui import app as _app  # noqa: F401  (installs the work-arounds)

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
    """A text field inside a few containers, as the app's forms are: a key it binds bubbles through each."""

    BINDINGS = [Binding("ctrl+c", "pressed('ctrl+c')"), Binding("enter", "pressed('enter')")]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(), Vertical(), Vertical():
            yield Input("abcdefghi")

    def action_pressed(self, key: str) -> None:
        self.pressed.append(key)


def send_at_once(app: App[None], *keys: str) -> None:
    """Queue every key before any is handled (``pilot.press`` waits for each), as keys typed fast arrive."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_a_fields_editing_keys_are_applied_in_the_order_typed() -> None:
    """Textual ran a field's bound keys (backspace) only after they had bubbled up to the app, behind the letters
    typed after them: nine backspaces then "zed" left the field empty (the letters first, then nine deletions)."""
    app = NestedField()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
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
        field = app.query_one(Input)
        field.focus()
        await pilot.pause()
        field.selection = Selection.cursor(len(field.value))
        send_at_once(app, "ctrl+c")
        await pilot.pause()
        assert app.pressed == ["ctrl+c"]
