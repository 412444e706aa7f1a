"""Guide step 2 driven through the UI; the resulting IAM state is checked through a plain client."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.patience import Patience
from iam_tui.aws.plan_runner import PlanRunner
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core import passwords
from iam_tui.core.checks import CheckId
from iam_tui.core.secret import Secret
from iam_tui.files import file_mode
from iam_tui.guide import StepKey, StepState
from iam_tui.screens import create_user
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.create_progress import CreateProgressScreen
from iam_tui.screens.create_user import CreateUserScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.password_handover import InstructionsScreen, PasswordHandoverScreen
from iam_tui.screens.save_file import SaveFileScreen
from iam_tui.widgets.search_list import SearchList
from iam_tui.widgets.secret_field import SecretField

from ..helpers import FakeTime, IamClient, MakeApp, error_of, failed_step, inject_error, lose_answers, send_at_once
from .pilot import current, open_step, scan_of, settle, visible_text
from .waiting import until, until_screen, until_shown


@pytest.fixture(autouse=True)
def quick_name_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(create_user, "NAME_CHECK_DELAY", 0.01)


@pytest.fixture
def escaped_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated passwords end in & and ' (the screenshot's SVG escapes both, as it does for 39 % of them)."""
    real = passwords.generate_password
    monkeypatch.setattr(create_user, "generate_password", lambda policy: Secret(real(policy).reveal()[:-2] + "&'"))


def text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def plan_text(app: IamTuiApp) -> str:
    return "\n".join(str(step.render()) for step in app.screen.query(".plan-step").results(Static))


async def open_form(app: IamTuiApp, pilot: Pilot[int]) -> CreateUserScreen:
    screen = await open_step(pilot, StepKey.CREATE_USER, CreateUserScreen)
    assert app.focused is screen.query_one("#user-name")
    return screen


async def type_name(pilot: Pilot[int], name: str) -> None:
    await pilot.press(*name)
    await pilot.pause(0.05)
    await settle(pilot)


async def open_permissions(app: IamTuiApp, pilot: Pilot[int], name: str) -> CreateUserScreen:
    """Open the form, type ``name`` and go on to the permissions page with enter."""
    form = await open_form(app, pilot)
    await type_name(pilot, name)
    await pilot.press("enter")
    await settle(pilot)
    assert form.page == "permissions"
    return form


async def choose_custom_password(form: CreateUserScreen, pilot: Pilot[int]) -> Input:
    """Pick "Custom password" and focus its field (returned)."""
    form.query_one("#custom", RadioButton).value = True
    await pilot.pause()
    field = form.query_one("#custom-password", Input)
    field.focus()
    return field


async def go_to_review(pilot: Pilot[int]) -> None:
    for _ in range(3):
        if current(pilot.app, CreateUserScreen).page != "review":
            await pilot.press("ctrl+n")
            await settle(pilot)
    assert current(pilot.app, CreateUserScreen).page == "review"


async def run_plan(app: IamTuiApp, pilot: Pilot[int], name: str) -> None:
    """From the dashboard: fill the form with the defaults for ``name`` and run the create plan."""
    await open_form(app, pilot)
    await type_name(pilot, name)
    await go_to_review(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot, rounds=6)


async def create(pilot: Pilot[int]) -> PasswordHandoverScreen:
    await pilot.press("ctrl+s")
    await settle(pilot, rounds=6)
    screen = pilot.app.screen
    assert isinstance(screen, PasswordHandoverScreen), type(screen)
    return screen


