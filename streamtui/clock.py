"""The one source of time for the core: what the client waits on, what a record is stamped with.

Code that reads the time or pauses takes a `clock` (SYSTEM_CLOCK by default), so a test passes a
fake one that moves only when told to, instead of replacing module globals.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Wall time, monotonic time, and a pause: all the core ever asks of the time."""

    def now(self) -> datetime:
        """The current date and time, timezone-aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back: for deadlines and durations."""
        ...

    def time(self) -> float:
        """Seconds since the epoch: to compare with a date a server sent."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Pause this task for `seconds`."""
        ...


class SystemClock:
    """The machine's clocks and asyncio's sleep."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK: Clock = SystemClock()
