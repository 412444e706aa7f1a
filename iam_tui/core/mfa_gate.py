"""An access key that MFA gates: AWS's documented policy that denies everything but managing one's own MFA device
and password (and ``sts:GetSessionToken``) unless the request is MFA-authenticated, and the evaluation of such a
deny for one request (the demo sandbox enforces it; the security check recognises a gated key by it).

The document follows the IAM User Guide's example "AWS: Allows MFA-authenticated IAM users to manage their own MFA
device on the Security credentials page" (statement ``DenyAllExceptListedIfNoMFA``), with ``iam:ChangePassword`` and
``iam:GetAccountPasswordPolicy`` kept usable as in "... manage their own credentials": a user asked to change the
password at first sign-in can do so before MFA. ``BoolIfExists`` (not ``Bool``) is what makes it deny a long-term
key: a request signed with one carries no ``aws:MultiFactorAuthPresent`` key at all, and ``Bool`` on a missing key
does not match (the IAM User Guide, "Condition operator ... IfExists" and the MFA-protected API access page).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from typing import Any

from .fix_plan import FixItem, FixPlan
from .plan import PlanStep

POLICY_NAME = "Force_MFA"  # the name AWS's tutorial gives it ("Enable your users to configure their own ...")
POLICY_DESCRIPTION = "Denies every action but managing one's own MFA device and password unless signed in with MFA"
MFA_PRESENT = "aws:multifactorauthpresent"
MFA_AGE = "aws:multifactorauthage"
NOT_GATED = (  # what the key alone may still do: set up MFA, change the password, get an MFA session
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetUser",
    "iam:GetMFADevice",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "iam:ChangePassword",
    "iam:GetAccountPasswordPolicy",
    "sts:GetSessionToken",
)
SESSION_SECONDS = 43_200  # GetSessionToken's default (12 hours), and aws configure mfa-login's
KEY_PROFILE_PROMPT = "Access key profile"  # starts the question for a key profile's code (aws/mfa_profile.py)
REFUSED_KEY_PROMPT = "Access key refused without MFA"  # starts it for a key AWS refused (aws/mfa_refused.py)


def policy_document(partition: str = "aws") -> dict[str, Any]:
    """The policy, with its ARNs in the caller's partition."""
    user = f"arn:{partition}:iam::*:user/${{aws:username}}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowViewAccountInfo", "Effect": "Allow",
             "Action": ["iam:ListVirtualMFADevices", "iam:GetAccountPasswordPolicy"], "Resource": "*"},
            {"Sid": "AllowManageOwnVirtualMFADevice", "Effect": "Allow",
             "Action": ["iam:CreateVirtualMFADevice"], "Resource": f"arn:{partition}:iam::*:mfa/*"},
            {"Sid": "AllowManageOwnUserMFAAndPassword", "Effect": "Allow",
             "Action": ["iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:GetMFADevice",
                        "iam:ListMFADevices", "iam:ResyncMFADevice", "iam:ChangePassword"],
             "Resource": user},
            {"Sid": "DenyAllExceptListedIfNoMFA", "Effect": "Deny", "NotAction": list(NOT_GATED), "Resource": "*",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
        ],
    }


