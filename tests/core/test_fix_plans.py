"""The pure builders of the checks' fixes: what each plan does, what the review says, what is refused."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest

from iam_tui.core.authz import AuthorizationDetails, InlinePolicy, PolicyRef, Principal
from iam_tui.core.credential_fixes import delete_keys_plan, one_active_key_plan, root_keys_plan, unused_credentials_plan
from iam_tui.core.credential_report import CredentialReport
from iam_tui.core.fix_plan import FixPlan, FixProblem
from iam_tui.core.group_move import GROUP_MANAGED_POLICIES_MAX, GroupTarget, group_move_plan, suggest_group_name
from iam_tui.core.scan_inputs import LiveKey, LiveUser, effective_user_rows
from iam_tui.core.support_role import role_name_problem, suggest_role_name, support_role_plan

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def key(key_id: str, active: bool = True, days: int = 1, used_days: int | None = None) -> LiveKey:
    used = NOW - timedelta(days=used_days) if used_days is not None else None
    return LiveKey(key_id, active, NOW - timedelta(days=days), used, "s3" if used else None)


def plan_for(live: LiveUser, running: str | None = None) -> FixPlan:
    row = effective_user_rows(CredentialReport(NOW, ()), {live.name: live})[0]
    return unused_credentials_plan(live, row, NOW, running)


def test_unused_keys_are_deactivated_and_a_used_one_is_left_alone() -> None:
    live = LiveUser("bob", "arn:aws:iam::1:user/bob", created=NOW - timedelta(days=100), password_enabled=False,
                    keys=(key("AKIAOLD", days=100, used_days=50), key("AKIANEW", days=2, used_days=1)))
    plan = plan_for(live)
    assert [s.params for s in plan.steps] == [{"UserName": "bob", "AccessKeyId": "AKIAOLD", "Status": "Inactive"}]
    assert plan.steps[0].undo_params["Status"] == "Active" and plan.reversible
    assert plan.items[0].why == "last used 50 days ago (CIS 1.11)"


def test_an_unused_password_is_removed_last_and_the_running_key_confirmed_twice() -> None:
    live = LiveUser("bob", "arn", created=NOW - timedelta(days=90), password_enabled=True,
                    keys=(key("AKIARUN", days=90),))
    plan = plan_for(live, running="AKIARUN")
    assert [s.operation for s in plan.steps] == ["UpdateAccessKey", "DeleteLoginProfile"]
    assert not plan.steps[-1].reversible and plan.steps[-1].undo_text().startswith("cannot be undone: ")
    assert plan.confirm_twice == ("AKIARUN",) and any("AKIARUN" in n for n in plan.notes)
    assert plan.items[0].why == "never used (CIS 1.10); created, never used, 90 days ago (CIS 1.11)"


def test_nothing_unused_is_an_empty_plan() -> None:
    live = LiveUser("bob", "arn", created=NOW, password_enabled=True, keys=(key("AKIA1", used_days=0),))
    assert plan_for(live).empty


def test_one_active_key_and_delete_keys() -> None:
    keys = (key("AKIA1", days=30), key("AKIA2", days=3, used_days=1))
    plan = one_active_key_plan("carol", keys, "AKIA1")
    assert plan.items[0].what == "access key AKIA1 (key 1): deactivate" and "AKIA2 stays active." in plan.notes
    with pytest.raises(FixProblem):
        delete_keys_plan("carol", keys, ["AKIA1"])
    done = (key("AKIA1", active=False), keys[1])
    delete = delete_keys_plan("carol", done, described=["AKIA1"])
    assert [s.operation for s in delete.steps] == ["DeleteAccessKey", "UntagUser"]
    assert delete_keys_plan("carol", keys).empty


def test_root_keys_running_key_last() -> None:
    plan = root_keys_plan([key("AKIARUN"), key("AKIAOTHER")], "AKIARUN")
    assert [s.params["AccessKeyId"] for s in plan.steps] == ["AKIAOTHER", "AKIARUN"]
    assert all("UserName" not in s.params for s in plan.steps) and plan.confirm_twice == ("AKIARUN",)
    assert root_keys_plan([key("AKIAOTHER")], None).confirm_twice == ()


ADMIN = PolicyRef("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


S3_INLINE = InlinePolicy("s3", DOC)


def authz(user_policies: Iterable[PolicyRef] = (ADMIN,), inline: Iterable[InlinePolicy] = (S3_INLINE,),
          groups: Iterable[Principal] = (), user_groups: Iterable[str] = ()) -> AuthorizationDetails:
    return AuthorizationDetails(users=(Principal("user", "dave", "arn", tuple(user_policies), tuple(inline),
                                                 tuple(user_groups)),), groups=tuple(groups))


def test_group_move_keeps_permissions_whole_and_refuses_what_aws_would() -> None:
    plan = group_move_plan(authz(), "dave", GroupTarget("dave-permissions", create=True))
    assert [s.operation for s in plan.steps] == ["CreateGroup", "AttachGroupPolicy", "PutGroupPolicy",
                                                 "AddUserToGroup", "DetachUserPolicy", "DeleteUserPolicy"]
    assert json.loads(plan.steps[2].params["PolicyDocument"]) == DOC
    assert plan.steps[-1].undo_operation == "PutUserPolicy"
    with pytest.raises(FixProblem, match="already exists"):
        group_move_plan(authz(groups=[Principal("group", "Dave-Permissions", "arn")]), "dave",
                        GroupTarget("dave-permissions", create=True))
    with pytest.raises(FixProblem, match="may only contain"):
        group_move_plan(authz(), "dave", GroupTarget("bad name", create=True))
    full = Principal("group", "Full", "arn", tuple(PolicyRef(f"p{i}", f"arn:p{i}")
                                                   for i in range(GROUP_MANAGED_POLICIES_MAX)))
    with pytest.raises(FixProblem, match="allows 10"):
        group_move_plan(authz(groups=[full]), "dave", GroupTarget("Full", create=False))
    with pytest.raises(FixProblem, match="No group"):
        group_move_plan(authz(), "dave", GroupTarget("Missing", create=False))


def test_group_move_renames_an_inline_policy_the_group_has_with_another_document() -> None:
    group = Principal("group", "G", "arn", inline=(InlinePolicy("s3", {"Version": "2012-10-17"}),))
    plan = group_move_plan(authz(groups=[group]), "dave", GroupTarget("G", create=False))
    assert [s.params.get("PolicyName") for s in plan.steps if s.operation == "PutGroupPolicy"] == ["dave-s3"]
    same = Principal("group", "G", "arn", inline=(InlinePolicy("s3", DOC),), attached=(ADMIN,))
    plan = group_move_plan(authz(groups=[same], user_groups=["G"]), "dave", GroupTarget("G", create=False))
    assert [s.operation for s in plan.steps] == ["DetachUserPolicy", "DeleteUserPolicy"]  # already on the group
    assert suggest_group_name(authz(groups=[Principal("group", "dave-permissions", "a")]), "dave") == \
        "dave-permissions-2"


def test_support_role_name_and_trust_policy() -> None:
    assert suggest_role_name([]) == "AWSSupportRole"
    assert suggest_role_name(["awssupportrole"]) == "AWSSupportRole-2"
    assert role_name_problem("x" * 65, []) and role_name_problem("a b", []) and role_name_problem("", [])
    assert role_name_problem("Support", ["support"]) is not None
    plan = support_role_plan("123456789012", "aws-cn", "Support", [])
    trust = json.loads(plan.steps[0].params["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"AWS": "arn:aws-cn:iam::123456789012:root"}
    assert plan.steps[1].params["PolicyArn"] == "arn:aws-cn:iam::aws:policy/AWSSupportAccess"
    assert plan.documents[0][1] == plan.steps[0].params["AssumeRolePolicyDocument"]
