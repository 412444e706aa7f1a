"""The pilot tests' bounded wait: a slow machine gets more time, a condition that never holds still fails."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from . import waiting


class QuickPilot:
    """A pilot whose pauses take no time: as if the app needed many more checks than usual (a loaded machine)."""

    async def pause(self, delay: float | None = None) -> None:
        pass


async def test_more_checks_than_the_usual_bound_are_waited_for_while_time_remains() -> None:
    checks = iter(range(1_000))
    await waiting.until(QuickPilot(), lambda: next(checks) == 500)  # type: ignore[arg-type]


async def test_a_condition_that_never_holds_fails_once_the_time_is_up(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks: list[float] = []

    def monotonic() -> float:
        ticks.append(1.0)
        return float(len(ticks))

    monkeypatch.setattr(waiting, "monotonic", monotonic)
    pilot: Pilot[object] = QuickPilot()  # type: ignore[assignment]
    with pytest.raises(AssertionError, match="never reached"):
        await waiting.until(pilot, lambda: False)
    assert len(ticks) > waiting.UNTIL_TIMEOUT_S
