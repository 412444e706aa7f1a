"""How to reach AWS, as given on the command line. No SDK import here: the CLI builds this first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConnectionSettings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    demo: bool = False
