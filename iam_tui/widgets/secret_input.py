"""A text field for a secret the person types (a custom password, MFA codes) that stays out of Textual's log.

With ``TEXTUAL_LOG`` set (a file, mode 0644) or devtools connected, Textual logs every message it dispatches, to
every widget it reaches: ``Input.Changed(value=...)``, ``Input.Submitted(value=...)``, and each key event with its
character. This field's messages and the key and paste events sent to it are logged masked; the value is still
there for the code that reads it (``event.value``, ``field.value``). Copy and cut are off: ``password=True`` only
hides the text on screen, and Textual's copy key would put the secret on the clipboard."""

from __future__ import annotations

from typing import Any

import rich.repr
from textual import events
from textual.message import Message
from textual.widgets import Input

from ..core.secret import MASK


class _HiddenKey(events.Key):
    __slots__ = ()

    def __rich_repr__(self) -> rich.repr.Result:
        yield "key", MASK if self.is_printable else self.key


class _HiddenPaste(events.Paste):
    def __rich_repr__(self) -> rich.repr.Result:
        yield "text", MASK


# Same handlers as the events they stand in for (on_key, on_paste), whatever their class names say.
_HiddenKey.handler_name = events.Key.handler_name
_HiddenPaste.handler_name = events.Paste.handler_name


def _masked(message: Message) -> str:
    return f"{type(message).__qualname__}(input={getattr(message, 'input', None)!r}, value={MASK!r})"


class SecretInput(Input):
    """An ``Input`` whose value never reaches Textual's log or devtools (see the module docstring).

    ``lets_through``: printable keys the field does not claim, for a field that refuses them anyway (letters in a
    digits-only code field). The screen's priority bindings for those keys then show in the footer and work from
    here, instead of being swallowed (Textual drops a binding from the focused chain when the focused field may
    consume its key)."""

    def __init__(self, *args: Any, lets_through: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lets_through = frozenset(lets_through)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return super().check_consume_key(key, character) and character not in self.lets_through

    class Changed(Input.Changed, namespace="input"):  # still handled by on_input_changed / @on(Input.Changed)
        __repr__ = _masked

        def __rich_repr__(self) -> rich.repr.Result:
            yield "value", MASK

    class Submitted(Input.Submitted, namespace="input"):
        __repr__ = _masked

        def __rich_repr__(self) -> rich.repr.Result:
            yield "value", MASK

    class Blurred(Input.Blurred, namespace="input"):
        __repr__ = _masked

        def __rich_repr__(self) -> rich.repr.Result:
            yield "value", MASK

    def post_message(self, message: Message) -> bool:
        # The app forwards key and paste events to the focused widget with this method: from here on (and as they
        # bubble up) they are logged masked. Swapping the class keeps the very same event (its flags, its time).
        if type(message) is events.Key:
            message.__class__ = _HiddenKey
        elif type(message) is events.Paste:
            message.__class__ = _HiddenPaste
        return super().post_message(message)

    def action_copy(self) -> None:
        """Never copy a secret that is being typed."""

    def action_cut(self) -> None:
        """Never cut a secret that is being typed to the clipboard."""
