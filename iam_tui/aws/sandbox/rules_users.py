"""Sandbox rules for creating users, groups and console passwords: what AWS enforces and moto does not.

* user and group names: AWS's pattern and length (ValidationError), unique ignoring case (EntityAlreadyExists);
* tags: AWS's rules on CreateUser and TagUser (InvalidInput / LimitExceeded);
* console passwords: the account password policy, or AWS's default (PasswordPolicyViolation);
* ``PasswordResetRequired`` honoured, and UpdateLoginProfile without a password keeps the password (moto deletes
  the login profile).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...core.password_policy import EffectivePolicy
from ...core.passwords import password_problems
from ...core.secret import Secret
from ...core.validation import validate_group_name, validate_path, validate_tags, validate_user_name
from ..account import policy_from_aws
from . import responses
from .fidelity import Caller, Handler, applied, params_of

_PATTERN = r"[\w+=,.@-]+"


def _validation_error(field: str, value: str, message: str) -> Any:
    return responses.error("ValidationError", f"1 validation error detected: Value '{value}' at '{field}' failed "
                           f"to satisfy constraint: {message}")


def _existing(caller: Caller, operation: str, key: str, name_key: str) -> list[str]:
    client = caller.sandbox.plain_client("iam")
    names: list[str] = []
    for page in client.get_paginator(operation).paginate():
        names.extend(item[name_key] for item in page[key])
    return names


def _name_taken(caller: Caller, kind: str, name: str) -> Any:
    """EntityAlreadyExists when a user/group of that name exists, ignoring case (as IAM compares names)."""
    operation, key, name_key = {"User": ("list_users", "Users", "UserName"),
                                "Group": ("list_groups", "Groups", "GroupName")}[kind]
    clash = next((other for other in _existing(caller, operation, key, name_key) if other.lower() == name.lower()),
                 None)
    if clash:
        return responses.error("EntityAlreadyExists", f"{kind} with name {clash} already exists.", 409)
    return None


def _tag_problem(tags: list[dict[str, str]], existing: Sequence[dict[str, str]] = ()) -> Any:
    pairs = [(t.get("Key", ""), t.get("Value", "")) for t in tags]
    problems = validate_tags(pairs)
    if problems:
        return responses.error("InvalidInput", problems[0][1])
    keys = {k.lower() for k, _ in pairs} | {t["Key"].lower() for t in existing}
    if len(keys) > 50:
        return responses.error("LimitExceeded", "Cannot exceed quota for TagsPerUser: 50", 409)
    return None


def _create_user(caller: Caller) -> Handler:
    def handler(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        name = params.get("UserName", "")
        if validate_user_name(name):
            return _validation_error("userName", name, f"Member must satisfy regular expression pattern: "
                                     f"{_PATTERN} and have length between 1 and 64")
        if "Path" in params and validate_path(params["Path"]):
            return _validation_error("path", params["Path"], "Member must satisfy the path pattern")
        problem = _tag_problem(params.get("Tags") or [])
        if problem:
            return problem
        return _name_taken(caller, "User", name)

    return handler


def _create_group(caller: Caller) -> Handler:
    def handler(context: dict[str, Any], **_: Any) -> Any:
        name = params_of(context).get("GroupName", "")
        if validate_group_name(name):
            return _validation_error("groupName", name, f"Member must satisfy regular expression pattern: "
                                     f"{_PATTERN} and have length between 1 and 128")
        return _name_taken(caller, "Group", name)

    return handler


def _tag_user(caller: Caller) -> Handler:
    def handler(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        client = caller.sandbox.plain_client("iam")
        try:
            existing = client.list_user_tags(UserName=params.get("UserName", ""))["Tags"]
        except client.exceptions.NoSuchEntityException:
            return None  # moto answers NoSuchEntity itself
        new_keys = {t.get("Key", "").lower() for t in params.get("Tags") or []}
        kept = [t for t in existing if t["Key"].lower() not in new_keys]
        return _tag_problem(params.get("Tags") or [], kept)

    return handler


def _current_policy(caller: Caller) -> EffectivePolicy:
    client = caller.sandbox.plain_client("iam")
    try:
        return EffectivePolicy(policy_from_aws(client.get_account_password_policy()["PasswordPolicy"]))
    except client.exceptions.NoSuchEntityException:
        return EffectivePolicy(None)


def _password_check(caller: Caller) -> Handler:
    def handler(context: dict[str, Any], **_: Any) -> Any:
        password = params_of(context).get("Password")
        if password is None:
            return None
        if not 1 <= len(password) <= 128:
            return responses.error("ValidationError", "1 validation error detected: Value at 'password' failed to "
                                   "satisfy constraint: Member must have length between 1 and 128")
        problems = password_problems(password, _current_policy(caller))
        if problems:
            return responses.error("PasswordPolicyViolation",
                                   f"Password does not conform to the account password policy: needs {problems[0]}.")
        return None

    return handler


def _remember_password(caller: Caller) -> Handler:
    """After each attempt of Create/UpdateLoginProfile that AWS carried out (even if its answer is then lost): keep
    the password (as AWS does, server-side) and apply PasswordResetRequired, which moto ignores on
    CreateLoginProfile."""

    def handler(context: dict[str, Any], parsed_response: dict[str, Any] | None = None, **_: Any) -> None:
        if not applied(parsed_response):
            return
        params = params_of(context)
        user, password = params.get("UserName", ""), params.get("Password")
        if password is not None:
            caller.sandbox.login_passwords[user] = Secret(password)
        if params.get("PasswordResetRequired") and password is not None:
            caller.sandbox.plain_client("iam").update_login_profile(UserName=user, Password=password,
                                                                    PasswordResetRequired=True)

    return handler


def _update_without_password(caller: Caller) -> Handler:
    def handler(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        if "Password" in params:
            return None
        user = params.get("UserName", "")
        stored = caller.sandbox.login_passwords.get(user)
        client = caller.sandbox.plain_client("iam")
        try:
            client.get_login_profile(UserName=user)
        except client.exceptions.NoSuchEntityException:
            return responses.error("NoSuchEntity", f"Login Profile for User {user} cannot be found.", 404)
        if stored is not None:
            client.update_login_profile(UserName=user, Password=stored.reveal(),
                                        PasswordResetRequired=bool(params.get("PasswordResetRequired", False)))
        return responses.ok()

    return handler


def _forget_password(caller: Caller) -> Handler:
    def handler(context: dict[str, Any], parsed_response: dict[str, Any] | None = None, **_: Any) -> None:
        if applied(parsed_response):
            caller.sandbox.login_passwords.pop(params_of(context).get("UserName", ""), None)

    return handler


def register(events: Any, caller: Caller) -> None:
    events.register("before-call.iam.CreateUser", _create_user(caller))
    events.register("before-call.iam.CreateGroup", _create_group(caller))
    events.register("before-call.iam.TagUser", _tag_user(caller))
    for operation in ("CreateLoginProfile", "UpdateLoginProfile"):
        events.register(f"before-call.iam.{operation}", _password_check(caller))
        events.register(f"response-received.iam.{operation}", _remember_password(caller))
    events.register("before-call.iam.UpdateLoginProfile", _update_without_password(caller))
    events.register("response-received.iam.DeleteLoginProfile", _forget_password(caller))
