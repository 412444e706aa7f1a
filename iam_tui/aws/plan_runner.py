"""Execute a create plan step by step; on failure stop, and either retry from the failed step or undo the done
steps in reverse. The state lives in a :class:`PlanRun` that the screen renders after every change."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from ..core.create_plan import PlanState, PlanStep
from .calls import AwsCaller
from .errors import AwsError

# AWS answers these right after a change to the same entity; a short wait and retry is what the console does.
TRANSIENT = frozenset({"EntityTemporarilyUnmodifiable", "ConcurrentModification", "ServiceFailure"})


@dataclass
class StepProgress:
    step: PlanStep
    state: PlanState = PlanState.PENDING
    error: AwsError | None = None


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
    def done_count(self) -> int:
        return sum(p.state is PlanState.DONE for p in self.progress)

    @property
    def next_index(self) -> int:
        """Where to (re)start: the failed step, else the first one not done."""
        failed = self.failed_index
        if failed is not None:
            return failed
        return next((i for i, p in enumerate(self.progress) if p.state is not PlanState.DONE), len(self.progress))

    @property
    def rolled_back(self) -> bool:
        return all(p.state in (PlanState.UNDONE, PlanState.PENDING, PlanState.FAILED) for p in self.progress) and any(
            p.state is PlanState.UNDONE for p in self.progress)

    @property
    def leftovers(self) -> list[StepProgress]:
        """Steps whose effect is still in AWS after a roll back was attempted."""
        return [p for p in self.progress if p.state in (PlanState.DONE, PlanState.UNDO_FAILED)]


class PlanRunner:
    def __init__(self, caller: AwsCaller, *, retry_delays: tuple[float, ...] = (1.0, 2.0, 4.0)) -> None:
        self.aws = caller
        self.retry_delays = retry_delays

    async def _call(self, operation: str, params: dict) -> None:
        for delay in (*self.retry_delays, None):
            try:
                await self.aws.call("iam", operation, **params)
                return
            except AwsError as err:
                if err.code not in TRANSIENT or delay is None:
                    raise
            await asyncio.sleep(delay)

    async def run(self, run: PlanRun, on_change: Callable[[], None] = lambda: None) -> bool:
        """Run from ``run.next_index``; stop at the first failure. True when every step is done."""
        for progress in run.progress[run.next_index:]:
            progress.state, progress.error = PlanState.RUNNING, None
            on_change()
            try:
                await self._call(progress.step.operation, progress.step.params)
            except AwsError as err:
                progress.state, progress.error = PlanState.FAILED, err
                on_change()
                return False
            progress.state = PlanState.DONE
            on_change()
        return True

    async def rollback(self, run: PlanRun, on_change: Callable[[], None] = lambda: None) -> bool:
        """Undo every done step, last first. Keeps going past a failed undo; True when everything was undone."""
        ok = True
        for progress in reversed(run.progress):
            if progress.state is not PlanState.DONE and progress.state is not PlanState.UNDO_FAILED:
                continue
            progress.state, progress.error = PlanState.UNDOING, None
            on_change()
            try:
                await self._call(progress.step.undo_operation, progress.step.undo_params)
            except AwsError as err:
                if err.code == "NoSuchEntity":  # already gone: nothing left to undo
                    progress.state = PlanState.UNDONE
                else:
                    progress.state, progress.error = PlanState.UNDO_FAILED, err
                    ok = False
            else:
                progress.state = PlanState.UNDONE
            on_change()
        return ok