async def test_happy_path_creates_the_guides_user(make_app: MakeApp, admin: IamClient, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, escaped_password: None,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.chdir(tmp_path)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "alice")
        assert "available" in text(app, "#user-name-msg")
        await go_to_review(pilot)
        review = text(app, "#review-text")
        for call in ("iam:CreateGroup(GroupName=PowerUsers)", "iam:AttachGroupPolicy", "iam:CreateUser",
                     "iam:CreateLoginProfile", "iam:AttachUserPolicy", "iam:AddUserToGroup", "no-full-admin-policy",
                     "no account password policy is set"):
            assert call in review
        assert review.index("CreateGroup") < review.index("CreateUser") < review.index("AddUserToGroup")
        handover = await create(pilot)
        password = handover.password.reveal()

        # the IAM state, read through a plain client
        assert admin.get_user(UserName="alice")["User"]["UserName"] == "alice"
        assert admin.list_user_tags(UserName="alice")["Tags"] == [{"Key": "user-type", "Value": "IAM power user"}]
        assert admin.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is True
        assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="alice")["Groups"]] == ["PowerUsers"]
        policies = admin.list_attached_group_policies(GroupName="PowerUsers")["AttachedPolicies"]
        assert [p["PolicyName"] for p in policies] == ["AdministratorAccess"]
        # no password policy: users may not change their own password, so the forced reset needs this (console too)
        attached = admin.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
        assert [p["PolicyName"] for p in attached] == ["IAMUserChangePassword"]

        # the password: masked on screen (what a person sees finds it once revealed), saved on request as the
        # console's CSV, 0600
        assert password not in visible_text(app) and password not in str(handover.query_one(SecretField).render())
        await pilot.press("v")
        assert password in visible_text(app)
        await pilot.press("v")
        assert password not in visible_text(app)
        await pilot.press("s")
        await until_screen(pilot, SaveFileScreen)
        await pilot.press("enter")
        await settle(pilot)
        saved = tmp_path / "alice_credentials.csv"
        assert file_mode(saved) == 0o600
        assert saved.read_bytes() == (f"User name,Password,Console sign-in URL\r\nalice,{password},"
                                      "https://123456789012.signin.aws.amazon.com/console\r\n").encode()
        await pilot.press("i")
        await until_screen(pilot, InstructionsScreen)
        instructions = text(app, "#instructions-text")
        assert "alice" in instructions and "signin.aws.amazon.com" in instructions and password not in instructions
        await pilot.press("escape")
        await pilot.press("enter")  # done: the password was saved, no question asked
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.guide_user == "alice" and app.guide_state[StepKey.CREATE_USER] is StepState.DONE
        scan = scan_of(app.screen)
        assert scan.result(CheckId.CONSOLE_USERS_MFA).resources == ("alice",)  # re-read live, not from the old report
        assert "no-full-admin-policy" in [r.id for r in scan.results if r.status.value == "fail"]
        assert form not in app.screen_stack
    assert password not in caplog.text


async def test_invalid_name_blocks_the_next_page_and_makes_no_call(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "bad name!")
        assert "not: a space '!'" in text(app, "#user-name-msg")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert form.page == "details"
    assert admin.list_users()["Users"] == []


async def test_keys_that_arrive_together_are_applied_in_the_order_typed(make_app: MakeApp) -> None:
    """Typed fast (or sent while the app is busy), a correction reaches the field in one batch: the backspaces
    must not land after the letters typed behind them ("bad name!" corrected to "zed" once gave "bed")."""
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(app, pilot)
        await type_name(pilot, "bad name!")
        send_at_once(app, *["backspace"] * 9, *"zed")
        await pilot.pause(0.05)
        await settle(pilot)
        assert app.screen.query_one("#user-name", Input).value == "zed"
        assert "zed is available" in text(app, "#user-name-msg")


async def test_tags_typed_in_one_go_each_get_their_key_and_value(make_app: MakeApp) -> None:
    """enter adds the tag and puts the focus back on the key field, in the screen's handler of the field's
    Submitted message: the next tag's key, typed with it, once went into the value field."""
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_permissions(app, pilot, "kim")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert form.page == "tags" and app.focused is form.query_one("#tag-key")
        send_at_once(app, *"k1", "tab", *"val", "enter", *"k2", "tab", *"v2", "enter")
        await pilot.pause()
        await pilot.pause()
        assert form.tags_page.tags[-2:] == [("k1", "val"), ("k2", "v2")]


