"""The checks' fixes with one AWS failure injected, driven through the UI as a person would (f on the failing check,
the keys of each dialog, b to roll back, r to retry); the IAM state is read through the plain ``admin`` client after
the failure, after the roll back and after the retry. The service-level tests (tests/aws/test_fix_plans.py) fail
every step; these show that the screens say what failed and how to go on, and leave nothing half-made.

Covered elsewhere through the UI: moving policies to a group (test_fixes.py), the support role
(test_plan_screens.py), removing a user (test_remove_user.py), key rotation (test_key_rotation_screen.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from moto.iam.models import iam_backends
from textual.pilot import Pilot

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox, responses
from iam_tui.aws.service import IamService
from iam_tui.core.checks import CheckId
from iam_tui.core.finish import made_lines
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.dialogs import ChoiceDialog, NameDialog, NoticeDialog
from iam_tui.screens.plan_review import PlanReviewScreen

from ..aws.test_fix_plans import has_password, key_status
from ..helpers import IamClient, MakeApp, inject_error
from .pilot import current, latest_scan, open_security_contact, scan_of, settle
from .test_fixes import run_to_done, text
from .waiting import until, until_screen, until_shown

DENIED = ("AccessDenied", "not authorized", 403)


def fail_call(service: IamService, operation: str, number: int) -> list[int]:
    """Only the ``number``-th IAM ``operation`` call from now on fails (AccessDenied): a failure in the middle of a
    plan whose steps make the same call. Returns the calls seen so far (one entry each)."""
    seen: list[int] = []

    def handler(**_: Any) -> Any:
        seen.append(1)
        return responses.error(*DENIED) if len(seen) == number else None

    service.ctx.client("iam").meta.events.register_first(f"before-call.iam.{operation}", handler)
    return seen


async def press_fix(app: IamTuiApp, pilot: Pilot[int], check_id: str) -> None:
    """On the dashboard, once scanned: move to the failing check and press f, as a person does."""
    await settle(pilot)
    await until_screen(pilot, DashboardScreen)
    dashboard = current(app, DashboardScreen)
    await until(pilot, lambda: dashboard.scan is not None and not dashboard.table.loading)
    dashboard.table.move_cursor(row=[c.id for c in dashboard.checks].index(CheckId(check_id)))
    await pilot.pause()
    assert scan_of(dashboard).result(CheckId(check_id)).status.value == "fail"
    await pilot.press("f")


async def fix_and_confirm(app: IamTuiApp, pilot: Pilot[int], check_id: str) -> None:
    """f on the check, then y to the question a single-call fix asks."""
    await press_fix(app, pilot, check_id)
    await until_shown(pilot, ConfirmScreen)
    await pilot.press("y")


def stopped(app: IamTuiApp) -> bool:
    return "Stopped" in text(app, "#progress-status")


async def test_unused_keys_deactivation_fails_half_way_rolls_back_then_the_delete_fails_and_is_retried(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CIS 1.10: two never-used keys of a console user. The second deactivation fails; b reactivates the first;
    r deactivates both. Then the offered delete fails at the second key: the first is gone for good (said so, no
    roll back offered), r deletes the second."""
    admin.create_user(UserName="lee")
    admin.create_login_profile(UserName="lee", Password="Correct-Horse-9-battery")
    first, second = (admin.create_access_key(UserName="lee")["AccessKey"]["AccessKeyId"] for _ in range(2))
    before = key_status(admin, "lee")
    deactivations = fail_call(service, "UpdateAccessKey", 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_fix(app, pilot, "setup-keys-unused")
        await until_screen(pilot, PlanReviewScreen)
        await pilot.press("enter")
        await run_to_done(app, pilot)
        error = text(app, "#progress-error")
        assert f"Deactivate lee's access key {second}" in error
        assert "AccessDenied" in error and "Grant iam:UpdateAccessKey" in error
        assert "b roll back" in text(app, "#progress-status")
        assert key_status(admin, "lee") == {first: "Inactive", second: "Active"}
        await pilot.press("b")
        await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        assert key_status(admin, "lee") == before
        await pilot.press("r")
        await until(pilot, lambda: text(app, "#progress-status").startswith("✓ Done"))
        assert len(deactivations) == 5  # deactivate, fail, reactivate, deactivate both
        assert key_status(admin, "lee") == {first: "Inactive", second: "Inactive"}

        deletions = fail_call(service, "DeleteAccessKey", 2)
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)  # deleting is offered as its own plan
        await pilot.press("y")
        await until_screen(pilot, PlanReviewScreen)
        await pilot.press(*"delete 2 keys", "enter")
        await run_to_done(app, pilot)
        assert stopped(app) and "b roll back" not in text(app, "#progress-status")  # a deleted key cannot return
        assert f"Delete lee's access key {second}" in text(app, "#progress-error")
        assert "Grant iam:DeleteAccessKey" in text(app, "#progress-error")
        assert f"Kept (cannot be undone): Delete lee's access key {first}" in text(app, "#progress-outcome")
        assert key_status(admin, "lee") == {second: "Inactive"}
        await pilot.press("r")
        await until(pilot, lambda: text(app, "#progress-status").startswith("✓ Done"))
        assert len(deletions) == 3  # the first, the failed second, the second again
    assert key_status(admin, "lee") == {}
    assert made_lines(app.session.made) == [f"  • access key: {first} (of lee, deleted in this session)",
                                            f"  • access key: {second} (of lee, deleted in this session)"]
    assert admin.get_login_profile(UserName="lee")  # set just now: not unused, kept


