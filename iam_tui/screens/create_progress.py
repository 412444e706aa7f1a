"""Run the create plan with live progress per step. On a failure: which step, the AWS error code and the fix, and
two ways on: roll back (undo the done steps in reverse, each shown) or retry from the failed step (after a roll
back, from the first step). Waits for IAM's propagation and answers read back from AWS show under their step. The
run, roll back, retry and leave are ``plan_progress.PlanRunScreen``'s; this screen lays out the steps, says each outcome
in its words, and once the user is complete records it and hands the password over."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget

from ..aws.plan_runner import PlanRun, StepProgress
from ..core.create_plan import NewUserRequest, PlanState, build_plan
from ..guide import StepKey
from ..widgets.data_text import Static
from .messages import GuideUserChosen, StepDone
from .plan_progress import (
    HELP_RUN,
    LOST_ANSWER,
    NOTHING_CHANGED,
    ROLLED_BACK,
    STOPPED,
    PlanRunScreen,
    RunTexts,
    step_text,
)

STOPPED_AT = frozenset({PlanState.RUNNING, PlanState.FAILED, PlanState.UNDOING, PlanState.UNDO_FAILED})


class CreateProgressScreen(PlanRunScreen):
    """Dismisses with True once the user exists completely (and the password was handed over), else False."""

    ID_PREFIX = "plan"
    TEXTS = RunTexts(
        stopped=STOPPED,
        lost_answer=f"{LOST_ANSWER}: b removes it if it is there.",
        nothing_changed=NOTHING_CHANGED,
        rolled_back=f"{ROLLED_BACK}esc returns to the form.",
        rollback_incomplete="Roll back incomplete. Still (or maybe still) in AWS: {left}. Fix the cause, then b again.",
        leave_question="These changes are still in AWS: {left}. The user is incomplete. Leave anyway? (You can finish "
                       "or clean up by hand; b rolls back.)",
        nothing_to_roll_back="Nothing to roll back: nothing of this attempt is left in AWS. esc returns to the form.",
    )
    AUTO_FOCUS = "#plan-steps"
    HELP = (f"iam-tui runs the create plan {HELP_RUN}, so nothing is left half-made. esc leaves (it asks first if "
            "something would be left behind).")
    BINDINGS = [Binding("r", "retry", "Retry from failed step"), Binding("escape", "leave", "Leave")]
    DEFAULT_CSS = """
    CreateProgressScreen #plan-steps { height: 1fr; padding: 0 2; }
    CreateProgressScreen .plan-step { margin-top: 1; }
    CreateProgressScreen #plan-error { padding: 0 2; color: $error; height: auto; }
    CreateProgressScreen #plan-status { padding: 0 2; height: auto; text-style: bold; }
    """

    def __init__(self, request: NewUserRequest) -> None:
        name = request.user_name
        # the app's service when the plan runs (a new profile may have replaced it meanwhile)
        super().__init__(f"Creating {name}", PlanRun(build_plan(request)),
                         lambda run, on_change: self.iam.service.plans.run(run, on_change),
                         lambda run, on_change: self.iam.service.plans.rollback(run, on_change),
                         doing=f"creating {name}", undoing=f"rolling back {name}", unfinished_key=f"create:{name}")
        self.request = request

    def compose_steps(self) -> Iterable[Widget]:
        for number in range(1, len(self.run_state.progress) + 1):
            yield Static("", id=f"plan-step-{number}", classes="plan-step", markup=False)

    def _show_steps(self) -> None:
        for number, progress in enumerate(self.run_state.progress, start=1):
            self.query_one(f"#plan-step-{number}", Static).update(step_text(number, progress))
        # On a short terminal the step being run, undone or that failed is scrolled into view.
        current = next((n for n, p in enumerate(self.run_state.progress, start=1) if p.state in STOPPED_AT), None)
        if current is not None:
            step = self.query_one(f"#plan-step-{current}")
            self.call_after_refresh(step.scroll_visible, animate=False)  # once the new text is laid out

    def _error_hint(self, failed: StepProgress) -> str:
        if failed.state is PlanState.UNDO_FAILED:
            return "\nb tries the roll back again · esc leave"
        if self.run_state.rolled_back:
            return "\nr runs every step again · esc leave"
        return "\nr retry from this step · b roll back what was done · esc leave"

    def _unfinished_text(self) -> str:
        """While some steps are done and others are not, quitting the app asks first."""
        run, user = self.run_state, self.request.user_name
        if any(p.step.operation == "CreateUser" for p in run.leftovers):
            return f"user {user} is half-created ({run.done_count} of {len(run.progress)} steps done)"
        left = "; ".join(p.step.title for p in run.leftovers)  # the user was never made (e.g. its name was taken)
        return f"creating {user} stopped before the user was made; still in AWS: {left}"

    def _completed(self) -> None:
        self._status(f"✓ {self.request.user_name} created.")
        self.tell(GuideUserChosen(self.request.user_name))
        self.tell(StepDone(StepKey.CREATE_USER))
        if self.request.console_access and self.request.password is not None:
            from .password_handover import PasswordHandoverScreen

            self.iam.push_screen(PasswordHandoverScreen(self.request.user_name, self.request.password,
                                                        self.request.password_reset_required),
                                 lambda _: self.dismiss(True))
        else:
            self.notify(f"{self.request.user_name} created (no console password).")
            self.dismiss(True)
