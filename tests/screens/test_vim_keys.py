"""j and k move as ↓ and ↑ do in every list, table and scrollable part, and never mean anything else."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.notifications import Notification
from textual.widgets import DataTable

from iam_tui.core.checks import Status
from iam_tui.core.fixes import fix_for
from iam_tui.guide import StepKey
from iam_tui.screens.access_keys import AccessKeysScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.users import UsersScreen
from iam_tui.widgets.line_table import LineTable

from ..helpers import IamClient, MakeApp
from .pilot import current, notifications_into, open_step, settle, visible_text
from .waiting import until, until_screen


async def test_j_and_k_move_in_the_access_keys_list(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    admin.create_access_key(UserName="alice")
    admin.create_access_key(UserName="alice")
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_step(pilot, StepKey.ACCESS_KEYS, AccessKeysScreen)
        table = screen.query_one("#keys", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        assert app.focused is table and table.cursor_row == 0
        await pilot.press("j")
        assert table.cursor_row == 1
        await pilot.press("k")
        assert table.cursor_row == 0


async def test_on_the_users_screen_k_moves_up_and_a_opens_the_access_keys(make_app: MakeApp, admin: IamClient) -> None:
    for name in ("alice", "bob", "carol"):
        admin.create_user(UserName=name)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.last_scan is not None)
        app.push_screen(UsersScreen())
        await until_screen(pilot, UsersScreen)
        await settle(pilot)
        table = app.screen.query_one("#users", LineTable)
        await until(pilot, lambda: table.row_count == 3)
        await pilot.press("j", "j", "k")
        assert app.screen.__class__ is UsersScreen and table.cursor_row == 1
        await pilot.press("a")
        from iam_tui.screens.cli_access import CliAccessScreen
        await until_screen(pilot, CliAccessScreen)  # step 5 asks how the CLI is used first; k there: the keys list
        await settle(pilot)
        assert current(app, CliAccessScreen).user_name == "bob"


async def test_j_scrolls_the_dashboards_detail_when_it_has_the_focus(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        detail = app.screen.query_one("#detail-box", VerticalScroll)
        assert detail.max_scroll_y > 0  # at 80x24 the panel is shorter than a check's text
        detail.focus()
        await pilot.pause()
        for key, line in (("j", 1), ("j", 2), ("k", 1)):  # each scroll settles before the next key (animated)
            await pilot.press(key)
            await until(pilot, lambda line=line: detail.scroll_y == line)  # type: ignore[misc]


async def test_back_from_a_step_opened_from_the_guide_list_the_checks_table_has_the_focus_and_f_works(
        make_app: MakeApp) -> None:
    from iam_tui.screens.finish import FinishScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("g", "6")
        await until_screen(pilot, FinishScreen)
        await settle(pilot)
        await pilot.press("escape")
        await until_screen(pilot, DashboardScreen)
        await settle(pilot)
        screen = current(app, DashboardScreen)
        assert app.focused is screen.query_one("#checks", DataTable)
        fixable = next(i for i, c in enumerate(screen.checks) if fix_for(c) is not None)
        screen.table.move_cursor(row=fixable)
        await pilot.press("f")
        await until(pilot, lambda: app.screen is not screen)


async def test_f_on_a_check_without_a_fix_here_says_what_fixes_it(make_app: MakeApp) -> None:
    shown: list[Notification] = []
    app = make_app()
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        await settle(pilot)
        screen = current(app, DashboardScreen)
        row = next(i for i, c in enumerate(screen.checks) if c.id == "security-contact")
        assert screen.checks[row].status is Status.FAIL
        screen.table.move_cursor(row=row)
        await pilot.press("f")
        await settle(pilot)
        assert app.screen is screen
        assert [n.message for n in shown] == ["CIS 1.2: s sets the security contact here."]
        assert "f" in screen.active_bindings and screen.active_bindings["f"].binding.show  # named in the footer
        assert "Fix" in visible_text(app)


async def test_j_and_k_move_in_a_dialogs_list(make_app: MakeApp) -> None:
    """A dialog is modal: the App's j/k never reached its list, so j then enter chose the first of alice's keys."""
    from textual.widgets import OptionList

    from iam_tui.screens.dialogs import ChoiceDialog

    chosen: list[str | None] = []
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.last_scan is not None)
        app.push_screen(ChoiceDialog("Which key?", [("AKIA1", "first"), ("AKIA2", "second"), ("AKIA3", "third")]),
                        chosen.append)
        await until_screen(pilot, ChoiceDialog)
        await settle(pilot)
        choices = app.screen.query_one("#choices", OptionList)
        assert app.focused is choices and choices.highlighted == 0
        await pilot.press("j", "j", "k")
        assert choices.highlighted == 1
        await pilot.press("enter")
        await until(pilot, lambda: chosen)
    assert chosen == ["AKIA2"]
