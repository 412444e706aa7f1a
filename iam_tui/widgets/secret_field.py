"""A read-only secret on screen: masked by default, revealed on demand (and masked again after a while),
copied through the app's clipboard. Used for passwords, secret access keys and MFA seeds.

The value is held as a :class:`Secret` (masked ``repr``), never in an Input (whose copy key would leak it)."""

from __future__ import annotations

import math
from time import monotonic

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget

from ..core.secret import Secret

MASK_TEXT = "•" * 16
REMASK_AFTER_SECONDS = 30.0


def group(text: str, size: int) -> str:
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


class SecretField(Widget, can_focus=True):
    """One labelled secret. Keys (when focused): v reveal/hide, c copy. While revealed it says how many seconds
    are left before it is masked again, counting down."""

    DEFAULT_CSS = """
    SecretField {
        height: auto;
        width: 1fr;
        padding: 0 1;
        border: round $primary-muted;
    }
    SecretField:focus { border: round $primary; }
    SecretField.-revealed { border: round $warning; }
    """

    BINDINGS = [
        Binding("v", "toggle_reveal", "Reveal/hide"),
        Binding("c", "copy", "Copy"),
    ]

    revealed: reactive[bool] = reactive(False, layout=True)  # revealed text can wrap onto more lines

    class Revealed(Message):
        def __init__(self, field: SecretField) -> None:
            self.field = field
            super().__init__()

    class CopyRequested(Message):
        """The screen (or app) copies: only it knows the clipboard."""

        def __init__(self, field: SecretField, secret: Secret) -> None:
            self.field = field
            self.secret = secret
            super().__init__()

    def __init__(self, label: str, secret: Secret, *, group_size: int = 0, remask_after: float = REMASK_AFTER_SECONDS,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self._secret = secret
        self.group_size = group_size
        self.remask_after = remask_after
        self._timer: Timer | None = None
        self._ticker: Timer | None = None
        self._remask_at = 0.0  # monotonic() when a revealed value is masked again
        self.border_title = label

    @property
    def secret(self) -> Secret:
        return self._secret

    def wipe(self) -> None:
        """Forget the value (e.g. once an MFA device is enabled)."""
        self._secret = Secret("")
        self.revealed = False
        self.refresh()

    def render(self) -> Content:
        # Content(...) is plain text: a password full of [ and ] must not be read as markup.
        if not self.revealed or not self._secret:
            hint = "v reveal · c copy" if self._secret else "(cleared)"
            return Content(f"{MASK_TEXT}   {hint}")
        value = self._secret.reveal()
        shown = group(value, self.group_size) if self.group_size else value
        return Content(f"{shown}   (v hide · masked again in {self.seconds_left} s)")

    @property
    def seconds_left(self) -> int:
        """Whole seconds until a revealed value is masked again (rounded up: it reads 30 first, 1 last)."""
        return max(0, math.ceil(self._remask_at - monotonic())) if self.revealed else 0

    def watch_revealed(self, revealed: bool) -> None:
        self.set_class(revealed, "-revealed")
        for timer in (self._timer, self._ticker):
            if timer is not None:
                timer.stop()
        self._timer = self._ticker = None
        if revealed:
            self._remask_at = monotonic() + self.remask_after
            self._timer = self.set_timer(self.remask_after, self._remask)
            self._ticker = self.set_interval(1.0, self.refresh)  # the countdown in the text
            self.post_message(self.Revealed(self))

    def _remask(self) -> None:
        self.revealed = False

    def action_toggle_reveal(self) -> None:  # not `toggle`: every DOMNode has a toggle(attribute) action
        if self._secret:
            self.revealed = not self.revealed

    def action_copy(self) -> None:
        if self._secret:
            self.post_message(self.CopyRequested(self, self._secret))
