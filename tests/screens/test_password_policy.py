"""The password policy screen: view, edit with AWS's bounds, the diff, the CIS preset, apply, remove."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.password_policy import DEFAULT_POLICY_TEXT, EffectivePolicy, PasswordPolicy
from iam_tui.core.passwords import generate_password, password_problems
from iam_tui.core.policy_edit import CIS_EXPIRY_NOTE
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.password_policy import PasswordPolicyScreen

from ..helpers import IamClient, MakeApp, inject_error, record_calls
from .pilot import current, scan_of, settle
from .waiting import until_screen

FLAGS = ("require_uppercase", "require_lowercase", "require_numbers", "require_symbols", "allow_users_to_change",
         "hard_expiry")


def text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def value(screen: Screen[Any], key: str) -> str:
    return screen.query_one(f"#{key}", Input).value


def flags(screen: Screen[Any]) -> dict[str, bool]:
    return {key: screen.query_one(f"#{key}", Checkbox).value for key in FLAGS}


async def open_policy(app: IamTuiApp, pilot: Pilot[int]) -> PasswordPolicyScreen:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PasswordPolicyScreen)
    assert app.focused is screen.query_one("#require_uppercase", Checkbox)  # where c and a work
    screen.query_one("#minimum_length", Input).focus()  # the tests below type into the form from its first field
    await pilot.pause()
    return screen


async def test_it_opens_where_the_keys_it_names_work_and_the_footer_shows_them(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PasswordPolicyScreen)
        assert "press c for the CIS recommendation" in text(screen, "#policy-status")
        shown = {key for key, active in screen.active_bindings.items() if active.binding.show}
        assert {"c", "a"} <= shown
        await pilot.press("c")
        assert value(screen, "minimum_length") == "14" and value(screen, "reuse_prevention") == "24"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)


async def test_view_when_none_is_set(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        current = text(screen, "#policy-current")
        assert "No password policy is set." in current and DEFAULT_POLICY_TEXT in current.replace("\n", " ")
        assert "No password policy is set" in text(screen, "#policy-status")
        assert value(screen, "minimum_length") == "8" and value(screen, "max_age_days") == ""
        assert "Applying sets" in text(screen, "#policy-diff")  # applying would create a policy
        assert screen.check_action("remove_policy", ()) is False  # nothing to remove: not offered


async def test_view_when_a_policy_is_set(make_app: MakeApp, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=12, RequireNumbers=True, MaxPasswordAge=90,
                                         PasswordReusePrevention=5, AllowUsersToChangePassword=True)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        current = text(screen, "#policy-current")
        assert "12 characters" in current and "numbers" in current and "after 90 days" in current
        assert "last 5 passwords" in current
        assert (value(screen, "minimum_length"), value(screen, "max_age_days"), value(screen, "reuse_prevention")) \
            == ("12", "90", "5")
        assert flags(screen) == {"require_uppercase": False, "require_lowercase": False, "require_numbers": True,
                                 "require_symbols": False, "allow_users_to_change": True, "hard_expiry": False}
        assert "No change" in text(screen, "#policy-diff")
        assert screen.check_action("remove_policy", ()) is True


async def test_invalid_values_are_flagged_next_to_the_field_and_nothing_is_sent(
        make_app: MakeApp, service: IamService) -> None:
    calls = record_calls(service, "iam", "UpdateAccountPasswordPolicy")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("2", "0", "0")
        assert value(screen, "minimum_length") == "200"
        message = screen.query_one("#minimum_length-message", Static)
        assert str(message.render()) == "At most 128" and message.has_class("-error")
        await pilot.press("x", "-", ".")  # not digits: refused by the field
        assert value(screen, "minimum_length") == "200"
        screen.query_one("#max_age_days", Input).focus()
        await pilot.press("0")
        assert text(screen, "#max_age_days-message") == "At least 1 (or empty)"
        screen.query_one("#reuse_prevention", Input).focus()
        await pilot.press("2", "5")
        assert text(screen, "#reuse_prevention-message") == "At most 24"
        assert "Fix the highlighted field" in text(screen, "#policy-diff")
        await pilot.press("ctrl+s")  # a would be typed into the field
        await settle(pilot)
        assert app.screen is screen  # no confirmation: nothing to apply
        assert "Not applied: Minimum password length: At most 128. Nothing was sent." in text(screen,
                                                                                              "#policy-status")
        assert app.focused is screen.query_one("#minimum_length", Input)
        await pilot.press("5")
        assert text(screen, "#minimum_length-message") == "At least 6"
        await pilot.press("backspace", "1", "6")
        assert text(screen, "#minimum_length-message") == "6-128 characters"
        assert not screen.query_one("#minimum_length-message").has_class("-error")
    assert calls == []


async def test_the_diff_is_shown_before_applying_and_no_sends_nothing(make_app: MakeApp, service: IamService,
                                                                      admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=8, MaxPasswordAge=90)
    calls = record_calls(service, "iam", "UpdateAccountPasswordPolicy")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("1", "4")
        screen.query_one("#require_symbols", Checkbox).focus()
        await pilot.press("space")
        diff = text(screen, "#policy-diff")
        assert "Minimum length: 8 characters → 14 characters" in diff and "Require symbols: no → yes" in diff
        assert "expiry" not in diff  # unchanged fields are not listed
        await pilot.press("a")
        await until_screen(pilot, ConfirmScreen)
        question = text(app.screen, "#question")
        assert "Minimum length: 8 characters → 14 characters" in question and "replaces the whole policy" in question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and value(screen, "minimum_length") == "14"  # edits kept
        assert calls == []
        assert admin.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 8


async def test_cis_preset_fills_the_form_and_keeps_expiry(make_app: MakeApp, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=20, MaxPasswordAge=90, HardExpiry=True)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("c")  # typed into the number field (and refused): not the CIS preset
        assert value(screen, "reuse_prevention") == "" and value(screen, "minimum_length") == "20"
        await pilot.press("tab", "c")
        assert (value(screen, "minimum_length"), value(screen, "reuse_prevention")) == ("20", "24")
        assert value(screen, "max_age_days") == "90"
        assert all(flags(screen).values())  # hard expiry was on already, and is kept
        assert "not applied yet" in text(screen, "#policy-status")
        notes = text(screen, "#policy-notes").replace("\n", " ")
        assert CIS_EXPIRY_NOTE in notes and "locked out" in notes
        diff = text(screen, "#policy-diff")
        assert "Reuse prevention: none (reuse allowed) → last 24 passwords" in diff
        assert "Minimum length" not in diff  # 20 is already more than 14
        await pilot.press("u")
        assert value(screen, "reuse_prevention") == "" and "No change" in text(screen, "#policy-diff")


async def test_apply_updates_the_checks_and_the_generator_follows(make_app: MakeApp, service: IamService) -> None:
    calls = record_calls(service, "iam", "UpdateAccountPasswordPolicy")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        dashboard = current(app, DashboardScreen)
        assert scan_of(dashboard).result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.FAIL
        assert scan_of(dashboard).result(CheckId.PASSWORD_POLICY_REUSE).status is Status.FAIL
        screen = await open_policy(app, pilot)
        await pilot.press("4", "0", "tab", "c", "a")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, rounds=5)
        assert app.screen is screen
        assert "Password policy updated" in text(screen, "#policy-status")
        assert "40 characters" in text(screen, "#policy-current")
        assert "No change" in text(screen, "#policy-diff")
        assert screen.check_action("remove_policy", ()) is True
        await pilot.press("escape")
        await settle(pilot)
        assert current(app, DashboardScreen) is dashboard
        assert scan_of(dashboard).result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.PASS
        assert scan_of(dashboard).result(CheckId.PASSWORD_POLICY_REUSE).status is Status.PASS
        assert calls == [{"MinimumPasswordLength": 40, "RequireUppercaseCharacters": True,
                          "RequireLowercaseCharacters": True, "RequireNumbers": True, "RequireSymbols": True,
                          "AllowUsersToChangePassword": True, "HardExpiry": False, "PasswordReusePrevention": 24}]
        policy = await service.password_policy.current()  # read back from AWS, as the create-user form will
    assert policy == PasswordPolicy(minimum_length=40, require_symbols=True, require_numbers=True,
                                    require_uppercase=True, require_lowercase=True, allow_users_to_change=True,
                                    reuse_prevention=24)
    effective = EffectivePolicy(policy)
    for _ in range(20):
        password = generate_password(effective).reveal()
        assert len(password) >= 40 and password_problems(password, effective) == []


async def test_an_aws_error_is_shown_plainly_and_the_edits_stay(make_app: MakeApp, service: IamService) -> None:
    inject_error(service, "iam", "UpdateAccountPasswordPolicy", "AccessDenied", "not authorized", 403)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("tab", "c", "a")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        status = screen.query_one("#policy-status", Static)
        assert "Not changed. AccessDenied" in str(status.render()) and status.has_class("-error")
        assert "iam:UpdateAccountPasswordPolicy" in str(status.render())
        assert value(screen, "reuse_prevention") == "24" and not app.session.busy


async def test_remove_policy_asks_first(make_app: MakeApp, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("tab", "d")
        await until_screen(pilot, ConfirmScreen)
        assert DEFAULT_POLICY_TEXT in text(app.screen, "#question").replace("\n", " ")
        await pilot.press("n")
        await settle(pilot)
        assert admin.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 14
        await pilot.press("d")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, rounds=5)
        assert "No password policy is set." in text(screen, "#policy-current")
        assert screen.check_action("remove_policy", ()) is False
        await pilot.press("escape")
        await settle(pilot)
        assert scan_of(app.screen).result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.FAIL


async def test_leaving_with_edits_asks_and_leaving_is_refused_mid_call(make_app: MakeApp, service: IamService) -> None:
    gate = asyncio.Event()
    update = service.password_policy.update

    async def held_update(policy: PasswordPolicy) -> None:
        await gate.wait()
        await update(policy)

    service.password_policy.update = held_update  # type: ignore[method-assign]
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("tab", "c", "escape")
        await until_screen(pilot, ConfirmScreen)
        assert "Leave without applying" in text(app.screen, "#question")
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("a")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.session.busy == "updating the password policy"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # not while the call runs
        await app.action_quit()
        assert app.is_running
        gate.set()
        await settle(pilot, rounds=5)
        assert not app.session.busy and "Password policy updated" in text(screen, "#policy-status")
        await pilot.press("escape")  # nothing left unsaved: leaves at once
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_command_palette_opens_it_and_it_pops_normally(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Password policy"].callback()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PasswordPolicyScreen)
        assert "Password policy" not in [c.title for c in app.get_system_commands(screen)]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        # As the create-user form will: push it, and get None back when it is closed.
        results: list[object] = []
        app.push_screen(PasswordPolicyScreen(), results.append)
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None] and isinstance(app.screen, DashboardScreen)


async def test_fits_an_80x24_terminal(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_policy(app, pilot)
        assert screen.has_class("-narrow")
        for key in ("minimum_length", "reuse_prevention"):
            field = screen.query_one(f"#{key}", Input)
            field.focus()
            await pilot.press("3", "0")
            await pilot.pause()
            region = field.region
            assert 0 < region.y < 23 and region.height == 1  # on screen, above the footer
            assert screen.get_widget_at(region.x, region.y)[0] is field
            message = screen.query_one(f"#{key}-message", Static)
            assert message.region.y == region.y and message.region.width >= len("At most 24")


async def test_reload_keeps_edits_and_shows_a_change_made_elsewhere(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_policy(app, pilot)
        await pilot.press("2", "0")
        admin.update_account_password_policy(MinimumPasswordLength=10)  # someone else changes it meanwhile
        await pilot.press("tab", "r")
        await settle(pilot)
        assert "10 characters" in text(screen, "#policy-current")
        assert value(screen, "minimum_length") == "20"  # the edit is kept
        assert "Minimum length: 10 characters → 20 characters" in text(screen, "#policy-diff")
        await pilot.press("u")
        assert value(screen, "minimum_length") == "10"  # undo goes back to what AWS has now
        await pilot.press("r")
        await settle(pilot)
        assert value(screen, "minimum_length") == "10"


async def test_its_look_does_not_depend_on_which_screens_were_opened_before(make_app: MakeApp) -> None:
    """A screen's CSS_PATH joins the app-wide stylesheet: the sign-in screen's sheet once gave every
    .section-title a top margin, so this screen's layout changed once sign-in had been opened."""
    from iam_tui.guide import StepKey
    from iam_tui.screens.signin import SigninScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_policy(app, pilot)
        before = [(w.region, w.styles.margin) for w in screen.query(".section-title, #policy-form, #policy-notes")]
        await pilot.press("escape")
        await settle(pilot)
        app.session.guide_user = None
        app.open_step(StepKey.SIGN_IN)
        await settle(pilot)
        assert isinstance(app.screen, SigninScreen)
        await pilot.press("escape", "escape")  # out of the alias field, then back
        screen = await open_policy(app, pilot)
        after = [(w.region, w.styles.margin) for w in screen.query(".section-title, #policy-form, #policy-notes")]
        assert after == before
