"""Findings the user accepted on purpose: today one, the guide's own admin group (``PowerUsers`` with
AdministratorAccess) failing no-full-admin-policy (CIS 1.15). The check's status stays ``fail``; the result carries
the reason, so that the screen and ``iam-tui check --json`` can say the failure is known and meant.

IAM groups cannot be tagged (IAM has no TagGroup, and GetAccountAuthorizationDetails returns no tags for groups),
so the acceptance is stored on the group as an inline policy whose name carries the reason and whose one statement
grants and denies nothing (``Deny`` of ``NotAction: "*"`` matches no action). It survives restarts, goes when the
group goes, is visible in the console, and the scan reads it from the authorization details it already reads.
"""

from __future__ import annotations

import json
from typing import Any

from .authz import AuthorizationDetails, Principal, allows_full_admin
from .guide_names import DEFAULT_GROUP

MARKER_PREFIX = "iam-tui-accepted-"
GUIDE_ADMIN_GROUP = "guide-admin-group"
REASONS: dict[str, str] = {GUIDE_ADMIN_GROUP: "the guide's admin group"}
MARKER_DOCUMENT: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "IamTuiAcceptedFindingGrantsNothing", "Effect": "Deny", "NotAction": "*",
                   "Resource": "*"}],
}


def marker_policy_name(reason_id: str) -> str:
    """The inline policy name that records ``reason_id`` (a key of :data:`REASONS`)."""
    if reason_id not in REASONS:
        raise ValueError(f"unknown acceptance reason: {reason_id}")
    return MARKER_PREFIX + reason_id


def marker_document() -> str:
    return json.dumps(MARKER_DOCUMENT, separators=(",", ":"))


def accepted_reason(principal: Principal) -> str | None:
    """The reason recorded on ``principal`` (a group), in words, or None."""
    for inline in principal.inline:
        if inline.name.startswith(MARKER_PREFIX):
            reason_id = inline.name[len(MARKER_PREFIX):]
            return REASONS.get(reason_id, reason_id.replace("-", " "))
    return None


def full_admin_principals(authz: AuthorizationDetails) -> list[Principal]:
    """Every user, group and role with a policy (attached or inline) that allows ``*:*``."""
    return [p for p in authz.principals()
            if any(allows_full_admin(authz.documents.get(ref.arn)) for ref in p.attached)
            or any(allows_full_admin(inline.document) for inline in p.inline)]


def acceptable_group(authz: AuthorizationDetails) -> str | None:
    """The guide's admin group, when it is the only principal with a ``*:*`` policy (the only case the issue lets
    the user accept); None otherwise."""
    holders = full_admin_principals(authz)
    if len(holders) == 1 and holders[0].kind == "group" and holders[0].name == DEFAULT_GROUP:
        return DEFAULT_GROUP
    return None


def acceptance_of(holders: list[Principal]) -> str | None:
    """The reason to show on the check's result: set only when every ``*:*`` holder is a group that carries an
    acceptance (a new holder elsewhere makes the finding a plain failure again)."""
    if not holders or any(p.kind != "group" or accepted_reason(p) is None for p in holders):
        return None
    return "; ".join(dict.fromkeys(f"accepted: {accepted_reason(p)} ({p.name})" for p in holders))
