"""The per-user reads that several services and the scan share, one reader for each list: a user's MFA devices,
access keys (with their last use) and console password."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from ..core.mfa import device_kind
from .calls import AwsCaller
from .errors import AwsError
from .models import AccessKeyInfo, LoginProfile, MfaDevice
from .timestamps import aware


async def read_user_devices(aws: AwsCaller, user: str) -> list[MfaDevice]:
    """A user's MFA devices of every kind (at most 8), oldest first: the one reader of ListMFADevices."""
    pages = await aws.paginate("iam", "ListMFADevices", ("MFADevices",), UserName=user)
    devices = [MfaDevice(d["SerialNumber"], device_kind(d["SerialNumber"]), d.get("EnableDate"))
               for d in pages["MFADevices"]]
    return sorted(devices, key=lambda d: (d.enabled is None, d.enabled or datetime.min, d.serial))


def _known(value: Any) -> str | None:
    return None if value in (None, "", "N/A") else str(value)


async def read_keys(aws: AwsCaller, user_name: str | None) -> list[AccessKeyInfo]:
    """A user's keys (oldest first), each with its last use (GetAccessKeyLastUsed, one call per key: at most 2)."""
    pages = await aws.paginate("iam", "ListAccessKeys", ("AccessKeyMetadata",),
                               **({"UserName": user_name} if user_name else {}))
    metas = pages["AccessKeyMetadata"]
    used = await asyncio.gather(*(aws.call("iam", "GetAccessKeyLastUsed", AccessKeyId=m["AccessKeyId"])
                                  for m in metas))
    keys = []
    for meta, last in zip(metas, used, strict=True):
        info = last.get("AccessKeyLastUsed") or {}
        keys.append(AccessKeyInfo(meta["AccessKeyId"], meta.get("Status") == "Active", aware(meta.get("CreateDate")),
                                  aware(info.get("LastUsedDate")), _known(info.get("ServiceName")),
                                  _known(info.get("Region"))))
    return sorted(keys, key=lambda k: k.created or datetime.min.replace(tzinfo=UTC))


async def read_login_profile(aws: AwsCaller, name: str) -> LoginProfile | None:
    """The user's console password settings, or None when the user has no console password."""
    try:
        data = (await aws.call("iam", "GetLoginProfile", UserName=name))["LoginProfile"]
    except AwsError as err:
        if err.code == "NoSuchEntity":
            return None
        raise
    return LoginProfile(data.get("CreateDate"), bool(data.get("PasswordResetRequired", False)))


async def read_service_credentials(aws: AwsCaller, user: str) -> list[dict[str, Any]]:
    """Every service-specific credential of ``user``. The call pages (Marker, IsTruncated) but botocore has no
    paginator for it: each page is asked for in turn."""
    found: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        page = await aws.call("iam", "ListServiceSpecificCredentials", UserName=user,
                              **({"Marker": marker} if marker else {}))
        found.extend(page.get("ServiceSpecificCredentials") or ())
        marker = page.get("Marker")
        if not page.get("IsTruncated") or not marker:
            return found
