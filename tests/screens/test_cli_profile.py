"""Next steps: the AWS CLI profile written, verified, and the root key retired in the demo."""

from __future__ import annotations

import dataclasses
import html
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws import cli_profile
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.core.aws_config import CliPaths, profile_options
from iam_tui.core.checks import Status
from iam_tui.core.finish import summary_text
from iam_tui.core.mfa_gate import POLICY_NAME, policy_json
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp
from iam_tui.files import file_mode
from iam_tui.guide import StepKey
from iam_tui.screens.cli_profile import CliProfileScreen
from iam_tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.mfa_code import MfaCodeScreen
from iam_tui.screens.new_key import NewKeyScreen
from iam_tui.settings import ConnectionSettings
from iam_tui.widgets.identity_bar import IdentityBar
from tests.helpers import inject_error

from ..helpers import IamClient, MakeApp
from .pilot import current, identity_of, settle
from .test_access_keys import _app, _create, _open
from .waiting import until, until_screen, until_shown


def _seen(app: IamTuiApp) -> str:
    """The text a person sees on the screen."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


def _text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def aws_dir(sandbox: Sandbox, tmp_path: Path) -> Path:
    folder = tmp_path / ".aws"
    sandbox.cli_folder = folder  # type: ignore[attr-defined]  # where the demo writes profiles (it never touches the real ~/.aws)
    return folder


async def _profile_screen(pilot: Pilot[int], app: IamTuiApp) -> CliProfileScreen:
    await _open(pilot, app)
    new_key_screen = await _create(pilot, app)
    await pilot.press("p")
    await until_screen(pilot, CliProfileScreen)
    await settle(pilot)
    screen = current(app, CliProfileScreen)
    assert app.focused is screen.query_one("#profile-name", Input)
    assert new_key_screen.new_key is screen.new_key
    return screen


async def test_profile_verified_then_root_key_retired(make_app: MakeApp, admin: IamClient, sandbox: Sandbox,
                                                      aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
    admin.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                            AuthenticationCode2="654321")
    root_key = sandbox.state.first_root_key.access_key_id
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _profile_screen(pilot, app)
        root_service = app.service
        assert str(aws_dir) in _text(app, "#paths") and "Demo" in _text(app, "#paths")
        await until(pilot, lambda: serial in _text(app, "#mfa-note"))
        assert f"aws sts get-session-token --serial-number {serial}" in _text(app, "#mfa-note")
        await pilot.press("enter")
        await until(pilot, lambda: "Verified" in _text(app, "#verify-status"))
        assert "arn:aws:iam::123456789012:user/alice" in _text(app, "#verify-status")
        assert "alice: a long-term access key that works without MFA" in summary_text(app.session.made, None, 0, 6)
        credentials, config = aws_dir / "credentials", aws_dir / "config"
        assert file_mode(aws_dir) == 0o700 and file_mode(credentials) == 0o600 and file_mode(config) == 0o600
        written = profile_options(credentials.read_text(), "alice", config_file=False) or {}
        assert written["aws_access_key_id"] == screen.new_key.access_key_id
        # no mfa_serial: the AWS CLI ignores it on a profile with a key, so it would only suggest a protection
        assert profile_options(config.read_text(), "alice", config_file=True) == {"region": "us-east-1",
                                                                                  "output": "json"}
        assert screen.new_key.secret.reveal() not in app.export_screenshot()

        # "Verified" shows before the screen asks which key it runs on (a thread): wait for the offer itself
        await until(pilot, lambda: app.screen.query_one("#retire").display)
        retire = app.screen.query_one("#retire")
        assert retire.display and root_key in _text(app, "#retire-text")
        assert app.focused is app.screen.query_one("#retire-key", Button)
        await pilot.press("enter")
        await until_screen(pilot, TypedConfirmScreen)
        await pilot.press(*root_key, "enter")
        await until(pilot, lambda: app.identity is not None and identity_of(app).caller.name == "alice")
        await settle(pilot)
        assert sandbox.state.root_keys == {}
        assert app.service is not root_service and app.settings.profile == "alice"
        assert "IAM user alice" in str(app.screen.query_one(IdentityBar).render())
        assert "now runs as alice" in _text(app, "#verify-status") and not retire.display

        await pilot.press("escape")  # back to the new key (it counts as taken: a profile holds it)
        await until_screen(pilot, NewKeyScreen)
        assert "written to a CLI profile" in app.screen.taken
        dashboard = next(s for s in app.screen_stack if isinstance(s, DashboardScreen))
        await until(pilot, lambda: dashboard.scan is not None and dashboard.scan.identity.caller.name == "alice")
        assert dashboard.scan.result("root-access-keys").status is Status.PASS
        assert dashboard.scan.result("caller-not-root").status is Status.PASS
        summary = summary_text(app.session.made, dashboard.scan.results, 0, 5)  # the summary names what went
        assert f"What was removed\n  • root access key: {root_key} (deleted; iam-tui went on with profile alice)" \
            in summary


async def test_an_existing_profile_is_replaced_only_when_confirmed(make_app: MakeApp, admin: IamClient,
                                                                   aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    aws_dir.mkdir(mode=0o700)
    (aws_dir / "credentials").write_text("# mine\n[alice]\naws_access_key_id = AKIAOLDKEY\n"
                                         "aws_secret_access_key = old\n\n[other]\naws_access_key_id = AKIAOTHER\n")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _profile_screen(pilot, app)
        await pilot.press("enter")
        await until_screen(pilot, ConfirmScreen)
        assert "AKIAOLDKEY" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await until_screen(pilot, CliProfileScreen)
        await settle(pilot)
        assert "kept as it was" in _text(app, "#verify-status")
        assert "AKIAOLDKEY" in (aws_dir / "credentials").read_text()
        app.screen.query_one("#profile-name", Input).focus()
        await pilot.press("enter")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await until_screen(pilot, CliProfileScreen)
        await until(pilot, lambda: "Verified" in _text(app, "#verify-status"))
        text = (aws_dir / "credentials").read_text()
        assert "AKIAOLDKEY" not in text and text.startswith("# mine\n[alice]\n") and "AKIAOTHER" in text


async def test_invalid_region_and_name_are_refused_before_writing(make_app: MakeApp, admin: IamClient,
                                                                  aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _profile_screen(pilot, app)
        region = app.screen.query_one("#region", Input)
        region.value = "us-east-11"
        await pilot.pause()
        assert "Did you mean us-east-1" in _text(app, "#profile-error")
        await pilot.press("enter")
        await settle(pilot)
        assert not aws_dir.exists()
        region.value = "us-east-1"
        app.screen.query_one("#profile-name", Input).value = "my profile"
        await pilot.pause()
        assert "no spaces" in _text(app, "#profile-error")


async def test_a_profile_that_does_not_work_is_reported(make_app: MakeApp, admin: IamClient, aws_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    admin.create_user(UserName="alice")
    real = cli_profile.service_for_profile

    def denied(service: IamService, paths: CliPaths, profile: str) -> IamService:
        new = real(service, paths, profile)
        inject_error(new, "sts", "GetCallerIdentity", "AccessDenied", status=403)
        return new

    monkeypatch.setattr(cli_profile, "service_for_profile", denied)
    app = _app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await _profile_screen(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "does not work" in _text(app, "#verify-status"))
        assert "AccessDenied" in _text(app, "#verify-status")
        await settle(pilot)
        assert "does not work yet" in _seen(app)  # below the form at 80x24: scrolled into view
        assert not app.screen.query_one("#retire").display
        assert identity_of(app).caller.is_root


async def test_no_root_key_to_retire_when_running_as_a_user(make_app: MakeApp, admin: IamClient, sandbox: Sandbox,
                                                            aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    key = admin.create_access_key(UserName="alice")["AccessKey"]
    alice = IamService(AwsContext(sandbox.session(key["AccessKeyId"], Secret(key["SecretAccessKey"])),
                                  ConnectionSettings(demo=True), source="test"), sandbox)

    async def connector(_settings: ConnectionSettings) -> IamService:
        await alice.account.identity()
        return alice

    app = IamTuiApp(ConnectionSettings(demo=True), connector=connector, start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(100, 32)) as pilot:
        await _profile_screen(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: "Verified" in _text(app, "#verify-status"))
        await settle(pilot)
        assert not app.screen.query_one("#retire").display
        assert app.service is alice


async def test_keeping_the_root_key(make_app: MakeApp, admin: IamClient, sandbox: Sandbox, aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _profile_screen(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#retire").display)
        await settle(pilot)  # the offer scrolls into view (and the result above it): click where it ends up
        await pilot.click("#keep-root")
        await pilot.pause()
        assert not app.screen.query_one("#retire").display
        assert len(sandbox.state.root_keys) == 1 and identity_of(app).caller.is_root


async def test_once_the_profile_holds_the_key_quitting_does_not_advise_deleting_it(make_app: MakeApp, admin: IamClient,
                                                                                   aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _profile_screen(pilot, app)
        await app.action_quit()  # before: the secret was never taken, so quitting asks and says to delete the key
        await until_screen(pilot, ConfirmScreen)
        assert screen.new_key.access_key_id in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await until_screen(pilot, CliProfileScreen)
        app.screen.query_one("#profile-name", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "Verified" in _text(app, "#verify-status"))
        await app.action_quit()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and app.return_code == 0


async def test_the_profile_carries_the_endpoint_url(make_app: MakeApp, admin: IamClient, aws_dir: Path) -> None:
    admin.create_user(UserName="alice")
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _profile_screen(pilot, app)
        app.service.ctx.settings = dataclasses.replace(app.service.settings, endpoint_url="http://127.0.0.1:9")
        await pilot.press("enter")
        await until(pilot, lambda: "✓" in _text(app, "#verify-status") or "✗" in _text(app, "#verify-status"))
        options = profile_options((aws_dir / "config").read_text(), "alice", config_file=True) or {}
        assert options.get("endpoint_url") == "http://127.0.0.1:9"


async def test_a_key_that_force_mfa_gates_is_not_just_verified_and_the_hand_over_asks_the_code(
        make_app: Callable[..., IamTuiApp], admin: Any, sandbox: Sandbox, aws_dir: Path) -> None:
    """Way 3 for a user whose group carries way 2's policy: GetCallerIdentity answers, but the key alone can do
    nothing, and the screen says so; after the root key goes, iam-tui asks the code and runs on an MFA session."""
    admin.create_user(UserName="alice")
    admin.create_group(GroupName="PowerUsers")
    admin.add_user_to_group(GroupName="PowerUsers", UserName="alice")
    arn = admin.create_policy(PolicyName=POLICY_NAME, PolicyDocument=policy_json())["Policy"]["Arn"]
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn=arn)
    iam = sandbox.session().create_client("iam")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed = Secret(device["Base32StringSeed"].decode())
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp(seed, time.time() - 30), AuthenticationCode2=totp(seed, time.time()))
    root_key = sandbox.state.first_root_key.access_key_id
    app = _app(make_app)
    async with app.run_test(size=(100, 32)) as pilot:
        await _profile_screen(pilot, app)
        # as connecting builds it: the app's question in the service's settings (the fixture's has none)
        app.service.ctx.settings = dataclasses.replace(app.service.settings, mfa_prompter=app.ask_mfa_code)
        await pilot.press("enter")
        await until(pilot, lambda: "Verified" in _text(app, "#verify-status"))
        assert "refuses its other calls without MFA" in _text(app, "#verify-status")
        await until(pilot, lambda: app.screen.query_one("#retire").display)
        await pilot.press("enter")
        await until_screen(pilot, TypedConfirmScreen)
        await pilot.press(*root_key, "enter")
        await until_shown(pilot, MfaCodeScreen)
        await pilot.press(*totp(seed, time.time() + 30), "enter")
        await until(pilot, lambda: app.identity is not None and app.identity.caller.name == "alice")
        assert "MFA session" in app.service.ctx.credential_source()
        await app.service.aws.call("iam", "GetAccountSummary")  # what the key alone may not do
