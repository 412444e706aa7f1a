"""Guide step 3: assign a virtual MFA device to an IAM user, with its QR code drawn in the terminal.

The device exists in AWS from ``CreateVirtualMFADevice`` on, but protects nobody until ``EnableMFADevice``; until
then it is "pending" here and is deleted again if the person leaves, cancels or quits, so no orphan is left."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from textual import events, getters, on, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive, var
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Input

from ..aws.errors import AwsError
from ..aws.mfa import NewVirtualMfaDevice, VirtualMfaDevice
from ..aws.models import MfaDevice
from ..aws.pending_mfa import PendingDevice
from ..aws.service import IamService
from ..core.changes import Changed
from ..core.finish import Made
from ..core.mfa import MAX_DEVICES_PER_USER, SEED_GROUP, free_device_name, otpauth_uri
from ..core.secret import Secret
from ..core.totp import DIGITS, CodeProblem, check_codes, seconds_left
from ..core.validation import name_taken, validate_mfa_device_name
from ..guide import StepKey
from ..widgets.data_text import Label, Static
from ..widgets.qr_code import QrCode
from ..widgets.secret_field import SecretField
from ..widgets.secret_input import SecretInput
from .base import REFUSED, failure_text
from .confirm import ConfirmScreen
from .messages import AwsChanged, GuideUserChosen, Recorded, StepDone
from .qr_view import QrViewScreen, fits_full_screen
from .user_picker import UserPickerScreen
from .user_screen import UserScreen

if TYPE_CHECKING:
    from ..session import GuideSession

FORM_MIN_WIDTH = 44  # columns the form keeps when the QR code is drawn beside it (toasts stay within them)
SHOWN_DEVICES = MAX_DEVICES_PER_USER

ROOT_MFA_MISSING = ("The root user has no MFA either (CIS 1.4). No API can assign it: f on the dashboard's 1.4 row "
                    "lists the console's clicks.")
SEED_KEYS = "vc"  # reveal, copy: the secret key's own keys (SecretField), also from the code fields
NO_USER = "No IAM user chosen: press ctrl+o to choose who gets the MFA device (guide step 2 creates one)."


class Phase(StrEnum):
    """What the screen shows; each value is the id of that phase's widget in the screen's ``ContentSwitcher``."""

    CREATE = "create-box"  # name the device and create it
    SCAN = "pending-box"  # a device exists but protects nobody yet: add it to the app, enter two codes
    DONE = "done-message"  # enabled


@dataclass(frozen=True)
class Devices:
    """What was read for one user: their MFA devices and the account's virtual devices (the names in use), or why
    they could not be read (AWS still checks the name and the quota when creating)."""

    user: str
    mine: list[MfaDevice] = field(default_factory=list)
    account: list[VirtualMfaDevice] = field(default_factory=list)
    problem: str | None = None


async def _delete_and_report(app: App[Any], session: GuideSession, pending: PendingDevice) -> bool:
    """Delete a pending device. On success its exit cleanup is dropped; on failure it stays registered (quitting
    tries once more) and the problem, naming the device, is shown. True when the device is gone."""
    problem = await pending.delete()
    if problem:
        app.notify(problem, title="MFA device left behind", severity="error", timeout=30)
        return False
    session.remove_exit_cleanup(pending.cleanup_key)
    return True


def devices_text(user: str, devices: list[MfaDevice]) -> str:
    if not devices:
        return f"{user} has no MFA device yet."
    lines = [f"MFA devices of {user} ({len(devices)} of {MAX_DEVICES_PER_USER}; one is enough, more are spares):"]
    for device in devices[:SHOWN_DEVICES]:
        when = f" · enabled {device.enabled:%Y-%m-%d}" if isinstance(device.enabled, datetime) else ""
        lines.append(f"  • {device.name} · {device.kind.value}{when}")
    return "\n".join(lines)


class CreatePhase(Vertical):
    """Phase 1: the device's name, and the button that creates it in AWS."""

    def compose(self) -> ComposeResult:
        yield Label("Device name (the authenticator app shows it next to the codes)")
        yield Input(id="device-name", max_length=226)
        yield Static("", id="name-message", markup=False)
        yield Button("Create device and show QR code", id="create", variant="primary")


