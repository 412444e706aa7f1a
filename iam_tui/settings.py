"""How to reach AWS, as given on the command line. No SDK import here: the CLI builds this first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConnectionSettings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    demo: bool = False
    # Asks the person for a role's MFA code (botocore's prompt text in, the code out), called from the thread that
    # resolves credentials. The TUI shows a modal; without one (``iam-tui check``) such a profile is refused.
    mfa_prompter: Callable[[str], str] | None = field(default=None, compare=False, repr=False)
