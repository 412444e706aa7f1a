"""Small typed results the screens consume (screens never see raw AWS dicts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.checks import CheckResult
from ..core.identity import CallerIdentity
from ..core.signin import signin_url


@dataclass(frozen=True)
class AccountIdentity:
    caller: CallerIdentity
    alias: str | None
    region: str
    source: str  # where the credentials came from, in words
    demo: bool = False
    # Why the alias could not be read (e.g. "no permission"): then ``alias`` None means unknown, not "no alias".
    alias_unknown: str | None = None

    @property
    def alias_text(self) -> str:
        """The alias for people: the alias, "no alias", or "alias unknown (no permission)"."""
        if self.alias:
            return self.alias
        return f"alias unknown ({self.alias_unknown})" if self.alias_unknown else "no alias"

    @property
    def account_id(self) -> str:
        return self.caller.account_id

    @property
    def signin_url(self) -> str:
        return signin_url(self.alias or self.caller.account_id, self.caller.partition)


@dataclass(frozen=True)
class ScanResult:
    identity: AccountIdentity
    results: tuple[CheckResult, ...]
    report_generated_at: datetime | None
    scanned_at: datetime
    api_calls: int
    seconds: float

    def result(self, check_id: str) -> CheckResult:
        return next(r for r in self.results if r.id == check_id)
