"""A terminal that goes away ends the app, after its exit cleanups: the demo at 80x24 on the MFA step with a new
device (the QR code does not fit; the countdown and the cursor redraw the screen several times a second), then the
pseudo-terminal's other end is closed, as a killed tmux pane or a dropped SSH connection does.

Two ways a hang-up reaches a process: with the terminal as its controlling terminal (the kernel sends SIGHUP, and
reads and writes fail), and without one (reads end, writes fail: nothing else tells it)."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .pty_output import PtyOutput
from .test_cli import CLEAN_ENV

EXIT_BOUND_S = 10.0  # "within a few seconds"; a hung process never exits (it is killed after this)

# The demo with a user, opening on step 3 for that user; each MFA device deletion is written to argv[1].
MFA_STEP_IN_THE_DEMO = """
import sys
from pathlib import Path

from iam_tui import app as app_module
from iam_tui.aws import service as service_module
from iam_tui.aws.mfa import MfaService
from iam_tui.guide import StepKey

deletions = Path(sys.argv[1])
build_service, delete, init = service_module.build_service, MfaService.delete, app_module.IamTuiApp.__init__


def build_with_a_user(settings):
    service = build_service(settings)
    service.sandbox.plain_client("iam").create_user(UserName="alice")
    return service


async def recorded_delete(self, serial):
    await delete(self, serial)
    with deletions.open("a") as out:
        out.write(serial + "\\n")


def on_the_mfa_step(self, settings, **kwargs):
    init(self, settings, start_at=StepKey.MFA, **kwargs)
    self.session.guide_user = "alice"


service_module.build_service = build_with_a_user
MfaService.delete = recorded_delete
app_module.IamTuiApp.__init__ = on_the_mfa_step
from iam_tui.__main__ import main
sys.exit(main(["--demo"]))
"""


class Terminal(PtyOutput):
    """The master side of a pseudo-terminal at 80x24; everything the app writes is collected."""

    def __init__(self, master: int) -> None:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        super().__init__(master)

    def wait_for(self, needle: bytes, running: Callable[[], bool], timeout: float = 60.0) -> None:
        self.wait_until_seen(needle, running, timeout)

    def open_the_mfa_step(self, running: Callable[[], bool]) -> None:
        self.wait_for(b"Device name", running)
        for _ in range(100):  # enter creates the device once the field has the focus
            os.write(self.master, b"\r")
            try:
                self.wait_for(b"Codes change every", running, timeout=0.5)
            except AssertionError:
                continue
            return
        raise AssertionError("the device was never created")


def controlling_terminal(deletions: Path) -> tuple[Terminal, Callable[[], int | None]]:
    pid, master = pty.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pseudo-terminal
        os.execve(sys.executable, [sys.executable, "-c", MFA_STEP_IN_THE_DEMO, str(deletions)],
                  {**CLEAN_ENV, "TERM": "xterm-256color"})
    status: list[int] = []

    def exit_code() -> int | None:
        if not status:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status.append(os.waitstatus_to_exitcode(raw))
        return status[0] if status else None

    def kill() -> None:
        if exit_code() is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    exit_code.kill = kill  # type: ignore[attr-defined]
    exit_code.pid = pid  # type: ignore[attr-defined]
    return Terminal(master), exit_code


def no_controlling_terminal(deletions: Path) -> tuple[Terminal, Callable[[], int | None]]:
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", MFA_STEP_IN_THE_DEMO, str(deletions)], stdin=slave, stdout=slave,
                            stderr=slave, start_new_session=True, env={**CLEAN_ENV, "TERM": "xterm-256color"})
    os.close(slave)

    def exit_code() -> int | None:
        return proc.poll()

    def kill() -> None:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    exit_code.kill = kill  # type: ignore[attr-defined]
    return Terminal(master), exit_code


@pytest.mark.parametrize("start, signal_first", [
    (controlling_terminal, False),  # the kernel's hang-up: the terminal closes, SIGHUP follows
    (controlling_terminal, True),  # tmux's kill-pane: SIGHUP to the pane's processes, then the terminal closes
    (no_controlling_terminal, False),
])
def test_a_hang_up_on_the_mfa_step_runs_the_cleanups_and_exits(
        start: Callable[[Path], tuple[Terminal, Callable[[], int | None]]], signal_first: bool, tmp_path: Path) -> None:
    deletions = tmp_path / "deleted"
    terminal, exit_code = start(deletions)
    try:
        terminal.open_the_mfa_step(lambda: exit_code() is None)
        if signal_first:
            os.killpg(exit_code.pid, signal.SIGHUP)  # type: ignore[attr-defined]
        os.close(terminal.master)  # the terminal goes away
        deadline = time.monotonic() + EXIT_BOUND_S
        while exit_code() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert exit_code() == 128 + signal.SIGHUP, f"exit status {exit_code()} (None: still running)"
        assert deletions.read_text().startswith("arn:aws:iam::123456789012:mfa/alice")  # the device made for nothing
    finally:
        exit_code.kill()  # type: ignore[attr-defined]
