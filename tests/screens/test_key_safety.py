"""Keys that must not do damage: letters typed into a text field, keys typed before a dialog was drawn, quitting
the one-time password, and an expired notification re-mounted under a dialog."""

from __future__ import annotations

from typing import Any

import pytest
import textual.notifications
from textual._types import MessageTarget
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.timer import Timer
from textual.widgets import Checkbox, Input
from textual.widgets._toast import Toast

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.password_policy import PasswordPolicyScreen
from iam_tui.textual_fixes import MIN_TIMER_DELAY

from ..helpers import IamClient, MakeApp, record_calls, send_at_once
from .pilot import current, notifications_into, open_security_contact, settle
from .test_create_user import create, go_to_review, open_form, type_name
from .waiting import until_screen, until_shown


async def open_policy(app: IamTuiApp, pilot: Pilot[int]) -> PasswordPolicyScreen:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, PasswordPolicyScreen)
    return app.screen


async def edit_the_length(pilot: Pilot[int], screen: PasswordPolicyScreen) -> Input:
    """The minimum length made 16 (typed, not applied): the field."""
    length = screen.query_one("#minimum_length", Input)
    length.focus()
    await pilot.press("backspace", "backspace", "1", "6")
    return length


def policy(admin: IamClient) -> dict[str, object] | None:
    try:
        answer: dict[str, object] | None = admin.get_account_password_policy()["PasswordPolicy"]
        return answer
    except admin.exceptions.NoSuchEntityException:
        return None


async def test_a_word_typed_into_a_number_field_runs_no_action(make_app: MakeApp, admin: IamClient,
                                                               service: IamService) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    updates = record_calls(service, "iam", "UpdateAccountPasswordPolicy")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        expiry = screen.query_one("#max_age_days", Input)
        expiry.focus()
        await pilot.press(*"90 days")  # d would remove the policy, y confirm
        await settle(pilot)
        assert app.screen is screen and expiry.value == "90"
        length = screen.query_one("#minimum_length", Input)
        length.focus()
        await pilot.press("backspace", "backspace", *"16ay")  # a would apply, y confirm
        await settle(pilot)
        assert app.screen is screen and length.value == "16"
        await pilot.press(*"cu")  # neither the CIS preset nor undo
        assert length.value == "16" and screen.query_one("#require_symbols", Checkbox).value is False
    assert updates == [] and (policy(admin) or {}).get("MinimumPasswordLength") == 14


async def test_a_dialog_ignores_keys_typed_before_it_was_drawn(make_app: MakeApp, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=14)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        screen.query_one("#require_symbols", Checkbox).focus()  # not a text field: d is "remove the policy"
        send_at_once(app, *"dy")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # d opened the question; the y typed with it did not answer
        assert policy(admin) is not None
        await pilot.press("y")  # typed once the question is on screen: it counts
        await settle(pilot, rounds=5)
        assert current(app, PasswordPolicyScreen) is screen and policy(admin) is None


@pytest.mark.parametrize("quit_key", ["q", "ctrl+q"])
async def test_quitting_the_password_handover_asks_until_the_password_is_taken(
        make_app: MakeApp, quit_key: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(app, pilot)
        await type_name(pilot, "hana")
        await go_to_review(pilot)
        handover = await create(pilot)
        await pilot.press(quit_key)
        await until_screen(pilot, ConfirmScreen)
        assert app.is_running
        assert "console password of hana was never revealed" in str(app.screen.query_one("#question").render())
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is handover
        await pilot.press("v")  # revealed: the person has seen it
        await pilot.press(quit_key)
        await pilot.pause()
    assert not app.is_running


async def test_quitting_with_policy_edits_not_applied_asks(make_app: MakeApp) -> None:
    """esc asked before dropping them; q (on a checkbox: not a text field) quit at once."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        length = await edit_the_length(pilot, screen)
        screen.query_one("#require_symbols", Checkbox).focus()
        await pilot.press("q")
        await until_shown(pilot, ConfirmScreen)
        assert "your password policy edits, not applied" in str(app.screen.query_one("#question").render())
        await pilot.press("n")
        await until_screen(pilot, PasswordPolicyScreen)
        assert app.is_running and length.value == "16"
        await pilot.press("q")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running


async def test_an_expired_toast_remounted_under_a_dialog_arms_no_negative_timer(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual 8.2.8 re-mounts the notifications on every pushed screen; ``ToastRack.show`` skips expired ones,
    but a notification can expire between that check and ``Toast.__init__`` reading ``time_left``: the toast then
    arms ``set_timer(negative)``, which spins forever. A clock that moves on just as the toast is built makes it
    happen every time."""
    clock: list[float] = []
    build_toast = Toast.__init__

    def toast_built_late(self: Toast, notification: Notification) -> None:
        clock[0] = notification.raised_at + 5.5  # (a 5 s notification) expired a moment after show() checked it
        build_toast(self, notification)

    delays: list[float] = []
    init = Timer.__init__

    def recording_init(self: Timer, target: MessageTarget, interval: float, *args: Any, **kwargs: Any) -> None:
        init(self, target, interval, *args, **kwargs)
        delays.append(self._interval)  # what reached the timer
        if self._interval <= 0:
            self._interval = 3600.0  # defused, so that without the fix this test fails instead of hanging

    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), notifications=True, message_hook=notifications_into(shown)) as pilot:
        await settle(pilot)
        app.notify("Saved /tmp/x.csv (mode 0600).", timeout=5)
        await pilot.pause()
        (notification,) = shown
        clock.append(notification.raised_at + 4.999)  # about to expire
        monkeypatch.setattr(textual.notifications, "time", lambda: clock[0])
        monkeypatch.setattr(Toast, "__init__", toast_built_late)
        monkeypatch.setattr(Timer, "__init__", recording_init)
        answers: list[bool | None] = []
        app.push_screen(ConfirmScreen("/tmp/x.csv exists. Replace it?", yes="Replace", no="Keep it"), answers.append)
        await pilot.pause()
        await pilot.pause()
        assert clock[0] == notification.raised_at + 5.5  # the toast was re-mounted and read an expired time_left
        monkeypatch.setattr(Timer, "__init__", init)
        assert MIN_TIMER_DELAY in delays and min(delays) > 0  # the toast's timer, clamped: nothing negative
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("n")  # the dialog still takes keys
        await pilot.pause()
        assert answers == [False]


async def test_letters_typed_with_a_tab_go_to_the_field_the_tab_moved_to(make_app: MakeApp) -> None:
    """tab moves the focus at the app, after bubbling up from the field: the letters typed with it went into the
    first field ("AnnBossa@b.co" as the contact's name, in a terminal that delivered the keys at once)."""

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        modal = await open_security_contact(app, pilot)
        send_at_once(app, *"Ann", "tab", *"Boss", "tab", *"a@b.co")
        await pilot.pause()  # (the dashboard's worker waits for this dialog: settle would wait for it too)
        await pilot.pause()
        values = [modal.query_one(f"#contact-{field}", Input).value for field in ("name", "title", "email")]
        assert values == ["Ann", "Boss", "a@b.co"]