def age(sandbox: Sandbox, user: str, days: int) -> None:
    """Make ``user``, its console password and its keys ``days`` older (no API can: moto's own records)."""
    record = iam_backends[sandbox.account_id]["global"].users[user]
    record.create_date -= timedelta(days=days)  # also when the password was set, in the credential report
    for key in record.access_keys:
        key.create_date -= timedelta(days=days)


async def test_unused_password_removal_fails_the_key_is_reactivated_by_the_roll_back_then_both_go(
        make_app: MakeApp, admin: IamClient, service: IamService, sandbox: Sandbox) -> None:
    """CIS 1.11: a key and a console password unused for 60 days. Removing the password (the second step) fails;
    b reactivates the key, the password was never touched; r does both."""
    admin.create_user(UserName="bob")
    admin.create_login_profile(UserName="bob", Password="Correct-Horse-9-battery")
    key = admin.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    age(sandbox, "bob", 60)
    inject_error(service, "iam", "DeleteLoginProfile", *DENIED, times=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_fix(app, pilot, "unused-credentials")
        await until_screen(pilot, PlanReviewScreen)
        assert "console password: remove" in text(app, "#review-text")
        await pilot.press(*"bob", "enter")  # removing a password cannot be undone: the user's name is typed
        await run_to_done(app, pilot)
        assert "Remove bob's console password" in text(app, "#progress-error")
        assert "Grant iam:DeleteLoginProfile" in text(app, "#progress-error")
        assert key_status(admin, "bob") == {key: "Inactive"}
        await pilot.press("b")
        await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        assert key_status(admin, "bob") == {key: "Active"}
        assert has_password(admin, "bob")
        await pilot.press("r")
        await until(pilot, lambda: text(app, "#progress-status").startswith("✓ Done"))
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("n")  # delete the key later
        await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    assert key_status(admin, "bob") == {key: "Inactive"}
    assert not has_password(admin, "bob")
    assert made_lines(app.session.made) == ["  • console password: bob (deleted in this session)"]  # the summary


async def test_the_extra_key_deactivation_fails_nothing_changes_and_trying_again_works(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CIS 1.12: a one-step plan. Its failure changes nothing (no roll back to offer); r deactivates the key."""
    admin.create_user(UserName="kim")
    first, second = (admin.create_access_key(UserName="kim")["AccessKey"]["AccessKeyId"] for _ in range(2))
    inject_error(service, "iam", "UpdateAccessKey", *DENIED, times=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_fix(app, pilot, "one-active-key")
        await until_shown(pilot, ChoiceDialog)
        await pilot.press("down", "enter")  # the second key
        await until_screen(pilot, PlanReviewScreen)
        await pilot.press(*second, "enter")
        await run_to_done(app, pilot)
        assert text(app, "#progress-status").startswith("Stopped at the first step: nothing was changed in AWS.")
        assert "Grant iam:UpdateAccessKey" in text(app, "#progress-error")
        assert key_status(admin, "kim") == {first: "Active", second: "Active"}
        await pilot.press("r")
        await until(pilot, lambda: text(app, "#progress-status").startswith("✓ Done"))
    assert key_status(admin, "kim") == {first: "Active", second: "Inactive"}


async def test_a_root_key_delete_fails_the_key_stays_and_trying_again_deletes_it(
        make_app: MakeApp, service: IamService, sandbox: Sandbox) -> None:
    """CIS 1.3: two root keys (typed "delete 2 keys", then a second question for the key iam-tui runs on, deleted
    last). Deleting the running key fails: it stays, the other is gone for good (said so); r deletes it."""
    running = await service.keys.running_access_key_id()
    assert running is not None
    other = (await service.keys.create(None)).access_key_id
    deletions = fail_call(service, "DeleteAccessKey", 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_fix(app, pilot, "root-access-keys")
        await until_screen(pilot, PlanReviewScreen)
        await pilot.press(*"delete 2 keys", "enter")
        await until_shown(pilot, ConfirmScreen)
        assert running in str(app.screen.query_one("#question").render())
        await pilot.press("y")
        await run_to_done(app, pilot)
        assert stopped(app) and "b roll back" not in text(app, "#progress-status")
        assert f"Delete root's access key {running}" in text(app, "#progress-error")
        assert "Grant iam:DeleteAccessKey" in text(app, "#progress-error")
        assert f"Kept (cannot be undone): Delete root's access key {other}" in text(app, "#progress-outcome")
        assert set(sandbox.state.root_keys) == {running}  # root's keys live in the sandbox, not in moto
        await pilot.press("r")
        await until(pilot, lambda: text(app, "#progress-status").startswith("✓ Done"))
        assert len(deletions) == 3
    assert sandbox.state.root_keys == {}


async def notice_after_failure(app: IamTuiApp, pilot: Pilot[int], permission: str) -> str:
    """The notice a failed single-call fix shows: its text (checked to name the permission and what to do), then
    closed with enter."""
    await until_shown(pilot, NoticeDialog)
    said = text(app, "#notice-text")
    assert said.startswith("AccessDenied: Your identity is not allowed to call " + permission), said
    assert f"Grant {permission} to this identity" in said
    await pilot.press("enter")
    await until_screen(pilot, DashboardScreen)
    return said


async def fix_with_reason(app: IamTuiApp, pilot: Pilot[int]) -> None:
    """f on no-full-admin-policy, then a reason typed for accepting it."""
    await press_fix(app, pilot, "no-full-admin-policy")
    await until_shown(pilot, NameDialog)
    await pilot.press(*"the admin group", "enter")


def inline_policies(admin: IamClient, group: str) -> list[str]:
    answer: list[str] = admin.list_group_policies(GroupName=group)["PolicyNames"]
    return answer


async def test_accepting_and_clearing_the_guides_admin_group_fail_then_work(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CIS 1.15: writing the acceptance marker fails (nothing written), then works; clearing it fails (the marker
    stays), then works."""
    admin.create_group(GroupName="PowerUsers")
    admin.attach_group_policy(GroupName="PowerUsers", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    inject_error(service, "iam", "PutGroupPolicy", *DENIED, times=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await fix_with_reason(app, pilot)
        await notice_after_failure(app, pilot, "iam:PutGroupPolicy")
        assert inline_policies(admin, "PowerUsers") == []
        await fix_with_reason(app, pilot)
        await until(pilot, lambda: inline_policies(admin, "PowerUsers"))
        await settle(pilot)
        assert latest_scan(app).result(CheckId.NO_FULL_ADMIN_POLICY).accepted
        marker = inline_policies(admin, "PowerUsers")

        inject_error(service, "iam", "DeleteGroupPolicy", *DENIED, times=1)
        await fix_and_confirm(app, pilot, "no-full-admin-policy")
        await notice_after_failure(app, pilot, "iam:DeleteGroupPolicy")
        assert inline_policies(admin, "PowerUsers") == marker
        await fix_and_confirm(app, pilot, "no-full-admin-policy")
        await until(pilot, lambda: not inline_policies(admin, "PowerUsers"))
        await settle(pilot)
        assert not latest_scan(app).result(CheckId.NO_FULL_ADMIN_POLICY).accepted


def refuse_analyzer(service: IamService, number: int) -> None:
    """The ``number``-th CreateAnalyzer from now on is refused (AccessDeniedException). Registered on the session,
    before the app makes a client for any region."""
    seen: list[int] = []

    def refused(**_: Any) -> Any:
        seen.append(1)
        return responses.error("AccessDeniedException", "not authorized", 403) if len(seen) == number else None

    service.ctx.session.get_component("event_emitter").register_first(
        "before-call.accessanalyzer.CreateAnalyzer", refused)


async def run_analyzers_fix(app: IamTuiApp, pilot: Pilot[int]) -> None:
    """f on CIS 1.19, enter on the review, and wait until the run stops or is done."""
    await press_fix(app, pilot, "access-analyzer")
    await until_screen(pilot, PlanReviewScreen)
    await pilot.press("enter")
    await run_to_done(app, pilot)


async def test_the_access_analyzers_fail_half_way_are_rolled_back_then_made(
        make_app: MakeApp, service: IamService, sandbox: Sandbox) -> None:
    """CIS 1.19: the third region's CreateAnalyzer is refused: the progress names the call, b deletes the two
    analyzers made, r makes one in every region."""
    from iam_tui.aws.sandbox.state import REGIONS_ON

    sandbox.state.regions = REGIONS_ON  # every region AWS enables (these tests' sandbox has fewer: conftest.py)
    refuse_analyzer(service, 3)

    def made() -> int:
        return sum("iam-tui-external-access" in analyzers for analyzers in sandbox.state.analyzers.values())

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_analyzers_fix(app, pilot)
        assert stopped(app) and "access-analyzer:CreateAnalyzer" in text(app, "#progress-error")
        assert made() == 2
        await pilot.press("b")
        await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        assert made() == 0
        await pilot.press("r")
        await until(pilot, lambda: "Done" in text(app, "#progress-status"))
    assert made() == len(REGIONS_ON)


@pytest.mark.parametrize("roll_back", [False, True])
async def test_what_a_plan_left_half_done_made_is_in_the_summary(make_app: MakeApp, service: IamService,
                                                                 sandbox: Sandbox, roll_back: bool) -> None:
    """The second region's analyzer is refused (the regions go in order); leaving then (y to "Leave anyway?") keeps
    the first in AWS, and the summary says so. Rolled back first, nothing of it is listed."""
    sandbox.state.regions = ("us-east-1", "us-west-2", "eu-west-1")
    refuse_analyzer(service, 2)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_analyzers_fix(app, pilot)
        assert stopped(app)
        if roll_back:
            await pilot.press("b")
            await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        else:
            progress = app.screen
            app.switch_to_dashboard()  # the palette's "Guide step 1" does not go past a half-done plan
            await pilot.pause()
            assert app.screen is progress
        await pilot.press("escape")
        if not roll_back:
            await until_shown(pilot, ConfirmScreen)  # Leave anyway?
            await pilot.press("y")
        await until_screen(pilot, DashboardScreen)
    listed = made_lines(app.session.made)
    if roll_back:
        assert listed == []
    else:
        assert listed == ["  • Access Analyzer: iam-tui-external-access (in 1 region(s): eu-west-1)"]


async def test_the_cis_password_policy_is_refused_the_old_one_stays_then_it_is_applied(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CIS 1.7/1.8 from the fix: UpdateAccountPasswordPolicy refused: the old policy is still in AWS, the screen
    says why and keeps the preset; applying again works."""
    from textual.widgets import Input

    from iam_tui.screens.password_policy import PasswordPolicyScreen

    admin.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)
    before = admin.get_account_password_policy()["PasswordPolicy"]
    inject_error(service, "iam", "UpdateAccountPasswordPolicy", *DENIED, times=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_fix(app, pilot, "password-policy-length")
        await until_screen(pilot, PasswordPolicyScreen)
        screen = current(app, PasswordPolicyScreen)
        await until(pilot, lambda: screen.query_one("#minimum_length", Input).value == "14")
        await pilot.press("ctrl+s")  # the length field has the focus: a would be typed into it
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: "Not changed" in text(app, "#policy-status"))
        status = text(app, "#policy-status")
        assert "AccessDenied" in status and "Grant iam:UpdateAccountPasswordPolicy" in status
        assert admin.get_account_password_policy()["PasswordPolicy"] == before
        assert screen.query_one("#minimum_length", Input).value == "14"  # the preset is kept for the retry
        await pilot.press("ctrl+s")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: "Password policy updated" in text(app, "#policy-status"))
    after = admin.get_account_password_policy()["PasswordPolicy"]
    assert (after["MinimumPasswordLength"], after["PasswordReusePrevention"]) == (14, 24)


async def test_the_security_contact_is_refused_then_saved_without_typing_it_again(
        make_app: MakeApp, service: IamService, sandbox: Sandbox) -> None:
    """CIS 1.2 from the dashboard (s): PutAlternateContact refused: the message names the permission, AWS has no
    contact; s again shows the form as it was typed, and saving works."""
    from textual.notifications import Notification
    from textual.widgets import Input

    from .pilot import notifications_into

    account = sandbox.plain_client("account")

    def saved() -> dict[str, str] | None:
        try:
            answer: dict[str, str] = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
            return answer
        except account.exceptions.ResourceNotFoundException:
            return None

    inject_error(service, "account", "PutAlternateContact", *DENIED, times=1)
    shown: list[Notification] = []
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=notifications_into(shown)) as pilot:
        await settle(pilot)
        form = await open_security_contact(app, pilot)  # typing into it key by key: test_dashboard.py
        for field, typed in zip(("name", "title", "email", "phone"), ("Sec", "CISO", "security@example.com",
                                                                       "+1 206 555 0100"), strict=True):
            form.query_one(f"#contact-{field}", Input).value = typed
        await pilot.press("ctrl+s")
        await until(pilot, lambda: shown)
        (note,) = shown
        assert note.severity == "error" and note.message.startswith("The security contact was not saved. AccessDenied")
        assert "Grant account:PutAlternateContact" in note.message
        assert note.message.endswith("s opens the form again as you typed it.")
        await until_screen(pilot, DashboardScreen)
        assert saved() is None
        await open_security_contact(app, pilot)
        assert app.screen.query_one("#contact-email", Input).value == "security@example.com"  # not typed again
        await pilot.press("ctrl+s")
        await until_screen(pilot, DashboardScreen)
        await until(pilot, lambda: len(shown) == 2)
    assert shown[1].message == "Security contact set: Sec <security@example.com>."
    assert (saved() or {}).get("EmailAddress") == "security@example.com"


async def test_mfa_for_the_named_user_fails_to_enable_leaving_deletes_the_device_then_it_works(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CIS 1.9 from the fix: EnableMFADevice refused: the device is kept for another try, and leaving deletes it
    (no orphan virtual device); f again assigns one. test_mfa.py covers wrong codes and a retry on the same device."""
    from iam_tui.screens.mfa import MfaScreen

    from .test_mfa import create_device, two_codes, type_codes

    async def mfa_with_codes(app: IamTuiApp, pilot: Pilot[int]) -> None:
        """f on the check, a device made for mia, its two codes typed (and sent)."""
        await press_fix(app, pilot, "console-users-mfa")
        await until_screen(pilot, MfaScreen)
        screen = current(app, MfaScreen)
        await until(pilot, lambda: screen.user_name == "mia")
        await settle(pilot)
        await type_codes(app, pilot, screen, *two_codes(await create_device(app, pilot, screen)))

    def devices() -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = admin.list_virtual_mfa_devices()["VirtualMFADevices"]
        return answer

    admin.create_user(UserName="mia")
    admin.create_login_profile(UserName="mia", Password="Correct-Horse-9-battery")
    inject_error(service, "iam", "EnableMFADevice", *DENIED, times=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await mfa_with_codes(app, pilot)
        said = text(app, "#code-message")
        assert "AccessDenied" in said and "Grant iam:EnableMFADevice" in said and "The device is kept" in said
        assert [("User" in d) for d in devices()] == [False]  # made, not assigned
        await pilot.press("escape")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await until_screen(pilot, DashboardScreen)
        await until(pilot, lambda: not devices())
        assert admin.list_mfa_devices(UserName="mia")["MFADevices"] == []

        await mfa_with_codes(app, pilot)
        assert "is assigned to mia" in text(app, "#done-message")
    assert [d["User"]["UserName"] for d in devices()] == ["mia"]


async def test_the_root_mfa_checklist_says_when_the_summary_cannot_be_read_and_t_reads_it_again(
        make_app: MakeApp, service: IamService) -> None:
    """CIS 1.4/1.5 (no API: the console's clicks): the one call, GetAccountSummary, refused when ticking off: the
    status names the permission; t again reads it (root MFA not there yet, so it says so)."""
    from iam_tui.screens.fixes import ConsoleChecklistScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press_fix(app, pilot, "root-mfa")
        await until_screen(pilot, ConsoleChecklistScreen)
        inject_error(service, "iam", "GetAccountSummary", *DENIED, times=1)  # after the scan's own read
        await pilot.press("t")
        await until(pilot, lambda: "Could not read the account summary" in text(app, "#checklist-status"))
        assert "Grant iam:GetAccountSummary" in text(app, "#checklist-status")
        await pilot.press("t")
        await until(pilot, lambda: "does not show root MFA yet" in text(app, "#checklist-status"))
        assert isinstance(app.screen, ConsoleChecklistScreen)
