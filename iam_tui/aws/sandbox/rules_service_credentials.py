"""Service-specific credentials (CodeCommit, Keyspaces, Bedrock), which moto does not implement (it answers 500): a
small stand-in, kept on the sandbox, for Create, List and Delete, so that a user can hold one and removing the user
can be proven to delete it. ``CredentialAgeDays`` and Reset/Update are not modelled."""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from . import responses
from .fidelity import Caller, Handler, params_of

METADATA = ("UserName", "Status", "ServiceUserName", "CreateDate", "ServiceSpecificCredentialId", "ServiceName")


def _no_user(user: str) -> Any:
    return responses.error("NoSuchEntity", f"The user with name {user} cannot be found.", 404)


def _user_exists(caller: Caller, user: str) -> bool:
    iam = caller.sandbox.plain_client("iam")
    try:
        iam.get_user(UserName=user)
    except iam.exceptions.NoSuchEntityException:
        return False
    return True


def _for_existing_user(caller: Caller, answer: Callable[[str, dict[str, Any]], Any]) -> Handler:
    """A before-call handler that answers ``answer(user, params)``, or NoSuchEntity when the user does not exist."""

    def handler(context: dict[str, Any], **_: Any) -> Any:
        params = params_of(context)
        user = params.get("UserName", "")
        return answer(user, params) if _user_exists(caller, user) else _no_user(user)

    return handler


def register(events: Any, caller: Caller) -> None:
    store: dict[str, list[dict[str, Any]]] = caller.sandbox.service_credentials

    def create(user: str, params: dict[str, Any]) -> Any:
        service = params.get("ServiceName", "")
        held = store.setdefault(user, [])
        if sum(c["ServiceName"] == service for c in held) >= 2:
            return responses.error("LimitExceeded",
                                   "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2", 409)
        credential = {
            "UserName": user, "Status": "Active", "ServiceName": service, "CreateDate": datetime.now(UTC),
            "ServiceUserName": f"{user}-at-{secrets.randbelow(10**12):012d}",
            "ServiceSpecificCredentialId": "ACCA" + uuid.uuid4().hex[:17].upper(),
        }
        held.append(credential)
        password = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(44))
        return responses.ok({"ServiceSpecificCredential": dict(credential, ServicePassword=password)})

    def listing(user: str, params: dict[str, Any]) -> Any:
        service = params.get("ServiceName")
        return responses.ok({"ServiceSpecificCredentials": [
            {k: c[k] for k in METADATA} for c in store.get(user, []) if service in (None, c["ServiceName"])]})

    def delete(user: str, params: dict[str, Any]) -> Any:
        credential_id = params.get("ServiceSpecificCredentialId", "")
        held = store.get(user, [])
        found = next((c for c in held if c["ServiceSpecificCredentialId"] == credential_id), None)
        if found is None:
            return responses.error("NoSuchEntity", f"No such credential {credential_id}.", 404)
        held.remove(found)
        return responses.ok()

    events.register("before-call.iam.CreateServiceSpecificCredential", _for_existing_user(caller, create))
    events.register("before-call.iam.ListServiceSpecificCredentials", _for_existing_user(caller, listing))
    events.register("before-call.iam.DeleteServiceSpecificCredential", _for_existing_user(caller, delete))
