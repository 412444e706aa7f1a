"""The app and `iam-tui check` as child processes: signals, slow endpoints, and output that cannot be written.

A slow endpoint is a loopback socket that accepts connections and never answers (botocore would wait 30 s per
attempt, 4 attempts). Every wait here is bounded well below that, so a regression fails instead of hanging."""

from __future__ import annotations

import ctypes
import fcntl
import os
import pty
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .pty_output import PtyOutput
from .test_cli import CLEAN_ENV

# Runs the rest of the command line with SIGINT as a terminal gives it: handled by default and not blocked, whatever
# this test process (an xdist worker) passes on to its children.
AS_FROM_A_TERMINAL = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                      "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
                      "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")
TGKILL = 234  # the tgkill system call on Linux x86_64
BOUND_S = 15.0  # far below one read timeout (30 s): waiting on the AWS call would exceed it
FAKE_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
MOUSE_ON, MOUSE_OFF = b"\x1b[?1000h", b"\x1b[?1000l"


class SilentEndpoint:
    """A loopback HTTP endpoint that accepts and never answers."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.accepted = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.held.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent_endpoint() -> Iterator[SilentEndpoint]:
    endpoint = SilentEndpoint()
    yield endpoint
    endpoint.close()


class AppInPty(PtyOutput):
    """The app in a 100x32 pseudo-terminal; everything it writes is collected."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     env={**env, "TERM": "xterm-256color"})
        os.close(slave)
        super().__init__(master)

    def wait_for(self, needle: bytes, timeout: float = 60.0) -> None:
        self.wait_until_seen(needle, lambda: self.proc.poll() is None, timeout)

    def press(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def exit_code(self, timeout: float = BOUND_S) -> int:
        code = self.proc.wait(timeout=timeout)
        self.reader.join(timeout=5)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def restored(output: bytes) -> bool:
    """The terminal is given back: after the last time the app switched the alternate screen and mouse reporting
    on, it switched them off."""
    return (output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON) >= 0
            and output.rfind(MOUSE_OFF) > output.rfind(MOUSE_ON) >= 0)


DEMO_WITH_A_CLI_FOLDER = """
import sys, types
from pathlib import Path
from iam_tui.aws.cli_profile import demo_folder
Path(sys.argv[1]).write_text(str(demo_folder(types.SimpleNamespace())))  # as writing a demo CLI profile does
from iam_tui.__main__ import main
sys.exit(main(["--demo"]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_quits_as_quitting_does(signum: int, tmp_path: Path) -> None:
    noted = tmp_path / "folder"
    app = AppInPty([sys.executable, "-c", DEMO_WITH_A_CLI_FOLDER, str(noted)], CLEAN_ENV)
    try:
        app.wait_for(b"CIS")  # the dashboard's checks are on screen
        folder = Path(noted.read_text())
        assert folder.is_dir()
        app.proc.send_signal(signum)
        assert app.exit_code() == 128 + signum
        assert restored(bytes(app.output))
        assert not folder.exists()  # the demo's temporary AWS folder went, as at a normal exit
    finally:
        app.close()


@pytest.mark.parametrize("keys", [b"q", b"\x11"])  # q, ctrl+q
def test_quitting_during_a_slow_aws_call_does_not_wait_for_it(silent_endpoint: SilentEndpoint, keys: bytes) -> None:
    app = AppInPty([sys.executable, "-m", "iam_tui", "--endpoint-url", silent_endpoint.url],
                   {**CLEAN_ENV, **FAKE_KEYS})
    try:
        assert silent_endpoint.accepted.wait(60)  # sts:GetCallerIdentity is in flight
        app.wait_for(MOUSE_ON)  # the app reads keys
        app.press(keys)
        assert app.exit_code() == 0
        assert restored(bytes(app.output))
    finally:
        app.close()


def _a_call_thread(pid: int) -> int:
    """The id of one of ``pid``'s threads other than its main one (one that runs an AWS call)."""
    for _ in range(200):
        others = [int(tid) for tid in os.listdir(f"/proc/{pid}/task") if int(tid) != pid]
        if others:
            return others[0]
        time.sleep(0.05)
    raise AssertionError("no call thread")


def _signal_masks(pid: int) -> dict[str, list[str]]:
    """Each thread's pending, blocked, ignored and caught signals, as /proc shows them."""
    masks = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as status:
            masks[tid] = [line.strip() for line in status if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn",
                                                                              "SigCgt"))]
    return masks


def _signal_thread(pid: int, tid: int, signum: int) -> None:
    """tgkill(2): ``signum`` to that one thread (as the kernel may pick any thread for a signal to a process)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(TGKILL, pid, tid, signum) != 0:
        raise OSError(ctypes.get_errno(), "tgkill")


@pytest.mark.skipif(sys.platform != "linux" or os.uname().machine != "x86_64", reason="tgkill's number is x86_64's")
@pytest.mark.parametrize("to", ["process", "call-thread"])
def test_check_interrupted_during_a_slow_call_exits_130_at_once(silent_endpoint: SilentEndpoint, to: str) -> None:
    """ctrl+c reaches the process, and the kernel may hand it to any of its threads: `call-thread` sends it to a
    thread blocked on the silent endpoint. In CI this test once found the child asleep in its event loop 15 s after
    SIGINT (cause not pinned down: a failure now reports each thread's signal masks and stack)."""
    # PYTHONFAULTHANDLER: a child that does not exit is aborted, and the test fails with where its threads were.
    proc = subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, "-m", "iam_tui", "check", "--endpoint-url",
                             silent_endpoint.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**CLEAN_ENV, **FAKE_KEYS, "PYTHONFAULTHANDLER": "1"})
    try:
        assert silent_endpoint.accepted.wait(60)
        if to == "call-thread":
            _signal_thread(proc.pid, _a_call_thread(proc.pid), signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=BOUND_S)
        except subprocess.TimeoutExpired:
            masks = _signal_masks(proc.pid)
            proc.send_signal(signal.SIGABRT)
            _, err = proc.communicate(timeout=BOUND_S)
            pytest.fail(f"check did not exit on SIGINT within {BOUND_S:.0f} s; signals: {masks}; its threads:\n{err}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert out == "" and err == "iam-tui: interrupted\n"


def test_check_into_a_closed_pipe_exits_2_with_one_line() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "iam_tui", "check", "--demo"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=CLEAN_ENV)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `iam-tui check | head -0`: nobody reads
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2
    assert err.count("\n") == 1 and "could not write the result" in err and "Broken pipe" in err, err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_check_onto_a_full_disk_exits_2_with_one_line() -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "iam_tui", "check", "--demo", "--json"], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=CLEAN_ENV, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "No space left on device" in proc.stderr, proc.stderr
