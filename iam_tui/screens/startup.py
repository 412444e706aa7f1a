"""Screens shown before the dashboard: connecting, and what to do when connecting failed."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget

from ..aws.errors import AwsError
from ..settings import ConnectionSettings
from ..widgets.data_text import Static
from .base import AppScreen


def connecting_text(settings: ConnectionSettings) -> str:
    if settings.demo:
        return "Starting the demo sandbox (in-process moto)…"
    where = f"profile {settings.profile}" if settings.profile else "the standard AWS credential chain"
    endpoint = f" at {settings.endpoint_url}" if settings.endpoint_url else ""
    return f"Connecting to AWS{endpoint} with {where}: sts:GetCallerIdentity…"


class StartupErrorScreen(AppScreen[None]):
    """Says what is wrong with the credentials or the connection, and what to do."""

    AUTO_FOCUS = None
    BINDINGS = [
        Binding("r", "app.reconnect", "Retry"),
        Binding("d", "app.try_demo", "Try the demo"),
        Binding("q", "app.quit", "Quit"),
    ]
    HELP = ("iam-tui could not start a session with AWS. Fix the cause outside (for example `aws login`, or "
            "choose a profile with --profile) and press r, or press d to explore the demo sandbox instead.")
    DEFAULT_CSS = """
    StartupErrorScreen #startup-error {
        margin: 1 2;
        padding: 1 2;
        border: round $error;
        height: auto;
    }
    """

    def __init__(self, error: AwsError, settings: ConnectionSettings) -> None:
        super().__init__()
        self.error = error
        self.settings = settings

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(id="startup-error"):
            yield Static(f"Could not connect to AWS ({self.error.code})", id="startup-error-title")
            yield Static(self.error.message, id="startup-error-message")
            yield Static(f"What to do: {self.error.fix}", id="startup-error-fix")
            yield Static("\nr retry · d try the demo sandbox (no AWS account needed) · q quit")
