"""A value object for secrets (passwords, secret access keys, MFA seeds).

Its ``repr``/``str``/``format`` are masked, so that a secret cannot leak into a log line, an exception message
or a traceback that prints local variables (Textual's crash report does). Code that needs the real value calls
``reveal()`` explicitly, as late as possible.
"""

from __future__ import annotations

import hmac
import html
import json
import re
import threading
import weakref
from typing import Any, NoReturn
from urllib.parse import quote, quote_plus

MASK = "********"
_HEX_ESCAPE = re.compile(r"(%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4})")


class Secret:
    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self._value = value
        with _LIVE_LOCK:
            _LIVE[id(self)] = self

    def reveal(self) -> str:
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, len(self._value)))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


# Every Secret still referenced somewhere, by identity (a WeakSet would keep one of two equal secrets, and forget
# the value when that one goes).
_LIVE: weakref.WeakValueDictionary[int, Secret] = weakref.WeakValueDictionary()
_LIVE_LOCK = threading.Lock()  # secrets are made in worker threads too


def live_secrets() -> list[Secret]:
    """Every secret the process still holds: a crash report masks their values wherever they appear (a bug can put
    a revealed value into an exception's message)."""
    with _LIVE_LOCK:
        return list(_LIVE.values())


def _written_forms(value: str) -> set[str]:
    """How a value can appear in an error text: as is, URL-encoded (a query string or form body, ``+`` or ``%20``
    for a space), JSON-escaped (a JSON body: quotes, backslashes, control and non-ASCII characters), XML-escaped."""
    forms = {value, quote(value, safe=""), quote_plus(value, safe=""), quote(value), html.escape(value),
             html.escape(value, quote=False)}
    for ensure_ascii in (True, False):
        forms.add(json.dumps(value, ensure_ascii=ensure_ascii)[1:-1])
    return forms


def scrub(text: str, secrets: list[Secret] | tuple[Secret, ...]) -> str:
    """Replace every occurrence of a secret's value in ``text`` with the mask, in any of the forms it is written in
    over the wire (URL-encoded, JSON-escaped, XML-escaped). Longer forms first, so that a form containing another
    is masked whole."""
    forms = {form for secret in secrets if secret for form in _written_forms(secret.reveal())}
    if not forms:
        return text
    pattern = "|".join(_any_case_escapes(form) for form in sorted(forms, key=len, reverse=True))
    return re.sub(pattern, MASK, text)


def _any_case_escapes(form: str) -> str:
    """A regex for ``form`` whose hex escapes (``%2f``/``%2F``, ``\\u00e9``/``\\u00E9``) match in either case."""
    parts = _HEX_ESCAPE.split(form)
    return "".join(f"(?i:{re.escape(part)})" if _HEX_ESCAPE.fullmatch(part) else re.escape(part) for part in parts)
