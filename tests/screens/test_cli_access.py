"""Step 5's three ways, walked in the demo: the chooser, way 2 (a key that MFA gates, proven against the sandbox's
enforcement of the policy) and way 1 (aws login)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.aws.session import AwsContext
from iam_tui.core.aws_config import profile_options
from iam_tui.core.finish import summary_text
from iam_tui.core.mfa_gate import POLICY_NAME
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp
from iam_tui.guide import StepKey
from iam_tui.screens.cli_access import CliAccessScreen
from iam_tui.screens.cli_login import CliLoginScreen
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.mfa_code import MfaCodeScreen
from iam_tui.screens.mfa_key import MfaKeyScreen
from iam_tui.screens.plan_progress import PlanProgressScreen
from iam_tui.screens.plan_review import PlanReviewScreen
from iam_tui.settings import ConnectionSettings
from tests.login_fixtures import cached_token, stand_in_aws

from ..helpers import IamClient, MakeApp
from .pilot import current, settle
from .waiting import until, until_screen, until_shown


def _text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def aws_dir(sandbox: Sandbox, tmp_path: Path) -> Path:
    folder = tmp_path / ".aws"
    sandbox.cli_folder = folder  # type: ignore[attr-defined]  # the demo's own attribute
    return folder


def _admin_with_mfa(sandbox: Sandbox, admin: IamClient, *, mfa: bool = True) -> Secret | None:
    """alice in PowerUsers (AdministratorAccess), with an enabled virtual device whose seed the test knows."""
    admin.create_user(UserName="alice")
    admin.create_group(GroupName="PowerUsers")
    admin.add_user_to_group(GroupName="PowerUsers", UserName="alice")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    if not mfa:
        return None
    iam = sandbox.session().create_client("iam")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed = Secret(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
    return seed


async def _chooser(pilot: Pilot[int], app: IamTuiApp) -> CliAccessScreen:
    await until_screen(pilot, CliAccessScreen)
    await settle(pilot)
    return current(app, CliAccessScreen)


async def test_way_2_gates_the_key_and_proves_it(make_app: MakeApp, sandbox: Sandbox, admin: IamClient,
                                                 aws_dir: Path) -> None:
    seed = _admin_with_mfa(sandbox, admin)
    assert seed is not None
    old_key = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]  # the guide's plain key
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _chooser(pilot, app)
        assert "How will alice use the AWS CLI?" in _text(app, "#ways-user")
        await pilot.press("m")
        await until_screen(pilot, MfaKeyScreen)
        await until(pilot, lambda: "MFA device arn:aws:iam::123456789012:mfa/alice" in _text(app, "#gate-intro"))
        assert app.focused is app.screen.query_one("#gate-profile", Input)
        await pilot.press("enter")
        await until_screen(pilot, PlanReviewScreen)
        review = str(app.screen.query_one("#review-text", Static).render())
        assert "iam:CreatePolicy" in review and "iam:AttachGroupPolicy(GroupName=PowerUsers" in review
        assert "undo: iam:DeletePolicy" in review and "undo: iam:DetachGroupPolicy" in review
        assert '"aws:MultiFactorAuthPresent": "false"' in review  # the document is shown in full
        assert f"existing key {old_key} is gated too" in review
        await pilot.press("enter")
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: "Done" in str(app.screen.query_one("#progress-status", Static).render()))
        await pilot.press("enter")
        await until_shown(pilot, MfaCodeScreen)
        gate = app.screen_stack[-2]
        assert isinstance(gate, MfaKeyScreen)
        status = str(gate.query_one("#gate-status", Static).render())
        assert "The key alone is refused: AccessDenied on iam:GetAccountSummary" in status
        assert "aws configure mfa-login --profile alice-long-term --update-profile alice" in status
        await pilot.press("0", "0", "0", "0", "0", "0" if totp(seed, time.time()) != "000000" else "1", "enter")
        await until_shown(pilot, MfaCodeScreen)  # refused: asked again
        assert "refused the code" in str(gate.query_one("#gate-status", Static).render())
        await pilot.press(*totp(seed, time.time()), "enter")
        await until(pilot, lambda: "Verified" in _text(app, "#gate-status"))
        assert "signs in as arn:aws:iam::123456789012:user/alice" in _text(app, "#gate-status")
        assert " UTC" in _text(app, "#gate-status")
        config = profile_options((aws_dir / "config").read_text(), "alice-long-term", config_file=True)
        assert config is not None and config["mfa_serial"] == "arn:aws:iam::123456789012:mfa/alice"
        attached = admin.list_attached_group_policies(GroupName="PowerUsers")["AttachedPolicies"]
        assert POLICY_NAME in [p["PolicyName"] for p in attached]
        protection = summary_text(app.session.made, None, 0, 6)
        assert "How the admin's AWS CLI is protected\n  • alice: an access key that MFA gates" in protection
        await pilot.press("o")
        await until(pilot, lambda: app.service.settings.profile is None and "MFA session" in
                    app.service.ctx.credential_source())
        assert (await app.service.account.identity()).caller.arn.endswith(":user/alice")
        await app.service.aws.call("iam", "GetAccountSummary")  # the work the key alone may not do
        await app.service.aws.call("iam", "ListUsers")


async def test_way_2_refused_without_mfa_device(make_app: MakeApp, sandbox: Sandbox, admin: IamClient,
                                                aws_dir: Path) -> None:
    _admin_with_mfa(sandbox, admin, mfa=False)
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _chooser(pilot, app)
        await pilot.press("m")
        await until_screen(pilot, MfaKeyScreen)
        await until(pilot, lambda: "has no MFA device" in _text(app, "#gate-intro"))
        await pilot.press("enter")
        from iam_tui.screens.mfa import MfaScreen

        await until_screen(pilot, MfaScreen)
        assert admin.list_policies(Scope="Local")["Policies"] == []
        serial = admin.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]["SerialNumber"]
        admin.enable_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1="123456",
                                AuthenticationCode2="654321")
        await pilot.press("escape")  # back from step 3 with a device: this way can go on (it said there was none)
        await until_screen(pilot, MfaKeyScreen)
        await until(pilot, lambda: f"MFA device {serial}" in _text(app, "#gate-intro"))
        assert "Review the plan" in str(app.screen.query_one("#gate-run", Button).label)


# --- way 1: aws login ----------------------------------------------------------------------------------------------


async def _login_screen(pilot: Pilot[int], app: IamTuiApp, **kwargs: Any) -> CliLoginScreen:
    await _chooser(pilot, app)
    if kwargs:
        app.push_screen(CliLoginScreen("alice", **kwargs))
    else:
        await pilot.press("l")
    await until_screen(pilot, CliLoginScreen)
    screen = current(app, CliLoginScreen)
    await until(pilot, lambda: screen.cli is not None, tries=1000)  # aws --version: a process, slow under load
    return screen


async def test_way_1_in_the_demo_says_what_would_happen(make_app: MakeApp, sandbox: Sandbox, admin: IamClient,
                                                        aws_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _admin_with_mfa(sandbox, admin, mfa=False)
    args = stand_in_aws(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_ARGS", str(args))
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _login_screen(pilot, app)
        assert "AWS CLI 2.32.7" in _text(app, "#login-cli")
        await pilot.press("enter")
        await until(pilot, lambda: "Demo" in _text(app, "#login-status"))
        status = _text(app, "#login-status")
        assert "aws login --profile alice" in status and "nothing here is verified" in status
        assert "Verified" not in status
        await pilot.press("v")
        await until(pilot, lambda: "Not verified" in _text(app, "#login-status"))
    assert not args.exists()  # the CLI was never run in the demo
    assert "alice: aws login chosen and its profile written, but no sign-in was verified" in summary_text(
        app.session.made, None, 0, 6)
    config = profile_options((aws_dir / "config").read_text(), "alice", config_file=True)
    assert config == {"region": "us-east-1", "output": "json"}


@pytest.mark.parametrize("ssh", [False, True])
async def test_way_1_hands_the_terminal_to_aws_login(make_app: MakeApp, sandbox: Sandbox, admin: IamClient,
                                                     aws_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     ssh: bool) -> None:
    _admin_with_mfa(sandbox, admin, mfa=False)
    args = stand_in_aws(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_ARGS", str(args))
    if ssh:
        monkeypatch.setenv("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22")
    else:
        monkeypatch.delenv("SSH_CONNECTION", raising=False)
    expires = cached_token(sandbox, aws_dir / "login" / "cache")  # the demo's own cache (aws/sealed.py)
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    suspended: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        suspended.append(True)
        yield

    async with app.run_test(size=(100, 32)) as pilot:
        monkeypatch.setattr(app, "suspend", suspend)
        await _login_screen(pilot, app, run_cli=True)
        await pilot.press("enter")
        await until(pilot, lambda: "Verified" in _text(app, "#login-status"), tries=1000)
        status = _text(app, "#login-status")
        assert "botocore's login provider" in status and "signs in as arn:aws:iam::123456789012:user/alice" in status
        assert f"{expires:%Y-%m-%d %H:%M} UTC" in status
        assert "alice: aws login: no long-term key exists" in summary_text(app.session.made, None, 0, 6)
        await pilot.press("o")
        await until(pilot, lambda: "aws login" in app.service.ctx.credential_source())
        assert (await app.service.account.identity(refresh=True)).caller.arn.endswith(":user/alice")
        await app.service.aws.call("iam", "GetAccountSummary")  # iam-tui's work, as the new admin
    assert suspended == [True]
    assert args.read_text() == ("login --profile alice --remote\n" if ssh else "login --profile alice\n")


async def test_way_1_without_cli_v2_shows_the_command(make_app: MakeApp, sandbox: Sandbox, admin: IamClient,
                                                      aws_dir: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _admin_with_mfa(sandbox, admin, mfa=False)
    args = stand_in_aws(tmp_path / "bin", version="aws-cli/1.45.11 Python/3.11.7 Linux/6.18")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("STAND_IN_ARGS", str(args))
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _login_screen(pilot, app, run_cli=True)
        assert "1.45.11" in _text(app, "#login-cli") and "2.32.0 or newer" in _text(app, "#login-cli")
        await pilot.press("enter")
        await until(pilot, lambda: "aws login --profile alice" in _text(app, "#login-status"))
        assert "AWS CLI 2.32.0 or newer (found: 1.45.11)" in _text(app, "#login-status")
    assert not args.exists()


async def test_way_1_offers_the_signin_policy(make_app: MakeApp, sandbox: Sandbox, admin: IamClient, aws_dir: Path,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    admin.create_user(UserName="alice")
    admin.create_group(GroupName="Readers")
    admin.add_user_to_group(GroupName="Readers", UserName="alice")
    admin.attach_group_policy(GroupName="Readers", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _login_screen(pilot, app)
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")  # review it
        await until_screen(pilot, PlanReviewScreen)
        assert "iam:AttachGroupPolicy(GroupName=Readers" in str(app.screen.query_one("#review-text", Static).render())
        await pilot.press("enter")
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: "Done" in str(app.screen.query_one("#progress-status", Static).render()))
        await pilot.press("enter")
        await until(pilot, lambda: "Demo" in _text(app, "#login-status"))
    attached = admin.list_attached_group_policies(GroupName="Readers")["AttachedPolicies"]
    assert "SignInLocalDevelopmentAccess" in [p["PolicyName"] for p in attached]


async def test_way_2_while_iam_tui_runs_as_a_member_of_the_group(sandbox: Sandbox, admin: Any,
                                                                 aws_dir: Path) -> None:
    """iam-tui on alice's own plain key (after way 3): attaching the policy to her group refuses iam-tui's own calls
    too, so it asks the code at once and goes on with an MFA session; the key, the profile and the proof follow."""
    seed = _admin_with_mfa(sandbox, admin)
    assert seed is not None
    key = admin.create_access_key(UserName="alice")["AccessKey"]

    async def connector(settings: ConnectionSettings) -> IamService:
        service = IamService(AwsContext(sandbox.session(key["AccessKeyId"], Secret(key["SecretAccessKey"])),
                                        settings), sandbox)
        await service.account.identity()
        return service

    app = IamTuiApp(ConnectionSettings(demo=True), connector=connector, start_at=StepKey.ACCESS_KEYS)
    app.session.guide_user = "alice"
    async with app.run_test(size=(100, 32)) as pilot:
        await _chooser(pilot, app)
        await pilot.press("m")
        await until_screen(pilot, MfaKeyScreen)
        await until(pilot, lambda: "MFA device" in _text(app, "#gate-intro"))
        await pilot.press("enter")
        await until_screen(pilot, PlanReviewScreen)
        assert "asks your MFA code right after" in str(app.screen.query_one("#review-text", Static).render())
        await pilot.press("enter")
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: "Done" in str(app.screen.query_one("#progress-status", Static).render()))
        await pilot.press("enter")
        await until_shown(pilot, MfaCodeScreen)  # iam-tui's own session
        await pilot.press(*totp(seed, time.time()), "enter")
        await until_shown(pilot, MfaCodeScreen)  # the proof's session, with the next code
        await pilot.press(*totp(seed, time.time() + 30), "enter")
        await until(pilot, lambda: "Verified" in _text(app, "#gate-status"))
        assert "iam-tui itself now runs on an MFA session as alice" in _text(app, "#gate-status")
        assert "MFA session" in app.service.ctx.credential_source()
        await app.service.aws.call("iam", "GetAccountSummary")
