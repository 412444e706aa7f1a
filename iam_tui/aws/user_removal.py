"""Removing an IAM user: read everything the user holds (a few calls for this one user, made when the removal is
asked for), and build the plan that :class:`~.plan_runner.PlanRunner` runs, with the same progress, retry and roll
back as create-user (see :mod:`..core.user_removal`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.authz import InlinePolicy, PolicyRef, policy_document
from ..core.identity import CallerIdentity
from ..core.mfa import device_name
from ..core.plan import PlanStep
from ..core.user_removal import (
    MfaDeviceRef,
    ServiceCredential,
    UserDependents,
    build_removal_plan,
    removal_notes,
    removes_the_caller,
)
from .calls import AwsCaller
from .readers import read_login_profile, read_service_credentials, read_user_devices

if TYPE_CHECKING:
    from .scan import ScanService


@dataclass(frozen=True)
class RemovalPlan:
    """What the review shows: what the user holds, the calls in order (each step's ``undo_text()`` says what a
    roll back does, or why it cannot), and notes (what cannot be undone; removing the identity iam-tui runs as)."""

    dependents: UserDependents
    steps: list[PlanStep]
    notes: list[str]
    removes_caller: bool  # iam-tui runs as this user: the screen should refuse, or ask twice

    @property
    def user_name(self) -> str:
        return self.dependents.user_name


class UserRemovalService:
    def __init__(self, caller: AwsCaller, scan: ScanService | None = None) -> None:
        self.aws = caller
        self.scan = scan

    async def dependents(self, user: str) -> UserDependents:
        """Everything ``user`` holds that AWS wants gone before DeleteUser, read now (the calls go out side by
        side). Raises AwsError (``NoSuchEntity`` when the user does not exist)."""
        await self.aws.call("iam", "GetUser", UserName=user)  # one clear NoSuchEntity rather than ten
        reads: list[Any] = await asyncio.gather(  # ten kinds of answer: more than gather's typed overloads
            read_login_profile(self.aws, user),
            self.aws.paginate("iam", "ListAccessKeys", ("AccessKeyMetadata",), UserName=user),
            self.aws.paginate("iam", "ListSigningCertificates", ("Certificates",), UserName=user),
            self.aws.paginate("iam", "ListSSHPublicKeys", ("SSHPublicKeys",), UserName=user),
            read_service_credentials(self.aws, user),
            read_user_devices(self.aws, user),
            self.aws.paginate("iam", "ListGroupsForUser", ("Groups",), UserName=user),
            self.aws.paginate("iam", "ListAttachedUserPolicies", ("AttachedPolicies",), UserName=user),
            self._inline_policies(user),
            self._unassigned_devices(user),
        )
        (login, keys, certificates, ssh_keys, service_credentials, devices, groups, attached, inline,
         unassigned) = reads
        return UserDependents(
            user_name=user,
            login_profile=login is not None,
            access_keys=tuple(k["AccessKeyId"] for k in keys["AccessKeyMetadata"]),
            signing_certificates=tuple(c["CertificateId"] for c in certificates["Certificates"]),
            ssh_public_keys=tuple(k["SSHPublicKeyId"] for k in ssh_keys["SSHPublicKeys"]),
            service_credentials=tuple(ServiceCredential(c["ServiceSpecificCredentialId"], c["ServiceName"])
                                      for c in service_credentials),
            mfa_devices=tuple(MfaDeviceRef(d.serial) for d in devices),
            groups=tuple(g["GroupName"] for g in groups["Groups"]),
            attached_policies=tuple(PolicyRef(p["PolicyName"], p["PolicyArn"]) for p in attached["AttachedPolicies"]),
            inline_policies=inline,
            unassigned_devices=unassigned,
        )

    async def _unassigned_devices(self, user: str) -> tuple[MfaDeviceRef, ...]:
        """Virtual MFA devices named after the user (the name iam-tui gives a user's device) that were never
        enabled: DeleteUser leaves them behind, and they keep the name taken for the next device."""
        pages = await self.aws.paginate("iam", "ListVirtualMFADevices", ("VirtualMFADevices",),
                                        AssignmentStatus="Unassigned")
        return tuple(MfaDeviceRef(d["SerialNumber"]) for d in pages["VirtualMFADevices"]
                     if device_name(d["SerialNumber"]).lower() == user.lower())

    async def _inline_policies(self, user: str) -> tuple[InlinePolicy, ...]:
        """The user's inline policies with their documents (kept, so that a roll back can put them back)."""
        names = (await self.aws.paginate("iam", "ListUserPolicies", ("PolicyNames",), UserName=user))["PolicyNames"]
        documents = await asyncio.gather(*(self.aws.call("iam", "GetUserPolicy", UserName=user, PolicyName=name)
                                           for name in names))
        return tuple(InlinePolicy(name, policy_document(d.get("PolicyDocument")))
                     for name, d in zip(names, documents, strict=True))

    async def plan(self, user: str, caller: CallerIdentity | None = None) -> RemovalPlan:
        """The removal plan for ``user``, read now, for the review; run it with ``service.plans.run(PlanRun(
        plan.steps))``. The user is marked as changed, so that the next scan re-reads it directly."""
        dependents = await self.dependents(user)
        if self.scan is not None:
            self.scan.touch(user)
        return RemovalPlan(dependents, build_removal_plan(dependents), removal_notes(dependents, caller),
                           caller is not None and removes_the_caller(dependents, caller))
