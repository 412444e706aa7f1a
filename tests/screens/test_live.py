"""Live means live: after each kind of write the app makes, from the screen that makes it, the dashboard (rows and
detail), the users screen and the summary show the change without anyone pressing r."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.models import ScanResult
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.authz import AuthorizationDetails
from iam_tui.core.aws_config import CliPaths
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.finish import Made
from iam_tui.core.mfa_gate import POLICY_NAME
from iam_tui.core.totp import totp
from iam_tui.guide import StepKey, StepState
from iam_tui.screens.access_keys import AccessKeysScreen, CreateKeyScreen
from iam_tui.screens.cli_access import CliAccessScreen
from iam_tui.screens.cli_login import CliLoginScreen
from iam_tui.screens.cli_profile import CliProfileScreen
from iam_tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.dialogs import NameDialog
from iam_tui.screens.finish import FinishScreen
from iam_tui.screens.key_rotation import KeyRotationScreen
from iam_tui.screens.mfa import MfaScreen
from iam_tui.screens.mfa_code import MfaCodeScreen
from iam_tui.screens.mfa_key import MfaKeyScreen
from iam_tui.screens.new_key import NewKeyScreen
from iam_tui.screens.plan_progress import PlanProgressScreen
from iam_tui.screens.plan_review import PlanReviewScreen
from iam_tui.screens.signin import SigninScreen
from iam_tui.screens.user_picker import UserPickerScreen
from iam_tui.screens.users import UsersScreen
from iam_tui.widgets.line_table import LineTable

from ..aws.test_account_settings import analyzer_lists
from ..helpers import IamClient, MakeApp, operations
from .pilot import current, latest_scan, open_security_contact, open_step, settle, visible_text
from .test_cli_access import _admin_with_mfa, aws_dir
from .test_key_rotation_screen import alice, paths
from .test_mfa import create_device, open_mfa, two_codes, type_codes
from .test_users import names
from .waiting import until, until_screen, until_shown

__all__ = ["alice", "aws_dir", "paths"]  # fixtures: alice with one key held by two profiles; the demo's ~/.aws

SCAN_TRIES = 2000  # a scan under a loaded CI machine: bounded, never timed


def dashboard(app: IamTuiApp) -> DashboardScreen:
    return next(s for s in app.screen_stack if isinstance(s, DashboardScreen))


async def first_scan(pilot: Pilot[int], app: IamTuiApp) -> ScanResult:
    """The scan the change is compared with (an app started on a step has not scanned yet)."""
    await settle(pilot)
    dashboard(app).action_refresh()
    await until(pilot, lambda: app.last_scan is not None, tries=SCAN_TRIES)
    await settle(pilot)
    return latest_scan(app)


async def rescanned(pilot: Pilot[int], app: IamTuiApp, before: ScanResult | None) -> None:
    """The change's own re-read is in: nobody pressed r."""
    await until(pilot, lambda: app.last_scan is not before and not app.session.busy, tries=SCAN_TRIES)
    await settle(pilot)


ACCOUNT_READS = frozenset({"GetAccountSummary", "GetAccountAuthorizationDetails"})  # a whole scan's, never a user's


@dataclass
class Seen:
    statuses: dict[str, Status]  # the dashboard's rows
    detail: dict[str, str]  # the dashboard's detail panel, per check, as drawn with the cursor on it
    users: str  # the users screen as a person sees it
    user_names: list[str]
    summary: str  # the summary's text


def _rows(app: IamTuiApp) -> dict[str, Status]:
    return {c.id: c.status for c in dashboard(app).checks}


def removed_section(seen: Seen) -> str:
    """The summary's "What was removed" ("" when nothing was)."""
    if "What was removed" not in seen.summary:
        return ""
    return seen.summary.split("What was removed")[1].split("What the checks say now")[0]


def made_section(seen: Seen) -> str:
    """The summary's "What iam-tui made" (before the CLI's protection, what was removed and the checks)."""
    made = seen.summary.split("What iam-tui made")[1]
    return made.split("\n\n")[0]


