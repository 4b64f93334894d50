"""The fault plan: which fault the next request gets, and whether clients honour `Retry-After`.

A `FaultPlan` holds queued one-shot faults, a latency, a persistent rate-limit rule and the
Retry-After record that lets benchmarks prove a client honours `Retry-After`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from streamtui.emulator.faults import Fault, retry_after_seconds, retry_after_text


def retry_after_delay(text: str, wall_clock: Callable[[], float] = time.time) -> float | None:
    """Seconds a client must wait for this `Retry-After` value (seconds or HTTP date), or None."""
    seconds = retry_after_seconds(text)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - wall_clock())


class FaultPlan:
    """Thread-safe fault state, sharing the emulator's single lock."""

    # An HTTP date only has whole seconds and goes through the wall clock: allow for rounding.
    HTTP_DATE_TOLERANCE = 0.01

    def __init__(
        self,
        lock: threading.RLock,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._lock = lock
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._queue: deque[Fault] = deque()
        self._latency = 0.0
        self._rate_every = 0
        self._rate_retry_after: str | None = "1"
        self._stop_count = 0
        # Every answer with a Retry-After gets a number, 1, 2, ... when sent; it is due (binds
        # requests that arrive from then on) IN_FLIGHT_GRACE after it was written. Each user's
        # are kept with their deadlines until these pass. The counts are never reset: open
        # connections may hold one (see the server's _Arrival).
        self._retry_afters_sent = 0
        self._retry_afters_due = 0
        self._holds: dict[str, list[tuple[int, float]]] = {}
        self._path_not_before: dict[tuple[str, str], float] = {}
        self._violations = 0
        self._crossed = 0
        self._rate_limited_sent = 0
        self._injected = 0

    # --- public controls -----------------------------------------------------------------------
    @property
    def latency(self) -> float:
        with self._lock:
            return self._latency

    def set_latency(self, seconds: float) -> None:
        """Delay every API response by `seconds` (admin routes are never delayed)."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("latency must be a finite number of seconds >= 0")
        with self._lock:
            self._latency = float(seconds)

    def queue(self, *faults: Fault) -> None:
        """Each fault is consumed by the next API request whose route it matches, in order."""
        with self._lock:
            self._queue.extend(faults)

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._queue)

    def rate_limit_every(self, n: int | None, retry_after: str | float | None = 1) -> None:
        """Every n-th stop request gets a 429 (n = 0 or None turns the rule off)."""
        if n is not None and n < 0:
            raise ValueError("n must be >= 0")
        with self._lock:
            self._rate_every = n or 0
            self._rate_retry_after = retry_after_text(retry_after)
            self._stop_count = 0

    @property
    def rate_limit_rule(self) -> tuple[int, str | None]:
        with self._lock:
            return self._rate_every, self._rate_retry_after

    @property
    def retry_after_violations(self) -> int:
        """Stop requests that arrived before a `Retry-After` sent to the same user had elapsed."""
        with self._lock:
            return self._violations

    @property
    def crossed_in_flight(self) -> int:
        """Stop requests that arrived before a Retry-After sent to the same user had elapsed, but
        reached us before that answer was due (IN_FLIGHT_GRACE after it was written): they
        crossed it, so no violation."""
        with self._lock:
            return self._crossed

    @property
    def retry_afters_due(self) -> int:
        """How many answers with a Retry-After are due: a request that reached the server when
        n were due must obey those n, and no later one (see `check_arrival`)."""
        with self._lock:
            return self._retry_afters_due

    def make_due(self, number: int) -> None:
        """The n-th answer with a Retry-After has been out for IN_FLIGHT_GRACE: it binds."""
        with self._lock:
            self._retry_afters_due = max(self._retry_afters_due, number)

    @property
    def rate_limited_sent(self) -> int:
        with self._lock:
            return self._rate_limited_sent

    @property
    def injected(self) -> int:
        """Faults applied so far (queued, rule-based and per-stream)."""
        with self._lock:
            return self._injected

    def clear(self) -> None:
        """Back to a well-behaved server: no queue, no latency, no rule, no Retry-After record."""
        with self._lock:
            self._queue.clear()
            self._latency = 0.0
            self._rate_every = 0
            self._rate_retry_after = "1"
            self._stop_count = 0
            self._holds.clear()
            self._path_not_before.clear()
            self._violations = 0
            self._crossed = 0
            self._rate_limited_sent = 0
            self._injected = 0

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "queue": [fault.to_json() for fault in self._queue],
                "latency": self._latency,
                "rate_limit_every": self._rate_every,
                "rate_limit_retry_after": self._rate_retry_after,
                "retry_after_violations": self._violations,
                "crossed_in_flight": self._crossed,
            }

    # --- used by the server --------------------------------------------------------------------
    def take(self, route: str) -> Fault | None:
        """Pop the first queued fault that matches this route."""
        with self._lock:
            for index, fault in enumerate(self._queue):
                if fault.matches(route):
                    del self._queue[index]
                    self._injected += 1
                    return fault
            return None

    def count_stop(self) -> Fault | None:
        """Count a stop request; the rate-limit fault when this one is the n-th."""
        with self._lock:
            if not self._rate_every:
                return None
            self._stop_count += 1
            if self._stop_count % self._rate_every:
                return None
            self._injected += 1
            return Fault.rate_limited(self._rate_retry_after, route="stop")

    def note_injected(self) -> None:
        with self._lock:
            self._injected += 1

    # A client cannot obey an answer it has not read yet, and reading it takes its event loop a
    # few turns: a request that reaches us this soon after the answer left crossed it.
    IN_FLIGHT_GRACE = 0.025

    def check_arrival(self, username: str, path: str = "", seen: int | None = None) -> bool:
        """Record a stop request's arrival; True (and counted) if it ignored a Retry-After.

        `seen` is how many Retry-After answers were due when the server first had this
        request's bytes (None: now), however late a busy thread gets to read them. A request
        must obey every answer due when it arrived, for any stream of its user; one that
        arrived earlier crossed it (counted apart). The request that was answered must never
        come back early.
        """
        now = self._monotonic()
        with self._lock:
            due = self._retry_afters_due if seen is None else seen
            path_not_before = self._path_not_before.get((username, path))
            holds = self._holds.get(username, [])
            ignored = any(number <= due and now < until for number, until in holds)
            if ignored or (path_not_before is not None and now < path_not_before):
                self._violations += 1
                return True
            if any(now < until for _, until in holds):
                self._crossed += 1
            return False

    def note_retry_after(
        self, username: str, value: str, *, status: int, path: str = ""
    ) -> int | None:
        """Number an answer with a Retry-After as it is sent, and remember until when its user
        (and the request answered) must wait. Returns its number (None if unreadable): the server
        calls `make_due` with it IN_FLIGHT_GRACE after the answer was written."""
        delay = retry_after_delay(value, self._wall_clock)
        if delay is None:
            return None
        if retry_after_seconds(value) is None:
            delay = max(0.0, delay - self.HTTP_DATE_TOLERANCE)
        now = self._monotonic()
        deadline = now + delay
        with self._lock:
            if status == 429:
                self._rate_limited_sent += 1
            self._retry_afters_sent += 1
            holds = [(n, until) for n, until in self._holds.get(username, []) if until > now]
            self._holds[username] = [*holds, (self._retry_afters_sent, deadline)]
            key = (username, path)
            self._path_not_before[key] = max(deadline, self._path_not_before.get(key, 0.0))
            return self._retry_afters_sent
