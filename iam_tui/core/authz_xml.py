"""One page of GetAccountAuthorizationDetails read straight from its XML, keeping only what the checks use.

botocore would build the page's whole element tree and then a dict for every field of every principal (dates
parsed, tags, role instance profiles, every policy version): for 10,000 users that is ~24 MiB at its peak and most
of the scan's parsing time. Here the XML is read as a stream and each user, group, role or policy is dropped from
the tree as soon as it has been reduced to a :class:`Principal` or a default-version document.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .authz import InlinePolicy, PolicyRef, Principal, policy_document

# Section of the result -> (principal kind, its name element, its inline policy list); "Policies" holds policies.
SECTIONS = {
    "UserDetailList": ("user", "UserName", "UserPolicyList"),
    "GroupDetailList": ("group", "GroupName", "GroupPolicyList"),
    "RoleDetailList": ("role", "RoleName", "RolePolicyList"),
}


@dataclass
class AuthzPages:
    """What the pages read so far hold."""

    users: list[Principal] = field(default_factory=list)
    groups: list[Principal] = field(default_factory=list)
    roles: list[Principal] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # default-version document by policy ARN


@dataclass(frozen=True)
class PageEnd:
    truncated: bool
    marker: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: ET.Element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "") if child is not None else ""


def _members(element: ET.Element, name: str) -> Iterator[ET.Element]:
    listed = _child(element, name)
    if listed is not None:
        yield from listed


def _principal(member: ET.Element, kind: str, name_tag: str, inline_tag: str) -> Principal:
    attached = tuple(PolicyRef(_text(m, "PolicyName"), _text(m, "PolicyArn"))
                     for m in _members(member, "AttachedManagedPolicies"))
    inline = tuple(InlinePolicy(_text(m, "PolicyName"), policy_document(_text(m, "PolicyDocument")))
                   for m in _members(member, inline_tag))
    groups = tuple(m.text or "" for m in _members(member, "GroupList")) if kind == "user" else ()
    return Principal(kind, _text(member, name_tag), _text(member, "Arn"), attached, inline, groups)


def _default_document(member: ET.Element) -> dict[str, Any] | None:
    for version in _members(member, "PolicyVersionList"):
        if _text(version, "IsDefaultVersion") == "true":
            return policy_document(_text(version, "Document"))
    return None


def read_page(body: bytes, into: AuthzPages) -> PageEnd:
    """Add one page's principals and documents to ``into``; returns whether more pages follow, and from where.

    Raises ``xml.etree.ElementTree.ParseError`` for XML that does not parse (``into`` may then hold part of the
    page: the caller discards it)."""
    truncated, marker = False, None
    path: list[ET.Element] = []
    for event, element in ET.iterparse(io.BytesIO(body), events=("start", "end")):
        if event == "start":
            path.append(element)
            continue
        path.pop()
        tag = _local(element.tag)
        depth = len(path)  # 0 the response, 1 the result, 2 a section, 3 an entry of a section
        if depth == 2 and tag == "IsTruncated":
            truncated = element.text == "true"
        elif depth == 2 and tag == "Marker":
            marker = element.text
        elif depth == 3 and tag == "member":
            section = _local(path[-1].tag)
            if section in SECTIONS:
                kind, name_tag, inline_tag = SECTIONS[section]
                getattr(into, f"{kind}s").append(_principal(element, kind, name_tag, inline_tag))
            elif section == "Policies":
                document = _default_document(element)
                if document is not None:
                    into.documents[_text(element, "Arn")] = document
            path[-1].remove(element)  # read: drop it, so that the tree never holds more than one entry
    return PageEnd(truncated, marker if truncated else None)
