"""Every screen and dialog as a person sees it, at 80x24 and 120x40 in a dark and a light theme (see conftest.py).

Each test arranges the sandbox, opens the screen the way a person does (keys), and takes the four screenshots."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from iam_tui.app import IamTuiApp
from iam_tui.aws import cli_login
from iam_tui.aws.cli_login import CliFound
from iam_tui.aws.errors import AwsError
from iam_tui.aws.keys import NewAccessKey
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.access_keys import USE_CASES
from iam_tui.core.plan_review import review_of_fix
from iam_tui.core.secret import Secret
from iam_tui.guide import StepKey
from iam_tui.screens.access_keys import CreateKeyScreen
from iam_tui.screens.base import Dialog
from iam_tui.screens.cli_access import CliAccessScreen
from iam_tui.screens.cli_login import CliLoginScreen
from iam_tui.screens.cli_profile import CliProfileScreen
from iam_tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.fixes import ConsoleChecklistScreen
from iam_tui.screens.mfa_code import MfaCodeScreen
from iam_tui.screens.mfa_key import MfaKeyScreen
from iam_tui.screens.new_key import NewKeyScreen
from iam_tui.screens.password_handover import InstructionsScreen, PasswordHandoverScreen
from iam_tui.screens.plan_review import PlanReviewScreen
from iam_tui.screens.qr_view import QrViewScreen
from iam_tui.screens.security_contact import SecurityContactScreen
from iam_tui.settings import ConnectionSettings

from ..helpers import IamClient, MakeApp
from ..screens.pilot import latest_scan, settle
from ..screens.waiting import until, until_screen, until_shown
from .conftest import Shoot

pytestmark = pytest.mark.usefixtures("seeded_ids")


async def _open(pilot: Pilot[int], *keys: str) -> Screen[object]:
    await until(pilot, lambda: pilot.app.screen is not None)
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return pilot.app.screen


async def _dialog(pilot: Pilot[int], key: str, dialog: type) -> None:
    """Open a dialog with ``key``: its opener's worker waits for the answer, so wait until it is drawn instead."""
    await _open(pilot)
    await pilot.press(key)
    await until_shown(pilot, dialog)
    await pilot.pause()


