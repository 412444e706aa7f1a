"""IAM is eventually consistent: right after a change, AWS may still answer as if it had not happened
(``NoSuchEntity`` for a user made a second ago, ``DeleteConflict`` for a user whose password was just deleted,
``EntityTemporarilyUnmodifiable``). :class:`Patience` retries such answers with backoff for a bounded time.

It is the app's one way to wait: every bounded retry (a plan's steps, enabling an MFA device, a new key's
verification, the credential report's poll) goes through it; botocore's own retries stay below it. The clock and
the sleep are injected (one :class:`Patience` per service, ``IamService.patience``) so that tests prove the bounds
without waiting; each waiter keeps the clock and sets its own pace (:meth:`Patience.paced`)."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import AwsError

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
OnWait = Callable[[AwsError, float], None]

# AWS answers these right after a change to the same entity, whatever the call.
BUSY = frozenset({"EntityTemporarilyUnmodifiable", "ConcurrentModification", "ServiceFailure"})

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 4.0


@dataclass
class Patience:
    clock: Clock = time.monotonic
    sleep: Sleep = field(default=asyncio.sleep)
    first_delay: float = FIRST_DELAY_S
    max_delay: float = MAX_DELAY_S

    def paced(self, first_delay: float, max_delay: float) -> Patience:
        """The same clock and sleep with another schedule of delays."""
        return dataclasses.replace(self, first_delay=first_delay, max_delay=max_delay)

    async def call(self, attempt: Callable[[], Awaitable[T]], transient: Container[str], within: float,
                   on_wait: OnWait | None = None) -> T:
        """``attempt()`` until it succeeds, retrying errors whose code is in ``transient`` with doubling delays;
        gives up (raises the last error) when the next retry would start more than ``within`` seconds after the
        first attempt."""
        deadline = self.clock() + within
        delay = self.first_delay
        while True:
            try:
                return await attempt()
            except AwsError as err:
                if err.code not in transient or self.clock() + delay > deadline:
                    raise
                if on_wait is not None:
                    on_wait(err, delay)
            await self.sleep(delay)
            delay = min(delay * 2, self.max_delay)
