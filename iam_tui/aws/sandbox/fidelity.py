"""The fidelity layer: makes moto answer like AWS where the app depends on it, using only botocore's public event
hooks on the sandbox's sessions (no moto internals).

* ``before-parameter-build`` keeps the caller's parameters for the rules below;
* ``before-call`` handlers answer in place of moto (identity, root credentials) or reject a call as AWS would;
* ``after-call`` handlers correct moto's answer (account summary, the credential report's root row);
* ``response-received`` handlers follow what each attempt did (see :func:`applied`).

Each session has its own :class:`Caller`, so a rule knows whether the root user or an IAM user is calling.
Rules of later features live in sibling ``rules_*.py`` modules and register the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from ...core.secret import Secret
from . import responses
from .state import (
    ACCOUNT_ID,
    REGION,
    ROOT_ARN,
    ROOT_VIRTUAL_MFA_SERIAL,
    Propagation,
    RootKey,
    SandboxState,
    new_access_key_id,
    new_secret_key,
)

PARAMS_KEY = "iam_tui_sandbox_params"
REPORT_LIFETIME = timedelta(hours=4)
Handler = Callable[..., Any]


class SandboxView(Protocol):
    """What the rules use of the :class:`~iam_tui.aws.sandbox.Sandbox`, which imports the rules to install them (so
    they name it through this)."""

    region: str
    state: SandboxState
    propagation: Propagation
    root_key_ids_ever: set[str]
    login_passwords: dict[str, Secret]
    service_credentials: dict[str, list[dict[str, Any]]]  # by user; moto has none

    def plain_client(self, service: str) -> Any: ...


@dataclass
class Caller:
    """The identity behind one sandbox session."""

    sandbox: SandboxView
    access_key_id: str

    @property
    def state(self) -> SandboxState:
        return self.sandbox.state

    @property
    def is_root(self) -> bool:
        return self.access_key_id in self.sandbox.root_key_ids_ever

    @property
    def root_key(self) -> RootKey | None:
        return self.sandbox.state.root_keys.get(self.access_key_id)

    def rejection(self) -> Any:
        """AWS's answer to a call signed with a root key that has since been deleted, else None."""
        if self.is_root and self.root_key is None:
            return responses.error("InvalidClientTokenId", "The security token included in the request is invalid.",
                                   403)
        return None


def params_of(context: dict[str, Any]) -> dict[str, Any]:
    """The API parameters of the call being made (as the app passed them)."""
    params: dict[str, Any] = context.get(PARAMS_KEY, {})
    return params


def applied(parsed_response: dict[str, Any] | None) -> bool:
    """For ``response-received`` handlers, which see every attempt's own answer (before a lost answer is made to
    look like a failure): True when AWS carried out the call. State the sandbox keeps beside moto follows these,
    not the ``after-call`` answer, which may be a retry's."""
    return parsed_response is not None and "Error" not in parsed_response


def _keep_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context[PARAMS_KEY] = dict(params)


def _iso(when: datetime | None) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00") if when else "N/A"


# --- identity and the root user's own credentials ---------------------------------------------------------------


def _track_root_key_use(caller: Caller) -> Handler:
    def handler(model: Any, **_: Any) -> None:
        key = caller.root_key
        if key is not None:
            key.last_used = datetime.now(UTC)
            key.last_used_service = model.service_model.endpoint_prefix
            key.last_used_region = REGION

    return handler


def _reject_deleted_root_key(caller: Caller) -> Handler:
    def handler(**_: Any) -> Any:
        return caller.rejection()

    return handler


def _get_caller_identity(caller: Caller) -> Handler:
    def handler(**_: Any) -> Any:
        if caller.is_root:
            return caller.rejection() or responses.ok({"UserId": ACCOUNT_ID, "Account": ACCOUNT_ID, "Arn": ROOT_ARN})
        return None

    return handler


def _account_summary(caller: Caller) -> Handler:
    def handler(parsed: dict[str, Any], **_: Any) -> None:
        summary = parsed.get("SummaryMap")
        if summary is not None:
            state = caller.state
            summary["AccountMFAEnabled"] = 1 if state.root_mfa_enabled else 0
            summary["AccountAccessKeysPresent"] = 1 if state.root_keys else 0

    return handler


