"""Guide step 4: sign-in URLs, the steps, copy, and the account alias."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.clipboard import Clipboard
from iam_tui.guide import StepKey
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.signin import SigninScreen
from iam_tui.screens.user_picker import UserPickerScreen
from iam_tui.widgets.identity_bar import IdentityBar

from ..helpers import IamClient, MakeApp, inject_error
from .pilot import current, identity_of, open_step, settle
from .waiting import until_screen


def _text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _open(pilot: Pilot[int], app: IamTuiApp) -> None:
    await open_step(pilot, StepKey.SIGN_IN, SigninScreen)


async def _type_alias(pilot: Pilot[int], app: IamTuiApp, alias: str) -> None:
    field = app.screen.query_one("#alias-input", Input)
    if app.focused is not field:
        await pilot.press("a")
    assert app.focused is field
    field.value = ""
    await pilot.press(*alias)


async def _leave_field(pilot: Pilot[int], app: IamTuiApp) -> None:
    await pilot.press("escape")
    assert not isinstance(app.focused, Input)


async def test_urls_steps_and_copy(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="alice")
    app = make_app(start_at=StepKey.SIGN_IN, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        assert "https://123456789012.signin.aws.amazon.com/console" in _text(app, "#urls")
        assert "no alias yet" in _text(app, "#urls")
        steps = _text(app, "#steps")
        assert "IAM user name: alice" in steps and "Account ID or alias: 123456789012" in steps
        assert "MFA code" in steps and "new password" in steps
        assert "NO console password" in _text(app, "#user-state")
        sent: list[str] = []
        app.clipboard_service = Clipboard(sent.append, env={"SSH_CONNECTION": "x"})
        await _leave_field(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert sent == ["https://123456789012.signin.aws.amazon.com/console"]


async def test_without_a_guide_user_u_picks_one(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="bob")
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        assert "u picks the user" in _text(app, "#user-state")
        await _leave_field(pilot, app)
        await pilot.press("u")
        await settle(pilot)
        await until_screen(pilot, UserPickerScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.guide_user == "bob" and "IAM user name: bob" in _text(app, "#steps")
        assert "has not signed in yet" in _text(app, "#user-state")


async def test_typing_goes_into_the_alias_field_never_to_a_key(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        screen, field = app.screen, app.screen.query_one("#alias-input", Input)
        assert app.focused is field  # the screen opens in its one field
        assert "c" not in screen.active_bindings and "escape" in screen.active_bindings  # only what works here
        sent: list[str] = []
        app.clipboard_service = Clipboard(sent.append, env={"SSH_CONNECTION": "x"})
        await pilot.press(*"acme-q3cu", "r")  # q quit, c copy, 3 guide step 3, u user, r refresh, a alias
        assert field.value == "acme-q3cur" and app.screen is screen and app.is_running and sent == []
        assert screen.active_bindings["escape"].binding.description == "Leave field"
        assert "esc leaves the field" in _text(app, "#alias-hint") and screen.query_one("#alias-hint").display
        await _leave_field(pilot, app)
        assert not screen.query_one("#alias-hint").display  # the field's keys are said only while it has the focus
        assert {"c", "u", "a", "r"} <= screen.active_bindings.keys()
        assert screen.active_bindings["escape"].binding.description == "Back"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SigninScreen)


async def test_invalid_alias_is_refused_as_you_type(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await _type_alias(pilot, app, "My--co")
        assert "lowercase letters, digits and hyphens (no capitals); not: 'M'" in _text(app, "#alias-error")
        assert app.screen.query_one("#alias-save", Button).disabled
        app.screen.query_one("#alias-input", Input).value = "my--co"
        await pilot.pause()
        assert "single hyphens" in _text(app, "#alias-error")
        app.screen.query_one("#alias-input", Input).value = "123456"
        await pilot.pause()
        assert "all digits" in _text(app, "#alias-error")
        await pilot.press("enter")
        await settle(pilot)
        assert admin.list_account_aliases()["AccountAliases"] == []


async def test_create_then_replace_alias(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await _type_alias(pilot, app, "acme-corp")
        assert _text(app, "#alias-error") == "" and not app.screen.query_one("#alias-save", Button).disabled
        assert _text(app, "#alias-warning") == ""  # nothing to replace yet
        await pilot.press("enter")
        await settle(pilot)
        assert admin.list_account_aliases()["AccountAliases"] == ["acme-corp"]
        assert identity_of(app).alias == "acme-corp"
        assert "(acme-corp)" in str(app.screen.query_one(IdentityBar).render())
        assert "https://acme-corp.signin.aws.amazon.com/console" in _text(app, "#urls")
        assert str(app.screen.query_one("#alias-save", Button).label) == "Replace alias"

        await _type_alias(pilot, app, "acme-2")
        warning = _text(app, "#alias-warning")
        assert "https://acme-corp.signin.aws.amazon.com/console stops working" in warning
        await pilot.press("enter")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert admin.list_account_aliases()["AccountAliases"] == ["acme-corp"]
        app.screen.query_one("#alias-input", Input).focus()
        await pilot.press("enter")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert admin.list_account_aliases()["AccountAliases"] == ["acme-2"]
        assert identity_of(app).alias == "acme-2"


async def test_alias_taken_by_another_account_is_explained(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await _type_alias(pilot, app, "example")
        await pilot.press("enter")
        await settle(pilot)
        error = _text(app, "#alias-error")
        assert "EntityAlreadyExists" in error and "another account" in error
        assert admin.list_account_aliases()["AccountAliases"] == []
        assert identity_of(app).alias is None


async def test_same_alias_again_is_not_sent(make_app: MakeApp, admin: IamClient, sandbox: Sandbox) -> None:
    admin.create_account_alias(AccountAlias="acme-corp")
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await _type_alias(pilot, app, "acme-corp")
        assert "already this account's alias" in _text(app, "#alias-error")
        assert app.screen.query_one("#alias-save", Button).disabled


async def test_a_user_who_signed_in_marks_the_step_done(make_app: MakeApp, admin: IamClient,
                                                        service: IamService) -> None:
    from datetime import UTC, datetime

    from iam_tui.guide import StepState

    admin.create_user(UserName="alice")

    # moto never records console sign-ins; AWS reports PasswordLastUsed
    def signed_in(parsed: Any, **_: Any) -> None:
        parsed["User"]["PasswordLastUsed"] = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)

    service.ctx.client("iam").meta.events.register("after-call.iam.GetUser", signed_in)
    app = make_app(start_at=StepKey.SIGN_IN, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        assert "last signed in 2026-11-28 10:30 UTC" in _text(app, "#user-state")
        assert app.guide_state.get(StepKey.SIGN_IN) is StepState.DONE


async def test_help_explains_the_alias_rules(make_app: MakeApp) -> None:
    from iam_tui.screens.help import HelpScreen

    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        await _leave_field(pilot, app)
        await pilot.press("question_mark")
        await until_screen(pilot, HelpScreen)
        help_screen = current(app, HelpScreen)
        assert "stops working" in help_screen.help_text and "Copy URL" in help_screen.keys


async def test_denied_alias_is_unknown_and_a_new_alias_still_warns_it_replaces(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    admin.create_account_alias(AccountAlias="hidden-alias")
    inject_error(service, "iam", "ListAccountAliases", "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.SIGN_IN)
    async with app.run_test(size=(100, 32)) as pilot:
        await _open(pilot, app)
        assert "alias unknown (no permission)" in str(app.screen.query_one(IdentityBar).render())
        assert "alias unknown (no permission)" in _text(app, "#urls") and "no alias yet" not in _text(app, "#urls")
        await _type_alias(pilot, app, "acme-corp")
        warning = _text(app, "#alias-warning")
        assert "unknown" in warning and "replaces it" in warning


async def test_step_4_can_be_marked_done_while_aws_has_no_record_of_a_sign_in(
        make_app: MakeApp, admin: IamClient) -> None:
    from iam_tui.guide import StepState

    admin.create_user(UserName="alice")
    admin.create_login_profile(UserName="alice", Password="Example-Passw0rd!")
    app = make_app(start_at=StepKey.SIGN_IN)
    app.session.guide_user = "alice"
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, SigninScreen)
        await settle(pilot)
        await pilot.press("escape")  # out of the alias field: m is a key, not a letter of an alias
        await settle(pilot)
        assert "the demo sandbox never does: m marks this step done" in _text(app, "#user-state")
        assert app.screen.active_bindings["m"].enabled
        await pilot.press("m")
        await pilot.pause()
        assert app.session.state(StepKey.SIGN_IN) is StepState.DONE
