"""What one run of the app knows apart from AWS: the guide's user and steps, the changes in flight, what to clean
up before exiting and what is left half-done. A plain object (no Textual): the App wires it to the screens, and it is
unit-tested on its own (tests/test_session.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable

from .core.finish import Made, without_key, without_user
from .guide import MAKING_STEPS, STEPS, StepKey, StepState

ExitCleanup = Callable[[], Awaitable[str | None]]


class GuideSession:
    def __init__(self, on_busy_changed: Callable[[], None] | None = None) -> None:
        self.guide_user: str | None = None  # the IAM user the guide's later steps are about
        self._steps: dict[StepKey, StepState] = {}
        self._summary_seen = False
        self._in_flight: Counter[str] = Counter()
        self._exit_cleanups: dict[str, ExitCleanup] = {}
        self._unfinished: dict[str, str] = {}
        self._on_busy_changed = on_busy_changed
        self._leaving = False
        self.not_started: list[str] = []  # changes that were to start after quitting had begun (see mutating)
        self.made: list[Made] = []  # what iam-tui made, for the summary (names and IDs, never secrets)

    # --- the guide ----------------------------------------------------------------------------------------------

    def state(self, step: StepKey) -> StepState:
        return self._steps.get(step, StepState.TODO)

    @property
    def steps(self) -> dict[StepKey, StepState]:
        return dict(self._steps)

    def mark(self, step: StepKey, state: StepState) -> bool:
        """Record a step's state; True when it changed."""
        if self._steps.get(step) is state:
            return False
        self._steps[step] = state
        self._tick_summary()
        return True

    def summary_seen(self) -> bool:
        """The summary (step 6) was shown: it is done once every making step is too; True when that changed."""
        self._summary_seen = True
        return self._tick_summary()

    def _tick_summary(self) -> bool:
        """Step 6 is ticked only once it was seen and every making step is done (never before it was visited)."""
        if (self._summary_seen and self._steps.get(StepKey.FINISH) is not StepState.DONE
                and all(self.state(s) is StepState.DONE for s in MAKING_STEPS)):
            self._steps[StepKey.FINISH] = StepState.DONE
            return True
        return False

    @property
    def steps_done(self) -> int:
        """Of the guide's steps (all of them, the summary included, as the guide list shows them)."""
        return sum(self.state(s.key) is StepState.DONE for s in STEPS)

    def record(self, item: Made) -> None:
        self.made.append(item)

    def user_removed(self, name: str) -> bool:
        """``name`` no longer exists: what iam-tui made for it leaves the summary (one line says it was removed),
        and when it was the guide's user, the steps made for it are to do again. True when the steps changed."""
        self.made = without_user(self.made, name)
        if self.guide_user != name:
            return False
        self.guide_user = None
        for key in (*MAKING_STEPS, StepKey.FINISH):
            self._steps.pop(key, None)
        return True

    def key_deleted(self, key_id: str, user: str | None) -> None:
        """iam-tui deleted the access key ``key_id`` of ``user`` (None: root): the summary lists it as removed."""
        self.made = without_key(self.made, key_id, user)

    def choose_guide_user(self, name: str, *, replace: bool = True) -> None:
        """The user the later steps are about; with ``replace=False`` only when none is chosen yet (opening MFA
        for some other user does not change whose guide this is)."""
        if replace or self.guide_user is None:
            self.guide_user = name

    # --- changes in flight ------------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def mutating(self, what: str) -> AsyncIterator[None]:
        """Wrap a call that changes AWS (or a file). While it runs, :attr:`busy` names it, and the screens disable
        leaving and quitting: a cancelled worker would leave the call running in its thread, and a resource could be
        made that the UI never learns about.

        Once quitting has begun (:meth:`leave`) no change starts: a change asked for just before (enter, then q at
        once) waits here until the app's exit cancels its worker, and ``not_started`` names it. Else it could start
        after quitting had checked that nothing was in flight, and be cut off half-way without a word."""
        if self._leaving:
            self.not_started.append(what)
            await asyncio.Event().wait()  # never set: ends when the worker is cancelled
        self._in_flight[what] += 1
        self._busy_changed()
        try:
            yield
        finally:
            self._in_flight[what] -= 1
            if self._in_flight[what] <= 0:
                del self._in_flight[what]
            self._busy_changed()

    @property
    def busy(self) -> str | None:
        """What change is in flight, if any."""
        return next(iter(self._in_flight), None)

    def _busy_changed(self) -> None:
        if self._on_busy_changed is not None:
            self._on_busy_changed()

    # --- leaving ----------------------------------------------------------------------------------------------

    def leave(self) -> None:
        """Quitting has begun: from now on no change starts (see :meth:`mutating`)."""
        self._leaving = True

    def add_exit_cleanup(self, key: str, cleanup: ExitCleanup) -> None:
        """Run ``cleanup`` before the app exits (e.g. delete an unassigned MFA device). It returns a message to show
        when it could not clean up, else None."""
        self._exit_cleanups[key] = cleanup

    def remove_exit_cleanup(self, key: str) -> None:
        self._exit_cleanups.pop(key, None)

    @property
    def exit_cleanups(self) -> dict[str, ExitCleanup]:
        return dict(self._exit_cleanups)

    def set_unfinished(self, key: str, description: str | None) -> None:
        """Declare (or, with None, clear) work left half-done in AWS; quitting then asks first."""
        if description is None:
            self._unfinished.pop(key, None)
        else:
            self._unfinished[key] = description

    @property
    def unfinished(self) -> list[str]:
        return list(self._unfinished.values())

    def exit_problems(self) -> list[str]:
        """What to print after the app closes, before the cleanups have run."""
        problems = [f"Left unfinished: {text}" for text in self._unfinished.values()]
        if self.busy:
            problems.append(f"Still running against AWS when iam-tui stopped: {self.busy}. Check the result in the "
                            "AWS console.")
        return problems
