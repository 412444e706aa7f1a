"""A scan input that could not be read, in place of its value: one denied call turns only the checks that need it
into ``unknown``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unavailable:
    """A scan input that could not be read. ``action`` names the IAM permission that was missing, if that
    is why."""

    code: str
    message: str
    action: str | None = None

    def describe(self) -> str:
        if self.action and self.code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}:
            return f"Not allowed to call {self.action} ({self.code}); grant it to see this check."
        return f"{self.code}: {self.message}"

