"""The check beyond CIS: administrators' CLI access is short-lived or MFA-gated."""

from __future__ import annotations

import json

from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, PolicyRef, Principal
from iam_tui.core.checks import CheckId, CheckResult, Status
from iam_tui.core.credential_report import parse_report
from iam_tui.core.fixes import fix_for
from iam_tui.core.mfa_gate import POLICY_NAME, denies_without_mfa, gates_everything, policy_document, policy_json

from .reports import report, root_row, row
from .test_checks import ADMIN, ADMIN_DOC, by_id, inputs, iso

GATE = PolicyRef(POLICY_NAME, f"arn:aws:iam::123456789012:policy/{POLICY_NAME}")


def _scan(users: tuple[Principal, ...], groups: tuple[Principal, ...] = (), **rows: bool) -> CheckResult:
    """``rows``: user -> has an active key."""
    lines = [row(u, access_key_1_active="true" if active else "false", access_key_1_last_rotated=iso(3))
             for u, active in rows.items()]
    authz = AuthorizationDetails(users=users, groups=groups,
                                 documents={ADMIN.arn: ADMIN_DOC, GATE.arn: policy_document()})
    return by_id(inputs(authz=authz, report=parse_report(report(root_row(), *lines))))[CheckId.ADMIN_KEYS_MFA]


def test_admin_with_a_plain_key_fails_and_is_offered_way_2() -> None:
    result = _scan((Principal("user", "alice", "arn:u", groups=("PowerUsers",)), Principal("user", "bob", "arn:b")),
                   (Principal("group", "PowerUsers", "arn:g", (ADMIN,)),), alice=True, bob=True)
    assert result.status is Status.FAIL and result.users == ("alice",)  # bob cannot do everything
    assert result.resources == ("alice: 1 active access key(s) that work without MFA",)
    fix = fix_for(result)
    assert fix is not None and fix.id == "gate-admin-key"


def test_a_gated_key_a_keyless_admin_and_a_direct_star_policy() -> None:
    gated = Principal("group", "PowerUsers", "arn:g", (ADMIN, GATE))
    assert _scan((Principal("user", "alice", "arn:u", groups=("PowerUsers",)),), (gated,),
                 alice=True).status is Status.PASS
    assert _scan((Principal("user", "alice", "arn:u", (ADMIN,)),), alice=False).status is Status.PASS
    star = InlinePolicy("all", ADMIN_DOC)
    result = _scan((Principal("user", "carol", "arn:c", inline=(star,)),), carol=True)
    assert result.status is Status.FAIL and result.users == ("carol",)


def test_the_policy_gates_a_long_term_key_but_not_an_mfa_session() -> None:
    document = json.loads(policy_json("aws-cn"))
    assert "arn:aws-cn:iam::*:mfa/*" in policy_json("aws-cn")
    assert gates_everything(document)
    assert denies_without_mfa(document, "iam:CreateUser", None)
    assert denies_without_mfa(document, "s3:GetObject", False)
    assert not denies_without_mfa(document, "iam:CreateUser", True)
    for allowed in ("sts:GetSessionToken", "iam:EnableMFADevice", "iam:ChangePassword"):
        assert not denies_without_mfa(document, allowed, None)
    document["Statement"][-1]["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    assert not gates_everything(document)  # Bool does not match a request without the key: a long-term key
