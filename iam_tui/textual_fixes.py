"""Work-arounds for Textual 8.2.8 behaviour that can hang the app or let data command the terminal. Each says what
it works around; drop it when Textual fixes the behaviour (Textual is pinned exactly)."""

from __future__ import annotations

import functools
from typing import Any

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip
from textual.timer import Timer

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
