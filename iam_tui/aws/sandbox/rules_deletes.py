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
from .fidelity import Caller, Handler, params_of

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


def _policy_blocker(iam: Any, arn: str) -> Any:
    if iam.get_policy(PolicyArn=arn)["Policy"].get("AttachmentCount", 0):
        return responses.error("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    return None


def _refuse_while(caller: Caller, key: str, blocker: Callable[[Any, str], Any]) -> Handler:
    """A before-call rule: ``blocker(iam, name)`` answers the conflict, or None to let moto go ahead (moto also
    answers NoSuchEntity itself when the entity does not exist)."""

    def handler(context: dict[str, Any], **_: Any) -> Any:
        name = params_of(context).get(key)
        if not name:
            return None
        iam = caller.sandbox.plain_client("iam")
        try:
            return blocker(iam, name)
        except iam.exceptions.NoSuchEntityException:
            return None

    return handler


def _named(blocker: Callable[[Any, str], str | None]) -> Callable[[Any, str], Any]:
    def answer(iam: Any, name: str) -> Any:
        what = blocker(iam, name)
        return _conflict(what) if what else None

    return answer


def register(events: Any, caller: Caller) -> None:
    events.register("before-call.iam.DeleteUser",
                    _refuse_while(caller, "UserName", _named(lambda iam, user: _user_blocker(caller, iam, user))))
    events.register("before-call.iam.DeleteGroup", _refuse_while(caller, "GroupName", _named(_group_blocker)))
    events.register("before-call.iam.DeletePolicy", _refuse_while(caller, "PolicyArn", _policy_blocker))
