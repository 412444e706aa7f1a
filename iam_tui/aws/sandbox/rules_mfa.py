"""Virtual MFA in the sandbox, as AWS does it (moto accepts any codes, deletes assigned devices, hands out the
seed in every list and a random ``QRCodePNG``):

* ``CreateVirtualMFADevice``: names are checked (AWS's pattern, unique in the account ignoring case and path,
  ``EntityAlreadyExists``); the seed is remembered for the code check; moto's random ``QRCodePNG`` is dropped;
* ``ListVirtualMFADevices`` never returns seeds or QR codes (AWS returns them only once, on creation);
* ``EnableMFADevice`` checks the two codes against the device's seed (RFC 6238, two consecutive codes, a small
  clock window: :func:`iam_tui.core.totp.check_codes`), else ``InvalidAuthenticationCode``; an unknown virtual
  device is ``NoSuchEntity``, one already assigned ``EntityAlreadyExists``, a ninth device ``LimitExceeded``.
  A virtual device created outside the sandbox's own sessions (a test's plain client) has no known seed, so its
  codes can never be verified: rejected, as AWS would reject codes it cannot match;
* ``DeleteVirtualMFADevice`` of an assigned device is ``DeleteConflict``.
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import ClientError

from ...core.mfa import MAX_DEVICES_PER_USER, MfaKind, device_kind, device_name, seed_secret
from ...core.totp import check_codes
from ...core.validation import validate_mfa_device_name
from . import responses
from .fidelity import Caller, Handler, params_of


def _virtual_devices(caller: Caller) -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = []
    iam = caller.sandbox.plain_client("iam")
    for page in iam.get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Any"):
        devices.extend(page["VirtualMFADevices"])
    return devices


def _failed(parsed: dict[str, Any]) -> bool:
    return "Error" in parsed


def register(events: Any, caller: Caller) -> None:
    seeds = caller.state.mfa_seeds

    def create_checks(context: dict[str, Any], **_: Any) -> Any:
        name = params_of(context).get("VirtualMFADeviceName", "")
        problem = validate_mfa_device_name(name)
        if problem:
            return responses.error("ValidationError", f"1 validation error detected: Value at 'virtualMFADeviceName' "
                                   f"failed to satisfy constraint: {problem}", 400)
        if any(device_name(d["SerialNumber"]).lower() == name.lower() for d in _virtual_devices(caller)):
            return responses.error("EntityAlreadyExists", "MFADevice entity at the same path and name already "
                                   "exists.", 409)
        return None

    def remember_seed(parsed: dict[str, Any], **_: Any) -> None:
        device = parsed.get("VirtualMFADevice")
        if _failed(parsed) or not device:
            return
        device.pop("QRCodePNG", None)
        raw = device.get("Base32StringSeed")
        if raw:
            seeds[device["SerialNumber"]] = seed_secret(raw)

    def list_without_secrets(parsed: dict[str, Any], **_: Any) -> None:
        for device in parsed.get("VirtualMFADevices") or []:
            device.pop("Base32StringSeed", None)
            device.pop("QRCodePNG", None)

    def enable_checks(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        serial, user = params.get("SerialNumber", ""), params.get("UserName", "")
        try:
            existing = caller.sandbox.plain_client("iam").list_mfa_devices(UserName=user)["MFADevices"]
        except ClientError:
            return None  # no such user: moto answers NoSuchEntity
        if len(existing) >= MAX_DEVICES_PER_USER:
            return responses.error("LimitExceeded", f"Cannot exceed quota for MFADevicesPerUser: "
                                   f"{MAX_DEVICES_PER_USER}", 409)
        if device_kind(serial) is not MfaKind.VIRTUAL:
            return None
        device = next((d for d in _virtual_devices(caller) if d["SerialNumber"] == serial), None)
        if device is None:
            return responses.error("NoSuchEntity", f"VirtualMFADevice with serial number {serial} doesn't exist.",
                                   404)
        if device.get("User"):
            return responses.error("EntityAlreadyExists", "MFA device is already in use.", 409)
        seed = seeds.get(serial)
        codes = params.get("AuthenticationCode1", ""), params.get("AuthenticationCode2", "")
        if seed is None or not check_codes(seed, *codes, time.time()).ok:
            return responses.error("InvalidAuthenticationCode", "Authentication code for device is not valid.", 403)
        return None

    def delete_checks(context: dict[str, Any], **_: Any) -> Any:
        serial = params_of(context).get("SerialNumber", "")
        device = next((d for d in _virtual_devices(caller) if d["SerialNumber"] == serial), None)
        if device is not None and device.get("User"):
            return responses.error("DeleteConflict", "MFA device is still in use: deactivate it first.", 409)
        return None

    def forget_seed(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if not _failed(parsed):
            seeds.pop(params_of(context).get("SerialNumber", ""), None)

    handlers: list[tuple[str, Handler]] = [
        ("before-call.iam.CreateVirtualMFADevice", create_checks),
        ("after-call.iam.CreateVirtualMFADevice", remember_seed),
        ("after-call.iam.ListVirtualMFADevices", list_without_secrets),
        ("before-call.iam.EnableMFADevice", enable_checks),
        ("before-call.iam.DeleteVirtualMFADevice", delete_checks),
        ("after-call.iam.DeleteVirtualMFADevice", forget_seed),
    ]
    for event, handler in handlers:
        events.register(event, handler)
