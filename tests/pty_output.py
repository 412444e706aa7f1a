"""The master side of a pseudo-terminal for tests that run the app in one: a thread collects everything it writes."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


class PtyOutput:
    """Everything written to the pseudo-terminal whose master is ``master``, read until it closes."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.output = bytearray()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def wait_until_seen(self, needle: bytes, running: Callable[[], bool], timeout: float = 60.0) -> None:
        """Wait until ``needle`` was written; fails once the app is no longer ``running`` or after ``timeout``."""
        deadline = time.monotonic() + timeout
        while needle not in self.output:
            assert running(), self.output[-2000:]
            assert time.monotonic() < deadline, f"never saw {needle!r}: {self.output[-2000:]!r}"
            time.sleep(0.05)
