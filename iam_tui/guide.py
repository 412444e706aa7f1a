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
    FINISH = "finish"


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
    GuideStep(6, StepKey.FINISH, "Summary"),
)

# The steps that make something; the summary is done when they all are (step 1 stays "attention" while any check
# fails, and some only the console can fix).
MAKING_STEPS = (StepKey.CREATE_USER, StepKey.MFA, StepKey.SIGN_IN, StepKey.ACCESS_KEYS)


def step(key: StepKey) -> GuideStep:
    return next(s for s in STEPS if s.key == key)
