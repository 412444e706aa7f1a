"""Which screen opens for each guide step (see ``guide.STEPS``)."""

from __future__ import annotations

from textual.screen import Screen


def screen_for_step(key: str) -> Screen[object] | None:
    """A new screen for the step, or None for the dashboard (step 1)."""
    if key == "create-user":
        from .create_user import CreateUserScreen

        return CreateUserScreen()
    if key == "mfa":
        from .mfa import MfaScreen

        return MfaScreen()
    if key == "sign-in":
        from .signin import SigninScreen

        return SigninScreen()
    if key == "access-keys":
        from .access_keys import AccessKeysScreen

        return AccessKeysScreen()
    return None
