"""Account-wide reads: who am I, alias, account summary, password policy, Organizations context."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from ..core.identity import CallerIdentity, parse_caller
from ..core.password_policy import PasswordPolicy
from ..core.scan_inputs import AccountSummary
from .calls import AwsCaller
from .errors import AwsError
from .models import AccountIdentity


def policy_from_aws(data: dict[str, Any]) -> PasswordPolicy:
    return PasswordPolicy(
        minimum_length=int(data.get("MinimumPasswordLength", 6)),
        require_symbols=bool(data.get("RequireSymbols", False)),
        require_numbers=bool(data.get("RequireNumbers", False)),
        require_uppercase=bool(data.get("RequireUppercaseCharacters", False)),
        require_lowercase=bool(data.get("RequireLowercaseCharacters", False)),
        allow_users_to_change=bool(data.get("AllowUsersToChangePassword", False)),
        # AWS answers "never expires" / "no reuse prevention" with the field absent or 0 (see ExpirePasswords).
        max_age_days=data.get("MaxPasswordAge") or None,
        reuse_prevention=data.get("PasswordReusePrevention") or None,
        hard_expiry=bool(data.get("HardExpiry", False)),
    )


class AccountService:
    def __init__(self, caller: AwsCaller) -> None:
        self.aws = caller
        self._identity: AccountIdentity | None = None
        self._identity_read: asyncio.Future[AccountIdentity] | None = None

    async def caller_identity(self) -> CallerIdentity:
        data = await self.aws.call("sts", "GetCallerIdentity")
        return parse_caller(data["Arn"], data["Account"], data.get("UserId", ""))

    async def alias(self) -> str | None:
        aliases = (await self.aws.paginate("iam", "ListAccountAliases", ("AccountAliases",)))["AccountAliases"]
        return aliases[0] if aliases else None

    async def _alias_or_unknown(self) -> tuple[str | None, str | None]:
        """The alias, or None and why it is unknown (sign-in URLs then fall back to the account ID; the alias is
        unknown, not absent)."""
        try:
            return await self.alias(), None
        except AwsError as err:
            return None, "no permission" if err.is_denied else f"could not be read: {err.code}"

    async def identity(self, refresh: bool = False) -> AccountIdentity:
        """Who runs the app. Raises AwsError when even GetCallerIdentity fails (a startup failure). Callers at the
        same time share one read (connecting and the scan started alongside it ask together)."""
        if self._identity is not None and not refresh:
            return self._identity
        read = self._identity_read
        if read is None or refresh:
            read = self._identity_read = asyncio.ensure_future(self._read_identity())
            read.add_done_callback(_retrieved)
        try:
            self._identity = await asyncio.shield(read)  # one caller cancelled does not cancel it for the others
        finally:
            if read.done() and self._identity_read is read:
                self._identity_read = None
        return self._identity

    async def _read_identity(self) -> AccountIdentity:
        await self.aws.ready()
        ctx = self.aws.ctx
        # The three at once: the alias and the credential source do not depend on the caller.
        caller, (alias, unknown), source = await asyncio.gather(
            self.caller_identity(), self._alias_or_unknown(), asyncio.to_thread(ctx.credential_source))
        return AccountIdentity(caller, alias, ctx.region, source, demo=ctx.settings.demo, alias_unknown=unknown)

    async def with_alias(self, alias: str | None) -> AccountIdentity:
        """The identity after this app changed the account alias (known without asking AWS again)."""
        identity = await self.identity()
        self._identity = dataclasses.replace(identity, alias=alias, alias_unknown=None)
        return self._identity

    async def summary(self) -> AccountSummary:
        data = (await self.aws.call("iam", "GetAccountSummary"))["SummaryMap"]
        return AccountSummary(
            root_mfa_enabled=data.get("AccountMFAEnabled", 0) == 1,
            root_access_keys_present=data.get("AccountAccessKeysPresent", 0) > 0,
        )

    async def password_policy(self) -> PasswordPolicy | None:
        """The account password policy, or None when none is set (AWS's default applies)."""
        try:
            data = await self.aws.call("iam", "GetAccountPasswordPolicy")
        except AwsError as err:
            if err.code == "NoSuchEntity":
                return None
            raise
        return policy_from_aws(data["PasswordPolicy"])

    async def root_centrally_managed(self, account_id: str) -> bool:
        """True when AWS Organizations manages this member account's root credentials centrally.

        Only the management account or IAM's delegated administrator can read the organization's features; from
        anywhere else (or a standalone account) this answers False and the root checks apply as usual. IAM's
        ListOrganizationsFeatures comes first: a standalone account, the usual case here, is answered by it alone,
        without an Organizations client (~30 ms to build) or a second request."""
        try:
            features = await self.aws.call("iam", "ListOrganizationsFeatures")
        except AwsError:
            return False
        if "RootCredentialsManagement" not in (features.get("EnabledFeatures") or []):
            return False
        try:
            org = (await self.aws.call("organizations", "DescribeOrganization"))["Organization"]
        except AwsError:
            return False  # management account or delegated administrator: which one is unknown, so no note
        return bool(org.get("MasterAccountId") != account_id)  # the management account's own root is never managed


def _retrieved(read: asyncio.Future[AccountIdentity]) -> None:
    """A failed read whose callers were all cancelled must not be reported as "exception never retrieved"."""
    if not read.cancelled():
        read.exception()
