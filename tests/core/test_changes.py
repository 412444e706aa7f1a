"""What a write changed, named: which changes need the whole scan, which just the users, which nothing."""

from __future__ import annotations

from iam_tui.core.changes import Changed


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