async def test_ctrl_s_typed_with_the_key_that_opens_the_review_does_not_create(make_app: MakeApp,
                                                                                 admin: IamClient) -> None:
    """ctrl+n ctrl+s typed at once on the tags page created the user with the review never drawn."""
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_permissions(app, pilot, "kim")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert form.page == "tags"
        send_at_once(app, "ctrl+n", "ctrl+s")
        await settle(pilot)
        assert form.page == "review" and app.screen is form
        assert admin.list_users()["Users"] == []
        await pilot.press("ctrl+s")  # typed once the review is on screen: it counts
        await until(pilot, lambda: admin.list_users()["Users"])


async def test_a_name_taken_in_another_case_is_refused(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="Alice")
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "alice")
        message = text(app, "#user-name-msg")
        assert "already exists" in message and "'Alice'" in message
        await pilot.press("ctrl+n")
        assert form.page == "details"


async def test_custom_password_shows_the_rules_it_misses(make_app: MakeApp, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True,
                                         AllowUsersToChangePassword=True)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "bob")
        await choose_custom_password(form, pilot)
        await pilot.press(*"short1")
        message = text(app, "#custom-password-msg")
        assert "at least 14 characters (6 now)" in message and "a symbol (" in message
        await pilot.press("ctrl+n")
        assert form.page == "details"
        await pilot.press(*"-Longer-Passw0rd")
        assert "meets the password policy" in text(app, "#custom-password-msg")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert form.page == "permissions"


async def test_policy_forbidding_password_change_attaches_iam_user_change_password(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=14, AllowUsersToChangePassword=False)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(app, pilot)
        assert "IAMUserChangePassword will be attached" in text(app, "#policy-note")
        await type_name(pilot, "carol")
        await go_to_review(pilot)
        assert "permissions-via-groups" in text(app, "#review-text")
        handover = await create(pilot)
        assert len(handover.password.reveal()) >= 20
    attached = admin.list_attached_user_policies(UserName="carol")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["IAMUserChangePassword"]


async def test_an_existing_powerusers_group_is_joined(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        assert form.query_one("#existing-group", RadioButton).value
        await type_name(pilot, "dave")
        await go_to_review(pilot)
        review = text(app, "#review-text")
        assert "existing group PowerUsers (AdministratorAccess)" in review and "CreateGroup" not in review
        await create(pilot)
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="dave")["Groups"]] == ["PowerUsers"]


async def test_the_policy_list_is_there_when_the_page_opens_and_enter_in_the_search_chooses(
        make_app: MakeApp, admin: IamClient) -> None:
    """The list is filled before anything is typed, and enter in the search chooses the highlighted policy."""
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_permissions(app, pilot, "uma")
        search = form.query_one("#policy-search", SearchList)
        highlighted = search.options.highlighted_option
        assert highlighted is not None and highlighted.id == "arn:aws:iam::aws:policy/AdministratorAccess"
        assert search.options.option_count > 1
        await pilot.press("tab")
        assert app.focused is search.search
        await pilot.press(*"PowerUser", "down")
        wanted = search.options.highlighted_option
        assert wanted is not None and wanted.id and "PowerUser" in wanted.id and app.focused is search.search
        await pilot.press("enter")
        assert form.permissions.selected_policy == wanted.id and form.page == "permissions"
        assert f"Policy for the new group: {wanted.prompt}" in text(app, "#policy-choice")
        await go_to_review(pilot)
        await create(pilot)
    policies = admin.list_attached_group_policies(GroupName="PowerUsers")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in policies] == [wanted.id]


