"""``DeleteConflict`` as AWS answers it (moto refuses only a user's or role's policies): a user, group or managed
policy that something still depends on cannot be deleted.

* DeleteUser while the user has a console password, access keys, signing certificates, SSH public keys,
  service-specific credentials, MFA devices, groups, attached or inline policies;
* DeleteGroup while the group has members, attached or inline policies;
* DeletePolicy while the policy is attached to a user, group or role.
(DeleteRole with policies or instance profiles is moto's own answer, the same as AWS's; a test proves it.)

The messages are AWS's own where they are on record (other tools' issues quote them); AWS names SSH public keys and
service-specific credentials only as "referenced objects". (The third access key's ``LimitExceeded`` is moto's own
answer and matches AWS; tests prove it.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import responses
from .fidelity import Caller, params_of

REFERENCED_OBJECTS = "remove referenced objects"


def _conflict(what: str) -> Any:
    return responses.error("DeleteConflict", f"Cannot delete entity, must {what} first.", 409)


def _user_blocker(caller: Caller, iam: Any, user: str) -> str | None:
    """What AWS would name first as still attached to the user, or None."""
    try:
        iam.get_login_profile(UserName=user)
    except iam.exceptions.NoSuchEntityException:
        pass
    else:
        return "delete login profile"
    checks: tuple[tuple[str, Callable[[], list[Any]]], ...] = (
        ("delete access keys", lambda: iam.list_access_keys(UserName=user)["AccessKeyMetadata"]),
        ("delete MFA device", lambda: iam.list_mfa_devices(UserName=user)["MFADevices"]),
        ("delete certificates", lambda: iam.list_signing_certificates(UserName=user)["Certificates"]),
        (REFERENCED_OBJECTS, lambda: iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]),
        (REFERENCED_OBJECTS, lambda: caller.sandbox.service_credentials.get(user, [])),
        ("remove users from group", lambda: iam.list_groups_for_user(UserName=user)["Groups"]),
        ("detach all policies", lambda: iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]),
        ("delete policies", lambda: iam.list_user_policies(UserName=user)["PolicyNames"]),
    )
    return next((what for what, listing in checks if listing()), None)


def _group_blocker(iam: Any, group: str) -> str | None:
    checks: tuple[tuple[str, Callable[[], list[Any]]], ...] = (
        ("remove users from group", lambda: iam.get_group(GroupName=group)["Users"]),
        ("detach all policies", lambda: iam.list_attached_group_policies(GroupName=group)["AttachedPolicies"]),
        ("delete policies", lambda: iam.list_group_policies(GroupName=group)["PolicyNames"]),
    )
    return next((what for what, listing in checks if listing()), None)


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
        what = _user_blocker(caller, iam, user)
        return _conflict(what) if what else None

    def delete_group(context: dict[str, Any], **_: Any) -> Any:
        group = params_of(context).get("GroupName")
        if not group:
            return None
        iam = caller.sandbox.plain_client("iam")
        try:
            what = _group_blocker(iam, group)
        except iam.exceptions.NoSuchEntityException:
            return None
        return _conflict(what) if what else None

    def delete_policy(context: dict[str, Any], **_: Any) -> Any:
        arn = params_of(context).get("PolicyArn")
        if not arn:
            return None
        iam = caller.sandbox.plain_client("iam")
        try:
            attachments = iam.get_policy(PolicyArn=arn)["Policy"].get("AttachmentCount", 0)
        except iam.exceptions.NoSuchEntityException:
            return None
        if attachments:
            return responses.error("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
        return None

    events.register("before-call.iam.DeleteUser", delete_user)
    events.register("before-call.iam.DeleteGroup", delete_group)
    events.register("before-call.iam.DeletePolicy", delete_policy)
