"""What the two screens that show a secret AWS never shows again have in common (the new user's console password,
a new access key's secret): until the person takes the secret, quitting asks first."""

from __future__ import annotations

from textual import on
from textual.binding import Binding

from ..widgets.secret_field import SecretField
from .base import AppScreen


class SecretHandoverScreen(AppScreen[None]):
    """Subclasses set ``untaken_key`` and ``untaken_text`` (what is lost if the app quits now) and call
    :meth:`took` when the secret is saved or written somewhere; revealing and copying count already.

    esc is "Done" on both, and comes first among the screen's keys, right after help: on an 80-column footer the
    keys at the end are cut, and leaving is the one every hand-over needs. Subclasses implement ``action_done``."""

    BINDINGS = [Binding("escape", "done", "Done")]

    def __init__(self) -> None:
        super().__init__()
        self.taken: set[str] = set()  # how the person took the secret: revealed, copied, saved, ...

    @property
    def untaken_key(self) -> str:
        raise NotImplementedError

    @property
    def untaken_text(self) -> str:
        raise NotImplementedError

    def action_done(self) -> None:
        raise NotImplementedError

    def leaving_drops(self) -> str | None:
        return None if self.taken else self.untaken_text

    def on_mount(self) -> None:
        # Quitting (q, ctrl+q) asks first, as leaving does, until the secret is taken.
        self.session.set_unfinished(self.untaken_key, self.untaken_text)

    def took(self, how: str) -> None:
        self.taken.add(how)
        self.session.set_unfinished(self.untaken_key, None)

    @on(SecretField.Revealed)
    def _revealed(self) -> None:
        self.took("revealed")

    @on(SecretField.CopyRequested)
    def _copied(self) -> None:  # the app does the copying: the message bubbles on to it
        self.took("copied")

    def forget(self, field: SecretField) -> None:
        """Leaving: the secret is wiped from the screen and is no longer the app's unfinished business."""
        field.wipe()
        self.session.set_unfinished(self.untaken_key, None)
