"""Guide step 3 in the app: virtual MFA with the QR code, codes computed here from the device's seed."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from typing import Any

import pytest
from textual import events
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static
from textual.widgets._toast import Toast

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.clipboard import Clipboard
from iam_tui.core.checks import CheckId
from iam_tui.core.mfa import otpauth_uri
from iam_tui.core.secret import Secret
from iam_tui.core.totp import totp
from iam_tui.guide import StepKey, StepState
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.mfa import MfaScreen
from iam_tui.screens.qr_view import QrViewScreen
from iam_tui.screens.user_picker import UserPickerScreen
from iam_tui.settings import ConnectionSettings
from iam_tui.widgets.qr_code import QrCode
from iam_tui.widgets.secret_field import SecretField, group

from ..helpers import FakeTime, IamClient, MakeApp, inject_error
from ..widgets.qr_decode import decode, modules_of, screen_modules
from .pilot import current, notifications_into, open_step, settle, visible_text
from .waiting import until, until_screen, until_shown

WIDE = (140, 50)  # room for the QR code beside the form


def two_codes(seed: Secret, offset_s: float = 0) -> tuple[str, str]:
    now = time.time() + offset_s
    return totp(seed, now - 30), totp(seed, now)


def text_of(screen: MfaScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


WATCHED = ("CreateVirtualMFADevice", "EnableMFADevice", "DeleteVirtualMFADevice")


def calls_to(service: IamService) -> list[str]:
    """The WATCHED operations called from now on. Registered first on each operation's own event (botocore calls
    the most specific handlers first), so calls that the sandbox's rules answer are counted too."""
    seen: list[str] = []

    def record(model: Any, **_: Any) -> None:
        seen.append(model.name)

    for operation in WATCHED:
        service.ctx.client("iam").meta.events.register_first(f"before-call.iam.{operation}", record)
    return seen


async def open_mfa(app: IamTuiApp, pilot: Pilot[int], user: str | None = "alice") -> MfaScreen:
    app.session.guide_user = user  # an app started at the step is made with it: it opens the step on connecting
    await open_step(pilot, StepKey.MFA, MfaScreen)
    screen = next(s for s in reversed(app.screen_stack) if isinstance(s, MfaScreen))
    for button in screen.query(Button).results(Button):
        button.active_effect_duration = 0  # no press animation (it ignores a second press within 0.2 s)
    return screen


async def create_device(app: IamTuiApp, pilot: Pilot[int], screen: MfaScreen) -> Secret:
    assert app.focused is screen.query_one("#device-name", Input)
    await pilot.press("enter")
    await settle(pilot)
    assert screen.pending is not None
    assert app.focused is screen.query_one("#code1", Input)
    return screen.pending.device.seed


async def type_codes(app: IamTuiApp, pilot: Pilot[int], screen: MfaScreen, first: str, second: str, *,
                     keys: bool = False) -> None:
    """Enter two codes as a person does (``keys``: key by key; else each field at once, which is faster). Focus
    moves to the second field after six digits; six digits there check and send them."""
    code1, code2 = screen.query_one("#code1", Input), screen.query_one("#code2", Input)
    assert app.focused is code1
    for field, code in ((code1, first), (code2, second)):
        assert app.focused is field  # focus moves on after six digits
        if keys:
            await pilot.press(*code)
        else:
            field.value = code
            await pilot.pause()
    await settle(pilot)