async def look(pilot: Pilot[int], app: IamTuiApp, *detail_of: str) -> Seen:
    """What the dashboard, the users screen and the summary show now."""
    board = dashboard(app)
    detail = {}
    for check_id in detail_of:
        board.table.move_cursor(row=[c.id for c in board.checks].index(CheckId(check_id)))
        await pilot.pause()
        detail[check_id] = str(board.detail.render())
    app.push_screen(UsersScreen())
    await until_screen(pilot, UsersScreen)
    await until(pilot, lambda: current(app, UsersScreen).overview is not None)
    await settle(pilot)
    users, user_names = visible_text(app), names(app)
    app.pop_screen()
    app.push_screen(FinishScreen())
    await until_screen(pilot, FinishScreen)
    await until(pilot, lambda: app.screen.query("#finish-text"))
    summary = str(app.screen.query_one("#finish-text", Static).render())
    app.pop_screen()
    await pilot.pause()
    return Seen(_rows(app), detail, users, user_names, summary)


def user_row(seen: Seen, name: str) -> str:
    return next(line for line in seen.users.splitlines() if f" {name} " in f" {line} ")


# --- keys (step 5) -------------------------------------------------------------------------------------------------


async def _keys_screen(pilot: Pilot[int], app: IamTuiApp) -> AccessKeysScreen:
    screen = await open_step(pilot, StepKey.ACCESS_KEYS, AccessKeysScreen)
    await until(pilot, lambda: screen.keys or "no access keys" in str(screen.query_one("#keys-status",
                                                                                       Static).render()))
    return screen


async def press_on_key(pilot: Pilot[int], screen: AccessKeysScreen, key_id: str, key: str) -> None:
    """Put the keys table's cursor on ``key_id`` and press ``key``."""
    table = screen.query_one("#keys", DataTable)
    table.focus()
    table.move_cursor(row=[k.access_key_id for k in screen.keys].index(key_id))
    await pilot.press(key)


async def new_key(pilot: Pilot[int], app: IamTuiApp) -> str:
    """From the keys screen: n, enter (the first use case); the new key's id, its hand-over screen on top."""
    await pilot.press("n")
    await until_screen(pilot, CreateKeyScreen)
    await pilot.press("enter")
    await until_screen(pilot, NewKeyScreen)
    return current(app, NewKeyScreen).new_key.access_key_id


async def run_reviewed_plan(pilot: Pilot[int], app: IamTuiApp, *typed: str) -> None:
    """At a plan's review: type ``typed`` (a name that confirms it), enter, and wait for the run to end."""
    await until_screen(pilot, PlanReviewScreen)
    await pilot.press(*typed, "enter")
    await until_screen(pilot, PlanProgressScreen)
    progress = current(app, PlanProgressScreen)
    await until(pilot, lambda: progress.run_state.complete and not app.session.busy, tries=SCAN_TRIES)


async def remove_user(pilot: Pilot[int], app: IamTuiApp, name: str) -> None:
    """Remove ``name`` from the users screen (x, the name typed, enter), wait for the plan, and come back to the
    users screen."""
    app.push_screen(UsersScreen())
    await until_screen(pilot, UsersScreen)
    await until(pilot, lambda: name in names(app))
    app.screen.query_one("#users", LineTable).move_cursor(row=names(app).index(name))
    await pilot.press("x")
    await run_reviewed_plan(pilot, app, *name)
    await pilot.press("escape")
    await until_screen(pilot, UsersScreen)


async def test_a_key_made_in_step_5_fails_1_10_on_the_dashboard_users_and_summary(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    admin.create_user(UserName="dan")
    admin.create_login_profile(UserName="dan", Password="Correct-Horse-9-battery")
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="dan")
    async with app.run_test(size=(100, 32)) as pilot:
        await _keys_screen(pilot, app)
        before = await first_scan(pilot, app)
        assert before.result(CheckId.SETUP_KEYS_UNUSED).status is Status.PASS
        sent = operations(service)
        key_id = await new_key(pilot, app)
        await pilot.press("escape")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await until_screen(pilot, AccessKeysScreen)
        await rescanned(pilot, app, before)
        after = latest_scan(app)
        seen = await look(pilot, app, "setup-keys-unused")
    assert after.api_calls and ACCOUNT_READS.isdisjoint(sent)  # dan read again, not the whole account
    assert seen.statuses["setup-keys-unused"] is Status.FAIL
    assert "dan" in seen.detail["setup-keys-unused"]
    assert "1.10" in user_row(seen, "dan")
    assert f"access key: {key_id} (of dan)" in seen.summary
    assert "✗ 1.10" in seen.summary


