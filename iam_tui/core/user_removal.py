"""Removing an IAM user the way the console does: AWS refuses DeleteUser (``DeleteConflict``) while the user has
anything left, so the plan first deletes the console password, access keys, signing certificates, SSH public keys,
service-specific credentials and MFA devices (deactivated, then deleted when virtual), removes the user from its
groups, detaches and deletes its policies, and deletes the user last.

A roll back can put back what was only taken away (group memberships, attached policies, inline policies, whose
documents the plan keeps); what was deleted for good (a password, a key, an MFA device, ...) cannot be made again as
it was, and each such step says why, so that the review shows it before anything is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .authz import InlinePolicy, PolicyRef
from .identity import CallerIdentity, CallerKind
from .mfa import MfaKind, device_kind
from .plan import PlanStep


@dataclass(frozen=True, slots=True)
class ServiceCredential:
    id: str
    service: str  # e.g. codecommit.amazonaws.com


@dataclass(frozen=True, slots=True)
class MfaDeviceRef:
    serial: str

    @property
    def virtual(self) -> bool:
        """A virtual device must be deleted once deactivated, or it stays in the account, unassigned; hardware and
        FIDO devices are only deactivated."""
        return device_kind(self.serial) is MfaKind.VIRTUAL


@dataclass(frozen=True, slots=True)
class UserDependents:
    """Everything a user holds that AWS wants gone before DeleteUser, read when the removal is asked for."""

    user_name: str
    login_profile: bool = False
    access_keys: tuple[str, ...] = ()
    signing_certificates: tuple[str, ...] = ()
    ssh_public_keys: tuple[str, ...] = ()
    service_credentials: tuple[ServiceCredential, ...] = ()
    mfa_devices: tuple[MfaDeviceRef, ...] = ()
    groups: tuple[str, ...] = ()
    attached_policies: tuple[PolicyRef, ...] = ()
    inline_policies: tuple[InlinePolicy, ...] = ()
    # Virtual MFA devices named after the user but never enabled: not the user's (DeleteUser leaves them), but
    # they keep the name taken, so the removal deletes them too.
    unassigned_devices: tuple[MfaDeviceRef, ...] = ()


NO_UNDO_PASSWORD = "AWS never reveals a password: the user would need a new one."
NO_UNDO_KEY = "a deleted access key is gone for good; a new key has a new ID and secret."
NO_UNDO_CERTIFICATE = "it can only be uploaded again from the certificate's file, with a new ID."
NO_UNDO_SSH_KEY = "it can only be uploaded again from the public key's file, with a new ID."
NO_UNDO_SERVICE_CREDENTIAL = "a deleted service credential is gone for good; a new one has a new password."
NO_UNDO_DEACTIVATE_MFA = "enabling the device again takes two codes from it."
NO_UNDO_DELETE_MFA = "the device's secret is deleted: the authenticator app's entry stops working for good."
NO_UNDO_USER = "a user made again with the same name is a new user (new unique ID); nothing is left to put back."


def build_removal_plan(d: UserDependents) -> list[PlanStep]:
    """The calls that remove ``d.user_name`` and everything it holds, in the order the console uses."""
    user = d.user_name
    steps: list[PlanStep] = []
    if d.login_profile:
        steps.append(PlanStep(f"Delete {user}'s console password", "DeleteLoginProfile", {"UserName": user},
                              None, no_undo=NO_UNDO_PASSWORD))
    for key in d.access_keys:
        steps.append(PlanStep(f"Delete access key {key}", "DeleteAccessKey", {"UserName": user, "AccessKeyId": key},
                              None, no_undo=NO_UNDO_KEY))
    for cert in d.signing_certificates:
        steps.append(PlanStep(f"Delete signing certificate {cert}", "DeleteSigningCertificate",
                              {"UserName": user, "CertificateId": cert}, None, no_undo=NO_UNDO_CERTIFICATE))
    for ssh in d.ssh_public_keys:
        steps.append(PlanStep(f"Delete SSH public key {ssh}", "DeleteSSHPublicKey",
                              {"UserName": user, "SSHPublicKeyId": ssh}, None, no_undo=NO_UNDO_SSH_KEY))
    for cred in d.service_credentials:
        steps.append(PlanStep(f"Delete service-specific credential {cred.id} ({cred.service})",
                              "DeleteServiceSpecificCredential",
                              {"UserName": user, "ServiceSpecificCredentialId": cred.id},
                              None, no_undo=NO_UNDO_SERVICE_CREDENTIAL))
    for device in d.mfa_devices:
        steps.append(PlanStep(f"Deactivate MFA device {device.serial}", "DeactivateMFADevice",
                              {"UserName": user, "SerialNumber": device.serial}, None, no_undo=NO_UNDO_DEACTIVATE_MFA))
        if device.virtual:
            steps.append(PlanStep(f"Delete virtual MFA device {device.serial}", "DeleteVirtualMFADevice",
                                  {"SerialNumber": device.serial}, None, no_undo=NO_UNDO_DELETE_MFA))
    for device in d.unassigned_devices:
        steps.append(PlanStep(f"Delete unassigned virtual MFA device {device.serial} (named after {user}, never "
                              "enabled)", "DeleteVirtualMFADevice", {"SerialNumber": device.serial}, None,
                              no_undo=NO_UNDO_DELETE_MFA))
    for group in d.groups:
        membership = {"GroupName": group, "UserName": user}
        steps.append(PlanStep(f"Remove {user} from group {group}", "RemoveUserFromGroup", membership,
                              "AddUserToGroup", membership))
    for policy in d.attached_policies:
        attachment = {"UserName": user, "PolicyArn": policy.arn}
        steps.append(PlanStep(f"Detach {policy.name} from {user}", "DetachUserPolicy", attachment,
                              "AttachUserPolicy", attachment))
    for inline in d.inline_policies:
        steps.append(PlanStep(f"Delete inline policy {inline.name} of {user}", "DeleteUserPolicy",
                              {"UserName": user, "PolicyName": inline.name}, "PutUserPolicy",
                              {"UserName": user, "PolicyName": inline.name,
                               "PolicyDocument": _document_text(inline.document)}))
    steps.append(PlanStep(f"Delete user {user}", "DeleteUser", {"UserName": user}, None, no_undo=NO_UNDO_USER))
    return steps


def _document_text(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def confirmation_problem(typed: str, user_name: str) -> str | None:
    """None when ``typed`` is exactly the user's name (case and all: IAM keeps the case it was given); otherwise
    what is wrong, in one sentence."""
    if typed == user_name:
        return None
    if not typed:
        return f"Type the user name, {user_name}, to confirm."
    if typed.strip() == user_name:
        return "Remove the spaces around the name."
    if typed.lower() == user_name.lower():
        return f"The case differs: type {user_name} exactly."
    return f"That is not the user name: type {user_name} exactly."


def removes_the_caller(d: UserDependents, caller: CallerIdentity) -> bool:
    return caller.kind is CallerKind.IAM_USER and caller.name == d.user_name


def removal_notes(d: UserDependents, caller: CallerIdentity | None = None) -> list[str]:
    """What the review should say before the removal runs."""
    notes = []
    if caller is not None and removes_the_caller(d, caller):
        notes.append(f"iam-tui is running as {d.user_name}: once its keys are deleted, iam-tui can make no further "
                     "call, and a failure half-way could not be rolled back. Remove this user as someone else.")
    lost = [what for what, present in (
        ("console password", d.login_profile), ("access keys", d.access_keys),
        ("signing certificates", d.signing_certificates), ("SSH public keys", d.ssh_public_keys),
        ("service-specific credentials", d.service_credentials),
        ("MFA devices", d.mfa_devices or d.unassigned_devices)) if present]
    if lost:
        verb = "is" if lost == ["console password"] else "are"  # "the console password, access keys ... are"
        notes.append(f"Cannot be undone: the {', '.join(lost)} {verb} deleted for good. A roll back after a failure "
                     "puts back only group memberships and policies.")
    if d.unassigned_devices:
        names = ", ".join(device.serial for device in d.unassigned_devices)
        notes.append(f"Never-enabled virtual MFA devices named after {d.user_name} ({names}) would survive DeleteUser "
                     "and keep the name taken: they are deleted too.")
    if d.groups or d.attached_policies or d.inline_policies:
        notes.append("A roll back re-adds the user to its groups and re-attaches (or re-puts) its policies.")
    return notes
