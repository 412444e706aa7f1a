"""Parse the IAM credential report (CSV, 22 columns, one row per user plus ``<root_account>``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from .ago import ago

ROOT_USER = "<root_account>"

COLUMNS = (
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
    "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
    "cert_2_active", "cert_2_last_rotated",
)  # fmt: skip

# Values AWS writes where there is no date or no answer.
NO_VALUE = frozenset({"", "n/a", "not_supported", "no_information"})


class ReportFormatError(ValueError):
    """The credential report is not the CSV AWS documents."""


def parse_bool(value: str) -> bool | None:
    """``true``/``false`` (any case); ``None`` for ``not_supported`` and friends."""
    lowered = value.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None


def parse_date(value: str) -> datetime | None:
    """ISO 8601 timestamp, or ``None`` for ``N/A``, ``no_information``, ``not_supported``."""
    text = value.strip()
    if text.lower() in NO_VALUE:
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AccessKeyUsage:
    slot: int
    active: bool
    last_rotated: datetime | None
    last_used: datetime | None
    last_used_region: str | None
    last_used_service: str | None


@dataclass(frozen=True, slots=True)
class ReportRow:
    user: str
    arn: str
    created: datetime | None
    password_enabled: bool | None  # None for root ("not_supported")
    password_last_used: datetime | None
    password_last_changed: datetime | None
    mfa_active: bool
    keys: tuple[AccessKeyUsage, AccessKeyUsage]

    @property
    def is_root(self) -> bool:
        return self.user == ROOT_USER

    @property
    def active_keys(self) -> list[AccessKeyUsage]:
        return [k for k in self.keys if k.active]


@dataclass(frozen=True, slots=True)
class CredentialReport:
    generated_at: datetime | None
    rows: tuple[ReportRow, ...]

    @property
    def root(self) -> ReportRow | None:
        return next((r for r in self.rows if r.is_root), None)

    @property
    def users(self) -> list[ReportRow]:
        return [r for r in self.rows if not r.is_root]


def _text(value: str) -> str | None:
    return None if value.strip().lower() in NO_VALUE else value.strip()


def _key(row: dict[str, str], slot: int) -> AccessKeyUsage:
    prefix = f"access_key_{slot}_"
    return AccessKeyUsage(
        slot=slot,
        active=bool(parse_bool(row[prefix + "active"])),
        last_rotated=parse_date(row[prefix + "last_rotated"]),
        last_used=parse_date(row[prefix + "last_used_date"]),
        last_used_region=_text(row[prefix + "last_used_region"]),
        last_used_service=_text(row[prefix + "last_used_service"]),
    )


def csv_lines(text: str) -> Iterator[str]:
    """``text`` line by line, each with its newline (as csv wants them), without a copy of the whole: an
    ``io.StringIO`` holds four bytes per character, 10 MB more at peak for a 10,000-user report."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def parse_report(content: bytes | str, generated_at: datetime | None = None) -> CredentialReport:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    reader = csv.DictReader(csv_lines(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReportFormatError(f"credential report lacks columns: {', '.join(missing)}")
    rows = []
    for raw in reader:
        rows.append(
            ReportRow(
                user=raw["user"],
                arn=raw["arn"],
                created=parse_date(raw["user_creation_time"]),
                password_enabled=parse_bool(raw["password_enabled"]),
                password_last_used=parse_date(raw["password_last_used"]),
                password_last_changed=parse_date(raw["password_last_changed"]),
                mfa_active=bool(parse_bool(raw["mfa_active"])),
                keys=(_key(raw, 1), _key(raw, 2)),
            )
        )
    return CredentialReport(generated_at=generated_at, rows=tuple(rows))


def report_age(generated_at: datetime | None, now: datetime | None = None) -> str:
    """How old the credential report is, in words (it matters: AWS regenerates it at most every 4 hours)."""
    if generated_at is None:
        return "credential report unavailable"
    age = ago(generated_at, now or datetime.now(UTC))
    return f"credential report generated {age} (AWS regenerates it at most every 4 hours)"
