"""When a write's answer is lost, AWS may have made the change anyway: a 5xx or an unreadable answer after AWS
acted, after which botocore re-sends the write and gets ``EntityAlreadyExists`` (a create) or ``NoSuchEntity`` (a
delete) for the change its own first attempt made. Such a write is settled by reading AWS, never by retrying it
blindly into duplicates or by reporting a change that did happen as failed.

:func:`.outcome.may_have_happened` says when the outcome is unknown; the readers below say whether a plan step's
effect is in AWS now (and, for what has a creation date, when it was made). A removal step's effect is that the thing
is gone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .calls import AwsCaller
from .errors import AwsError
from .outcome import may_have_happened
from .readers import read_login_profile, read_service_credentials

# How far the local clock may be ahead of AWS's when telling whether AWS's creation date is from this attempt.
CLOCK_MARGIN = timedelta(minutes=5)


# What AWS answers for something that is not there: IAM's code, and Access Analyzer's.
GONE = frozenset({"NoSuchEntity", "ResourceNotFoundException"})


async def settle(write: Callable[[], Awaitable[object]], operation: str,
                 in_place: Callable[[], Awaitable[bool]]) -> None:
    """Make ``write``; when it fails in a way after which AWS may have made the change anyway, read
    (``in_place()``) and succeed if the change is in AWS. Otherwise (or if AWS cannot be read) raise the error."""
    try:
        await write()
        return
    except AwsError as err:
        if not may_have_happened(err, operation):
            raise
        failure = err
    try:
        done = await in_place()
    except AwsError:
        done = False
    if not done:
        raise failure


@dataclass(frozen=True)
class Presence:
    present: bool
    created: datetime | None = None

    def made_since(self, started: datetime) -> bool:
        """Present, and (where AWS keeps a creation date) made after ``started``, allowing for clock skew."""
        return self.present and (self.created is None or self.created >= started - CLOCK_MARGIN)


ABSENT = Presence(False)


async def _absent_if_missing(read: Awaitable[Presence]) -> Presence:
    try:
        return await read
    except AwsError as err:
        if err.code in GONE:
            return ABSENT
        raise


Reader = Callable[[AwsCaller, dict[str, Any]], Awaitable[Presence]]


def _entity(kind: str) -> Reader:
    """A user, group or role (``kind``), with its creation date: Get<kind>(<kind>Name=...)."""

    async def read(aws: AwsCaller, p: dict[str, Any]) -> Presence:
        name = f"{kind}Name"
        return Presence(True, (await aws.call("iam", f"Get{kind}", **{name: p[name]}))[kind].get("CreateDate"))

    return read


def _attached(kind: str) -> Reader:
    """The managed policy ``PolicyArn`` attached to the user, group or role (``kind``)."""

    async def read(aws: AwsCaller, p: dict[str, Any]) -> Presence:
        name = f"{kind}Name"
        pages = await aws.paginate("iam", f"ListAttached{kind}Policies", ("AttachedPolicies",), **{name: p[name]})
        return Presence(any(a["PolicyArn"] == p["PolicyArn"] for a in pages["AttachedPolicies"]))

    return read


_group, _group_policy, _user = _entity("Group"), _attached("Group"), _entity("User")


async def _login_profile(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    profile = await read_login_profile(aws, p["UserName"])
    return Presence(True, profile.created) if profile else ABSENT


_user_policy = _attached("User")


async def _membership(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListGroupsForUser", ("Groups",), UserName=p["UserName"])
    return Presence(any(g["GroupName"] == p["GroupName"] for g in pages["Groups"]))


async def _user_policy_inline(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    await aws.call("iam", "GetUserPolicy", UserName=p["UserName"], PolicyName=p["PolicyName"])
    return Presence(True)


def _listed(operation: str, key: str, id_key: str, param: str) -> Reader:
    """Present when one of the user's ``operation`` entries has ``id_key`` equal to the step's ``param``."""

    async def read(aws: AwsCaller, p: dict[str, Any]) -> Presence:
        pages = await aws.paginate("iam", operation, (key,), UserName=p["UserName"])
        return Presence(any(item[id_key] == p[param] for item in pages[key]))

    return read


async def _service_credential(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    listed = await read_service_credentials(aws, p["UserName"])
    return Presence(any(c["ServiceSpecificCredentialId"] == p["ServiceSpecificCredentialId"] for c in listed))


async def _virtual_device(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListVirtualMFADevices", ("VirtualMFADevices",))
    return Presence(any(d["SerialNumber"] == p["SerialNumber"] for d in pages["VirtualMFADevices"]))


def _gone(reader: Reader) -> Reader:
    """A removal's effect: present when what ``reader`` looks for is not (a missing user holds nothing)."""

    async def read(aws: AwsCaller, p: dict[str, Any]) -> Presence:
        return Presence(not (await _absent_if_missing(reader(aws, p))).present)

    return read