def _root_virtual_mfa(caller: Caller) -> Handler:
    """Root's virtual MFA device (the console names it root-account-mfa-device) is listed with the assigned ones,
    as in AWS; moto knows nothing of root. Added to the last page only."""

    def handler(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        state = caller.state
        if "Error" in parsed or parsed.get("IsTruncated") or not (state.root_mfa_enabled and state.root_mfa_virtual):
            return
        if params_of(context).get("AssignmentStatus", "Any") == "Unassigned":
            return
        user = {"Path": "/", "UserId": ACCOUNT_ID, "Arn": ROOT_ARN, "CreateDate": state.account_created}
        parsed.setdefault("VirtualMFADevices", []).append(
            {"SerialNumber": ROOT_VIRTUAL_MFA_SERIAL, "User": user, "EnableDate": state.account_created})

    return handler


def root_report_row(caller: Caller) -> str:
    state = caller.state
    keys = sorted(state.root_keys.values(), key=lambda k: k.created)
    cells = ["<root_account>", ROOT_ARN, _iso(state.account_created), "not_supported",
             _iso(state.root_password_last_used) if state.root_password_last_used else "no_information",
             "not_supported", "not_supported", "true" if state.root_mfa_enabled else "false"]
    for slot in range(2):
        if slot < len(keys):
            key = keys[slot]
            cells += ["true" if key.active else "false", _iso(key.created), _iso(key.last_used),
                      key.last_used_region or "N/A", key.last_used_service or "N/A"]
        else:
            cells += ["false", "N/A", "N/A", "N/A", "N/A"]
    cells += ["false", "N/A", "false", "N/A"]
    return ",".join(cells) + "\n"


def _credential_report(caller: Caller) -> Handler:
    """Add the root row, and keep one report for four hours as AWS does (a new GenerateCredentialReport within
    that time does not refresh it: the app must re-check what it changed with direct calls)."""

    def handler(parsed: dict[str, Any], **_: Any) -> None:
        content = parsed.get("Content")
        if not content:
            return
        state = caller.state
        now = datetime.now(UTC)
        if state.report is None or now - state.report[0] >= REPORT_LIFETIME:
            text = content.decode() if isinstance(content, bytes) else content
            header, _newline, rest = text.partition("\n")
            state.report = (now, (header + "\n" + root_report_row(caller) + rest).encode())
        parsed["GeneratedTime"], parsed["Content"] = state.report

    return handler


def _root_key_meta(key: RootKey) -> dict[str, Any]:
    return {"AccessKeyId": key.access_key_id, "Status": "Active" if key.active else "Inactive",
            "CreateDate": key.created}


def _root_keys(caller: Caller) -> dict[str, Handler]:
    """Access-key calls made by root without ``UserName`` act on root's own keys, as in AWS."""

    def targets_root(context: dict[str, Any]) -> bool:
        return caller.is_root and caller.root_key is not None and not params_of(context).get("UserName")

    def list_keys(context: dict[str, Any], **_: Any) -> Any:
        if targets_root(context):
            keys = [_root_key_meta(k) for k in caller.state.root_keys.values()]
            return responses.ok({"AccessKeyMetadata": keys, "IsTruncated": False})
        return None

    def create_key(context: dict[str, Any], **_: Any) -> Any:
        if not targets_root(context):
            return None
        if len(caller.state.root_keys) >= 2:
            return responses.error("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)
        key = RootKey(new_access_key_id(), new_secret_key(), created=datetime.now(UTC))
        caller.state.root_keys[key.access_key_id] = key
        caller.sandbox.root_key_ids_ever.add(key.access_key_id)
        body = {"AccessKey": {"UserName": "root", "AccessKeyId": key.access_key_id, "Status": "Active",
                              "SecretAccessKey": key.secret.reveal(), "CreateDate": key.created}}
        return responses.ok(body)

    def delete_key(context: dict[str, Any], **_: Any) -> Any:
        if not targets_root(context):
            return None
        key_id = params_of(context).get("AccessKeyId", "")
        if caller.state.root_keys.pop(key_id, None) is None:
            return responses.error("NoSuchEntity", f"The Access Key with id {key_id} cannot be found.", 404)
        return responses.ok()

    def update_key(context: dict[str, Any], **_: Any) -> Any:
        if not targets_root(context):
            return None
        params = params_of(context)
        key = caller.state.root_keys.get(params.get("AccessKeyId", ""))
        if key is None:
            return responses.error("NoSuchEntity", "The Access Key cannot be found.", 404)
        key.active = params.get("Status") == "Active"
        return responses.ok()

    def last_used(context: dict[str, Any], **_: Any) -> Any:
        key = caller.state.root_keys.get(params_of(context).get("AccessKeyId", ""))
        if key is None:
            return None
        info: dict[str, Any] = {"ServiceName": key.last_used_service or "N/A", "Region": key.last_used_region or "N/A"}
        if key.last_used:
            info["LastUsedDate"] = key.last_used
        return responses.ok({"UserName": "root", "AccessKeyLastUsed": info})

    return {
        "ListAccessKeys": list_keys,
        "CreateAccessKey": create_key,
        "DeleteAccessKey": delete_key,
        "UpdateAccessKey": update_key,
        "GetAccessKeyLastUsed": last_used,
    }


def register_root_rules(events: Any, caller: Caller) -> None:
    events.register("before-parameter-build", _keep_params)
    events.register("before-parameter-build", _track_root_key_use(caller))
    events.register("before-call", _reject_deleted_root_key(caller))
    events.register("before-call.sts.GetCallerIdentity", _get_caller_identity(caller))
    events.register("after-call.iam.GetAccountSummary", _account_summary(caller))
    events.register("after-call.iam.ListVirtualMFADevices", _root_virtual_mfa(caller))
    events.register("after-call.iam.GetCredentialReport", _credential_report(caller))
    for operation, handler in _root_keys(caller).items():
        events.register(f"before-call.iam.{operation}", handler)
