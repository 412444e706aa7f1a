"""Guide step 4: the account alias behind the sign-in URL, and whether a user has signed in yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .account import AccountService
from .calls import AwsCaller
from .models import AccountIdentity
from .readers import read_login_profile, read_user_devices
from .reconcile import write
from .timestamps import aware


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
        Returns the identity with the new alias (the header shows it): once AWS said yes, no re-read can fail and
        make a done change look undone."""
        await write(self.aws, "CreateAccountAlias", {"AccountAlias": alias})
        return await self.account.with_alias(alias)

    async def user(self, name: str) -> SigninUser:
        user = (await self.aws.call("iam", "GetUser", UserName=name))["User"]
        has_password = await read_login_profile(self.aws, name) is not None
        mfa = await read_user_devices(self.aws, name)
        return SigninUser(user["UserName"], user["Arn"], has_password, aware(user.get("PasswordLastUsed")), bool(mfa))
