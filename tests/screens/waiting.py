"""Waiting in pilot tests while a worker is parked on a modal (``settle`` would wait for that worker forever)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from iam_tui.screens.base import Dialog


async def until(pilot: Pilot[object], condition: Callable[[], object], *, tries: int = 200) -> None:
    """Let the app run until ``condition()`` is true (bounded: fails the test instead of hanging)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def until_screen(pilot: Pilot[object], screen_type: type) -> None:
    """Until ``screen_type`` is the current screen; a dialog also drawn, as keys typed before that are dropped."""
    if issubclass(screen_type, Dialog):
        await until_shown(pilot, screen_type)
    else:
        await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


async def until_shown(pilot: Pilot[object], dialog_type: type) -> None:
    """Until a dialog is drawn: keys typed before that are dropped (see ``screens.base.Dialog``)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, dialog_type) and pilot.app.screen.shown_at is not None)
