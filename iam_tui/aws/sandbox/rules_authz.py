"""GetAccountAuthorizationDetails with ``Filter=AWSManagedPolicy``: AWS lists the AWS managed policies *attached*
in the account; moto 5.2 lists every one it loaded (about 1,600, 6 MB, 3 s a call), without their names. The
sandbox asks moto without that filter and adds the attached AWS managed policies to the answer's ``Policies``
itself, in AWS's XML, before the app reads it (``before-parse``, which runs in the thread that made the call).

:func:`with_aws_policies` is shared with ``benchmarks/bench.py``, whose moto server needs the same correction."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from moto.iam.models import iam_backends

from .fidelity import Caller
from .state import ACCOUNT_ID

AWS_MANAGED = "AWSManagedPolicy"
LOCAL_MANAGED = "LocalManagedPolicy"
_asked = threading.local()  # per thread: (AWS managed policies asked for, local ones not asked for)
_POLICIES = re.compile(rb"<Policies>(.*?)</Policies>|<Policies\s*/>", re.DOTALL)
_RESULT_END = b"</GetAccountAuthorizationDetailsResult>"


def attached_aws_policies(account_id: str = ACCOUNT_ID) -> list[Any]:
    """moto's AWS managed policies that are attached to someone in the account (AWS's AttachmentCount > 0)."""
    return [p for p in iam_backends[account_id]["aws"].aws_managed_policies if p.attachment_count > 0]


def _member(policy: Any) -> str:
    """One ``ManagedPolicyDetail`` as AWS writes it: names, ids and the default version's URL-encoded document."""
    versions = "".join(
        f"<member><Document>{escape(quote(str(v.document), safe=''))}</Document><VersionId>{escape(v.version_id)}"
        f"</VersionId><IsDefaultVersion>{str(bool(v.is_default)).lower()}</IsDefaultVersion></member>"
        for v in policy.versions if v.is_default)
    return (f"<member><PolicyName>{escape(policy.name)}</PolicyName><PolicyId>{escape(policy.id)}</PolicyId>"
            f"<Arn>{escape(policy.arn)}</Arn><Path>{escape(policy.path)}</Path>"
            f"<DefaultVersionId>{escape(policy.default_version_id)}</DefaultVersionId>"
            f"<AttachmentCount>{policy.attachment_count}</AttachmentCount><IsAttachable>true</IsAttachable>"
            f"<PolicyVersionList>{versions}</PolicyVersionList></member>")


def with_aws_policies(body: bytes, policies: Iterable[Any], *, keep_local: bool = True) -> bytes:
    """``body`` (a page of GetAccountAuthorizationDetails) with ``policies`` added to its ``Policies``; without
    ``keep_local`` the customer managed policies moto listed are dropped (they were not asked for)."""
    members = "".join(_member(p) for p in policies).encode()

    def replace(match: re.Match[bytes]) -> bytes:
        local = (match.group(1) or b"") if keep_local else b""
        return b"<Policies>" + local + members + b"</Policies>"

    if _POLICIES.search(body):
        return _POLICIES.sub(replace, body, count=1)
    return body.replace(_RESULT_END, b"<Policies>" + members + b"</Policies>" + _RESULT_END, 1)


def register(events: Any, caller: Caller) -> None:
    def narrow_filter(params: dict[str, Any], **_: Any) -> None:
        wanted = list(params.get("Filter") or ())
        if AWS_MANAGED not in wanted:
            _asked.value = None
            return
        rest = [f for f in wanted if f != AWS_MANAGED]
        # moto answers an empty filter with everything, AWS managed policies included: ask for local ones instead
        _asked.value = (True, LOCAL_MANAGED in rest)
        params["Filter"] = rest or [LOCAL_MANAGED]

    def add_attached(response_dict: dict[str, Any], **_: Any) -> None:
        asked = getattr(_asked, "value", None)
        body = response_dict.get("body")
        if not asked or response_dict.get("status_code") != 200 or not isinstance(body, bytes):
            return
        _asked.value = None
        response_dict["body"] = with_aws_policies(body, attached_aws_policies(), keep_local=asked[1])

    events.register("before-parameter-build.iam.GetAccountAuthorizationDetails", narrow_filter)
    events.register("before-parse.iam.GetAccountAuthorizationDetails", add_attached)
