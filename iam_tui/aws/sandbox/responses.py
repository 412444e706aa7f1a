"""Build the ``(http_response, parsed)`` pair that a ``before-call`` handler returns to answer in place of
the service (botocore's public event contract)."""

from __future__ import annotations

import uuid
from typing import Any

from botocore.awsrequest import AWSResponse


def _metadata(status: int) -> dict[str, Any]:
    return {"RequestId": str(uuid.uuid4()), "HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0}


def ok(body: dict[str, Any] | None = None) -> tuple[AWSResponse, dict[str, Any]]:
    parsed = dict(body or {})
    parsed["ResponseMetadata"] = _metadata(200)
    return AWSResponse("https://sandbox.invalid/", 200, {}, None), parsed


def error(code: str, message: str, status: int = 400) -> tuple[AWSResponse, dict[str, Any]]:
    parsed = {"Error": {"Code": code, "Message": message, "Type": "Sender"}, "ResponseMetadata": _metadata(status)}
    return AWSResponse("https://sandbox.invalid/", status, {}, None), parsed
