"""Checks of the connection flags (``--endpoint-url``, ``--region``) before anything connects, so that a typo is
reported with the value that is wrong rather than as a failed connection later."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from urllib.parse import urlsplit


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
    every = sorted(frozenset().union(*regions_by_partition.values()))
    if region in every:
        return None
    close = difflib.get_close_matches(region, every, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; IAM is global: us-east-1 works for it."
    return f"unknown region {region!r} (not one botocore knows){hint}"
