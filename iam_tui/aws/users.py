"""IAM users: list and look up (the create-user plan lives in ``create_user.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .calls import AwsCaller


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
