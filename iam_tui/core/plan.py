"""A plan: the ordered AWS calls that carry out one change the user reviewed, each with its undo.

Pure data (operation names and parameters), executed by ``aws/plan_runner.py``. Showing it before running it is the
review screen's "calls that will be made"; undoing the done steps in reverse is the roll back. A step that cannot be
undone (a deleted access key, a deleted console password) has no undo and says why in ``no_undo``, so that the review
can show it before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .secret import Secret


class PlanState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    UNDOING = "undoing"
    UNDONE = "undone"
    UNDO_FAILED = "undo failed"


STATE_MARKS = {  # how the progress screens mark each step
    PlanState.PENDING: "○",
    PlanState.RUNNING: "◐",
    PlanState.DONE: "✓",
    PlanState.FAILED: "✗",
    PlanState.UNDOING: "↶",
    PlanState.UNDONE: "↺",
    PlanState.UNDO_FAILED: "✗",
}


@dataclass(frozen=True)
class PlanStep:
    title: str
    operation: str
    params: dict[str, Any]
    undo_operation: str | None
    undo_params: dict[str, Any] = field(default_factory=dict)
    no_undo: str = ""  # why the step cannot be undone (set when ``undo_operation`` is None)
    service: str = "iam"  # botocore's name of the service the call goes to
    region: str | None = None  # for a regional service (Access Analyzer); None: the session's region

    def __post_init__(self) -> None:
        if self.undo_operation is None and not self.no_undo:
            raise ValueError(f"{self.operation}: a step without an undo must say why (no_undo)")

    @property
    def undoable(self) -> bool:
        return self.undo_operation is not None

    reversible = undoable  # the fix plans' word for it

    def call_text(self) -> str:
        return self._call(self.operation, self.params)

    def undo_text(self) -> str:
        """The undo call, or why there is none."""
        if self.undo_operation is None:
            return f"cannot be undone: {self.no_undo}"
        return self._call(self.undo_operation, self.undo_params)

    def _call(self, operation: str, params: dict[str, Any]) -> str:
        shown = ", ".join(f"{k}={_short(v)}" for k, v in params.items())
        where = f" in {self.region}" if self.region else ""
        return f"{_ACTION_PREFIX.get(self.service, self.service)}:{operation}({shown}){where}"


# IAM action prefixes that differ from botocore's service names.
_ACTION_PREFIX = {"accessanalyzer": "access-analyzer"}


def _short(value: Any) -> str:
    if isinstance(value, Secret):
        return str(value)  # masked
    if isinstance(value, list):
        return f"[{len(value)} tag{'s' if len(value) != 1 else ''}]"
    if isinstance(value, str) and value.startswith("{"):  # a policy document: too long for one line
        return f"<policy document, {len(value)} characters>"
    return str(value)


def final_step(title: str, operation: str, params: dict[str, Any], why: str) -> PlanStep:
    """A step that cannot be undone (``why`` says so in the review): plans put these last, so that a failure
    before them rolls back cleanly."""
    return PlanStep(title, operation, params, None, no_undo=why)


def irreversible(plan: list[PlanStep]) -> list[PlanStep]:
    """The steps a roll back cannot undo, for the review to name before anything is sent."""
    return [step for step in plan if not step.undoable]
