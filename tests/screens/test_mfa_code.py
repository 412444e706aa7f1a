"""A role profile with mfa_serial: botocore's MFA prompt becomes a modal in the app (it would otherwise call
getpass from a worker thread and block unseen). AWS is moto; the profile is a temporary config file."""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from textual.widgets import Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService, session_if_refused
from iam_tui.aws.session import AwsContext
from iam_tui.core.totp import totp
from iam_tui.guide import StepKey
from iam_tui.screens.mfa_code import MfaCodeScreen
from iam_tui.screens.startup import StartupErrorScreen
from iam_tui.settings import ConnectionSettings
from tests.aws.test_mfa_refused import alice_key

from .pilot import current, identity_of
from .waiting import until, until_screen, until_shown

SERIAL = "arn:aws:iam::123456789012:mfa/alice"


@pytest.fixture
def role_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    config = tmp_path / "config"
    config.write_text("[profile base]\naws_access_key_id = AKIABASEPROFILE00001\naws_secret_access_key = x\n\n"
                      "[profile admin-mfa]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n"
                      f"mfa_serial = {SERIAL}\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a terminal prompt would fail loudly, not block
    with mock_aws():
        yield


@pytest.mark.usefixtures("role_profile")
async def test_role_mfa_code_is_asked_in_a_modal_and_the_role_is_assumed() -> None:
    app = IamTuiApp(ConnectionSettings(profile="admin-mfa"))
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MfaCodeScreen) and app.screen.query("#mfa-prompt"))
        assert SERIAL in str(app.screen.query_one("#mfa-prompt", Static).render())
        await until_shown(pilot, MfaCodeScreen)
        assert app.focused is app.screen.query_one("#mfa-code", Input)
        await pilot.press("1", "2", "3", "q", "4", "5", "6")  # a letter goes nowhere (no quit)
        assert app.screen.query_one("#mfa-code", Input).value == "123456"
        await pilot.press("enter")
        await until(pilot, lambda: app.identity is not None)
        assert identity_of(app).caller.arn.startswith("arn:aws:sts::123456789012:assumed-role/Admin/")
        assert identity_of(app).source == "profile admin-mfa (assumed role)"


@pytest.mark.usefixtures("role_profile")
async def test_cancelling_the_mfa_code_says_what_to_do() -> None:
    app = IamTuiApp(ConnectionSettings(profile="admin-mfa"))
    async with app.run_test(size=(100, 32)) as pilot:
        await until_shown(pilot, MfaCodeScreen)
        await pilot.press("escape")
        await until_screen(pilot, StartupErrorScreen)
        error = current(app, StartupErrorScreen).error
        assert error.code == "MfaCodeNeeded" and "Press r" in error.fix


@pytest.fixture
def key_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What step 5's way 2 writes: a key profile with mfa_serial (botocore alone would sign with the bare key)."""
    (tmp_path / "config").write_text(f"[profile alice-long-term]\nregion = us-east-1\nmfa_serial = {SERIAL}\n")
    (tmp_path / "credentials").write_text("[alice-long-term]\naws_access_key_id = AKIAALICELONGTERM001\n"
                                          "aws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with mock_aws():
        yield


@pytest.mark.usefixtures("key_profile")
async def test_a_key_profile_with_mfa_serial_asks_the_code_and_runs_on_a_session() -> None:
    app = IamTuiApp(ConnectionSettings(profile="alice-long-term"))
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MfaCodeScreen) and app.screen.query("#mfa-prompt"))
        await until_shown(pilot, MfaCodeScreen)
        seen = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "GetSessionToken" in seen and "in memory only" in seen and SERIAL in seen
        await pilot.press(*"123456", "enter")
        await until(pilot, lambda: app.identity is not None)
        assert identity_of(app).source.startswith("profile alice-long-term (MFA session (GetSessionToken, in memory) "
                                              "until ")


async def test_a_key_refused_without_mfa_asks_the_code_and_runs_on_a_session(sandbox: Sandbox) -> None:
    """A profile without mfa_serial whose key Force_MFA refuses: the app notices, asks the code (the device found
    through iam:ListMFADevices), and goes on with a session in memory, saying until when."""
    key_id, secret, seed, serial = alice_key(sandbox)
    assert seed is not None

    async def connector(settings: ConnectionSettings) -> IamService:
        service = IamService(AwsContext(sandbox.session(key_id, secret), settings), sandbox)
        await service.account.identity()
        return await session_if_refused(service)

    app = IamTuiApp(ConnectionSettings(), connector=connector, start_at=StepKey.ACCESS_KEYS)
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MfaCodeScreen) and app.screen.query("#mfa-prompt"))
        await until_shown(pilot, MfaCodeScreen)
        seen = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "refuses this access key's calls without MFA" in seen and serial in seen
        await pilot.press(*totp(seed, time.time()), "enter")
        await until(pilot, lambda: app.identity is not None)
        assert app.identity is not None
        assert app.identity.caller.arn.endswith(":user/alice")
        assert app.identity.source.startswith("MFA session (GetSessionToken, in memory) until ")
        await app.service.aws.call("iam", "GetAccountSummary")  # what the key alone may not do
