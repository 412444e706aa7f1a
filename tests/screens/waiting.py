"""Waiting in pilot tests while a worker is parked on a modal (``settle`` would wait for that worker forever)."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from iam_tui.screens.base import TypedScreen

# A bound on the clock as well as on the checks: on a loaded machine (CI, or many test runs sharing 2 CPUs) the app
# runs many times slower, and 200 checks 20 ms apart (4 s) ran out before the app got there.
UNTIL_TIMEOUT_S = 30.0


async def until(pilot: Pilot[Any], condition: Callable[[], object], *, tries: int = 200) -> None:
    """Let the app run until ``condition()`` is true. Bounded, so that it fails the test instead of hanging: after
    ``tries`` checks 20 ms apart and at least ``UNTIL_TIMEOUT_S`` s."""
    deadline = monotonic() + UNTIL_TIMEOUT_S
    checks = 0
    while not condition():
        checks += 1
        if checks > tries and monotonic() > deadline:
            raise AssertionError("the app never reached the expected state")
        await pilot.pause(0.02)


async def until_screen(pilot: Pilot[Any], screen_type: type[Screen[Any]]) -> None:
    """Until ``screen_type`` is the current screen; one that takes keys only once drawn (a dialog, a review) also
    drawn, as keys typed before that are dropped."""
    if issubclass(screen_type, TypedScreen) and screen_type.KEYS_ONCE_DRAWN:
        await until_shown(pilot, screen_type)
    else:
        await until(pilot, lambda: isinstance(pilot.app.screen, screen_type))


async def until_shown(pilot: Pilot[Any], screen_type: type[TypedScreen[Any]]) -> None:
    """Until a dialog (or a review) is drawn: keys typed before that are dropped (see
    ``screens.base.TypedScreen.KEYS_ONCE_DRAWN``)."""
    def shown() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, screen_type) and screen.shown_at is not None

    await until(pilot, shown)
