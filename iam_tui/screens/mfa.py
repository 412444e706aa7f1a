"""Guide step 3: assign a virtual MFA device to an IAM user, with its QR code drawn in the terminal.

The device exists in AWS from ``CreateVirtualMFADevice`` on, but protects nobody until ``EnableMFADevice``; until
then it is "pending" here and is deleted again if the person leaves, cancels or quits, so no orphan is left."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from ..aws.errors import AwsError
from ..aws.mfa import MfaDevice, NewVirtualMfaDevice, VirtualMfaDevice
from ..aws.service import IamService
from ..core.mfa import MAX_DEVICES_PER_USER, SEED_GROUP, otpauth_uri
from ..core.secret import Secret
from ..core.totp import DIGITS, CodeProblem, check_codes, seconds_left
from ..core.validation import name_taken, validate_mfa_device_name
from ..guide import StepKey
from ..widgets.qr_code import QrCode
from ..widgets.secret_field import SecretField
from ..widgets.secret_input import SecretInput
from .base import AppScreen
from .confirm import ConfirmScreen
from .messages import AwsChanged, GuideUserChosen, StepDone
from .qr_view import QrViewScreen, fits_full_screen
from .user_picker import UserPickerScreen

if TYPE_CHECKING:
    from ..session import GuideSession

STEP_KEY = "mfa"
FORM_MIN_WIDTH = 44  # columns the form keeps when the QR code is drawn beside it
SHOWN_DEVICES = MAX_DEVICES_PER_USER

ROOT_MFA_STEPS = (
    "AWS has no API for the root user's MFA, so iam-tui cannot assign it. Sign in to the AWS console as root, "
    "open your account name (top right) > Security credentials > Multi-factor authentication (MFA) > "
    "Assign MFA device, and follow the steps there."
)


class PendingDevice:
    """A created, not yet enabled device, and its deletion (idempotent: on leave, on cancel or on quit)."""

    def __init__(self, service: IamService, device: NewVirtualMfaDevice) -> None:
        self.service = service
        self.device = device
        self.deleted = False
        self.exiting = False  # the app's exit cleanup has run: nothing else should try again

    @property
    def cleanup_key(self) -> str:
        """One exit cleanup per device (device names are unique in the account)."""
        return f"unassigned MFA device {self.device.name}"

    async def on_exit(self) -> str | None:
        """The app's exit cleanup (see ``IamTuiApp.add_exit_cleanup``)."""
        self.exiting = True
        return await self.delete()

    async def delete(self) -> str | None:
        """Delete the device; a message naming it when that fails, else None."""
        if self.deleted:
            return None
        try:
            await self.service.mfa.delete(self.device.serial)
        except AwsError as err:
            if err.code != "NoSuchEntity":
                return (f"Could not delete the unassigned MFA device {self.device.name} ({self.device.serial}). "
                        f"{err.text} Delete it with `aws iam delete-virtual-mfa-device --serial-number "
                        f"{self.device.serial}`, or let iam-tui offer it again next time.")
        self.deleted = True
        return None


async def _delete_and_report(app: Any, session: GuideSession, pending: PendingDevice) -> bool:
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


