"""Removing a user through the UI, from the users screen: a user with every kind of dependent, reviewed
(the typed name checked), run, gone (read through the plain ``admin`` client); a failure injected half-way, rolled
back through the UI (what can be undone is put back), then run again; and the user iam-tui runs as refused."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.screens.plan_progress import PlanProgressScreen
from iam_tui.screens.plan_review import PlanReviewScreen
from iam_tui.screens.users import UsersScreen
from iam_tui.widgets.line_table import LineTable
from tests.aws.test_user_removal import arrange_alice, assert_alice_gone, assert_alice_put_back
from tests.helpers import inject_error

from ..helpers import IamClient, MakeApp, send_at_once
from .pilot import current
from .test_users import app_signed_in_as, names
from .waiting import until, until_screen


def _text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _users_screen_on(pilot: Pilot[int], app: IamTuiApp, user: str) -> None:
    """The users screen, ``user`` highlighted."""
    await until(pilot, lambda: app.last_scan is not None)
    app.push_screen(UsersScreen())
    await until_screen(pilot, UsersScreen)
    await until(pilot, lambda: user in names(app))
    app.screen.query_one("#users", LineTable).move_cursor(row=names(app).index(user))


async def _remove_from_users_screen(pilot: Pilot[int], app: IamTuiApp, user: str) -> None:
    await _users_screen_on(pilot, app, user)
    await pilot.press("x")


async def _review_and_confirm(pilot: Pilot[int], app: IamTuiApp, user: str) -> None:
    await until_screen(pilot, PlanReviewScreen)
    review = _text(app, "#review-text")
    for what in ("console password", "access key", "signing certificate", "SSH public key",
                 "service-specific credential", "MFA device", "from group PowerUsers", "Detach ReadOnlyAccess",
                 "inline policy extra", f"Delete user {user}", "cannot be undone"):
        assert what in review, what
    field = app.screen.query_one("#review-confirm", Input)
    assert app.focused is field
    await pilot.press(*user.upper(), "enter")  # the case differs: refused, nothing runs
    assert isinstance(app.screen, PlanReviewScreen) and "The case differs" in _text(app, "#review-problem")
    await pilot.press("backspace")
    assert _text(app, "#review-problem") == ""  # edited since: what was wrong with it no longer stands
    field.value = ""
    await pilot.press(*user, "enter")
    await until_screen(pilot, PlanProgressScreen)


async def test_a_user_with_every_kind_of_dependent_is_removed(make_app: MakeApp, sandbox: Sandbox,
                                                              admin: IamClient) -> None:
    serial = arrange_alice(sandbox, admin)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _remove_from_users_screen(pilot, app, "alice")
        await _review_and_confirm(pilot, app, "alice")
        screen = current(app, PlanProgressScreen)
        await until(pilot, lambda: screen.run_state.complete and not app.session.busy)
        await pilot.press("escape")
        await until_screen(pilot, UsersScreen)
        await until(pilot, lambda: "alice" not in names(app))  # the rescan the removal asked for
        assert not app.session.unfinished
    assert_alice_gone(sandbox, admin, serial)


async def test_a_failure_is_rolled_back_then_run_again(make_app: MakeApp, service: IamService, sandbox: Sandbox,
                                                       admin: IamClient) -> None:
    serial = arrange_alice(sandbox, admin)
    fired = inject_error(service, "iam", "DetachUserPolicy", "AccessDenied", "not authorized", 403, times=1)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _remove_from_users_screen(pilot, app, "alice")
        await _review_and_confirm(pilot, app, "alice")
        screen = current(app, PlanProgressScreen)
        await until(pilot, lambda: screen.run_state.failed_index is not None and not app.session.busy)
        assert fired and "AccessDenied" in _text(app, "#progress-error")
        assert app.session.unfinished  # quitting now would ask
        await pilot.press("b")
        await until(pilot, lambda: not app.session.busy and "Rolled back" in _text(app, "#progress-status"))
        assert_alice_put_back(admin)  # memberships and policies back; the deleted credentials kept, and said so
        assert "Kept (cannot be undone)" in _text(app, "#progress-outcome")
        await pilot.press("r")
        await until(pilot, lambda: screen.run_state.complete and not app.session.busy)
    assert_alice_gone(sandbox, admin, serial)


async def test_the_user_iam_tui_runs_as_is_not_removed(admin: IamClient, sandbox: Sandbox) -> None:
    admin.create_user(UserName="alice")
    key = admin.create_access_key(UserName="alice")["AccessKey"]
    app, _ = app_signed_in_as(sandbox, key["AccessKeyId"], key["SecretAccessKey"])
    async with app.run_test(size=(100, 32)) as pilot:
        await _remove_from_users_screen(pilot, app, "alice")
        await until(pilot, lambda: "will not remove alice" in _text(app, "#users-message"))
        assert isinstance(app.screen, UsersScreen)
    assert [u["UserName"] for u in admin.list_users()["Users"]] == ["alice"]
    assert admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]


async def test_the_name_typed_with_x_does_not_run_the_users_screens_keys(make_app: MakeApp, admin: IamClient) -> None:
    """x then "carol" and enter typed at once: while the removal was read, the a of carol opened step 5 for carol
    (and made her the guide's user), and c and r went to the users screen too. Until the review shows, the screen's
    keys now do nothing, and the review drops what was typed before it was drawn."""
    for name in ("alice", "carol"):
        admin.create_user(UserName=name)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _users_screen_on(pilot, app, "carol")
        send_at_once(app, *"xcarol", "enter")
        await until_screen(pilot, PlanReviewScreen)
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack[-2:]] == ["UsersScreen", "PlanReviewScreen"]
        assert app.session.guide_user is None and app.screen.query_one("#review-confirm", Input).value == ""
    assert "carol" in [u["UserName"] for u in admin.list_users()["Users"]]