async def test_a_wide_terminal_shows_the_plan_beside_the_form(make_app: MakeApp) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(200, 50)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "zed")
        summary = form.query_one("#summary-panel")
        assert summary.display and "iam:CreateUser(UserName=zed, Tags=[1 tag])" in text(app, "#summary")
        await go_to_review(pilot)
        assert not summary.display  # the review page shows it in full
        await pilot.resize_terminal(100, 32)
        await pilot.press("escape")
        await pilot.pause()
        assert form.page == "tags" and not summary.display


async def test_server_side_password_violation_then_roll_back(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)  # the form read "no policy": it generates a 20-character password
        await type_name(pilot, "erin")
        await go_to_review(pilot)
        admin.update_account_password_policy(MinimumPasswordLength=40)  # someone tightens the policy meanwhile
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=6)
        progress = app.screen
        assert isinstance(progress, CreateProgressScreen)
        error = text(app, "#plan-error")
        assert "PasswordPolicyViolation" in error and "r retry" in error
        assert admin.get_user(UserName="erin")  # created before the failing step
        await pilot.press("b")
        await settle(pilot, rounds=4)
        assert "nothing of this attempt is left" in text(app, "#plan-status")
        assert admin.list_users()["Users"] == [] and admin.list_groups()["Groups"] == []
        await pilot.press("escape")
        await settle(pilot)
        assert current(app, CreateUserScreen) is form


async def test_failure_then_retry_completes(make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403, times=1)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "frank")
        assert "iam:AddUserToGroup" in text(app, "#plan-error")
        await pilot.press("r")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, PasswordHandoverScreen)
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="frank")["Groups"]] == ["PowerUsers"]


async def test_leaving_before_handling_the_password_asks(make_app: MakeApp) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot)
        await type_name(pilot, "gina")
        await go_to_review(pilot)
        handover = await create(pilot)
        footer = [line for line in visible_text(app).splitlines() if line.strip()][-1]
        assert "Done" in footer and "Save .csv" in footer  # at 80 columns the footer lost "Done"
        await pilot.press("i")
        await until_shown(pilot, InstructionsScreen)  # keys typed before a dialog is drawn are dropped
        assert "c copy · s save to a file · esc close" in visible_text(app)  # 24 rows hid the keys under the text
        await pilot.press("escape")
        await pilot.press("enter")
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        assert app.screen is handover
        await pilot.press("v")
        assert handover.query_one(SecretField).revealed
        await pilot.press("enter")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, DashboardScreen)


