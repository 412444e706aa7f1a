"""Reading the raw XML of an IAM list call's pages, for answers of which the app needs a small part (see
``core/authz_xml.py``).

A ``before-parse`` hook (a public botocore event, emitted in the thread that made the call, before botocore parses a
response) hands each successful page's body to the reader the calling thread registered, then gives botocore a body
holding only ``IsTruncated`` and ``Marker``, which its paginator needs. Other threads, and any call while no reader
is registered, are parsed by botocore as usual. A body the reader cannot parse is left to botocore, which then
raises its own ResponseParserError.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

from ..core.authz_xml import PageEnd

PageReader = Callable[[bytes], PageEnd]

_readers = threading.local()


def _hook(operation: str) -> Callable[..., None]:
    def before_parse(response_dict: dict[str, Any], **_: Any) -> None:
        reader: PageReader | None = getattr(_readers, operation, None)
        body = response_dict.get("body")
        if reader is None or response_dict.get("status_code") != 200 or not isinstance(body, bytes):
            return
        try:
            end = reader(body)
        except ParseError:
            return  # botocore parses it and raises ResponseParserError, as without this hook
        response_dict["body"] = _page_end_xml(operation, end)

    return before_parse


def _page_end_xml(operation: str, end: PageEnd) -> bytes:
    marker = f"<Marker>{escape(end.marker)}</Marker>" if end.marker else ""
    return (f"<{operation}Response><{operation}Result><IsTruncated>{str(end.truncated).lower()}</IsTruncated>"
            f"{marker}</{operation}Result></{operation}Response>").encode()


@contextmanager
def reading_bodies(client: Any, operation: str, reader: PageReader) -> Iterator[None]:
    """While inside, each page of ``operation`` that this thread receives goes to ``reader``."""
    client.meta.events.register(f"before-parse.iam.{operation}", _hook(operation), unique_id=f"iam-tui-{operation}")
    setattr(_readers, operation, reader)
    try:
        yield
    finally:
        delattr(_readers, operation)
