"""The guide's steps (``docs/guide.md``), in order. Only steps the app has built are listed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StepState(StrEnum):
    TODO = "todo"
    ATTENTION = "attention"
    DONE = "done"


MARKS = {StepState.TODO: "○", StepState.ATTENTION: "!", StepState.DONE: "✓"}


@dataclass(frozen=True)
class GuideStep:
    number: int
    key: str
    title: str


STEPS: tuple[GuideStep, ...] = (
    GuideStep(1, "security", "Security checks"),
    GuideStep(2, "create-user", "Create user"),
    GuideStep(3, "mfa", "Assign MFA"),
    GuideStep(4, "sign-in", "Sign in"),
    GuideStep(5, "access-keys", "Access keys & CLI"),
)


def step(key: str) -> GuideStep:
    return next(s for s in STEPS if s.key == key)