async def test_tag_and_group_name_errors_sit_next_to_their_fields(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_group(GroupName="Admins")
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_permissions(app, pilot, "hank")
        assert app.focused is form.query_one("#group-name")
        form.query_one("#group-name", Input).value = "admins"
        await pilot.pause()
        assert "exists already" in text(app, "#group-name-msg")
        form.query_one("#group-name", Input).value = "bad group"
        await pilot.pause()
        assert "not: a space" in text(app, "#group-name-msg")
        await pilot.press("ctrl+n")
        assert form.page == "permissions"
        form.query_one("#group-name", Input).value = "Builders"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert form.page == "tags" and app.focused is form.query_one("#tag-key")
        await pilot.press(*"aws:team", "enter", *"x", "enter")
        assert "reserved" in text(app, "#tag-msg") and len(form.tags_page.tags) == 1
        await pilot.press("backspace")  # edited: why it was refused no longer stands
        assert text(app, "#tag-msg") == ""
        form.query_one("#tag-key", Input).value = "USER-TYPE"
        form.query_one("#tag-value", Input).value = ""
        form.query_one("#tag-value", Input).focus()
        await pilot.press(*"admin", "enter")
        assert form.tags_page.tags == [("user-type", "admin")] and "updated" in text(app, "#tag-msg")
        form.query_one("#tag-key", Input).value = "team"
        form.query_one("#tag-value", Input).focus()
        await pilot.press(*"ops", "enter")
        assert form.tags_page.tags == [("user-type", "admin"), ("team", "ops")]
        form.query_one("#tag-table").focus()
        await pilot.press("ctrl+d")
        assert form.tags_page.tags == [("team", "ops")]
        await pilot.press("ctrl+n")
        await settle(pilot)
        review = text(app, "#review-text")
        assert "new group Builders with AdministratorAccess" in review and "team=ops" in review
    assert admin.list_users()["Users"] == []  # nothing was created by filling the form


async def test_the_password_never_leaks_into_errors_or_the_screen(make_app: MakeApp, admin: IamClient,
                                                                  service: IamService, escaped_password: None) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_plan(app, pilot, "ivy")
        progress = app.screen
        assert isinstance(progress, CreateProgressScreen)
        assert progress.request.password is not None
        password = progress.request.password.reveal()
        failed = error_of(failed_step(progress.run_state))
        assert password not in failed.text and password not in repr(failed)
        assert password.endswith("&'") and password not in visible_text(app)
        # the failed step, scrolled into view at 80x24, with its state (markup once swallowed "[failed]")
        failed_line = "✗ 6. Add ivy to group PowerUsers  [failed]"
        await until(pilot, lambda: failed_line in visible_text(app))
        assert "********" in plan_text(app)
        # Stopping says so above the steps, taking room from them: the step is scrolled into view again then. (When
        # that came after the first scroll, the failed step was left out of view: the likely cause of this test's
        # failure in 2 of 4 fresh-clone CI runs, which never showed here.)
        progress.query_one("#plan-steps").scroll_home(animate=False)
        await pilot.pause()
        assert failed_line not in visible_text(app)
        progress._stopped(str(progress.query_one("#plan-status", Static).render()))
        await until(pilot, lambda: failed_line in visible_text(app))


async def quit_question(app: IamTuiApp, pilot: Pilot[int]) -> str:
    """Quit, as q does: the question it asks first."""
    await app.action_quit()
    await until_screen(pilot, ConfirmScreen)
    return str(app.screen.query_one("#question").render())


async def test_quitting_when_the_user_was_never_made_names_what_is_left(make_app: MakeApp,
                                                                        service: IamService) -> None:
    """Its name taken meanwhile, the user is not made after its group was: the question said "user jo is
    half-created" of a user that does not exist."""
    inject_error(service, "iam", "CreateUser", "EntityAlreadyExists", "User with name jo already exists.", 409)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "jo")
        question = await quit_question(app, pilot)
        assert "creating jo stopped before the user was made; still in AWS: Create group PowerUsers" in question
        assert "half-created" not in question
        await pilot.press("n")


async def test_quitting_with_a_half_made_user_asks_first(make_app: MakeApp, service: IamService) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "jo")
        assert "jo is half-created (5 of 6 steps done)" in await quit_question(app, pilot)
        await pilot.press("n")
        assert isinstance(app.screen, CreateProgressScreen) and app.is_running
        await pilot.press("b")
        await settle(pilot, rounds=4)
        await app.action_quit()  # rolled back: nothing unfinished, no question
        await pilot.pause()
        assert not app.is_running


async def test_after_a_rolled_back_attempt_the_form_no_longer_says_nothing_was_sent(make_app: MakeApp,
                                                                                  service: IamService) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        assert form.leaving_drops() is None  # nothing typed yet
        await run_plan(app, pilot, "jo")
        await pilot.press("b")
        await settle(pilot, rounds=4)
        await pilot.press("escape")  # rolled back: back to the form
        await until_screen(pilot, CreateUserScreen)
        assert form.leaving_drops() == "what you entered in the create-user form"


async def test_fixing_the_password_policy_from_the_form_drops_iam_user_change_password(
        make_app: MakeApp, admin: IamClient) -> None:
    from iam_tui.screens.password_policy import PasswordPolicyScreen

    admin.update_account_password_policy(MinimumPasswordLength=8, AllowUsersToChangePassword=False)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        assert "IAMUserChangePassword will be attached" in text(app, "#policy-note")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, PasswordPolicyScreen)
        await pilot.press("tab", "c", "a")  # the CIS preset lets users change their own password
        await until_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert current(app, CreateUserScreen) is form
        note = text(app, "#policy-note")
        assert "at least 14 characters" in note and "IAMUserChangePassword" not in note
        await type_name(pilot, "kim")
        await go_to_review(pilot)
        assert "AttachUserPolicy" not in text(app, "#review-text")


