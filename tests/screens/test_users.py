"""The users screen: every IAM user from the last scan, sorted and searched through the keys, a rescan
when there is no scan yet, and a step opened for the highlighted user."""

from __future__ import annotations

import gc

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.core.secret import Secret
from iam_tui.screens import users
from iam_tui.screens.users import UsersScreen
from iam_tui.settings import ConnectionSettings
from iam_tui.widgets.line_table import LineTable

from ..helpers import IamClient, MakeApp
from .pilot import current, settle, visible_text
from .waiting import until, until_screen


def app_signed_in_as(sandbox: Sandbox, key_id: str, secret: str) -> tuple[IamTuiApp, IamService]:
    """An app whose calls are signed with this access key (an IAM user's), and the service it starts with."""
    service = IamService(AwsContext(sandbox.session(key_id, Secret(secret)), ConnectionSettings(demo=True),
                                    source="test"), sandbox)

    async def connector(_settings: ConnectionSettings) -> IamService:
        await service.account.identity()
        return service

    return IamTuiApp(ConnectionSettings(demo=True), connector=connector), service


def names(app: IamTuiApp) -> list[str]:
    tables = app.screen.query("#users").results(LineTable)
    table = next(tables, None)
    if table is None:
        return []  # not composed yet
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def _text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def highlighted_name(screen: UsersScreen) -> str | None:
    return screen.highlighted.name if screen.highlighted else None


async def _users_screen(pilot: Pilot[int], app: IamTuiApp) -> UsersScreen:
    await until(pilot, lambda: app.last_scan is not None)
    app.push_screen(UsersScreen())
    await until_screen(pilot, UsersScreen)
    await settle(pilot)
    await until(pilot, lambda: app.screen.query_one("#users", LineTable).row_count > 0)
    return current(app, UsersScreen)


def _arrange(admin: IamClient) -> None:
    admin.create_group(GroupName="Auditors")
    for name in ("carol", "alice", "Bob"):
        admin.create_user(UserName=name)
    admin.add_user_to_group(GroupName="Auditors", UserName="carol")
    admin.create_login_profile(UserName="alice", Password="Str0ng-Enough-Pass!")  # console, no MFA: fails 1.9
    admin.create_access_key(UserName="Bob")
    admin.attach_user_policy(UserName="Bob", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")  # fails 1.14


async def test_lists_sorts_and_searches_the_users(make_app: MakeApp, admin: IamClient) -> None:
    _arrange(admin)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _users_screen(pilot, app)
        assert app.focused is screen.query_one("#users", LineTable)
        assert names(app) == ["alice", "Bob", "carol"]
        table = screen.query_one("#users", LineTable)
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
        assert field.has_focus
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


async def test_without_a_scan_r_scans_and_the_users_appear(make_app: MakeApp, admin: IamClient) -> None:
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


async def test_a_step_opens_for_the_highlighted_user(make_app: MakeApp, admin: IamClient) -> None:
    _arrange(admin)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _users_screen(pilot, app)
        screen.query_one("#users", LineTable).move_cursor(row=2)  # carol
        await pilot.press("a")
        from iam_tui.screens.access_keys import AccessKeysScreen
        from iam_tui.screens.cli_access import CliAccessScreen

        await until_screen(pilot, CliAccessScreen)  # step 5 asks how the CLI is used; k: the keys list (way 3)
        await settle(pilot)
        assert current(app, CliAccessScreen).user_name == "carol"
        await pilot.press("k")
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        assert app.session.guide_user == "carol" and current(app, AccessKeysScreen).user_name == "carol"


def _many(admin: IamClient, count: int = 300) -> None:
    """``count`` users; every seventh in Auditors, every fiftieth with an access key (first by oldest key)."""
    admin.create_group(GroupName="Auditors")
    for i in range(count):
        name = f"user{i:03d}"
        admin.create_user(UserName=name)
        if i % 7 == 0:
            admin.add_user_to_group(GroupName="Auditors", UserName=name)
        if i % 50 == 0:
            admin.create_access_key(UserName=name)


async def test_many_users_sort_filter_and_keep_the_highlighted_user(make_app: MakeApp, admin: IamClient) -> None:
    _many(admin)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _users_screen(pilot, app)
        table = screen.query_one("#users", LineTable)
        assert names(app) == [f"user{i:03d}" for i in range(300)]
        await pilot.press("end")
        assert highlighted_name(screen) == "user299" and "user299" in _text(app, "#users-detail")
        await pilot.press("pageup", "home", "down")
        assert highlighted_name(screen) == "user001"
        table.move_cursor(row=123)
        await pilot.pause()
        assert "user123   arn:" in _text(app, "#users-detail")

        await pilot.press("s", "s")  # oldest active key first: the key holders, then everyone by name
        assert "sorted by oldest key" in _text(app, "#users-summary")
        holders = [f"user{i:03d}" for i in range(0, 300, 50)]
        assert names(app)[:6] == holders and names(app)[6:9] == ["user001", "user002", "user003"]
        assert highlighted_name(screen) == "user123" and table.cursor_row == names(app).index("user123")

        await pilot.press("slash", *"USER12")  # by name, ignoring case
        assert names(app) == [f"user{i}" for i in range(120, 130)]
        assert highlighted_name(screen) == "user123" and "10 of 300 users match" in _text(app, "#users-summary")
        await pilot.press("3")
        assert names(app) == ["user123"] and highlighted_name(screen) == "user123"
        await pilot.press(*["backspace"] * 7)
        assert len(names(app)) == 300 and highlighted_name(screen) == "user123"  # kept through the filter
        await pilot.press(*"audit")  # by group: user123 is not in it, so the first match is highlighted
        auditors = [f"user{i:03d}" for i in range(0, 300, 7)]
        assert sorted(names(app)) == auditors and names(app)[:3] == ["user000", "user007", "user014"]  # key first
        assert highlighted_name(screen) == names(app)[0] and "43 of 300" in _text(app, "#users-summary")
        await pilot.press("escape", "down")
        assert app.focused is table and highlighted_name(screen) == names(app)[1]
        assert _text(app, "#users-detail").startswith(names(app)[1])


async def test_groups_are_not_cut_at_100_columns(make_app: MakeApp, admin: IamClient) -> None:
    """Columns are sized from their cells: a short name leaves room for the groups."""
    admin.create_group(GroupName="PowerUsers")
    admin.create_user(UserName="alice")
    admin.add_user_to_group(GroupName="PowerUsers", UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Str0ng-Enough-Pass!")  # no MFA: 1.9
    admin.create_access_key(UserName="alice")
    admin.create_access_key(UserName="alice")  # never used: 1.10; two active: 1.12
    admin.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")  # 1.14
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await _users_screen(pilot, app)
        lines = visible_text(app).splitlines()
        header = next(line for line in lines if "Failing" in line)
        row = next(line for line in lines if line.startswith(" alice"))
        assert header.split()[-1] == "Groups" and row.split()[-1] == "PowerUsers"
        assert "1.9, 1.10, 1.12, 1.14" in row


@pytest.mark.parametrize("threshold", [1, 1_000])
async def test_only_a_large_account_is_frozen_from_the_garbage_collector(
        make_app: MakeApp, admin: IamClient, monkeypatch: pytest.MonkeyPatch, threshold: int) -> None:
    """``gc.freeze`` keeps for good the garbage alive when it runs: a small account's screen does not freeze."""
    _arrange(admin)
    frozen: list[None] = []
    monkeypatch.setattr(users, "FREEZE_FROM_USERS", threshold)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(None))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _users_screen(pilot, app)
        assert bool(frozen) is (threshold <= 3)  # the 3 users _arrange makes
