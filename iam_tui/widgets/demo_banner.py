"""The banner every screen shows in demo mode."""

from __future__ import annotations

from .data_text import Static

DEMO_TEXT = "DEMO SANDBOX · in-process moto · nothing leaves this machine · no real AWS account is touched"


class DemoBanner(Static):
    DEFAULT_CSS = """
    DemoBanner {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $warning-muted;  /* dark text on it in a light theme, light text in a dark one: 7:1 or more */
        color: $foreground;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self) -> None:
        super().__init__(DEMO_TEXT, id="demo-banner")
