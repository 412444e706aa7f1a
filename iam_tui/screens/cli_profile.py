"""The guide's "Next steps": an AWS CLI profile for the new key, verified with sts:GetCallerIdentity; then, when
iam-tui runs on a root access key, retiring that key and going on as the new profile."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Select

from ..aws import cli_profile
from ..aws.errors import AwsError
from ..aws.keys import NewAccessKey
from ..aws.mfa_refused import refused_without_mfa
from ..aws.service import IamService, session_if_refused
from ..core import aws_config
from ..core.access_keys import is_long_term_key
from ..core.aws_config import OUTPUT_FORMATS, CliPaths
from ..core.changes import Changed
from ..core.finish import Made, cli_access
from ..core.mfa_gate import POLICY_NAME
from ..guide import StepKey
from ..widgets.data_text import Static
from .base import REFUSED, failure_text
from .confirm import ConfirmScreen, TypedConfirmScreen
from .messages import AwsChanged, Recorded, ServiceChanged, StepDone
from .user_screen import UserScreen

RETIRE_TEXT = (
    "iam-tui is running on the root user's access key {key}. A root key can do anything in the account and cannot "
    "be limited by any policy, which is why the check 'Root user has no access keys' (CIS 1.3) says root should "
    "have none. Now that "
    "{user}'s profile works, delete the root key: iam-tui goes on as {user} (profile {profile}). The root user "
    "keeps its console password (protect it with MFA) for the few tasks only root can do."
)


def mfa_text(serial: str) -> str:
    """What MFA does (not) do for a profile with an access key: mfa_serial on it changes nothing in the AWS CLI."""
    return ("MFA does not protect this key: it works without a code (mfa_serial would change nothing here; the AWS "
            "CLI uses it for role profiles). MFA for the CLI: aws sts get-session-token --serial-number "
            f"{serial} --token-code CODE, and a policy condition on aws:MultiFactorAuthPresent.")


def paths_text(paths: CliPaths, demo: bool) -> str:
    text = f"Credentials file  {paths.credentials}\nConfig file       {paths.config}"
    if demo:
        return text + ("\nDemo: a temporary folder, deleted when iam-tui exits, not your ~/.aws (a sandbox key works "
                       "nowhere else). On AWS: ~/.aws, or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE if set.")
    return text + "\n(AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE are honoured; files are written 0600.)"


class CliProfileScreen(UserScreen[bool]):
    """Write the profile (enter in a field, or the button) and verify it. Dismisses with True once written."""

    CSS_PATH = "../styles/keys.tcss"
    AUTO_FOCUS = "#profile-name"
    HELP = (
        "Next steps of the guide: configure the AWS CLI with the new access key.\n\n"
        "iam-tui writes a named profile: the key to the credentials file as [name], region and output (and "
        "endpoint_url when iam-tui runs with --endpoint-url) to the config file as [profile name] (or [default]). "
        "Every other byte of both files stays as it was; botocore reads both files back, and if it reads them "
        "differently than intended, the old files are put back. An existing profile is only replaced after you say "
        "so.\n\n"
        "MFA does not protect an access key: it works without a code. mfa_serial is not written (the AWS CLI ignores "
        "it on a profile with a key); for MFA on the command line use aws sts get-session-token --serial-number, and "
        "a policy condition on aws:MultiFactorAuthPresent to refuse requests made without it.\n\n"
        "Then iam-tui reads the profile back with the AWS SDK and calls sts:GetCallerIdentity: it must answer with "
        "the user's ARN. A new key can take a few seconds to work (IAM is eventually consistent), so failures are "
        "retried with backoff for up to a minute.\n\n"
        "If iam-tui is running on a root access key, it then offers to delete that key and go on as the new profile."
    )
    BINDINGS = [Binding("escape", "back", "Back")]
    WAIT_WHILE_BUSY = frozenset({"back"})
    TITLE_ID = "profile-title"

    def __init__(self, new_key: NewAccessKey, on_written: Callable[[], None] | None = None) -> None:
        """``on_written`` runs once the profile holds the key's secret (the key is no longer at risk of loss)."""
        assert new_key.user_name, "profiles are for IAM users"
        super().__init__(new_key.user_name)
        self.new_key = new_key
        self.on_written = on_written
        self.paths: CliPaths | None = None
        self.written = False
        self.verified: IamService | None = None
        self.root_key: str | None = None
        self.regions: dict[str, frozenset[str]] | None = None  # botocore's region data, read off the event loop

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="profile-body"):
            yield self.user_title()
            with Grid(id="profile-form"):
                yield Static("Profile name", classes="label")
                yield Input(self.named_user, id="profile-name", max_length=aws_config.PROFILE_NAME_MAX)
                yield Static("Region", classes="label")
                yield Input(self.session_region, id="region", max_length=30)
                yield Static("Output", classes="label")
                yield Select([(o, o) for o in OUTPUT_FORMATS], value="json", allow_blank=False, id="output")
            yield Static("", id="profile-error", classes="field-error")
            yield Static("", id="mfa-note", classes="note")
            yield Static("", id="paths", classes="note")
            with Horizontal(id="profile-actions"):
                yield Button("Write and verify (enter)", id="write", variant="primary")
            yield Static("", id="verify-status")
            with Vertical(id="retire"):
                yield Static("", id="retire-text")
                with Horizontal(id="retire-actions"):
                    yield Button("Delete the root access key", id="retire-key", variant="error")
                    yield Button("Keep it for now", id="keep-root")

    def title_text(self) -> str:
        return f"AWS CLI profile for {self.user_name} (key {self.new_key.access_key_id})"

    def on_mount(self) -> None:
        self.query_one("#mfa-note").display = False
        self.query_one("#retire").display = False
        self.prepare()

    @work(exclusive=True, group="profile-prepare")
    async def prepare(self) -> None:
        self.regions = await asyncio.to_thread(cli_profile.regions_by_partition)
        self._changed()
        service = await self.iam.wait_for_service()
        self.paths = cli_profile.paths_for(service)
        self.query_one("#paths", Static).update(paths_text(self.paths, service.is_demo))
        try:
            serial = await service.keys.virtual_mfa_serial(self.named_user)
        except AwsError:
            serial = None
        if serial:  # shown where a user with MFA might think it protects the key
            note = self.query_one("#mfa-note", Static)
            note.update(mfa_text(serial))
            note.display = True

    # --- validation -------------------------------------------------------------------------------------------

    def _partition(self) -> str:
        identity = self.iam.identity
        return identity.caller.partition if identity else "aws"

    def _problem(self) -> str | None:
        name = self.query_one("#profile-name", Input).value.strip()
        region = self.query_one("#region", Input).value.strip()
        if self.regions is None:
            return aws_config.validate_profile_name(name)
        return (aws_config.validate_profile_name(name)
                or aws_config.validate_region(region, self.regions, self._partition()))

    @on(Input.Changed)
    def _changed(self) -> None:
        self.query_one("#profile-error", Static).update(self._problem() or "")

    # --- write and verify -------------------------------------------------------------------------------------

    def _say(self, text: str | Text) -> None:
        """The result of writing, verifying or retiring, scrolled into view (at 80x24 it is below the form)."""
        status = self.query_one("#verify-status", Static)
        status.update(text)
        self.call_after_refresh(status.scroll_visible, animate=False)

    @on(Input.Submitted)
    @on(Button.Pressed, "#write")
    def _submit(self) -> None:
        if self.session.busy:
            return  # writing (a new enter while only verifying starts again: the worker group is exclusive)
        problem = self._problem()
        if problem:
            self.query_one("#profile-error", Static).update(problem)
            return
        self.write_and_verify()

    @work(exclusive=True, group="profile-write")
    async def write_and_verify(self) -> None:
        if self.paths is None or self.regions is None:
            self._say("Still loading: press enter again in a moment.")
            return
        paths = self.paths
        name = self.query_one("#profile-name", Input).value.strip()
        region = self.query_one("#region", Input).value.strip()
        output = str(self.query_one("#output", Select).value)
        endpoint_url = self.iam.service.settings.endpoint_url
        try:
            existing = await asyncio.to_thread(cli_profile.existing_profile, paths, name)
        except cli_profile.ProfileWriteError as err:
            self._say(f"Not written. {err}")
            return
        replace = False
        if existing is not None:
            replace = await self.confirm(ConfirmScreen(
                f"The profile {name} exists ({existing.describe()}).\n\nReplace it? Its old settings are removed; "
                "other profiles and comments stay as they are.", yes="Replace", no="Keep it"))
            if not replace:
                self._say(f"Profile {name} kept as it was: choose another profile name.")
                return
        try:
            async with self.session.mutating("writing the profile"):
                await asyncio.to_thread(cli_profile.write_profile, paths, name, self.new_key.access_key_id,
                                        self.new_key.secret, region=region, output=output,
                                        endpoint_url=endpoint_url, replace=replace)
        except cli_profile.ProfileExists:
            self._say(f"Profile {name} appeared meanwhile: not replaced. Press enter again to decide.")
            return
        except cli_profile.ProfileWriteError as err:
            self._say(f"Not written. {err}")
            return
        self.written = True
        if self.on_written is not None:
            self.on_written()
        self._say(f"Profile {name} written. Verifying…")
        await self.verify(name, paths)

    async def verify(self, name: str, paths: CliPaths) -> None:
        service: IamService = self.iam.service
        try:
            expected = (await service.signin.user(self.named_user)).arn
            self.verified = await cli_profile.verify(
                lambda: cli_profile.service_for_profile(service, paths, name), expected,
                progress=lambda _n, text: self._say(text), patience=service.patience)
        except AwsError as err:
            self._say(failure_text(err, "✗ The profile was written but does not work yet.").append("\nenter tries "
                                                                                                   "again."))
            return
        endpoint = service.settings.endpoint_url
        try_it = (f"The demo wrote it to its temporary folder ({paths.credentials.parent}), removed when iam-tui "
                  "exits; its key exists only in the in-process sandbox, so the AWS CLI in your shell cannot use it."
                  if self.iam.is_demo else
                  f"Try it: aws sts get-caller-identity --profile {name}"
                  + (f" (the profile's endpoint_url sends it to {endpoint})" if endpoint else ""))
        if await self.verified_is_gated():
            try_it = (f"AWS refuses its other calls without MFA (an MFA-required policy such as {POLICY_NAME} on "
                      f"{self.user_name}'s group): use it through an MFA session (aws configure mfa-login "
                      f"--profile {name} --serial-number ARN --update-profile SESSION-PROFILE); iam-tui --profile "
                      f"{name} asks the code.\n{try_it}")
        self._say(f"✓ Verified: profile {name} signs in as {expected}.\n{try_it}")
        self.tell(StepDone(StepKey.ACCESS_KEYS))
        self.tell(Recorded(Made("AWS CLI profile", name, f"in {paths.credentials} and {paths.config}",
                                user=self.user_name)))
        self.tell(Recorded(cli_access(self.named_user, "key")))
        self.tell(AwsChanged(Changed.key(self.named_user, self.new_key.access_key_id)))  # used: last use changed
        await self._offer_retirement(service, name)

    async def verified_is_gated(self) -> bool:
        """Whether the verified key's ordinary calls are refused for lack of MFA (way 2's policy on its group)."""
        try:
            return self.verified is not None and await refused_without_mfa(self.verified.aws)
        except AwsError:
            return False

    async def _offer_retirement(self, service: IamService, profile: str) -> None:
        try:
            identity = await service.account.identity()
            running = await service.keys.running_access_key_id()
        except AwsError as err:
            self.app.notify(failure_text(err, "Could not tell which key iam-tui runs on, so no root key is offered "
                                         "for deletion.").plain, severity="warning", markup=False)
            return
        if not identity.caller.is_root or not is_long_term_key(running):
            return
        self.root_key = running
        self.query_one("#retire-text", Static).update(
            RETIRE_TEXT.format(key=running, user=self.user_name, profile=profile))
        self.query_one("#retire-key", Button).label = f"Delete root key {running}"
        retire = self.query_one("#retire")
        retire.display = True
        self.query_one("#retire-key", Button).focus(scroll_visible=False)
        # After the result's own scroll (_say, queued before): the offer, the next thing to do, ends in view.
        self.call_after_refresh(retire.scroll_visible, animate=False)

    # --- retiring the root key --------------------------------------------------------------------------------

    @on(Button.Pressed, "#keep-root")
    def _keep_root(self) -> None:
        self.query_one("#retire").display = False
        self.app.notify("The root access key stays; the security check 'root has no access keys' keeps failing "
                        "until it is deleted.", severity="warning", timeout=8)

    @on(Button.Pressed, "#retire-key")
    def _retire(self) -> None:
        if not self.session.busy:
            self.retire_root_key()

    @work(exclusive=True, group="profile-retire")
    async def retire_root_key(self) -> None:
        key, new_service = self.root_key, self.verified
        if key is None or new_service is None:
            return
        profile = new_service.settings.profile
        if not await self.iam.push_screen_wait(TypedConfirmScreen(
                f"Delete the root user's access key {key}? iam-tui is running on it; afterwards it goes on as "
                f"{self.user_name} (profile {profile}). This cannot be undone.", key)):
            return
        old: IamService = self.iam.service
        if await self.act("deleting the root access key", old.keys.delete(None, key),
                          changed=Changed.setting("root access key"), status=self._say,
                          failed="The root key was not deleted.") is REFUSED:
            return
        self.tell(Recorded(Made("root access key", key, "deleted; iam-tui went on with profile "
                                f"{profile}", gone=True)))
        self.root_key = None
        self.query_one("#retire").display = False
        try:  # a key that an MFA-required policy gates goes on with an MFA session (the code asked here)
            new_service = await session_if_refused(new_service)
        except AwsError as err:  # the key is gone either way: go on with the verified profile regardless
            self.app.notify(failure_text(err, f"Going on as {profile}; reading its identity failed for now.").plain,
                            severity="warning", markup=False)
        self.tell(ServiceChanged(new_service))
        self._say(f"✓ Root access key {key} deleted. iam-tui now runs as {self.user_name} (profile {profile}).")
        self.app.notify(f"Root access key {key} deleted; now running as {self.user_name}.", title="Root key retired")

    def action_back(self) -> None:
        self.dismiss(self.written)  # disabled while writing or deleting; verifying only reads: leaving stops it
