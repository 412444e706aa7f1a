"""What the scan reads about the account beyond IAM's principals: its contacts, the server certificates stored in
IAM, and IAM Access Analyzer. Plain values; the service layer fills them, the checks read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ContactInformation:
    """The account's primary contact (``account:GetContactInformation``), set at sign-up."""

    full_name: str
    phone: str
    company: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class AlternateContact:
    """The security (or billing, operations) alternate contact (``account:GetAlternateContact``)."""

    name: str
    email: str
    phone: str
    title: str | None = None


@dataclass(frozen=True)
class ServerCertificate:
    name: str
    arn: str
    expires: datetime | None


ANALYZER_NAME = "iam-tui-external-access"  # the analyzer the dashboard's fix creates (CIS 1.19)


@dataclass(frozen=True)
class AnalyzerCoverage:
    """Active external-access analyzers in each enabled region that was read (region -> analyzer names); the
    regions whose ListAnalyzers could not be read (region -> why, naming the call); and, when the account's
    enabled regions could not be listed, why (then only the session's region was read)."""

    active: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    regions_error: str | None = None

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(self.active)

    def names(self) -> set[str]:
        return {name for names in self.active.values() for name in names}

    @property
    def read_whole(self) -> bool:
        """Every enabled region was listed and read."""
        return not self.unreadable and self.regions_error is None

    @property
    def regions_without(self) -> tuple[str, ...]:
        return tuple(region for region, names in self.active.items() if not names)
