"""MFA-gated keys in the sandbox, as AWS enforces them (moto evaluates no IAM policy and accepts any MFA code):

* ``sts:GetSessionToken`` signed with an IAM user's access key makes temporary credentials (``ASIA...``, with a
  session token and an expiry). With ``SerialNumber``/``TokenCode`` the code is checked against the user's own
  device's seed (RFC 6238, one step of clock skew either way) and the session is MFA-authenticated; a wrong code is
  ``AccessDenied`` ("MultiFactorAuthentication failed with invalid MFA one time pass code."). Called with session
  credentials it is refused, as in AWS; ``DurationSeconds`` must lie in 900..129600.
* A session answers ``GetCallerIdentity`` as its user; an expired one gets ``ExpiredToken``; one made by
  GetSessionToken without MFA may not call IAM at all (AWS: "you cannot call any IAM API operations unless MFA
  authentication information is included"), nor any STS operation but ``GetCallerIdentity``/``AssumeRole``. An
  ``aws login`` session (``from_login``, the tests' cached token) is judged by the MFA-required policy alone.
* Every request signed by an IAM user's long-term key or session is checked against the explicit denies on MFA
  (``core.mfa_gate``) in the user's policies, attached or inline, directly or through groups: the documented
  ``BoolIfExists aws:MultiFactorAuthPresent false`` deny refuses a long-term key and a session made without MFA,
  and lets a session made with a code through. Other statements are not evaluated (moto allows everything).
  The check runs at ``before-parameter-build`` so that it precedes every other rule, as AWS authorizes a request
  before acting on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from ...core.authz import policy_document
from ...core.mfa_gate import denies_without_mfa
from ...core.totp import STEP_SECONDS, totp
from . import responses
from .fidelity import Caller, Handler, params_of
from .state import ACCOUNT_ID, StsSession, new_secret_key, new_session_key_id

MIN_SECONDS, MAX_SECONDS = 900, 129_600
INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code. "


def _denied(code: str, message: str, operation: str, status: int = 403) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message, "Type": "Sender"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


def key_owner(caller: Caller) -> str | None:
    """The IAM user whose long-term key signs the caller's requests (None: root, a session, or unknown)."""
    if caller.is_root or caller.access_key_id in caller.state.sessions:
        return None
    try:
        answer = caller.sandbox.plain_client("iam").get_access_key_last_used(AccessKeyId=caller.access_key_id)
    except ClientError:
        return None
    name = answer.get("UserName")
    return name if isinstance(name, str) and name != "root" else None


READS = ("Get", "List", "Generate", "Simulate")


def count_iam_write(state: Any) -> Callable[..., None]:
    """An ``after-call.iam`` handler: a successful change invalidates the cached policy documents."""

    def handler(model: Any, parsed: dict[str, Any] | None = None, **_: Any) -> None:
        if not model.name.startswith(READS) and not (parsed or {}).get("Error"):
            state.iam_writes += 1

    return handler


def user_documents(caller: Caller, user: str) -> list[dict[str, Any]]:
    """Every policy document that applies to ``user`` (cached until the next IAM change)."""
    state = caller.state
    cached = state.policy_cache.get(user)
    if cached is not None and cached[0] == state.iam_writes:
        return cached[1]
    documents = _read_documents(caller, user)
    state.policy_cache[user] = (state.iam_writes, documents)
    return documents


def _read_documents(caller: Caller, user: str) -> list[dict[str, Any]]:
    """Attached (customer managed; AWS managed ones hold no MFA deny) and inline, the user's own and each
    group's."""
    iam = caller.sandbox.plain_client("iam")
    arns: list[str] = [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]]
    documents = [policy_document(iam.get_user_policy(UserName=user, PolicyName=name)["PolicyDocument"])
                 for name in iam.list_user_policies(UserName=user)["PolicyNames"]]
    for group in iam.list_groups_for_user(UserName=user)["Groups"]:
        name = group["GroupName"]
        arns += [p["PolicyArn"] for p in iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]]
        documents += [policy_document(iam.get_group_policy(GroupName=name, PolicyName=policy)["PolicyDocument"])
                      for policy in iam.list_group_policies(GroupName=name)["PolicyNames"]]
    for arn in arns:
        if ":iam::aws:policy/" in arn:
            continue
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        documents.append(policy_document(
            iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]))
    return documents


