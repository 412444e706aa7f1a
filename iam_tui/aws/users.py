"""IAM users: list and look up (the create plan runs in ``plan_runner.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calls import AwsCaller
from .errors import AwsError


@dataclass(frozen=True)
class UserSummary:
    name: str
    arn: str
    path: str
    created: datetime | None


@dataclass(frozen=True)
class LoginProfile:
    created: datetime | None
    password_reset_required: bool


async def read_login_profile(aws: AwsCaller, name: str) -> LoginProfile | None:
    """The user's console password settings, or None when the user has no console password."""
    try:
        data = (await aws.call("iam", "GetLoginProfile", UserName=name))["LoginProfile"]
    except AwsError as err:
        if err.code == "NoSuchEntity":
            return None
        raise
    return LoginProfile(data.get("CreateDate"), bool(data.get("PasswordResetRequired", False)))


class UsersService:
    def __init__(self, caller: AwsCaller) -> None:
        self.aws = caller

    async def list_users(self) -> list[UserSummary]:
        """Every IAM user in the account (all pages)."""
        pages = await self.aws.paginate("iam", "ListUsers", ("Users",))
        return sorted(
            (UserSummary(u["UserName"], u["Arn"], u.get("Path", "/"), u.get("CreateDate")) for u in pages["Users"]),
            key=lambda u: u.name.lower(),
        )

    async def find_user(self, name: str) -> str | None:
        """The existing user whose name equals ``name`` ignoring case (IAM names are unique that way), or None."""
        try:
            found = (await self.aws.call("iam", "GetUser", UserName=name))["User"]["UserName"]
        except AwsError as err:
            if err.code != "NoSuchEntity":
                raise
        else:
            return found
        lowered = name.lower()
        return next((u.name for u in await self.list_users() if u.name.lower() == lowered), None)

    async def login_profile(self, name: str) -> LoginProfile | None:
        return await read_login_profile(self.aws, name)

    async def tags(self, name: str) -> list[tuple[str, str]]:
        pages = await self.aws.paginate("iam", "ListUserTags", ("Tags",), UserName=name)
        return [(t["Key"], t["Value"]) for t in pages["Tags"]]

    async def groups_of(self, name: str) -> list[str]:
        pages = await self.aws.paginate("iam", "ListGroupsForUser", ("Groups",), UserName=name)
        return [g["GroupName"] for g in pages["Groups"]]

    async def attached_policies(self, name: str) -> list[str]:
        pages = await self.aws.paginate("iam", "ListAttachedUserPolicies", ("AttachedPolicies",), UserName=name)
        return [p["PolicyName"] for p in pages["AttachedPolicies"]]
