"""Waiting in pilot tests while a worker is parked on a modal (``settle`` would wait for that worker forever)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from iam_tui.screens.base import Dialog


async def until(pilot: Pilot[Any], condition: Callable[[], object], *, tries: int = 200) -> None:
    """Let the app run until ``condition()`` is true (bounded: fails the test instead of hanging)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def until_screen(pilot: Pilot[Any], screen_type: type[Screen[Any]]) -> None:
    """Until ``screen_type`` is the current screen; a dialog also drawn, as keys typed before that are dropped."""
    if issubclass(screen_type, Dialog):
        await until_shown(pilot, screen_type)
    else:
        await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


async def until_shown(pilot: Pilot[Any], dialog_type: type[Dialog[Any]]) -> None:
    """Until a dialog is drawn: keys typed before that are dropped (see ``screens.base.Dialog``)."""
    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, dialog_type) and screen.shown_at is not None

    await until(pilot, shown)
