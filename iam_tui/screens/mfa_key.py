"""Step 5, way 2: an access key that MFA gates. The MFA-required policy goes on the user's group through a reviewed
plan (each call with its undo); then the key, its profile ``NAME-long-term`` with ``mfa_serial``, the daily
command, and the proof: the key alone is refused an ordinary call, a GetSessionToken session made with the code the
person types works. Refused while the user has no MFA device."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable
from concurrent.futures import Future
from functools import partial

from textual import on, work
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Select

from ..aws import cli_profile, mfa_gate
from ..aws.errors import AwsError
from ..aws.keys import NewAccessKey, SecretNeverReceived
from ..aws.mfa_gate import GateSetup, MfaSession
from ..aws.service import IamService, session_if_refused
from ..core import aws_config
from ..core.access_keys import USE_CASES
from ..core.changes import Changed
from ..core.finish import Made, cli_access
from ..core.fix_plan import FixProblem
from ..core.mfa_gate import POLICY_NAME
from ..core.plan_review import review_of_fix
from ..guide import StepKey
from ..widgets.data_text import Static
from .base import REFUSED, failure_text
from .confirm import ConfirmScreen
from .messages import AwsChanged, Recorded, ServiceChanged, StepDone
from .mfa_code import MfaCodeScreen
from .plan_progress import review_then_run
from .user_screen import UserScreen

CODE_TRIES = 3
RUN_LABEL = "Review the plan (enter)"  # the button, once the user has an MFA device


def daily_command(profile: str) -> str:
    return f"aws configure mfa-login --profile {profile}-long-term --update-profile {profile}"


def expiry_text(session: MfaSession) -> str:
    return f"until {session.expires:%Y-%m-%d %H:%M} UTC" if session.expires else "for 12 hours"


class MfaKeyScreen(UserScreen[None]):
    """Way 2 for one user."""

    AUTO_FOCUS = "#gate-profile"
    HELP = (
        "An access key that MFA gates.\n\n"
        f"iam-tui attaches the customer managed policy {POLICY_NAME} (AWS's documented example: deny everything "
        "but managing one's own MFA device and password, and sts:GetSessionToken, unless aws:MultiFactorAuthPresent) "
        "to the group you choose, after a review of each call with its undo. Then it creates the key, writes the "
        "profile NAME-long-term with the key and mfa_serial, and proves that the key alone is refused an ordinary "
        "call while a session made with your MFA code works.\n\n"
        "Daily: aws configure mfa-login --profile NAME-long-term --update-profile NAME (AWS CLI 2.30.3+) asks the "
        "code and writes a 12-hour session to profile NAME; use --profile NAME.\n\n"
        "o (after the proof): iam-tui goes on as the user, on that MFA session (in memory only)."
    )
    BINDINGS = [Binding("escape", "back", "Back"), Binding("o", "go_on", "Go on as user")]
    WAIT_WHILE_BUSY = frozenset({"back"})
    DEFAULT_CSS = """
    MfaKeyScreen #gate-body { height: 1fr; padding: 0 1; }
    MfaKeyScreen #gate-form { height: auto; grid-size: 2; grid-columns: 16 1fr; grid-rows: auto; grid-gutter: 0 1; }
    MfaKeyScreen #gate-form .label { padding-top: 1; }
    MfaKeyScreen #gate-form Input, MfaKeyScreen #gate-form Select { width: 1fr; max-width: 60; }
    MfaKeyScreen #gate-actions { height: auto; }
    MfaKeyScreen .note, MfaKeyScreen .section-title { margin-top: 1; }
    """
    TITLE_ID = "gate-title"

    def __init__(self, user_name: str) -> None:
        super().__init__(user_name)
        self.setup: GateSetup | None = None
        self.mfa_session: MfaSession | None = None
        self.lines: list[str] = []

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="gate-body"):
            yield self.user_title()
            yield Static("Reading the user's MFA devices and groups…", id="gate-intro", markup=False)
            with Grid(id="gate-form"):
                yield Static("Group", classes="label")
                yield Select([], id="gate-group", prompt="the user's groups")
                yield Static("Profile name", classes="label")
                yield Input(self.user_name, id="gate-profile", max_length=aws_config.PROFILE_NAME_MAX - 10)
                yield Static("Region", classes="label")
                yield Input(self.session_region, id="gate-region", max_length=30)
            with Horizontal(id="gate-actions"):
                yield Button(RUN_LABEL, id="gate-run", variant="primary")
            yield Static("", id="gate-status", markup=False)

    def title_text(self) -> str:
        return f"Access key with MFA required, for {self.user_name}"

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        """Back from step 3 ("Assign MFA first"): the device may be there now (the screen went on saying there was
        none, and enter opened step 3 again)."""
        if self.setup is not None and self.setup.serial is None:
            self.load()

    @work(exclusive=True, group="gate-load")
    async def load(self) -> None:
        service = await self.iam.wait_for_service()
        intro = self.query_one("#gate-intro", Static)
        try:
            self.setup = setup = await mfa_gate.prepare(service, self.named_user)
        except AwsError as err:
            intro.update(failure_text(err, f"Could not read {self.user_name}'s MFA devices and groups."))
            return
        if setup.serial is None:
            intro.update(f"{self.user_name} has no MFA device, and this way needs one: the key's daily session is "
                         "made with its codes. Assign one first (step 3, or press enter here to open it), then come "
                         "back.")
            self.query_one("#gate-run", Button).label = "Assign MFA first (enter)"
            return
        self.query_one("#gate-run", Button).label = RUN_LABEL
        groups = setup.groups
        select = self.query_one("#gate-group", Select)
        select.set_options([(g, g) for g in groups])
        if groups:
            chosen = next((g for g in groups if g in setup.attached_to), groups[0])
            select.value = chosen
        where = (f" It is attached to {', '.join(setup.attached_to)} already." if setup.attached_to else "")
        intro.update(f"MFA device {setup.serial}. The policy {POLICY_NAME} "
                     f"{'exists' if setup.policy_exists else 'will be created'}.{where} Choose the group that gets "
                     "it (every member's keys then need MFA), the profile name, then enter."
                     + ("" if groups else f"\n{self.user_name} is in no group: add them to one first (step 2)."))

    # --- the flow ---------------------------------------------------------------------------------------------

    def _say(self, text: str, *, replace_last: bool = False) -> None:
        if replace_last and self.lines:
            self.lines[-1] = text
        else:
            self.lines.append(text)
        status = self.query_one("#gate-status", Static)
        status.update("\n".join(self.lines))
        self.call_after_refresh(status.scroll_visible, animate=False)

    @on(Input.Submitted)
    @on(Button.Pressed, "#gate-run")
    def _submit(self) -> None:
        if self.session.busy:
            return
        if self.setup is not None and self.setup.serial is None:
            self.iam.open_step(StepKey.MFA)
            return
        self.run_flow()

    @work(exclusive=True, group="gate-flow")
    async def run_flow(self) -> None:
        setup = self.setup
        if setup is None:
            self._say("Still reading: press enter again in a moment.")
            return
        name = self.query_one("#gate-profile", Input).value.strip()
        region = self.query_one("#gate-region", Input).value.strip()
        group = self.query_one("#gate-group", Select).value
        problem = aws_config.validate_profile_name(name) or aws_config.validate_profile_name(f"{name}-long-term")
        if problem or not isinstance(group, str):
            self._say(problem or "Choose the group that gets the policy.")
            return
        self.lines = []
        service: IamService = self.iam.service
        try:
            existing = await service.keys.list_keys(self.named_user)
            if len(existing) >= 2:
                self._say(f"{self.user_name} has two access keys, the most AWS allows: delete one first (k on step "
                          "5's first screen, then d).")
                return
            group_members = await mfa_gate.members(service, group)
            plan = setup.plan(group, group_members)
            if existing:
                ids = ", ".join(k.access_key_id for k in existing)
                plan = dataclasses.replace(plan, notes=(*plan.notes, (
                    f"{self.user_name}'s existing key {ids} is gated too from now on. Once the new profile works, "
                    "delete it (step 5, k, then d): two active keys fail CIS 1.12.")))
            caller = self.iam.identity.caller if self.iam.identity else None
            if caller is not None and not caller.is_root and caller.name in group_members:
                plan = dataclasses.replace(plan, notes=(*plan.notes, (
                    f"iam-tui itself runs as {caller.name}, a member of {group}: unless it runs on an MFA session, "
                    f"its own calls are refused once the policy is attached, so it asks your MFA code right after "
                    f"and goes on with a session (in memory).")))
        except (AwsError, FixProblem) as err:
            self._say(failure_text(err).plain if isinstance(err, AwsError) else str(err))
            return
        if not plan.empty:
            fixes = service.fixes
            done = await review_then_run(self, review_of_fix(plan), fixes.start(plan), partial(fixes.run, plan),
                                         partial(fixes.rollback, plan))
            if not done:
                self._say("The policy is not in place, so no key was created." if done is False else
                          "Nothing was sent. enter reviews the plan again.")
                return
            # (its progress screen told the app what the plan's steps changed)
            self.tell(Recorded(Made("policy", POLICY_NAME, f"attached to group {group}: its keys need MFA")))
        self._say(f"✓ {POLICY_NAME} is attached to group {group}.")
        try:  # iam-tui's own key, a member's, is refused from now on: it goes on with an MFA session
            gated = await session_if_refused(service)
        except AwsError as err:
            self._say(f"iam-tui's own access key is refused now and no MFA session was made: {err.text}")
            return
        if gated is not service:
            service = gated
            self.tell(ServiceChanged(gated))
            self._say(f"✓ iam-tui itself now runs on an MFA session as {self.user_name} (its key is gated too).")
        self.query_one("#gate-intro", Static).update(f"MFA device {setup.serial}. {POLICY_NAME} is attached to "
                                                     f"group {group}.")
        new = await self._create_key(service)
        if new is None:
            return
        assert setup.serial is not None
        if await self._write_profile(service, new, name, region, setup.serial):
            await self._prove(service, name, setup.serial, new.access_key_id)

    async def _create_key(self, service: IamService) -> NewAccessKey | None:
        user = self.named_user
        self._say(f"Creating an access key for {user}…")

        def refused(err: AwsError) -> None:
            if isinstance(err, SecretNeverReceived):  # AWS made it all the same, its secret lost
                self._say(f"{failure_text(err).plain} (step 5, k, then d deletes it.)", replace_last=True)
                for key_id in err.access_key_ids:
                    self.tell(AwsChanged(Changed.key(user, key_id)))

        new = await self.act("creating an access key", service.keys.create(user),
                             changed=lambda new: Changed.key(user, new.access_key_id), on_error=refused,
                             status=lambda text: self._say(text.plain, replace_last=True))
        if new is REFUSED:
            return None
        self._say(f"✓ Access key {new.access_key_id} created.", replace_last=True)
        self.tell(Recorded(Made("access key", new.access_key_id, f"of {self.user_name}, gated by MFA")))
        return new

    async def _write_profile(self, service: IamService, new: NewAccessKey, name: str, region: str,
                             serial: str) -> bool:
        paths = cli_profile.paths_for(service)
        key_profile = f"{name}-long-term"
        replace = False
        try:
            existing = await asyncio.to_thread(cli_profile.existing_profile, paths, key_profile)
            if existing is not None:
                replace = await self.confirm(ConfirmScreen(
                    f"The profile {key_profile} exists ({existing.describe()}).\n\nReplace it with the new key? Other "
                    "profiles and comments stay as they are.", yes="Replace", no="Keep it"))
                if not replace:
                    raise cli_profile.ProfileWriteError(f"Profile {key_profile} kept as it was.")
            async with self.session.mutating("writing the profile"):
                await asyncio.to_thread(cli_profile.write_profile, paths, key_profile, new.access_key_id, new.secret,
                                        region=region, endpoint_url=service.settings.endpoint_url, replace=replace,
                                        mfa_serial=serial)
        except cli_profile.ProfileWriteError as err:
            self._say(f"The key's profile was not written: {err} Take the secret now (it is shown once).")
            from .new_key import NewKeyScreen

            self.app.push_screen(NewKeyScreen(new, USE_CASES[0], str(err)))
            return False
        self.tell(Recorded(Made("AWS CLI profile", key_profile, f"the gated key and mfa_serial, in {paths.credentials} "
                                f"and {paths.config}")))
        self._say(f"✓ Profile {key_profile} written (the key, and mfa_serial {serial}).\n"
                  f"Daily, for a 12-hour session in profile {name}:\n  {daily_command(name)}\n"
                  f"then: aws sts get-caller-identity --profile {name}")
        return True

    async def _prove(self, service: IamService, name: str, serial: str, key_id: str) -> None:
        key_profile = f"{name}-long-term"
        paths = cli_profile.paths_for(service)
        self._say("Proving it: the key alone…")
        try:
            expected = (await service.signin.user(self.named_user)).arn
            key_service = await cli_profile.verify(
                lambda: cli_profile.service_for_profile(service, paths, key_profile), expected,
                progress=lambda _n, text: self._say(text, replace_last=True), patience=service.patience)
            refused = await mfa_gate.key_alone_refused(key_service)
        except AwsError as err:
            self._say(failure_text(err, "✗").plain, replace_last=True)
            return
        finally:
            self.tell(AwsChanged(Changed.key(self.named_user, key_id)))  # used: its last use changed
        if refused is None:
            self._say(f"✗ The key alone was allowed iam:{mfa_gate.ORDINARY_CALL[1]}: the policy does not gate it yet "
                      "(IAM can take a few seconds to apply a new attachment). enter runs the proof again.",
                      replace_last=True)
            return
        self._say(f"✓ The key alone is refused: {refused.code} on iam:{mfa_gate.ORDINARY_CALL[1]}.",
                  replace_last=True)
        session = await self._ask_code(key_service, serial)
        if session is None:
            return
        try:
            await mfa_gate.session_works(session, expected)
        except AwsError as err:
            self._say(failure_text(err, "✗ The MFA session does not work:").plain)
            return
        self.mfa_session = session
        self._say(f"✓ Verified: a session made with your code signs in as {expected} and works, "
                  f"{expiry_text(session)} (kept in memory, not written).\n"
                  f"o: iam-tui goes on as {self.user_name} on that session.")
        self.tell(StepDone(StepKey.ACCESS_KEYS))
        self.tell(Recorded(cli_access(self.named_user, "mfa-key")))
        self.query_one("#gate-body").focus()  # o, not a letter typed into the profile name
        self.refresh_bindings()

    async def _ask_code(self, key_service: IamService, serial: str) -> MfaSession | None:
        for attempt in range(1, CODE_TRIES + 1):
            answer: Future[str | None] = Future()
            code = await self.iam.push_screen_wait(MfaCodeScreen(
                f"Code from {serial}", answer,
                intro=f"The code your MFA device shows now, for a session from sts:GetSessionToken "
                      f"(attempt {attempt} of {CODE_TRIES})."))
            if not code:
                self._say("No code entered: the MFA half is not proven. enter runs the whole proof again.")
                return None
            try:
                return await mfa_gate.mfa_session(key_service, serial, code)
            except AwsError as err:
                why = ("AWS did not accept it (a typo, a code already used, or the device's clock is off)"
                       if err.is_denied else failure_text(err).plain)
                self._say(f"✗ GetSessionToken refused the code: {why}. Wait for the next code.")
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_on":
            return self.mfa_session is not None
        return super().check_action(action, parameters)

    def action_go_on(self) -> None:
        if self.mfa_session is not None and not self.session.busy:
            self.run_worker(self._go_on(self.mfa_session), group="gate-go-on", exclusive=True)

    async def _go_on(self, session: MfaSession) -> None:
        service: IamService = self.iam.service
        name = self.query_one("#gate-profile", Input).value.strip()
        new = await asyncio.to_thread(mfa_gate.handed_over, service, cli_profile.paths_for(service),
                                      f"{name}-long-term", session, self.iam.ask_mfa_code)
        self.tell(ServiceChanged(new))
        again = "" if service.is_demo else "; when it runs out iam-tui asks the code again"
        self._say(f"iam-tui now runs as {self.user_name} on the MFA session ({expiry_text(session)}{again}).")

    def action_back(self) -> None:
        self.dismiss()
