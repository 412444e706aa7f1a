"""Account alias rules AWS enforces and moto does not: the alias pattern, aliases taken by other accounts
(aliases are globally unique), and deleting an alias the account does not have."""

from __future__ import annotations

from typing import Any

from ...core.validation import validate_account_alias
from . import responses
from .fidelity import Caller, params_of

PATTERN = r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
# The sandbox is one account in a world of others: these common aliases belong to someone else, as they would.
TAKEN_ELSEWHERE = frozenset({"aws", "amazon", "example", "examplecorp", "test", "demo", "admin", "prod", "company"})


def _invalid(alias: str) -> Any:
    if not 3 <= len(alias) <= 63:
        bound = "greater than or equal to 3" if len(alias) < 3 else "less than or equal to 63"
        return responses.error("ValidationError", f"1 validation error detected: Value '{alias}' at 'accountAlias' "
                               f"failed to satisfy constraint: Member must have length {bound}")
    return responses.error("ValidationError", f"1 validation error detected: Value '{alias}' at 'accountAlias' "
                           f"failed to satisfy constraint: Member must satisfy regular expression pattern: {PATTERN}")


def register(events: Any, caller: Caller) -> None:
    def current() -> list[str]:
        aliases: list[str] = caller.sandbox.plain_client("iam").list_account_aliases()["AccountAliases"]
        return aliases

    def create(context: dict[str, Any], **_: Any) -> Any:
        alias = str(params_of(context).get("AccountAlias", ""))
        if validate_account_alias(alias):
            return _invalid(alias)
        if alias in TAKEN_ELSEWHERE and alias not in current():
            return responses.error("EntityAlreadyExists", f"The account alias {alias} already exists.", 409)
        return None

    def delete(context: dict[str, Any], **_: Any) -> Any:
        alias = str(params_of(context).get("AccountAlias", ""))
        if alias not in current():
            return responses.error("NoSuchEntity", f"The account alias {alias} cannot be found.", 404)
        return None

    events.register("before-call.iam.CreateAccountAlias", create)
    events.register("before-call.iam.DeleteAccountAlias", delete)
