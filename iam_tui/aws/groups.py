"""Groups and the AWS managed policies a new group can get."""

from __future__ import annotations

from dataclasses import dataclass

from .calls import AwsCaller


@dataclass(frozen=True)
class GroupSummary:
    name: str
    arn: str
    policies: tuple[str, ...]  # attached managed policy names
    inline_policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    description: str = ""


class GroupsService:
    def __init__(self, caller: AwsCaller) -> None:
        self.aws = caller
        self._aws_policies: list[ManagedPolicy] | None = None

    async def list_groups(self) -> list[GroupSummary]:
        """Every group with its attached policies, in one paginated call (not one call per group)."""
        pages = await self.aws.paginate("iam", "GetAccountAuthorizationDetails", ("GroupDetailList",),
                                        Filter=["Group"])
        groups = (
            GroupSummary(g["GroupName"], g["Arn"],
                         tuple(p["PolicyName"] for p in g.get("AttachedManagedPolicies") or ()),
                         tuple(p["PolicyName"] for p in g.get("GroupPolicyList") or ()))
            for g in pages["GroupDetailList"]
        )
        return sorted(groups, key=lambda g: g.name.lower())

    async def aws_managed_policies(self) -> list[ManagedPolicy]:
        """All AWS managed policies (about 1,300; cached for the session)."""
        if self._aws_policies is None:
            pages = await self.aws.paginate("iam", "ListPolicies", ("Policies",), Scope="AWS")
            self._aws_policies = sorted(
                (ManagedPolicy(p["PolicyName"], p["Arn"], p.get("Description", "")) for p in pages["Policies"]),
                key=lambda p: p.name.lower(),
            )
        return self._aws_policies
