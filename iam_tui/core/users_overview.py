"""The account's IAM users at a glance: console access, MFA, access keys (age, last use), groups, last activity
and the checks each user fails, built from what the scan already read account-wide (the credential report,
corrected by the app's live re-reads, and GetAccountAuthorizationDetails): no call per user.

Sorting and searching are pure functions over the built rows, for the users screen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .authz import AuthorizationDetails, Principal
from .checks import CheckId, CheckResult, Status
from .credential_report import AccessKeyUsage, CredentialReport, ReportRow
from .scan_inputs import ScanInputs
from .unavailable import Unavailable


@dataclass(frozen=True, slots=True)
class KeyAtAGlance:
    slot: int  # the credential report's column (1 or 2)
    active: bool
    created: datetime | None  # the report's "last rotated": when the key in this slot was created
    last_used: datetime | None
    last_used_service: str | None
    last_used_region: str | None

    def age_days(self, now: datetime) -> int | None:
        return (now - self.created).days if self.created else None


@dataclass(frozen=True, slots=True)
class UserAtAGlance:
    name: str
    arn: str
    created: datetime | None
    # None when the credential report does not know the user yet (made after the report, and not by this app).
    console_access: bool | None
    password_last_used: datetime | None
    mfa: bool | None
    keys: tuple[KeyAtAGlance, ...]
    groups: tuple[str, ...]
    policies: tuple[str, ...]  # the user's own policies: attached managed ones, then inline ones marked so
    failing: tuple[CheckId, ...]  # ids of the checks whose findings name this user, in the checks' order

    @property
    def last_activity(self) -> datetime | None:
        """The latest console sign-in or key use the credential report knows of."""
        uses = [self.password_last_used, *(k.last_used for k in self.keys)]
        return max((u for u in uses if u is not None), default=None)

    @property
    def active_keys(self) -> tuple[KeyAtAGlance, ...]:
        return tuple(k for k in self.keys if k.active)

    def oldest_active_key_days(self, now: datetime) -> int | None:
        return max((age for k in self.active_keys if (age := k.age_days(now)) is not None), default=None)


@dataclass(frozen=True, slots=True)
class UsersOverview:
    users: tuple[UserAtAGlance, ...]
    now: datetime
    report_generated_at: datetime | None
    notes: tuple[str, ...] = ()  # what could not be read, and what that leaves out

    def user(self, name: str) -> UserAtAGlance | None:
        return next((u for u in self.users if u.name == name), None)


def _key(usage: AccessKeyUsage) -> KeyAtAGlance:
    return KeyAtAGlance(usage.slot, usage.active, usage.last_rotated, usage.last_used, usage.last_used_service,
                        usage.last_used_region)


def _keys(row: ReportRow | None) -> tuple[KeyAtAGlance, ...]:
    """The keys the user has: a slot is empty when it is inactive and has no creation date."""
    if row is None:
        return ()
    return tuple(_key(k) for k in row.keys if k.active or k.last_rotated is not None)


def _policies(principal: Principal | None) -> tuple[str, ...]:
    if principal is None:
        return ()
    return tuple(p.name for p in principal.attached) + tuple(f"{p.name} (inline)" for p in principal.inline)


def _failing(results: Iterable[CheckResult]) -> dict[str, list[CheckId]]:
    by_user: dict[str, list[CheckId]] = {}
    for result in results:
        if result.status is Status.FAIL:
            for name in result.users:
                by_user.setdefault(name, []).append(result.id)
    return by_user


def build_users_overview(inputs: ScanInputs, results: Sequence[CheckResult]) -> UsersOverview:
    """Every IAM user, from one scan's inputs and results. The authorization details are live, so when they were
    read they decide who exists (the credential report may be four hours old); the report adds credentials."""
    notes: list[str] = []
    rows: dict[str, ReportRow] = {}
    report = inputs.report
    if isinstance(report, CredentialReport):
        rows = {r.user: r for r in inputs.user_rows(report)}
    else:
        notes.append(f"Credential report unavailable ({report.describe()}): console access, MFA and keys are "
                     "not shown.")
    principals: dict[str, Principal] = {}
    authz = inputs.authz
    if isinstance(authz, AuthorizationDetails):
        principals = {p.name: p for p in authz.users}
        names = (set(principals) | {n for n, live in inputs.live_users.items() if live.exists}) - {
            n for n, live in inputs.live_users.items() if not live.exists}
    else:
        assert isinstance(authz, Unavailable)
        notes.append(f"Authorization details unavailable ({authz.describe()}): groups and policies are not shown, "
                     "and users deleted since the credential report was made may still be listed.")
        names = set(rows)
    failing = _failing(results)
    users = []
    for name in sorted(names, key=str.lower):
        row, principal = rows.get(name), principals.get(name)
        users.append(UserAtAGlance(
            name=name,
            arn=row.arn if row else principal.arn if principal else "",
            created=row.created if row else None,
            console_access=row.password_enabled if row else None,
            password_last_used=row.password_last_used if row else None,
            mfa=row.mfa_active if row else None,
            keys=_keys(row),
            groups=principal.groups if principal else (),
            policies=_policies(principal),
            failing=tuple(failing.get(name, ())),
        ))
    generated = report.generated_at if isinstance(report, CredentialReport) else None
    return UsersOverview(tuple(users), inputs.now, generated, tuple(notes))


# --- sorting and searching --------------------------------------------------------------------------------------


class UserSort(StrEnum):
    NAME = "name"
    LAST_ACTIVITY = "last activity"  # most recent first; never used last
    OLDEST_KEY = "oldest key"  # oldest active key first; no active key last
    FAILING = "failing checks"  # most failing checks first
    CREATED = "created"  # newest first


def sort_users(users: Iterable[UserAtAGlance], by: UserSort, now: datetime) -> list[UserAtAGlance]:
    """``users`` in the order ``by`` names; ties (and unknowns, which go last) by name, ignoring case."""
    by_name = sorted(users, key=lambda u: u.name.lower())
    if by is UserSort.NAME:
        return by_name
    if by is UserSort.LAST_ACTIVITY:
        return sorted(by_name, key=lambda u: (u.last_activity is None, -(u.last_activity or now).timestamp()))
    if by is UserSort.OLDEST_KEY:
        ages = {u.name: u.oldest_active_key_days(now) for u in by_name}
        return sorted(by_name, key=lambda u: (ages[u.name] is None, -(ages[u.name] or 0)))
    if by is UserSort.FAILING:
        return sorted(by_name, key=lambda u: -len(u.failing))
    return sorted(by_name, key=lambda u: (u.created is None, -(u.created or now).timestamp()))
