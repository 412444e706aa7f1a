"""CIS 1.14 (permissions only through groups): move a user's own policies to a group, as one plan with undo.

The order keeps the user's permissions whole at every step: the group gets the policies and the user joins it
before anything is taken off the user. Managed policies are attached to the group; inline policies are copied as
group inline policies of the same name (a managed policy cannot be made from them without choosing a name and
a path for it, and the console's own "copy permissions" works the same way), then deleted from the user.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .authz import AuthorizationDetails, InlinePolicy, PolicyRef, Principal
from .fix_plan import FixItem, FixPlan, FixProblem
from .plan import PlanStep
from .validation import name_taken, validate_group_name, validate_policy_name

GROUP_MANAGED_POLICIES_MAX = 10  # IAM quota (adjustable); AWS refuses the 11th with LimitExceeded
GROUPS_PER_USER_MAX = 10
GROUP_INLINE_CHARS_MAX = 5120  # the aggregate size of a group's inline policies, white space not counted
CHANGE_PASSWORD = "IAMUserChangePassword"


@dataclass(frozen=True)
class GroupTarget:
    name: str
    create: bool  # create the group, or use the existing one of that name


def _document_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2)


def _size(document: dict[str, Any]) -> int:
    return len(json.dumps(document, separators=(",", ":")))


def suggest_group_name(authz: AuthorizationDetails, user_name: str) -> str:
    """A free name for a new group holding the user's policies: ``<user>-permissions`` (numbered when taken)."""
    taken = {g.name.lower() for g in authz.groups}
    base = f"{user_name}-permissions"[:120]
    return next(name for n in range(1, 1000) if (name := base if n == 1 else f"{base}-{n}").lower() not in taken)


def _find(principals: tuple[Principal, ...], name: str) -> Principal | None:
    return next((p for p in principals if p.name == name), None)


def _inline_name(policy: InlinePolicy, group: Principal | None, user_name: str) -> str | None:
    """The name the policy gets on the group; None when the group already has it, with the same document."""
    existing = {p.name: p.document for p in group.inline} if group else {}
    if policy.name not in existing:
        return policy.name
    if existing[policy.name] == policy.document:
        return None
    renamed = f"{user_name}-{policy.name}"[:128]
    if renamed in existing or validate_policy_name(renamed):
        raise FixProblem(f"Group {group.name if group else ''} already has an inline policy {policy.name} with "
                         "another document: rename one of them first.")
    return renamed


def _is_change_password(ref: PolicyRef) -> bool:
    return ref.aws_managed and ref.name == CHANGE_PASSWORD


def _user_with_policies(authz: AuthorizationDetails, user_name: str) -> Principal:
    user = _find(authz.users, user_name)
    if user is None:
        raise FixProblem(f"No user {user_name} in the account's authorization details: refresh, then retry.")
    if not user.attached and not user.inline:
        raise FixProblem(f"{user_name} has no policies of its own: nothing to move.")
    return user


def change_password_detach_plan(authz: AuthorizationDetails, user_name: str) -> FixPlan | None:
    """When IAMUserChangePassword is the user's only policy of its own and the account password policy already
    lets users change their own password (the caller checks that), the fix is to detach it: no group needed.
    None when the user holds other policies too (they move to a group, see :func:`group_move_plan`)."""
    user = _user_with_policies(authz, user_name)
    if user.inline or not all(_is_change_password(ref) for ref in user.attached):
        return None
    ref = user.attached[0]
    params = {"UserName": user_name, "PolicyArn": ref.arn}
    step = PlanStep(f"Detach {ref.name} from {user_name}", "DetachUserPolicy", params, "AttachUserPolicy", params)
    return FixPlan(f"Detach {CHANGE_PASSWORD} from {user_name}", (step,),
                   (FixItem(f"{ref.name} (AWS managed): detach", "attached to the user directly (CIS 1.14)"),),
                   (_ALREADY_ALLOWED,), (), (user_name,))


_ALREADY_ALLOWED = (f"The account password policy already lets users change their own password "
                    f"(AllowUsersToChangePassword), so {CHANGE_PASSWORD} grants nothing more: it is detached, not "
                    "moved to a group.")


