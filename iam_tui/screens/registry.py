"""Which screen opens for each guide step (see ``guide.STEPS``)."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from ..guide import StepKey


def screen_for_step(key: StepKey) -> Screen[Any] | None:
    """A new screen for the step, or None for the dashboard (step 1)."""
    if key is StepKey.CREATE_USER:
        from .create_user import CreateUserScreen

        return CreateUserScreen()
    if key is StepKey.MFA:
        from .mfa import MfaScreen

        return MfaScreen()
    if key is StepKey.SIGN_IN:
        from .signin import SigninScreen

        return SigninScreen()
    if key is StepKey.FINISH:
        from .finish import FinishScreen

        return FinishScreen()
    if key is StepKey.ACCESS_KEYS:
        from .cli_access import CliAccessScreen

        return CliAccessScreen()
    return None
