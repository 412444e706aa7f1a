"""Shared test helpers: AWS errors injected through botocore's public event hooks."""

from __future__ import annotations

from typing import Any

from iam_tui.aws.sandbox import responses
from iam_tui.aws.service import IamService


def inject_error(service: IamService, aws_service: str, operation: str, code: str, message: str = "injected",
                 status: int = 400, times: int | None = None) -> list[int]:
    """Make ``operation`` fail with ``code`` (every time, or the first ``times`` calls). Returns a list whose
    length counts the injected failures."""
    fired: list[int] = []

    def handler(**_: Any) -> Any:
        if times is not None and len(fired) >= times:
            return None
        fired.append(1)
        return responses.error(code, message, status)

    client = service.ctx.client(aws_service)
    client.meta.events.register_first(f"before-call.{aws_service}.{operation}", handler)
    return fired


def record_calls(service: IamService, aws_service: str, operation: str) -> list[dict[str, Any]]:
    """The parameters of every ``operation`` call the service makes from now on (the call still goes ahead)."""
    calls: list[dict[str, Any]] = []

    def handler(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    service.ctx.client(aws_service).meta.events.register(f"before-parameter-build.{aws_service}.{operation}", handler)
    return calls
