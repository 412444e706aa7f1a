"""What a terminating signal does inside the app (the subprocess tests in tests/test_signals.py prove the wiring
and the terminal): the exit cleanups run, unfinished work is named, and the exit code says which signal."""

from __future__ import annotations

import signal

from .pilot import settle
from .test_mfa import WIDE, create_device, open_mfa
from .waiting import until


async def test_sigterm_deletes_a_pending_mfa_device_as_quitting_does(make_app, admin) -> None:
    admin.create_user(UserName="alice")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_mfa(app, pilot)
        await create_device(app, pilot, screen)
        assert len(admin.list_virtual_mfa_devices()["VirtualMFADevices"]) == 1
        app.exit_on_signal(signal.SIGTERM)
        await until(pilot, lambda: app._exit)
        assert not app._exit_renderables  # nothing left to report
    assert admin.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    assert app.return_value == 128 + signal.SIGTERM


async def test_a_signal_during_a_change_exits_and_names_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        async with app.mutating("creating user bob"):
            app.exit_on_signal(signal.SIGHUP)  # a normal quit would refuse; the terminal is gone: it cannot
            await until(pilot, lambda: app._exit)
        assert "Still running against AWS when iam-tui stopped: creating user bob" in str(app._exit_renderables)
    assert app.return_value == 128 + signal.SIGHUP
