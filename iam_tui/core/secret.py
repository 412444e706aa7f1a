"""A value object for secrets (passwords, secret access keys, MFA seeds).

Its ``repr``/``str``/``format`` are masked, so that a secret cannot leak into a log line, an exception message
or a traceback that prints local variables (Textual's crash report does). Code that needs the real value calls
``reveal()`` explicitly, as late as possible.
"""

from __future__ import annotations

import hmac
from typing import Any, NoReturn

MASK = "********"


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self._value = value

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


def scrub(text: str, secrets: list[Secret] | tuple[Secret, ...]) -> str:
    """Replace every occurrence of a secret's value in ``text`` with the mask."""
    for secret in secrets:
        value = secret.reveal()
        if value:
            text = text.replace(value, MASK)
    return text
