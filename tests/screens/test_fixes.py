"""Fixing failing checks in place through ``screens.fixes.open_fix``, against the sandbox; the IAM state is
checked through a plain client."""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import Callable

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.changes import Changed
from iam_tui.core.checks import CheckId, Status
from iam_tui.core.scan_inputs import AccountSummary
from iam_tui.screens.base import AppScreen
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.dialogs import ChoiceDialog, NameDialog
from iam_tui.screens.fixes import ConsoleChecklistScreen, open_fix
from iam_tui.screens.messages import AwsChanged
from iam_tui.screens.mfa import MfaScreen
from iam_tui.screens.password_policy import PasswordPolicyScreen
from iam_tui.screens.plan_progress import PlanProgressScreen
from iam_tui.screens.plan_review import PlanReviewScreen

from ..helpers import IamClient, MakeApp, inject_error, send_at_once
from .pilot import current, latest_scan, settle, visible_text
from .waiting import until, until_screen, until_shown


def text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def fix(app: IamTuiApp, pilot: Pilot[int], check_id: str) -> None:
    """Scan, then open the fix of the failing ``check_id`` as the dashboard will (enter on the check)."""
    await settle(pilot)
    result = latest_scan(app).result(CheckId(check_id))
    assert result.status.value == "fail", result
    open_fix(current(app, AppScreen), result)
    await pilot.pause()


async def run_to_done(app: IamTuiApp, pilot: Pilot[int]) -> None:
    await until_screen(pilot, PlanProgressScreen)
    await until(pilot, lambda: "Done" in text(app, "#progress-status") or "Stopped" in text(app, "#progress-status"))


async def unused_key_fix_to_its_deletion(app: IamTuiApp, pilot: Pilot[int]) -> str:
    """CIS 1.10's fix: its review, enter (the key is deactivated), enter on the result, y to the deletion it offers:
    the deletion's review is shown. Returns the first review's text."""
    await fix(app, pilot, "setup-keys-unused")
    await until_screen(pilot, PlanReviewScreen)
    first_review = text(app, "#review-text")
    await pilot.press("enter")
    await run_to_done(app, pilot)
    await pilot.press("enter")
    await until_shown(pilot, ConfirmScreen)
    await pilot.press("y")
    await until_screen(pilot, PlanReviewScreen)
    return first_review


async def test_unused_keys_of_the_user_named_in_the_finding_are_deactivated(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="lee")
    admin.create_login_profile(UserName="lee", Password="Correct-Horse-9-battery")
    key = admin.create_access_key(UserName="lee")["AccessKey"]["AccessKeyId"]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "setup-keys-unused")
        await until_screen(pilot, PlanReviewScreen)
        review = text(app, "#review-text")
        assert f"access key {key} (key 1): deactivate" in review and "never used (CIS 1.10)" in review
        await pilot.press("enter")
        await run_to_done(app, pilot)
        assert text(app, "#progress-status").startswith("✓ Done")
        assert admin.list_access_keys(UserName="lee")["AccessKeyMetadata"][0]["Status"] == "Inactive"
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)  # deleting is offered as its own plan
        await pilot.press("y")
        await until_screen(pilot, PlanReviewScreen)
        assert "cannot be undone: a deleted access key is gone for good" in text(app, "#review-text")
        await pilot.press(*key, "enter")
        await run_to_done(app, pilot)
    assert admin.list_access_keys(UserName="lee")["AccessKeyMetadata"] == []
    assert admin.get_login_profile(UserName="lee")  # the password was set just now: not unused, kept


async def test_the_extra_key_chosen_is_deactivated_after_typing_its_id(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="kim")
    first, second = (admin.create_access_key(UserName="kim")["AccessKey"]["AccessKeyId"] for _ in range(2))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "one-active-key")
        await until_shown(pilot, ChoiceDialog)
        choices = app.screen.query_one(OptionList)
        choices.highlighted = [o.id for o in choices.options].index(second)
        await pilot.press("enter")
        await until_screen(pilot, PlanReviewScreen)
        assert app.focused is app.screen.query_one("#review-confirm", Input)
        await pilot.press(*"wrong", "enter")
        assert "That is not" in text(app, "#review-problem")
        app.screen.query_one("#review-confirm", Input).value = ""
        await pilot.press(*second, "enter")
        await run_to_done(app, pilot)
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("n")  # delete later
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    status = {k["AccessKeyId"]: k["Status"] for k in admin.list_access_keys(UserName="kim")["AccessKeyMetadata"]}
    assert status == {first: "Active", second: "Inactive"}


