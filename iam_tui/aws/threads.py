"""Where blocking SDK calls run: one daemon thread per call, so that quitting never waits for AWS.

asyncio's default executor runs ``asyncio.to_thread`` work in non-daemon threads; ``asyncio.run`` joins them when
the loop closes and the interpreter joins them again at exit. A call stuck on a slow endpoint (a 30 s read timeout
and 4 attempts: minutes) then holds the user after they quit or pressed ctrl+c. With this executor the call may go
on in the background, but the process exits at once and the thread dies with it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class DaemonThreadExecutor(ThreadPoolExecutor):
    """Runs each submitted call in a new daemon thread and never waits for them on shutdown.

    A ThreadPoolExecutor only because ``loop.set_default_executor`` accepts nothing else; none of its pool is
    used."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to the awaiting coroutine, as ThreadPoolExecutor does
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="iam-tui-call", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: the calls' threads are daemons and end with the process."""


def use_daemon_threads(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Make ``asyncio.to_thread`` (every SDK call) on this loop run in daemon threads."""
    (loop or asyncio.get_running_loop()).set_default_executor(DaemonThreadExecutor())