def _code_matches(caller: Caller, serial: str, code: str) -> bool:
    seed = caller.state.mfa_seeds.get(serial)
    if seed is None or len(code) != 6 or not code.isdigit():
        return False
    now = time.time()
    return any(totp(seed, now + skew * STEP_SECONDS) == code for skew in (-1, 0, 1))


def _users_device(caller: Caller, user: str, serial: str) -> bool:
    devices = caller.sandbox.plain_client("iam").list_mfa_devices(UserName=user)["MFADevices"]
    return any(d["SerialNumber"] == serial for d in devices)


def register(events: Any, caller: Caller) -> None:
    state = caller.state

    def session() -> StsSession | None:
        return state.sessions.get(caller.access_key_id)

    def enforce(params: dict[str, Any], model: Any, **_: Any) -> None:
        action = f"{model.service_model.endpoint_prefix}:{model.name}"
        current = session()
        if current is not None:
            if datetime.now(UTC) >= current.expires:
                raise _denied("ExpiredToken", "The security token included in the request is expired", model.name)
            if not current.mfa and not current.from_login and action.startswith("iam:"):
                raise _denied("AccessDenied", f"User: {current.user_arn} is not authorized to perform: {action} "
                              "because no MFA authentication information is included in the request (a session "
                              "from GetSessionToken without MFA cannot call IAM)", model.name)
            if (action.startswith("sts:") and action not in ("sts:GetCallerIdentity", "sts:AssumeRole")
                    and not current.from_login):
                raise _denied("AccessDenied", f"Cannot call {model.name} with session credentials", model.name)
            user, arn, mfa = current.user_name, current.user_arn, current.mfa
        else:
            owner = key_owner(caller)
            if owner is None:
                return
            user, arn, mfa = owner, f"arn:aws:iam::{ACCOUNT_ID}:user/{owner}", None
        if action == "sts:GetCallerIdentity":
            return  # AWS answers it whatever the policies say
        try:
            documents = user_documents(caller, user)
        except ClientError:
            return
        if any(denies_without_mfa(doc, action, mfa) for doc in documents):
            raise _denied("AccessDenied", f"User: {arn} is not authorized to perform: {action} on resource: * with "
                          "an explicit deny in an identity-based policy", model.name)

    def get_session_token(context: dict[str, Any], **_: Any) -> Any:
        owner = key_owner(caller)
        if owner is None:
            return None  # root (moto answers) or a session (refused by enforce)
        params = params_of(context)
        duration = int(params.get("DurationSeconds", 43_200))
        if not MIN_SECONDS <= duration <= MAX_SECONDS:
            return responses.error("ValidationError", f"1 validation error detected: Value '{duration}' at "
                                   f"'durationSeconds' failed to satisfy constraint: Member must have value between "
                                   f"{MIN_SECONDS} and {MAX_SECONDS}")
        serial, code = params.get("SerialNumber"), params.get("TokenCode")
        mfa = False
        if serial or code:
            if not (serial and code and _users_device(caller, owner, serial) and _code_matches(caller, serial, code)):
                return responses.error("AccessDenied", INVALID_CODE, 403)
            mfa = True
        user = caller.sandbox.plain_client("iam").get_user(UserName=owner)["User"]
        key_id, secret = new_session_key_id(), new_secret_key()
        expires = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=duration)
        state.sessions[key_id] = StsSession(owner, user["Arn"], user["UserId"], expires, mfa)
        token = "FwoGZXIvYXdzE" + new_secret_key().reveal().replace("/", "x")  # opaque, like AWS's
        return responses.ok({"Credentials": {"AccessKeyId": key_id, "SecretAccessKey": secret.reveal(),
                                             "SessionToken": token, "Expiration": expires}})

    def get_caller_identity(**_: Any) -> Any:
        current = session()
        if current is None:
            return None
        return responses.ok({"UserId": current.user_id, "Account": ACCOUNT_ID, "Arn": current.user_arn})

    handlers: list[tuple[str, Handler]] = [
        ("after-call.iam", count_iam_write(state)),
        ("before-parameter-build", enforce),
        ("before-call.sts.GetSessionToken", get_session_token),
        ("before-call.sts.GetCallerIdentity", get_caller_identity),
    ]
    for event, handler in handlers:
        events.register(event, handler)