async def test_moving_policies_to_a_group_fails_then_rolls_back_through_the_ui(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    admin.create_user(UserName="ann")
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    admin.attach_user_policy(UserName="ann", PolicyArn=arn)
    inject_error(service, "iam", "DetachUserPolicy", "AccessDenied", "not authorized", 403, times=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "permissions-via-groups")
        await until_shown(pilot, NameDialog)
        field = app.screen.query_one("#name", Input)
        assert field.value == "ann-permissions"
        await pilot.press("end", "!")  # the suggestion is selected: typing alone would replace it
        await pilot.pause()
        assert "group name" in text(app, "#name-problem")
        await pilot.press("backspace", "enter")
        await until_screen(pilot, PlanReviewScreen)
        await pilot.press("enter")
        await run_to_done(app, pilot)
        assert "iam:DetachUserPolicy" in text(app, "#progress-error")
        assert [g["GroupName"] for g in admin.list_groups_for_user(UserName="ann")["Groups"]] == ["ann-permissions"]
        await pilot.press("b")
        await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        assert admin.list_groups()["Groups"] == []
        assert [p["PolicyArn"] for p in admin.list_attached_user_policies(UserName="ann")["AttachedPolicies"]] == [arn]
        await pilot.press("r")
        await until(pilot, lambda: "Done" in text(app, "#progress-status"))
    assert admin.list_attached_user_policies(UserName="ann")["AttachedPolicies"] == []
    attached = admin.list_attached_group_policies(GroupName="ann-permissions")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]


async def test_a_group_name_taken_in_other_case_or_a_full_group_is_said_next_to_the_name_as_typed(
        make_app: MakeApp, admin: IamClient) -> None:
    """"ADMINS" (Admins exists) closed the dialog and opened it again with the suggested name, without a word."""
    admin.create_user(UserName="ann")
    admin.attach_user_policy(UserName="ann", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    admin.create_group(GroupName="Admins")
    others = [p["Arn"] for p in admin.list_policies(Scope="AWS", MaxItems=40)["Policies"]
              if p["PolicyName"] != "ReadOnlyAccess"][:10]
    for arn in others:
        admin.attach_group_policy(GroupName="Admins", PolicyArn=arn)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await fix(app, pilot, "permissions-via-groups")
        await until_shown(pilot, NameDialog)
        dialog = app.screen
        await pilot.press(*"ADMINS", "enter")  # the suggestion is selected: typing replaces it
        await pilot.pause()
        assert app.screen is dialog and app.screen.query_one("#name", Input).value == "ADMINS"
        assert "(as 'Admins': IAM names ignore case)" in text(app, "#name-problem")
        for _ in "ADMINS":
            await pilot.press("backspace")
        await pilot.press(*"Admins", "enter")  # the group exists: used, but it is full (10 managed policies)
        await until_shown(pilot, NameDialog)
        assert app.screen is not dialog and app.screen.query_one("#name", Input).value == "Admins"
        assert "Group Admins would have 11 managed policies" in text(app, "#name-problem")
        await pilot.press("escape")
    assert admin.list_groups_for_user(UserName="ann")["Groups"] == []


async def test_change_password_policy_is_just_detached_when_the_password_policy_allows_it(
        make_app: MakeApp, admin: IamClient) -> None:
    """IAMUserChangePassword grants nothing the password policy does not already: no one-member group for it."""
    admin.update_account_password_policy(MinimumPasswordLength=14, AllowUsersToChangePassword=True)
    admin.create_user(UserName="ann")
    admin.attach_user_policy(UserName="ann", PolicyArn="arn:aws:iam::aws:policy/IAMUserChangePassword")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "permissions-via-groups")
        await until_screen(pilot, PlanReviewScreen)  # no group name asked
        review = text(app, "#review-text")
        assert "IAMUserChangePassword (AWS managed): detach" in review and "AllowUsersToChangePassword" in review
        assert "CreateGroup" not in review and "AddUserToGroup" not in review
        await pilot.press("enter")
        await run_to_done(app, pilot)
        assert text(app, "#progress-status").startswith("✓ Done")
    assert admin.list_attached_user_policies(UserName="ann")["AttachedPolicies"] == []
    assert admin.list_groups()["Groups"] == []


async def test_the_support_role_name_is_suggested_and_checked_as_typed(make_app: MakeApp, admin: IamClient) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "support-role")
        await until_shown(pilot, NameDialog)
        field = app.screen.query_one("#name", Input)
        assert field.value == "AWSSupportRole"
        await pilot.press("end", "#")
        await pilot.pause()
        assert "role name" in text(app, "#name-problem")
        await pilot.press("backspace", *"-ops", "enter")
        await until_screen(pilot, PlanReviewScreen)
        assert "Trust policy of AWSSupportRole-ops" in text(app, "#review-text")
        await pilot.press("enter")
        await run_to_done(app, pilot)
    attached = admin.list_attached_role_policies(RoleName="AWSSupportRole-ops")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSSupportAccess"]


