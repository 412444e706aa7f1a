"""Virtual MFA devices: list a user's devices, find leftovers, create, enable, delete.

The seed AWS returns is wrapped in a :class:`Secret` at once; ``QRCodePNG`` is dropped unread (the app draws its
own QR code from the seed, and never sends the seed anywhere but back to AWS as codes)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..core.mfa import device_name, seed_secret
from ..core.secret import Secret
from .calls import AwsCaller
from .errors import AwsError
from .models import MfaDevice
from .patience import BUSY, OnWait, Patience
from .readers import read_user_devices
from .reconcile import ReadBack, Waiting, read_back, write

ENABLE_WAIT_S = 20.0  # EnableMFADevice right after CreateLoginProfile: "EntityTemporarilyUnmodifiable" for a while

_SECRET_ELEMENTS = re.compile(r"<(Base32StringSeed|QRCodePNG)>[^<]*</\1>")


class _RedactSeeds(logging.Filter):
    """botocore logs every response body at DEBUG; a CreateVirtualMFADevice body holds the seed (base64 of the
    base32 text) and the QR code. Should anyone turn DEBUG logging on, they are redacted before any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Base32StringSeed" in message or "QRCodePNG" in message:
            record.msg, record.args = _SECRET_ELEMENTS.sub(r"<\1>(redacted)</\1>", message), None
        return True


_REDACT_SEEDS = _RedactSeeds()
logging.getLogger("botocore.parsers").addFilter(_REDACT_SEEDS)


@dataclass(frozen=True)
class VirtualMfaDevice:
    """A virtual device of the account (from ``ListVirtualMFADevices``); ``user`` is None while unassigned."""

    serial: str
    user: str | None
    enabled: datetime | None

    @property
    def name(self) -> str:
        return device_name(self.serial)

    @property
    def assigned(self) -> bool:
        return self.user is not None


@dataclass(frozen=True)
class NewVirtualMfaDevice:
    """A device just created: not usable until enabled for a user with two codes. ``seed`` is the base32 key."""

    serial: str
    name: str
    seed: Secret


class MfaService:
    def __init__(self, caller: AwsCaller, on_change: Callable[[str], None] | None = None,
                 patience: Patience | None = None) -> None:
        self.aws = caller
        self._on_change = on_change  # ScanService.touch: the next scan re-reads this user directly
        self.patience = patience or Patience()

    async def user_devices(self, user: str) -> list[MfaDevice]:
        """The user's MFA devices of every kind (at most 8), oldest first."""
        return await read_user_devices(self.aws, user)

    async def virtual_devices(self, assignment: str = "Any") -> list[VirtualMfaDevice]:
        """The account's virtual devices (``Any``, ``Assigned`` or ``Unassigned``), all pages."""
        pages = await self.aws.paginate("iam", "ListVirtualMFADevices", ("VirtualMFADevices",),
                                        AssignmentStatus=assignment)
        return [VirtualMfaDevice(d["SerialNumber"], (d.get("User") or {}).get("UserName"), d.get("EnableDate"))
                for d in pages["VirtualMFADevices"]]

    async def unassigned_named(self, name: str) -> list[VirtualMfaDevice]:
        """Unassigned virtual devices called ``name`` (ignoring case, as IAM names do): leftovers of an
        interrupted attempt, which block the name until deleted."""
        wanted = name.lower()
        return [d for d in await self.virtual_devices("Unassigned") if d.name.lower() == wanted]

    async def create(self, name: str, path: str = "/") -> NewVirtualMfaDevice:
        """A new virtual device and its seed. When AWS's answer was lost, the device it made anyway has a seed that
        never arrived (nobody can use it): that device is deleted and the device made again."""
        async def made_anyway() -> bool:
            unusable = await self.unassigned_named(name)
            for device in unusable:
                await self.delete(device.serial)
            return bool(unusable)

        try:
            data = await self.aws.call("iam", "CreateVirtualMFADevice", VirtualMFADeviceName=name, Path=path)
        except AwsError as err:
            if await read_back(err, "CreateVirtualMFADevice", made_anyway) is not ReadBack.MADE:
                raise
            data = await self.aws.call("iam", "CreateVirtualMFADevice", VirtualMFADeviceName=name, Path=path)
        device = data["VirtualMFADevice"]
        device.pop("QRCodePNG", None)
        raw = device.pop("Base32StringSeed")
        seed = seed_secret(raw)
        del raw, data
        return NewVirtualMfaDevice(device["SerialNumber"], name, seed)

    async def enable(self, user: str, serial: str, code1: str, code2: str, on_wait: OnWait | None = None) -> None:
        """Assign the device to ``user``; AWS checks the two consecutive codes (``InvalidAuthenticationCode``).

        Right after the user's console password was set, IAM may refuse for a moment: waited out (bounded). After
        a lost answer, the user's devices are read: the device may be assigned although the answer was lost."""
        await write(self.aws, "EnableMFADevice", {"UserName": user, "SerialNumber": serial,
                                                  "AuthenticationCode1": code1, "AuthenticationCode2": code2},
                    waiting=Waiting(self.patience, BUSY, ENABLE_WAIT_S, on_wait))
        if self._on_change is not None:
            self._on_change(user)

    async def delete(self, serial: str) -> None:
        """Delete a virtual device (only an unassigned one can be: ``DeleteConflict`` otherwise)."""
        await write(self.aws, "DeleteVirtualMFADevice", {"SerialNumber": serial})
