"""Execute a plan (create-user's, a user's removal, ...) step by step; on failure stop, and either retry (from the
failed step, or after a roll back from the first one) or undo the done steps in reverse. The state lives in a
:class:`PlanRun` that the screen renders after every change. A step that cannot be undone (``PlanStep.no_undo``)
stays done through a roll back, with a note saying so (``PlanRun.kept``).

IAM is eventually consistent, so answers that only mean "not yet" are waited out for a bounded time (shown in the
step's note): ``NoSuchEntity`` from a step that follows CreateUser/CreateGroup, and ``DeleteConflict`` right after a
dependent was deleted (a user's last dependents by the plan itself, or during a roll back). A step whose answer was
lost is settled by reading AWS (:mod:`.reconcile`), and "nothing is left" is said only after reading that it is so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.plan import PlanState, PlanStep
from .calls import AwsCaller
from .errors import AwsError
from .outcome import UNKNOWN_OUTCOME, resend_answer
from .patience import BUSY, Patience
from .reconcile import GONE, ReadBack, Unsettled, Waiting, read_effect, write

NEW_ENTITY_WAIT_S = 20.0  # a new user or group may be unknown to the next call for a few seconds
ROLLBACK_WAIT_S = 60.0  # a user whose password or keys were just deleted may still be "in use" for a while
CREATES = frozenset({"CreateUser", "CreateGroup", "CreateRole"})
# Deletes that AWS refuses (DeleteConflict) while a dependent is left, which it may still count for a moment after
# the plan's earlier steps removed it.
OWNER_DELETES = frozenset({"DeleteUser", "DeleteGroup", "DeleteRole", "DeletePolicy"})

OnChange = Callable[[], None]


@dataclass
class StepProgress:
    step: PlanStep
    state: PlanState = PlanState.PENDING
    error: AwsError | None = None
    note: str = ""  # what the step is waiting for, or how its outcome was settled
    attempted_at: datetime | None = None  # when this step was first sent in the current run
    uncertain: bool = False  # the step failed, but AWS may have made the change (the read back could not tell)


class PlanRun:
    def __init__(self, steps: list[PlanStep]) -> None:
        self.progress = [StepProgress(step) for step in steps]

    @property
    def failed_index(self) -> int | None:
        return next((i for i, p in enumerate(self.progress) if p.state is PlanState.FAILED), None)

    @property
    def complete(self) -> bool:
        return all(p.state is PlanState.DONE for p in self.progress)

    @property
    def done_steps(self) -> list[PlanStep]:
        return [p.step for p in self.progress if p.state is PlanState.DONE]

    @property
    def done_count(self) -> int:
        return len(self.done_steps)

    @property
    def next_index(self) -> int:
        """Where (re)running starts: the first step not done. That is the failed step, or after a roll back the
        first undone one (every undone step is made again)."""
        return next((i for i, p in enumerate(self.progress) if p.state is not PlanState.DONE), len(self.progress))

    @property
    def undo_failed(self) -> bool:
        return any(p.state is PlanState.UNDO_FAILED for p in self.progress)

    @property
    def rolled_back(self) -> bool:
        return all(p.state in (PlanState.UNDONE, PlanState.PENDING, PlanState.FAILED) for p in self.progress) and any(
            p.state is PlanState.UNDONE for p in self.progress)

    @property
    def can_retry(self) -> bool:
        """A failed step to retry, or a roll back to redo from the first step; not while an undo failed."""
        return not self.undo_failed and (self.failed_index is not None or self.rolled_back)

    @property
    def kept(self) -> list[StepProgress]:
        """Done steps that a roll back cannot undo (each says why in ``step.no_undo``)."""
        return [p for p in self.progress if p.state is PlanState.DONE and not p.step.undoable]

    @property
    def leftovers(self) -> list[StepProgress]:
        """Steps whose effect is (or may be) still in AWS."""
        return [p for p in self.progress
                if p.state in (PlanState.DONE, PlanState.UNDO_FAILED) or (p.state is PlanState.FAILED and p.uncertain)]


def _waiting(progress: StepProgress, on_change: OnChange) -> Callable[[AwsError, float], None]:
    def note(err: AwsError, delay: float) -> None:
        if err.code in UNKNOWN_OUTCOME:  # the attempt about to be retried may have made the change
            progress.uncertain = True
        progress.note = f"AWS is still propagating a recent change ({err.code}); waiting {delay:g} s, then retrying…"
        on_change()

    return note


class PlanRunner:
    def __init__(self, caller: AwsCaller, patience: Patience | None = None,
                 users_changed: Callable[[], None] | None = None) -> None:
        self.aws = caller
        self.patience = patience or Patience()
        self._users_changed = users_changed  # UsersService.names_changed: its name index is read again

    def _caller(self, step: PlanStep) -> AwsCaller:
        return self.aws.in_region(step.region)

    def _after(self, step: PlanStep) -> None:
        """After a step or its undo was sent (whatever came of it): a user may have been created or deleted."""
        if step.operation == "CreateUser" and self._users_changed is not None:
            self._users_changed()

    async def run(self, run: PlanRun, on_change: OnChange = lambda: None) -> bool:
        """Run from ``run.next_index``; stop at the first failure. True when every step is done."""
        for index in range(run.next_index, len(run.progress)):
            progress = run.progress[index]
            if progress.state is PlanState.DONE:
                continue
            # A delete's or detach's NoSuchEntity is its own answer ("already gone", or the SDK's resend met the
            # change), not a new entity still propagating: waiting it out would hide a lost answer.
            follows_create = resend_answer(progress.step.operation) != "NoSuchEntity" and any(
                p.step.operation in CREATES and p.state is PlanState.DONE for p in run.progress[:index])
            progress.state, progress.error, progress.note = PlanState.RUNNING, None, ""
            if not progress.uncertain:
                progress.attempted_at = datetime.now(UTC)
            on_change()
            transient, within = BUSY, NEW_ENTITY_WAIT_S
            if follows_create:
                transient = BUSY | {"NoSuchEntity"}
            if progress.step.operation in OWNER_DELETES and index > 0:
                transient, within = BUSY | {"DeleteConflict"}, ROLLBACK_WAIT_S
            try:
                await self._make(progress, transient, within, on_change)
            except AwsError as err:
                progress.state, progress.error = PlanState.FAILED, err
                on_change()
                return False
            finally:
                self._after(progress.step)
            progress.state = PlanState.DONE
            on_change()
        return True

    async def _make(self, progress: StepProgress, transient: frozenset[str], within: float,
                    on_change: OnChange) -> None:
        step = progress.step
        assert progress.attempted_at is not None
        try:
            lost = await write(self._caller(step), step.operation, step.params, service=step.service,
                               waiting=Waiting(self.patience, transient, within, _waiting(progress, on_change)),
                               since=progress.attempted_at, resent=progress.uncertain)
        except Unsettled as err:
            if err.found is ReadBack.UNREADABLE:
                progress.uncertain = True  # AWS may hold it: a roll back will try to undo it
            elif err.found is ReadBack.NOT_MADE:
                progress.uncertain = False  # read back: not made by this attempt
            raise
        progress.uncertain = False
        progress.note = f"AWS's answer was lost ({lost.code}); read back from AWS: done." if lost else ""

    async def rollback(self, run: PlanRun, on_change: OnChange = lambda: None) -> bool:
        """Undo every done step (and every failed one that AWS may have made), last first. Keeps going past a failed
        undo; a step that cannot be undone stays as it is, with a note saying so (``run.kept``). True only when every
        step was undone and reading AWS back shows none of the steps' effects."""
        transient = BUSY
        for progress in reversed(run.leftovers):
            if not progress.step.undoable:
                progress.note = f"Cannot be undone: {progress.step.no_undo}"
                on_change()
                continue
            progress.state, progress.error, progress.note = PlanState.UNDOING, None, ""
            on_change()
            undone = await self._undo(progress, transient, on_change)
            self._after(progress.step)
            if undone:
                progress.state = PlanState.UNDONE
                # IAM may still count what was just deleted as attached to its user or group for a moment
                transient = BUSY | {"DeleteConflict"}
            else:
                progress.state = PlanState.UNDO_FAILED
            progress.uncertain = False
            on_change()
        return await self._read_back_clean(run, on_change)

    async def _undo(self, progress: StepProgress, transient: frozenset[str], on_change: OnChange) -> bool:
        step = progress.step
        undo = step.undo_operation
        assert undo is not None  # rollback() skips the steps that cannot be undone

        async def gone() -> bool:  # the step's own effect is what must be gone
            return not (await read_effect(self._caller(step), step.operation, step.params)).present

        try:
            await write(self._caller(step), undo, step.undo_params, service=step.service,
                        waiting=Waiting(self.patience, transient, ROLLBACK_WAIT_S, _waiting(progress, on_change)),
                        in_place=gone)
        except AwsError as err:
            if err.code in GONE:  # already gone (or our own first attempt deleted it): nothing to undo
                return True
            progress.error = err
            return False
        progress.note = ""
        return True

    async def _read_back_clean(self, run: PlanRun, on_change: OnChange) -> bool:
        """Read AWS to confirm that every undone step's effect is gone; a step still present is an undo failure."""
        for progress in run.progress:
            if progress.state is not PlanState.UNDONE:
                continue
            try:
                present = (await read_effect(self._caller(progress.step), progress.step.operation,
                                             progress.step.params)).present
            except AwsError as err:
                progress.state, progress.error = PlanState.UNDO_FAILED, err
                continue
            if present:
                progress.state = PlanState.UNDO_FAILED
                progress.error = AwsError("StillPresent", "AWS accepted the undo, but reading back shows it is still "
                                          "there.", "Wait a minute, then b again.",
                                          action=f"{progress.step.service}:{progress.step.undo_operation}")
        on_change()
        return not run.leftovers