def group_move_plan(authz: AuthorizationDetails, user_name: str, target: GroupTarget, *,
                    users_change_password: bool = False) -> FixPlan:
    """The plan that moves every policy of ``user_name`` (from the scan's authorization details) to the group
    ``target``. With ``users_change_password`` (the account password policy's AllowUsersToChangePassword),
    IAMUserChangePassword is only detached, not moved. Raises FixProblem when it cannot work (no such user or group,
    a name AWS refuses or that exists, a quota the group or the user would exceed)."""
    user = _user_with_policies(authz, user_name)
    group = _find(authz.groups, target.name)
    if target.create:
        problem = validate_group_name(target.name) or name_taken(target.name, (g.name for g in authz.groups))
        if problem:
            raise FixProblem(problem)
    elif group is None:
        raise FixProblem(f"No group {target.name}: pick an existing group, or create it.")
    on_group = {p.arn for p in group.attached} if group else set()
    to_attach = [p for p in user.attached
                 if p.arn not in on_group and not (users_change_password and _is_change_password(p))]
    if len(on_group) + len(to_attach) > GROUP_MANAGED_POLICIES_MAX:
        raise FixProblem(f"Group {target.name} would have {len(on_group) + len(to_attach)} managed policies; AWS "
                         f"allows {GROUP_MANAGED_POLICIES_MAX} per group: pick or create another group.")
    member = target.name in user.groups
    if not member and len(user.groups) >= GROUPS_PER_USER_MAX:
        raise FixProblem(f"{user_name} is already in {GROUPS_PER_USER_MAX} groups, AWS's limit: move the policies "
                         "to one of those groups.")
    copies = [(p, _inline_name(p, group, user_name)) for p in user.inline]
    size = sum(_size(p.document) for p in (group.inline if group else ())) + sum(
        _size(p.document) for p, name in copies if name)
    if size > GROUP_INLINE_CHARS_MAX:
        raise FixProblem(f"The group's inline policies would total {size} characters; AWS allows "
                         f"{GROUP_INLINE_CHARS_MAX}: make a managed policy of the user's inline policy first.")

    g, u = target.name, user_name
    steps: list[PlanStep] = []
    if target.create:
        steps.append(PlanStep(f"Create group {g}", "CreateGroup", {"GroupName": g}, "DeleteGroup", {"GroupName": g}))
    for ref in to_attach:
        params = {"GroupName": g, "PolicyArn": ref.arn}
        steps.append(PlanStep(f"Attach {ref.name} to group {g}", "AttachGroupPolicy", params,
                              "DetachGroupPolicy", params))
    for policy, name in copies:
        if name:
            steps.append(PlanStep(f"Copy inline policy {policy.name} to group {g}" + (f" as {name}" if name !=
                                                                                      policy.name else ""),
                                  "PutGroupPolicy", {"GroupName": g, "PolicyName": name,
                                                     "PolicyDocument": json.dumps(policy.document)},
                                  "DeleteGroupPolicy", {"GroupName": g, "PolicyName": name}))
    if not member:
        params = {"GroupName": g, "UserName": u}
        steps.append(PlanStep(f"Add {u} to group {g}", "AddUserToGroup", params, "RemoveUserFromGroup", params))
    for ref in user.attached:
        params = {"UserName": u, "PolicyArn": ref.arn}
        steps.append(PlanStep(f"Detach {ref.name} from {u}", "DetachUserPolicy", params, "AttachUserPolicy", params))
    for policy in user.inline:
        steps.append(PlanStep(f"Delete inline policy {policy.name} from {u}", "DeleteUserPolicy",
                              {"UserName": u, "PolicyName": policy.name}, "PutUserPolicy",
                              {"UserName": u, "PolicyName": policy.name,
                               "PolicyDocument": json.dumps(policy.document)}))

    dropped = [ref for ref in user.attached if users_change_password and _is_change_password(ref)]
    items = [FixItem(f"{ref.name} ({'AWS managed' if ref.aws_managed else 'customer managed'}): "
                     + ("detach" if ref in dropped else f"move to {g}"), "attached to the user directly (CIS 1.14)")
             for ref in user.attached]
    items += [FixItem(f"{p.name} (inline): copy to {g}" + (f" as {name}" if name and name != p.name else "")
                      + " and delete from the user", "an inline policy of the user (CIS 1.14)")
              for p, name in copies]
    notes = []
    if user.inline:
        notes.append(f"Inline policies are copied to {g} as group inline policies (the same document), then "
                     "deleted from the user; a roll back puts them back on the user.")
    members = [other.name for other in authz.users if g in other.groups and other.name != u]
    if members:
        notes.append(f"The other members of {g} get these permissions too: {', '.join(members)}.")
    if dropped:
        notes.append(_ALREADY_ALLOWED)
    elif any(ref.name == CHANGE_PASSWORD for ref in user.attached):
        notes.append(f"{CHANGE_PASSWORD} is on the user so that it can change its own password. Better: let "
                     "users change their own password in the account password policy (`p` on the dashboard); "
                     "then this policy is not needed at all.")
    documents = tuple((f"{name} (inline, to {g})", _document_text(p.document)) for p, name in copies if name)
    return FixPlan(f"Move {u}'s policies to group {g}", tuple(steps), tuple(items),
                   tuple(notes), (), (u,), documents)