class ScanPhase(Vertical):
    """Phase 2: how to add the device to the authenticator app (the QR code beside the form, or full-screen), its
    secret key (mounted with the device, see ``MfaScreen._show_pending``), two consecutive codes, enable or
    cancel."""

    def compose(self) -> ComposeResult:
        yield Static("", id="scan-help", markup=False)
        yield Button("Full-screen QR code (ctrl+f)", id="full-qr")
        yield Label("Two consecutive codes from the app", id="codes-label")
        with Horizontal(id="codes"):
            # The first field takes both codes: digits typed or pasted in one burst arrive before the focus
            # moves on, and what goes past six is carried into the second field (see _code1_changed).
            yield SecretInput(id="code1", placeholder="first code", restrict=r"[0-9]*", max_length=2 * DIGITS,
                              lets_through=SEED_KEYS)
            yield SecondCodeInput(id="code2", placeholder="next code", restrict=r"[0-9]*", max_length=DIGITS,
                                  lets_through=SEED_KEYS)
        yield Static("", id="countdown", markup=False)
        yield Static("", id="code-message", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Enable MFA", id="enable", variant="success")
            yield Button("Cancel (esc)", id="cancel", variant="error")


class SecondCodeInput(SecretInput):
    """The second code's field: backspace with nothing in it goes on to the screen (back into the first code)."""

    def action_delete_left(self) -> None:
        if not self.value:
            raise SkipAction()
        super().action_delete_left()


class MfaScreen(UserScreen[None]):
    """Create a virtual device, show its QR code and key, check two codes, enable it."""

    CSS_PATH = "../styles/mfa.tcss"
    AUTO_FOCUS = "#device-name"
    HELP = (
        "Step 3 of the guide: protect an IAM user's console sign-in with a virtual MFA device (an authenticator "
        "app on a phone: Google Authenticator, Microsoft Authenticator, 1Password, Authy, ...).\n\n"
        "1. Check the device name (it defaults to the user name) and press enter: iam-tui creates the device in "
        "AWS and shows its QR code.\n"
        "2. Scan the QR code with the app, or type the secret key by hand (v reveals it, c copies it, also while "
        "you are in the code fields). When the QR code does not fit beside the form, ctrl+f shows it full-screen.\n"
        "3. Enter the code the app shows, wait for the next one (codes change every 30 s) and enter it too (the "
        "sixth digit moves on to the second field; backspace there goes back). iam-tui checks both codes against "
        "the key first (typo, same code twice, clock off), then asks AWS to enable the device.\n\n"
        "Leaving (esc) or quitting before the device is enabled deletes it in AWS, so nothing is left behind. "
        "ctrl+o picks another IAM user. The root user's MFA can only be assigned in the AWS console: the screen "
        "says where."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+o", "other_user", "User"),
        Binding("ctrl+f", "full_qr", "Full QR"),
        Binding("tab", "stay_in_code2", "Next code", show=False),
        Binding("backspace", "back_to_code1", "Back to the first code", show=False),
        # Only while the key is on screen (check_action). The code fields take digits only and let these letters
        # through (SEED_KEYS): as priority bindings they work from there, where the person is, as the key says.
        Binding(SEED_KEYS[0], "reveal_seed", "Reveal key", priority=True),
        Binding(SEED_KEYS[1], "copy_seed", "Copy key", priority=True),
    ]
    WAIT_WHILE_BUSY = frozenset({"back", "other_user"})

    phase: reactive[Phase] = reactive(Phase.CREATE, init=False)
    devices: var[Devices | None] = var(None, init=False)

    switcher = getters.query_one("#mfa-phases", ContentSwitcher)
    user_line = getters.query_one("#mfa-user", Static)
    listing = getters.query_one("#mfa-devices", Static)
    name_input = getters.query_one("#device-name", Input)
    name_message = getters.query_one("#name-message", Static)
    code1 = getters.query_one("#code1", Input)
    code2 = getters.query_one("#code2", Input)
    code_message = getters.query_one("#code-message", Static)

    def __init__(self, user: str | None = None) -> None:
        """``user``: whose device (a fix for a finding names the user); by default the guide's user."""
        super().__init__(user)
        self.pending: PendingDevice | None = None
        self.proposing_name = False  # the device name field holds the name proposed for the user, devices unread
        self.root_mfa_missing = False  # read with the devices: the root line is shown only then
        self.uris: tuple[Secret, ...] = ()  # what the QR code may encode: AWS's URI, then a shorter one
        self._countdown: Timer | None = None
        self._send_anyway: tuple[str, str] | None = None

    # --- layout ---------------------------------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="mfa-body"):
            with VerticalScroll(id="mfa-form"):
                yield Static("", id="mfa-user", markup=False)
                yield Static("", id="mfa-devices", markup=False)
                yield Static("", id="root-mfa", markup=False)
                with ContentSwitcher(initial=Phase.CREATE, id="mfa-phases"):
                    yield CreatePhase(id=Phase.CREATE)
                    yield ScanPhase(id=Phase.SCAN)
                    yield Static("", id=Phase.DONE, markup=False)
            yield Container(id="qr-pane")

    def on_mount(self) -> None:
        self.query_one("#qr-pane").display = False
        self.query_one("#root-mfa").display = False  # until the account summary says root has no MFA
        user = self.user_name or self.session.guide_user
        if user:
            self.show_user(user)
        else:
            self.user_line.update("IAM user: none chosen yet")
            self._validate_name()
            self.action_other_user()

    def _say_user(self) -> None:
        """The user, and ctrl+o while it works (not once a device is made for this user)."""
        if self.user_name is None:
            return
        other = "" if self.phase is Phase.SCAN else "   (ctrl+o: another user)"
        self.user_line.update(f"IAM user: {self.user_name}{other}")

    def watch_phase(self, phase: Phase) -> None:
        self.switcher.current = phase
        self._say_user()
        self.query_one("#root-mfa").display = self.root_mfa_missing and phase is not Phase.SCAN
        if phase is Phase.CREATE:
            self.name_input.focus()
        elif phase is Phase.SCAN:
            self.code1.focus()
        else:
            self.query_one("#mfa-form").focus()
        self.refresh_bindings()
        self.call_after_refresh(self._place_qr)

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._place_qr)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._place_qr)  # the terminal may have been resized under the full-screen view

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("full_qr", "reveal_seed", "copy_seed"):
            # False: not shown, and the key goes on to the focused field (a v or c typed into the device name).
            return self.phase is Phase.SCAN and self.pending is not None
        if action == "other_user" and self.phase is Phase.SCAN:
            return None
        if action == "back_to_code1":  # from the empty second code only (backspace does nothing elsewhere here)
            return self.focused is self.code2 and not self.code2.value
        return super().check_action(action, parameters)

    # --- the user and their devices -------------------------------------------------------------------------

    def action_other_user(self) -> None:
        if self.phase is not Phase.SCAN and not self.session.busy:
            self._open_picker()

    @work(exclusive=True, group="mfa-picker")
    async def _open_picker(self) -> None:
        await self.iam.wait_for_service()  # the picker lists users at once
        self.iam.push_screen(UserPickerScreen("Which IAM user gets the MFA device?"), self._user_chosen)

    def _user_chosen(self, name: str | None) -> None:
        if name is None:
            return
        self.tell(GuideUserChosen(name, replace=False))
        self.show_user(name)

    def show_user(self, user: str) -> None:
        self.user_name = user
        self.devices = None
        self._say_user()
        self.listing.update("Reading MFA devices…")
        self.name_input.value = user
        self.proposing_name = True  # a free name replaces it once the account's devices are read
        self.phase = Phase.CREATE
        self.name_input.focus()
        self.load_devices()

    def reread(self) -> None:
        self.load_devices()

    @work(exclusive=True, group="mfa-load")
    async def load_devices(self) -> None:
        user = self.user_name
        if user is None:
            return
        service: IamService = await self.iam.wait_for_service()
        try:
            mine, account = await asyncio.gather(service.mfa.user_devices(user), service.mfa.virtual_devices())
        except AwsError as err:
            if user == self.user_name:
                self.devices = Devices(user, problem=f"Could not read the MFA devices of {user}. {err.text}")
            return
        if user != self.user_name:
            return
        self.devices = Devices(user, mine, account)
        await self._show_root_mfa(service)

    def watch_devices(self, devices: Devices | None) -> None:
        if devices is None:
            return
        self.listing.update(devices.problem or devices_text(devices.user, devices.mine))
        proposing, self.proposing_name = self.proposing_name, False
        if proposing and self.phase is Phase.CREATE and self.name_input.value == devices.user:  # still untouched
            taken = [d.name for d in devices.account if d.assigned] + [d.name for d in devices.mine]
            self.name_input.value = free_device_name(devices.user, taken)
            self.name_input.cursor_position = len(self.name_input.value)
        if devices.mine and devices.user == self.session.guide_user:
            self.tell(StepDone(StepKey.MFA))  # done earlier, or elsewhere
        self._validate_name()

    async def _show_root_mfa(self, service: IamService) -> None:
        """One line, and only while root has no MFA: this screen is about an IAM user's device (the console's steps
        for root are the dashboard's 1.4 fix)."""
        note = self.query_one("#root-mfa", Static)
        try:
            summary = await service.account.summary()
        except AwsError:
            summary = None  # the dashboard's 1.4 row says what is unknown and why
        self.root_mfa_missing = summary is not None and not summary.root_mfa_enabled
        note.update(ROOT_MFA_MISSING if self.root_mfa_missing else "")
        note.display = self.root_mfa_missing and self.phase is not Phase.SCAN

    # --- creating the device --------------------------------------------------------------------------------

    @on(Input.Changed, "#device-name")
    def _name_changed(self) -> None:
        self._validate_name()

    def _validate_name(self) -> str | None:
        """Show what is wrong (or a note about a leftover); return the blocking problem, if any. Who gets the
        device comes first: without a user there is nothing to name."""
        name = self.name_input.value.strip()
        devices = self.devices if self.devices is not None and self.devices.user == self.user_name else None
        note = None
        if self.user_name is None:
            problem: str | None = NO_USER
        else:
            problem = validate_mfa_device_name(name)
        if problem is None and devices is None:
            problem = "Reading the MFA devices first…"
        if problem is None and devices is not None and len(devices.mine) >= MAX_DEVICES_PER_USER:
            problem = (f"{self.user_name} already has {MAX_DEVICES_PER_USER} MFA devices, the most IAM allows: remove "
                       "one in the console first.")
        if problem is None and devices is not None:
            same = [d for d in devices.account if d.name.lower() == name.lower()]
            taken = name_taken(name, [d.name for d in same])
            assigned = [d for d in same if d.assigned]
            if assigned:
                problem = f"{taken} It is the MFA device of {assigned[0].user}: pick another name."
            elif same:
                note = (f"An unassigned device named {same[0].name} exists (left by an interrupted attempt?): "
                        "creating will offer to delete it first.")
        self.name_message.set_class(problem is not None, "-error")
        self.name_message.update(problem or note or "")
        return problem

    @on(Input.Submitted, "#device-name")
    @on(Button.Pressed, "#create")
    def _create_requested(self) -> None:
        if self.session.busy or self.phase is not Phase.CREATE:
            return
        if self._validate_name() is None:
            self.create_device(self.name_input.value.strip())
        else:
            self.name_input.focus()

    @work(exclusive=True, group="mfa-change")
    async def create_device(self, name: str) -> None:
        service: IamService = self.iam.service
        message = self.name_message
        message.set_class(True, "-error")
        try:
            leftovers = await service.mfa.unassigned_named(name)
        except AwsError as err:
            message.update(err.text)
            return
        for leftover in leftovers:
            question = (f"An unassigned MFA device named {leftover.name} already exists ({leftover.serial}), "
                        "probably left by an interrupted attempt: nobody signs in with it. Delete it and create "
                        "a new one?")
            if not await self.iam.push_screen_wait(ConfirmScreen(question, yes="Delete it", no="Keep it")):
                message.update(f"Kept {leftover.name}: pick another name.")
                return
            if await self.act("deleting the leftover MFA device", service.mfa.delete(leftover.serial),
                              changed=Changed.device(None, leftover.serial, removed=True), status=message,
                              failed=f"Could not delete {leftover.name}.") is REFUSED:
                return
        refused: list[AwsError] = []
        device = await self.act("creating the MFA device", self._create(service, name),
                                changed=lambda made: Changed.device(None, made.serial), status=message,
                                on_error=refused.append)
        if device is REFUSED:
            if refused and refused[0].code == "EntityAlreadyExists" and self.devices is not None:
                with contextlib.suppress(AwsError):  # taken since the list was read: say by whom
                    self.devices = Devices(self.devices.user, self.devices.mine, await service.mfa.virtual_devices())
                if self._validate_name() is None and not str(message.render()):
                    message.set_class(True, "-error")
                    message.update(failure_text(refused[0]))
            return
        message.set_class(False, "-error")
        message.update("")
        await self._show_pending(device)

    async def _create(self, service: IamService, name: str) -> NewVirtualMfaDevice:
        """The device, pending until it is enabled: deleted on exit unless it is."""
        device = await service.mfa.create(name)
        self.pending = PendingDevice(service.mfa, device)
        self.session.add_exit_cleanup(self.pending.cleanup_key, self.pending.on_exit)
        return device

    async def _show_pending(self, device: NewVirtualMfaDevice) -> None:
        identity = self.iam.identity
        account = (identity.alias or identity.account_id) if identity is not None else ""
        self.uris = tuple(otpauth_uri(device.name, account, device.seed, issuer_in_label=issuer)
                          for issuer in (True, False))
        await self.query_one("#qr-pane").mount(QrCode(self.uris, id="qr"))
        seed = SecretField("Secret key (to type in by hand)", device.seed, group_size=SEED_GROUP, id="seed")
        await self.query_one(ScanPhase).mount(seed, after="#full-qr")
        self._send_anyway = None
        self.code_message.update("")
        self._tick()
        self._countdown = self.set_interval(1.0, self._tick)
        self.phase = Phase.SCAN

    def _place_qr(self) -> None:
        """Inline when the QR code fits beside the form, else a note and the full-screen view."""
        qr = next(self.query("#qr").results(QrCode), None)
        pane = self.query_one("#qr-pane")
        if qr is None or self.pending is None or self.phase is not Phase.SCAN:
            pane.display = False
            self.remove_class("-qr-beside")
            return
        body = self.query_one("#mfa-body").size
        fits = qr.fit(Size(body.width - 2 - FORM_MIN_WIDTH, body.height))
        need = qr.cell_size  # when it does not fit: the least it needs
        pane.display = fits
        self.set_class(fits, "-qr-beside")  # where toasts go (styles/mfa.tcss)
        self.query_one("#full-qr").display = not fits
        help_text = self.query_one("#scan-help", Static)
        device = self.pending.device.name
        if fits:
            help_text.update(f"Scan the QR code with your authenticator app (it adds {device}), or type the "
                             "secret key below by hand.")
        elif fits_full_screen(need, self.iam.size):
            help_text.update(f"The QR code ({need.width}×{need.height} cells) does not fit beside the form: press "
                             "ctrl+f to show it full-screen, or type the secret key below into your authenticator "
                             f"app (it adds {device}).")
        else:
            terminal = self.iam.size
            help_text.update(f"The QR code needs {need.width}×{need.height + 1} cells and this terminal is "
                             f"{terminal.width}×{terminal.height}: enlarge the window or zoom out (ctrl and -), then "
                             "press ctrl+f to show it full-screen; or type the secret key below into your "
                             f"authenticator app (it adds {device}).")
        help_text.set_class(not fits, "-attention")

    def action_full_qr(self) -> None:
        if self.uris and self.pending is not None:
            self.iam.push_screen(QrViewScreen(self.uris, f"Scan to add {self.pending.device.name}"))

    @on(Button.Pressed, "#full-qr")
    def _full_qr_pressed(self) -> None:
        self.action_full_qr()

    def action_reveal_seed(self) -> None:
        for seed in self.query("#seed").results(SecretField):
            seed.action_toggle_reveal()

    def action_copy_seed(self) -> None:
        for seed in self.query("#seed").results(SecretField):
            seed.action_copy()  # the field asks the app to copy (SecretField.CopyRequested)

    # --- two codes, then enable -----------------------------------------------------------------------------

    def _tick(self) -> None:
        left = seconds_left(time.time())
        self.query_one("#countdown", Static).update(
            f"Codes change every 30 s; the next one comes in {left:2d} s. Enter the code shown now, then the next.")

    @on(Input.Changed, "#code1")
    def _code1_changed(self, event: Input.Changed) -> None:
        if len(event.value) > DIGITS:  # typed on, or pasted, past the first code: the rest is the second one
            first, rest = event.value[:DIGITS], event.value[DIGITS:]
            self.code1.value = first
            self.code2.value = (self.code2.value + rest)[:DIGITS]
            self.code2.focus()
            self.code2.cursor_position = len(self.code2.value)
            if len(self.code2.value) == DIGITS:
                self._enable_requested()
        elif len(event.value) == DIGITS and self.focused is event.input:
            self.code2.focus()

    @on(Input.Changed, "#code2")
    def _code2_changed(self, event: Input.Changed) -> None:
        # The second code complete: check and send at once. Focus stays here, so a stray extra digit goes
        # nowhere (on a button it could trigger an app-wide key).
        if len(event.value) == DIGITS and self.focused is event.input:
            self._enable_requested()

    @on(Input.Submitted, "#code1")
    def _code1_submitted(self) -> None:
        """enter in the first field goes on to the second (as tab does); with both typed, it sends them."""
        if self.code2.value:
            self._enable_requested()
        else:
            self.code2.focus()

    def action_stay_in_code2(self) -> None:
        """tab right after the first code moved the focus here by itself: the second code goes here, not onto a
        button (where it would go nowhere). Anywhere else tab moves the focus on, as on every screen: this binding
        takes the key from the Screen's own (a check_action that said no left tab doing nothing at all)."""
        if not (self.phase is Phase.SCAN and self.focused is self.code2 and not self.code2.value
                and len(self.code1.value) == DIGITS):
            self.focus_next()

    def action_back_to_code1(self) -> None:
        """backspace in the empty second field (see SecondCodeInput): back into the first code, its last digit
        deleted. Its sixth digit moved the focus on by itself, so a wrong one could not be taken back."""
        code1 = self.code1
        code1.value = code1.value[:-1]
        code1.focus()
        self.call_after_refresh(setattr, code1, "cursor_position", len(code1.value))  # focusing selected it all

    @on(Input.Submitted, "#code2")
    @on(Button.Pressed, "#enable")
    def _enable_requested(self) -> None:
        if not self.session.busy and self.pending is not None and (self.code1.value or self.code2.value):
            self.enable_device()

    def _clear_codes(self) -> None:
        self.code1.value = self.code2.value = ""
        self.code1.focus()

    @work(exclusive=True, group="mfa-change")
    async def enable_device(self) -> None:
        pending, user = self.pending, self.user_name
        if pending is None or user is None:
            return
        first, second = self.code1.value, self.code2.value
        message = self.code_message
        message.set_class(True, "-error")
        verdict = check_codes(pending.device.seed, first, second, time.time())
        if not verdict.ok and not (verdict.problem is CodeProblem.CLOCK_SKEW and self._send_anyway == (first,
                                                                                                      second)):
            if verdict.problem is CodeProblem.CLOCK_SKEW:
                self._send_anyway = (first, second)
                message.update(f"{verdict.message} If this computer's clock is the wrong one, press enter to "
                               "send these codes to AWS anyway.")
                return
            message.update(verdict.message)
            if verdict.problem is CodeProblem.FORMAT:
                (self.code1 if len(first) != DIGITS else self.code2).focus()
            else:
                self._clear_codes()
            return
        message.update("Asking AWS to enable the device…")
        message.set_class(False, "-error")

        def refused(err: AwsError) -> None:  # the service already read back whether the device got assigned anyway
            message.set_class(True, "-error")
            if err.code == "InvalidAuthenticationCode":
                message.update(f"{err.code}: AWS did not accept the codes (they may have expired while you typed, "
                               "or the phone's clock is off). The device is kept, no new QR code needed: enter the "
                               "code the app shows now, then the next one.")
            else:
                message.update(failure_text(err).append(" The device is kept: try again."))
            self._send_anyway = None
            self._clear_codes()

        if await self.act("enabling the MFA device", pending.mfa.enable(
                user, pending.device.serial, first, second, lambda err, delay: message.update(
                    f"{err.code}: IAM is still settling a recent change to {user}; asking again in {delay:g} s…")),
                changed=Changed.device(user, pending.device.serial), status=message,
                on_error=refused) is REFUSED:
            return
        await self._enabled(user, pending)

    async def _enabled(self, user: str, pending: PendingDevice) -> None:
        self.pending = None
        self.session.remove_exit_cleanup(pending.cleanup_key)
        await self._wipe()
        self.query_one(f"#{Phase.DONE}", Static).update(
            f"✓ The virtual MFA device {pending.device.name} is assigned to {user}: the AWS console now asks {user} "
            "for a code from the authenticator app at sign-in. The secret key and QR code are cleared from the "
            "screen. esc goes back; ctrl+o sets up another user.")
        self.phase = Phase.DONE
        guide_user = self.session.guide_user
        if guide_user is None or guide_user == user:
            self.tell(StepDone(StepKey.MFA))
        self.tell(Recorded(Made("MFA device", pending.device.serial, f"virtual, assigned to {user}", user=user)))
        self.load_devices()

    async def _wipe(self) -> None:
        """Forget the seed and the QR code (both on screen and in this screen's state)."""
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        self.uris = ()
        for qr in self.query("#qr").results(QrCode):
            qr.wipe()
            await qr.remove()
        for seed in self.query("#seed").results(SecretField):
            seed.wipe()
            await seed.remove()
        self.code1.value = self.code2.value = ""
        self.query_one("#qr-pane").display = False

    # --- leaving ----------------------------------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_back()

    def leaving_drops(self) -> str | None:
        pending = self.pending
        return None if pending is None else f"the MFA device {pending.device.name}, made but not enabled yet"

    def quitting_drops(self) -> str | None:
        return None  # quitting deletes the device (its exit cleanup), and the exit says if it could not

    def action_back(self) -> None:
        if self.pending is None:
            self.iam.pop_screen()
            return
        self.leave_pending()

    @work(exclusive=True, group="mfa-change")
    async def leave_pending(self) -> None:
        pending = self.pending
        if pending is None:
            return
        question = (f"Leave without enabling? The unassigned MFA device {pending.device.name} will be deleted in "
                    "AWS. If you already added it to your authenticator app, remove that entry too.")
        if not await self.iam.push_screen_wait(ConfirmScreen(question, yes="Delete and leave", no="Stay")):
            return
        # _delete_and_report says itself what went wrong (and keeps the exit cleanup): act never sees an error here
        deleted = await self.act("deleting the unassigned MFA device",
                                 _delete_and_report(self.iam, self.session, pending),
                                 changed=Changed.device(None, pending.device.serial, removed=True),
                                 status=self.code_message)
        self.pending = None
        await self._wipe()
        if deleted is True:
            self.notify(f"Deleted the unassigned MFA device {pending.device.name}.")
        self.iam.pop_screen()

    def on_unmount(self) -> None:
        """Left some other way while a device was pending: delete it in the background."""
        pending = self.pending
        if pending is None or pending.deleted or pending.exiting:
            return
        self.pending = None

        app, session = self.iam, self.session

        async def delete() -> None:  # not the screen's act: the screen is gone, the app's worker deletes it
            async with session.mutating("deleting the unassigned MFA device"):
                if await _delete_and_report(app, session, pending):
                    app.post_message(AwsChanged(Changed.device(None, pending.device.serial, removed=True)))

        app.run_worker(delete(), group="mfa-cleanup")
