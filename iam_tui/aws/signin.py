"""Guide step 4: the account alias behind the sign-in URL, and whether a user has signed in yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .account import AccountService
from .calls import AwsCaller
from .errors import AwsError
from .models import AccountIdentity


@dataclass(frozen=True)
class SigninUser:
    name: str
    arn: str
    has_password: bool
    password_last_used: datetime | None  # None: never signed in with a password (or not since IAM began tracking)
    has_mfa: bool


class SigninService:
    def __init__(self, caller: AwsCaller, account: AccountService) -> None:
        self.aws = caller
        self.account = account

    async def set_alias(self, alias: str) -> AccountIdentity:
        """Create the alias; an account has one, so a new alias replaces the old one (whose URL stops working).
        Returns the refreshed identity (the header shows the alias)."""
        await self.aws.call("iam", "CreateAccountAlias", AccountAlias=alias)
        return await self.account.identity(refresh=True)

    async def delete_alias(self, alias: str) -> AccountIdentity:
        await self.aws.call("iam", "DeleteAccountAlias", AccountAlias=alias)
        return await self.account.identity(refresh=True)

    async def user(self, name: str) -> SigninUser:
        user = (await self.aws.call("iam", "GetUser", UserName=name))["User"]
        try:
            await self.aws.call("iam", "GetLoginProfile", UserName=name)
            has_password = True
        except AwsError as err:
            if err.code != "NoSuchEntity":
                raise
            has_password = False
        mfa = await self.aws.paginate("iam", "ListMFADevices", ("MFADevices",), UserName=name)
        used = user.get("PasswordLastUsed")
        if isinstance(used, datetime) and used.tzinfo is None:
            used = used.replace(tzinfo=UTC)
        return SigninUser(user["UserName"], user["Arn"], has_password, used if isinstance(used, datetime) else None,
                          bool(mfa["MFADevices"]))
