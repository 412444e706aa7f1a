"""When a write's answer is lost, AWS may have made the change anyway: a 5xx or an unreadable answer after AWS
acted, after which botocore (or :class:`.patience.Patience`) re-sends the write and gets ``EntityAlreadyExists`` (a
create) or ``NoSuchEntity`` (a delete) for the change its own first attempt made. Such a write is settled by reading
AWS, never by retrying it blindly into duplicates or by reporting a change that did happen as failed.

The one way to do it: :func:`write` sends a write and, after a lost answer, reads its effect back through the
:class:`Presence` reader of its operation (``_READERS``). The two creates whose answer carries a secret (an access
key, a virtual MFA device) cannot succeed by a read, since the secret never arrived: they call :func:`read_back`
with their own read and then do their extra step. A removal's effect is that the thing is gone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from .account import policy_from_aws
from .calls import AwsCaller
from .errors import AwsError
from .outcome import UNKNOWN_OUTCOME, may_have_happened
from .patience import OnWait, Patience
from .readers import read_login_profile, read_service_credentials

# How far the local clock may be ahead of AWS's when telling whether AWS's creation date is from this attempt.
CLOCK_MARGIN = timedelta(minutes=5)


# What AWS answers for something that is not there: IAM's code, and Access Analyzer's (and the Account API's).
GONE = frozenset({"NoSuchEntity", "ResourceNotFoundException"})


class ReadBack(Enum):
    """What reading AWS after a failed write found."""

    NOT_NEEDED = "not needed"  # the error says AWS did not make the change: nothing was read
    MADE = "made"
    NOT_MADE = "not made"
    UNREADABLE = "unreadable"  # AWS could not be read: the change may or may not be there


async def read_back(failure: AwsError, operation: str, in_place: Callable[[], Awaitable[bool]], *,
                    resent: bool = False) -> ReadBack:
    """After ``failure`` of the write ``operation``: when AWS may have made the change anyway, whether reading AWS
    (``in_place()``) shows it."""
    if not may_have_happened(failure, operation, resent):
        return ReadBack.NOT_NEEDED
    try:
        return ReadBack.MADE if await in_place() else ReadBack.NOT_MADE
    except AwsError:
        return ReadBack.UNREADABLE


class Unsettled(AwsError):
    """A write failed: the error AWS answered (same code, message and fix), and what reading AWS back found."""

    def __init__(self, cause: AwsError, found: ReadBack) -> None:
        super().__init__(cause.code, cause.message, cause.fix, action=cause.action, retried=cause.retried)
        self.found = found


@dataclass(frozen=True)
class Waiting:
    """Answers that only mean "not yet" (``transient`` codes), waited out for ``within`` seconds."""

    patience: Patience
    transient: Container[str]
    within: float
    on_wait: OnWait | None = None


async def write(aws: AwsCaller, operation: str, params: dict[str, Any], *, service: str = "iam",
                waiting: Waiting | None = None, since: datetime | None = None, resent: bool = False,
                in_place: Callable[[], Awaitable[bool]] | None = None) -> AwsError | None:
    """Send ``operation(params)``. When its answer was lost, read AWS: the write succeeds if its effect is there
    (``in_place()``, by default the operation's :class:`Presence` reader; made after ``since`` when given). Returns
    None when AWS answered, the lost answer's error when the change was read back; raises :class:`Unsettled`.

    ``resent``: an earlier attempt whose answer was lost may have made the change (a plan step sent again). Re-sends
    by ``waiting`` after an unknown outcome count as such too."""
    lost_before = resent

    def noted(err: AwsError, delay: float) -> None:
        nonlocal lost_before
        lost_before = lost_before or err.code in UNKNOWN_OUTCOME
        if waiting is not None and waiting.on_wait is not None:
            waiting.on_wait(err, delay)

    def send() -> Awaitable[Any]:
        return aws.call(service, operation, **params)

    async def effect_in_place() -> bool:
        return (await read_effect(aws, operation, params)).made_since(since)

    try:
        if waiting is None:
            await send()
        else:
            await waiting.patience.call(send, waiting.transient, waiting.within, noted)
        return None
    except AwsError as err:
        found = await read_back(err, operation, in_place or effect_in_place, resent=lost_before)
        if found is ReadBack.MADE:
            return err
        raise Unsettled(err, found) from None


@dataclass(frozen=True)
class Presence:
    present: bool
    created: datetime | None = None

    def made_since(self, started: datetime | None) -> bool:
        """Present, and (where AWS keeps a creation date and ``started`` is given) made after ``started``, allowing
        for clock skew."""
        return self.present and (started is None or self.created is None or self.created >= started - CLOCK_MARGIN)


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


async def _tagged(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListUserTags", ("Tags",), UserName=p["UserName"])
    tags = {t["Key"]: t.get("Value", "") for t in pages["Tags"]}
    return Presence(all(tags.get(t["Key"]) == t.get("Value", "") for t in p["Tags"]))


async def _alias(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListAccountAliases", ("AccountAliases",))
    return Presence(p["AccountAlias"] in pages["AccountAliases"])


async def _password_policy(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    """The account's policy is the one sent (the request's fields are the ones GetAccountPasswordPolicy answers)."""
    data = (await aws.call("iam", "GetAccountPasswordPolicy"))["PasswordPolicy"]
    return Presence(policy_from_aws(data) == policy_from_aws(p))


async def _any_password_policy(aws: AwsCaller, _p: dict[str, Any]) -> Presence:
    await aws.call("iam", "GetAccountPasswordPolicy")
    return Presence(True)


async def _alternate_contact(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    data = (await aws.call("account", "GetAlternateContact",
                           AlternateContactType=p["AlternateContactType"]))["AlternateContact"]
    return Presence(all(data.get(k) == p[k] for k in ("Name", "Title", "EmailAddress", "PhoneNumber")))


# The writes of the services (keys, MFA, sign-in, password policy, security contact, accepted findings).
_READERS |= {
    "TagUser": _tagged,
    "EnableMFADevice": _listed("ListMFADevices", "MFADevices", "SerialNumber", "SerialNumber"),
    "DeleteGroupPolicy": _gone(_group_inline),
    "CreateAccountAlias": _alias,
    "UpdateAccountPasswordPolicy": _password_policy,
    "DeleteAccountPasswordPolicy": _gone(_any_password_policy),
    "PutAlternateContact": _alternate_contact,
}


async def read_effect(aws: AwsCaller, operation: str, params: dict[str, Any]) -> Presence:
    """Whether the effect of the plan call ``operation(params)`` is in AWS now (a missing user or group means a
    create's effect is not, and a removal's is). Raises AwsError when AWS cannot be read."""
    reader = _READERS.get(operation)
    if reader is None:
        raise AwsError("Unverifiable", f"iam-tui cannot read back the effect of iam:{operation}.",
                       "Check it in the IAM console.", action=f"iam:{operation}")
    return await _absent_if_missing(reader(aws, params))
