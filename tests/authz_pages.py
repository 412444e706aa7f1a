"""GetAccountAuthorizationDetails pages as IAM writes them (XML, namespaced, documents URL-encoded), for the tests of
the streamed reader."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/"


def _document(document: dict[str, Any]) -> str:
    return escape(urllib.parse.quote(json.dumps(document)))


def _members(tag: str, items: Sequence[str]) -> str:
    return f"<{tag}>" + "".join(f"<member>{item}</member>" for item in items) + f"</{tag}>"


def _attached(arns: Sequence[str]) -> str:
    return _members("AttachedManagedPolicies", [f"<PolicyName>{a.rsplit('/', 1)[-1]}</PolicyName>"
                                                f"<PolicyArn>{a}</PolicyArn>" for a in arns])


def _inline(tag: str, inline: dict[str, dict[str, Any]]) -> str:
    return _members(tag, [f"<PolicyName>{n}</PolicyName><PolicyDocument>{_document(d)}</PolicyDocument>"
                          for n, d in inline.items()])


def user(name: str, *, groups: Sequence[str] = (), attached: Sequence[str] = (),
         inline: dict[str, dict[str, Any]] | None = None) -> str:
    return (f"<UserName>{name}</UserName><UserId>AIDA{name.upper():0<16}</UserId>"
            f"<Arn>arn:aws:iam::123456789012:user/{name}</Arn><Path>/</Path>"
            f"<CreateDate>2024-01-01T00:00:00Z</CreateDate>{_members('GroupList', list(groups))}"
            f"{_attached(list(attached))}{_inline('UserPolicyList', inline or {})}"
            "<Tags><member><Key>team</Key><Value>ops</Value></member></Tags>")


def group(name: str, *, attached: Sequence[str] = (), inline: dict[str, dict[str, Any]] | None = None) -> str:
    return (f"<GroupName>{name}</GroupName><Arn>arn:aws:iam::123456789012:group/{name}</Arn>"
            f"{_attached(list(attached))}{_inline('GroupPolicyList', inline or {})}")


def role(name: str, *, attached: Sequence[str] = ()) -> str:
    # A role's instance profiles list roles again: nested members the reader must not take for entries.
    nested = (f"<RoleName>{name}</RoleName><Arn>arn:aws:iam::123456789012:role/{name}</Arn>"
              f"<AssumeRolePolicyDocument>{_document({'Statement': []})}</AssumeRolePolicyDocument>")
    profiles = _members("InstanceProfileList", [f"<InstanceProfileName>p</InstanceProfileName>"
                                                f"{_members('Roles', [nested])}"])
    return (f"<RoleName>{name}</RoleName><Arn>arn:aws:iam::123456789012:role/{name}</Arn>{profiles}"
            f"{_attached(list(attached))}{_inline('RolePolicyList', {})}")


def policy(arn: str, versions: dict[str, dict[str, Any]], default: str) -> str:
    listed = [f"<Document>{_document(d)}</Document><VersionId>{v}</VersionId>"
              f"<IsDefaultVersion>{str(v == default).lower()}</IsDefaultVersion>" for v, d in versions.items()]
    return (f"<PolicyName>{arn.rsplit('/', 1)[-1]}</PolicyName><Arn>{arn}</Arn>"
            f"<DefaultVersionId>{default}</DefaultVersionId>{_members('PolicyVersionList', listed)}")


def page(users: Sequence[str] = (), groups: Sequence[str] = (), roles: Sequence[str] = (),
         policies: Sequence[str] = (), marker: str | None = None) -> bytes:
    more = f"<IsTruncated>true</IsTruncated><Marker>{escape(marker)}</Marker>" if marker else \
        "<IsTruncated>false</IsTruncated>"
    return (f'<GetAccountAuthorizationDetailsResponse xmlns="{NAMESPACE}"><GetAccountAuthorizationDetailsResult>'
            f"{_members('UserDetailList', list(users))}{_members('GroupDetailList', list(groups))}"
            f"{_members('RoleDetailList', list(roles))}{_members('Policies', list(policies))}{more}"
            "</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
            "</GetAccountAuthorizationDetailsResponse>").encode()
