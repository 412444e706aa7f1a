"""Work-arounds for Textual 8.2.8 behaviour that can hang the app or let data command the terminal. Each says what
it works around; drop it when Textual fixes the behaviour (Textual is pinned exactly)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import errno
import functools
import os
import queue
import time
from collections.abc import Awaitable
from typing import Any

from rich.console import Console
from rich.segment import Segment
from textual import events
from textual._context import active_app
from textual._styles_cache import StylesCache
from textual.actions import SkipAction
from textual.app import App
from textual.color import Color
from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message
from textual.message_pump import MessagePump
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from .core.display_text import without_hidden

MIN_TIMER_DELAY = 0.001  # seconds: "as soon as possible"


def never_negative_timers() -> None:
    """Clamp every timer's delay to a small positive one.

    Textual 8.2.8: a one-shot timer with a delay <= 0 never fires and never ends. ``Timer._run`` "skips" missed
    ticks with ``count = int((now - start) / interval + 1)``, which stays 0 for a negative interval (a busy loop
    with no await: the app freezes, no key is taken) and divides by zero for 0. And Textual makes such timers
    itself: a screen pushed while a notification is about to expire re-mounts its toast, and ``Toast`` arms
    ``set_timer(notification.time_left)``, negative once the notification has expired (saving the password .csv,
    then saving again to the same path, froze the app at the "Replace it?" dialog)."""
    original = Timer.__init__
    if getattr(original, "_never_negative", False):
        return

    @functools.wraps(original)
    def init(self: Timer, event_target: Any, interval: float, *args: Any, **kwargs: Any) -> None:
        original(self, event_target, max(interval, MIN_TIMER_DELAY), *args, **kwargs)

    init._never_negative = True  # type: ignore[attr-defined]
    Timer.__init__ = init  # type: ignore[method-assign]


def terminal_gets_only_printable_text() -> None:
    """Drop, at the last moment, any control, bidi or zero-width character a drawn line still holds.

    Every screen shows data through ``visible`` (core/display_text.py), which writes such characters as escapes;
    this is the net under it. Textual writes a segment's text to the terminal as it is (Rich's ``Text`` strips only
    BEL, BS, VT, FF and CR), so an ESC in a value that reached a widget unescaped would run as a terminal command
    (OSC 52 rewrites the clipboard). Every line Textual draws goes through ``Strip.render``; dropping the character
    there keeps the width the line was laid out with (a hidden character takes no cell)."""
    original = Strip.render
    if getattr(original, "_printable_only", False):
        return

    @functools.wraps(original)
    def render(self: Strip, console: Console) -> str:
        if self._render_cache is None and not all(text.isprintable() for text, _, control in self._segments
                                                  if not control):
            clean = Strip([segment if segment.control else Segment(without_hidden(segment.text), segment.style)
                           for segment in self._segments], self.cell_length)
            self._render_cache = original(clean, console)
        return original(self, console)

    render._printable_only = True  # type: ignore[attr-defined]
    Strip.render = render  # type: ignore[method-assign]


def widgets_gone_are_freed() -> None:
    """Cache ``StylesCache.get_inner_outer`` by its colours only.

    Textual 8.2.8 caches that method with ``functools.lru_cache``, whose key holds ``self``: the styles cache of
    each of the last 1,024 widgets drawn, with every line it last drew, stayed alive after its widget was gone. In a
    long session (the users screen redrawn, step after step) that was memory kept for nothing, and every full
    garbage collection walked it: each test's app left some 5,700 objects behind, and the test processes grew to
    450-850 MiB. The method reads only its two colours."""
    original = StylesCache.get_inner_outer
    if getattr(original, "_by_colours", False):
        return
    uncached = original.__wrapped__  # the method as Textual wrote it (it does not read self)
    by_colours = functools.lru_cache(1024)(lambda base_background, background: uncached(None, base_background,
                                                                                          background))

    def get_inner_outer(self: StylesCache, base_background: Color, background: Color) -> tuple[Style, Style]:
        return by_colours(base_background, background)

    get_inner_outer._by_colours = True  # type: ignore[attr-defined]
    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[method-assign, assignment]


def handler_errors_go_to_the_app() -> None:
    """Hand an exception raised by a message or event handler to the app's ``survive_crash(error)`` (when it has
    one) and go on processing messages if it returns True.

    Textual 8.2.8's message loop (``MessagePump._process_messages_loop``) calls ``App._handle_exception`` and then
    *stops that widget's loop* for good: a handler of the app that raised left an app that drew nothing and took
    no key, whatever ``_handle_exception`` did. Catching the exception one level down, in ``_dispatch_message``,
    keeps the loop of the screen or the app alive so the app can show what failed and let the person go on."""
    original = MessagePump._dispatch_message
    if getattr(original, "_goes_to_the_app", False):
        return

    @functools.wraps(original)
    async def dispatch(self: MessagePump, message: Message) -> None:
        try:
            await original(self, message)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            survive = getattr(active_app.get(None), "survive_crash", None)
            if survive is None or not survive(error):
                raise

    dispatch._goes_to_the_app = True  # type: ignore[attr-defined]
    MessagePump._dispatch_message = dispatch  # type: ignore[method-assign]


def editing_keys_keep_their_order() -> None:
    """Run a text field's own editing keys (backspace, arrows, delete, enter...) when the field receives them.

    Textual 8.2.8 (issue 6605, open): ``Input`` inserts a printable key as it receives it, but a key it binds only
    runs once the event has bubbled up through every container to the app, which then checks the bindings. Keys
    that arrive together (typed fast, pasted by a key macro, or sent while the app is busy) reach the field before
    that: "abcdefghi", nine backspaces and "zed" gave "aze" about half the time in the create-user name field, a
    name the person never typed. Only the field's own non-priority bindings run here, as the app would have run
    them (``run_action`` asks ``check_action``; a key the field skips, such as ctrl+c with nothing selected, still
    goes on up to the screen's and app's bindings)."""
    original = Input._on_key
    if getattr(original, "_in_order", False):
        return

    @functools.wraps(original)
    async def on_key(self: Input, event: events.Key) -> None:
        await original(self, event)
        if event.is_printable:
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return

    on_key._in_order = True  # type: ignore[attr-defined]
    Input._on_key = on_key  # type: ignore[method-assign]


def scroll_keys_add_up() -> None:
    """↓/↑ (and j/k) on scrolled text move one line each, also when they come together.

    Textual 8.2.8: ``scroll_down`` aims at ``scroll_target_y + 1`` but moves (and sets that target) only after the
    next screen refresh, so every key handled before it aims at the same line: twenty ↓ sent at once moved the
    summary about four lines. Keys scroll at once here; the target then counts each of them."""
    if getattr(Widget.action_scroll_down, "_adds_up", False):
        return

    def action_scroll_down(self: Widget) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_down(immediate=True)

    def action_scroll_up(self: Widget) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()
        self.scroll_up(immediate=True)

    action_scroll_down._adds_up = True  # type: ignore[attr-defined]
    Widget.action_scroll_down = action_scroll_down  # type: ignore[method-assign]
    Widget.action_scroll_up = action_scroll_up  # type: ignore[method-assign]


# Seconds a key may take on its way before the next is handed out anyway: a key whose widget was removed never
# arrives. Long enough for a busy app (a 10,000-row table takes ~0.25 s to fill) to keep the order.
KEY_WAIT = 1.0
Typed = events.Key | events.Paste  # what a person types, in the order typed


class _KeyLine:
    """An app's keys (and pastes) in the order they came: the one on its way through the widgets (or what it set
    off: a field's Submitted, a list's Selected), those held behind it."""

    __slots__ = ("current", "held", "moved_on", "timeout")

    def __init__(self) -> None:
        self.current: Message | None = None
        self.held: collections.deque[Typed] = collections.deque()
        self.moved_on = False  # the current message was passed on up to the node's parent
        self.timeout: asyncio.TimerHandle | None = None


_TEXTUALS_OWN = "textual.messages"  # its internal messages (layout, refresh, idle): no widget's effect goes on in them
# While a key (or what it set off) is handled: the widget messages posted meanwhile, which carry its effect on.
_set_off: contextvars.ContextVar[list[Message] | None] = contextvars.ContextVar("_set_off", default=None)


def _key_line(app: object) -> _KeyLine | None:
    line = getattr(app, "_key_line", None)
    return line if isinstance(line, _KeyLine) else None


def _key_done(app: App[Any], line: _KeyLine, key: Message) -> None:
    """``key`` (or what it set off) has been handled, or dropped: hand the next held key to the app."""
    if line.current is not key:
        return
    following = line.held.popleft() if line.held else None
    _key_out(app, line, following)
    if following is not None:
        app.post_message(following)


def _key_out(app: App[Any], line: _KeyLine, key: Message | None) -> None:
    """``key`` is the one on its way now (None: none is), waited for ``KEY_WAIT`` at most."""
    if line.timeout is not None:
        line.timeout.cancel()
    line.current, line.moved_on, line.timeout = key, False, None
    if key is not None:
        line.timeout = asyncio.get_running_loop().call_later(KEY_WAIT, _key_done, app, line, key)


def keys_are_handled_one_at_a_time() -> None:
    """Hand the app a key only once the key before it has been handled: gone up through the focused widget and its
    containers to the app's bindings, or stopped on the way.

    Textual 8.2.8 passes each key to the focused widget as it takes it from its queue, and a key the field does not
    take itself (tab, a screen's keys) reaches the app's bindings only after bubbling through every container. Keys
    that arrive together (typed fast, over SSH in one packet, or while the app was busy) overtook it: "x", tab, "yz"
    put "xyz" in the first field and left the second empty. A paste waits its turn the same way. A key whose
    handling posts a widget message (enter: a field's Submitted, a list's OptionSelected) is handled once that
    message has gone its way too, so the screen's handler of it (add the tag, move to the next field, close the
    dialog) comes before the next key. A key that waited keeps the time it was typed, so a dialog that the key
    before it opened still drops it (see screens/base.py's ``TypedScreen.KEYS_ONCE_DRAWN``). ``KEY_WAIT`` bounds the
    wait for a key that never arrives (its widget was removed on the way)."""
    if getattr(App._dispatch_message, "_one_at_a_time", False):
        return
    original_on_message = MessagePump._on_message
    original_bubble_to = Message._bubble_to
    original_post_message = MessagePump.post_message

    async def dispatch(self: App[Any], message: Message) -> None:
        # Before the app's own on_event, which may drop a key (see ``TypedScreen.KEYS_ONCE_DRAWN``): dropped is
        # handled too.
        if not isinstance(message, Typed):
            await MessagePump._dispatch_message(self, message)
            return
        line = _key_line(self)
        if line is None:
            line = self._key_line = _KeyLine()  # type: ignore[attr-defined]
        if message.is_forwarded:  # back up at the app: the end of its way, whether the app's on_event drops it or not
            try:
                await MessagePump._dispatch_message(self, message)
            finally:
                _key_done(self, line, message)
            return
        if line.current is not None and line.current is not message:
            line.held.append(message)
            return
        if line.current is None:
            _key_out(self, line, message)
        try:
            await MessagePump._dispatch_message(self, message)
        finally:
            if not message.is_forwarded:  # dropped, or a priority binding took it
                _key_done(self, line, message)

    async def key_on_message(self: MessagePump, key: Message, app: App[Any], line: _KeyLine) -> None:
        line.moved_on = False
        set_off: list[Message] = []
        token = _set_off.set(set_off)
        try:
            await original_on_message(self, key)
        finally:
            _set_off.reset(token)
            if line.moved_on or line.current is not key:
                pass
            elif set_off:  # its effect goes on in the last message it posted (those before it go the same way)
                _key_out(app, line, set_off[-1])
            else:  # stopped here, or here is the app
                _key_done(app, line, key)

    @functools.wraps(original_on_message)
    def on_message(self: MessagePump, message: Message) -> Awaitable[None]:
        # Not a coroutine itself: every other message goes straight to Textual's, without one more frame.
        app = active_app.get(None)
        line = _key_line(app)
        if app is not None and line is not None and line.current is message:
            return key_on_message(self, message, app, line)
        return original_on_message(self, message)

    @functools.wraps(original_post_message)
    def post_message(self: MessagePump, message: Message) -> bool:
        posted = original_post_message(self, message)
        set_off = _set_off.get()
        if (set_off is not None and posted and message.bubble and not message.no_dispatch
                and not isinstance(message, events.Event) and type(message).__module__ != _TEXTUALS_OWN):
            set_off.append(message)
        return posted

    @functools.wraps(original_bubble_to)
    def bubble_to(self: Message, widget: MessagePump) -> None:
        line = _key_line(active_app.get(None))
        if line is not None and line.current is self:
            line.moved_on = True
        original_bubble_to(self, widget)

    dispatch._one_at_a_time = True  # type: ignore[attr-defined]
    App._dispatch_message = dispatch  # type: ignore[method-assign, assignment]
    MessagePump._on_message = on_message  # type: ignore[method-assign, assignment]
    MessagePump.post_message = post_message  # type: ignore[method-assign]
    Message._bubble_to = bubble_to  # type: ignore[method-assign]


WRITE_WAIT = 0.25  # seconds between looks at the writer thread while its queue is full
STOP_WAIT = 2.0  # seconds the app's exit waits for output still queued for a terminal that is slow to read it


def writes_to_a_gone_terminal_never_block() -> None:
    """Keep Textual's output thread draining its queue after the terminal went away, and drop what is written once
    it has: a write then never blocks, shutting down included.

    Textual 8.2.8's ``WriterThread`` writes in a thread fed by a bounded queue (30 entries). When the terminal hangs
    up (a killed tmux pane, a dropped SSH connection), its ``write`` raises ``OSError`` (EIO), the thread dies, and
    the next 30 writes fill the queue: the following ``write`` (``Queue.put``) blocks the event loop's thread for
    good, in the middle of a screen update or of ``App._shutdown``. The process then ignores SIGTERM and SIGHUP
    (their handlers run on the blocked loop) and the exit cleanups never run. This was seen at 80x24 on the MFA
    step, whose countdown and cursor redraw the screen several times a second."""
    if getattr(WriterThread.run, "_never_blocks", False):
        return

    def run(self: WriterThread) -> None:
        get, qsize = self._queue.get, self._queue.qsize
        while True:
            text = get()
            if text is None:
                break
            if getattr(self, "terminal_gone", False):
                continue  # keep draining: nobody reads the terminal any more
            try:
                self._file.write(text)
                if qsize() == 0:
                    self._file.flush()
            except (OSError, ValueError):  # EIO once the terminal hung up; ValueError: the file was closed
                self.terminal_gone = True  # type: ignore[attr-defined]
        with contextlib.suppress(OSError, ValueError):
            if not getattr(self, "terminal_gone", False):
                self._file.flush()

    def put(self: WriterThread, item: str | None) -> bool:
        """Queue ``item`` unless the terminal is gone or the thread has stopped; waits while the terminal is only
        slow (its reader applies back-pressure, as a blocking write would)."""
        while not getattr(self, "terminal_gone", False):
            if not self.is_alive() and self.ident is not None:
                return False
            try:
                self._queue.put(item, timeout=WRITE_WAIT)
            except queue.Full:
                continue
            return True
        return False

    def write(self: WriterThread, text: str) -> None:
        put(self, text)

    def stop(self: WriterThread) -> None:
        """Ask the thread to finish what is queued and wait for it, for STOP_WAIT at most."""
        if self.ident is None:
            return
        deadline = time.monotonic() + STOP_WAIT
        while self.is_alive() and time.monotonic() < deadline:
            try:
                self._queue.put(None, timeout=WRITE_WAIT)
            except queue.Full:
                continue
            break
        self.join(timeout=max(0.0, deadline - time.monotonic()))

    run._never_blocks = True  # type: ignore[attr-defined]
    WriterThread.run = run  # type: ignore[method-assign]
    WriterThread.write = write  # type: ignore[method-assign]
    WriterThread.stop = stop  # type: ignore[method-assign]


class _EmptyReadIsAHangUp:
    """``os`` for Textual's Linux driver, whose input thread reads the terminal with ``os.read``: a read of nothing
    raises EIO. The terminal is in raw mode, where ctrl+d is a byte like any other, so an empty read means the
    other end closed (a hung-up pseudo-terminal of a process without a controlling terminal reads as end of file)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def read(fd: int, size: int) -> bytes:
        data = os.read(fd, size)
        if not data and size:
            raise OSError(errno.EIO, "the terminal hung up")
        return data


def input_that_fails_is_a_hang_up() -> None:
    """Call the app's ``terminal_gone()`` (when it has one) when reading the terminal fails or ends.

    Textual 8.2.8's input thread ends with ``App.panic`` and a traceback when ``os.read`` raises (EIO once the
    terminal hung up): the app closed at once, without its exit cleanups. And an empty read (end of file) only
    leaves its inner loop: the thread then spins on a terminal that is always "ready", and the app runs on for
    good, unseen (where no SIGHUP comes, a process without a controlling terminal, nothing else tells it). A
    terminal that is gone is a hang-up: leave as SIGHUP makes the app leave."""
    original = LinuxDriver.run_input_thread
    if getattr(original, "_hang_up", False):
        return
    linux_driver.os = _EmptyReadIsAHangUp()  # type: ignore[assignment,attr-defined]

    @functools.wraps(original)
    def run_input_thread(self: LinuxDriver) -> None:
        try:
            original(self)
        except OSError:
            gone = getattr(self._app, "terminal_gone", None)
            if gone is None:
                raise
            self._app.call_later(gone)

    run_input_thread._hang_up = True  # type: ignore[attr-defined]
    LinuxDriver.run_input_thread = run_input_thread  # type: ignore[method-assign]
