"""The users screen's words: table cells short enough for 80 columns, the detail panel, the summary line."""

from __future__ import annotations

from iam_tui.core.users_overview import UserSort, sort_users
from iam_tui.core.users_table import COLUMNS, UserRows, detail_text, row_cells, summary_text

from .test_users_overview import overview, search_users, user_of


def test_row_cells() -> None:
    view = overview()
    alice, bob, dave = user_of(view, "alice"), user_of(view, "Bob"), user_of(view, "dave")
    cells = dict(zip(COLUMNS, row_cells(alice, view.now), strict=True))
    assert cells == {"User": "alice", "Console": "yes", "MFA": "yes", "Keys": "1/2 active", "Key age": "100d",
                     "Last activity": "24h ago", "Groups": "PowerUsers", "Failing": "1.13"}
    bob_cells = dict(zip(COLUMNS, row_cells(bob, view.now), strict=True))
    assert bob_cells["MFA"] == "no" and bob_cells["Keys"] == "none" and bob_cells["Key age"] == "-"
    assert bob_cells["Last activity"] == "never" and bob_cells["Groups"] == "Developers, Ops"
    assert {"1.9", "1.14", "1.15"} <= set(bob_cells["Failing"].split(", "))
    # a user the credential report does not know yet: unknown, not "no"
    assert row_cells(dave, view.now)[2:5] == ("?", "?", "?")


def test_detail_text_names_everything() -> None:
    view = overview()
    text = detail_text(user_of(view, "alice"), view.now)
    assert "alice   arn:" in text and "Console password: yes, last sign-in 2d ago · MFA: yes" in text
    assert "key 1: active, 100 days old, last used 24h ago (s3, eu-west-1)" in text
    assert "key 2: inactive, 30 days old, never used" in text
    assert "Fails: 1.13 " in text
    bob = detail_text(user_of(view, "Bob"), view.now)
    assert "own policies: AdministratorAccess, extra (inline)" in bob and "Access keys: none" in bob
    assert "Fails no check." in detail_text(user_of(view, "carol"), view.now)
    assert "unknown (the credential report does not list" in detail_text(user_of(view, "dave"), view.now)


def test_summary_text() -> None:
    view = overview()
    assert summary_text(view, 4, "name", "") == "4 users · sorted by name"
    assert summary_text(view, 1, "created", " pow ") == "1 of 4 users match “pow” · sorted by created"


def test_user_rows_pick_what_sort_and_search_pick() -> None:
    """Rows made once answer every sort and filter as sort_users and the plain search do."""
    view = overview()
    rows = UserRows.of(view)
    assert rows.cells[rows.index["alice"]] == row_cells(user_of(view, "alice"), view.now)
    for by in UserSort:
        for query in ("", "  ", "A", "power", "POWERUSERS-", "ops", "o", "nobody", "\x00"):
            expected = search_users(sort_users(view.users, by, view.now), query)
            assert [view.users[i] for i in rows.shown(by, query)] == expected, (by, query)
