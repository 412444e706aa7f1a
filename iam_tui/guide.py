"""The guide's steps (``docs/guide.md``), in order. Only steps the app has built are listed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StepKey(StrEnum):
    """The guide's steps, as screens, messages and the navigator name them."""

    SECURITY = "security"
    CREATE_USER = "create-user"
    MFA = "mfa"
    SIGN_IN = "sign-in"
    ACCESS_KEYS = "access-keys"


class StepState(StrEnum):
    TODO = "todo"
    ATTENTION = "attention"
    DONE = "done"


MARKS = {StepState.TODO: "○", StepState.ATTENTION: "!", StepState.DONE: "✓"}


@dataclass(frozen=True)
class GuideStep:
    number: int
    key: StepKey
    title: str


STEPS: tuple[GuideStep, ...] = (
    GuideStep(1, StepKey.SECURITY, "Security checks"),
    GuideStep(2, StepKey.CREATE_USER, "Create user"),
    GuideStep(3, StepKey.MFA, "Assign MFA"),
    GuideStep(4, StepKey.SIGN_IN, "Sign in"),
    GuideStep(5, StepKey.ACCESS_KEYS, "Access keys & CLI"),
)


def step(key: StepKey) -> GuideStep:
    return next(s for s in STEPS if s.key == key)