async def test_a_key_the_guide_made_then_a_fix_deleted_moves_to_removed_in_the_summary(
        make_app: MakeApp, admin: IamClient) -> None:
    """The fix's plan deletes it (DeleteAccessKey): the summary listed it as made and existing until r."""
    from .test_fixes import run_to_done, unused_key_fix_to_its_deletion

    admin.create_user(UserName="lee")
    admin.create_login_profile(UserName="lee", Password="Correct-Horse-9-battery")
    key = admin.create_access_key(UserName="lee")["AccessKey"]["AccessKeyId"]
    app = make_app()
    app.session.record(Made("access key", key, "of lee", user="lee"))  # as step 5 records it
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        await unused_key_fix_to_its_deletion(app, pilot)  # deactivate it, then delete it: two plans
        await pilot.press(*key, "enter")
        await run_to_done(app, pilot)
        await pilot.press("enter")
        await until_screen(pilot, DashboardScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
    assert admin.list_access_keys(UserName="lee")["AccessKeyMetadata"] == []
    assert key not in made_section(seen)
    assert f"access key: {key} (of lee, deleted in this session)" in removed_section(seen)


async def test_deactivating_or_deleting_a_second_key_passes_1_13_everywhere(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    first = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    second = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _keys_screen(pilot, app)
        before = await first_scan(pilot, app)
        assert before.result(CheckId.ONE_ACTIVE_KEY).status is Status.FAIL
        await press_on_key(pilot, screen, second, "a")  # deactivate the second key
        await until_screen(pilot, TypedConfirmScreen)
        await pilot.press(*second, "enter")
        await until_screen(pilot, AccessKeysScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
        assert seen.statuses["one-active-key"] is Status.PASS
        assert "1.13" not in user_row(seen, "alice")

        before = latest_scan(app)  # then delete the first: alice has one key left, inactive
        await press_on_key(pilot, screen, first, "d")
        await until_screen(pilot, TypedConfirmScreen)
        await pilot.press(*first, "enter")
        await until_screen(pilot, AccessKeysScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
    inputs = latest_scan(app).inputs
    assert inputs is not None
    keys = inputs.live_users["alice"].keys
    assert [k.access_key_id for k in keys] == [second]
    assert seen.statuses["one-active-key"] is Status.PASS
    assert f"access key: {first} (of alice, deleted in this session)" in removed_section(seen)  # not made here


# --- removing the guide's user ----------------------------------------------------------------------------------


async def test_a_removed_guide_user_leaves_the_summary_the_marks_and_step_3(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="bob")
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]["SerialNumber"]
    admin.enable_mfa_device(UserName="bob", SerialNumber=serial, AuthenticationCode1="123456",
                            AuthenticationCode2="654321")
    key_id = admin.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    app = make_app(guide_user="bob")
    for item in (Made("IAM user", "bob", user="bob"), Made("MFA device", serial, "virtual, assigned to bob",
                                                           user="bob"),
                 Made("access key", key_id, "of bob", user="bob"),
                 Made("AWS CLI profile", "bob", "in ~/.aws/credentials and ~/.aws/config", user="bob")):
        app.session.record(item)  # as the guide's steps record them
    for step in (StepKey.CREATE_USER, StepKey.MFA, StepKey.ACCESS_KEYS):
        app.session.mark(step, StepState.DONE)
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        await remove_user(pilot, app, "bob")
        await rescanned(pilot, app, before)
        app.pop_screen()
        seen = await look(pilot, app)
        assert "bob" not in seen.user_names
        made, removed = seen.summary.split("What iam-tui made")[1].split("What the checks say now")[0].split(
            "What was removed")
        assert "bob" not in made and serial not in made and key_id not in made
        assert "IAM user: bob (removed in this session, with its AWS CLI profile, MFA device, access key)" in removed
        assert app.session.guide_user is None
        assert all(app.session.state(s) is StepState.TODO for s in (StepKey.CREATE_USER, StepKey.MFA,
                                                                      StepKey.ACCESS_KEYS))
        app.open_step(StepKey.MFA)  # step 3 asks whom, instead of NoSuchEntity for bob
        await until_screen(pilot, UserPickerScreen)
        await settle(pilot)
        assert "NoSuchEntity" not in visible_text(app)
        await pilot.press("escape")
        await until_screen(pilot, MfaScreen)
        assert "NoSuchEntity" not in visible_text(app)


# --- account settings -------------------------------------------------------------------------------------------


async def test_setting_the_password_policy_passes_1_7_and_1_8_everywhere(make_app: MakeApp,
                                                                       service: IamService) -> None:
    """The rescan after it keeps the Access Analyzers (a ListAnalyzers per region), which the write cannot change;
    r reads them again."""
    asked = analyzer_lists(service)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        assert before.result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.FAIL
        regions = len(asked)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("c", "a")  # the CIS preset, apply (the screen opens where its keys work)
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "password-policy-length")
        assert len(asked) == regions
        after = latest_scan(app)
        await pilot.press("escape")  # from the password policy screen to the dashboard, where r rescans
        await until_screen(pilot, DashboardScreen)
        await pilot.press("r")
        await rescanned(pilot, app, after)
    assert regions and len(asked) == regions + len(set(asked))  # r reads each enabled region once
    assert seen.statuses["password-policy-length"] is Status.PASS
    assert "Account settings iam-tui set\n  • password policy: 14+ characters" in seen.summary
    assert seen.statuses["password-policy-reuse"] is Status.PASS
    assert "[pass]" in seen.detail["password-policy-length"]
    assert "1.7" not in seen.summary and "1.8" not in seen.summary


async def test_accepting_1_15_shows_on_the_row_and_detail_at_once(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        board = dashboard(app)
        board.table.move_cursor(row=[c.id for c in board.checks].index(CheckId.NO_FULL_ADMIN_POLICY))
        await pilot.pause()
        await pilot.press("f")
        await until_shown(pilot, NameDialog)
        await pilot.press(*"the guide's admins", "enter")
        await until_screen(pilot, DashboardScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "no-full-admin-policy")
        row = str(board.table.get_row("no-full-admin-policy")[0])
    assert row == "✗ fail\naccepted"
    assert "Accepted on PowerUsers by " in seen.detail["no-full-admin-policy"]
    assert "the guide's admins" in seen.detail["no-full-admin-policy"]


async def fix_with_the_suggested_name(pilot: Pilot[int], app: IamTuiApp, check: CheckId) -> None:
    """f on the check, enter on the name dialog (the name it suggests), enter on the review; once every step is
    done, esc back to the dashboard."""
    board = dashboard(app)
    board.table.move_cursor(row=[c.id for c in board.checks].index(check))
    await pilot.pause()
    await pilot.press("f")
    await until_shown(pilot, NameDialog)
    await pilot.press("enter")
    await until_screen(pilot, PlanReviewScreen)
    await pilot.press("enter")
    await until_screen(pilot, PlanProgressScreen)
    progress = current(app, PlanProgressScreen)
    await until(pilot, lambda: progress.run_state.complete and not app.session.busy, tries=SCAN_TRIES)
    await pilot.press("escape")
    await until_screen(pilot, DashboardScreen)


async def test_moving_a_users_policies_to_a_group_passes_1_14_everywhere(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="ann")
    admin.attach_user_policy(UserName="ann", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        assert "1.14" in user_row(await look(pilot, app), "ann")
        await fix_with_the_suggested_name(pilot, app, CheckId.PERMISSIONS_VIA_GROUPS)  # ann-permissions
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
    assert seen.statuses["permissions-via-groups"] is Status.PASS
    assert "1.14" not in user_row(seen, "ann") and "ann-pe" in user_row(seen, "ann")  # its new group
    made = made_section(seen)
    assert "• group: ann-permissions" in made and "• group policy: ReadOnlyAccess on ann-permissions" in made
    assert "• group membership: ann in ann-permissions" in made
    assert "• user policy: ReadOnlyAccess on ann (detached in this session)" in removed_section(seen)


async def test_the_support_role_a_fix_made_is_in_the_summary(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        await fix_with_the_suggested_name(pilot, app, CheckId.SUPPORT_ROLE)  # AWSSupportRole
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
    assert seen.statuses["support-role"] is Status.PASS
    made = made_section(seen)
    assert "• role: AWSSupportRole" in made and "• role policy: AWSSupportAccess on AWSSupportRole" in made
    assert "nothing yet" not in made


async def test_the_security_contact_set_from_the_dashboard_passes_1_2_everywhere(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        modal = await open_security_contact(app, pilot)
        for field, value in (("name", "Sec"), ("title", "CISO"), ("email", "security@example.com"),
                             ("phone", "+1 206 555 0100")):
            modal.query_one(f"#contact-{field}", Input).value = value
        await pilot.press("ctrl+s")
        await until_screen(pilot, DashboardScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "security-contact")
    assert seen.statuses["security-contact"] is Status.PASS
    assert "[pass]" in seen.detail["security-contact"]
    assert "1.2 " not in seen.summary
    assert "• security contact: Sec <security@example.com>" in seen.summary


async def test_an_alias_set_in_step_4_is_in_the_header_the_dashboard_and_the_summary(make_app: MakeApp) -> None:
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_step(pilot, StepKey.SIGN_IN, SigninScreen)
        before = await first_scan(pilot, app)
        field = app.screen.query_one("#alias-input", Input)
        if app.focused is not field:
            await pilot.press("a")
        await pilot.press(*"acme-corp", "enter")
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
        panel = str(dashboard(app).query_one("#identity-panel", Static).render())
    assert "Alias    acme-corp" in panel
    assert "account alias: acme-corp (https://acme-corp.signin.aws.amazon.com/console)" in seen.summary


async def test_an_mfa_device_enabled_in_step_3_passes_1_9_everywhere(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Aa1!aaaaaaaaaaaa")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_mfa(app, pilot)
        before = await first_scan(pilot, app)
        assert before.result(CheckId.CONSOLE_USERS_MFA).status is Status.FAIL
        seed = await create_device(app, pilot, screen)
        await type_codes(app, pilot, screen, *two_codes(seed))
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
    assert seen.statuses["console-users-mfa"] is Status.PASS
    assert "1.9" not in user_row(seen, "alice")
    assert "MFA device: arn:aws:iam::123456789012:mfa/alice (virtual, assigned to alice)" in seen.summary



# --- key rotation --------------------------------------------------------------------------------------------------


def aws_keys(admin: Any, user: str) -> list[tuple[str, bool]]:
    return [(k["AccessKeyId"], k["Status"] == "Active") for k in admin.list_access_keys(UserName=user)[
        "AccessKeyMetadata"]]


def scanned_keys(app: IamTuiApp, user: str) -> list[tuple[str, bool]]:
    assert app.last_scan is not None and app.last_scan.inputs is not None
    return [(k.access_key_id, k.active) for k in app.last_scan.inputs.live_users[user].keys]


async def test_a_rotation_and_its_old_keys_deletion_show_everywhere(make_app: Callable[..., IamTuiApp], admin: Any,
                                                                  paths: CliPaths, alice: tuple[str, str],
                                                                  service: IamService) -> None:
    old = alice[0]
    app = make_app()
    app.session.record(Made("access key", old, "of alice", user="alice"))  # as step 5 records it
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        sent = operations(service)
        app.push_screen(KeyRotationScreen("alice"))
        await until_screen(pilot, KeyRotationScreen)
        screen = app.screen
        assert isinstance(screen, KeyRotationScreen)
        await until(pilot, lambda: screen.plan is not None)
        await pilot.press("enter")
        await until(pilot, lambda: screen.journal is not None and not app.session.busy)
        await rescanned(pilot, app, before)
        after = app.last_scan
        assert after is not None and after.api_calls and ACCOUNT_READS.isdisjoint(sent)  # alice, not the account
        ((new, _),) = [k for k in aws_keys(admin, "alice") if k[0] != old]
        assert scanned_keys(app, "alice") == aws_keys(admin, "alice") == [(old, False), (new, True)]
        seen = await look(pilot, app)  # from the rotation screen, left open
        assert "1/2 active" in user_row(seen, "alice")
        assert f"access key: {new} (of alice, replacing {old})" in seen.summary

        before = latest_scan(app)  # d deletes the old key
        await pilot.press("d")
        await until_shown(pilot, TypedConfirmScreen)
        await pilot.press(*old, "enter")
        await until(pilot, lambda: screen.journal is None and not app.session.busy)
        await rescanned(pilot, app, before)
        assert scanned_keys(app, "alice") == aws_keys(admin, "alice") == [(new, True)]
        seen = await look(pilot, app)
    assert "1/1 active" in user_row(seen, "alice")
    made, removed = seen.summary.split("What iam-tui made")[1].split("What the checks say now")[0].split(
        "What was removed")
    assert f"access key: {new}" in made and f"access key: {old}" not in made
    assert f"access key: {old} (of alice, deleted in this session)" in removed


async def test_activating_a_second_key_fails_1_12_everywhere(make_app: Callable[..., IamTuiApp], admin: Any) -> None:
    admin.create_user(UserName="alice")
    admin.create_access_key(UserName="alice")
    second = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    admin.update_access_key(UserName="alice", AccessKeyId=second, Status="Inactive")
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _keys_screen(pilot, app)
        before = await first_scan(pilot, app)
        assert before.result(CheckId.ONE_ACTIVE_KEY).status is Status.PASS
        await press_on_key(pilot, screen, second, "a")  # activating asks nothing
        await rescanned(pilot, app, before)
        assert scanned_keys(app, "alice") == aws_keys(admin, "alice")
        seen = await look(pilot, app, "one-active-key")
    assert seen.statuses["one-active-key"] is Status.FAIL
    assert "alice" in seen.detail["one-active-key"]
    assert "2/2 active" in user_row(seen, "alice")
    assert "✗ 1.12" in seen.summary


# --- the key's AWS CLI profile (step 5, way 3) ----------------------------------------------------------------------


async def test_a_verified_profile_then_its_keys_deletion_show_everywhere(make_app: Callable[..., IamTuiApp],
                                                                        admin: Any, aws_dir: Path) -> None:
    """Writing and verifying the profile uses the key (1.10 passes again); deleting the key and the profile's
    sections takes both out of the summary's made part."""
    admin.create_user(UserName="dan")
    admin.create_login_profile(UserName="dan", Password="Correct-Horse-9-battery")
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="dan")
    async with app.run_test(size=(100, 32)) as pilot:
        keys = await _keys_screen(pilot, app)
        await first_scan(pilot, app)
        key_id = await new_key(pilot, app)
        await pilot.press("p")
        await until_screen(pilot, CliProfileScreen)
        await settle(pilot)
        before = app.last_scan
        await pilot.press("enter")
        await until(pilot, lambda: "Verified" in str(app.screen.query_one("#verify-status", Static).render()))
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "setup-keys-unused")
        assert seen.statuses["setup-keys-unused"] is Status.PASS  # the key is used
        assert "1.10" not in user_row(seen, "dan") and "now" in user_row(seen, "dan")
        assert "AWS CLI profile: dan (in " in seen.summary and f"access key: {key_id} (of dan)" in seen.summary
        assert "dan: a long-term access key that works without MFA" in seen.summary

        await pilot.press("escape")  # the profile, then the new key (taken: the profile holds it)
        await until_screen(pilot, NewKeyScreen)
        await pilot.press("escape")
        await until_screen(pilot, AccessKeysScreen)
        await settle(pilot)
        before = app.last_scan
        keys.query_one("#keys", DataTable).focus()
        await pilot.press("d")
        await until_screen(pilot, TypedConfirmScreen)
        await pilot.press(*key_id, "enter")
        await until_shown(pilot, ConfirmScreen)  # remove the profile's sections?
        await pilot.press("y")
        await until_screen(pilot, AccessKeysScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
    assert scanned_keys(app, "dan") == aws_keys(admin, "dan") == []
    assert "[dan]" not in (aws_dir / "credentials").read_text()
    assert "0/0" in user_row(seen, "dan") or " -  " in user_row(seen, "dan")
    made, removed = seen.summary.split("What iam-tui made")[1].split("What the checks say now")[0].split(
        "What was removed")
    assert key_id not in made and "AWS CLI profile: dan" not in made
    assert f"access key: {key_id} (of dan, deleted in this session)" in removed
    assert "AWS CLI profile: dan (" in removed


# --- step 5's ways 1 and 2 --------------------------------------------------------------------------------------


async def test_way_2_gates_alices_keys_everywhere(make_app: Callable[..., IamTuiApp], sandbox: Sandbox, admin: Any,
                                                  aws_dir: Path) -> None:
    seed = _admin_with_mfa(sandbox, admin)
    assert seed is not None
    plain = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]  # works without MFA
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, CliAccessScreen)
        before = await first_scan(pilot, app)
        assert before.result(CheckId.ADMIN_KEYS_MFA).status is Status.FAIL
        await pilot.press("m")
        await until_screen(pilot, MfaKeyScreen)
        gate = app.screen
        await until(pilot, lambda: "MFA device" in str(gate.query_one("#gate-intro", Static).render()))
        await pilot.press("enter")
        await run_reviewed_plan(pilot, app)
        # the policy's change is read (the flow waits on the progress screen: no settling), then the key is made
        await until(pilot, lambda: app.last_scan is not before and not app.session.busy, tries=SCAN_TRIES)
        before = latest_scan(app)
        await pilot.press("enter")
        await until_shown(pilot, MfaCodeScreen)
        await pilot.press(*totp(seed, time.time()), "enter")
        await until(pilot, lambda: "Verified" in str(gate.query_one("#gate-status", Static).render()))
        await rescanned(pilot, app, before)
        assert scanned_keys(app, "alice") == aws_keys(admin, "alice")
        ((gated, _),) = [k for k in aws_keys(admin, "alice") if k[0] != plain]
        assert admin.get_access_key_last_used(AccessKeyId=gated)["AccessKeyLastUsed"].get("LastUsedDate")
        assert app.last_scan is not None and app.last_scan.inputs is not None
        assert [k.last_used is not None for k in app.last_scan.inputs.live_users["alice"].keys] == [False, True]
        seen = await look(pilot, app, "admin-keys-mfa")
    assert seen.statuses["admin-keys-mfa"] is Status.PASS  # both keys gated by the policy now
    assert seen.statuses["one-active-key"] is Status.FAIL  # the plain key is still active: the review said so
    assert "2/2 active" in user_row(seen, "alice")
    assert f"policy: {POLICY_NAME} (attached to group PowerUsers" in seen.summary
    assert "alice: an access key that MFA gates" in seen.summary


async def test_way_1_the_profile_and_the_signin_policy_show_everywhere(
        make_app: Callable[..., IamTuiApp], admin: Any, aws_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    admin.create_user(UserName="alice")
    admin.create_group(GroupName="Readers")
    admin.add_user_to_group(GroupName="Readers", UserName="alice")
    admin.attach_group_policy(GroupName="Readers", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    monkeypatch.setenv("PATH", str(tmp_path))  # no AWS CLI: the screen shows the command
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, CliAccessScreen)
        before = await first_scan(pilot, app)
        await pilot.press("l")
        await until_screen(pilot, CliLoginScreen)
        login = app.screen
        assert isinstance(login, CliLoginScreen)
        await until(pilot, lambda: login.cli is not None, tries=1000)
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await run_reviewed_plan(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "aws login --profile alice" in str(login.query_one("#login-status",
                                                                                      Static).render()))
        await rescanned(pilot, app, before)
        seen = await look(pilot, app)
        scan = app.last_scan
    assert scan is not None and scan.inputs is not None and isinstance(scan.inputs.authz, AuthorizationDetails)
    readers = next(g for g in scan.inputs.authz.groups if g.name == "Readers")  # the group was read again
    assert {ref.arn.rsplit("/", 1)[-1] for ref in readers.attached} == {
        p["PolicyName"] for p in admin.list_attached_group_policies(GroupName="Readers")["AttachedPolicies"]} == {
        "ReadOnlyAccess", "SignInLocalDevelopmentAccess"}
    assert "Readers" in user_row(seen, "alice")
    assert f"AWS CLI profile: alice (for aws login, in {aws_dir / 'config'})" in seen.summary
    assert "alice: aws login" in seen.summary
