"""IAM is eventually consistent, and the sandbox behaves so (on by default, with short delays like AWS's):

* a new user or group is unknown (``NoSuchEntity``) for a moment to the calls that name it;
* a new access key is rejected (``InvalidClientTokenId``) for a few seconds, by STS as by every other service;
* a user or group whose login profile, key, policy or member was just removed still counts it for a moment
  (``DeleteUser``/``DeleteGroup`` answer ``DeleteConflict``);
* ``EnableMFADevice`` right after ``CreateLoginProfile`` is refused for a moment (``EntityTemporarilyUnmodifiable``).

Delays are per :class:`Propagation`, which tests build with tiny delays and an injected clock."""

from __future__ import annotations

from typing import Any

from . import responses
from .fidelity import Caller, Handler, applied, params_of
from .state import Propagation

# Calls that name a user / a group, made right after it was created in the plans the app runs.
_NAMES_USER = ("CreateLoginProfile", "AttachUserPolicy", "AddUserToGroup", "TagUser", "CreateAccessKey",
               "EnableMFADevice")
_NAMES_GROUP = ("AttachGroupPolicy", "AddUserToGroup")
# Removing one of these from a user / group: the owner still counts it for a moment.
_USER_DEPENDENTS = ("DeleteLoginProfile", "DeleteAccessKey", "DetachUserPolicy", "RemoveUserFromGroup",
                    "DeactivateMFADevice")
_GROUP_DEPENDENTS = ("DetachGroupPolicy", "RemoveUserFromGroup")


def register(events: Any, caller: Caller) -> None:
    def lag() -> Propagation:  # looked up on each call: tests replace it after the session exists
        return caller.sandbox.propagation

    def on_success(kind: str, key: str) -> Handler:
        def handler(context: dict[str, Any], parsed_response: dict[str, Any] | None = None, **_: Any) -> None:
            if applied(parsed_response):
                lag().mark(kind, params_of(context).get(key))

        return handler

    def new_key(parsed: dict[str, Any], **_: Any) -> None:  # after-call: root keys are made by a before-call rule
        if "Error" not in parsed:
            lag().mark("key", (parsed.get("AccessKey") or {}).get("AccessKeyId"))

    def key_not_yet_valid(**_: Any) -> Any:
        if lag().settling("key", caller.access_key_id, lag().new_key):
            return responses.error("InvalidClientTokenId", "The security token included in the request is invalid.",
                                   403)
        return None

    def unknown_yet(kind: str, key: str, label: str) -> Handler:
        def handler(context: dict[str, Any], **_: Any) -> Any:
            name = params_of(context).get(key)
            if lag().settling(kind, name, lag().new_entity):
                return responses.error("NoSuchEntity", f"The {label} with name {name} cannot be found.", 404)
            return None

        return handler

    def still_in_use(kind: str, key: str) -> Handler:
        def handler(context: dict[str, Any], **_: Any) -> Any:
            if lag().settling(kind, params_of(context).get(key), lag().removed_dependent):
                return responses.error("DeleteConflict", "Cannot delete entity, must remove referenced objects "
                                       "first.", 409)
            return None

        return handler

    def profile_being_created(context: dict[str, Any], **_: Any) -> Any:
        user = params_of(context).get("UserName")
        if lag().settling("login-profile", user, lag().new_login_profile):
            return responses.error("EntityTemporarilyUnmodifiable", f"Login Profile for User {user} cannot be "
                                   "modified while login profile is being created.", 409)
        return None

    events.register_first("before-call", key_not_yet_valid)
    events.register("response-received.iam.CreateUser", on_success("user", "UserName"))
    events.register("response-received.iam.CreateGroup", on_success("group", "GroupName"))
    events.register("after-call.iam.CreateAccessKey", new_key)
    events.register("response-received.iam.CreateLoginProfile", on_success("login-profile", "UserName"))
    for operation in _NAMES_USER:
        events.register_first(f"before-call.iam.{operation}", unknown_yet("user", "UserName", "user"))
    for operation in _NAMES_GROUP:
        events.register_first(f"before-call.iam.{operation}", unknown_yet("group", "GroupName", "group"))
    for operation in _USER_DEPENDENTS:
        events.register(f"response-received.iam.{operation}", on_success("user-dependent", "UserName"))
    for operation in _GROUP_DEPENDENTS:
        events.register(f"response-received.iam.{operation}", on_success("group-dependent", "GroupName"))
    events.register_first("before-call.iam.DeleteUser", still_in_use("user-dependent", "UserName"))
    events.register_first("before-call.iam.DeleteGroup", still_in_use("group-dependent", "GroupName"))
    events.register_first("before-call.iam.EnableMFADevice", profile_being_created)
