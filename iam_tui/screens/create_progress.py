"""Run the create plan with live progress per step. On a failure: which step, the AWS error code and the fix, and
two ways on: roll back (undo the done steps in reverse, each shown) or retry from the failed step (after a roll
back, from the first step). Waits for IAM's propagation and answers read back from AWS show under their step."""

from __future__ import annotations

from collections.abc import Iterable

from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ..aws.plan_runner import PlanRun
from ..core.create_plan import NewUserRequest, PlanState, build_plan
from ..core.finish import made_by_steps
from ..guide import StepKey
from .base import AppScreen
from .confirm import ConfirmScreen
from .messages import AwsChanged, GuideUserChosen, Recorded, StepDone
from .plan_progress import step_text

STOPPED_AT = frozenset({PlanState.RUNNING, PlanState.FAILED, PlanState.UNDOING, PlanState.UNDO_FAILED})


class CreateProgressScreen(AppScreen[bool]):
    """Dismisses with True once the user exists completely (and the password was handed over), else False."""

    AUTO_FOCUS = "#plan-steps"
    HELP = ("iam-tui runs the create plan one AWS call at a time. If a call fails it stops and shows why.\n"
            "r retries from the failed step (after you fixed the cause), or after a roll back runs every step again; "
            "b rolls back: the steps already done are undone in reverse, so nothing is left half-made. esc leaves (it "
            "asks first if something would be left behind).")
    BINDINGS = [
        Binding("r", "retry", "Retry from failed step"),
        Binding("b", "rollback", "Roll back"),
        Binding("escape", "leave", "Leave"),
    ]
    WAIT_WHILE_BUSY = frozenset({"retry", "rollback", "leave"})
    DEFAULT_CSS = """
    CreateProgressScreen #plan-steps { height: 1fr; padding: 0 2; }
    CreateProgressScreen .plan-step { margin-top: 1; }
    CreateProgressScreen #plan-error { padding: 0 2; color: $error; height: auto; }
    CreateProgressScreen #plan-status { padding: 0 2; height: auto; text-style: bold; }
    """

    def __init__(self, request: NewUserRequest) -> None:
        super().__init__()
        self.request = request
        self.run_state = PlanRun(build_plan(request))

    def compose_body(self) -> Iterable[Widget]:
        yield Static(f"Creating {self.request.user_name}", id="plan-status")
        with VerticalScroll(id="plan-steps"):
            for number in range(1, len(self.run_state.progress) + 1):
                yield Static("", id=f"plan-step-{number}", classes="plan-step")
        yield Static("", id="plan-error")

    def on_mount(self) -> None:
        self._show_steps()
        self.execute()

    def _show_steps(self) -> None:
        self._declare_unfinished()
        for number, progress in enumerate(self.run_state.progress, start=1):
            self.query_one(f"#plan-step-{number}", Static).update(Content(step_text(number, progress)))
        # On a short terminal the step being run, undone or that failed is scrolled into view.
        current = next((n for n, p in enumerate(self.run_state.progress, start=1) if p.state in STOPPED_AT), None)
        if current is not None:
            step = self.query_one(f"#plan-step-{current}")
            self.call_after_refresh(step.scroll_visible, animate=False)  # once the new text is laid out
        failed = next((p for p in self.run_state.progress if p.error is not None), None)
        error = self.query_one("#plan-error", Static)
        if failed is not None and failed.error is not None:
            if failed.state is PlanState.UNDO_FAILED:
                error.update(Content(f"Undo of “{failed.step.title}” failed. {failed.error.text}\n"
                                     "b tries the roll back again · esc leave"))
            else:
                ways = ("r runs every step again · esc leave" if self.run_state.rolled_back else
                        "r retry from this step · b roll back what was done · esc leave")
                error.update(Content(f"Step “{failed.step.title}” failed. {failed.error.text}\n{ways}"))
        else:
            error.update("")

    def _declare_unfinished(self) -> None:
        """While some steps are done and others are not, quitting the app asks first."""
        incomplete = not self.run_state.complete and bool(self.run_state.leftovers)
        text = (f"user {self.request.user_name} is half-created ({self.run_state.done_count} of "
                f"{len(self.run_state.progress)} steps done)") if incomplete else None
        self.session.set_unfinished(f"create:{self.request.user_name}", text)

    def _status(self, text: str) -> None:
        self.query_one("#plan-status", Static).update(text)

    # --- running -------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="plan")
    async def execute(self) -> None:
        self._status(f"Creating {self.request.user_name}: step by step…")
        async with self.session.mutating(f"creating {self.request.user_name}"):
            complete = await self.iam.service.plans.run(self.run_state, self._show_steps)
        if not complete:
            done = self.run_state.done_count
            if done:
                self._status(f"Stopped: {done} step(s) done, the next one failed. Nothing more is changed until you "
                             "choose.")
            elif self.run_state.leftovers:  # AWS's answer was lost and reading back could not tell
                self._status("Stopped at the first step. AWS may have made it (its answer was lost and reading back "
                             "failed): b removes it if it is there.")
            else:
                self._status("Stopped at the first step: nothing was changed in AWS.")
            return
        self._status(f"✓ {self.request.user_name} created.")
        self._created()

    def _created(self) -> None:
        self.iam.service.scan.touch(self.request.user_name)
        self.tell(GuideUserChosen(self.request.user_name))
        for item in made_by_steps(p.step for p in self.run_state.progress):
            self.tell(Recorded(item))
        self.tell(StepDone(StepKey.CREATE_USER))
        self.tell(AwsChanged())
        if self.request.console_access and self.request.password is not None:
            from .password_handover import PasswordHandoverScreen

            self.iam.push_screen(PasswordHandoverScreen(self.request.user_name, self.request.password,
                                                   self.request.password_reset_required),
                            lambda _: self.dismiss(True))
        else:
            self.notify(f"{self.request.user_name} created (no console password).")
            self.dismiss(True)

    def action_retry(self) -> None:
        if self.session.busy or not self.run_state.can_retry:
            return
        self.execute()

    def action_rollback(self) -> None:
        if self.session.busy or self.run_state.complete:
            return
        if not self.run_state.leftovers:
            self._status("Nothing to roll back: nothing of this attempt is left in AWS. esc returns to the form.")
            return
        self.rollback()

    @work(exclusive=True, group="plan")
    async def rollback(self) -> None:
        self._status("Rolling back: undoing the done steps, last first…")
        async with self.session.mutating(f"rolling back {self.request.user_name}"):
            ok = await self.iam.service.plans.rollback(self.run_state, self._show_steps)
        if ok:
            self._status("Rolled back, and read back from AWS: nothing of this attempt is left. r runs the plan "
                         "again from the first step · esc returns to the form.")
        else:
            left = ", ".join(p.step.title for p in self.run_state.leftovers)
            self._status(f"Roll back incomplete. Still (or maybe still) in AWS: {left}. Fix the cause, then b "
                         "again.")
        self.tell(AwsChanged())

    def action_leave(self) -> None:
        leftovers = self.run_state.leftovers
        if not leftovers:
            self.dismiss(False)
            return
        left = "; ".join(p.step.title for p in leftovers)
        self.iam.push_screen(
            ConfirmScreen(f"These changes are still in AWS: {left}. The user is incomplete. Leave anyway? "
                          "(You can finish or clean up by hand; b rolls back.)", yes="Leave", no="Stay"),
            self._leave_anyway,
        )

    def _leave_anyway(self, leave: bool | None) -> None:
        if leave:
            self.dismiss(False)
