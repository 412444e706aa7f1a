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
