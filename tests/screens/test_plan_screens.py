"""The generic plan review and progress screens, driven with a fix plan against the sandbox; the IAM state is checked
through a plain client."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import responses
from iam_tui.aws.service import IamService
from iam_tui.core.fix_plan import FixPlan
from iam_tui.core.plan_review import review_of_fix
from iam_tui.screens.base import AppScreen
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.plan_progress import PlanProgressScreen, review_then_run
from iam_tui.screens.plan_review import PlanReviewScreen

from ..helpers import IamClient, MakeApp, inject_error, lose_answers
from .pilot import current, settle
from .waiting import until, until_screen


def text(app: IamTuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def start_support_role(app: IamTuiApp, pilot: Pilot[int], outcome: list[object]) -> FixPlan:
    await settle(pilot)
    fixes = app.service.fixes
    plan = await fixes.support_role()

    async def flow() -> None:
        outcome.append(await review_then_run(current(app, AppScreen), review_of_fix(plan), fixes.start(plan),
                                             partial(fixes.run, plan), partial(fixes.rollback, plan)))

    app.run_worker(flow())
    await until_screen(pilot, PlanReviewScreen)
    await pilot.pause()
    return plan


async def test_review_shows_the_calls_undo_and_trust_policy_and_copies_the_cli(
        make_app: MakeApp, admin: IamClient) -> None:
    app = make_app()
    outcome: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await start_support_role(app, pilot, outcome)
        review = text(app, "#review-text")
        assert "iam:CreateRole(RoleName=AWSSupportRole" in review
        assert "undo: iam:DeleteRole(RoleName=AWSSupportRole)" in review
        assert "Trust policy of AWSSupportRole" in review and '"sts:AssumeRole"' in review
        await pilot.press("c")
        await pilot.pause()
        lines = app.clipboard.splitlines()
        assert lines[0] == "# Create the support role AWSSupportRole"
        assert lines[1].startswith("aws iam create-role --role-name AWSSupportRole --assume-role-policy-document ")
        assert '"Action": "sts:AssumeRole"' in app.clipboard  # the document, quoted for the shell
        assert lines[-1] == ("aws iam attach-role-policy --role-name AWSSupportRole "
                            "--policy-arn arn:aws:iam::aws:policy/AWSSupportAccess")
        await pilot.press("escape")
        await until(pilot, lambda: outcome == [None])
    assert admin.list_roles()["Roles"] == []


async def test_a_failed_step_is_rolled_back_then_retried_through_the_ui(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    inject_error(service, "iam", "AttachRolePolicy", "AccessDenied", "not authorized", 403, times=1)
    app = make_app()
    outcome: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await start_support_role(app, pilot, outcome)
        await pilot.press("enter")
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: "Stopped" in text(app, "#progress-status"))
        assert "iam:AttachRolePolicy" in text(app, "#progress-error") and "AccessDenied" in text(app, "#progress-error")
        assert [r["RoleName"] for r in admin.list_roles()["Roles"]] == ["AWSSupportRole"]
        await pilot.press("b")
        await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        assert "nothing of this attempt is left" in text(app, "#progress-status")
        assert admin.list_roles()["Roles"] == []
        await pilot.press("r")
        await until(pilot, lambda: "Done" in text(app, "#progress-status"))
        assert text(app, "#progress-status").startswith("✓ Done")
        await pilot.press("enter")
        await until(pilot, lambda: outcome == [True])
    policies = admin.list_attached_role_policies(RoleName="AWSSupportRole")["AttachedPolicies"]
    assert [p["PolicyName"] for p in policies] == ["AWSSupportAccess"]


async def test_a_roll_back_keeps_what_cannot_be_undone_and_says_so(make_app: MakeApp, admin: IamClient,
                                                                   service: IamService) -> None:
    admin.create_user(UserName="lee")
    for _ in range(2):
        key = admin.create_access_key(UserName="lee")["AccessKey"]["AccessKeyId"]
        admin.update_access_key(UserName="lee", AccessKeyId=key, Status="Inactive")
    plan = await service.fixes.delete_inactive_keys("lee")
    first, second = (step.params["AccessKeyId"] for step in plan.steps)

    def refuse_the_second(params: Any, **_: Any) -> tuple[Any, dict[str, Any]] | None:
        if params["body"].get("AccessKeyId") == second:
            return responses.error("AccessDenied", "not authorized", 403)
        return None

    service.ctx.client("iam").meta.events.register_first("before-call.iam.DeleteAccessKey", refuse_the_second)
    app = make_app()
    outcome: list[object] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fixes = app.service.fixes

        async def flow() -> None:
            outcome.append(await review_then_run(current(app, AppScreen), review_of_fix(plan, "delete 2 keys"),
                                                 fixes.start(plan), partial(fixes.run, plan),
                                                 partial(fixes.rollback, plan)))

        app.run_worker(flow())
        await until_screen(pilot, PlanReviewScreen)
        await pilot.pause()
        await pilot.press(*"delete 2 keys", "enter")
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: "Stopped" in text(app, "#progress-status"))
        assert "b roll back" not in text(app, "#progress-status")  # nothing done can be undone
        await pilot.press("b")
        await pilot.pause()
        assert "Stopped" in text(app, "#progress-status")
        assert f"Kept (cannot be undone): Delete lee's access key {first}: a deleted" in text(app, "#progress-outcome")
        assert f"Not done: Delete lee's access key {second}." in text(app, "#progress-outcome")
        await pilot.press("escape")  # the deleted key is still gone: leaving asks
        await until_screen(pilot, ConfirmScreen)  # a key typed before the dialog is drawn is dropped
        await pilot.press("y")
        await until(pilot, lambda: outcome == [False])
    assert [k["AccessKeyId"] for k in admin.list_access_keys(UserName="lee")["AccessKeyMetadata"]] == [second]


async def test_a_lost_answer_to_the_first_step_says_aws_may_have_made_it(
        make_app: MakeApp, admin: IamClient, service: IamService) -> None:
    """CreateRole's answer is lost and reading the role back is denied: the role may exist. The status said "0 step(s)
    done, the next one failed" (the create-user screen said it right); b removes the role, read back as gone."""
    lose_answers(service, "CreateRole", then="garbage")
    inject_error(service, "iam", "GetRole", "AccessDenied", "not authorized", 403, times=1)
    app, outcome = make_app(), list[object]()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_support_role(app, pilot, outcome)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PlanProgressScreen)
                    and "Stopped" in text(app, "#progress-status"))
        status = text(app, "#progress-status")
        assert status.startswith("Stopped at the first step. AWS may have made it (its answer was lost and reading "
                                 "back failed).") and "0 step(s)" not in status
        assert "b roll back" in status
        assert "Still (or maybe still) in AWS: Create role AWSSupportRole" in text(app, "#progress-outcome")
        assert [r["RoleName"] for r in admin.list_roles()["Roles"]] == ["AWSSupportRole"]
        await pilot.press("b")
        await until(pilot, lambda: "Rolled back" in text(app, "#progress-status"))
        await pilot.press("escape")  # nothing is left: leaving does not ask
        await until(pilot, lambda: outcome == [False])
    assert admin.list_roles()["Roles"] == []
