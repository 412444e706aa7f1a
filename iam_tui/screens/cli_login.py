"""Step 5, way 1: ``aws login``. Writes ``[profile NAME]`` (region, output), then hands the terminal to
``aws login --profile NAME`` (``--remote`` on SSH) where an AWS CLI 2.32+ is on PATH, or shows the exact command and
the version needed. Back in the app, ``v`` proves the profile with sts:GetCallerIdentity through botocore's login
provider and says who and until when. In the demo there is no console to sign in to: it says so, and how to try it
on a real account; nothing is called verified that nothing verified."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import SuspendNotSupported
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Button, Input

from ..aws import cli_login, cli_profile
from ..aws.cli_login import CliFound, LoginVerified
from ..aws.errors import AwsError
from ..aws.service import IamService
from ..core import aws_config
from ..core.finish import Made, cli_access
from ..core.plan_review import review_of_fix
from ..core.signin_access import SIGNIN_POLICY, signin_plan
from ..guide import StepKey
from ..widgets.data_text import Static
from .base import failure_text
from .confirm import ConfirmScreen
from .messages import Recorded, ServiceChanged, StepDone
from .plan_progress import review_then_run
from .user_screen import UserScreen


def version_text(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def demo_text(command: str) -> str:
    return ("Demo: there is no AWS console behind the sandbox, so nobody can sign in and aws login is not run; "
            "nothing here is verified. On a real account, iam-tui runs it for you (or you run it yourself):\n"
            f"  {command}\n"
            "It opens the console's sign-in in your browser (with --remote on an SSH host: a URL to open elsewhere and "
            "a code to paste back), you sign in as the user with MFA, and the CLI caches short-lived credentials "
            "under ~/.aws/login/cache that it refreshes for up to 12 hours. Then v here proves the profile with "
            "sts:GetCallerIdentity and one ordinary call.")


class StatusShownWhole(Static):
    """The status at the foot of the form, scrolled into view whole at each update and again each time its text
    takes another size. Scrolled only after the update, it was sometimes scrolled to where the new text's layout
    had not reached yet: two lines of it stayed below the screen (80x24)."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self.call_after_refresh(self.scroll_visible, animate=False)  # the same size: no resize comes

    def on_resize(self) -> None:
        if str(self.content):
            self.scroll_visible(animate=False)


