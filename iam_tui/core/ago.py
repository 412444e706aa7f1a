"""How long ago something happened, in words: the one formatter of the app (the credential report's age, the
checks' details, the users screen), on one scale so that every screen says the same age the same way."""

from __future__ import annotations

from datetime import datetime

MINUTES_UP_TO = 120  # below: minutes ("25 min ago"); a credential report is at most a few hours old
HOURS_UP_TO = 48  # below: hours ("5 h ago")
DAYS_UP_TO = 2 * 365  # below: days ("3 days ago"), then years


def ago(when: datetime | None, now: datetime, *, never: str = "never", compact: bool = False) -> str:
    """``when`` before ``now`` as a person says it: "just now", "25 min ago", "5 h ago", "3 days ago", "11 years
    ago"; ``compact`` for a table cell: "now", "25m ago", "5h ago", "3d ago", "11y ago". ``never`` for None. A
    clock a little ahead of AWS's is not "in the future": just now."""
    if when is None:
        return never
    minutes = max(0, int((now - when).total_seconds() // 60))
    hours, days = minutes // 60, minutes // (60 * 24)
    if minutes < 1:
        return "now" if compact else "just now"
    if minutes < MINUTES_UP_TO:
        number, unit, short = minutes, "min", "m"
    elif hours < HOURS_UP_TO:
        number, unit, short = hours, "h", "h"
    elif days < DAYS_UP_TO:
        number, unit, short = days, "days", "d"
    else:
        number, unit, short = days // 365, "years", "y"
    return f"{number}{short} ago" if compact else f"{number} {unit} ago"
