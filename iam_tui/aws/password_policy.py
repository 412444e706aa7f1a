"""The account password policy: read it, replace it as a whole, or remove it (AWS's default then applies)."""

from __future__ import annotations

from ..core.password_policy import PasswordPolicy
from ..core.policy_edit import policy_problems, update_request
from .account import AccountService
from .calls import AwsCaller
from .errors import AwsError
from .reconcile import write

UPDATE_ACTION = "iam:UpdateAccountPasswordPolicy"


class PasswordPolicyService:
    def __init__(self, caller: AwsCaller, account: AccountService) -> None:
        self.aws = caller
        self.account = account

    async def current(self) -> PasswordPolicy | None:
        """The account's policy, or None when none is set."""
        return await self.account.password_policy()

    async def update(self, policy: PasswordPolicy) -> None:
        """Replace the account's policy with ``policy``, every field sent (fields left out would reset).

        Refuses values outside AWS's bounds without calling AWS."""
        problems = policy_problems(policy)
        if problems:
            raise AwsError("InvalidInput", "Not sent: " + "; ".join(problems.values()) + ".",
                           "Fix the highlighted field.", action=UPDATE_ACTION)
        await write(self.aws, "UpdateAccountPasswordPolicy", update_request(policy))

    async def delete(self) -> bool:
        """Remove the account's policy. False when there was none to remove."""
        try:
            await write(self.aws, "DeleteAccountPasswordPolicy", {})
        except AwsError as err:
            if err.code == "NoSuchEntity":
                return False
            raise
        return True
