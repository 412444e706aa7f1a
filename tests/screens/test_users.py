"""The users screen (issue 12): every IAM user from the last scan, sorted and searched through the keys, a rescan
when there is no scan yet, and a step opened for the highlighted user."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.core.secret import Secret
from iam_tui.screens.users import UsersScreen
from iam_tui.settings import ConnectionSettings

from .pilot import settle
from .waiting import until, until_screen


def app_signed_in_as(sandbox, key_id: str, secret: str) -> tuple[IamTuiApp, IamService]:
    """An app whose calls are signed with this access key (an IAM user's), and the service it starts with."""
    service = IamService(AwsContext(sandbox.session(key_id, Secret(secret)), ConnectionSettings(demo=True),
                                    source="test"), sandbox)

    async def connector(_settings: ConnectionSettings) -> IamService:
        await service.account.identity()
        return service

    return IamTuiApp(ConnectionSettings(demo=True), connector=connector), service


def names(app) -> list[str]:
    tables = app.screen.query("#users").results(DataTable)
    table = next(tables, None)
    if table is None:
        return []  # not composed yet
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _users_screen(pilot, app) -> UsersScreen:
    await until(pilot, lambda: app.last_scan is not None)
    app.push_screen(UsersScreen())
    await until_screen(pilot, UsersScreen)
    await settle(pilot)
    await until(pilot, lambda: app.screen.query_one("#users", DataTable).row_count > 0)
    return app.screen


def _arrange(admin) -> None:
    admin.create_group(GroupName="Auditors")
    for name in ("carol", "alice", "Bob"):
        admin.create_user(UserName=name)
    admin.add_user_to_group(GroupName="Auditors", UserName="carol")
    admin.create_login_profile(UserName="alice", Password="Str0ng-Enough-Pass!")  # console, no MFA: fails 1.9
    admin.create_access_key(UserName="Bob")
    admin.attach_user_policy(UserName="Bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")  # fails 1.14


async def test_lists_sorts_and_searches_the_users(make_app, admin) -> None:
    _arrange(admin)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _users_screen(pilot, app)
        assert app.focused is screen.query_one("#users", DataTable)
        assert names(app) == ["alice", "Bob", "carol"]
        table = screen.query_one("#users", DataTable)
        alice = [str(c) for c in table.get_row_at(0)]
        assert alice[2:4] == ["yes", "no"] and "1.9" in alice[1]  # console, no MFA, fails 1.9
        bob = [str(c) for c in table.get_row_at(1)]
        assert bob[4] == "1/1 active" and "1.14" in bob[1]
        assert "Auditors" in [str(c) for c in table.get_row_at(2)]
        assert "sorted by name" in _text(app, "#users-summary")

        await pilot.press("s")  # last activity: nobody used anything, so by name
        assert "sorted by last activity" in _text(app, "#users-summary")
        await pilot.press("s")  # oldest active key first: only Bob has one, the others follow by name
        assert "sorted by oldest key" in _text(app, "#users-summary")
        assert names(app)[0] == "Bob"
        await pilot.press("s")  # failing checks: most first
        assert "sorted by failing checks" in _text(app, "#users-summary")
        assert names(app)[-1] == "carol"

        # / focuses the filter; what is typed there never runs a binding (s, m, k, x, r are all bindings)
        await pilot.press("slash")
        field = screen.query_one("#users-filter", Input)
        assert app.focused is field
        await pilot.press(*"audit")
        assert field.value == "audit" and isinstance(app.screen, UsersScreen)
        assert names(app) == ["carol"]  # by group
        assert "1 of 3 users match" in _text(app, "#users-summary")
        assert "carol" in _text(app, "#users-detail") and "Groups: Auditors" in _text(app, "#users-detail")
        await pilot.press("escape")  # back to the table, the filter kept
        assert app.focused is table and isinstance(app.screen, UsersScreen) and names(app) == ["carol"]
        await pilot.press("slash", *["backspace"] * 5, *"mkxrs", "enter")
        assert field.value == "mkxrs" and names(app) == [] and isinstance(app.screen, UsersScreen)
        assert "sorted by failing checks" in _text(app, "#users-summary")  # s typed, not run


async def test_without_a_scan_r_scans_and_the_users_appear(make_app, admin) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.last_scan is not None)
        app.last_scan = None  # as if the scan had not run yet
        app.push_screen(UsersScreen())
        await until_screen(pilot, UsersScreen)
        await settle(pilot)
        assert "No scan yet" in _text(app, "#users-summary") and names(app) == []
        admin.create_user(UserName="bob")
        await pilot.press("r")
        await until(pilot, lambda: names(app) == ["alice", "bob"])


async def test_a_step_opens_for_the_highlighted_user(make_app, admin) -> None:
    _arrange(admin)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _users_screen(pilot, app)
        screen.query_one("#users", DataTable).move_cursor(row=2)  # carol
        await pilot.press("a")
        from iam_tui.screens.access_keys import AccessKeysScreen

        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert app.session.guide_user == "carol" and app.screen.user_name == "carol"
