"""What a write changed, named: which changes need the whole scan, which just the users, which nothing."""

from __future__ import annotations

from iam_tui.core.changes import ANALYZERS, Changed


def test_an_unassigned_device_is_shown_nowhere_and_an_assigned_one_rereads_its_user() -> None:
    made = Changed.device(None, "arn:aws:iam::123456789012:mfa/dan")
    assert made.shown_nowhere and not made.users_only
    assert Changed.device(None, "arn:aws:iam::123456789012:mfa/dan", removed=True).shown_nowhere
    enabled = Changed.device("dan", "arn:aws:iam::123456789012:mfa/dan")
    assert enabled.users_only and not enabled.shown_nowhere and enabled.users == {"dan"}
    assert not (made | Changed.user("dan")).shown_nowhere
    assert not Changed().shown_nowhere  # unnamed: everything is read again


def test_removed_users_are_named_as_removed() -> None:
    changed = Changed.group("g").with_removed_users(["bob"])
    assert changed.removed_users == {"bob"} and changed.users == {"bob"} and not changed.users_only


def test_only_an_unnamed_change_or_one_naming_the_analyzers_may_change_them() -> None:
    assert Changed().may_change_analyzers  # the analyzers' own fix plan names no user or group
    assert Changed.setting(ANALYZERS).may_change_analyzers
    assert (Changed.user("dan") | Changed.setting(ANALYZERS)).may_change_analyzers
    for other in (Changed.user("dan"), Changed.group("g"), Changed.alias("corp"), Changed.setting("password policy"),
                  Changed.setting("security contact"), Changed.key("dan", "AKIA0000000000000000")):
        assert not other.may_change_analyzers, other
