"""Small typed results the screens consume (screens never see raw AWS dicts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..core.checks import CheckId, CheckResult
from ..core.identity import CallerIdentity
from ..core.mfa import MfaKind, device_name
from ..core.scan_inputs import LiveKey, ScanInputs
from ..core.signin import signin_url
from ..core.users_overview import UsersOverview, build_users_overview


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
    api_calls: int
    seconds: float
    # What the checks were run on (the credential report, the authorization details, ...): the users screen is
    # built from it without another call.
    inputs: ScanInputs | None = field(default=None, repr=False, compare=False)

    def result(self, check_id: CheckId) -> CheckResult:
        return next(r for r in self.results if r.id == check_id)

    def users_overview(self) -> UsersOverview:
        """Every IAM user at a glance, from this scan's account-wide reads (no further AWS call). Pure CPU: about
        50 ms at 10,000 users, so a screen may run it in a thread."""
        if self.inputs is None:
            raise ValueError("this scan result does not carry its inputs")
        return build_users_overview(self.inputs, self.results)


@dataclass(frozen=True)
class MfaDevice:
    """One MFA device of a user (from ``ListMFADevices``)."""

    serial: str
    kind: MfaKind
    enabled: datetime | None

    @property
    def name(self) -> str:
        return device_name(self.serial)


@dataclass(frozen=True)
class AccessKeyInfo(LiveKey):
    """A key with its last use (what the checks re-read live) and the console's description."""

    description: str | None = None

    @property
    def status(self) -> str:
        return "Active" if self.active else "Inactive"

    def age_days(self, now: datetime | None = None) -> int | None:
        if self.created is None:
            return None
        return ((now or datetime.now(UTC)) - self.created).days


@dataclass(frozen=True)
class LoginProfile:
    created: datetime | None
    password_reset_required: bool
