"""A virtual MFA device that exists in AWS but protects nobody yet: created (``CreateVirtualMFADevice``), not yet
enabled (``EnableMFADevice``). Whoever made it must delete it again if the person leaves, cancels or quits, or it
blocks its name and is left behind as an orphan."""

from __future__ import annotations

from .errors import AwsError
from .mfa import MfaService, NewVirtualMfaDevice


class PendingDevice:
    """A created, not yet enabled device, and its deletion (idempotent: on leave, on cancel or on quit)."""

    def __init__(self, mfa: MfaService, device: NewVirtualMfaDevice) -> None:
        self.mfa = mfa
        self.device = device
        self.deleted = False
        self.exiting = False  # the app's exit cleanup has run: nothing else should try again

    @property
    def cleanup_key(self) -> str:
        """One exit cleanup per device (device names are unique in the account)."""
        return f"unassigned MFA device {self.device.name}"

    async def on_exit(self) -> str | None:
        """The app's exit cleanup (see ``GuideSession.add_exit_cleanup``)."""
        self.exiting = True
        return await self.delete()

    async def delete(self) -> str | None:
        """Delete the device; a message naming it when that fails, else None. Already gone counts as deleted."""
        if self.deleted:
            return None
        try:
            await self.mfa.delete(self.device.serial)
        except AwsError as err:
            if err.code != "NoSuchEntity":
                return (f"Could not delete the unassigned MFA device {self.device.name} ({self.device.serial}). "
                        f"{err.text} Delete it with `aws iam delete-virtual-mfa-device --serial-number "
                        f"{self.device.serial}`, or let iam-tui offer it again next time.")
        self.deleted = True
        return None
