"""An accepted finding: the guide's admin group failing no-full-admin-policy, marked by the user."""

from __future__ import annotations

import pytest

from iam_tui.core.accepted import (
    GUIDE_ADMIN_GROUP,
    MARKER_DOCUMENT,
    acceptable_group,
    accepted_reason,
    marker_document,
    marker_policy_name,
)
from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, Principal, allows_full_admin
from iam_tui.core.checks import Status, run_checks

from .test_checks import ADMIN, ADMIN_DOC, SUPPORT, inputs

MARKER = InlinePolicy(marker_policy_name(GUIDE_ADMIN_GROUP), MARKER_DOCUMENT)
SUPPORT_ROLE = Principal("role", "support", "arn:role", (SUPPORT,))


def group(name: str = "PowerUsers", *inline: InlinePolicy) -> Principal:
    return Principal("group", name, f"arn:group/{name}", (ADMIN,), inline)


def full_admin(*principals: Principal):
    authz = AuthorizationDetails(groups=tuple(p for p in principals if p.kind == "group"),
                                 users=tuple(p for p in principals if p.kind == "user"),
                                 roles=(SUPPORT_ROLE,), documents={ADMIN.arn: ADMIN_DOC})
    return authz, next(r for r in run_checks(inputs(authz=authz)) if r.id == "no-full-admin-policy")


def test_the_marker_grants_and_denies_nothing_and_is_not_full_admin() -> None:
    statement = MARKER_DOCUMENT["Statement"][0]
    assert statement["Effect"] == "Deny" and statement["NotAction"] == "*"  # matches no action
    assert not allows_full_admin(MARKER_DOCUMENT)
    assert '"NotAction":"*"' in marker_document()
    with pytest.raises(ValueError):
        marker_policy_name("anything")


def test_an_accepted_guide_group_still_fails_with_the_reason() -> None:
    _, result = full_admin(group("PowerUsers", MARKER))
    assert result.status is Status.FAIL
    assert result.accepted == "accepted: the guide's admin group (PowerUsers)"
    assert result.to_json()["accepted"] == result.accepted and result.to_json()["status"] == "fail"


def test_not_accepted_without_the_marker() -> None:
    authz, result = full_admin(group("PowerUsers"))
    assert result.status is Status.FAIL and result.accepted is None
    assert result.to_json()["accepted"] is None
    assert acceptable_group(authz) == "PowerUsers"


def test_a_second_holder_makes_it_a_plain_failure_again() -> None:
    authz, result = full_admin(group("PowerUsers", MARKER), Principal("user", "bob", "arn:u/bob", (ADMIN,)))
    assert result.status is Status.FAIL and result.accepted is None
    assert acceptable_group(authz) is None


def test_only_the_guide_group_can_be_accepted() -> None:
    authz, _ = full_admin(group("Admins"))
    assert acceptable_group(authz) is None


def test_the_reason_is_read_from_the_marker_name() -> None:
    assert accepted_reason(group("PowerUsers", MARKER)) == "the guide's admin group"
    assert accepted_reason(group("PowerUsers", InlinePolicy("iam-tui-accepted-kept-on-purpose", {}))) == \
        "kept on purpose"
    assert accepted_reason(group("PowerUsers", InlinePolicy("other", {}))) is None
