"""The always-visible header: who the app is acting as. Shown in the error colour when that is root."""

from __future__ import annotations

from ..aws.models import AccountIdentity
from .data_text import Static


def identity_line(identity: AccountIdentity | None) -> str:
    if identity is None:
        return "Not connected"
    caller = identity.caller
    who = "ROOT USER" if caller.is_root else f"{caller.kind.value} {caller.name}"
    return f"{who} · account {identity.account_id} ({identity.alias_text}) · {identity.region} · {identity.source}"


class IdentityBar(Static):
    """One line: caller, account, alias, region, credential source."""

    DEFAULT_CSS = """
    IdentityBar {
        height: auto;  /* a long alias or profile wraps onto a second line rather than being cut at 80 columns */
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    IdentityBar.-root {
        background: $error;
        color: $text;
        text-style: bold;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "identity", self._show, init=True)

    def _show(self, identity: AccountIdentity | None) -> None:
        self.update(identity_line(identity))
        self.set_class(bool(identity and identity.caller.is_root), "-root")
