"""The work-arounds of textual_fixes, each against the Textual behaviour it works around."""

from __future__ import annotations

import asyncio
import errno
import gc
import io
import threading
import weakref

from textual.app import App
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread
from textual.widgets import Static

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
