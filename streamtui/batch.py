"""Stopping many streams at once: bounded concurrency, one shared backoff, clean cancellation.

All requests go through one client, so they share its `RateGate`: a 429 with Retry-After pauses
every worker until it has passed, instead of each hammering on its own. Cancelling lets started
requests finish and never starts the queued ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from streamtui.api import RetryPolicy, SignalWireClient
from streamtui.errors import DeadlineExceeded, StreamTuiError, UnconfirmedStop
from streamtui.models import ConferenceStream
from streamtui.target import StopTarget

DEFAULT_CONCURRENCY = 4
# A batch shares one backoff; a 429 (come back after Retry-After) may be retried this often.
BATCH_RETRY = RetryPolicy(rate_limited_attempts=20)
MAX_CONCURRENCY = 16

QUEUED, STOPPING, STOPPED, FAILED, CANCELLED = (
    "queued",
    "stopping",
    "stopped",
    "failed",
    "cancelled",
)
# Not a state of its own (a finished item is STOPPED, FAILED or CANCELLED): the outcome of a
# FAILED item whose 200 did not confirm the stop. Its stream's state is unknown.
UNCONFIRMED = "unconfirmed"

# Worst first: a stream whose state is unknown (network, 5xx) is the worst news at 3 a.m.
_SEVERITY = {0: 0, 5: 1, 4: 2, 3: 3, 2: 4, 6: 5, 130: 6}


@dataclass
class BatchItem:
    """One stream of a batch and what became of it."""

    target: StopTarget
    state: str = QUEUED
    result: ConferenceStream | None = None
    error: StreamTuiError | None = None
    started: float = 0.0
    duration: float = 0.0

    @property
    def outcome(self) -> str:
        """What became of it, in the history's words: UNCONFIRMED apart from other failures."""
        if self.state == FAILED and isinstance(self.error, UnconfirmedStop):
            return UNCONFIRMED
        return self.state

    @property
    def exit_code(self) -> int:
        if self.state == STOPPED:
            return 0
        if self.state == CANCELLED:
            return 130
        return self.error.exit_code if self.error is not None else 1


def worst_exit_code(items: Sequence[BatchItem]) -> int:
    return max(
        (item.exit_code for item in items), key=lambda code: _SEVERITY.get(code, 5), default=0
    )


@dataclass
class Batch:
    """Run with `await batch.run(client)`; `cancel()` may be called from anywhere meanwhile."""

    targets: Sequence[StopTarget]
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = 30.0
    on_update: Callable[[int, BatchItem], None] | None = None
    items: list[BatchItem] = field(init=False)
    cancelled: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be 1..{MAX_CONCURRENCY}")
        self.items = [BatchItem(target) for target in self.targets]

    def cancel(self) -> None:
        """Queued items never start; requests already sent run to their end."""
        self.cancelled = True

    def _notify(self, index: int) -> None:
        if self.on_update is not None:
            self.on_update(index, self.items[index])

    async def run(self, client: SignalWireClient) -> list[BatchItem]:
        deadline = time.monotonic() + self.timeout
        queue: asyncio.Queue[int] = asyncio.Queue()
        for index in range(len(self.items)):
            queue.put_nowait(index)

        async def worker() -> None:
            while not queue.empty():
                index = queue.get_nowait()
                item = self.items[index]
                remaining = deadline - time.monotonic()
                if self.cancelled or remaining <= 0:
                    item.state = CANCELLED if self.cancelled else FAILED
                    if not self.cancelled:
                        item.error = DeadlineExceeded(
                            f"Not started: the batch's {self.timeout:g} s ran out first.",
                            host=client.host,
                            timeout=self.timeout,
                            attempts=0,
                        )
                    self._notify(index)
                    continue
                item.state = STOPPING
                item.started = time.monotonic()
                self._notify(index)
                try:
                    item.result = await client.stop_stream(
                        item.target.account,
                        item.target.conference,
                        item.target.stream,
                        timeout=remaining,
                    )
                    item.state = STOPPED
                except StreamTuiError as exc:
                    item.error = exc
                    item.state = FAILED
                finally:
                    item.duration = time.monotonic() - item.started
                self._notify(index)

        workers = [
            asyncio.create_task(worker()) for _ in range(min(self.concurrency, len(self.items)))
        ]
        try:
            await asyncio.gather(*workers)
        except asyncio.CancelledError:
            self.cancel()
            for task in workers:
                task.cancel()
            raise
        return self.items
