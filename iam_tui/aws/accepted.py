"""Accepting a finding on purpose (see :mod:`..core.accepted`): today, no-full-admin-policy for the guide's own admin
group. Stored on the group itself as an inline policy that grants nothing, which the scan reads back from the
authorization details it already reads (no extra call)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.accepted import GUIDE_ADMIN_GROUP, MARKER_PREFIX, acceptable_group, marker_document, marker_policy_name
from .calls import AwsCaller
from .errors import AwsError
from .reconcile import settle

if TYPE_CHECKING:
    from .scan import ScanService


class AcceptedFindingsService:
    def __init__(self, caller: AwsCaller, scan: ScanService) -> None:
        self.aws = caller
        self.scan = scan

    async def acceptable_group(self) -> str | None:
        """The group the user may accept no-full-admin-policy for, read now: the guide's ``PowerUsers`` when it is
        the only principal with a ``*:*`` policy; None otherwise."""
        return acceptable_group(await self.scan.authorization_details())

    async def accept_admin_group(self, group: str, reason_id: str = GUIDE_ADMIN_GROUP) -> None:
        """Mark no-full-admin-policy accepted on ``group`` (PutGroupPolicy of the marker). Refused
        (``NotAcceptable``) unless ``group`` is the guide's admin group and the only ``*:*`` finding; the next scan
        shows the check still failing, with the reason."""
        if await self.acceptable_group() != group:
            raise AwsError("NotAcceptable", f"Only the guide's own admin group can be accepted, and only while it is "
                           f"the one finding of no-full-admin-policy; {group} is not.",
                           "Remove the other \"*:*\" policies first, or leave the finding as it is.",
                           action="iam:PutGroupPolicy")
        name = marker_policy_name(reason_id)

        async def in_place() -> bool:
            return name in await self._policy_names(group)

        await settle(lambda: self.aws.call("iam", "PutGroupPolicy", GroupName=group, PolicyName=name,
                                           PolicyDocument=marker_document()), "PutGroupPolicy", in_place)

    async def clear_acceptance(self, group: str) -> None:
        """Remove every acceptance marker from ``group`` (nothing to do when it has none)."""
        for name in [n for n in await self._policy_names(group) if n.startswith(MARKER_PREFIX)]:
            try:
                await self.aws.call("iam", "DeleteGroupPolicy", GroupName=group, PolicyName=name)
            except AwsError as err:
                if err.code != "NoSuchEntity":  # already gone (a lost answer's first attempt deleted it)
                    raise

    async def _policy_names(self, group: str) -> list[str]:
        pages = await self.aws.paginate("iam", "ListGroupPolicies", ("PolicyNames",), GroupName=group)
        return pages["PolicyNames"]
