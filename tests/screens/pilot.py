"""Helpers for driving the app in tests."""

from __future__ import annotations

import html
import re

from textual.app import App
from textual.pilot import Pilot


async def settle(pilot: Pilot[object], rounds: int = 3) -> None:
    """Wait for workers (and the workers they start) and for the screen to update."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def seen_text(app: App[object]) -> str:
    """The text a person sees on the screen: the screenshot's SVG with its tags stripped and its entities decoded
    (the SVG writes ``&`` as ``&amp;``, ``'`` as ``&#x27;`` and spaces as ``&#160;``)."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
