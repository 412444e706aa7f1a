"""What the security checks read: account-wide inputs gathered by the service layer (each its value or an
:class:`Unavailable`), and the users the app changed in this session, re-read live."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .account_settings import AlternateContact, AnalyzerCoverage, ContactInformation, ServerCertificate
from .authz import AuthorizationDetails
from .credential_report import AccessKeyUsage, CredentialReport, ReportRow
from .identity import CallerIdentity
from .password_policy import PasswordPolicy
from .unavailable import Unavailable


@dataclass(frozen=True)
class AccountSummary:
    root_mfa_enabled: bool
    root_access_keys_present: bool


@dataclass(frozen=True)
class LiveKey:
    access_key_id: str
    active: bool
    created: datetime | None
    last_used: datetime | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None


@dataclass(frozen=True)
class LiveUser:
    """A user the app changed in this session, re-read with direct calls (the credential report can be up to
    four hours old). ``exists`` is False once the user was deleted."""

    name: str
    arn: str
    exists: bool = True
    created: datetime | None = None
    password_enabled: bool = False
    mfa_active: bool = False
    keys: tuple[LiveKey, ...] = ()


NOT_READ = Unavailable("NotRead", "This scan did not read it.")


@dataclass
class ScanInputs:
    identity: CallerIdentity
    now: datetime
    summary: AccountSummary | Unavailable
    password_policy: PasswordPolicy | Unavailable | None
    report: CredentialReport | Unavailable
    authz: AuthorizationDetails | Unavailable
    # AWS Organizations' central root management is on and visible from here. It does not remove this account's
    # root credentials by itself, so the root checks still run and only carry a note.
    root_centrally_managed: bool = False
    live_users: dict[str, LiveUser] = field(default_factory=dict)
    # A virtual MFA device is assigned to root (ListVirtualMFADevices, one account-wide call): CIS 1.5 wants hardware.
    root_virtual_mfa: bool | Unavailable = False
    # The app signs its calls with a long-term access key (AKIA...), not temporary credentials (ASIA...).
    caller_long_term_key: bool = False
    contact_information: ContactInformation | Unavailable | None = NOT_READ
    security_contact: AlternateContact | Unavailable | None = NOT_READ  # None: no security contact set
    server_certificates: tuple[ServerCertificate, ...] | Unavailable = NOT_READ
    analyzers: AnalyzerCoverage | Unavailable = NOT_READ
    _rows: list[ReportRow] | None = field(default=None, init=False, repr=False, compare=False)

    def user_rows(self, report: CredentialReport) -> list[ReportRow]:
        """The users' effective rows (the report corrected by live re-reads), worked out once per scan: five checks
        read them, and 10,000 users cost ~15 ms each time."""
        if self._rows is None:
            self._rows = effective_user_rows(report, self.live_users)
        return self._rows


# --- effective per-user rows: the report, corrected by the app's own live re-checks ---------------------------


def key_slots(keys: Iterable[LiveKey]) -> dict[int, LiveKey]:
    """The credential report's slot (1, 2) of each of a user's keys: the keys in the order they were made."""
    return dict(enumerate(sorted(keys, key=lambda k: k.created or datetime.min), start=1))


def _row_from_live(live: LiveUser, previous: ReportRow | None) -> ReportRow:
    keys: list[AccessKeyUsage] = []
    for slot, key in key_slots(live.keys).items():
        keys.append(AccessKeyUsage(slot, key.active, key.created, key.last_used, key.last_used_region,
                                   key.last_used_service))
    while len(keys) < 2:
        keys.append(AccessKeyUsage(len(keys) + 1, False, None, None, None, None))
    return ReportRow(
        user=live.name,
        arn=live.arn,
        created=live.created or (previous.created if previous else None),
        password_enabled=live.password_enabled,
        password_last_used=previous.password_last_used if previous else None,
        password_last_changed=previous.password_last_changed if previous else None,
        mfa_active=live.mfa_active,
        keys=(keys[0], keys[1]),
    )


def effective_user_rows(report: CredentialReport, live: dict[str, LiveUser]) -> list[ReportRow]:
    rows: dict[str, ReportRow] = {row.user: row for row in report.users}
    for name, state in live.items():
        if not state.exists:
            rows.pop(name, None)
        else:
            rows[name] = _row_from_live(state, rows.get(name))
    return sorted(rows.values(), key=lambda r: r.user.lower())