class MfaScreen(AppScreen):
    """Create a virtual device, show its QR code and key, check two codes, enable it."""

    CSS_PATH = "../styles/mfa.tcss"
    AUTO_FOCUS = "#device-name"
    HELP = (
        "Step 3 of the guide: protect an IAM user's console sign-in with a virtual MFA device (an authenticator "
        "app on a phone: Google Authenticator, Microsoft Authenticator, 1Password, Authy, ...).\n\n"
        "1. Check the device name (it defaults to the user name) and press enter: iam-tui creates the device in "
        "AWS and shows its QR code.\n"
        "2. Scan the QR code with the app, or type the secret key by hand (v reveals it, c copies it). When the "
        "QR code does not fit beside the form, ctrl+f shows it full-screen.\n"
        "3. Enter the code the app shows, wait for the next one (codes change every 30 s) and enter it too. "
        "iam-tui checks both codes against the key first (typo, same code twice, clock off), then asks AWS to "
        "enable the device.\n\n"
        "Leaving (esc) or quitting before the device is enabled deletes it in AWS, so nothing is left behind. "
        "ctrl+o picks another IAM user. The root user's MFA can only be assigned in the AWS console: the screen "
        "says where."
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+o", "other_user", "Other user"),
        Binding("ctrl+f", "full_qr", "Full-screen QR"),
    ]
    WAIT_WHILE_BUSY = frozenset({"back", "other_user"})

    def __init__(self) -> None:
        super().__init__()
        self.user: str | None = None
        self.devices: list[MfaDevice] = []
        self.account_devices: list[VirtualMfaDevice] = []
        self.pending: PendingDevice | None = None
        self.uri: Secret | None = None
        self._countdown: Timer | None = None
        self._send_anyway: tuple[str, str] | None = None
        self._listed = False  # the user's and the account's devices have been read (or could not be)

    # --- layout ---------------------------------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="mfa-body"):
            with VerticalScroll(id="mfa-form"):
                yield Static("", id="mfa-user", markup=False)
                yield Static("", id="mfa-devices", markup=False)
                yield Static("", id="root-mfa", markup=False)
                with Vertical(id="create-box"):
                    yield Label("Device name (the authenticator app shows it next to the codes)")
                    yield Input(id="device-name", max_length=226)
                    yield Static("", id="name-message", markup=False)
                    yield Button("Create device and show QR code", id="create", variant="primary")
                with Vertical(id="pending-box"):
                    yield Static("", id="scan-help", markup=False)
                    yield Button("Full-screen QR code (ctrl+f)", id="full-qr")
                    yield Label("Two consecutive codes from the app", id="codes-label")
                    with Horizontal(id="codes"):
                        yield SecretInput(id="code1", placeholder="first code", restrict=r"[0-9]*", max_length=DIGITS)
                        yield SecretInput(id="code2", placeholder="next code", restrict=r"[0-9]*", max_length=DIGITS)
                    yield Static("", id="countdown", markup=False)
                    yield Static("", id="code-message", markup=False)
                    with Horizontal(classes="buttons"):
                        yield Button("Enable MFA", id="enable", variant="success")
                        yield Button("Cancel (esc)", id="cancel", variant="error")
                yield Static("", id="done-message", markup=False)
            yield Container(id="qr-pane")

    def on_mount(self) -> None:
        for hidden in ("#pending-box", "#qr-pane", "#done-message"):
            self.query_one(hidden).display = False
        user = self.session.guide_user
        if user:
            self.show_user(user)
        else:
            self.query_one("#mfa-user", Static).update("No IAM user chosen yet: ctrl+o chooses one.")
            self.action_other_user()

    def on_resize(self, _event: events.Resize) -> None:
        self.call_after_refresh(self._place_qr)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._place_qr)  # the terminal may have been resized under the full-screen view

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "full_qr":
            return self.pending is not None
        if action == "other_user" and self.pending is not None:
            return None
        return super().check_action(action, parameters)

    # --- the user and their devices -------------------------------------------------------------------------

    def action_other_user(self) -> None:
        if self.pending is None and not self.session.busy:
            self._open_picker()

    @work(exclusive=True, group="mfa-picker")
    async def _open_picker(self) -> None:
        await self.iam.wait_for_service()  # the picker lists users at once
        self.app.push_screen(UserPickerScreen("Which IAM user gets the MFA device?"), self._user_chosen)

    def _user_chosen(self, name: str | None) -> None:
        if name is None:
            if self.user is None:
                self.query_one("#mfa-user", Static).update("No IAM user chosen: ctrl+o chooses one (guide step 2 "
                                                           "creates one).")
            return
        self.tell(GuideUserChosen(name, replace=False))
        self.show_user(name)

    def show_user(self, user: str) -> None:
        self.user = user
        self.devices, self.account_devices = [], []
        self._listed = False
        self.query_one("#mfa-user", Static).update(f"IAM user: {user}   (ctrl+o: another user)")
        self.query_one("#mfa-devices", Static).update("Reading MFA devices…")
        self.query_one("#done-message").display = False
        self.query_one("#create-box").display = True
        self.query_one("#device-name", Input).value = user
        self.query_one("#device-name", Input).focus()
        self.refresh_bindings()
        self.load_devices()

    @work(exclusive=True, group="mfa-load")
    async def load_devices(self) -> None:
        user = self.user
        if user is None:
            return
        service: IamService = await self.iam.wait_for_service()
        listing = self.query_one("#mfa-devices", Static)
        try:
            devices, account_devices = await asyncio.gather(service.mfa.user_devices(user),
                                                            service.mfa.virtual_devices())
        except AwsError as err:
            if user == self.user:
                listing.update(f"Could not read the MFA devices of {user}. {err.text}")
                self._listed = True  # AWS will still check the name and the quota when creating
                self._validate_name()
            return
        if user != self.user:
            return
        self.devices, self.account_devices = devices, account_devices
        self._listed = True
        listing.update(devices_text(user, devices))
        if devices and user == self.session.guide_user:
            self.tell(StepDone(StepKey.MFA))  # done earlier, or elsewhere
        self._validate_name()
        await self._show_root_mfa(service)

    async def _show_root_mfa(self, service: IamService) -> None:
        note = self.query_one("#root-mfa", Static)
        try:
            summary = await service.account.summary()
        except AwsError as err:
            note.update(f"Root user MFA: unknown ({err.code}). {ROOT_MFA_STEPS}")
            return
        note.set_class(not summary.root_mfa_enabled, "-attention")
        note.update("Root user MFA: on." if summary.root_mfa_enabled else f"Root user MFA: not set. {ROOT_MFA_STEPS}")

    # --- creating the device --------------------------------------------------------------------------------

    @on(Input.Changed, "#device-name")
    def _name_changed(self) -> None:
        self._validate_name()

    def _validate_name(self) -> str | None:
        """Show what is wrong with the name (or a note about a leftover); return the blocking problem, if any."""
        name = self.query_one("#device-name", Input).value.strip()
        message = self.query_one("#name-message", Static)
        problem = validate_mfa_device_name(name)
        note = None
        if problem is None and self.user is None:
            problem = "Choose the IAM user first (ctrl+o)."
        if problem is None and not self._listed:
            problem = "Reading the MFA devices first…"
        if problem is None and len(self.devices) >= MAX_DEVICES_PER_USER:
            problem = (f"{self.user} already has {MAX_DEVICES_PER_USER} MFA devices, the most IAM allows: remove "
                       "one in the console first.")
        if problem is None:
            same = [d for d in self.account_devices if d.name.lower() == name.lower()]
            taken = name_taken(name, [d.name for d in same])
            assigned = [d for d in same if d.assigned]
            if assigned:
                problem = f"{taken} It is the MFA device of {assigned[0].user}: pick another name."
            elif same:
                note = (f"An unassigned device named {same[0].name} exists (left by an interrupted attempt?): "
                        "creating will offer to delete it first.")
        message.set_class(problem is not None, "-error")
        message.update(problem or note or "")
        return problem

    @on(Input.Submitted, "#device-name")
    @on(Button.Pressed, "#create")
    def _create_requested(self) -> None:
        if self.session.busy or self.pending is not None:
            return
        if self._validate_name() is None:
            self.create_device(self.query_one("#device-name", Input).value.strip())
        else:
            self.query_one("#device-name", Input).focus()

    @work(exclusive=True, group="mfa-change")
    async def create_device(self, name: str) -> None:
        service: IamService = self.iam.service
        message = self.query_one("#name-message", Static)
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
            if not await self.app.push_screen_wait(ConfirmScreen(question, yes="Delete it", no="Keep it")):
                message.update(f"Kept {leftover.name}: pick another name.")
                return
            try:
                async with self.session.mutating("deleting the leftover MFA device"):
                    await service.mfa.delete(leftover.serial)
            except AwsError as err:
                message.update(f"Could not delete {leftover.name}. {err.text}")
                return
        try:
            async with self.session.mutating("creating the MFA device"):
                device = await service.mfa.create(name)
                self.pending = PendingDevice(service, device)
                self.session.add_exit_cleanup(self.pending.cleanup_key, self.pending.on_exit)
        except AwsError as err:
            if err.code == "EntityAlreadyExists":  # taken since the list was read: read it again, explain
                with contextlib.suppress(AwsError):
                    self.account_devices = await service.mfa.virtual_devices()
                if self._validate_name() is not None or str(message.render()):
                    return
            message.set_class(True, "-error")
            message.update(err.text)
            return
        message.set_class(False, "-error")
        message.update("")
        await self._show_pending(device)

    async def _show_pending(self, device: NewVirtualMfaDevice) -> None:
        identity = self.iam.identity
        account = (identity.alias or identity.account_id) if identity is not None else ""
        self.uri = otpauth_uri(device.name, account, device.seed)
        await self.query_one("#qr-pane").mount(QrCode(self.uri, id="qr"))
        field = SecretField("Secret key (to type in by hand)", device.seed, group_size=SEED_GROUP,
                            id="seed")
        await self.query_one("#pending-box").mount(field, after="#full-qr")
        self.query_one("#create-box").display = False
        self.query_one("#root-mfa").display = False
        self.query_one("#pending-box").display = True
        self._send_anyway = None
        self._tick()
        self._countdown = self.set_interval(1.0, self._tick)
        self.refresh_bindings()
        self.query_one("#code1", Input).focus()
        self.call_after_refresh(self._place_qr)

    def _place_qr(self) -> None:
        """Inline when the QR code fits beside the form, else a note and the full-screen view."""
        qrs = self.query("#qr").results(QrCode)
        qr = next(qrs, None)
        if qr is None or self.pending is None:
            return
        body = self.query_one("#mfa-body").size
        need = qr.cell_size
        fits = need.width + 2 + FORM_MIN_WIDTH <= body.width and need.height <= body.height
        self.query_one("#qr-pane").display = fits
        self.query_one("#full-qr").display = not fits
        help_text = self.query_one("#scan-help", Static)
        device = self.pending.device.name
        if fits:
            help_text.update(f"Scan the QR code with your authenticator app (it adds {device}), or type the "
                             "secret key below by hand.")
        elif fits_full_screen(need, self.app.size):
            help_text.update(f"The QR code ({need.width}×{need.height} cells) does not fit beside the form: press "
                             "ctrl+f to show it full-screen, or type the secret key below into your authenticator "
                             f"app (it adds {device}).")
        else:
            terminal = self.app.size
            help_text.update(f"The QR code needs {need.width}×{need.height + 1} cells and this terminal is "
                             f"{terminal.width}×{terminal.height}: enlarge the window or zoom out (ctrl and -), then "
                             "press ctrl+f to show it full-screen; or type the secret key below into your "
                             f"authenticator app (it adds {device}).")
        help_text.set_class(not fits, "-attention")

    def action_full_qr(self) -> None:
        if self.uri is not None and self.pending is not None:
            self.app.push_screen(QrViewScreen(self.uri, f"Scan to add {self.pending.device.name}"))

    @on(Button.Pressed, "#full-qr")
    def _full_qr_pressed(self) -> None:
        self.action_full_qr()

    # --- two codes, then enable -----------------------------------------------------------------------------

    def _tick(self) -> None:
        left = seconds_left(time.time())
        self.query_one("#countdown", Static).update(
            f"Codes change every 30 s; the next one comes in {left:2d} s. Enter the code shown now, then the next.")

    @on(Input.Changed, "#code1")
    def _code1_changed(self, event: Input.Changed) -> None:
        if len(event.value) == DIGITS and self.focused is event.input:
            self.query_one("#code2", Input).focus()

    @on(Input.Changed, "#code2")
    def _code2_changed(self, event: Input.Changed) -> None:
        # The second code complete: check and send at once. Focus stays here, so a stray extra digit goes
        # nowhere (on a button it could trigger an app-wide key).
        if len(event.value) == DIGITS and self.focused is event.input:
            self._enable_requested()

    @on(Input.Submitted, "#code1, #code2")
    @on(Button.Pressed, "#enable")
    def _enable_requested(self) -> None:
        codes = [self.query_one(f"#{i}", Input).value for i in ("code1", "code2")]
        if not self.session.busy and self.pending is not None and any(codes):
            self.enable_device()

    def _clear_codes(self) -> None:
        for code in self.query("#code1, #code2").results(Input):
            code.value = ""
        self.query_one("#code1", Input).focus()

    @work(exclusive=True, group="mfa-change")
    async def enable_device(self) -> None:
        pending, user = self.pending, self.user
        if pending is None or user is None:
            return
        first, second = (self.query_one(f"#{i}", Input).value for i in ("code1", "code2"))
        message = self.query_one("#code-message", Static)
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
                self.query_one("#code1" if len(first) != DIGITS else "#code2", Input).focus()
            else:
                self._clear_codes()
            return
        message.update("Asking AWS to enable the device…")
        message.set_class(False, "-error")
        service = pending.service
        try:
            async with self.session.mutating("enabling the MFA device"):
                await service.mfa.enable(user, pending.device.serial, first, second, lambda err, delay: message.update(
                    f"{err.code}: IAM is still settling a recent change to {user}; asking again in {delay:g} s…"))
        except AwsError as err:  # the service already read back whether the device got assigned anyway
            message.set_class(True, "-error")
            if err.code == "InvalidAuthenticationCode":
                message.update(f"{err.code}: AWS did not accept the codes (they may have expired while you typed, "
                               "or the phone's clock is off). The device is kept, no new QR code needed: enter the "
                               "code the app shows now, then the next one.")
            else:
                message.update(f"{err.text} The device is kept: try again.")
            self._send_anyway = None
            self._clear_codes()
            return
        await self._enabled(user, pending)

    async def _enabled(self, user: str, pending: PendingDevice) -> None:
        self.pending = None
        self.session.remove_exit_cleanup(pending.cleanup_key)
        await self._wipe()
        self.query_one("#pending-box").display = False
        self.query_one("#root-mfa").display = True
        done = self.query_one("#done-message", Static)
        done.update(f"✓ The virtual MFA device {pending.device.name} is assigned to {user}: the AWS console now "
                    f"asks {user} for a code from the authenticator app at sign-in. The secret key and QR code are "
                    "cleared from the screen. esc returns to the dashboard; ctrl+o sets up another user.")
        done.display = True
        self.refresh_bindings()
        guide_user = self.session.guide_user
        if guide_user is None or guide_user == user:
            self.tell(StepDone(StepKey.MFA))
        self.tell(AwsChanged())
        self.load_devices()

    async def _wipe(self) -> None:
        """Forget the seed and the QR code (both on screen and in this screen's state)."""
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        self.uri = None
        for qr in self.query("#qr").results(QrCode):
            qr.wipe()
            await qr.remove()
        for field in self.query("#seed").results(SecretField):
            field.wipe()
            await field.remove()
        for code in self.query("#code1, #code2").results(Input):
            code.value = ""
        self.query_one("#qr-pane").display = False

    # --- leaving ----------------------------------------------------------------------------------------------

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        if self.pending is None:
            self.app.pop_screen()
            return
        self.leave_pending()

    @work(exclusive=True, group="mfa-change")
    async def leave_pending(self) -> None:
        pending = self.pending
        if pending is None:
            return
        question = (f"Leave without enabling? The unassigned MFA device {pending.device.name} will be deleted in "
                    "AWS. If you already added it to your authenticator app, remove that entry too.")
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes="Delete and leave", no="Stay")):
            return
        async with self.session.mutating("deleting the unassigned MFA device"):
            deleted = await _delete_and_report(self.app, self.session, pending)
        self.pending = None
        await self._wipe()
        if deleted:
            self.notify(f"Deleted the unassigned MFA device {pending.device.name}.")
        self.app.pop_screen()

    def on_unmount(self) -> None:
        """Left some other way while a device was pending: delete it in the background."""
        pending = self.pending
        if pending is None or pending.deleted or pending.exiting:
            return
        self.pending = None

        app, session = self.app, self.session

        async def delete() -> None:
            async with session.mutating("deleting the unassigned MFA device"):
                await _delete_and_report(app, session, pending)

        app.run_worker(delete(), group="mfa-cleanup")
