"""The streamed reader of GetAccountAuthorizationDetails pages (core/authz_xml.py), on pages written as IAM does."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from iam_tui.core.authz import InlinePolicy, PolicyRef, Principal, policy_document
from iam_tui.core.authz_xml import AuthzPages, PageEnd, read_page

from ..authz_pages import group, page, policy, role, user

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
MINE = "arn:aws:iam::123456789012:policy/mine"
S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


def test_a_page_is_reduced_to_the_principals_and_default_documents() -> None:
    pages = AuthzPages()
    body = page(users=[user("ann", groups=["ops", "dev"], attached=[ADMIN], inline={"s3": S3}), user("bob")],
                groups=[group("ops", attached=[MINE], inline={"g": S3})], roles=[role("app", attached=[ADMIN])],
                policies=[policy(MINE, {"v1": {"Statement": []}, "v2": S3}, default="v2")])
    assert read_page(body, pages) == PageEnd(truncated=False, marker=None)
    assert pages.users == [
        Principal("user", "ann", "arn:aws:iam::123456789012:user/ann", (PolicyRef("AdministratorAccess", ADMIN),),
                  (InlinePolicy("s3", S3),), ("ops", "dev")),
        Principal("user", "bob", "arn:aws:iam::123456789012:user/bob"),
    ]
    assert pages.groups == [Principal("group", "ops", "arn:aws:iam::123456789012:group/ops",
                                      (PolicyRef("mine", MINE),), (InlinePolicy("g", S3),))]
    # the roles nested in the role's instance profile are not entries of their own
    assert pages.roles == [Principal("role", "app", "arn:aws:iam::123456789012:role/app",
                                     (PolicyRef("AdministratorAccess", ADMIN),))]
    assert pages.documents == {MINE: S3}


def test_pages_add_up_and_a_truncated_page_says_where_the_next_starts() -> None:
    pages = AuthzPages()
    assert read_page(page(users=[user("a")], marker="m<1>&"), pages) == PageEnd(True, "m<1>&")
    assert read_page(page(users=[user("b")]), pages) == PageEnd(False, None)
    assert [u.name for u in pages.users] == ["a", "b"]


def test_xml_that_does_not_parse_is_an_error() -> None:
    with pytest.raises(ET.ParseError):
        read_page(b"<GetAccountAuthorizationDetailsResponse><Oops>", AuthzPages())


@pytest.mark.parametrize(("value", "expected"), [
    ("%7B%22Statement%22%3A%20%5B%5D%7D", {"Statement": []}),
    ({"Statement": []}, {"Statement": []}),
    ("not json", {}),
    ("%5B1%5D", {}),  # JSON, but not a document
    (None, {}),
])
def test_policy_documents_are_decoded_or_read_as_empty(value: str | None, expected: dict[str, Any]) -> None:
    assert policy_document(value) == expected
