"""Helpers for driving the app in tests."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot[object], rounds: int = 3) -> None:
    """Wait for workers (and the workers they start) and for the screen to update."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
