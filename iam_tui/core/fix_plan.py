"""What a fix of a failing security check shows before it runs, and the plan that carries it out.

A fix is a plan of :class:`PlanStep` (run, rolled back and retried by ``aws/plan_runner.py``, as the create-user
plan is) plus what the review says: each item the fix changes with why (from the finding), notes, and the
resources that need a second, explicit confirmation (the access key iam-tui itself signs with). Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import PlanStep


class FixProblem(ValueError):
    """The fix cannot be planned as asked (a key that is not the user's, a name AWS would refuse, ...); the
    message is one sentence for the person, with what to do."""


@dataclass(frozen=True)
class FixItem:
    """One line of the review: what changes, and why (e.g. "key AKIA… (key 1): never used")."""

    what: str
    why: str


@dataclass(frozen=True)
class FixPlan:
    title: str
    steps: tuple[PlanStep, ...]
    items: tuple[FixItem, ...] = ()
    notes: tuple[str, ...] = ()
    # Access key IDs the screen must confirm a second time before running: the key iam-tui signs its own calls
    # with. Once it is deactivated or deleted the app cannot make another call with it.
    confirm_twice: tuple[str, ...] = ()
    # Users whose state the plan changes: the screen passes each to ``service.scan.touch`` so that the next scan
    # re-reads them directly (the credential report can be four hours old).
    touches: tuple[str, ...] = ()
    # Policy documents the review shows in full, as (title, JSON text): a new role's trust policy, the inline
    # policies a plan copies.
    documents: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.steps

    @property
    def reversible(self) -> bool:
        """Every step can be rolled back (no password or key is deleted)."""
        return all(step.reversible for step in self.steps)
