"""A created, not yet enabled MFA device and its deletion (on leave, cancel or quit), against the sandbox."""

from __future__ import annotations

from iam_tui.aws.pending_mfa import PendingDevice
from iam_tui.aws.service import IamService

from ..helpers import IamClient, inject_error


async def test_delete_is_idempotent_and_already_gone_counts(service: IamService, admin: IamClient) -> None:
    pending = PendingDevice(service.mfa, await service.mfa.create("alice"))
    assert pending.cleanup_key == "unassigned MFA device alice"
    admin.delete_virtual_mfa_device(SerialNumber=pending.device.serial)  # deleted elsewhere meanwhile
    assert await pending.delete() is None and pending.deleted
    assert await pending.delete() is None  # a second attempt does not call AWS again


async def test_a_failed_delete_names_the_device_and_how_to_delete_it(service: IamService, admin: IamClient) -> None:
    pending = PendingDevice(service.mfa, await service.mfa.create("alice"))
    denied = inject_error(service, "iam", "DeleteVirtualMFADevice", "AccessDenied", status=403, times=1)
    problem = await pending.on_exit()
    assert len(denied) == 1 and pending.exiting and not pending.deleted
    assert problem is not None and pending.device.serial in problem and "AccessDenied" in problem
    assert "aws iam delete-virtual-mfa-device" in problem
    assert await pending.delete() is None and admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []
