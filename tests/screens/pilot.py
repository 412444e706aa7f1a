"""Helpers for driving the app in tests."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import Callable
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from iam_tui.app import IamTuiApp
from iam_tui.aws.models import AccountIdentity, ScanResult
from iam_tui.guide import StepKey
from iam_tui.screens.base import TypedScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.security_contact import SecurityContactScreen

from .waiting import until, until_shown

ScreenT = TypeVar("ScreenT", bound=Screen[Any])
SETTLE_TIMEOUT_S = 30.0


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Wait for workers (and the workers they start) and for the screen to update, a dialog or a review until it is
    drawn (it drops keys typed before that). Bounded: a worker parked on a dialog nobody answers fails the test
    instead of hanging the suite."""
    for _ in range(rounds):
        waiting = asyncio.ensure_future(pilot.app.workers.wait_for_complete())
        if not (await asyncio.wait({waiting}, timeout=SETTLE_TIMEOUT_S))[0]:
            waiting.cancel()
            running = [worker.name for worker in pilot.app.workers if not worker.is_finished]
            raise AssertionError(f"workers still running after {SETTLE_TIMEOUT_S:.0f} s: {running}")
        # A worker of a screen that was replaced meanwhile is cancelled (a failed connection replaces the dashboard).
        with contextlib.suppress(WorkerCancelled):
            waiting.result()
        await pilot.pause()
    screen = pilot.app.screen
    if isinstance(screen, TypedScreen):  # a key typed now would count (drawn: a dialog, a review, a review page)
        await until(pilot, lambda: pilot.app.screen is not screen
                    or not screen.typed_before_shown(events.Key("f24", None)))


def visible_text(app: App[Any]) -> str:
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


def current(app: App[Any], screen_type: type[ScreenT]) -> ScreenT:
    """The screen on top, which the test expects to be a ``screen_type``."""
    screen = app.screen
    assert isinstance(screen, screen_type), f"{type(screen).__name__} on top, not {screen_type.__name__}"
    return screen


def scan_of(screen: Screen[Any]) -> ScanResult:
    """The scan the dashboard ``screen`` shows (it must be the dashboard, and have scanned)."""
    assert isinstance(screen, DashboardScreen) and screen.scan is not None
    return screen.scan


def latest_scan(app: IamTuiApp) -> ScanResult:
    """The app's last scan (there must be one)."""
    assert app.last_scan is not None, "nothing scanned yet"
    return app.last_scan


def identity_of(app: IamTuiApp) -> AccountIdentity:
    """Who the app is connected as (it must be connected)."""
    assert app.identity is not None, "not connected"
    return app.identity


async def open_step(pilot: Pilot[Any], step: StepKey, screen_type: type[ScreenT]) -> ScreenT:
    """The step's screen, settled: an app made with ``start_at=step`` opens it on connecting (no scan first, the
    fast way); any other app is connected and scanned first, then the step is opened as a person would."""
    app = pilot.app
    assert isinstance(app, IamTuiApp)
    for _ in range(200):
        if app.connected and (app.screen_stack and len(app.screen_stack) > 1):
            break
        await pilot.pause(0.01)
    if not any(isinstance(s, screen_type) for s in app.screen_stack):
        await settle(pilot)
        app.open_step(step)
    await settle(pilot)
    if step is StepKey.ACCESS_KEYS and not any(isinstance(s, screen_type) for s in app.screen_stack):
        from iam_tui.screens.cli_access import CliAccessScreen

        chooser = next((s for s in app.screen_stack if isinstance(s, CliAccessScreen)), None)
        if chooser is not None:  # step 5 asks how the CLI is used first: the plain key (way 3) is the keys list
            chooser.action_way("key")
            await settle(pilot)
    # the topmost one: the step may have opened a dialog over itself (MFA without a user asks whom)
    return next(s for s in reversed(app.screen_stack) if isinstance(s, screen_type))


async def open_security_contact(app: IamTuiApp, pilot: Pilot[int]) -> SecurityContactScreen:
    """``s`` on the dashboard: the security contact form, once drawn (a dialog drops keys typed before)."""
    await pilot.press("s")
    await until_shown(pilot, SecurityContactScreen)
    return current(app, SecurityContactScreen)
