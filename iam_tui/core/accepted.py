"""Findings the user accepted on purpose: today one, the guide's own admin group (``PowerUsers`` with
AdministratorAccess) failing no-full-admin-policy (CIS 1.15). The check's status stays ``fail``; the result carries
the acceptance, so that the screen and ``iam-tui check --json`` can say the failure is known and meant.

An acceptance is a record of what was accepted, not a name: IAM groups cannot be tagged (IAM has no TagGroup, and
GetAccountAuthorizationDetails returns no tags for groups), so it is stored on the group as an inline policy named
:data:`MARKER_NAME` whose document holds the reason the user typed, who accepted (the caller's ARN), when, and a
SHA-256 digest of the group's members and one of its policies (attached ARNs; inline names with their documents,
the marker excepted) at that moment. The scan reads it from the authorization details it already reads, recomputes
both digests and reports the finding accepted only while they match; once the members or the policies change, the
acceptance has lapsed and says since when. A policy whose name merely starts with ``iam-tui-accepted-``, or whose
document is not exactly a record this module writes, is no acceptance at all.

The digests bind the record to the state; they are not a signature: whoever may write IAM policies can write a
record too (and could grant themselves anything anyway). What they stop is a stale or a made-up name passing as an
acceptance of a group that has changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .authz import AuthorizationDetails, Principal, allows_full_admin
from .display_text import is_hidden
from .guide_names import DEFAULT_GROUP

MARKER_PREFIX = "iam-tui-accepted-"
# The one name iam-tui writes (the name of the first, unbound version, so that accepting again replaces it).
MARKER_NAME = MARKER_PREFIX + "guide-admin-group"
ACCEPTABLE_GROUPS = frozenset({DEFAULT_GROUP})  # only where iam-tui itself offers to accept
RECORD_FORMAT = "iam-tui acceptance v1 no-full-admin-policy"
REASON_MAX = 200
AT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MEMBERS, POLICIES = "members", "policies"

# Condition keys that carry the record. IAM's grammar has two places for free text in a policy: a statement's Sid
# (ASCII letters and digits only: too narrow for a reason or an ARN) and condition values. Condition keys must be
# valid, so the record uses ``aws:PrincipalTag/<key>`` (a documented global key; the tag keys are ours and valid
# tag keys). The statement is ``Deny`` of ``NotAction: "*"`` ("every action except every action"): it matches no
# action, and a condition only narrows a statement further, so the policy grants and denies nothing. Sizes: about
# 600 characters plus the reason (at most 200 characters, each at most 12 as JSON escapes) and the caller's ARN,
# well inside the 5,120 characters IAM allows for a group's inline policies together.
_KEY = "aws:PrincipalTag/iam-tui-accepted-{}"
FIELDS = ("record", "reason", "by", "at", MEMBERS, POLICIES)
SID = "IamTuiAcceptedFindingGrantsNothing"


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` (typed by the user) cannot be recorded, or None: it says something, fits the record, and is
    plain text (no control characters)."""
    text = reason.strip()
    if not text:
        return "Type why you accept this finding."
    if len(text) > REASON_MAX:
        return f"At most {REASON_MAX} characters ({len(text)} typed)."
    if any(is_hidden(c) for c in text):
        return "Plain text only: no control or formatting characters."
    return None


@dataclass(frozen=True)
class AcceptanceSubject:
    """What an acceptance is bound to: the group as it is now, with names to show and digests to store."""

    group: str
    group_arn: str
    members: tuple[str, ...]  # user names
    policies: tuple[str, ...]  # attached policy names, then inline names (the marker excepted)
    members_digest: str
    policies_digest: str


def _digest(kind: str, group_arn: str, items: Iterable[str]) -> str:
    payload = json.dumps([RECORD_FORMAT, kind, group_arn, sorted(items)], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def subject_of(authz: AuthorizationDetails, group: Principal) -> AcceptanceSubject:
    """``group``'s members (users whose group list names it) and policies, as the scan read them."""
    members = sorted((u for u in authz.users if group.name in u.groups), key=lambda u: u.name)
    inline = sorted((p for p in group.inline if p.name != MARKER_NAME), key=lambda p: p.name)
    attached = sorted(group.attached, key=lambda p: p.arn)
    policy_items = [f"attached {p.arn}" for p in attached] + [
        "inline " + json.dumps([p.name, p.document], sort_keys=True, separators=(",", ":")) for p in inline]
    return AcceptanceSubject(
        group=group.name, group_arn=group.arn,
        members=tuple(u.name for u in members),
        policies=tuple(p.name for p in attached) + tuple(f"{p.name} (inline)" for p in inline),
        members_digest=_digest(MEMBERS, group.arn, (u.arn for u in members)),
        policies_digest=_digest(POLICIES, group.arn, policy_items),
    )


@dataclass(frozen=True)
class AcceptanceRecord:
    """What the marker's document holds."""

    reason: str
    by: str  # the caller's ARN
    at: datetime  # UTC, whole seconds
    members_digest: str
    policies_digest: str


def _values(record: AcceptanceRecord) -> dict[str, str]:
    return {"record": RECORD_FORMAT, "reason": record.reason, "by": record.by,
            "at": record.at.astimezone(UTC).strftime(AT_FORMAT), MEMBERS: record.members_digest,
            POLICIES: record.policies_digest}


def record_document(record: AcceptanceRecord) -> dict[str, Any]:
    values = _values(record)
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": SID, "Effect": "Deny", "NotAction": "*", "Resource": "*",
                       "Condition": {"StringEquals": {_KEY.format(f): values[f] for f in FIELDS}}}],
    }


