"""A fake clock for the core's `clock` parameters (streamtui.clock.Clock).

Its time moves only when the code under test sleeps on it, or when a test calls `advance`: a
7 s Retry-After takes no real time, and each pause can be checked to the exact second.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

START_MONOTONIC = 1000.0
START_WALL = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # 1_700_000_000 s after the epoch


class FakeClock:
    """Monotonic and wall time that advance together, only on `sleep` and `advance`."""

    def __init__(self, *, monotonic: float = START_MONOTONIC, wall: datetime = START_WALL) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self.sleeps: list[float] = []  # every pause asked for, in order

    def now(self) -> datetime:
        return self._wall

    def monotonic(self) -> float:
        return self._monotonic

    def time(self) -> float:
        return self._wall.timestamp()

    def advance(self, seconds: float) -> None:
        self._monotonic += seconds
        self._wall += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        """Record the pause, move the time on, and give other tasks one turn of the loop."""
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
