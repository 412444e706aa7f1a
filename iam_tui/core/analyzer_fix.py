"""CIS 1.19's fix: an external-access analyzer (type ACCOUNT, free) in every enabled region that has none, as one
plan of Access Analyzer calls, each sent to its region and undone by deleting the analyzer it made."""

from __future__ import annotations

from collections.abc import Sequence

from .account_settings import ANALYZER_NAME
from .fix_plan import FixItem, FixPlan
from .plan import PlanStep


def analyzers_plan(regions: Sequence[str], name: str = ANALYZER_NAME) -> FixPlan:
    """Create the analyzer ``name`` in each of ``regions`` (the enabled regions without an active one)."""
    steps = tuple(PlanStep(f"Create the analyzer {name} (external access, type ACCOUNT) in {region}",
                           "CreateAnalyzer", {"analyzerName": name, "type": "ACCOUNT"}, "DeleteAnalyzer",
                           {"analyzerName": name}, service="accessanalyzer", region=region) for region in regions)
    items = tuple(FixItem(f"region {region}: create {name}", "no active external-access analyzer (CIS 1.19)")
                  for region in regions)
    notes = ("An external-access analyzer reports resources shared outside the account (buckets, keys, roles) and "
             "costs nothing; each one sees only its own region, so CIS asks for one in every enabled region.",
             "An analyzer of that name already in a region (made a moment ago by another run) is read back and "
             "counted as made.")
    return FixPlan(f"Create the Access Analyzer {name} in {len(regions)} region(s)", steps,
                   items, notes)
