"""Inactive access keys that a rotation left behind: a user whose older key is inactive while a newer one is
active. An inactive key passes CIS 1.12 and 1.13, so no check fails for it, and a rotation keeps the old key
inactive on purpose (it can be reactivated if something still needed it); the dashboard names these keys with
their age, so that deleting them later is one key away."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .credential_report import ReportRow


@dataclass(frozen=True)
class LeftoverKey:
    user: str
    slot: int  # the credential report's key 1 or 2 (the older key is 1)
    created: datetime

    def age_days(self, now: datetime) -> int:
        return max((now - self.created).days, 0)


def leftover_keys(rows: Iterable[ReportRow]) -> list[LeftoverKey]:
    """Each IAM user's inactive key that is older than one of the user's active keys (root's keys are CIS 1.3's
    matter: root should have none)."""
    found = []
    for row in rows:
        if row.is_root:
            continue
        active = [(k.last_rotated, k.slot) for k in row.keys if k.active and k.last_rotated is not None]
        for key in row.keys:  # made earlier (the report has whole seconds: then the lower slot, made first)
            if not key.active and key.last_rotated is not None and any(
                    (key.last_rotated, key.slot) < made for made in active):
                found.append(LeftoverKey(row.user, key.slot, key.last_rotated))
    return found


def leftover_text(keys: list[LeftoverKey], now: datetime, *, shown: int = 3) -> str:
    """One line for the dashboard ("" when there is none)."""
    if not keys:
        return ""
    named = ", ".join(f"{k.user}'s key {k.slot} ({k.age_days(now)} d old)" for k in keys[:shown])
    more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
    return (f"Inactive keys left after a rotation: {named}{more}. x deletes "
            f"{'it' if len(keys) == 1 else 'the first'} (you type its ID).")
