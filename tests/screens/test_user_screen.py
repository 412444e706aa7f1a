"""The screens about one IAM user follow the app's changes made elsewhere: back on top they show the user's state
again, and when the user was removed meanwhile they leave instead of showing NoSuchEntity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iam_tui.app import IamTuiApp
from iam_tui.core.changes import Changed
from iam_tui.guide import StepKey
from iam_tui.screens.access_keys import AccessKeysScreen
from iam_tui.screens.messages import AwsChanged
from iam_tui.screens.mfa import MfaScreen
from iam_tui.screens.users import UsersScreen

from .pilot import settle, visible_text
from .test_live import first_scan, remove_user
from .waiting import until, until_screen


async def _keys_of(pilot: Any, app: IamTuiApp, user: str) -> AccessKeysScreen:
    await until(pilot, lambda: app.last_scan is not None, tries=2000)
    app.push_screen(AccessKeysScreen(user))
    await until_screen(pilot, AccessKeysScreen)
    screen = app.screen
    assert isinstance(screen, AccessKeysScreen)
    await settle(pilot)
    return screen


async def test_back_on_top_the_screen_shows_what_changed_meanwhile(make_app: Callable[..., IamTuiApp],
                                                                   admin: Any) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _keys_of(pilot, app, "alice")
        assert screen.keys == []
        app.push_screen(UsersScreen())
        await until_screen(pilot, UsersScreen)
        key_id = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
        app.post_message(AwsChanged(Changed.key("alice", key_id)))  # as a fix run from there tells it
        await settle(pilot)
        assert screen.keys == []  # not read while covered
        app.pop_screen()
        await until(pilot, lambda: [k.access_key_id for k in screen.keys] == [key_id])


async def test_a_user_removed_meanwhile_makes_the_screen_leave(make_app: Callable[..., IamTuiApp],
                                                               admin: Any) -> None:
    admin.create_user(UserName="bob")
    admin.create_access_key(UserName="bob")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _keys_of(pilot, app, "bob")
        await remove_user(pilot, app, "bob")
        app.pop_screen()  # back to bob's keys: bob is gone, so is the screen
        await until(pilot, lambda: not any(isinstance(s, AccessKeysScreen) for s in app.screen_stack))
        await settle(pilot)
        assert "NoSuchEntity" not in visible_text(app)


async def test_step_3_opened_for_the_guides_user_leaves_when_that_user_is_removed(
        make_app: Callable[..., IamTuiApp], admin: Any) -> None:
    """Step 3 takes the guide's user when opened without one: it follows that user's removal as the screens opened
    for a named user do (it kept the user apart from the base's, and so never saw the removal)."""
    admin.create_user(UserName="bob")
    app = make_app(start_at=StepKey.MFA, guide_user="bob")
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, MfaScreen)
        await first_scan(pilot, app)  # an app started on a step has not scanned yet
        await remove_user(pilot, app, "bob")
        app.pop_screen()  # back to step 3: bob is gone, so is the screen
        await until(pilot, lambda: not any(isinstance(s, MfaScreen) for s in app.screen_stack))
        await settle(pilot)
        assert "NoSuchEntity" not in visible_text(app)