async def test_an_enter_typed_with_the_one_that_opens_the_review_does_not_run_the_plan(
        make_app: MakeApp, admin: IamClient) -> None:
    """enter enter typed at once in the name dialog: the first took the name, the second ran the fix on a review
    nobody had seen (a review takes keys only once it is drawn, as a dialog does)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "support-role")
        await until_shown(pilot, NameDialog)
        send_at_once(app, "enter", "enter")
        await until_screen(pilot, PlanReviewScreen)
        await pilot.pause(0.1)
        assert isinstance(app.screen, PlanReviewScreen) and admin.list_roles()["Roles"] == []
        review = app.screen
        review.dismiss(False)
        await settle(pilot)
        review.action_run()  # an enter still on its way to the review that is gone: nothing (it once crashed)
        await settle(pilot)
        assert admin.list_roles()["Roles"] == []


async def test_a_fix_left_through_the_palette_leaves_the_dashboards_keys_working(make_app: MakeApp) -> None:
    """"Guide step 1" from the palette goes back to the dashboard without answering the fix's screen, so the fix's
    flow never ends: the dashboard's keys, greyed while the fix read AWS, stayed greyed for good."""
    from iam_tui.screens.dashboard import DashboardScreen
    from iam_tui.screens.users import UsersScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await fix(app, pilot, "root-mfa")
        await until_screen(pilot, ConsoleChecklistScreen)
        app.switch_to_dashboard()
        await until_screen(pilot, DashboardScreen)
        dashboard = current(app, DashboardScreen)
        assert not dashboard.preparing
        await pilot.press("u")
        await until_screen(pilot, UsersScreen)
        await settle(pilot)  # the users screen's overview is built (it once landed as the test's app closed)


async def test_a_fix_run_asked_for_once_quitting_has_begun_never_starts_and_the_exit_says_so(
        make_app: MakeApp, admin: IamClient) -> None:
    """Quitting checks that nothing is in flight, then runs the exit cleanups (an AWS call each) while the screen
    still takes keys: a fix run from the review then (or typed together with q, before the run had begun) started
    as the app closed, and was cut off half-way without a word."""
    cleanup_may_end = asyncio.Event()

    async def slow_cleanup() -> None:
        await cleanup_may_end.wait()

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "support-role")
        await until_shown(pilot, NameDialog)
        await pilot.press("enter")
        await until_screen(pilot, PlanReviewScreen)
        app.session.add_exit_cleanup("something slow", slow_cleanup)
        app.run_worker(app.action_quit())  # quitting begins; its cleanup takes a while
        await pilot.pause()
        await pilot.press("enter")  # run the fix
        await until(pilot, lambda: app.session.not_started)
        await pilot.pause(0.1)
        assert admin.list_roles()["Roles"] == []  # the plan's first step was never sent
        cleanup_may_end.set()
        await until(pilot, lambda: not app.is_running)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gc.collect()
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []  # the run's call was closed
    assert app.exit_text == ("Not started, iam-tui was quitting: Create the support role AWSSupportRole. Nothing of "
                             "it was sent to AWS.")


async def test_root_keys_are_deleted_after_the_typed_id_and_a_second_question(
        make_app: MakeApp, sandbox: Sandbox, service: IamService) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        running = await service.keys.running_access_key_id()
        assert running is not None
        await fix(app, pilot, "root-access-keys")
        await until_screen(pilot, PlanReviewScreen)
        review = current(app, PlanReviewScreen).review
        assert review.confirm_twice == (running,) and review.confirm_name is not None
        await pilot.press(*review.confirm_name, "enter")
        await until_shown(pilot, ConfirmScreen)
        assert running in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await run_to_done(app, pilot)
        assert text(app, "#progress-status").startswith("✓ Done")
    assert sandbox.state.root_keys == {}  # root's keys live in the sandbox: moto's summary always says 0


