"""Removing an IAM user the way the console does: the plan is read for this one user (everything it holds
that AWS wants gone first), reviewed (each dependent's step, which steps cannot be undone, copy as ``aws iam``
commands, the user name typed to confirm), then run with progress, retry and roll back. iam-tui refuses to remove
the user it runs as: once that user's keys are gone it could make no further call, nor roll back."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ..aws.errors import AwsError
from ..aws.plan_runner import PlanRun
from ..core.plan_review import PlanReview
from ..core.user_removal import confirmation_problem
from .base import AppScreen, failure_text
from .plan_progress import review_then_run


def refusal_text(user_name: str) -> str:
    return (f"iam-tui is running as {user_name}, so it will not remove {user_name}: once its access keys are deleted "
            "iam-tui could make no further call, and a failure half-way could not be rolled back. Remove this user "
            "as another IAM user or role (or as root).")


Say = Callable[[str], None]


def open_user_removal(screen: AppScreen[Any], user_name: str, say: Say | None = None) -> None:
    """The entry point: from ``screen`` (the users screen, a palette command), read the plan, review it, run it.
    The flow runs in a worker of ``screen``; the screens it opens go on top of it. ``say`` shows why nothing ran
    (the plan could not be read, or the user is the one iam-tui runs as); by default a notification."""
    screen.start_flow(remove_user(screen, user_name, say), group="remove-user")


async def remove_user(screen: AppScreen[Any], user_name: str, say: Say | None = None) -> bool | None:
    """True when the user is gone, False when the run stopped (see the progress screen), None when nothing ran."""
    tell_person = say or partial(screen.notify, severity="error", timeout=20)
    iam = screen.iam
    service = await iam.wait_for_service()
    caller = iam.identity.caller if iam.identity is not None else None
    try:
        plan = await service.removal.plan(user_name, caller)
    except AwsError as err:
        tell_person(failure_text(err, f"Cannot prepare the removal of {user_name}.").plain)
        return None
    if plan.removes_caller:
        tell_person(refusal_text(user_name))
        return None
    review = PlanReview(f"Remove IAM user {user_name}", tuple(plan.steps), notes=tuple(plan.notes),
                        confirm_name=user_name, run_label="Remove the user")
    # The run tells the app what it changed (``PlanRunScreen.act``): its DeleteUser step, once done, names the user
    # as removed, so the summary and the guide's marks drop it.
    return await review_then_run(screen, review, PlanRun(plan.steps), service.plans.run, service.plans.rollback,
                                 confirm_rule=partial(confirmation_problem, user_name=user_name),
                                 unfinished=f"IAM user {user_name} is half-removed")