# tests/aws/test_plan_runner.py fails every step of the plan, then rolls back or retries; through the UI, one step
# each (a middle one, with done steps before it) proves the screen's side of it.


async def test_failure_at_a_step_through_the_ui_then_roll_back(make_app: MakeApp, admin: IamClient,
                                                               service: IamService) -> None:
    operation = "CreateLoginProfile"
    inject_error(service, "iam", operation, "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "lee")
        assert f"iam:{operation}" in text(app, "#plan-error") and "AccessDenied" in text(app, "#plan-error")
        await pilot.press("b")
        await settle(pilot, rounds=4)
        assert "nothing of this attempt is left" in text(app, "#plan-status")
    assert admin.list_users()["Users"] == [] and admin.list_groups()["Groups"] == []


async def test_failure_at_a_step_through_the_ui_then_retry(make_app: MakeApp, admin: IamClient,
                                                           service: IamService) -> None:
    operation = "CreateUser"
    inject_error(service, "iam", operation, "AccessDenied", "not authorized", 403, times=1)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "max")
        assert f"iam:{operation}" in text(app, "#plan-error")
        await pilot.press("r")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, PasswordHandoverScreen)
    assert admin.get_login_profile(UserName="max")["LoginProfile"]["PasswordResetRequired"] is True
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="max")["Groups"]] == ["PowerUsers"]
    policies = admin.list_attached_group_policies(GroupName="PowerUsers")["AttachedPolicies"]
    assert [p["PolicyName"] for p in policies] == ["AdministratorAccess"]


# --- lost answers, and retry after a roll back ---------------------------------------------------------


async def test_a_lost_create_user_answer_is_read_back_and_rolled_back(make_app: MakeApp, admin: IamClient,
                                                                      service: IamService) -> None:
    """The first CreateUser's answer is lost; the SDK's retry meets EntityAlreadyExists. The app reads the user back
    as its own, so `b` removes it, and "nothing is left" is then true."""
    lose_answers(service, "CreateUser")
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "nina")
        assert "iam:AddUserToGroup" in text(app, "#plan-error")
        assert "read back from AWS: done" in plan_text(app)
        await pilot.press("b")
        await settle(pilot, rounds=6)
        assert "nothing of this attempt is left" in text(app, "#plan-status")
    assert admin.list_users()["Users"] == [] and admin.list_groups()["Groups"] == []


async def test_a_lost_login_profile_answer_does_not_block_the_plan(make_app: MakeApp, admin: IamClient,
                                                                   service: IamService) -> None:
    """The first CreateLoginProfile's answer is lost; the retry meets "already has a password". The app reads the
    login profile back as its own and goes on (before, `r` failed the same way forever)."""
    lose_answers(service, "CreateLoginProfile")
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "olga")
        assert isinstance(app.screen, PasswordHandoverScreen)
    assert admin.get_login_profile(UserName="olga")["LoginProfile"]["PasswordResetRequired"] is True
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="olga")["Groups"]] == ["PowerUsers"]


async def test_retry_after_a_roll_back_makes_every_step_again(make_app: MakeApp, admin: IamClient,
                                                              service: IamService) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403, times=1)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "pia")
        await pilot.press("b")
        await settle(pilot, rounds=6)
        assert admin.list_users()["Users"] == [] and "r runs the plan again" in text(app, "#plan-status")
        error = text(app, "#plan-error")
        assert "r runs every step again" in error and "from this step" not in error
        await pilot.press("r")
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, PasswordHandoverScreen)
    assert admin.get_user(UserName="pia")["User"]["UserName"] == "pia"
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="pia")["Groups"]] == ["PowerUsers"]


