"""CIS 1.16: a role with the AWS managed policy AWSSupportAccess, so that incidents can be handled with AWS Support
without root. The role trusts the account (``arn:<partition>:iam::<account>:root``): any IAM user or role of this
account whose own policies allow ``sts:AssumeRole`` on it may assume it, and no one else."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .authz import aws_managed_policy_arn
from .fix_plan import FixItem, FixPlan, FixProblem
from .plan import PlanStep
from .validation import name_taken, validate_role_name

SUPPORT_ROLE_NAME = "AWSSupportRole"
SUPPORT_POLICY = "AWSSupportAccess"
DESCRIPTION = "Opens and manages AWS Support cases (CIS 1.16)."


def trust_policy(account_id: str, partition: str = "aws") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
            "Action": "sts:AssumeRole",
        }],
    }


def role_name_problem(name: str, existing: Iterable[str]) -> str | None:
    """AWS's rules for a role name (1-64 of letters, digits and + = , . @ _ -), unique ignoring case."""
    return validate_role_name(name) or name_taken(name, existing)


def suggest_role_name(existing: Iterable[str]) -> str:
    """``AWSSupportRole``, or ``AWSSupportRole-2``, ... when taken."""
    taken = {name.lower() for name in existing}
    return next(name for n in range(1, 1000)
                if (name := SUPPORT_ROLE_NAME if n == 1 else f"{SUPPORT_ROLE_NAME}-{n}").lower() not in taken)


def support_role_plan(account_id: str, partition: str, role_name: str, existing_roles: Iterable[str]) -> FixPlan:
    """Create ``role_name`` trusted by the account, then attach AWSSupportAccess. Raises FixProblem for a name AWS
    would refuse or that exists."""
    problem = role_name_problem(role_name, existing_roles)
    if problem:
        raise FixProblem(problem)
    trust = json.dumps(trust_policy(account_id, partition), indent=2)
    arn = aws_managed_policy_arn(SUPPORT_POLICY, partition)
    steps = (
        PlanStep(f"Create role {role_name}, trusted by account {account_id}", "CreateRole",
                 {"RoleName": role_name, "AssumeRolePolicyDocument": trust, "Description": DESCRIPTION},
                 "DeleteRole", {"RoleName": role_name}),
        PlanStep(f"Attach {SUPPORT_POLICY} to role {role_name}", "AttachRolePolicy",
                 {"RoleName": role_name, "PolicyArn": arn}, "DetachRolePolicy",
                 {"RoleName": role_name, "PolicyArn": arn}),
    )
    notes = (f"The role trusts the account, not everyone in it: a user or role of {account_id} may assume it only "
             "when its own policies allow sts:AssumeRole on the role (AdministratorAccess does). Decide who: "
             "for example, a policy on your admins' group.",)
    return FixPlan(f"Create the support role {role_name}", steps,
                   (FixItem(f"role {role_name} with {SUPPORT_POLICY}: create",
                            "no role can open AWS Support cases (CIS 1.16)"),),
                   notes, documents=((f"Trust policy of {role_name}", trust),))
