"""Live after every write of the guide's screens, and after a write whose answer was lost: the dashboard (rows and
detail), the users screen and the summary show what AWS holds without anyone pressing r."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.core.checks import CheckId, Status
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.password_handover import PasswordHandoverScreen
from iam_tui.screens.password_policy import PasswordPolicyScreen
from iam_tui.screens.security_contact import SecurityContactScreen

from ..helpers import inject_error, lose_answers
from .pilot import notifications_into, settle
from .test_create_user import run_plan
from .test_live import first_scan, look, rescanned, user_row
from .waiting import until_screen, until_shown

MakeApp = Callable[..., IamTuiApp]  # the conftest's factory


async def _set_contact(pilot: Pilot[Any], app: IamTuiApp, before_saving: Callable[[], object] = lambda: None) -> None:
    await pilot.press("s")
    await until_screen(pilot, SecurityContactScreen)
    before_saving()
    modal = app.screen
    for field, value in (("name", "Sec"), ("title", "CISO"), ("email", "security@example.com"),
                         ("phone", "+1 206 555 0100")):
        modal.query_one(f"#contact-{field}", Input).value = value
    await pilot.press("ctrl+s")
    await until_screen(pilot, DashboardScreen)


async def test_a_lost_answer_still_rereads_what_the_write_names_and_says_it_may_have_been_made(
        make_app: MakeApp, service: IamService) -> None:
    """AWS saved the contact, then its answer was lost (a 500 that is not retried) and the read that would settle it
    was refused: the app cannot know, so it says the change may have been made and reads the contact again, and the
    dashboard shows it saved."""
    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        before = await first_scan(pilot, app)
        assert before.result(CheckId.SECURITY_CONTACT).status is Status.FAIL
        lost = lose_answers(service, "PutAlternateContact", then="error", aws_service="account")
        unread: list[list[int]] = []  # the read that would settle the write is refused once
        await _set_contact(pilot, app, lambda: unread.append(
            inject_error(service, "account", "GetAlternateContact", "AccessDeniedException", status=403, times=1)))
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "security-contact")
    assert lost and unread and unread[0], "the answer was not lost, or read back: the test tests nothing"
    said = " ".join(n.message for n in shown)
    assert "may have been made" in said and "ServiceFailure" in said
    assert seen.statuses["security-contact"] is Status.PASS
    assert "[pass]" in seen.detail["security-contact"]


async def test_a_user_created_with_its_group_is_on_the_dashboard_the_users_screen_and_the_summary(
        make_app: MakeApp) -> None:
    """Step 2's plan (a new PowerUsers group with AdministratorAccess, the user with a console password, in it):
    the new user's missing MFA and the group's admin policy fail on the dashboard, the users screen lists the user
    in the group, the summary names both, with nobody pressing r."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        assert before.result(CheckId.NO_FULL_ADMIN_POLICY).status is Status.PASS
        await run_plan(app, pilot, "carl")
        assert isinstance(app.screen, PasswordHandoverScreen)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "console-users-mfa", "no-full-admin-policy")
    assert seen.statuses["console-users-mfa"] is Status.FAIL and "carl" in seen.detail["console-users-mfa"]
    assert seen.statuses["no-full-admin-policy"] is Status.FAIL
    assert "PowerUsers" in seen.detail["no-full-admin-policy"]
    assert "carl" in seen.user_names and "PowerUsers" in user_row(seen, "carl")
    assert "IAM user: carl" in seen.summary and "group: PowerUsers" in seen.summary


async def test_removing_the_password_policy_fails_its_checks_everywhere(make_app: MakeApp, admin: Any) -> None:
    admin.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        assert before.result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.PASS
        await pilot.press("p")
        await until_screen(pilot, PasswordPolicyScreen)
        await settle(pilot)
        await pilot.press("d")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "password-policy-length")
    assert seen.statuses["password-policy-length"] is Status.FAIL
    assert seen.statuses["password-policy-reuse"] is Status.FAIL
    assert "[fail]" in seen.detail["password-policy-length"]
    assert "✗ 1.7 " in seen.summary and "✗ 1.8 " in seen.summary
    assert "• password policy: removed (AWS's default applies)" in seen.summary


async def test_a_policy_whose_answer_was_lost_and_could_not_be_read_back_is_shown_as_aws_holds_it(
        make_app: MakeApp, service: IamService) -> None:
    """The update is made, its answer lost, and the read that would settle it fails too: the screen says the change
    may have been made and shows the policy AWS holds; the dashboard reads it again, no r."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        before = await first_scan(pilot, app)
        assert before.result(CheckId.PASSWORD_POLICY_LENGTH).status is Status.FAIL
        await pilot.press("p")
        await until_screen(pilot, PasswordPolicyScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PasswordPolicyScreen)
        lost = lose_answers(service, "UpdateAccountPasswordPolicy", then="error")
        unread = inject_error(service, "iam", "GetAccountPasswordPolicy", "ServiceFailure", "down", 500, times=1)
        await pilot.press("c", "a")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await rescanned(pilot, app, before)
        await settle(pilot)
        status = str(screen.query_one("#policy-status", Static).render())
        current = str(screen.query_one("#policy-current", Static).render())
        seen = await look(pilot, app, "password-policy-length")
    assert lost and unread, "the answer was not lost, or its read back not refused: the test tests nothing"
    assert "may have been made" in status and "The form shows the policy now in AWS" in status
    assert "14" in current
    assert seen.statuses["password-policy-length"] is Status.PASS
