"""An accepted finding: the guide's admin group failing no-full-admin-policy, accepted with a typed reason and bound
to the group's members and policies; a made-up marker is never an acceptance."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from iam_tui.core.accepted import (
    MARKER_NAME,
    REASON_MAX,
    Acceptance,
    AcceptanceRecord,
    acceptable_group,
    marker_document,
    new_record,
    read_record,
    reason_problem,
    record_document,
    subject_of,
)
from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, PolicyRef, Principal, allows_full_admin
from iam_tui.core.checks import CheckResult, Status, run_checks
from iam_tui.core.fixes import fix_for

from .test_checks import ADMIN, ADMIN_DOC, SUPPORT, inputs
from .test_fixes import fix_id

SUPPORT_ROLE = Principal("role", "support", "arn:role", (SUPPORT,))
BY = "arn:aws:iam::123456789012:user/admin"
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
REASON = "The guide's admin group; reviewed with Jo [EMEA]"
OLD_MARKER_DOCUMENT = {"Version": "2012-10-17", "Statement": [
    {"Sid": "IamTuiAcceptedFindingGrantsNothing", "Effect": "Deny", "NotAction": "*", "Resource": "*"}]}


def group(name: str = "PowerUsers", *inline: InlinePolicy, attached: tuple[PolicyRef, ...] = (ADMIN,)) -> Principal:
    return Principal("group", name, f"arn:aws:iam::123456789012:group/{name}", attached, inline)


def user(name: str, *groups: str, attached: tuple[PolicyRef, ...] = ()) -> Principal:
    return Principal("user", name, f"arn:aws:iam::123456789012:user/{name}", attached, (), groups)


def authz_of(*principals: Principal) -> AuthorizationDetails:
    return AuthorizationDetails(groups=tuple(p for p in principals if p.kind == "group"),
                                users=tuple(p for p in principals if p.kind == "user"),
                                roles=(SUPPORT_ROLE,), documents={ADMIN.arn: ADMIN_DOC})


def full_admin(*principals: Principal) -> CheckResult:
    return next(r for r in run_checks(inputs(authz=authz_of(*principals))) if r.id == "no-full-admin-policy")


def accepted(*principals: Principal, reason: str = REASON) -> Principal:
    """The PowerUsers group of ``principals`` with a marker recording their state now."""
    authz = authz_of(*principals)
    target = next(p for p in authz.groups if p.name == "PowerUsers")
    record = new_record(subject_of(authz, target), reason, BY, AT)
    return replace(target, inline=(*target.inline, InlinePolicy(MARKER_NAME, record_document(record))))


def acceptance_of(result: CheckResult) -> Acceptance:
    assert result.acceptance is not None
    return result.acceptance


def test_the_marker_grants_and_denies_nothing_and_is_not_full_admin() -> None:
    document = record_document(new_record(subject_of(authz_of(group()), group()), REASON, BY, AT))
    statement = document["Statement"][0]
    assert statement["Effect"] == "Deny" and statement["NotAction"] == "*" and statement["Resource"] == "*"
    assert set(statement["Condition"]) == {"StringEquals"}  # a condition only narrows a statement that matches none
    assert all(key.startswith("aws:PrincipalTag/iam-tui-accepted-") for key in statement["Condition"]["StringEquals"])
    assert not allows_full_admin(document)
    text = marker_document(new_record(subject_of(authz_of(group()), group()), "Überprüft — 監査済み", BY, AT))
    assert text.isascii() and len(text) < 1000  # IAM takes U+0020-U+00FF; far inside the 5,120 characters


def test_an_accepted_guide_group_still_fails_with_the_typed_reason_who_and_when() -> None:
    members = (user("alice", "PowerUsers"), user("bob", "PowerUsers"))
    result = full_admin(accepted(group(), *members), *members)
    assert result.status is Status.FAIL and result.accepted == REASON
    acceptance = result.acceptance
    assert acceptance is not None and acceptance.in_effect and not acceptance.lapsed
    assert (acceptance.group, acceptance.reason, acceptance.by, acceptance.at) == ("PowerUsers", REASON, BY, AT)
    assert acceptance.text() == f"accepted on PowerUsers by {BY} on 2026-12-01 09:30 UTC: {REASON}"
    data = result.to_json()
    assert data["status"] == "fail" and data["accepted"] == REASON
    assert data["acceptance"] == {"group": "PowerUsers", "reason": REASON, "by": BY, "when": "2026-12-01T09:30:00Z",
                                  "lapsed": False, "changed": [], "in_effect": True}
    assert fix_id(result) == "clear-acceptance"


def test_a_forged_marker_name_on_a_back_door_admin_group_is_no_acceptance() -> None:
    shadow = group("Shadow", InlinePolicy("iam-tui-accepted-approved-by-the-security-team", OLD_MARKER_DOCUMENT))
    result = full_admin(shadow)
    assert result.status is Status.FAIL and result.accepted is None and result.acceptance is None
    assert result.to_json()["accepted"] is None and result.to_json()["acceptance"] is None
    assert "approved by the security team" not in str(result.to_json())
    assert "Not an acceptance (ignored): iam-tui-accepted-approved-by-the-security-team (inline) on group Shadow" \
        in result.detail
    assert fix_for(result) is None


def test_the_marker_name_without_a_valid_record_is_no_acceptance() -> None:
    for document in (OLD_MARKER_DOCUMENT, {}, {"Statement": "x"}):
        result = full_admin(group("PowerUsers", InlinePolicy(MARKER_NAME, document)))
        assert result.acceptance is None and result.accepted is None
        assert "Not an acceptance (ignored)" in result.detail
        assert fix_id(result) == "accept-guide-admin-group"


def test_a_record_that_grants_more_or_says_other_things_is_no_record() -> None:
    record = new_record(subject_of(authz_of(group()), group()), REASON, BY, AT)
    assert read_record(record_document(record)) == record
    granting = record_document(record)
    granting["Statement"].append({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert read_record(granting) is None
    allowing = record_document(record)
    allowing["Statement"][0]["Effect"] = "Allow"
    assert read_record(allowing) is None
    for field, value in (("reason", ""), ("reason", "\x1b]52;c;ZXZpbA==\x07"), ("by", "root"),
                         ("at", "yesterday"), ("record", "iam-tui acceptance v0")):
        document = record_document(record)
        document["Statement"][0]["Condition"]["StringEquals"][f"aws:PrincipalTag/iam-tui-accepted-{field}"] = value
        assert read_record(document) is None, field


def test_a_valid_record_copied_to_another_group_is_no_acceptance() -> None:
    shadow = replace(accepted(group()), name="Shadow", arn="arn:aws:iam::123456789012:group/Shadow")
    assert full_admin(shadow).acceptance is None


def test_the_acceptance_lapses_when_a_member_is_added() -> None:
    alice = user("alice", "PowerUsers")
    powerusers = accepted(group(), alice)
    result = full_admin(powerusers, alice, user("mallory", "PowerUsers"))
    assert result.status is Status.FAIL and result.accepted is None
    assert result.acceptance is not None and result.acceptance.lapsed and result.acceptance.changed == ("members",)
    assert result.acceptance.text().startswith("acceptance lapsed: members of PowerUsers changed since "
                                               "2026-12-01 09:30 UTC (accepted by ")
    assert result.to_json()["acceptance"]["lapsed"] is True and result.to_json()["accepted"] is None
    assert fix_id(result) == "accept-guide-admin-group"  # accepting again records the group as it is now
    assert acceptance_of(full_admin(powerusers)).changed == ("members",)  # a member removed: lapsed as well


def test_the_acceptance_lapses_when_a_policy_is_attached_or_an_inline_policy_added() -> None:
    powerusers = accepted(group())
    attached = replace(powerusers, attached=(*powerusers.attached, PolicyRef("IAMFullAccess", "arn:iam-full")))
    assert acceptance_of(full_admin(attached)).changed == ("policies",)
    sneaky = InlinePolicy("iam-tui-accepted-x", {"Statement": [{"Effect": "Allow", "Action": "iam:*",
                                                                "Resource": "*"}]})
    inline = replace(powerusers, inline=(*powerusers.inline, sneaky))
    result = full_admin(inline)
    assert acceptance_of(result).changed == ("policies",) and result.accepted is None
    both = replace(attached, inline=inline.inline)
    assert acceptance_of(full_admin(both, user("mallory", "PowerUsers"))).text().startswith(
        "acceptance lapsed: members and policies of PowerUsers changed since")


def test_a_second_holder_is_not_covered() -> None:
    bob = user("bob", attached=(ADMIN,))
    result = full_admin(accepted(group(), bob), bob)
    assert result.status is Status.FAIL and result.accepted is None
    assert result.acceptance is not None and not result.acceptance.lapsed and not result.acceptance.in_effect
    assert result.acceptance.text().endswith("it does not cover user bob")
    assert acceptable_group(authz_of(group(), bob)) is None


def test_only_the_guide_group_can_be_accepted() -> None:
    assert acceptable_group(authz_of(group("Admins"))) is None
    assert acceptable_group(authz_of(group())) == group()


def test_the_reason_is_typed_text_within_bounds() -> None:
    assert reason_problem("") and reason_problem("   ")
    assert reason_problem("x" * (REASON_MAX + 1)) and not reason_problem("x" * REASON_MAX)
    assert reason_problem("a\x1b[2Jb") and reason_problem("a\u202eb") and reason_problem("a\nb")
    assert reason_problem("the guide's admin group [/]") is None


@given(st.text(min_size=1, max_size=REASON_MAX))
def test_every_valid_reason_survives_the_round_trip(reason: str) -> None:
    if reason_problem(reason):
        return
    record = new_record(subject_of(authz_of(group()), group()), reason, BY, AT)
    assert read_record(record_document(record)) == record
    assert isinstance(record, AcceptanceRecord) and record.reason == reason.strip()


def test_the_largest_record_fits_iams_limit_for_a_groups_inline_policies() -> None:
    """IAM counts at most 5,120 characters (whitespace excluded) for all of a group's inline policies together: the
    worst reason (every character a surrogate pair, 12 characters as JSON escapes) and a long role session ARN leave
    more than a third of it to the group's other inline policies."""
    worst = "😀" * REASON_MAX
    assert reason_problem(worst) is None
    long_arn = "arn:aws:sts::123456789012:assumed-role/" + "r" * 64 + "/" + "s" * 64
    text = marker_document(new_record(subject_of(authz_of(group()), group()), worst, long_arn, AT))
    assert len("".join(text.split())) < 5120 * 2 // 3
