"""What the review of a plan shows before anything is sent, for any plan (a fix of a failing check, a user's
removal): the title, what changes and why, each step's AWS call with its undo (or why it has none), notes and the
documents the plan sends (a trust policy). Pure text, so that the screen only lays it out; the same review can be
copied as ``aws iam ...`` commands (:func:`review_cli`)."""

from __future__ import annotations

from dataclasses import dataclass

from .cli_commands import plan_as_cli
from .fix_plan import FixItem, FixPlan
from .plan import PlanStep, irreversible


@dataclass(frozen=True)
class PlanReview:
    title: str
    steps: tuple[PlanStep, ...]
    items: tuple[FixItem, ...] = ()
    notes: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = ()  # (title, JSON text), shown in full
    # The person types this (a user name, a key ID) before the plan runs; None: enter alone runs it.
    confirm_name: str | None = None
    # Access key IDs confirmed once more, one question each, after the review (the key iam-tui signs with).
    confirm_twice: tuple[str, ...] = ()
    run_label: str = "Run"


def review_of_fix(plan: FixPlan, confirm_name: str | None = None) -> PlanReview:
    return PlanReview(plan.title, plan.steps, plan.items, plan.notes, plan.documents, confirm_name,
                      plan.confirm_twice, "Run the fix")


def review_text(review: PlanReview) -> str:
    """The review's body: what changes and why, the calls in order with their undo, what cannot be undone, notes
    and documents."""
    lines: list[str] = []
    if review.items:
        lines.append("What changes")
        lines += [f"  • {item.what}\n      why: {item.why}" for item in review.items]
        lines.append("")
    lines.append(f"AWS calls, in order ({len(review.steps)})")
    for number, step in enumerate(review.steps, start=1):
        lines.append(f"  {number}. {step.title}")
        lines.append(f"       {step.call_text()}")
        lines.append(f"       undo: {step.undo_text()}")
    kept = irreversible(list(review.steps))
    if kept:
        lines.append("")
        lines.append(f"A roll back cannot undo {len(kept)} of these steps: "
                     + "; ".join(step.title for step in kept) + ".")
    if review.notes:
        lines.append("")
        lines.append("Notes")
        lines += [f"  • {note}" for note in review.notes]
    for title, document in review.documents:
        lines.append("")
        lines.append(title)
        lines += [f"  {line}" for line in document.splitlines()]
    return "\n".join(lines)


def review_cli(review: PlanReview) -> str:
    """The plan as AWS CLI commands (no secrets: a secret parameter is a placeholder), headed by its title."""
    return f"# {review.title}\n" + plan_as_cli(review.steps).text()


def exact_name_problem(typed: str, expected: str) -> str | None:
    """The typed confirmation's rule when the caller gives none: exactly ``expected`` (case and all)."""
    if typed == expected:
        return None
    if not typed:
        return f"Type {expected} to confirm."
    if typed.strip() == expected:
        return "Remove the spaces around it."
    return f"That is not {expected}: type it exactly."


def running_key_question(key_id: str) -> str:
    """The second question for a key iam-tui itself signs with."""
    return (f"{key_id} is the access key iam-tui itself is running on. Once the plan changes it, every call "
            "iam-tui makes with it fails: you will have to restart iam-tui with other credentials (another key "
            "or profile).\n\nGo ahead with this key anyway?")