async def test_happy_path(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Aa1!aaaaaaaaaaaa")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        assert screen.query_one("#device-name", Input).value == "alice"
        assert text_of(screen, "#mfa-devices") == "alice has no MFA device yet."
        assert "f on the dashboard's 1.4 row" in text_of(screen, "#root-mfa")  # a line, not the console's steps
        assert screen.query_one("#root-mfa").display
        assert "mfa" not in app.guide_state
        seed = await create_device(app, pilot, screen)
        assert screen.query_one("#qr-pane").display and screen.query_one("#qr", QrCode).cell_size.height == 27
        assert app.session.exit_cleanups.keys() == {"unassigned MFA device alice"}
        await type_codes(app, pilot, screen, *two_codes(seed), keys=True)
        (device,) = admin.list_mfa_devices(UserName="alice")["MFADevices"]
        assert device["SerialNumber"] == "arn:aws:iam::123456789012:mfa/alice"
        assert "is assigned to alice" in text_of(screen, "#done-message")
        assert "alice · virtual (authenticator app) · enabled" in text_of(screen, "#mfa-devices")
        assert app.guide_state[StepKey.MFA] is StepState.DONE and not app.session.exit_cleanups
        assert screen.pending is None and screen.uris == ()  # the seed and QR code are wiped
        assert not screen.query("#qr") and not screen.query("#seed")
        await pilot.press("escape")
        await settle(pilot)
        dashboard = current(app, DashboardScreen)
        assert dashboard.scan is not None
        assert dashboard.scan.result(CheckId.CONSOLE_USERS_MFA).resources == ()  # re-read live after the change


async def test_wrong_codes_are_caught_before_aws_then_aws_rejects_then_right_codes(
        make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        assert screen.pending is not None
        serial = screen.pending.device.serial
        calls = calls_to(service)
        first, second = two_codes(seed)
        await type_codes(app, pilot, screen, second, first)
        assert "wrong order" in text_of(screen, "#code-message")
        await type_codes(app, pilot, screen, first, first[:5] + str((int(first[5]) + 1) % 10))
        assert "typo" in text_of(screen, "#code-message") or "same code" in text_of(screen, "#code-message")
        assert "EnableMFADevice" not in calls  # caught locally: AWS was never asked
        rejected = inject_error(service, "iam", "EnableMFADevice", "InvalidAuthenticationCode", status=403, times=1)
        await type_codes(app, pilot, screen, *two_codes(seed))
        assert len(rejected) == 1 and "InvalidAuthenticationCode" in text_of(screen, "#code-message")
        assert "device is kept" in text_of(screen, "#code-message")
        assert screen.query_one("#code1", Input).value == "" and screen.query_one("#code2", Input).value == ""
        assert screen.pending is not None and screen.pending.device.serial == serial  # same device, same QR
        await type_codes(app, pilot, screen, *two_codes(seed))
        assert [d["SerialNumber"] for d in admin.list_mfa_devices(UserName="alice")["MFADevices"]] == [serial]
        assert calls.count("CreateVirtualMFADevice") == 0  # no new device was made for the retries


async def test_a_lost_answer_after_aws_enabled_the_device_still_counts(
        make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)

        def connection_lost(**_: Any) -> None:
            raise ConnectionResetError("the answer never arrived")

        service.ctx.client("iam").meta.events.register("after-call.iam.EnableMFADevice", connection_lost)
        await type_codes(app, pilot, screen, *two_codes(seed))
        assert len(admin.list_mfa_devices(UserName="alice")["MFADevices"]) == 1
        assert "is assigned to alice" in text_of(screen, "#done-message") and not app.session.exit_cleanups


async def test_clock_skew_is_named_and_can_be_sent_anyway(make_app: MakeApp, service: IamService,
                                                          admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        calls = calls_to(service)
        await type_codes(app, pilot, screen, *two_codes(seed, offset_s=300))
        assert "5 min ahead of this computer's" in text_of(screen, "#code-message")
        assert "EnableMFADevice" not in calls
        assert app.focused is screen.query_one("#code2", Input)  # codes kept, focus stays: no stray key escapes
        await pilot.press("enter")  # the person insists (this computer's clock may be the wrong one)
        await settle(pilot)
        assert calls.count("EnableMFADevice") == 1
        assert "InvalidAuthenticationCode" in text_of(screen, "#code-message")  # AWS's clock agrees with ours


async def test_cancel_deletes_the_device(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    shown: list[Notification] = []
    async with app.run_test(size=WIDE, message_hook=notifications_into(shown)) as pilot:
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        assert len(admin.list_virtual_mfa_devices()["VirtualMFADevices"]) == 1
        await pilot.press("escape")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("n")  # stay
        await settle(pilot)
        assert app.screen is screen and screen.pending is not None
        await pilot.click("#cancel")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []
        assert not isinstance(app.screen, MfaScreen) and not app.session.exit_cleanups
        assert any("Deleted the unassigned MFA device alice" in str(n.message) for n in shown)


async def test_leaving_any_other_way_deletes_the_device(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        assert "ctrl+o: another user" in str(screen.user_line.render())
        await create_device(app, pilot, screen)
        assert "ctrl+o" not in str(screen.user_line.render())  # it does nothing now: not offered
        app.switch_to_dashboard()  # the palette's "Guide step 1": not past a device made and not enabled
        await settle(pilot)
        assert app.screen is screen and len(admin.list_virtual_mfa_devices()["VirtualMFADevices"]) == 1
        app.pop_screen()  # gone without its esc (no such way is left in the app; its unmount still deletes it)
        await settle(pilot)
        assert admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []
        assert not app.session.exit_cleanups


@pytest.mark.parametrize("signum", [None, signal.SIGTERM])
async def test_quitting_mid_way_deletes_the_device(make_app: MakeApp, admin: IamClient, signum: int | None) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        if signum is None:
            await app.action_quit()  # runs the exit cleanups, then exits
        else:
            app.exit_on_signal(signum)  # what the app's handler for SIGTERM, SIGHUP and SIGINT does: the same
            await until(pilot, lambda: app.return_value is not None)
        assert admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []
        assert app.return_value == (128 + signum if signum else 0) and not app.exit_message


async def test_a_failed_delete_names_the_device_and_quitting_retries(make_app: MakeApp, service: IamService,
                                                                     admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    shown: list[Notification] = []
    async with app.run_test(size=WIDE, message_hook=notifications_into(shown)) as pilot:
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        assert screen.pending is not None
        serial = screen.pending.device.serial
        denied = inject_error(service, "iam", "DeleteVirtualMFADevice", "AccessDenied", status=403)
        await pilot.press("escape")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert len(denied) == 1 and not isinstance(app.screen, MfaScreen)
        (note,) = [n for n in shown if n.title == "MFA device left behind"]
        assert "Could not delete the unassigned MFA device alice" in note.message and serial in note.message
        assert "unassigned MFA device alice" in app.session.exit_cleanups  # quitting tries again
        await app.action_quit()
        assert len(denied) == 2
        assert "Could not delete the unassigned MFA device alice" in str(app.exit_message)
        assert len(admin.list_virtual_mfa_devices()["VirtualMFADevices"]) == 1


async def test_small_terminal_offers_the_full_screen_view(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        assert not screen.query_one("#qr-pane").display and screen.query_one("#full-qr").display
        help_text = text_of(screen, "#scan-help")
        assert "does not fit beside the form" in help_text and "ctrl+f" in help_text and "secret key" in help_text
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        help_text = text_of(screen, "#scan-help")
        assert "needs 45×24 cells and this terminal is 60×20" in help_text and "ctrl+f" in help_text
        await pilot.press("ctrl+f")
        await until_screen(pilot, QrViewScreen)
        view = current(app, QrViewScreen)
        assert not view.fits
        assert "needs 45×24 cells" in str(view.query_one("#qr-view-too-small", Static).render())
        await pilot.resize_terminal(100, 40)
        await until(pilot, lambda: view.query_one("#qr-full", QrCode).display)  # once the screen has its new size
        assert view.fits
        await pilot.press("escape")
        await pilot.resize_terminal(90, 36)
        await settle(pilot)
        assert app.screen is screen
        assert "does not fit beside the form" in text_of(screen, "#scan-help")  # full-screen only
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        assert screen.query_one("#qr-pane").display and not screen.query_one("#full-qr").display


async def test_the_full_screen_qr_code_scans_at_80x24_in_both_themes(make_app: MakeApp, admin: IamClient) -> None:
    """The whole 80x24 screen, read as a camera would (the caption, the theme's background around the code),
    decodes to the URI; it names the account as AWS's does, with the issuer once (in its parameter)."""
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        await pilot.press("ctrl+f")
        await until_screen(pilot, QrViewScreen)
        await settle(pilot)
        view = current(app, QrViewScreen)
        expected = otpauth_uri("alice", "123456789012", seed, issuer_in_label=False).reveal()
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            assert app.current_theme.name == theme
            assert decode(screen_modules(view._compositor.render_strips())) == [expected]
        qr = view.query_one("#qr-full", QrCode)
        assert qr.quiet_zone == 2 and qr.region.height == 23  # version 6 (41 modules) and 2 + 2 modules of margin


async def test_the_seed_stays_masked_and_out_of_logs_and_messages(make_app: MakeApp, admin: IamClient,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    admin.create_user(UserName="alice")
    app = make_app()
    notes: list[Notification] = []
    async with app.run_test(size=(200, 50), message_hook=notifications_into(notes)) as pilot:  # key on one line
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        field = screen.query_one("#seed", SecretField)
        grouped = group(seed.reveal(), 4)
        assert screen.pending is not None
        assert seed.reveal() not in repr(screen.pending.device) and seed.reveal() not in repr(screen.uris)
        await pilot.press("v")
        assert field.revealed and grouped in visible_text(app)  # the helper does find the key when it is shown
        await pilot.press("v")
        shown = visible_text(app)
        assert not field.revealed and grouped not in shown and seed.reveal() not in shown
        await type_codes(app, pilot, screen, "123456", "654321")
        await type_codes_from_field(app, pilot, screen, *two_codes(seed))
        messages = [str(n.message) for n in notes] + [text_of(screen, "#code-message")]
    for text in (caplog.text, *messages):
        assert seed.reveal() not in text and grouped not in text


async def test_the_keys_shown_for_the_secret_key_work_from_the_code_fields(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        assert "v" not in screen.active_bindings  # no key on screen yet: v and c are typed into the name
        await pilot.press("end", "v", "c")
        assert screen.query_one("#device-name", Input).value == "alicevc"
        await pilot.press("backspace", "backspace")
        seed = await create_device(app, pilot, screen)
        field = screen.query_one("#seed", SecretField)
        assert "v reveal · c copy" in str(field.render())
        assert {"v", "c"} <= screen.active_bindings.keys()  # in the footer, with the focus in the code field
        sent: list[str] = []
        app.clipboard_service = Clipboard(sent.append, env={"SSH_CONNECTION": "x"})
        await pilot.press("1", "v", "c", "2")
        assert app.focused is screen.query_one("#code1", Input) and screen.query_one("#code1", Input).value == "12"
        assert field.revealed and sent == [seed.reveal()]
        await pilot.press("q")  # not a digit, not shown: typed into nothing, no quit
        assert app.is_running and screen.query_one("#code1", Input).value == "12"


async def test_toasts_never_cover_the_qr_code_or_the_countdown(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=(100, 32), notifications=True) as pilot:  # the QR beside the form, to the footer
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        qr = screen.query_one("#qr", QrCode)
        assert screen.query_one("#qr-pane").display
        app.clipboard_service = Clipboard(lambda _text: None, env={"SSH_CONNECTION": "x"})
        app.notify("Saved /home/me/alice_credentials.csv (mode 0600).", title="Saved", timeout=30)
        await pilot.press("c")  # "Copy sent", a long toast
        await until(pilot, lambda: len(screen.query(Toast)) == 2)
        await pilot.pause()
        toasts = list(screen.query(Toast).results(Toast))
        assert len(toasts) == 2 and all(t.region.area for t in toasts)
        for covered in (qr, screen.query_one("#countdown"), screen.query_one("#code1"), screen.query_one("#code2")):
            assert covered.region.area and not any(t.region.overlaps(covered.region) for t in toasts)
        # What a camera sees: the composed screen where the QR code is (a toast over it would not decode).
        rows = screen._compositor.render_strips()[qr.region.y:qr.region.bottom]
        assert qr.text is not None
        assert decode(modules_of([row.crop(qr.region.x, qr.region.right) for row in rows])) == [qr.text.reveal()]
        await pilot.resize_terminal(80, 24)  # no QR code beside the form: the toasts keep off the code fields
        await settle(pilot)
        assert not screen.query_one("#qr-pane").display
        for covered in (screen.query_one("#countdown"), screen.query_one("#code1"), screen.query_one("#code2")):
            assert covered.region.area and not any(t.region.overlaps(covered.region) for t in toasts)
        await pilot.press("ctrl+f")
        await until_screen(pilot, QrViewScreen)
        await pilot.pause()
        assert all(not t.visible for t in app.screen.query(Toast).results(Toast))  # nothing over the big one


async def test_without_a_user_it_says_to_choose_one_first(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA)
    async with app.run_test(size=WIDE) as pilot:
        await open_mfa(app, pilot, user=None)
        await until_shown(pilot, UserPickerScreen)  # keys typed before a dialog is drawn are dropped
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MfaScreen)
        await pilot.press("enter")
        await settle(pilot)
        message = text_of(screen, "#name-message")
        assert "ctrl+o" in message and "choose" in message and "device name" not in message
        assert not admin.list_virtual_mfa_devices()["VirtualMFADevices"]


async def type_codes_from_field(app: IamTuiApp, pilot: Pilot[int], screen: MfaScreen, first: str,
                                second: str) -> None:
    screen.query_one("#code1", Input).focus()
    await pilot.pause()
    await type_codes(app, pilot, screen, first, second)


async def test_a_leftover_device_is_offered_for_deletion(make_app: MakeApp, service: IamService,
                                                         admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    leftover = await service.mfa.create("alice")  # an interrupted earlier attempt
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        assert "unassigned device named alice exists" in text_of(screen, "#name-message")
        await pilot.press("enter")
        await until_screen(pilot, ConfirmScreen)
        assert leftover.serial in str(current(app, ConfirmScreen).question)
        await pilot.press("y")
        await settle(pilot)
        assert screen.pending is not None and screen.pending.device.seed != leftover.seed
        (only,) = admin.list_virtual_mfa_devices()["VirtualMFADevices"]
        assert only["SerialNumber"] == leftover.serial  # the same name, a new device


async def test_names_in_use_block_creation(make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    admin.create_user(UserName="bob")
    bobs = await service.mfa.create("Alice")
    await service.mfa.enable("bob", bobs.serial, *two_codes(bobs.seed))
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        assert screen.query_one("#device-name", Input).value == "alice-2"  # the proposed name is a free one
        calls = calls_to(service)
        await pilot.press("ctrl+u", *"alice", "enter")
        await settle(pilot)
        assert "IAM names ignore case" in text_of(screen, "#name-message")
        assert "MFA device of bob" in text_of(screen, "#name-message")
        await pilot.press("ctrl+u", *"alice phone")
        assert "may only contain" in text_of(screen, "#name-message")
        assert "CreateVirtualMFADevice" not in calls and screen.pending is None
        inject_error(service, "iam", "CreateVirtualMFADevice", "EntityAlreadyExists", "name [b]in use[/b]",
                     status=409, times=1)
        screen.query_one("#device-name", Input).value = "alice-phone"  # free when read, taken a moment later
        await pilot.press("enter")
        await settle(pilot)
        assert "EntityAlreadyExists" in text_of(screen, "#name-message") and screen.pending is None
        assert "name [b]in use[/b]" in text_of(screen, "#name-message")  # AWS's words, never read as markup
        assert not app.session.exit_cleanups


async def test_the_device_quota_blocks_creation(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    for i in range(8):
        admin.enable_mfa_device(UserName="alice", SerialNumber=f"GAHT0000000{i}", AuthenticationCode1="123456",
                                AuthenticationCode2="234567")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        listing = text_of(screen, "#mfa-devices")
        assert "(8 of 8;" in listing and "GAHT00000007 · hardware TOTP token" in listing
        assert app.guide_state[StepKey.MFA] is StepState.DONE  # the guide's user already has MFA
        assert "already has 8 MFA devices" in text_of(screen, "#name-message")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.pending is None


async def test_without_a_guide_user_the_picker_chooses_one(make_app: MakeApp, sandbox: Sandbox,
                                                           admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    admin.create_user(UserName="bob")
    sandbox.state.root_mfa_enabled = True
    app = make_app(start_at=StepKey.MFA)
    async with app.run_test(size=WIDE) as pilot:
        await open_mfa(app, pilot, user=None)
        await until_shown(pilot, UserPickerScreen)  # keys typed before a dialog is drawn are dropped
        await pilot.press(*"bob", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MfaScreen) and screen.user_name == "bob" and app.session.guide_user == "bob"
        assert screen.query_one("#device-name", Input).value == "bob"
        assert not screen.query_one("#root-mfa").display  # root has MFA: nothing to say about it here
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press(*"alice", "enter")
        await settle(pilot)
        assert screen.user_name == "alice" and app.session.guide_user == "bob"  # the guide stays about its user
        seed = await create_device(app, pilot, screen)
        await pilot.press("ctrl+o")  # not while a device is pending
        await pilot.pause()
        assert app.screen is screen
        await type_codes(app, pilot, current(app, MfaScreen), *two_codes(seed))
        assert "mfa" not in app.guide_state  # alice is not the guide's user: step 3 is not done for bob


async def test_opened_while_still_connecting(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    gate = asyncio.Event()

    async def slow_connector(_settings: ConnectionSettings) -> IamService:
        await gate.wait()
        await service.account.identity()
        return service

    app = IamTuiApp(ConnectionSettings(demo=True), connector=slow_connector)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.open_step(StepKey.MFA)
        await pilot.pause()
        assert isinstance(app.screen, MfaScreen)  # waiting for the connection, not listing users yet
        gate.set()
        await settle(pilot)
        await until_screen(pilot, UserPickerScreen)
        await pilot.press(*"alice", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MfaScreen) and app.screen.user_name == "alice"


async def test_devices_that_cannot_be_listed_are_said_and_do_not_block(
        make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    inject_error(service, "iam", "ListMFADevices", "AccessDenied", status=403)
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        listing = text_of(screen, "#mfa-devices")
        assert "Could not read the MFA devices of alice" in listing and "iam:ListMFADevices" in listing
        await create_device(app, pilot, screen)  # AWS still checks the name and the quota


async def test_enabling_right_after_the_password_was_set_waits_for_iam(
        make_app: MakeApp, service: IamService, sandbox: Sandbox, admin: IamClient) -> None:
    """EnableMFADevice right after CreateLoginProfile is briefly refused; the app waits it out (bounded)
    without the user having to send the codes again."""
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_login_profile=2.0)
    service.mfa.patience = fake.patience()
    admin.create_user(UserName="alice")
    await service.aws.call("iam", "CreateLoginProfile", UserName="alice", Password=Secret("Aa1!aaaaaaaaaaaa"))
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        await type_codes(app, pilot, screen, *two_codes(seed))
        assert "is assigned to alice" in text_of(screen, "#done-message")
    assert fake.slept and len(admin.list_mfa_devices(UserName="alice")["MFADevices"]) == 1


async def test_a_spare_device_is_offered_a_free_name(make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    first = await service.mfa.create("alice")
    await service.mfa.enable("alice", first.serial, *two_codes(first.seed))
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        assert screen.query_one("#device-name", Input).value == "alice-2"
        assert text_of(screen, "#name-message") == ""


async def test_tab_enter_or_backspace_after_the_first_code_do_what_the_person_means(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        first, second = two_codes(seed)
        code1, code2 = screen.query_one("#code1", Input), screen.query_one("#code2", Input)
        wrong_sixth = first[:5] + str((int(first[5]) + 1) % 10)
        await pilot.press(*wrong_sixth)
        assert app.focused is code2  # moved on by itself
        await pilot.press("backspace")  # the sixth digit was wrong: backspace takes it back from here
        assert app.focused is code1 and code1.value == first[:5]
        screen.query_one("#enable").focus()
        await pilot.press("backspace")  # anywhere else it does nothing to the codes
        assert code1.value == first[:5]
        code1.focus()
        await pilot.pause()
        code1.cursor_position = len(code1.value)
        await pilot.press(first[5])
        assert app.focused is code2 and code1.value == first  # moved on again
        await pilot.press("tab")  # out of habit: the second code still goes into the second field
        assert app.focused is code2
        await pilot.press("shift+tab")
        assert app.focused is code1
        await pilot.press("enter")  # enter in the first field goes on to the second, as tab does
        assert app.focused is code2
        await pilot.press(*second)
        await settle(pilot)
        assert admin.list_mfa_devices(UserName="alice")["MFADevices"]


async def test_tab_moves_the_focus_everywhere_else_on_the_screen(make_app: MakeApp, admin: IamClient) -> None:
    """The screen's own tab binding (for the second code) took the key from the Screen's: anywhere else tab did
    nothing, so a keyboard-only person who tabbed back to the form could never reach the code fields again."""
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        form, seed = screen.query_one("#mfa-form"), screen.query_one("#seed")
        code1, code2 = screen.query_one("#code1", Input), screen.query_one("#code2", Input)
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is form
        await pilot.press("tab")
        assert app.focused is seed
        await pilot.press("tab")
        assert app.focused is code1
        await pilot.press("tab")  # the first field empty: on to the second, as everywhere
        assert app.focused is code2
        await pilot.press("tab")
        assert app.focused is screen.query_one("#enable")


async def test_both_codes_pasted_or_typed_in_one_burst_into_the_first_field_are_split(
        make_app: MakeApp, admin: IamClient) -> None:
    """Twelve digits that reach the first field before the focus moves on (a paste, or keys typed faster than the
    app handles them) were cut at six: the second code was lost. The rest now goes into the second field."""
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.MFA, guide_user="alice")
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        seed = await create_device(app, pilot, screen)
        first, second = two_codes(seed)
        code1 = screen.query_one("#code1", Input)
        code1.post_message(events.Paste(first + second))
        await settle(pilot)
        assert admin.list_mfa_devices(UserName="alice")["MFADevices"], screen.code_message.render()
