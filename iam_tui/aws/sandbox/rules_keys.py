"""Rules around users' credentials that AWS enforces and moto does not: a user that still has a password, access
keys, MFA devices, certificates, SSH keys, groups or policies cannot be deleted (``DeleteConflict``).

(The third access key's ``LimitExceeded`` is moto's own answer and matches AWS; tests prove it.)"""

from __future__ import annotations

from typing import Any

from . import responses
from .fidelity import Caller, params_of


def _conflict(what: str) -> Any:
    return responses.error("DeleteConflict", f"Cannot delete entity, must {what} first.", 409)


def _blocker(iam: Any, user: str) -> str | None:
    """What AWS would name first as still attached to the user, or None."""
    try:
        iam.get_login_profile(UserName=user)
    except iam.exceptions.NoSuchEntityException:
        pass
    else:
        return "delete login profile"
    checks = (
        ("delete access keys", lambda: iam.list_access_keys(UserName=user)["AccessKeyMetadata"]),
        ("delete MFA device", lambda: iam.list_mfa_devices(UserName=user)["MFADevices"]),
        ("delete signing certificates", lambda: iam.list_signing_certificates(UserName=user)["Certificates"]),
        ("delete SSH public keys", lambda: iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]),
        ("remove users from group", lambda: iam.list_groups_for_user(UserName=user)["Groups"]),
        ("detach all policies", lambda: iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]),
        ("delete policies", lambda: iam.list_user_policies(UserName=user)["PolicyNames"]),
    )
    for what, listing in checks:
        if listing():
            return what
    return None


def register(events: Any, caller: Caller) -> None:
    def delete_user(context: dict[str, Any], **_: Any) -> Any:
        user = params_of(context).get("UserName")
        if not user:
            return None
        iam = caller.sandbox.plain_client("iam")
        try:
            iam.get_user(UserName=user)
        except iam.exceptions.NoSuchEntityException:
            return None  # moto answers NoSuchEntity itself
        what = _blocker(iam, user)
        return _conflict(what) if what else None

    events.register("before-call.iam.DeleteUser", delete_user)
