"""Helpers for driving the app in tests."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from textual.app import App
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot


async def settle(pilot: Pilot[object], rounds: int = 3) -> None:
    """Wait for workers (and the workers they start) and for the screen to update."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def visible_text(app: App[object]) -> str:
    """The text a person sees on the screen now: the screenshot SVG with its styles and tags stripped and its
    entities decoded (it writes a space as ``&#160;`` and escapes ``&``, ``<`` and ``'``). Leak tests first show that
    it finds a revealed secret, then that the masked one is absent."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def notifications_into(shown: list[Notification]) -> Callable[[Message], None]:
    """A ``run_test(message_hook=...)`` that records every notification the app shows (its toasts), in order."""

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            shown.append(message.notification)

    return hook