async def _typed(pilot: Pilot[int], text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def _alice(admin: IamClient, *, key: bool = False, password: bool = False) -> None:
    admin.create_user(UserName="alice")
    if key:
        admin.create_access_key(UserName="alice")
    if password:
        admin.create_login_profile(UserName="alice", Password="Not-shown-1234!", PasswordResetRequired=True)


# --- the dashboard and what opens from it ----------------------------------------------------------------------

async def test_dashboard(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, key=True, password=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, DashboardScreen)
        await _open(pilot)
        await shoot(pilot)


async def test_help(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "question_mark")
        await shoot(pilot)


async def test_password_policy(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "p")
        await shoot(pilot)


async def test_security_contact_form(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _dialog(pilot, "s", SecurityContactScreen)
        await shoot(pilot)


async def test_startup_error(shoot: Shoot) -> None:
    from iam_tui.app import IamTuiApp

    async def fails(_settings: ConnectionSettings) -> IamService:
        raise AwsError("ExpiredToken", "The security token included in the request is expired.",
                       "Sign in again (aws login), then press r.")

    app = IamTuiApp(ConnectionSettings(profile="work"), connector=fails)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_summary(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "g", "6")
        await shoot(pilot)


# --- step 2: create the user -----------------------------------------------------------------------------------

async def test_create_user_form(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await _typed(pilot, "alice")
        await until(pilot, lambda: "available" in str(pilot.app.screen.query_one("#user-name-msg").render()))
        await shoot(pilot)


# --- step 3: MFA --------------------------------------------------------------------------------------------------

async def test_mfa_device_name(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, password=True)
    app = make_app(start_at=StepKey.MFA)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_mfa_qr_code(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, password=True)
    app = make_app(start_at=StepKey.MFA)
    app.session.guide_user = "alice"
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, "enter")  # the suggested device name
        await shoot(pilot)


# --- step 4: sign in ---------------------------------------------------------------------------------------------

async def test_sign_in(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, password=True)
    app = make_app(start_at=StepKey.SIGN_IN)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_user_picker(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    for name in ("alice", "bob", "carol"):
        admin.create_user(UserName=name)
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "u")
        await shoot(pilot)


# --- step 5: access keys -----------------------------------------------------------------------------------------

async def test_access_keys(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, key=True)
    app = make_app(start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "k")  # way 3 of step 5: the keys list
        await shoot(pilot)


async def test_create_key_dialog(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin)
    app = make_app(start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "k")
        await _dialog(pilot, "n", CreateKeyScreen)
        await shoot(pilot)


async def test_typed_confirmation(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, key=True)
    app = make_app(start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "k")
        await _dialog(pilot, "d", TypedConfirmScreen)
        await shoot(pilot)


# --- screens reached mid-flow, pushed directly in their state --------------------------------------------------

SHOWN_KEY = NewAccessKey("alice", "AKIAEXAMPLE000000001", Secret("never/shown/secret/key/0000000000000000"),
                         datetime(2026, 6, 1, 9, 0, tzinfo=UTC))


async def _pushed(pilot: Pilot[int], screen: Screen[Any], dialog: bool = False) -> None:
    await _open(pilot)
    pilot.app.push_screen(screen)
    if dialog:
        assert isinstance(screen, Dialog)
        await until_shown(pilot, type(screen))
    await settle(pilot)


async def test_password_handover(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, password=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, PasswordHandoverScreen("alice", Secret("Never-Shown-Passw0rd!"), True))
        await shoot(pilot)


async def test_sign_in_instructions(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, password=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, InstructionsScreen("1. Open the sign-in URL.\n2. Sign in as alice.", "alice"), True)
        await shoot(pilot)


async def test_new_key(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, NewKeyScreen(SHOWN_KEY, USE_CASES[0]))
        await shoot(pilot)


async def test_cli_profile(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, CliProfileScreen(SHOWN_KEY))
        await shoot(pilot)


async def test_yes_no_question(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, ConfirmScreen("Leave without applying? Your edits are not sent to AWS.", yes="Leave",
                                           no="Stay"), True)
        await shoot(pilot)


async def test_mfa_code_question(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, MfaCodeScreen("Enter MFA code for arn:aws:iam::123456789012:mfa/admin: ", Future()),
                      True)
        await shoot(pilot)


async def test_full_screen_qr(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        uri = Secret("otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=JBSWY3DPEHPK3PXP"
                     "&issuer=Amazon%20Web%20Services")
        await _pushed(pilot, QrViewScreen(uri, "alice@123456789012"))
        await shoot(pilot)


async def test_users(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    _alice(admin, key=True, password=True)
    admin.create_user(UserName="bob")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "u")
        await shoot(pilot)


async def test_fix_review(make_app: MakeApp, service: IamService, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        plan = await service.fixes.support_role()
        await _pushed(pilot, PlanReviewScreen(review_of_fix(plan)))
        await shoot(pilot)


async def test_console_checklist(make_app: MakeApp, shoot: Shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        result = next(r for r in latest_scan(app).results if r.id == "root-mfa")
        await _pushed(pilot, ConsoleChecklistScreen(result))
        await shoot(pilot)


async def test_fix_progress(make_app: MakeApp, service: IamService, shoot: Shoot) -> None:
    from functools import partial

    from iam_tui.screens.plan_progress import PlanProgressScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        plan = await service.fixes.support_role()
        run, rollback = partial(service.fixes.run, plan), partial(service.fixes.rollback, plan)
        await _pushed(pilot, PlanProgressScreen(plan.title, service.fixes.start(plan), run, rollback))
        await shoot(pilot)


async def test_save_file(make_app: MakeApp, shoot: Shoot) -> None:
    from iam_tui.screens.save_file import SaveFileScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, SaveFileScreen("Save alice's console password (.csv)", Path("alice_credentials.csv"),
                                            lambda: b"", note="The file is made readable by you only (0600)."), True)
        await shoot(pilot)


async def test_key_rotation(make_app: MakeApp, admin: IamClient, shoot: Shoot) -> None:
    from iam_tui.screens.key_rotation import KeyRotationScreen

    _alice(admin, key=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, KeyRotationScreen("alice"))
        await shoot(pilot)


# --- step 5's three ways --------------------------------------------------------------------------------------

def _admin_with_device(sandbox: Sandbox, admin: Any) -> None:
    """alice in PowerUsers (AdministratorAccess) with an enabled virtual MFA device (moto takes any code)."""
    _alice(admin)
    admin.create_group(GroupName="PowerUsers")
    admin.add_user_to_group(GroupName="PowerUsers", UserName="alice")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    admin.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                            AuthenticationCode2="654321")


async def test_cli_access_chooser(make_app: Callable[..., IamTuiApp], admin: Any, shoot: Shoot) -> None:
    _alice(admin)
    app = make_app(guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, CliAccessScreen("alice"))
        await shoot(pilot)


async def test_cli_login(make_app: Callable[..., IamTuiApp], sandbox: Sandbox, admin: Any, shoot: Shoot,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Way 1 in the demo after enter: the profile written, and what would happen on a real account."""
    _admin_with_device(sandbox, admin)
    found = CliFound("/usr/local/bin/aws", (2, 32, 7))  # not whatever this machine has on PATH
    monkeypatch.setattr(cli_login, "find_cli", lambda *_a: found)
    app = make_app(guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, CliLoginScreen("alice"))
        await until(pilot, lambda: "2.32.7" in str(app.screen.query_one("#login-cli", Static).render()))
        await pilot.press("enter")
        status = app.screen.query_one("#login-status", Static)
        await until(pilot, lambda: "Demo" in str(status.render()))
        await settle(pilot)
        body = app.screen.query_one("#login-body")
        await until(pilot, lambda: status.region.bottom <= body.region.bottom)  # scrolled into view whole
        await shoot(pilot)


async def test_mfa_key(make_app: Callable[..., IamTuiApp], sandbox: Sandbox, admin: Any, shoot: Shoot) -> None:
    """Way 2 before enter: the user's device, the policy to be created, the group, the profile name."""
    _admin_with_device(sandbox, admin)
    app = make_app(guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _pushed(pilot, MfaKeyScreen("alice"))
        await until(pilot, lambda: "MFA device" in str(app.screen.query_one("#gate-intro", Static).render()))
        await settle(pilot)
        await shoot(pilot)
