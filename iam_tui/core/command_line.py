"""Checks of the connection flags (``--endpoint-url``, ``--region``) before anything connects, so that a typo is
reported with the value that is wrong rather than as a failed connection later."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from .aws_config import validate_region


def endpoint_url_problem(url: str) -> str | None:
    """``url`` must be an absolute http(s) URL with a host, as botocore needs."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"{url!r} is not a URL: give one like https://iam.amazonaws.com or http://localhost:5000."
    return None


def region_problem(region: str, regions_by_partition: Mapping[str, frozenset[str]]) -> str | None:
    """``region`` must be one botocore knows, in any partition (which partition the credentials belong to is only
    known once connected)."""
    every = frozenset().union(*regions_by_partition.values())
    problem = validate_region(region, {"any": every}, "any")
    return f"unknown region: {problem}" if problem else None
