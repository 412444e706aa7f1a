"""IAM users: list, and whether a name is taken (the create plan runs in ``plan_runner.py``)."""

from __future__ import annotations

import asyncio
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
        # Every user name by its lower case, read once (ListUsers: ~3 s at 10,000 users) and read again after the
        # app creates or deletes a user (``names_changed``). A task, so that a name check cancelled by the next
        # keystroke does not cancel the read the next check needs.
        self._names: asyncio.Task[dict[str, str]] | None = None

    async def list_users(self) -> list[UserSummary]:
        """Every IAM user in the account (all pages)."""
        pages = await self.aws.paginate("iam", "ListUsers", ("Users",))
        return sorted(
            (UserSummary(u["UserName"], u["Arn"], u.get("Path", "/"), u.get("CreateDate")) for u in pages["Users"]),
            key=lambda u: u.name.lower(),
        )

    async def find_user(self, name: str) -> str | None:
        """The existing user whose name equals ``name`` ignoring case (IAM names are unique that way), or None.

        One GetUser (the name as typed, current), and the name index for a user whose name differs only in case."""
        names = self._name_index()  # read alongside GetUser: a name that is free needs it
        try:
            found: str = (await self.aws.call("iam", "GetUser", UserName=name))["User"]["UserName"]
            return found
        except AwsError as err:
            if err.code != "NoSuchEntity":
                raise
        clash = (await asyncio.shield(names)).get(name.lower())
        return clash if clash != name else None  # GetUser, not the index, says whether this very name exists

    def names_changed(self) -> None:
        """The app created or deleted a user (or may have): the name index is read again when next needed."""
        self._names = None

    def _name_index(self) -> asyncio.Task[dict[str, str]]:
        # A read that failed is made again even before its done-callback has run (it runs one loop turn later: a
        # check made at once after the failure would otherwise get the same failure).
        if (self._names is None or self._names.get_loop() is not asyncio.get_running_loop()
                or (self._names.done() and (self._names.cancelled() or self._names.exception() is not None))):
            self._names = asyncio.create_task(self._read_names())
            self._names.add_done_callback(self._forget_failed_read)
        return self._names

    def _forget_failed_read(self, task: asyncio.Task[dict[str, str]]) -> None:
        """A read that failed (or was cancelled) is made again at the next check; its error is the checks' own."""
        failed = task.cancelled() or task.exception() is not None  # retrieved here, so asyncio does not log it
        if failed and self._names is task:
            self._names = None

    async def _read_names(self) -> dict[str, str]:
        return {user.name.lower(): user.name for user in await self.list_users()}
