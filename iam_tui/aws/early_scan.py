"""A scan started while the app connects, handed to the first screen that asks for a scan.

Connecting proves the credentials with who-am-I; the scan asks who-am-I too, alongside its other reads. Started
together they share that read (``AccountService.identity``), and the dashboard's table is ready a round trip (and
the scan's client set-up) sooner. It is only handed over while it still says how the account is: not after the app
changed anything (any request that is not a read), nor once it is older than ``FRESH_FOR_S``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from .models import ScanResult

Progress = Callable[[int, int, str], None]
FRESH_FOR_S = 30.0
READS = ("Get", "List", "Describe", "Generate")  # GenerateCredentialReport changes nothing a check reads


class EarlyScan:
    def __init__(self, run: Callable[[Progress], Awaitable[ScanResult]]) -> None:
        self.started = time.monotonic()
        self.changed = False  # set from the calls' threads: a plain flag
        self._events: list[tuple[int, int, str]] = []
        self._listener: Progress | None = None
        self.task = asyncio.ensure_future(run(self._progress))
        self.task.add_done_callback(_retrieved)

    def note_call(self, _service: str, operation: str) -> None:
        """A ``call_listeners`` entry: any request that is not a read makes this scan out of date."""
        if not operation.startswith(READS):
            self.changed = True

    def usable(self) -> bool:
        if self.changed or time.monotonic() - self.started > FRESH_FOR_S:
            return False
        return not self.task.done() or (not self.task.cancelled() and self.task.exception() is None)

    async def result(self, progress: Progress | None) -> ScanResult:
        """Its result, with ``progress`` told what it already did, then the rest as it comes."""
        if progress is not None:
            for event in self._events:
                progress(*event)
            self._listener = progress
        return await self.task

    def _progress(self, done: int, total: int, what: str) -> None:
        self._events.append((done, total, what))
        if self._listener is not None:
            self._listener(done, total, what)


def _retrieved(task: asyncio.Future[ScanResult]) -> None:
    """A failed early scan nobody took must not be reported as "exception never retrieved"."""
    if not task.cancelled():
        task.exception()
