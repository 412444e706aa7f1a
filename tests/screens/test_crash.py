"""A bug (an unexpected exception) in a handler or a worker: the app stays up, shows what failed with a report
that holds no secret, and the person goes on or quits with the exit cleanups. The report is saved only on request.

Each test meets a bug on purpose, so ``run_test`` re-raises it at the end (as it does for any bug a test meets):
hence the ``pytest.raises`` around the app."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.clipboard import Clipboard
from iam_tui.core.exit_status import EXIT_CRASHED
from iam_tui.files import file_mode
from iam_tui.guide import StepKey
from iam_tui.screens.access_keys import AccessKeysScreen
from iam_tui.screens.crash import CrashScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.password_handover import PasswordHandoverScreen
from iam_tui.screens.users import UsersScreen

from ..helpers import IamClient, MakeApp
from .pilot import current, open_step, settle
from .test_access_keys import _create
from .test_create_user import create, go_to_review, open_form, type_name
from .test_mfa import WIDE, create_device, open_mfa
from .waiting import until, until_screen


class TerminalRefused(Exception):
    """A bug as it could be: an error whose message quotes what it was handed (here, a revealed secret)."""


def refusing_clipboard(text: str) -> None:
    raise TerminalRefused(f"the terminal refused {text!r}")


def seen(app: IamTuiApp) -> str:
    """What a person sees (tags stripped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


async def crash_on_copy(app: IamTuiApp, pilot: Pilot[int], secret: str, tmp_path: Path) -> CrashScreen:
    """Copy the secret with a clipboard that raises; the crash screen shows, is saved on request, and holds no
    trace of the secret (nor does the file)."""
    app.clipboard_service = Clipboard(refusing_clipboard, env={"SSH_CONNECTION": "x"})
    await pilot.press("c")
    await until_screen(pilot, CrashScreen)
    screen = current(app, CrashScreen)
    assert isinstance(screen, CrashScreen)
    report = screen.report.text
    assert "TerminalRefused: the terminal refused '********'" in report  # the message, the secret masked
    assert "refusing_clipboard" in report and "Traceback" in report
    assert secret not in report and secret not in seen(app)
    assert "TerminalRefused" in seen(app)
    assert list(tmp_path.glob("iam-tui-crash-*")) == []  # nothing written until asked
    await pilot.press("s")
    await settle(pilot)
    saved = list(tmp_path.glob("iam-tui-crash-*.txt"))
    assert len(saved) == 1 and file_mode(saved[0]) == 0o600
    assert saved[0].read_text() == report + "\n" and secret not in saved[0].read_text()
    return screen


async def test_a_crash_during_the_password_handover(make_app: MakeApp, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    with pytest.raises(TerminalRefused):
        async with app.run_test(size=(100, 32)) as pilot:
            await open_form(app, pilot)
            await type_name(pilot, "bob")
            await go_to_review(pilot)
            handover = await create(pilot)
            password = handover.password.reveal()
            await crash_on_copy(app, pilot, password, tmp_path)
            await pilot.press("escape")  # go on: back where the bug happened, and it still works
            await until_screen(pilot, PasswordHandoverScreen)
            assert app.screen is handover and app.is_running
            await pilot.press("v")
            await settle(pilot)
            assert password in seen(app)  # the screen still takes keys and draws


async def test_a_crash_on_the_mfa_seed_screen_then_quit_runs_the_exit_cleanups(make_app: MakeApp, admin: IamClient,
                                                                               tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    with pytest.raises(TerminalRefused):
        async with app.run_test(size=WIDE) as pilot:
            screen = await open_mfa(app, pilot)
            seed = await create_device(app, pilot, screen)
            assert len(admin.list_virtual_mfa_devices()["VirtualMFADevices"]) == 1
            crash = await crash_on_copy(app, pilot, seed.reveal(), tmp_path)
            assert "".join(seed.reveal().split()) not in crash.report.text
            await pilot.press("q")
            await until(pilot, lambda: app.return_code is not None)
    assert admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []  # the unassigned device was deleted
    assert app.return_code == EXIT_CRASHED
    assert app.exit_message is not None
    first = app.exit_message.splitlines()[0]
    assert first.startswith("iam-tui: crashed (TerminalRefused at ") and "The report is in " in first


async def test_a_crash_during_a_key_handover(make_app: MakeApp, admin: IamClient, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    with pytest.raises(TerminalRefused):
        async with app.run_test(size=(100, 32)) as pilot:
            await open_step(pilot, StepKey.ACCESS_KEYS, AccessKeysScreen)
            handover = await _create(pilot, app)
            secret = handover.new_key.secret.reveal()
            await crash_on_copy(app, pilot, secret, tmp_path)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is handover)


async def test_a_crash_in_a_worker_is_shown_and_the_app_goes_on(make_app: MakeApp, service: IamService,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(**_: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(service.scan, "scan", broken)
    app = make_app()
    with pytest.raises(KeyError):
        async with app.run_test(size=(100, 32)) as pilot:
            await until_screen(pilot, CrashScreen)
            assert current(app, CrashScreen).report.title == "KeyError in a background task (scan) of DashboardScreen"
            await pilot.press("escape")
            await until_screen(pilot, DashboardScreen)
            app.action_open_users()  # the app goes on
            await until_screen(pilot, UsersScreen)
            assert app.is_running and len(app.crashes) == 1


async def test_a_bug_that_keeps_coming_back_ends_the_app_with_one_line(
        make_app: MakeApp, service: IamService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_CRASHES the app stops showing them (one raised at every frame would loop): it ends, with the crash
    status and one line, never Textual's traceback with local variables."""
    from iam_tui import app as app_module

    async def broken(**_: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(app_module, "MAX_CRASHES", 1)
    monkeypatch.setattr(service.scan, "scan", broken)
    app = make_app()
    with pytest.raises(KeyError):
        async with app.run_test(size=(100, 32)) as pilot:
            await until_screen(pilot, CrashScreen)
            await pilot.press("escape")
            await until_screen(pilot, DashboardScreen)
            await pilot.press("r")  # the same bug again
            await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == EXIT_CRASHED
    assert app.exit_message is not None and app.exit_message.startswith("iam-tui: crashed (KeyError at ")
    assert "\n" not in app.exit_message and not app._exit_renderables