def marker_document(record: AcceptanceRecord) -> str:
    """The marker's policy document as sent to IAM: JSON in ASCII (IAM takes U+0020-U+00FF only; a reason in any
    script travels as ``\\u`` escapes)."""
    return json.dumps(record_document(record), separators=(",", ":"), ensure_ascii=True)


def new_record(subject: AcceptanceSubject, reason: str, by: str, at: datetime) -> AcceptanceRecord:
    return AcceptanceRecord(reason.strip(), by, at.astimezone(UTC).replace(microsecond=0), subject.members_digest,
                            subject.policies_digest)


def read_record(document: dict[str, Any]) -> AcceptanceRecord | None:
    """The record in a marker's document, or None unless the document is exactly one :func:`record_document`
    writes (nothing more, nothing less) with a valid reason, ARN and time."""
    try:
        statement = document["Statement"]
        statement = statement[0] if isinstance(statement, list) and len(statement) == 1 else statement
        values = statement["Condition"]["StringEquals"]
        fields = {f: values[_KEY.format(f)] for f in FIELDS}
        if not all(isinstance(v, str) for v in fields.values()) or fields["record"] != RECORD_FORMAT:
            return None
        at = datetime.strptime(fields["at"], AT_FORMAT).replace(tzinfo=UTC)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    reason, by = fields["reason"], fields["by"]
    if reason_problem(reason) or reason != reason.strip() or not by.startswith("arn:") or len(by) > 2048 or any(
            is_hidden(c) or c.isspace() for c in by):
        return None
    record = AcceptanceRecord(reason, by, at, fields[MEMBERS], fields[POLICIES])
    return record if record_document(record) == document else None


@dataclass(frozen=True)
class Acceptance:
    """An acceptance found on a group, checked against the group as the scan read it."""

    group: str
    reason: str
    by: str
    at: datetime
    changed: tuple[str, ...] = ()  # MEMBERS and/or POLICIES: what changed since it was accepted
    not_covered: tuple[str, ...] = ()  # other principals that allow "*:*" (a new finding it does not cover)

    @property
    def lapsed(self) -> bool:
        return bool(self.changed)

    @property
    def in_effect(self) -> bool:
        return not self.changed and not self.not_covered

    @property
    def when(self) -> str:
        return self.at.strftime("%Y-%m-%d %H:%M UTC")

    def text(self) -> str:
        """One line, the same in ``iam-tui check`` and on the dashboard."""
        who = f"by {self.by} on {self.when}: {self.reason}"
        if self.lapsed:
            return f"acceptance lapsed: {' and '.join(self.changed)} of {self.group} changed since {self.when} " \
                   f"(accepted {who})"
        if self.not_covered:
            return f"accepted on {self.group} {who}; it does not cover {', '.join(self.not_covered)}"
        return f"accepted on {self.group} {who}"

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "reason": self.reason, "by": self.by,
                "when": self.at.strftime(AT_FORMAT), "lapsed": self.lapsed, "changed": list(self.changed),
                "in_effect": self.in_effect}


def acceptance_on(authz: AuthorizationDetails, group: Principal) -> Acceptance | None:
    """The acceptance recorded on ``group``, checked against its members and policies now; None when it has no
    valid record or is not a group iam-tui accepts findings on."""
    if group.kind != "group" or group.name not in ACCEPTABLE_GROUPS:
        return None
    marker = next((p for p in group.inline if p.name == MARKER_NAME), None)
    record = read_record(marker.document) if marker is not None else None
    if record is None:
        return None
    now = subject_of(authz, group)
    changed = tuple(kind for kind, then, current in ((MEMBERS, record.members_digest, now.members_digest),
                                                     (POLICIES, record.policies_digest, now.policies_digest))
                    if then != current)
    return Acceptance(group.name, record.reason, record.by, record.at, changed)


def full_admin_principals(authz: AuthorizationDetails) -> list[Principal]:
    """Every user, group and role with a policy (attached or inline) that allows ``*:*``."""
    return [p for p in authz.principals()
            if any(allows_full_admin(authz.documents.get(ref.arn)) for ref in p.attached)
            or any(allows_full_admin(inline.document) for inline in p.inline)]


def acceptable_group(authz: AuthorizationDetails) -> Principal | None:
    """The guide's admin group, when it is the only principal with a ``*:*`` policy (the only case the app lets the
    user accept); None otherwise."""
    holders = full_admin_principals(authz)
    if len(holders) == 1 and holders[0].kind == "group" and holders[0].name in ACCEPTABLE_GROUPS:
        return holders[0]
    return None


def acceptance_of(authz: AuthorizationDetails, holders: list[Principal]) -> Acceptance | None:
    """The acceptance to show on the check's result (lapsed or not), naming the other ``*:*`` holders it does not
    cover; None when no holder carries a valid record."""
    for holder in holders:
        found = acceptance_on(authz, holder)
        if found is not None:
            others = tuple(f"{p.kind} {p.name}" for p in holders if p is not holder)
            return Acceptance(found.group, found.reason, found.by, found.at, found.changed, others)
    return None


def ignored_markers(holders: list[Principal], acceptance: Acceptance | None) -> list[str]:
    """Inline policies named like a marker on ``*:*`` holders that are no acceptance (shown, so that a made-up
    name is seen for what it is)."""
    return [f"{p.name} (inline) on {h.kind} {h.name}" for h in holders for p in h.inline
            if p.name.startswith(MARKER_PREFIX)
            and not (acceptance is not None and h.kind == "group" and h.name == acceptance.group
                     and p.name == MARKER_NAME)]
