"""Run any reviewed plan (a fix, a user's removal) with progress per step. On a failure it stops and says which step
and why; r retries (from the failed step, or after a roll back from the first one), b rolls back the done steps, last
first. What a roll back cannot undo is kept and said so, with why; what is still in AWS is listed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from textual import getters, work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from ..aws.plan_runner import OnChange, PlanRun, StepProgress
from ..core.plan import STATE_MARKS, PlanState
from ..core.plan_review import PlanReview
from .base import AppScreen
from .confirm import ConfirmScreen
from .messages import AwsChanged
from .plan_review import PlanReviewScreen, Rule

RunPlan = Callable[[PlanRun, OnChange], Awaitable[bool]]


def step_text(number: int, progress: StepProgress) -> str:
    """A step's block: its state, its call (or its undo while rolling back), and its note (also the create-user
    progress screen's)."""
    state = progress.state
    suffix = "" if state is PlanState.PENDING else f"  [{state.value}]"
    undoing = state in (PlanState.UNDOING, PlanState.UNDONE)
    lines = [f"{STATE_MARKS[state]} {number}. {progress.step.title}{suffix}",
             f"     {progress.step.undo_text() if undoing else progress.step.call_text()}"]
    if progress.note:
        lines.append(f"     {progress.note}")
    return "\n".join(lines)


def progress_text(run: PlanRun) -> str:
    """One block per step."""
    return "\n".join(step_text(number, progress) for number, progress in enumerate(run.progress, start=1))


def outcome_text(run: PlanRun) -> str:
    """What is kept (done and cannot be undone) and what is left to do or to undo, once a run or roll back stopped;
    nothing once every step is done (then everything is as planned)."""
    if run.complete:
        return ""
    lines = []
    kept = run.kept
    if kept:
        lines.append("Kept (cannot be undone): " + "; ".join(f"{p.step.title}: {p.step.no_undo}" for p in kept))
    undoable = [p for p in run.leftovers if p.step.undoable]
    if undoable:
        lines.append("Still (or maybe still) in AWS: " + "; ".join(p.step.title for p in undoable) + ".")
    todo = [p for p in run.progress if p.state in (PlanState.PENDING, PlanState.FAILED, PlanState.UNDONE)]
    if todo and not run.complete:
        lines.append("Not done: " + "; ".join(p.step.title for p in todo) + ".")
    return "\n".join(lines)