async def test_after_a_failed_undo_retry_is_not_offered(make_app: MakeApp, admin: IamClient,
                                                        service: IamService) -> None:
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403)
    inject_error(service, "iam", "DeleteGroup", "AccessDenied", "not authorized", 403)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "quinn")
        await pilot.press("b")
        await settle(pilot, rounds=6)
        progress = app.screen
        assert isinstance(progress, CreateProgressScreen)
        error = text(app, "#plan-error")
        assert "Undo of" in error and "r retry" not in error and "b tries the roll back again" in error
        states = [p.state for p in progress.run_state.progress]
        await pilot.press("r")
        await settle(pilot, rounds=4)
        assert [p.state for p in progress.run_state.progress] == states
    assert admin.list_users()["Users"] == []


async def test_steps_show_that_they_wait_for_iam_to_propagate(make_app: MakeApp, admin: IamClient, service: IamService,
                                                              sandbox: Sandbox) -> None:
    """Right after CreateGroup/CreateUser, the next step is told NoSuchEntity for a moment; the screen says
    it is waiting, and the plan completes without the user pressing retry."""
    fake = FakeTime()
    sandbox.propagation = fake.propagation(new_entity=1.0)
    seen_while_waiting: list[str] = []

    async def sleep(seconds: float) -> None:
        seen_while_waiting.append(plan_text(app))
        await fake.sleep(seconds)

    service.plans = PlanRunner(service.aws, Patience(clock=fake.clock, sleep=sleep))
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "rosa")
        assert isinstance(app.screen, PasswordHandoverScreen)
    assert seen_while_waiting and all("still propagating" in lines and "NoSuchEntity" in lines
                                      for lines in seen_while_waiting)
    assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="rosa")["Groups"]] == ["PowerUsers"]


async def test_a_half_made_user_is_rescanned_at_once(make_app: MakeApp, service: IamService) -> None:
    """A failed create that left changes in AWS tells the dashboard below (before, only a complete create or a roll
    back did: the recommendations went on showing the account without the half-made user)."""
    inject_error(service, "iam", "AddUserToGroup", "AccessDenied", "not authorized", 403)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "uma")
        assert isinstance(app.screen, CreateProgressScreen)
        dashboard = next(s for s in app.screen_stack if isinstance(s, DashboardScreen))
        await settle(pilot)
        users = [user.name for user in scan_of(dashboard).users_overview().users]
        assert "uma" in users


async def test_a_lost_answer_to_the_first_step_says_aws_may_have_made_it(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CreateGroup's answer is lost and reading the group back is denied: the group may exist, b removes it."""
    lose_answers(service, "CreateGroup", then="garbage")
    inject_error(service, "iam", "GetGroup", "AccessDenied", "not authorized", 403, times=1)
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await run_plan(app, pilot, "vic")
        assert text(app, "#plan-status") == ("Stopped at the first step. AWS may have made it (its answer was lost and "
                                             "reading back failed): b removes it if it is there.")
        assert [g["GroupName"] for g in admin.list_groups()["Groups"]] == ["PowerUsers"]
        await pilot.press("b")
        await settle(pilot, rounds=4)
        assert "nothing of this attempt is left" in text(app, "#plan-status")
    assert admin.list_groups()["Groups"] == [] and admin.list_users()["Users"] == []


async def test_esc_on_the_first_page_asks_before_dropping_what_was_entered(make_app: MakeApp) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "zed")
        await pilot.press("escape")
        await until_shown(pilot, ConfirmScreen)
        assert "What you entered" in str(current(app, ConfirmScreen).question)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.details.user_name == "zed"
        await pilot.press("escape")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_esc_on_an_untouched_form_leaves_at_once(make_app: MakeApp) -> None:
    app = make_app(start_at=StepKey.CREATE_USER)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(app, pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
