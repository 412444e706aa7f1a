"""The users screen follows the app's account model: a scan or re-read that lands while it is open is taken at
once, through the app's ``last_scan`` reactive (no timer looks for it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, cast

from textual.pilot import Pilot

from iam_tui.app import IamTuiApp
from iam_tui.core.changes import Changed
from iam_tui.screens.messages import AwsChanged
from iam_tui.screens.users import UsersScreen

from .pilot import settle
from .test_users import names
from .waiting import until, until_screen


async def test_an_open_users_screen_shows_a_change_as_its_scan_lands(make_app: Callable[..., IamTuiApp],
                                                                     admin: Any) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=(100, 32)) as running:
        pilot = cast("Pilot[object]", running)
        await until(pilot, lambda: app.last_scan is not None)
        app.push_screen(UsersScreen())
        await until_screen(pilot, UsersScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, UsersScreen) and names(app) == ["alice"]
        before = app.last_scan
        assert before is not None

        landed = dataclasses.replace(before)  # another scan object, set as the app sets each scan that lands
        app.last_scan = landed
        assert screen.scan is landed  # taken in the same step: nothing waits for a timer's next look
        await settle(pilot)

        admin.create_user(UserName="bob")
        app.post_message(AwsChanged(Changed.user("bob")))  # what a screen's write through ``act`` tells the app
        await until(pilot, lambda: app.last_scan is not landed)
        await settle(pilot)
        assert screen.scan is app.last_scan and names(app) == ["alice", "bob"] and app.screen is screen
