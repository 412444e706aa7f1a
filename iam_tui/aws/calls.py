"""Every boto3 call goes through here: it runs in a worker thread (never on the event loop), secrets are
unwrapped only at the last moment, and botocore errors become :class:`AwsError` inside the thread, so that no
frame holding a raw secret ends up in a traceback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from botocore.parsers import ResponseParserError

from ..core.secret import Secret, scrub
from .errors import AwsError, action_name
from .page_bodies import PageReader, reading_bodies
from .session import AwsContext
from .translate import from_botocore_error, from_client_error

# Calls that only read: an answer lost on the way changes nothing in AWS.
READ_PREFIXES = ("Get", "List", "Describe")


def is_read(action: str) -> bool:
    """Whether ``action`` (``iam:ListUsers``) only reads."""
    return action.rsplit(":", 1)[-1].startswith(READ_PREFIXES)


def unreadable_answer(action: str) -> AwsError:
    """An answer botocore could not parse (HTML from a proxy, a stand-in that does not implement the call). Only a
    write's may hide a change that was made; a read names the call that could not be read."""
    if is_read(action):
        return AwsError("ResponseParserError", f"AWS's answer to {action} could not be read (not the XML or JSON "
                        "AWS sends: a proxy's page, or an endpoint that does not implement the call).",
                        "Retry; if it persists, check --endpoint-url or the network path to AWS.", action=action)
    return AwsError("ResponseParserError", f"AWS's answer to {action} could not be read: a change it asked for "
                    "may or may not have been made.", "Refresh to see what is in AWS, then retry if needed.",
                    action=action)


def _reveal(value: Any) -> Any:
    if isinstance(value, Secret):
        return value.reveal()
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_reveal(v) for v in value]
    return value


def _secrets_in(value: Any) -> list[Secret]:
    if isinstance(value, Secret):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _secrets_in(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _secrets_in(v)]
    return []


class AwsCaller:
    """Async front for one :class:`AwsContext`; its calls go to ``region`` (the session's region when None)."""

    def __init__(self, ctx: AwsContext, region: str | None = None) -> None:
        self.ctx = ctx
        self.region = region

    def in_region(self, region: str | None) -> AwsCaller:
        """The same caller, its calls sent to ``region`` (for regional services: Access Analyzer)."""
        return self if region in (None, self.region) else AwsCaller(self.ctx, region)

    def _client(self, service: str) -> Any:
        return self.ctx.client(service, self.region)

    async def call(self, service: str, operation: str, /, **params: Any) -> dict[str, Any]:
        """Call ``operation`` (CamelCase, as in the API reference) with ``params``; values may be Secrets."""
        return await asyncio.to_thread(self._call_sync, service, operation, params)

    async def ready(self) -> None:
        """Resolve the credentials once, before calls go out side by side (see ``AwsContext.credentials``)."""
        await asyncio.to_thread(self._ready_sync)

    def _ready_sync(self) -> None:
        with self._translated("sts:GetCallerIdentity", {}):
            self.ctx.credentials()

    async def paginate(self, service: str, operation: str, keys: Iterable[str], /,
                       **params: Any) -> dict[str, list[Any]]:
        """All pages of a list call, concatenated per result key."""
        return await asyncio.to_thread(self._paginate_sync, service, operation, tuple(keys), params)

    async def read_pages(self, service: str, operation: str, reader: PageReader, /, **params: Any) -> None:
        """All pages of a list call, each page's XML handed to ``reader`` instead of being parsed by botocore
        (see aws/page_bodies.py): for large answers of which the app needs a small part."""
        await asyncio.to_thread(self._read_pages_sync, service, operation, reader, params)

    def _read_pages_sync(self, service: str, operation: str, reader: PageReader, params: dict[str, Any]) -> None:
        with (self._translated(action_name(service, operation), params),
              reading_bodies(self._client(service), operation, reader)):
            self._paginate_sync(service, operation, (), params)

    @contextmanager
    def _translated(self, action: str, params: dict[str, Any]) -> Iterator[None]:
        try:
            yield
        except ClientError as exc:
            raise from_client_error(exc, action, _secrets_in(params), self.ctx.profile_name) from None
        except ParamValidationError as exc:
            report = scrub(str(exc.kwargs.get("report", "")), _secrets_in(params))
            raise AwsError("InvalidParameter", f"A value is outside what AWS accepts: {report}",
                           "Correct the value and retry.", action=action) from None
        except BotoCoreError as exc:
            raise from_botocore_error(exc, action, self.ctx.settings.endpoint_url, self.ctx.profile_name,
                                      self.ctx.credential_process()) from None
        except ResponseParserError:
            raise unreadable_answer(action) from None
        except AwsError:
            raise
        except Exception as exc:  # an SDK or stand-in bug must not crash the UI or echo parameters
            raise AwsError(type(exc).__name__, f"Unexpected failure calling {action}.",
                           "Retry; report it if it persists.", action=action) from None

    def _call_sync(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._translated(action_name(service, operation), params):
            method = getattr(self._client(service), xform_name(operation))
            self.ctx.note_call(service, operation)
            answer: dict[str, Any] = method(**_reveal(params))
            return answer

    def _paginate_sync(self, service: str, operation: str, keys: tuple[str, ...],
                       params: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {key: [] for key in keys}
        with self._translated(action_name(service, operation), params):
            paginator = self._client(service).get_paginator(xform_name(operation))
            page_size = self.ctx.largest_page(service, operation)
            config = {"PaginationConfig": {"PageSize": page_size}} if page_size else {}
            for page in paginator.paginate(**_reveal(params), **config):
                self.ctx.note_call(service, operation)  # one request per page
                for key in keys:
                    out[key].extend(page.get(key, []))
        return out