async def test_the_guides_admin_group_is_accepted_with_a_typed_reason_then_cleared(
        make_app: MakeApp, admin: IamClient) -> None:
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "no-full-admin-policy")
        await until_shown(pilot, NameDialog)
        assert "Members: none. Policies: AdministratorAccess." in visible_text(app)
        await pilot.press("enter")  # nothing typed: refused, said why
        assert str(app.screen.query_one("#name-problem", Static).render()) == "Type why you accept this finding."
        await pilot.press(*"Kept [on] purpose", "enter")
        await until(pilot, lambda: admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"])
        await settle(pilot)
        result = latest_scan(app).result(CheckId.NO_FULL_ADMIN_POLICY)
        assert result.accepted == "Kept [on] purpose" and result.status.value == "fail"
        await fix(app, pilot, "no-full-admin-policy")
        await until_shown(pilot, ConfirmScreen)
        question = text(app, "#question")
        assert question.startswith("This finding is accepted on PowerUsers by ") and ": Kept [on] purpose." in question
        await pilot.press("y")
        await until(pilot, lambda: not admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"])
    assert admin.list_group_policies(GroupName="PowerUsers")["PolicyNames"] == []


async def test_the_password_policy_opens_with_the_cis_preset_filled_in(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await fix(app, pilot, "password-policy-length")
        await until_screen(pilot, PasswordPolicyScreen)
        await until(pilot, lambda: app.screen.query_one("#minimum_length", Input).value == "14")
        assert "CIS recommendation filled in" in str(app.screen.query_one("#policy-status", Static).render())


async def test_mfa_opens_for_the_user_named_in_the_finding(make_app: MakeApp, admin: IamClient) -> None:
    admin.create_user(UserName="mia")
    admin.create_login_profile(UserName="mia", Password="Correct-Horse-9-battery")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await fix(app, pilot, "console-users-mfa")  # MfaScreen(mia): the finding's user, whoever the guide is about
        await until_screen(pilot, MfaScreen)
        await until(pilot, lambda: current(app, MfaScreen).user_name == "mia")
        assert app.session.guide_user is None
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, MfaScreen))
        app.session.choose_guide_user("someone-else")
        await fix(app, pilot, "console-users-mfa")  # another guide user: it stays, the screen shows mia
        await until_screen(pilot, MfaScreen)
        await until(pilot, lambda: current(app, MfaScreen).user_name == "mia")
    assert app.session.guide_user == "someone-else"


async def test_root_mfa_checklist_is_ticked_off_once_the_summary_shows_it(
        make_app: MakeApp, service: IamService, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "root-mfa")
        await until_screen(pilot, ConsoleChecklistScreen)
        assert "  5. Assign MFA device" in text(app, "#checklist-text")
        await pilot.press("t")
        await until(pilot, lambda: "does not show root MFA yet" in text(app, "#checklist-status"))

        async def summary() -> AccountSummary:  # the console's change, which no API can make in the sandbox
            return AccountSummary(root_mfa_enabled=True, root_access_keys_present=True)

        monkeypatch.setattr(service.account, "summary", summary)
        await pilot.press("t")
        await until(pilot, lambda: not isinstance(app.screen, ConsoleChecklistScreen))


async def test_ticking_off_root_mfa_tells_the_app_and_the_dashboard_follows_without_r(
        make_app: Callable[..., IamTuiApp], service: IamService, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tick goes through ``act``: the app is told the root MFA setting changed only once the summary shows it,
    and the rescan it starts shows the check passing."""
    app = make_app()
    told: list[Changed] = []
    post = app.post_message

    def recording(message: Message) -> bool:
        if isinstance(message, AwsChanged):
            told.append(message.changed)
        return post(message)

    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "root-mfa")
        await until_screen(pilot, ConsoleChecklistScreen)
        monkeypatch.setattr(app, "post_message", recording)
        await pilot.press("t")
        await until(pilot, lambda: "does not show root MFA yet" in text(app, "#checklist-status"))
        assert told == []

        async def summary() -> AccountSummary:
            return AccountSummary(root_mfa_enabled=True, root_access_keys_present=True)

        monkeypatch.setattr(service.account, "summary", summary)
        await pilot.press("t")
        await until(pilot, lambda: not isinstance(app.screen, ConsoleChecklistScreen))
        assert told == [Changed.setting("root MFA")]
        await until(pilot, lambda: app.last_scan is not None
                    and app.last_scan.result(CheckId.ROOT_MFA).status is Status.PASS)


async def test_the_access_analyzers_are_reviewed_then_made_in_every_region_without_one(
        make_app: MakeApp, sandbox: Sandbox) -> None:
    from iam_tui.aws.sandbox.state import REGIONS_ON

    sandbox.state.regions = REGIONS_ON  # every region AWS enables (these tests' sandbox has fewer: conftest.py)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix(app, pilot, "access-analyzer")
        await until_screen(pilot, PlanReviewScreen)
        review = text(app, "#review-text")
        assert "access-analyzer:CreateAnalyzer(analyzerName=iam-tui-external-access, type=ACCOUNT) in us-west-2" \
            in review and "region eu-north-1: create iam-tui-external-access" in review
        await pilot.press("enter")
        await run_to_done(app, pilot)
        assert text(app, "#progress-status").startswith("✓ Done")
    made = {region for region, analyzers in sandbox.state.analyzers.items() if "iam-tui-external-access" in analyzers}
    assert made == set(REGIONS_ON)
