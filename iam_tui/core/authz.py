"""Who has which policies: the account's authorization details, reduced to what the checks need."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .unavailable import Unavailable


def aws_managed_policy_arn(name: str, partition: str = "aws") -> str:
    """An AWS managed policy's ARN in the caller's partition (aws, aws-cn, aws-us-gov)."""
    return f"arn:{partition}:iam::aws:policy/{name}"


def in_partition(arn: str, partition: str) -> str:
    """``arn`` moved to ``partition`` (the second field of every ARN)."""
    parts = arn.split(":", 2)
    return ":".join((parts[0], partition, parts[2])) if len(parts) == 3 and parts[0] == "arn" else arn


@dataclass(frozen=True, slots=True)
class PolicyRef:
    name: str
    arn: str

    @property
    def aws_managed(self) -> bool:
        return ":iam::aws:policy/" in self.arn


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    name: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user", "group" or "role"
    name: str
    arn: str
    attached: tuple[PolicyRef, ...] = ()
    inline: tuple[InlinePolicy, ...] = ()
    groups: tuple[str, ...] = ()  # users only


@dataclass(frozen=True, slots=True)
class AuthorizationDetails:
    users: tuple[Principal, ...] = ()
    groups: tuple[Principal, ...] = ()
    roles: tuple[Principal, ...] = ()
    # Default-version documents of the managed policies that are attached somewhere, by ARN.
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Set when the documents of attached AWS managed policies could not be read (the "*:*" check needs them).
    documents_error: Unavailable | None = None

    def principals(self) -> Iterable[Principal]:
        yield from self.users
        yield from self.groups
        yield from self.roles

    def attached_policy_arns(self) -> set[str]:
        return {ref.arn for p in self.principals() for ref in p.attached}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def policy_document(value: Any) -> dict[str, Any]:
    """A policy document as IAM sends it (URL-encoded JSON), decoded; botocore's own parse hands over a dict.
    A document that does not decode reads as empty."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            document = json.loads(urllib.parse.unquote(value))
        except ValueError:
            return {}
        return document if isinstance(document, dict) else {}
    return {}


def allows_full_admin(document: dict[str, Any] | None) -> bool:
    """True when a statement allows every action on every resource (``"Action": "*", "Resource": "*"``)."""
    if not document:
        return False
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "*" in _as_list(statement.get("Action")) and "*" in _as_list(statement.get("Resource")):
            return True
    return False
