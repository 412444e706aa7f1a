"""The permission ``aws login`` needs: ``signin:AuthorizeOAuth2Access`` and ``signin:CreateOAuth2Token``, which the
AWS managed policy SignInLocalDevelopmentAccess grants and AdministratorAccess covers (IAM User Guide, "Login for
AWS local development using console credentials"). A plan to attach it to the user's group, with its undo."""

from __future__ import annotations

from collections.abc import Iterable

from .authz import aws_managed_policy_arn
from .fix_plan import FixItem, FixPlan
from .plan import PlanStep

SIGNIN_POLICY = "SignInLocalDevelopmentAccess"
COVERING = frozenset({SIGNIN_POLICY, "AdministratorAccess"})


def has_signin_access(managed_policy_arns: Iterable[str]) -> bool:
    """True when one of the user's managed policies (own or through a group) grants the signin actions."""
    return any(arn.rsplit("/", 1)[-1] in COVERING and ":iam::aws:policy/" in arn for arn in managed_policy_arns)


def signin_plan(user: str, group: str, partition: str = "aws") -> FixPlan:
    arn = aws_managed_policy_arn(SIGNIN_POLICY, partition)
    step = PlanStep(f"Attach {SIGNIN_POLICY} to group {group}", "AttachGroupPolicy",
                    {"GroupName": group, "PolicyArn": arn}, "DetachGroupPolicy", {"GroupName": group, "PolicyArn": arn})
    return FixPlan(f"Let {user} use aws login (group {group})", (step,),
                   (FixItem(f"group {group}: {SIGNIN_POLICY} attached",
                            f"{user}'s policies do not allow signin:AuthorizeOAuth2Access and "
                            "signin:CreateOAuth2Token, which aws login needs"),),
                   (f"Every member of {group} may then use aws login; it grants nothing else.",), touches=(user,))
