from __future__ import annotations

import pytest

from iam_tui.core.create_plan import (
    ADMINISTRATOR_ACCESS,
    CHANGE_PASSWORD_POLICY,
    GroupChoice,
    NewUserRequest,
    build_plan,
    review_notes,
)
from iam_tui.core.password_policy import EffectivePolicy, PasswordPolicy
from iam_tui.core.plan import PlanStep
from iam_tui.core.secret import Secret

PASSWORD = Secret("Very-Secret-1234")


def request(**overrides: object) -> NewUserRequest:
    base = {"user_name": "alice", "group": GroupChoice("PowerUsers", True, ADMINISTRATOR_ACCESS),
            "password": PASSWORD, "policy": EffectivePolicy(None)}
    return NewUserRequest(**{**base, **overrides})  # type: ignore[arg-type]


def ops(plan: list[PlanStep]) -> list[str]:
    return [step.operation for step in plan]


def test_the_guides_plan_in_order() -> None:
    plan = build_plan(request(policy=EffectivePolicy(PasswordPolicy(allow_users_to_change=True))))
    assert ops(plan) == ["CreateGroup", "AttachGroupPolicy", "CreateUser", "CreateLoginProfile", "AddUserToGroup"]
    assert [s.undo_operation for s in plan] == ["DeleteGroup", "DetachGroupPolicy", "DeleteUser",
                                                "DeleteLoginProfile", "RemoveUserFromGroup"]
    assert plan[2].params["Tags"] == [{"Key": "user-type", "Value": "IAM power user"}]
    assert plan[3].params["PasswordResetRequired"] is True and plan[3].params["Password"] is PASSWORD


def test_policy_that_forbids_changing_passwords_adds_iam_user_change_password() -> None:
    strict = EffectivePolicy(PasswordPolicy(minimum_length=14, allow_users_to_change=False))
    plan = build_plan(request(policy=strict))
    assert "AttachUserPolicy" in ops(plan)
    step = plan[ops(plan).index("AttachUserPolicy")]
    assert step.params["PolicyArn"] == CHANGE_PASSWORD_POLICY
    assert any("permissions-via-groups" in n for n in review_notes(request(policy=strict)))
    allowed = EffectivePolicy(PasswordPolicy(minimum_length=14, allow_users_to_change=True))
    assert "AttachUserPolicy" not in ops(build_plan(request(policy=allowed)))
    assert "AttachUserPolicy" not in ops(build_plan(request(policy=strict, password_reset_required=False)))


def test_existing_group_and_no_console() -> None:
    plan = build_plan(request(group=GroupChoice("Admins", False, None, ("AdministratorAccess",)),
                              console_access=False, password=None, tags=()))
    assert ops(plan) == ["CreateUser", "AddUserToGroup"]
    assert "Tags" not in plan[0].params


def test_the_password_is_masked_in_the_call_text() -> None:
    text = " ".join(step.call_text() for step in build_plan(request()))
    assert "Very-Secret-1234" not in text and "Password=********" in text


def test_review_notes_are_honest() -> None:
    notes = " ".join(review_notes(request()))
    assert "no-full-admin-policy" in notes and "console-users-mfa" in notes
    power = review_notes(request(group=GroupChoice("Dev", True, "arn:aws:iam::aws:policy/PowerUserAccess")))
    assert not any("no-full-admin-policy" in n for n in power)


def test_no_password_policy_means_users_may_not_change_their_password() -> None:
    """AWS's default (no policy) does not let users change their own password: a forced reset needs
    IAMUserChangePassword, as the console attaches it, and the review says why."""
    plan = build_plan(request(policy=EffectivePolicy(None)))
    step = plan[ops(plan).index("AttachUserPolicy")]
    assert step.params["PolicyArn"] == CHANGE_PASSWORD_POLICY
    notes = " ".join(review_notes(request(policy=EffectivePolicy(None))))
    assert "no account password policy is set" in notes and "first sign-in" in notes


def test_a_group_that_has_iam_user_change_password_already_gives_it() -> None:
    """After the 1.14 fix moved it to PowerUsers, the next user created in PowerUsers got it attached directly again
    (and the review said 1.14 would fail)."""
    group = GroupChoice("PowerUsers", False, existing_policies=("AdministratorAccess", "IAMUserChangePassword"))
    assert "AttachUserPolicy" not in ops(build_plan(request(group=group)))
    assert not any("1.14" in note for note in review_notes(request(group=group)))
    other = GroupChoice("Ops", False, existing_policies=("AdministratorAccess",))
    assert "AttachUserPolicy" in ops(build_plan(request(group=other)))


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov"])
def test_aws_managed_policy_arns_are_built_in_the_callers_partition(partition: str) -> None:
    plan = build_plan(request(partition=partition))
    arns = [step.params["PolicyArn"] for step in plan if "PolicyArn" in step.params]
    assert arns == [f"arn:{partition}:iam::aws:policy/AdministratorAccess",
                    f"arn:{partition}:iam::aws:policy/IAMUserChangePassword"]
    assert request(partition=partition).grants_full_admin
