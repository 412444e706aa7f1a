"""The users at a glance, built from one scan's inputs; sorting and search."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, Principal
from iam_tui.core.checks import run_checks
from iam_tui.core.credential_report import parse_report
from iam_tui.core.scan_inputs import LiveUser
from iam_tui.core.unavailable import Unavailable
from iam_tui.core.users_overview import UserAtAGlance, UserSort, UsersOverview, build_users_overview, sort_users
from iam_tui.core.users_table import UserRows

from .reports import report, root_row, row
from .test_checks import ADMIN, ADMIN_DOC, NOW, SUPPORT, inputs, iso

REPORT = parse_report(report(
    root_row(),
    row("alice", password_enabled="true", password_last_used=iso(2), mfa_active="true",
        access_key_1_active="true", access_key_1_last_rotated=iso(100), access_key_1_last_used_date=iso(1),
        access_key_1_last_used_service="s3", access_key_1_last_used_region="eu-west-1",
        access_key_2_active="false", access_key_2_last_rotated=iso(30)),
    row("Bob", password_enabled="true", password_last_changed=iso(10), mfa_active="false"),
    row("carol", access_key_1_active="true", access_key_1_last_rotated=iso(5)),
    row("gone", password_enabled="true"),  # deleted since the report was made
))
AUTHZ = AuthorizationDetails(
    users=(Principal("user", "alice", "arn:u/alice", groups=("PowerUsers",)),
           Principal("user", "Bob", "arn:u/Bob", (ADMIN,), (InlinePolicy("extra", {}),), ("Developers", "Ops")),
           Principal("user", "carol", "arn:u/carol"),
           Principal("user", "dave", "arn:u/dave", groups=("powerusers-readonly",))),  # newer than the report
    roles=(Principal("role", "support", "arn:role", (SUPPORT,)),),
    documents={ADMIN.arn: ADMIN_DOC})


def overview(**overrides: object) -> UsersOverview:
    scan = inputs(**{"report": REPORT, "authz": AUTHZ, **overrides})
    return build_users_overview(scan, run_checks(scan))


def user_of(view: UsersOverview, name: str) -> UserAtAGlance:
    """The user, who must be in the view."""
    found = view.user(name)
    assert found is not None, name
    return found


def test_every_user_with_credentials_groups_policies_and_failing_checks() -> None:
    view = overview()
    assert [u.name for u in view.users] == ["alice", "Bob", "carol", "dave"]  # "gone" no longer exists
    alice = user_of(view, "alice")
    assert alice.console_access is True and alice.mfa is True and alice.groups == ("PowerUsers",)
    assert [(k.slot, k.active, k.age_days(NOW)) for k in alice.keys] == [(1, True, 100), (2, False, 30)]
    assert alice.keys[0].last_used_service == "s3" and alice.keys[0].last_used_region == "eu-west-1"
    assert alice.last_activity == NOW - timedelta(days=1)
    assert alice.failing == ("key-rotation",)
    bob = user_of(view, "Bob")
    assert bob.policies == ("AdministratorAccess", "extra (inline)") and bob.groups == ("Developers", "Ops")
    assert bob.failing == ("console-users-mfa", "permissions-via-groups", "no-full-admin-policy")
    assert bob.last_activity is None and bob.keys == ()
    dave = user_of(view, "dave")
    assert dave.console_access is None and dave.mfa is None  # not in the report yet: unknown, not "no"
    assert view.notes == ()


def test_live_rereads_correct_the_report() -> None:
    view = overview(live_users={"Bob": LiveUser("Bob", "arn:u/Bob", mfa_active=True, password_enabled=True),
                                "carol": LiveUser("carol", "", exists=False)})
    assert user_of(view, "Bob").mfa is True and "console-users-mfa" not in user_of(view, "Bob").failing
    assert view.user("carol") is None


def test_what_is_missing_is_said() -> None:
    denied = Unavailable("AccessDenied", "no", "iam:GetAccountAuthorizationDetails")
    view = overview(authz=denied)
    assert [u.name for u in view.users] == ["alice", "Bob", "carol", "gone"]  # from the report alone
    assert user_of(view, "Bob").groups == () and "groups and policies are not shown" in view.notes[0]
    view = overview(report=Unavailable("AccessDenied", "no", "iam:GetCredentialReport"))
    assert user_of(view, "alice").console_access is None and "Credential report unavailable" in view.notes[0]


def test_sorting() -> None:
    users = overview().users
    assert [u.name for u in sort_users(users, UserSort.NAME, NOW)] == ["alice", "Bob", "carol", "dave"]
    assert [u.name for u in sort_users(users, UserSort.LAST_ACTIVITY, NOW)] == ["alice", "Bob", "carol", "dave"]
    assert [u.name for u in sort_users(users, UserSort.OLDEST_KEY, NOW)] == ["alice", "carol", "Bob", "dave"]
    assert [u.name for u in sort_users(users, UserSort.FAILING, NOW)] == ["Bob", "alice", "carol", "dave"]
    assert [u.name for u in sort_users(users, UserSort.CREATED, NOW)][-1] == "dave"  # unknown creation date last


def search_users(users: Iterable[UserAtAGlance], query: str) -> list[UserAtAGlance]:
    """What the users screen's filter keeps, said plainly (the oracle of ``UserRows.shown``): the users whose name or
    one of whose groups contains ``query``, ignoring case; all of them for a blank query."""
    needle = query.strip().casefold()
    if not needle:
        return list(users)
    return [u for u in users if needle in u.name.casefold() or any(needle in g.casefold() for g in u.groups)]


def test_search_is_a_case_insensitive_substring_of_name_or_groups() -> None:
    view = overview()
    rows = UserRows.of(view)

    def names(query: str) -> list[str]:
        return [view.users[i].name for i in rows.shown(UserSort.NAME, query)]

    assert names("BO") == ["Bob"]
    assert names("powerusers") == ["alice", "dave"]
    assert names("ops") == ["Bob"]
    assert names("  ") == ["alice", "Bob", "carol", "dave"]
    assert names("zzz") == []