class PlanProgressScreen(AppScreen[bool]):
    """Runs ``run_state`` at once. Dismisses with True once every step is done (after enter or esc on the result),
    else False."""

    AUTO_FOCUS = "#progress-steps"
    HELP = ("iam-tui runs the plan one AWS call at a time. If a call fails it stops and shows why.\n"
            "r retries from the failed step (after you fixed the cause), or after a roll back runs every step again; "
            "b rolls back: the steps already done are undone in reverse; a step that cannot be undone (a deleted key "
            "or password) stays done and is named. esc leaves (it asks first if something would be left half-done).")
    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("b", "rollback", "Roll back"),
        Binding("enter", "leave", "Close", show=False),
        Binding("escape", "leave", "Leave"),
    ]
    WAIT_WHILE_BUSY = frozenset({"retry", "rollback", "leave"})
    DEFAULT_CSS = """
    PlanProgressScreen #progress-status { padding: 0 2; height: auto; text-style: bold; }
    PlanProgressScreen #progress-steps { height: 1fr; padding: 1 2; }
    PlanProgressScreen #progress-error { padding: 0 2; height: auto; color: $error; }
    PlanProgressScreen #progress-outcome { padding: 0 2; height: auto; }
    """

    status_line = getters.query_one("#progress-status", Static)
    lines = getters.query_one("#progress-lines", Static)
    error_line = getters.query_one("#progress-error", Static)
    outcome_line = getters.query_one("#progress-outcome", Static)

    def __init__(self, title: str, run_state: PlanRun, run: RunPlan, rollback: RunPlan, *,
                 unfinished: str | None = None) -> None:
        """``title``: what the plan does ("Move lee's policies to group lee-permissions"); ``run`` and ``rollback``
        drive ``run_state`` (e.g. ``partial(service.fixes.run, plan)``, or ``service.plans.run``); ``unfinished``:
        what quitting the app half-way would leave, named in its question."""
        super().__init__()
        self.plan_title = title
        self.run_state = run_state
        self._run = run
        self._rollback = rollback
        self.unfinished = unfinished or title

    def compose_body(self) -> Iterable[Widget]:
        yield Static(self.plan_title, id="progress-status", markup=False)
        with VerticalScroll(id="progress-steps"):
            yield Static("", id="progress-lines", markup=False)
        yield Static("", id="progress-error", markup=False)
        yield Static("", id="progress-outcome", markup=False)

    def on_mount(self) -> None:
        self._show()
        self.execute()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry" and not self.run_state.can_retry:
            return False
        if action == "rollback" and (self.run_state.complete or not self.run_state.leftovers
                                     or not any(p.step.undoable for p in self.run_state.leftovers)):
            return False
        return super().check_action(action, parameters)

    def _show(self) -> None:
        run = self.run_state
        self.session.set_unfinished(f"plan:{self.plan_title}",
                                    f"{self.unfinished}: {run.done_count} of {len(run.progress)} steps done"
                                    if not run.complete and run.leftovers else None)
        self.lines.update(progress_text(run))
        failed = next((p for p in run.progress if p.error is not None), None)
        if failed is None or failed.error is None:
            self.error_line.update("")
        elif failed.state is PlanState.UNDO_FAILED:
            self.error_line.update(f"Undo of “{failed.step.title}” failed. {failed.error.text}")
        else:
            self.error_line.update(f"Step “{failed.step.title}” failed. {failed.error.text}")
        current = next((i for i, p in enumerate(run.progress)
                        if p.state in (PlanState.RUNNING, PlanState.UNDOING, PlanState.FAILED)), None)
        if current is not None:  # keep the step that runs or failed in view on a short terminal
            self.query_one("#progress-steps", VerticalScroll).scroll_to(y=current * 2, animate=False)
        self.refresh_bindings()

    def _stopped(self, text: str) -> None:
        self.status_line.update(text)
        self.outcome_line.update("" if self.run_state.complete else outcome_text(self.run_state))
        self.refresh_bindings()

    # --- running -------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="plan")
    async def execute(self) -> None:
        self.status_line.update(f"{self.plan_title}: step by step…")
        try:
            async with self.session.mutating(self.plan_title):
                complete = await self._run(self.run_state, self._show)
        finally:
            self.tell(AwsChanged())
        if complete:
            self._stopped(f"✓ Done: {self.plan_title}. enter or esc returns.")
            return
        undoable = any(p.step.undoable for p in self.run_state.leftovers)
        ways = "r retry from the failed step" + (" · b roll back what was done" if undoable else "") + " · esc leave"
        if not self.run_state.leftovers:
            self._stopped("Stopped at the first step: nothing was changed in AWS. r tries again · esc leave.")
        else:
            self._stopped(f"Stopped: {self.run_state.done_count} step(s) done, the next one failed. Nothing more is "
                          f"changed until you choose. {ways}")

    def action_retry(self) -> None:
        if not self.session.busy and self.run_state.can_retry:
            self.execute()

    def action_rollback(self) -> None:
        if not self.session.busy and not self.run_state.complete and self.run_state.leftovers:
            self.rollback()

    @work(exclusive=True, group="plan")
    async def rollback(self) -> None:
        self.status_line.update("Rolling back: undoing the done steps, last first…")
        try:
            async with self.session.mutating(f"rolling back: {self.plan_title}"):
                clean = await self._rollback(self.run_state, self._show)
        finally:
            self.tell(AwsChanged())
        if clean:
            self._stopped("Rolled back, and read back from AWS: nothing of this attempt is left. r runs the plan "
                          "again from the first step · esc leave.")
        elif self.run_state.kept and not any(p.step.undoable for p in self.run_state.leftovers):
            self._stopped("Rolled back what can be undone; the rest is kept (below). r runs the remaining steps "
                          "again · esc leave.")
        else:
            self._stopped("Roll back incomplete: fix the cause (below), then b again · esc leave.")

    def action_leave(self) -> None:
        run = self.run_state
        if run.complete or not run.leftovers:
            self.dismiss(run.complete)
            return
        left = "; ".join(p.step.title for p in run.leftovers)
        self.app.push_screen(ConfirmScreen(f"These changes are still in AWS: {left}. The plan is half-done. Leave "
                                           "anyway? (b rolls back what can be undone.)", yes="Leave", no="Stay"),
                             self._leave_answered)

    def _leave_answered(self, leave: bool | None) -> None:
        if leave:
            self.dismiss(False)


async def review_then_run(screen: AppScreen[object], review: PlanReview, run_state: PlanRun, run: RunPlan,
                          rollback: RunPlan, *, confirm_rule: Rule | None = None,
                          unfinished: str | None = None) -> bool | None:
    """The whole flow from a worker of ``screen``: the review, then the progress. None when the person left at the
    review (nothing sent); else whether every step is done."""
    if not await screen.confirm(PlanReviewScreen(review, confirm_rule=confirm_rule)):
        return None
    return await screen.confirm(PlanProgressScreen(review.title, run_state, run, rollback, unfinished=unfinished))
