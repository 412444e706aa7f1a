"""Access keys: list (with last use), create, activate/deactivate, delete, and the console's description tag.

``user_name=None`` means the caller's own keys (for root: the root user's keys, as AWS does when ``UserName`` is
omitted). The new secret is wrapped in a :class:`Secret` the moment it arrives and is never kept here."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.mfa import MfaKind
from ..core.secret import Secret
from .calls import AwsCaller
from .errors import AwsError
from .models import AccessKeyInfo
from .readers import read_keys, read_user_devices
from .reconcile import ReadBack, read_back, write
from .timestamps import aware

MAX_KEYS = 2  # per user, and for root (IAM quotas)


@dataclass(frozen=True)
class NewAccessKey:
    """``unseen``: keys AWS also made in this attempt (its first answer was lost and the SDK re-sent the call):
    active, their secret never received and unrecoverable. Only deleting them helps."""

    user_name: str | None
    access_key_id: str
    secret: Secret
    created: datetime | None
    unseen: tuple[str, ...] = ()


class SecretNeverReceived(AwsError):
    """CreateAccessKey failed as far as the app could tell, yet AWS made the key(s): their secret is lost."""

    def __init__(self, access_key_ids: tuple[str, ...], cause: AwsError) -> None:
        super().__init__(cause.code, f"AWS made access key {', '.join(access_key_ids)}, but its answer was lost: the "
                         "secret never arrived and cannot be recovered.", "Delete it and create a new key.",
                         action=cause.action, retried=cause.retried)
        self.access_key_ids = access_key_ids


class KeysService:
    def __init__(self, caller: AwsCaller, on_change: Callable[[str], None] | None = None) -> None:
        self.aws = caller
        self._on_change = on_change  # ScanService.touch: the next scan re-reads this user directly

    def _changed(self, user_name: str | None) -> None:
        if user_name and self._on_change is not None:
            self._on_change(user_name)

    @staticmethod
    def _user(user_name: str | None) -> dict[str, Any]:
        return {"UserName": user_name} if user_name else {}

    async def list_keys(self, user_name: str | None) -> list[AccessKeyInfo]:
        """The user's keys (oldest first), each with its last use and the console's description tag."""
        keys, tags = await asyncio.gather(read_keys(self.aws, user_name), self.descriptions(user_name))
        return [dataclasses.replace(key, description=tags.get(key.access_key_id)) for key in keys]

    async def descriptions(self, user_name: str | None) -> dict[str, str]:
        """Description tags by access key ID (the console stores a key's description as a user tag whose key is
        the access key ID). Root has no user tags."""
        if not user_name:
            return {}
        try:
            tags = (await self.aws.paginate("iam", "ListUserTags", ("Tags",), UserName=user_name))["Tags"]
        except AwsError as err:
            if err.is_denied:
                return {}  # descriptions are optional: the keys still show
            raise
        return {t["Key"]: t.get("Value", "") for t in tags if t.get("Key", "").startswith(("AKIA", "ASIA"))}

    async def create(self, user_name: str | None) -> NewAccessKey:
        """A new key, with the keys AWS made besides it when the answer of a first attempt was lost (``unseen``);
        raises :class:`SecretNeverReceived` when the call seemed to fail but a key was made anyway."""
        before = set(await self._status(user_name))
        made: set[str] = set()

        async def made_anyway() -> bool:
            made.update(set(await self._status(user_name)) - before)
            return bool(made)

        try:
            answer = await self.aws.call("iam", "CreateAccessKey", **self._user(user_name))
        except AwsError as err:
            if await read_back(err, "CreateAccessKey", made_anyway) is ReadBack.MADE:
                self._changed(user_name)
                raise SecretNeverReceived(tuple(sorted(made)), err) from None
            raise
        data = answer["AccessKey"]
        secret = Secret(data.pop("SecretAccessKey"))
        self._changed(user_name)
        unseen: tuple[str, ...] = ()
        if answer.get("ResponseMetadata", {}).get("RetryAttempts"):  # the SDK re-sent it: a first key may exist
            unseen = tuple(sorted(set(await self._status(user_name)) - before - {data["AccessKeyId"]}))
        return NewAccessKey(user_name, data["AccessKeyId"], secret, aware(data.get("CreateDate")), unseen)

    async def set_description(self, user_name: str, access_key_id: str, description: str) -> None:
        await write(self.aws, "TagUser", {"UserName": user_name,
                                          "Tags": [{"Key": access_key_id, "Value": description}]})

    async def _status(self, user_name: str | None) -> dict[str, str]:
        pages = await self.aws.paginate("iam", "ListAccessKeys", ("AccessKeyMetadata",), **self._user(user_name))
        return {m["AccessKeyId"]: m.get("Status", "") for m in pages["AccessKeyMetadata"]}

    async def set_active(self, user_name: str | None, access_key_id: str, active: bool) -> None:
        status = "Active" if active else "Inactive"
        await write(self.aws, "UpdateAccessKey", {"AccessKeyId": access_key_id, "Status": status,
                                                  **self._user(user_name)})
        self._changed(user_name)

    async def delete(self, user_name: str | None, access_key_id: str) -> None:
        """Delete the key, then its description tag (as the console does); a tag left behind is harmless."""
        await write(self.aws, "DeleteAccessKey", {"AccessKeyId": access_key_id, **self._user(user_name)})
        self._changed(user_name)
        if user_name:
            with contextlib.suppress(AwsError):
                await self.aws.call("iam", "UntagUser", UserName=user_name, TagKeys=[access_key_id])

    async def virtual_mfa_serial(self, user_name: str) -> str | None:
        """The ARN of the user's virtual MFA device (what ``mfa_serial`` takes), if any. Hardware TOTP tokens
        have plain serial numbers and FIDO keys cannot be used by the CLI: neither is returned."""
        devices = await read_user_devices(self.aws, user_name)
        return next((d.serial for d in devices if d.kind is MfaKind.VIRTUAL), None)

    async def running_access_key_id(self) -> str | None:
        """The access key ID the app itself signs its calls with (None if it cannot tell)."""
        try:
            return await asyncio.to_thread(self.aws.ctx.access_key_id)
        except Exception:
            return None
