"""Accepting a finding on purpose (see :mod:`..core.accepted`): today, no-full-admin-policy for the guide's own admin
group. Stored on the group itself as an inline policy that grants nothing and records the reason typed, who, when
and what the group held; the scan reads it back from the authorization details it already reads (no extra call)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..core.accepted import (
    MARKER_NAME,
    AcceptanceSubject,
    acceptable_group,
    marker_document,
    new_record,
    reason_problem,
    subject_of,
)
from .calls import AwsCaller
from .errors import AwsError
from .reconcile import GONE, write

if TYPE_CHECKING:
    from .scan import ScanService


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AcceptedFindingsService:
    def __init__(self, caller: AwsCaller, scan: ScanService, now: Callable[[], datetime] = _utc_now) -> None:
        self.aws = caller
        self.scan = scan
        self.now = now

    async def acceptable_subject(self) -> AcceptanceSubject | None:
        """The group the user may accept no-full-admin-policy for, read now, with its members and policies: the
        guide's ``PowerUsers`` when it is the only principal with a ``*:*`` policy; None otherwise."""
        authz = await self.scan.authorization_details()
        group = acceptable_group(authz)
        return subject_of(authz, group) if group is not None else None

    async def acceptable_group(self) -> str | None:
        subject = await self.acceptable_subject()
        return subject.group if subject is not None else None

    async def accept_admin_group(self, subject: AcceptanceSubject, reason: str) -> None:
        """Record the acceptance of no-full-admin-policy on ``subject``'s group (PutGroupPolicy of the marker), bound
        to the members and policies the user was shown. Refused (``NotAcceptable``) unless the group is still the
        guide's admin group, the one ``*:*`` finding, and unchanged since ``subject`` was read."""
        problem = reason_problem(reason)
        if problem:
            raise AwsError("InvalidReason", f"The reason cannot be recorded: {problem}", "Type it again.",
                           action="iam:PutGroupPolicy")
        now = await self.acceptable_subject()
        if now is None or now.group != subject.group:
            raise AwsError("NotAcceptable", f"Only the guide's own admin group can be accepted, and only while it is "
                           f"the one finding of no-full-admin-policy; {subject.group} is not.",
                           "Remove the other \"*:*\" policies first, or leave the finding as it is.",
                           action="iam:PutGroupPolicy")
        if now != subject:
            raise AwsError("NotAcceptable", f"The members or policies of {subject.group} changed while you were "
                           "typing; nothing was recorded.", "Look at the finding again, then accept it.",
                           action="iam:PutGroupPolicy")
        identity = await self.scan.account.identity()
        document = marker_document(new_record(subject, reason, identity.caller.arn, self.now()))
        await write(self.aws, "PutGroupPolicy", {"GroupName": subject.group, "PolicyName": MARKER_NAME,
                                                 "PolicyDocument": document})

    async def clear_acceptance(self, group: str) -> None:
        """Remove the acceptance marker from ``group`` (nothing to do when it has none). Only the one name iam-tui
        writes: another policy that merely starts like it is someone else's and stays."""
        if MARKER_NAME not in await self._policy_names(group):
            return
        try:
            await write(self.aws, "DeleteGroupPolicy", {"GroupName": group, "PolicyName": MARKER_NAME})
        except AwsError as err:
            if err.code not in GONE:  # already gone (deleted meanwhile)
                raise

    async def _policy_names(self, group: str) -> list[str]:
        pages = await self.aws.paginate("iam", "ListGroupPolicies", ("PolicyNames",), GroupName=group)
        return pages["PolicyNames"]
