"""Run any reviewed plan (a fix, a user's removal) with progress per step. On a failure it stops and says which step
and why; r retries (from the failed step, or after a roll back from the first one), b rolls back the done steps, last
first. What a roll back cannot undo is kept and said so, with why; what is still in AWS is listed.

:class:`PlanRunScreen` is that run, roll back, retry and leave, once: :class:`PlanProgressScreen` shows it for any plan,
``create_progress.CreateProgressScreen`` for the create-user plan (then it hands the password over)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget

from ..aws.plan_runner import OnChange, PlanRun, StepProgress
from ..core.changes import Changed, changed_by_steps
from ..core.finish import made_by_steps, removed_by_steps
from ..core.plan import STATE_MARKS, PlanState
from ..core.plan_review import PlanReview
from ..widgets.core_rule import Rule
from ..widgets.data_text import Static
from .base import REFUSED, AppScreen
from .confirm import ConfirmScreen
from .messages import Recorded
from .plan_review import PlanReviewScreen

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


STOPPED = "Stopped: {done} step(s) done, the next one failed. Nothing more is changed until you choose."
LOST_ANSWER = "Stopped at the first step. AWS may have made it (its answer was lost and reading back failed)"
NOTHING_CHANGED = "Stopped at the first step: nothing was changed in AWS."
HELP_RUN = ("one AWS call at a time. If a call fails it stops and shows why.\nr retries from the failed step (after "
            "you fixed the cause), or after a roll back runs every step again; b rolls back: the steps already done "
            "are undone in reverse")
ROLLED_BACK = ("Rolled back, and read back from AWS: nothing of this attempt is left. r runs the plan again from the "
               "first step · ")


@dataclass(frozen=True)
class RunTexts:
    """What a progress screen says when a run or a roll back stops, in its own words. Filled in: ``{done}`` (steps
    done), ``{ways}`` (the keys that go on from a failed step), ``{left}`` (what is still, or maybe still, in AWS)."""

    stopped: str
    lost_answer: str  # the first step failed, and AWS may have made it (its answer was lost, reading back failed)
    nothing_changed: str
    rolled_back: str
    rollback_incomplete: str
    leave_question: str
    rolled_back_kept: str | None = None  # all that can be undone was; None: said as ``rollback_incomplete``
    nothing_to_roll_back: str | None = None  # b with nothing left in AWS; None: b does nothing


class PlanRunScreen(AppScreen[bool]):
    """Runs ``run_state`` at once, one step at a time; on a failure it stops. r retries, b rolls back, esc leaves
    (asking first while changes are left in AWS), and quitting the app asks while the plan is half-done. Subclasses
    lay out the steps (:meth:`compose_steps`, :meth:`_show_steps`, ids ``#{ID_PREFIX}-status``, ``-steps``, ``-error``),
    say each outcome (``TEXTS``) and act once every step is done (:meth:`_completed`).

    What the done steps made and what they took from users goes to the summary once: when every step is done, or
    else when the screen goes (left half-done or rolled back)."""

    ID_PREFIX: ClassVar[str]
    TEXTS: ClassVar[RunTexts]
    # esc (leave) is each screen's own, after its other keys: bindings keep the order they are first named in
    BINDINGS = [Binding("r", "retry", "Retry"), Binding("b", "rollback", "Roll back")]
    WAIT_WHILE_BUSY = frozenset({"retry", "rollback", "leave"})

    def __init__(self, title: str, run_state: PlanRun, run: RunPlan, rollback: RunPlan, *, doing: str,
                 undoing: str, unfinished_key: str) -> None:
        """``doing`` / ``undoing``: what is in flight while it runs / rolls back; ``unfinished_key``: its entry in the
        session's list of what quitting would leave half-done."""
        super().__init__()
        self.plan_title = title
        self.run_state = run_state
        self._run = run
        self._rollback = rollback
        self.doing = doing
        self.undoing = undoing
        self.unfinished_key = unfinished_key
        self._made_recorded = False

    def compose_body(self) -> Iterable[Widget]:
        yield Static(self.plan_title, id=f"{self.ID_PREFIX}-status", markup=False)
        with VerticalScroll(id=f"{self.ID_PREFIX}-steps"):
            yield from self.compose_steps()
        yield Static("", id=f"{self.ID_PREFIX}-error", markup=False)

    def compose_steps(self) -> Iterable[Widget]:
        raise NotImplementedError

    def on_mount(self) -> None:
        self._show()
        self.execute()

    def _show(self) -> None:
        """After every change of ``run_state``."""
        run = self.run_state
        self.session.set_unfinished(self.unfinished_key, self.leaving_drops())
        self._show_steps()
        failed = next((p for p in run.progress if p.error is not None), None)
        error = self.query_one(f"#{self.ID_PREFIX}-error", Static)
        if failed is None or failed.error is None:
            error.update("")
        else:
            what = "Undo of" if failed.state is PlanState.UNDO_FAILED else "Step"
            error.update(f"{what} “{failed.step.title}” failed. {failed.error.text}{self._error_hint(failed)}")
        self.refresh_bindings()

    def _show_steps(self) -> None:
        """Show every step's state, the one that runs or failed scrolled into view."""
        raise NotImplementedError

    def _unfinished_text(self) -> str:
        """What quitting the app now would leave half-done."""
        raise NotImplementedError

    def _error_hint(self, failed: StepProgress) -> str:
        """Said after the failed step's error."""
        return ""

    def _status(self, text: str) -> None:
        self.query_one(f"#{self.ID_PREFIX}-status", Static).update(text)

    def _say(self, text: Text) -> None:
        self._status(text.plain)

    def _stopped(self, text: str) -> None:
        self._status(text)
        self._show_steps()  # the longer status takes room from the steps: the one it stopped at, into view again
        self.refresh_bindings()

    def _completed(self) -> None:
        """Every step is done."""
        raise NotImplementedError

    def _changed(self) -> Changed:
        """The users and groups the plan's steps name, and the users and access keys its done steps deleted."""
        progress, done = self.run_state.progress, self.run_state.done_steps
        removed = [s.params["UserName"] for s in done if s.operation == "DeleteUser"]
        keys = [(s.params.get("UserName"), s.params["AccessKeyId"]) for s in done if s.operation == "DeleteAccessKey"]
        return changed_by_steps(p.step.params for p in progress).with_removed_users(removed).with_removed_keys(keys)

    def _record_made(self) -> None:
        if self._made_recorded:
            return
        self._made_recorded = True
        done = self.run_state.done_steps
        for item in (*made_by_steps(done), *removed_by_steps(done)):
            self.tell(Recorded(item))

    def on_unmount(self) -> None:
        self._record_made()

    def _undoable_left(self) -> bool:
        return any(p.step.undoable for p in self.run_state.leftovers)

    # --- running -------------------------------------------------------------------------------------------------

    @work(exclusive=True, group="plan")
    async def execute(self) -> None:
        self._status(f"{self.plan_title}: step by step…")
        complete = await self.act(self.doing, self._run(self.run_state, self._show),
                                  changed=lambda _: self._changed(), status=self._say)
        if complete is REFUSED:  # the runner keeps each step's error in its progress: not expected here
            return
        if complete:
            self._record_made()
            self._completed()
            return
        run = self.run_state
        if run.done_count:
            template = self.TEXTS.stopped
        elif run.leftovers:  # AWS's answer to the first step was lost and reading back could not tell
            template = self.TEXTS.lost_answer
        else:
            template = self.TEXTS.nothing_changed
        ways = "r retry from the failed step" + (" · b roll back what was done" if self._undoable_left() else "")
        self._stopped(template.format(done=run.done_count, ways=f"{ways} · esc leave"))

    def action_retry(self) -> None:
        if not self.session.busy and self.run_state.can_retry:
            self.execute()

    def action_rollback(self) -> None:
        if self.session.busy or self.run_state.complete:
            return
        if self.run_state.leftovers:
            self.rollback()
        elif self.TEXTS.nothing_to_roll_back is not None:
            self._status(self.TEXTS.nothing_to_roll_back)

    @work(exclusive=True, group="plan")
    async def rollback(self) -> None:
        self._status("Rolling back: undoing the done steps, last first…")
        clean = await self.act(self.undoing, self._rollback(self.run_state, self._show),
                               changed=lambda _: self._changed(), status=self._say)
        if clean is REFUSED:
            return
        if clean:
            self._stopped(self.TEXTS.rolled_back)
        elif self.TEXTS.rolled_back_kept is not None and self.run_state.kept and not self._undoable_left():
            self._stopped(self.TEXTS.rolled_back_kept)
        else:
            left = ", ".join(p.step.title for p in self.run_state.leftovers)
            self._stopped(self.TEXTS.rollback_incomplete.format(left=left))

    def leaving_drops(self) -> str | None:
        """Half-done (what quitting the app would leave, too: the session's unfinished business)."""
        run = self.run_state
        return None if run.complete or not run.leftovers else self._unfinished_text()

    def action_leave(self) -> None:
        run = self.run_state
        if self.leaving_drops() is None:
            self.dismiss(run.complete)
            return
        left = "; ".join(p.step.title for p in run.leftovers)
        self.app.push_screen(ConfirmScreen(self.TEXTS.leave_question.format(left=left), yes="Leave", no="Stay"),
                             self._leave_answered)

    def _leave_answered(self, leave: bool | None) -> None:
        if leave:
            self.dismiss(False)


class PlanProgressScreen(PlanRunScreen):
    """Any reviewed plan (a fix, a user's removal). Dismisses with True once every step is done (after enter or esc
    on the result), else False."""

    ID_PREFIX = "progress"
    TEXTS = RunTexts(
        stopped=f"{STOPPED} {{ways}}",
        lost_answer=f"{LOST_ANSWER}. {{ways}}",
        nothing_changed=f"{NOTHING_CHANGED} r tries again · esc leave.",
        rolled_back=f"{ROLLED_BACK}esc leave.",
        rollback_incomplete="Roll back incomplete: fix the cause (below), then b again · esc leave.",
        leave_question="These changes are still in AWS: {left}. The plan is half-done. Leave anyway? (b rolls back "
                       "what can be undone.)",
        rolled_back_kept="Rolled back what can be undone; the rest is kept (below). r runs the remaining steps "
                         "again · esc leave.",
    )
    AUTO_FOCUS = "#progress-steps"
    HELP = (f"iam-tui runs the plan {HELP_RUN}; a step that cannot be undone (a deleted key or password) stays done "
            "and is named. esc leaves (it asks first if something would be left half-done).")
    BINDINGS = [Binding("enter", "leave", "Close", show=False), Binding("escape", "leave", "Leave")]
    DEFAULT_CSS = """
    PlanProgressScreen #progress-status { padding: 0 2; height: auto; text-style: bold; }
    PlanProgressScreen #progress-steps { height: 1fr; padding: 1 2; }
    PlanProgressScreen #progress-error { padding: 0 2; height: auto; color: $error; }
    PlanProgressScreen #progress-outcome { padding: 0 2; height: auto; }
    """

    def __init__(self, title: str, run_state: PlanRun, run: RunPlan, rollback: RunPlan, *,
                 unfinished: str | None = None) -> None:
        """``title``: what the plan does ("Move lee's policies to group lee-permissions"); ``run`` and ``rollback``
        drive ``run_state`` (e.g. ``partial(service.fixes.run, plan)``, or ``service.plans.run``); ``unfinished``:
        what quitting the app half-way would leave, named in its question."""
        super().__init__(title, run_state, run, rollback, doing=title, undoing=f"rolling back: {title}",
                         unfinished_key=f"plan:{title}")
        self.unfinished = unfinished or title

    def compose_body(self) -> Iterable[Widget]:
        yield from super().compose_body()
        yield Static("", id="progress-outcome", markup=False)

    def compose_steps(self) -> Iterable[Widget]:
        yield Static("", id="progress-lines", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry" and not self.run_state.can_retry:
            return False
        if action == "rollback" and (self.run_state.complete or not self._undoable_left()):
            return False
        return super().check_action(action, parameters)

    def _show_steps(self) -> None:
        run = self.run_state
        self.query_one("#progress-lines", Static).update(progress_text(run))
        current = next((i for i, p in enumerate(run.progress)
                        if p.state in (PlanState.RUNNING, PlanState.UNDOING, PlanState.FAILED)), None)
        if current is not None:  # keep the step that runs or failed in view on a short terminal
            self.query_one("#progress-steps", VerticalScroll).scroll_to(y=current * 2, animate=False)

    def _unfinished_text(self) -> str:
        run = self.run_state
        return f"{self.unfinished}: {run.done_count} of {len(run.progress)} steps done"

    def _stopped(self, text: str) -> None:
        self.query_one("#progress-outcome", Static).update(outcome_text(self.run_state))
        super()._stopped(text)

    def _completed(self) -> None:
        self._stopped(f"✓ Done: {self.plan_title}. enter or esc returns.")


async def review_then_run(screen: AppScreen[Any], review: PlanReview, run_state: PlanRun, run: RunPlan,
                          rollback: RunPlan, *, confirm_rule: Rule | None = None,
                          unfinished: str | None = None) -> bool | None:
    """The whole flow from a worker of ``screen``: the review, then the progress. None when the person left at the
    review (nothing sent); else whether every step is done. A plan that deletes access keys names, in its review,
    the AWS CLI profiles holding them, and once done offers to remove those sections."""
    from .key_profiles import offer_profile_removal, profiles_of

    held, note = await profiles_of(screen, [step.params["AccessKeyId"] for step in review.steps
                                            if step.operation == "DeleteAccessKey"])
    if note:
        review = dataclasses.replace(review, notes=(*review.notes, note))
    if not await screen.confirm(PlanReviewScreen(review, confirm_rule=confirm_rule)):
        return None
    done = await screen.confirm(PlanProgressScreen(review.title, run_state, run, rollback, unfinished=unfinished))
    if done:
        await offer_profile_removal(screen, held)
    return done
