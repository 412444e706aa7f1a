"""What a terminating signal does inside the app (the subprocess tests in tests/test_signals.py prove the wiring
and the terminal; test_mfa.py that the exit cleanups run): it exits even while a change is in flight, naming it."""

from __future__ import annotations

import signal

from ..helpers import MakeApp
from .pilot import settle
from .waiting import until


async def test_a_signal_during_a_change_exits_and_names_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        async with app.session.mutating("creating user bob"):
            app.exit_on_signal(signal.SIGHUP)  # a normal quit would refuse; the terminal is gone: it cannot
            await until(pilot, lambda: app.return_value is not None)
        assert "Still running against AWS when iam-tui stopped: creating user bob" in str(app.exit_message)
    assert app.return_value == 128 + signal.SIGHUP
