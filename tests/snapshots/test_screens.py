"""Every screen and dialog as a person sees it, at 80x24 and 120x40 in a dark and a light theme (see conftest.py).

Each test arranges the sandbox, opens the screen the way a person does (keys), and takes the four screenshots."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from iam_tui.aws.errors import AwsError
from iam_tui.guide import StepKey
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.settings import ConnectionSettings

from ..screens.pilot import settle
from ..screens.waiting import until, until_screen

pytestmark = pytest.mark.usefixtures("seeded_ids")


async def _open(pilot: Pilot[object], *keys: str) -> Screen[object]:
    await until(pilot, lambda: pilot.app.screen is not None)
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return pilot.app.screen


async def _typed(pilot: Pilot[object], text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def _alice(admin, *, key: bool = False, password: bool = False) -> None:
    admin.create_user(UserName="alice")
    if key:
        admin.create_access_key(UserName="alice")
    if password:
        admin.create_login_profile(UserName="alice", Password="Not-shown-1234!", PasswordResetRequired=True)


# --- the dashboard and what opens from it ----------------------------------------------------------------------

async def test_dashboard(make_app, admin, shoot) -> None:
    _alice(admin, key=True, password=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, DashboardScreen)
        await _open(pilot)
        await shoot(pilot)


async def test_help(make_app, shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "question_mark")
        await shoot(pilot)


async def test_password_policy(make_app, shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "p")
        await shoot(pilot)


async def test_security_contact_form(make_app, shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "s")
        await shoot(pilot)


async def test_startup_error(shoot) -> None:
    from iam_tui.app import IamTuiApp

    async def fails(_settings: ConnectionSettings):
        raise AwsError("ExpiredToken", "The security token included in the request is expired.",
                       "Sign in again (aws login), then press r.")

    app = IamTuiApp(ConnectionSettings(profile="work"), connector=fails)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_summary(make_app, shoot) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "g", "6")
        await shoot(pilot)


# --- step 2: create the user -----------------------------------------------------------------------------------

async def test_create_user_form(make_app, shoot) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await _typed(pilot, "alice")
        await shoot(pilot)


# --- step 3: MFA --------------------------------------------------------------------------------------------------

async def test_mfa_device_name(make_app, admin, shoot) -> None:
    _alice(admin, password=True)
    app = make_app(start_at=StepKey.MFA)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_mfa_qr_code(make_app, admin, shoot) -> None:
    _alice(admin, password=True)
    app = make_app(start_at=StepKey.MFA)
    app.session.guide_user = "alice"
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot, "enter")  # the suggested device name
        await shoot(pilot)


# --- step 4: sign in ---------------------------------------------------------------------------------------------

async def test_sign_in(make_app, admin, shoot) -> None:
    _alice(admin, password=True)
    app = make_app(start_at=StepKey.SIGN_IN)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_user_picker(make_app, admin, shoot) -> None:
    for name in ("alice", "bob", "carol"):
        admin.create_user(UserName=name)
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "u")
        await shoot(pilot)


# --- step 5: access keys -----------------------------------------------------------------------------------------

async def test_access_keys(make_app, admin, shoot) -> None:
    _alice(admin, key=True)
    app = make_app(start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await shoot(pilot)


async def test_create_key_dialog(make_app, admin, shoot) -> None:
    _alice(admin)
    app = make_app(start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "n")
        await shoot(pilot)


async def test_typed_confirmation(make_app, admin, shoot) -> None:
    _alice(admin, key=True)
    app = make_app(start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, "d")
        await shoot(pilot)
