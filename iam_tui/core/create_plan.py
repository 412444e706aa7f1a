"""The create-user request and the ordered plan of AWS calls that carries it out, each step with its undo (the plan
types are in :mod:`.plan`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .authz import aws_managed_policy_arn, in_partition
from .guide_names import DEFAULT_GROUP as DEFAULT_GROUP  # re-exported: the screens import it from here
from .password_policy import EffectivePolicy
from .plan import PlanState as PlanState  # re-exported: the screens import it from here
from .plan import PlanStep
from .secret import Secret

# In the standard partition; a plan moves them to the caller's partition (NewUserRequest.partition).
ADMINISTRATOR_ACCESS = aws_managed_policy_arn("AdministratorAccess")
CHANGE_PASSWORD_POLICY = aws_managed_policy_arn("IAMUserChangePassword")
DEFAULT_TAGS: tuple[tuple[str, str], ...] = (("user-type", "IAM power user"),)


def policy_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class GroupChoice:
    name: str
    create: bool  # create the group (and attach the policy), or use an existing one
    policy_arn: str | None = None  # for a new group
    existing_policies: tuple[str, ...] = ()  # names of the policies an existing group has


@dataclass(frozen=True)
class NewUserRequest:
    user_name: str
    group: GroupChoice
    console_access: bool = True
    password: Secret | None = None
    password_generated: bool = True
    password_reset_required: bool = True
    tags: tuple[tuple[str, str], ...] = DEFAULT_TAGS
    policy: EffectivePolicy = field(default_factory=lambda: EffectivePolicy(None))
    partition: str = "aws"  # the caller's: AWS managed policy ARNs are built in it

    @property
    def attach_change_password(self) -> bool:
        """As the console does: a user who must change the password at first sign-in, in an account whose
        policy does not let users change their own password, gets IAMUserChangePassword attached directly; not when
        the existing group the user joins has it already (the 1.14 fix moves it there)."""
        in_group = not self.group.create and "IAMUserChangePassword" in self.group.existing_policies
        return (self.console_access and self.password_reset_required and not self.policy.allow_users_to_change
                and not in_group)

    @property
    def group_policy_arn(self) -> str | None:
        """The new group's policy, in the caller's partition."""
        arn = self.group.policy_arn
        return in_partition(arn, self.partition) if arn else None

    @property
    def change_password_policy_arn(self) -> str:
        return in_partition(CHANGE_PASSWORD_POLICY, self.partition)

    @property
    def grants_full_admin(self) -> bool:
        if self.group.create:
            return (self.group_policy_arn or "").endswith(":iam::aws:policy/AdministratorAccess")
        return "AdministratorAccess" in self.group.existing_policies


def build_plan(request: NewUserRequest) -> list[PlanStep]:
    user, group = request.user_name, request.group.name
    steps: list[PlanStep] = []
    if request.group.create:
        steps.append(PlanStep(f"Create group {group}", "CreateGroup", {"GroupName": group},
                              "DeleteGroup", {"GroupName": group}))
        arn = request.group_policy_arn
        if arn:
            steps.append(PlanStep(f"Attach {policy_name(arn)} to group {group}", "AttachGroupPolicy",
                                  {"GroupName": group, "PolicyArn": arn},
                                  "DetachGroupPolicy", {"GroupName": group, "PolicyArn": arn}))
    params: dict[str, Any] = {"UserName": user}
    if request.tags:
        params["Tags"] = [{"Key": k, "Value": v} for k, v in request.tags]
    steps.append(PlanStep(f"Create user {user}" + (f" with {len(request.tags)} tag(s)" if request.tags else ""),
                          "CreateUser", params, "DeleteUser", {"UserName": user}))
    if request.console_access:
        if request.password is None:
            raise ValueError("console access needs a password")
        reset = " (must change it at first sign-in)" if request.password_reset_required else ""
        steps.append(PlanStep(f"Give {user} a console password{reset}", "CreateLoginProfile",
                              {"UserName": user, "Password": request.password,
                               "PasswordResetRequired": request.password_reset_required},
                              "DeleteLoginProfile", {"UserName": user}))
    if request.attach_change_password:
        arn = request.change_password_policy_arn
        steps.append(PlanStep(f"Let {user} change the password: attach IAMUserChangePassword", "AttachUserPolicy",
                              {"UserName": user, "PolicyArn": arn},
                              "DetachUserPolicy", {"UserName": user, "PolicyArn": arn}))
    steps.append(PlanStep(f"Add {user} to group {group}", "AddUserToGroup", {"GroupName": group, "UserName": user},
                          "RemoveUserFromGroup", {"GroupName": group, "UserName": user}))
    return steps


def review_notes(request: NewUserRequest) -> list[str]:
    """Honest notes on what the result will look like to the security recommendations."""
    notes = []
    if request.grants_full_admin:
        notes.append("no-full-admin-policy (CIS 1.15) will fail: AdministratorAccess allows \"*:*\". That is the "
                     "guide's intent; keep the group small and every member on MFA.")
    if request.attach_change_password:
        why = ("no account password policy is set, and without one users may not change their own password"
               if request.policy.is_default else "the account password policy does not let users change their own "
               "password")
        notes.append("permissions-via-groups (CIS 1.14) will fail: IAMUserChangePassword is attached to the user "
                     f"directly (as the console does) because {why}: without it the user could not set the new "
                     "password at first sign-in. Better: allow users to change their own password in the password "
                     "policy (`p` on the dashboard), then this attachment is not needed.")
    if request.console_access:
        notes.append("console-users-mfa (CIS 1.9) will fail until you assign an MFA device (guide step 3).")
    return notes
