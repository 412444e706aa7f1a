from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, RowKey

from iam_tui.app import IamTuiApp
from iam_tui.aws.errors import AwsError
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.checks import CHECK_IDS, SPECS, CheckId, CheckResult, Status
from iam_tui.guide import StepKey, StepState
from iam_tui.screens.dashboard import ATTENTION_ORDER, DashboardScreen, detail_text
from iam_tui.screens.help import HelpScreen
from iam_tui.screens.startup import StartupErrorScreen
from iam_tui.settings import ConnectionSettings
from iam_tui.widgets.guide_navigator import GuideNavigator
from iam_tui.widgets.identity_bar import IdentityBar

from ..helpers import IamClient, MakeApp, inject_error
from .pilot import current, open_security_contact, scan_of, settle, visible_text
from .waiting import until, until_screen


def static_text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_dashboard_loads_every_check(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.query_one("#checks", DataTable)
        ids = [str(k.value) for k in table.rows]
        assert sorted(ids) == sorted(CHECK_IDS)
        statuses = [scan_of(screen).result(CheckId(i)).status for i in ids]
        assert statuses[0] is Status.FAIL and statuses == sorted(statuses, key=ATTENTION_ORDER.index)  # failing first
        assert app.focused is table
        assert "fail" in static_text(screen, "#scan-status")
        bar = screen.query_one(IdentityBar)
        assert bar.has_class("-root") and "ROOT USER" in str(bar.render())
        caller = table.get_row("caller-not-root")
        assert "warn" in caller[0].plain and "You are not working as" not in caller[2].plain  # not a false claim
        assert screen.query_one("#demo-banner")
        assert app.guide_state[StepKey.SECURITY] is StepState.ATTENTION


async def test_moving_the_cursor_shows_the_check_detail(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#checks", DataTable)
        await pilot.press("j")
        detail = static_text(app.screen, "#check-detail")
        second = current(app, DashboardScreen).checks[1]
        assert table.cursor_row == 1 and second.title in detail
        assert "Why:" in detail and "Fix:" in detail and detail.index("Fix:") < detail.index("Why:")
        assert f"CIS {second.spec.cis}" in detail


async def test_refresh_rescans(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        first = scan_of(app.screen)
        admin.create_role(RoleName="support", AssumeRolePolicyDocument="{}")
        admin.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
        await pilot.press("r")
        await settle(pilot)
        assert scan_of(app.screen) is not first
        assert scan_of(app.screen).result(CheckId.SUPPORT_ROLE).status.value == "pass"


async def test_denied_call_shows_unknown_naming_the_permission(make_app: MakeApp, service: IamService) -> None:
    inject_error(service, "iam", "GetAccountAuthorizationDetails", "AccessDenied", "not authorized")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#checks", DataTable)
        row = table.get_row("permissions-via-groups")
        assert "unknown" in str(row[0])
        table.move_cursor(row=table.get_row_index("permissions-via-groups"))
        await pilot.pause()
        assert "iam:GetAccountAuthorizationDetails" in static_text(app.screen, "#check-detail")
        assert "fail" in str(table.get_row("root-mfa")[0])  # the other checks still ran


async def test_help_and_command_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await until_screen(pilot, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Refresh security recommendations" in titles and "Help" in titles


async def test_fits_an_80x24_terminal(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = current(app, DashboardScreen)
        assert screen.has_class("-narrow")
        assert not screen.query_one("#identity-panel").display
        table = screen.query_one("#checks", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no horizontal scrollbar
        failing = [c for c in screen.checks if c.status is Status.FAIL]
        assert failing and len(failing) < len(screen.checks)
        needed = table.header_height + sum(table.rows[RowKey(c.id)].height for c in failing)
        assert needed <= table.scrollable_content_region.height  # every failing check in view, not below
        title = table.columns[ColumnKey("title")]
        longest = max(len(c.title) for c in screen.checks)
        assert all(table.rows[RowKey(c.id)].height > 1 for c in screen.checks if len(c.title) > title.width)  # wrapped
        assert longest > title.width  # (so the line above is tested at this size)
        seen = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
        assert "Fix: " in seen  # the highlighted check's fix, not below the detail panel's edge
        table.move_cursor(row=next(i for i, c in enumerate(screen.checks) if c.id == "support-role"))
        await settle(pilot)
        footer = [line for line in visible_text(app).splitlines() if line.strip()][-1]
        assert "f Fix" in footer and "q Quit" in footer  # a fixable check: every key still fits 80 columns


async def test_a_tall_terminal_shows_every_check_and_the_detail_right_below(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = current(app, DashboardScreen)
        table = screen.query_one("#checks", DataTable)
        assert table.row_count == len(screen.checks) and not table.max_scroll_y  # every row, no scrolling
        assert table.size.height == table.virtual_size.height  # and no empty rows below them: the detail has those
        assert screen.query_one("#detail-box").region.y == table.region.bottom  # no blank band in between
        assert screen.query_one("#identity-panel").display


async def test_startup_error_screen_then_demo() -> None:
    calls: list[ConnectionSettings] = []

    async def failing(settings: ConnectionSettings) -> IamService:
        calls.append(settings)
        if not settings.demo:
            raise AwsError("ExpiredToken", "Your AWS session has expired.", "Sign in again (`aws login`).")
        from iam_tui.aws.service import connect

        return await connect(settings)

    app = IamTuiApp(ConnectionSettings(profile="work"), connector=failing)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartupErrorScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "ExpiredToken" in text and "aws login" in text
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, StartupErrorScreen) and len(calls) == 2
        await pilot.press("d")
        await settle(pilot, rounds=5)
        assert isinstance(app.screen, DashboardScreen)
        assert app.is_demo and calls[-1].demo


async def test_digits_open_guide_steps_only_from_the_guide_list_where_the_footer_shows_them(make_app: MakeApp) -> None:
    from iam_tui.screens.create_user import CreateUserScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j")  # typed into the checks table: no step opens, j moves the table
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.screen.query_one(DataTable).cursor_row == 1
        assert "2" not in app.screen.active_bindings
        await pilot.press("g", "j")  # the guide list: j moves it, not the table behind it
        guide = app.screen.query_one(GuideNavigator)
        assert app.focused is guide and guide.highlighted == 1
        assert app.screen.query_one(DataTable).cursor_row == 1
        assert app.screen.active_bindings["2"].binding.show  # in the footer while the guide has the focus
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, CreateUserScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("9")  # no such step: nothing happens
        assert isinstance(app.screen, DashboardScreen)


async def test_no_step_opens_while_an_aws_change_is_in_flight(make_app: MakeApp) -> None:
    from iam_tui.screens.create_user import CreateUserScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        async with app.session.mutating("setting the security contact"):
            await pilot.press("2")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert not app.screen.active_bindings["2"].enabled  # disabled, not refused after the key
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, CreateUserScreen)


async def test_help_lists_the_keys_as_the_footer_names_them(make_app: MakeApp) -> None:
    from iam_tui.screens.help import bindings_text

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        keys = bindings_text(app.screen)
        assert "r" in keys and "Refresh" in keys and "q          Quit" in keys
        assert "ctrl+q" not in keys and "Page" not in keys and "^q" not in keys  # Textual's own, not in the footer
        await pilot.press("g")
        assert "123456     Step" in bindings_text(app.screen)


def test_detail_names_current_security_hub_controls_and_their_scope() -> None:
    admin = detail_text(CheckResult(SPECS[CheckId.NO_FULL_ADMIN_POLICY], Status.FAIL, "x"))
    assert "Security Hub IAM.1, customer managed policies only" in admin
    recent = detail_text(CheckResult(SPECS[CheckId.ROOT_RECENT_USE], Status.WARN, "x"))
    assert "CIS 1.6" in recent and "Security Hub" not in recent and "IAM.20" not in recent


async def test_the_security_contact_is_set_from_the_dashboard_after_checks_next_to_each_field(
        make_app: MakeApp, sandbox: Sandbox) -> None:
    from iam_tui.screens.security_contact import SecurityContactScreen

    account = sandbox.plain_client("account")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#checks", DataTable).get_row("security-contact")[0].plain == "✗ fail"
        modal = await open_security_contact(app, pilot)
        assert app.focused is modal.query_one("#contact-name")
        for text in ("Sec", "CISO", "bad", "x"):  # the email and the phone are ones AWS refuses
            await pilot.press(*text, "enter")
        await pilot.pause()
        assert isinstance(app.screen, SecurityContactScreen)  # refused: nothing sent
        assert "not an address" in static_text(modal, "#contact-email-error")
        assert "digits" in static_text(modal, "#contact-phone-error")
        assert app.focused is modal.query_one("#contact-email")
        modal.query_one("#contact-email", Input).value = "security@example.com"
        modal.query_one("#contact-phone", Input).value = "+1 206 555 0100"
        await pilot.press("ctrl+s")
        await until_screen(pilot, DashboardScreen)
        await settle(pilot)
        saved = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
        assert (saved["Name"], saved["Title"], saved["EmailAddress"]) == ("Sec", "CISO", "security@example.com")
        assert app.screen.query_one("#checks", DataTable).get_row("security-contact")[0].plain == "✓ pass"


async def test_starting_at_a_step_opens_it_and_scans_when_the_dashboard_is_shown(make_app: MakeApp) -> None:
    from iam_tui.screens.signin import SigninScreen

    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, SigninScreen)
        await settle(pilot)
        dashboard = app.screen_stack[1]
        assert isinstance(dashboard, DashboardScreen) and dashboard.scan is None  # nothing scanned yet
        await pilot.press("escape", "escape")  # out of the alias field, then back
        await settle(pilot)
        assert app.screen is dashboard and scan_of(dashboard) is not None


async def test_a_connection_quicker_than_the_dashboard_still_leaves_the_scan_until_it_is_shown(
        service: IamService) -> None:
    """The dashboard is told it is shown (ScreenResume) after the connection already opened the step over it: it
    must not scan then (it once did, when the connection won that race)."""
    from iam_tui.screens.signin import SigninScreen

    await service.account.identity()  # read now: the app's connection answers at once

    async def at_once(_settings: ConnectionSettings) -> IamService:
        return service

    app = IamTuiApp(ConnectionSettings(demo=True), connector=at_once, start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, SigninScreen)
        await settle(pilot)
        dashboard = app.screen_stack[1]
        assert isinstance(dashboard, DashboardScreen) and dashboard.scan is None


async def test_a_notification_stays_off_the_checks_and_their_detail(make_app: MakeApp) -> None:
    from textual.widgets._toast import Toast

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Security contact set: Security team <security@example.com>.", title="Saved")
        await until(pilot, lambda: app.screen.query(Toast))
        await pilot.pause()
        (toast,) = app.screen.query(Toast)
        for main in ("#checks", "#detail-box"):
            assert not toast.region.overlaps(app.screen.query_one(main).region), main


async def test_ctrl_c_names_the_quit_key_the_footer_shows(make_app: MakeApp) -> None:
    from textual.widgets._toast import Toast

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.screen.query(Toast))
        (toast,) = app.screen.query(Toast)
        said = str(toast.render())
        assert "Press q to quit" in said and "ctrl+q" not in said


async def test_opening_on_the_dashboard_starts_its_scan_while_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default connector starts the scan alongside who-am-I when the dashboard opens first (aws/early_scan.py),
    and not when a step opens first (its scan waits until the dashboard is shown)."""
    import iam_tui.aws.service as service_module

    asked: list[bool] = []
    connect = service_module.connect

    async def recording(settings: ConnectionSettings, *, scan_early: bool = False) -> IamService:
        asked.append(scan_early)
        return await connect(settings, scan_early=scan_early)

    monkeypatch.setattr(service_module, "connect", recording)
    app = IamTuiApp(ConnectionSettings(demo=True))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert asked == [True] and app.last_scan is not None
        assert "Scan failed" not in visible_text(app)
    app = IamTuiApp(ConnectionSettings(demo=True), start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert asked == [True, False]


async def test_the_acceptance_shows_on_the_row_and_in_the_detail_as_check_says_it_and_lapses(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CIS 1.15 accepted on the guide's admin group: a second status line on the row, the same line as `iam-tui
    check` in the detail, f offers to clear it; once a member is added the row says lapsed and f offers to accept
    again."""
    from iam_tui.check_command import as_table

    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    reason = "Admins [EMEA] [@click=app.quit] kept on purpose"
    subject = await service.accepted.acceptable_subject()
    assert subject is not None
    await service.accepted.accept_admin_group(subject, reason)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#checks", DataTable)
        result = scan_of(screen).result(CheckId.NO_FULL_ADMIN_POLICY)
        assert result.accepted == reason
        assert table.get_row("no-full-admin-policy")[0].plain == "✗ fail\naccepted"
        table.move_cursor(row=table.get_row_index("no-full-admin-policy"))
        await settle(pilot)
        detail = static_text(screen, "#check-detail")
        assert result.acceptance is not None
        said = result.acceptance.text()
        assert said in as_table(scan_of(screen)) and said[1:] in detail and "Accepted on PowerUsers by " in detail
        assert reason in detail  # typed text, shown as typed: no markup read
        assert "f or enter: Clear the acceptance of the guide's admin group" in detail

        admin.create_user(UserName="mallory")
        admin.add_user_to_group(GroupName="PowerUsers", UserName="mallory")
        await pilot.press("r")
        await settle(pilot)
        assert table.get_row("no-full-admin-policy")[0].plain == "✗ fail\nlapsed"
        detail = static_text(screen, "#check-detail")
        assert "Acceptance lapsed: members of PowerUsers changed since " in detail
        assert "f or enter: Accept the guide's own admin group" in detail
        assert scan_of(screen).result(CheckId.NO_FULL_ADMIN_POLICY).accepted is None


async def test_an_inactive_key_left_after_a_rotation_is_named_and_x_deletes_it(
        make_app: MakeApp, admin: IamClient) -> None:
    from iam_tui.screens.access_keys import AccessKeysScreen
    from iam_tui.screens.confirm import TypedConfirmScreen

    from .waiting import until_shown

    admin.create_user(UserName="alice")
    old = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    admin.create_access_key(UserName="alice")
    admin.update_access_key(UserName="alice", AccessKeyId=old, Status="Inactive")  # a rotation kept it inactive
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        line = static_text(screen, "#leftover-keys")
        assert "Inactive keys left after a rotation: alice's key 1 (0 d old). x deletes it" in line
        assert screen.query_one("#leftover-keys").display
        assert scan_of(screen).result(CheckId.ONE_ACTIVE_KEY).status is Status.PASS  # inactive: 1.12 has nothing to say
        await pilot.press("x")
        await until_shown(pilot, TypedConfirmScreen)
        assert isinstance(app.screen_stack[-2], AccessKeysScreen)
        assert old in visible_text(app)
        await pilot.press(*old, "enter")
        await until(pilot, lambda: len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 1)
    assert old not in {k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}


async def test_no_leftover_line_without_one(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#leftover-keys").display
        assert not app.screen.check_action("delete_leftover", ())


def test_the_help_names_a_screen_in_words() -> None:
    """It said "Help: PlanProgress", a class name."""
    from iam_tui.screens.help import screen_name

    class PlanProgressScreen(Screen[object]):
        pass

    class CliProfileScreen(Screen[object]):
        title_text = "AWS CLI profile for alice"

    class MfaKeyScreen(Screen[object]):
        pass

    assert screen_name(PlanProgressScreen()) == "Plan progress"
    assert screen_name(CliProfileScreen()) == "AWS CLI profile for alice"
    assert screen_name(MfaKeyScreen()) == "MFA key"