async def _key_status(aws: AwsCaller, p: dict[str, Any]) -> str | None:
    """The key's status (Active/Inactive), or None when the user (root, without UserName) has no such key."""
    user = {"UserName": p["UserName"]} if p.get("UserName") else {}
    pages = await aws.paginate("iam", "ListAccessKeys", ("AccessKeyMetadata",), **user)
    return next((m.get("Status") for m in pages["AccessKeyMetadata"] if m["AccessKeyId"] == p["AccessKeyId"]), None)


async def _key_status_set(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    return Presence(await _key_status(aws, p) == p["Status"])


async def _key_listed(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    return Presence(await _key_status(aws, p) is not None)


async def _group_inline(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListGroupPolicies", ("PolicyNames",), GroupName=p["GroupName"])
    return Presence(p["PolicyName"] in pages["PolicyNames"])


async def _untagged(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListUserTags", ("Tags",), UserName=p["UserName"])
    return Presence(not {t["Key"] for t in pages["Tags"]} & set(p["TagKeys"]))


async def _analyzer(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    """The analyzer ``analyzerName`` in the caller's region (``aws`` is already the step's region)."""
    pages = await aws.paginate("accessanalyzer", "ListAnalyzers", ("analyzers",))
    found = next((a for a in pages["analyzers"] if a.get("name") == p["analyzerName"]), None)
    return Presence(True, found.get("createdAt")) if found else ABSENT


async def _customer_policy(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    """A customer managed policy by name (CreatePolicy's parameters hold no ARN), with its creation date."""
    pages = await aws.paginate("iam", "ListPolicies", ("Policies",), Scope="Local")
    found = next((x for x in pages["Policies"] if x["PolicyName"] == p["PolicyName"]), None)
    return Presence(found is not None, found.get("CreateDate") if found else None)


_READERS: dict[str, Reader] = {
    "CreateGroup": _group,
    "AttachGroupPolicy": _group_policy,
    "CreateUser": _user,
    "CreateLoginProfile": _login_profile,
    "AttachUserPolicy": _user_policy,
    "AddUserToGroup": _membership,
    # a user's removal (core/user_removal.py)
    "DeleteLoginProfile": _gone(_login_profile),
    "DeleteAccessKey": _gone(_key_listed),  # also the root user's keys (no UserName)
    "DeleteSigningCertificate": _gone(_listed("ListSigningCertificates", "Certificates", "CertificateId",
                                              "CertificateId")),
    "DeleteSSHPublicKey": _gone(_listed("ListSSHPublicKeys", "SSHPublicKeys", "SSHPublicKeyId", "SSHPublicKeyId")),
    "DeleteServiceSpecificCredential": _gone(_service_credential),
    "DeactivateMFADevice": _gone(_listed("ListMFADevices", "MFADevices", "SerialNumber", "SerialNumber")),
    "DeleteVirtualMFADevice": _gone(_virtual_device),
    "RemoveUserFromGroup": _gone(_membership),
    "DetachUserPolicy": _gone(_user_policy),
    "DeleteUserPolicy": _gone(_user_policy_inline),
    "DeleteUser": _gone(_user),
}
# The fixes of the security checks. A delete's or detach's "effect" is the thing being gone.
_READERS |= {
    "UpdateAccessKey": _key_status_set,
    "UntagUser": _untagged,
    "PutGroupPolicy": _group_inline,
    "CreateRole": _entity("Role"),
    "AttachRolePolicy": _attached("Role"),
    "CreateAnalyzer": _analyzer,
    "CreatePolicy": _customer_policy,
}


async def read_effect(aws: AwsCaller, operation: str, params: dict[str, Any]) -> Presence:
    """Whether the effect of the plan call ``operation(params)`` is in AWS now (a missing user or group means a
    create's effect is not, and a removal's is). Raises AwsError when AWS cannot be read."""
    reader = _READERS.get(operation)
    if reader is None:
        raise AwsError("Unverifiable", f"iam-tui cannot read back the effect of iam:{operation}.",
                       "Check it in the IAM console.", action=f"iam:{operation}")
    return await _absent_if_missing(reader(aws, params))