class CliLoginScreen(UserScreen[None]):
    """Way 1 for one user. ``run_cli``: hand the terminal to the AWS CLI (default: unless this is the demo)."""

    AUTO_FOCUS = "#login-profile"
    HELP = (
        "aws login (AWS CLI 2.32+): the CLI gets short-lived credentials from a console sign-in (with your MFA) and "
        "refreshes them for up to 12 hours; no access key exists.\n\n"
        "enter writes [profile NAME] (region, output) to the config file, every other byte kept, then runs "
        "aws login --profile NAME in this terminal (--remote when SSH_CONNECTION is set: no browser here). aws login "
        "adds login_session = <your ARN> to the profile itself. Without AWS CLI 2.32+ on PATH, the screen shows the "
        "command and the version needed.\n\n"
        f"The user needs signin:AuthorizeOAuth2Access and signin:CreateOAuth2Token ({SIGNIN_POLICY}, which "
        "AdministratorAccess covers): if not, iam-tui offers to attach it to the user's group, reviewed.\n\n"
        "v verifies the profile (sts:GetCallerIdentity through botocore's login provider, then one ordinary call: an "
        "MFA-required policy on the user's group may refuse aws login's credentials); o then goes on as the user."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("v", "verify", "Verify"),
        Binding("o", "go_on", "Go on as user"),
    ]
    WAIT_WHILE_BUSY = frozenset({"back"})
    DEFAULT_CSS = """
    CliLoginScreen #login-body { height: 1fr; padding: 0 1; }
    CliLoginScreen #login-form { height: auto; grid-size: 2; grid-columns: 16 1fr; grid-rows: auto;
                                 grid-gutter: 0 1; }
    CliLoginScreen #login-form .label { padding-top: 1; }
    CliLoginScreen #login-form Input { width: 1fr; max-width: 60; }
    CliLoginScreen #login-actions { height: auto; }
    CliLoginScreen .section-title { margin-top: 1; }
    """
    TITLE_ID = "login-title"

    def __init__(self, user_name: str, *, run_cli: bool | None = None) -> None:
        super().__init__(user_name)
        self.run_cli = run_cli
        self.cli: CliFound | None = None
        self.written: str | None = None  # the profile written, once it is
        self.verified: LoginVerified | None = None

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="login-body"):
            yield self.user_title()
            yield Static("Looking for the AWS CLI…", id="login-cli", markup=False)
            with Grid(id="login-form"):
                yield Static("Profile name", classes="label")
                yield Input(self.user_name, id="login-profile", max_length=aws_config.PROFILE_NAME_MAX)
                yield Static("Region", classes="label")
                yield Input(self.session_region, id="login-region", max_length=30)
            with Horizontal(id="login-actions"):
                yield Button("Write the profile and log in (enter)", id="login-run", variant="primary")
            yield StatusShownWhole("", id="login-status", markup=False)

    def title_text(self) -> str:
        return f"aws login for {self.user_name}: no long-term key"

    @property
    def _demo(self) -> bool:
        return self.iam.service.is_demo

    def _runs_cli(self) -> bool:
        return (not self._demo) if self.run_cli is None else self.run_cli

    def on_mount(self) -> None:
        self.look_for_cli()

    @work(exclusive=True, group="login-cli")
    async def look_for_cli(self) -> None:
        self.cli = cli = await asyncio.to_thread(cli_login.find_cli)
        needed = version_text(cli_login.LOGIN_VERSION)
        if cli.path is None:
            text = f"No AWS CLI on PATH: aws login needs AWS CLI {needed} or newer."
        elif cli.can_login:
            text = f"AWS CLI {cli.version_text} ({cli.path}): it can run aws login."
        else:
            text = (f"AWS CLI {cli.version_text} ({cli.path}) cannot: aws login needs AWS CLI {needed} or newer "
                    "(v1 never has it). Install or update AWS CLI v2, or run the command on a machine that has it.")
        self.query_one("#login-cli", Static).update(text)

    def _say(self, text: str | Text) -> None:
        self.query_one("#login-status", StatusShownWhole).update(text)

    @on(Input.Submitted)
    @on(Button.Pressed, "#login-run")
    def _submit(self) -> None:
        if not self.session.busy:
            self.write_and_login()

    @work(exclusive=True, group="login-flow")
    async def write_and_login(self) -> None:
        name = self.query_one("#login-profile", Input).value.strip()
        region = self.query_one("#login-region", Input).value.strip()
        problem = aws_config.validate_profile_name(name)
        if problem:
            self._say(problem)
            return
        service: IamService = self.iam.service
        paths = cli_profile.paths_for(service)
        try:
            async with self.session.mutating("writing the profile"):
                await asyncio.to_thread(cli_login.write_login_profile, paths, name, region=region,
                                        endpoint_url=service.settings.endpoint_url)
        except cli_profile.ProfileExists:
            setting = await asyncio.to_thread(cli_login.existing_credentials, paths, name)
            self._say(f"Profile {name} already holds other credentials ({setting}), and aws login refuses such a "
                      "profile: choose another name.")
            return
        except cli_profile.ProfileWriteError as err:
            self._say(f"Not written. {err}")
            return
        self.written = name
        self.query_one("#login-body").focus()  # v and o are keys now, not letters of the profile name
        self.tell(Recorded(Made("AWS CLI profile", name, f"for aws login, in {paths.config}")))
        self.tell(Recorded(cli_access(self.named_user, "login-pending")))
        if not await self._signin_allowed(service):
            return
        command = " ".join(cli_login.login_command(name))
        written = f"✓ [profile {name}] written to {paths.config} (region {region})."
        if not self._runs_cli():
            self._say(f"{written}\n{demo_text(command)}")
            return
        cli: CliFound = self.cli if self.cli is not None else await asyncio.to_thread(cli_login.find_cli)
        if cli.path is None or not cli.can_login:
            self._say(f"{written}\nRun, with AWS CLI {version_text(cli_login.LOGIN_VERSION)} or newer "
                      f"(found: {cli.version_text if cli.path else 'none'}):\n  {command}\nthen press v to verify.")
            return
        self._say(f"{written}\nHanding the terminal to: {command}")
        status = self._hand_over(cli.path, name, paths)
        if status is None:
            self._say(f"{written}\nThis terminal cannot be handed over: run it yourself, then press v.\n  {command}")
            return
        if status != 0:
            self._say(f"{written}\naws login ended with status {status}: nothing signed in. enter tries again, or "
                      f"run it yourself:\n  {command}")
            return
        await self._verify(name)

    def _hand_over(self, path: str, name: str, paths: aws_config.CliPaths) -> int | None:
        """Run aws login in the terminal, the app suspended; None when this terminal cannot be suspended."""
        command = cli_login.login_command(name, os.environ)
        try:
            with self.app.suspend():
                return cli_login.run_login(command, path, paths, demo=self._demo)
        except SuspendNotSupported:
            return None

    async def _signin_allowed(self, service: IamService) -> bool:
        """True when the user may use aws login; otherwise offers the reviewed plan that attaches the policy."""
        user = self.named_user
        try:
            access = await cli_login.signin_access(service, user)
        except AwsError as err:
            self._say(failure_text(err, f"Could not read {user}'s policies. If aws login says access denied, "
                                   f"attach {SIGNIN_POLICY} to the user's group."))
            return True
        if access.allowed:
            return True
        if not access.groups:
            self._say(f"{self.user_name} is in no group, and their policies lack the signin actions aws login needs "
                      f"({SIGNIN_POLICY}): add them to a group first (step 2).")
            return False
        plan = signin_plan(user, access.groups[0], access.partition)
        if not await self.confirm(ConfirmScreen(
                f"{self.user_name}'s policies do not allow signin:AuthorizeOAuth2Access and signin:CreateOAuth2Token, "
                f"so aws login would be refused. Attach {SIGNIN_POLICY} to group {access.groups[0]}? (Reviewed "
                "first, with its undo.)", yes="Review it", no="Not now")):
            self._say(f"aws login needs {SIGNIN_POLICY} (or AdministratorAccess) for {self.user_name}.")
            return False
        fixes = service.fixes
        # the plan's progress screen runs it through act's way and tells the app what its steps changed
        done = await review_then_run(self, review_of_fix(plan), fixes.start(plan), partial(fixes.run, plan),
                                     partial(fixes.rollback, plan))
        return bool(done)

    # --- verifying --------------------------------------------------------------------------------------------

    def action_verify(self) -> None:
        name = self.written or self.query_one("#login-profile", Input).value.strip()
        if not self.session.busy:
            self.run_worker(self._verify(name), group="login-verify", exclusive=True)

    async def _verify(self, name: str) -> None:
        service: IamService = self.iam.service
        paths = cli_profile.paths_for(service)
        try:
            verified = await cli_login.verify_login(service, paths, name)
        except AwsError as err:
            demo = " (Demo: no aws login can have happened here.)" if self._demo and not self._runs_cli() else ""
            self._say(failure_text(err, "✗ Not verified:").append(demo))
            return
        self.verified = verified
        until = (f"its current credentials last until {verified.expires:%Y-%m-%d %H:%M} UTC; botocore and the CLI "
                 "refresh them for up to 12 hours after the sign-in, then aws login again") if verified.expires else \
            "botocore and the CLI refresh its credentials for up to 12 hours after the sign-in"
        self._say(f"✓ Verified through botocore's login provider: profile {name} signs in as {verified.arn}; "
                  f"{until}.\nTry it: aws sts get-caller-identity --profile {name}\no: iam-tui goes on as "
                  f"{self.user_name} on this profile.")
        self.tell(StepDone(StepKey.ACCESS_KEYS))
        self.tell(Recorded(cli_access(self.named_user, "login")))
        self.query_one("#login-body").focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_on":
            return self.verified is not None
        if action == "verify" and isinstance(self.focused, Input):
            return False  # v types into the field there
        return super().check_action(action, parameters)

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_go_on(self) -> None:
        if self.verified is not None and not self.session.busy:
            self.tell(ServiceChanged(self.verified.service))
            self._say(f"iam-tui now runs as {self.user_name} (aws login profile {self.written}).")

    def action_back(self) -> None:
        self.dismiss()
