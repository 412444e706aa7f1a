"""The scan reads GetAccountAuthorizationDetails from each page's XML (aws/page_bodies.py, core/authz_xml.py): the
same principals and documents as botocore's own parse, across pages, and nothing changes for other callers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from iam_tui.aws.errors import AwsError
from iam_tui.aws.service import IamService
from iam_tui.core.authz import InlinePolicy, PolicyRef, Principal

from ..authz_pages import page, user
from ..helpers import IamClient, record_calls

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
S3 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}


def _as_botocore_reads_it(admin: IamClient) -> dict[str, Any]:
    """The principals and default documents as the scan built them from botocore's parse before the stream."""
    raw = admin.get_account_authorization_details(Filter=["User", "Group", "Role", "LocalManagedPolicy"])

    def refs(items: list[dict[str, str]] | None) -> tuple[PolicyRef, ...]:
        return tuple(PolicyRef(i["PolicyName"], i["PolicyArn"]) for i in items or [])

    def inline(items: list[dict[str, Any]] | None) -> tuple[InlinePolicy, ...]:
        return tuple(InlinePolicy(i["PolicyName"], i["PolicyDocument"]) for i in items or [])

    return {
        "users": [Principal("user", u["UserName"], u["Arn"], refs(u.get("AttachedManagedPolicies")),
                            inline(u.get("UserPolicyList")), tuple(u.get("GroupList") or ()))
                  for u in raw["UserDetailList"]],
        "groups": [Principal("group", g["GroupName"], g["Arn"], refs(g.get("AttachedManagedPolicies")),
                             inline(g.get("GroupPolicyList"))) for g in raw["GroupDetailList"]],
        "roles": [Principal("role", r["RoleName"], r["Arn"], refs(r.get("AttachedManagedPolicies")),
                            inline(r.get("RolePolicyList"))) for r in raw["RoleDetailList"]],
        "documents": {p["Arn"]: v["Document"] for p in raw["Policies"] for v in p["PolicyVersionList"]
                      if v["IsDefaultVersion"]},
    }


async def test_the_stream_reads_what_botocores_parse_reads(service: IamService, admin: IamClient) -> None:
    mine = admin.create_policy(PolicyName="mine", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}))["Policy"]["Arn"]
    admin.create_policy_version(PolicyArn=mine, PolicyDocument=json.dumps(S3), SetAsDefault=True)
    admin.create_group(GroupName="ops")
    admin.attach_group_policy(GroupName="ops", PolicyArn=mine)
    admin.put_group_policy(GroupName="ops", PolicyName="g&<1>", PolicyDocument=json.dumps(S3))
    for name in ("ann", "bob"):
        admin.create_user(UserName=name)
    admin.add_user_to_group(UserName="ann", GroupName="ops")
    admin.attach_user_policy(UserName="ann", PolicyArn=ADMIN)
    admin.put_user_policy(UserName="bob", PolicyName="s3 only", PolicyDocument=json.dumps(S3))
    admin.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    admin.attach_role_policy(RoleName="app", PolicyArn=mine)
    admin.create_instance_profile(InstanceProfileName="app")
    admin.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")

    details = await service.scan.authorization_details()
    expected = _as_botocore_reads_it(admin)
    assert list(details.users) == expected["users"] and details.users
    assert list(details.groups) == expected["groups"] and details.groups
    assert list(details.roles) == expected["roles"] and details.roles
    assert {arn: details.documents[arn] for arn in expected["documents"]} == expected["documents"] == {mine: S3}
    assert details.documents[ADMIN]["Statement"]  # the AWS managed one still comes from GetPolicyVersion


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def _answer_pages(service: IamService, bodies: list[bytes]) -> None:
    """IAM answers GetAccountAuthorizationDetails with these raw pages, one per request, over botocore's parse."""
    remaining = list(bodies)

    def send(request: Any, **_: Any) -> AWSResponse | None:
        body = request.body or b""
        if b"Action=GetAccountAuthorizationDetails" not in (body.encode() if isinstance(body, str) else body):
            return None
        return AWSResponse(request.url, 200, {}, _Raw(remaining.pop(0)))

    service.ctx.client("iam").meta.events.register_first("before-send.iam", send)


async def test_every_page_is_read_and_the_next_one_asked_from_its_marker(service: IamService) -> None:
    _answer_pages(service, [page(users=[user("a")], marker="m1"), page(users=[user("b")], marker="m&2"),
                            page(users=[user("c", inline={"s3": S3})])])
    sent = record_calls(service, "iam", "GetAccountAuthorizationDetails")
    details = await service.scan.authorization_details()
    assert [u.name for u in details.users] == ["a", "b", "c"]
    assert details.users[2].inline == (InlinePolicy("s3", S3),)
    assert [call.get("Marker") for call in sent] == [None, "m1", "m&2"]
    assert {call["MaxItems"] for call in sent} == {1000}


async def test_other_callers_still_get_botocores_parse(service: IamService, admin: IamClient) -> None:
    admin.create_user(UserName="ann")
    await service.scan.authorization_details()
    pages = await service.aws.paginate("iam", "GetAccountAuthorizationDetails", ("UserDetailList",),
                                       Filter=["User"])
    assert [u["UserName"] for u in pages["UserDetailList"]] == ["ann"]


async def test_a_page_that_does_not_parse_is_reported_as_botocore_reports_it(service: IamService) -> None:
    _answer_pages(service, [b"<GetAccountAuthorizationDetailsResponse><broken>"] * 5)
    with pytest.raises(AwsError) as raised:
        await service.scan.authorization_details()
    assert raised.value.code == "ResponseParserError"
