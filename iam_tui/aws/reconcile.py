"""When a write's answer is lost, AWS may have made the change anyway: a 5xx or an unreadable answer after AWS
acted, after which botocore re-sends the write and gets ``EntityAlreadyExists`` (a create) or ``NoSuchEntity`` (a
delete) for the change its own first attempt made. Such a write is settled by reading AWS, never by retrying it
blindly into duplicates or by reporting a change that did happen as failed.

:func:`may_have_happened` says when the outcome is unknown; the readers below say whether a create-plan step's
effect is in AWS now (and, for what has a creation date, when it was made)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .calls import AwsCaller
from .errors import AwsError
from .readers import read_login_profile

# Errors after which the write may or may not have been made: AWS failed while answering, or the answer was lost.
UNKNOWN_OUTCOME = frozenset({"InternalFailure", "InternalError", "ServiceFailure", "ServiceUnavailable", "Timeout",
                             "ResponseParserError"})
# How far the local clock may be ahead of AWS's when telling whether AWS's creation date is from this attempt.
CLOCK_MARGIN = timedelta(minutes=5)


def resend_answer(operation: str) -> str | None:
    """What AWS answers when botocore re-sends ``operation`` after the first attempt already made the change."""
    if operation == "CreateAccessKey":  # the first attempt's key may fill the user's two
        return "LimitExceeded"
    if operation.startswith(("Create", "Enable")):
        return "EntityAlreadyExists"
    if operation.startswith(("Delete", "Detach", "Remove")):
        return "NoSuchEntity"
    return None


def may_have_happened(err: AwsError, operation: str) -> bool:
    """True when, despite ``err``, AWS may have made the change (so only a read can tell)."""
    return err.code in UNKNOWN_OUTCOME or (err.retried > 0 and err.code == resend_answer(operation))


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
        if err.code == "NoSuchEntity":
            return ABSENT
        raise


async def _group(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    return Presence(True, (await aws.call("iam", "GetGroup", GroupName=p["GroupName"]))["Group"].get("CreateDate"))


async def _group_policy(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListAttachedGroupPolicies", ("AttachedPolicies",), GroupName=p["GroupName"])
    return Presence(any(a["PolicyArn"] == p["PolicyArn"] for a in pages["AttachedPolicies"]))


async def _user(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    return Presence(True, (await aws.call("iam", "GetUser", UserName=p["UserName"]))["User"].get("CreateDate"))


async def _login_profile(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    profile = await read_login_profile(aws, p["UserName"])
    return Presence(True, profile.created) if profile else ABSENT


async def _user_policy(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListAttachedUserPolicies", ("AttachedPolicies",), UserName=p["UserName"])
    return Presence(any(a["PolicyArn"] == p["PolicyArn"] for a in pages["AttachedPolicies"]))


async def _membership(aws: AwsCaller, p: dict[str, Any]) -> Presence:
    pages = await aws.paginate("iam", "ListGroupsForUser", ("Groups",), UserName=p["UserName"])
    return Presence(any(g["GroupName"] == p["GroupName"] for g in pages["Groups"]))


Reader = Callable[[AwsCaller, dict[str, Any]], Awaitable[Presence]]
_READERS: dict[str, Reader] = {
    "CreateGroup": _group,
    "AttachGroupPolicy": _group_policy,
    "CreateUser": _user,
    "CreateLoginProfile": _login_profile,
    "AttachUserPolicy": _user_policy,
    "AddUserToGroup": _membership,
}


async def read_effect(aws: AwsCaller, operation: str, params: dict[str, Any]) -> Presence:
    """Whether the effect of the create-plan call ``operation(params)`` is in AWS now (a missing user or group
    means it is not). Raises AwsError when AWS cannot be read."""
    reader = _READERS.get(operation)
    if reader is None:
        raise AwsError("Unverifiable", f"iam-tui cannot read back the effect of iam:{operation}.",
                       "Check it in the IAM console.", action=f"iam:{operation}")
    return await _absent_if_missing(reader(aws, params))