def policy_json(partition: str = "aws") -> str:
    return json.dumps(policy_document(partition), indent=2)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _matches(patterns: Iterable[Any], action: str) -> bool:
    """IAM's action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return any(isinstance(p, str) and fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _action_applies(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not _matches(_as_list(statement["NotAction"]), action)
    return _matches(_as_list(statement.get("Action")), action)


def _mfa_condition(condition: Any, mfa_present: bool | None) -> bool | None:
    """Whether a condition block made only of MFA keys matches a request (``mfa_present`` None: the request
    carries no MFA key, as a long-term key's does not). None when the block tests anything else (not judged)."""
    if not isinstance(condition, dict) or not condition:
        return None
    results: list[bool] = []
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            return None
        for key, values in tests.items():
            wanted = {str(v).lower() for v in _as_list(values)}
            key = key.lower()
            op = str(operator).lower()
            if key == MFA_PRESENT and op in ("bool", "boolifexists"):
                if mfa_present is None:
                    results.append(op == "boolifexists")
                else:
                    results.append(("true" if mfa_present else "false") in wanted)
            elif key in (MFA_PRESENT, MFA_AGE) and op == "null":
                absent = mfa_present is None or (key == MFA_AGE and not mfa_present)
                results.append(("true" if absent else "false") in wanted)
            else:
                return None
    return all(results)


def gating_statements(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The statements that deny requests made without MFA: ``Deny`` on every resource, conditioned on MFA
    alone, that a request without MFA matches and one with MFA does not."""
    found = []
    for statement in _as_list((document or {}).get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        if "*" not in _as_list(statement.get("Resource")):
            continue
        if _mfa_condition(statement.get("Condition"), None) and _mfa_condition(statement.get("Condition"),
                                                                               True) is False:
            found.append(statement)
    return found


def denies_without_mfa(document: dict[str, Any] | None, action: str, mfa_present: bool | None) -> bool:
    """True when the document explicitly denies ``action`` (``service:Operation``) for a request whose MFA state
    is ``mfa_present`` (None: no MFA key in the request, as with a long-term key)."""
    return any(_action_applies(s, action) and _mfa_condition(s.get("Condition"), mfa_present)
               for s in gating_statements(document))


def gates_everything(document: dict[str, Any] | None) -> bool:
    """True when the document denies ordinary work without MFA (not just a few actions): an MFA-gated key."""
    probes = ("iam:CreateUser", "iam:AttachUserPolicy", "s3:GetObject", "ec2:RunInstances")
    return all(denies_without_mfa(document, action, None) for action in probes)


def policy_arn(account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:policy/{POLICY_NAME}"


def gate_plan(user: str, group: str, account_id: str, partition: str, *, policy_exists: bool, attached: bool,
              members: Iterable[str] = ()) -> FixPlan:
    """Create the MFA-required policy (unless it exists) and attach it to ``group`` (unless it is): every call with
    its undo. The key and its profile come after the plan (the key's secret is shown once, outside a plan)."""
    arn = policy_arn(account_id, partition)
    document = policy_json(partition)
    steps: list[PlanStep] = []
    if not policy_exists:
        steps.append(PlanStep(f"Create the customer managed policy {POLICY_NAME}", "CreatePolicy",
                              {"PolicyName": POLICY_NAME, "PolicyDocument": document,
                               "Description": POLICY_DESCRIPTION}, "DeletePolicy", {"PolicyArn": arn}))
    if not attached:
        steps.append(PlanStep(f"Attach {POLICY_NAME} to group {group}", "AttachGroupPolicy",
                              {"GroupName": group, "PolicyArn": arn}, "DetachGroupPolicy",
                              {"GroupName": group, "PolicyArn": arn}))
    others = sorted(set(members) - {user})
    notes = [f"Afterwards every access key of the group's members works only through an MFA session: "
             f"aws configure mfa-login --profile {user}-long-term --update-profile {user} (AWS CLI 2.30.3+), or "
             f"aws sts get-session-token --serial-number ARN --token-code CODE. The console is not affected for a "
             f"user who signs in with MFA.",
             "Then iam-tui creates the access key (its secret goes straight into the profile), writes the key's "
             "profile with mfa_serial, and proves both halves: the key alone is refused, a session made with your "
             "code works."]
    notes.append(f"aws login (way 1) for a member of {group}: AWS does not document whether its credentials count "
                 "as MFA-authenticated (aws:MultiFactorAuthPresent), so this policy may refuse them too; way 1's "
                 "verification makes an ordinary call and says so if it is refused.")
    if others:
        notes.insert(0, f"The group has other members, whose keys and console sessions without MFA are refused "
                        f"too: {', '.join(others)}.")
    if policy_exists:
        notes.append(f"{POLICY_NAME} exists in the account already and is attached as it is: check that its "
                     "document is the one below.")
    title = f"Require MFA for {user}'s access key (group {group})"
    return FixPlan(title, tuple(steps),
                   (FixItem(f"group {group}: {POLICY_NAME} attached", "an access key of an admin is the whole "
                            "account to whoever finds it; with this policy the key alone can do nothing"),),
                   tuple(notes), touches=(user,), documents=((f"Policy {POLICY_NAME}", document),))
