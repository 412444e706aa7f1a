"""The users screen's words: one table row per user (short enough for an 80-column terminal) and the highlighted
user's details, from :mod:`.users_overview`; and :class:`UserRows`, every row made once so that a sort or a filter
key at 10,000 users only picks rows. Pure text, tested in tests/core/test_users_table.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .ago import ago
from .checks import SPECS, CheckId
from .display_text import visible
from .users_overview import KeyAtAGlance, UserAtAGlance, UserSort, UsersOverview, sort_users

COLUMNS = ("User", "Failing", "Console", "MFA", "Keys", "Key age", "Last activity", "Groups")


def yes_no(value: bool | None) -> str:
    return "?" if value is None else "yes" if value else "no"


def check_label(check_id: CheckId) -> str:
    """A check by its CIS number where it has one (short), else by its id."""
    return SPECS[check_id].cis or check_id


def keys_cell(user: UserAtAGlance) -> str:
    if not user.keys:
        return "none" if user.console_access is not None else "?"
    return f"{len(user.active_keys)}/{len(user.keys)} active"


def row_cells(user: UserAtAGlance, now: datetime) -> tuple[str, ...]:
    """One table row, in :data:`COLUMNS`' order."""
    oldest = user.oldest_active_key_days(now)
    return (
        user.name,
        ", ".join(check_label(c) for c in user.failing) or "-",
        yes_no(user.console_access),
        yes_no(user.mfa),
        keys_cell(user),
        "-" if oldest is None else f"{oldest}d",
        ago(user.last_activity, now, compact=True),
        ", ".join(user.groups) or "-",
    )


def _key_line(key: KeyAtAGlance, now: datetime) -> str:
    age = key.age_days(now)
    where = ", ".join(w for w in (key.last_used_service, key.last_used_region) if w)
    used = ago(key.last_used, now, never="never used", compact=True)
    used = used if key.last_used is None else f"last used {used}" + (f" ({where})" if where else "")
    return (f"  key {key.slot}: {'active' if key.active else 'inactive'}, "
            f"{'age unknown' if age is None else f'{age} days old'}, {used}")


def detail_text(user: UserAtAGlance, now: datetime) -> str:
    """Everything the overview knows about ``user``, for the panel under the table."""
    console = {None: "unknown (the credential report does not list this user yet)", True: "yes", False: "no"}
    lines = [
        f"{user.name}   {user.arn}",
        f"Created: {user.created:%Y-%m-%d}" if user.created else "Created: unknown",
        f"Console password: {console[user.console_access]}"
        + (f", last sign-in {ago(user.password_last_used, now, compact=True)}" if user.console_access else "")
        + f" · MFA: {yes_no(user.mfa)}",
        "Access keys:" if user.keys else "Access keys: none",
        *(_key_line(k, now) for k in user.keys),
        f"Groups: {', '.join(user.groups) or 'none'} · own policies: {', '.join(user.policies) or 'none'}",
    ]
    if user.failing:
        lines.append("Fails: " + "; ".join(f"{check_label(c)} {SPECS[c].title}" for c in user.failing))
    else:
        lines.append("Fails no check.")
    return "\n".join(lines)


def summary_text(overview: UsersOverview, shown: int, sort: str, query: str) -> str:
    """The line above the table: how many users, which are shown, the order."""
    total = len(overview.users)
    users = "user" if total == 1 else "users"
    which = f"{shown} of {total} {users} match “{query.strip()}”" if query.strip() else f"{total} {users}"
    return f"{which} · sorted by {sort}"


# Joins a user's searchable names: no IAM name holds it, so a needle never matches across two names.
_SEP = "\x00"


@dataclass(frozen=True)
class UserRows:
    """Every user's table row, made once per overview: the cells, the lower-cased names a filter looks in, and each
    sort order (made the first time it is asked for). ``shown`` then costs a pass over 10,000 short strings."""

    overview: UsersOverview
    cells: tuple[tuple[str, ...], ...]  # in ``overview.users``' order, as shown (hidden characters escaped)
    index: dict[str, int]  # a user's place in ``overview.users``, by name
    _haystacks: tuple[str, ...]  # the name and the groups, case-folded, joined by _SEP
    _orders: dict[UserSort, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, overview: UsersOverview) -> UserRows:
        users = overview.users
        return cls(overview, tuple(tuple(map(visible, row_cells(u, overview.now))) for u in users),
                   {u.name: i for i, u in enumerate(users)},
                   tuple(_SEP.join((u.name, *u.groups)).casefold() for u in users))

    def order(self, by: UserSort) -> tuple[int, ...]:
        """The users' indexes in the order ``by`` names (:func:`sort_users`'s)."""
        if by not in self._orders:
            users = sort_users(self.overview.users, by, self.overview.now)
            self._orders[by] = tuple(self.index[u.name] for u in users)
        return self._orders[by]

    def shown(self, by: UserSort, query: str) -> list[int]:
        """The indexes of the users whose name or one of whose groups contains ``query`` (ignoring case; all of them
        for a blank query), in the order ``by`` names."""
        order = self.order(by)
        needle = query.strip().casefold()
        if not needle:
            return list(order)
        haystacks = self._haystacks
        if _SEP in needle:
            return []  # no IAM name holds it
        return [i for i in order if needle in haystacks[i]]
