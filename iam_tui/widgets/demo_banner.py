"""The banner every screen shows in demo mode."""

from __future__ import annotations

from .data_text import Static

# Whole at 80 columns (78 inside the padding): a banner cut to "no real AWS ac…" says less than it should.
DEMO_TEXT = "DEMO SANDBOX (in-process moto) · no AWS account touched, nothing leaves here"


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
