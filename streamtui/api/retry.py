"""How patiently the client retries: the policy, the count of attempts, the shared rate gate and
the server's Retry-After. The plan that applies them is in `plan`."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.models import parse_api_date

RETRYABLE_STATUS = frozenset({429}) | frozenset(range(500, 600))
MAX_RETRY_AFTER = 86_400.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry. Equal jitter keeps a floor under each pause."""

    attempts: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    # A 429 with Retry-After says exactly when to come back; a batch that shares one backoff
    # lets 429s take more attempts than other failures (the deadline still bounds them).
    rate_limited_attempts: int | None = None

    def backoff(self, retry_number: int) -> float:
        exponent = min(max(retry_number - 1, 0), 64)  # 2**1100 does not fit in a float
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**exponent)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    @property
    def min_pause(self) -> float:
        """The shortest pause before any retry, a `Retry-After: 0` included: backoff's floor."""
        return min(self.backoff_base, self.backoff_max) / 2


@dataclass(frozen=True)
class RetryEvent:
    """Told to `on_retry` before each pause, so a UI can show "attempt 2 of 3 in 1.2 s"."""

    next_attempt: int
    attempts: int
    delay: float
    reason: str


class RateGate:
    """A pause shared by every request that holds the same gate.

    When the API answers 429, no request through this gate goes out before Retry-After has
    passed: a batch of workers backs off together instead of each hammering on its own. The
    waiting is done by each call's plan, within that call's deadline.
    """

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = clock
        self._until = 0.0

    def hold_until(self, when: float) -> None:
        self._until = max(self._until, when)

    def hold_for(self, seconds: float) -> None:
        self.hold_until(self._clock.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self._until - self._clock.monotonic())


class Tally:
    """Attempts so far, counted as the policy counts them: 429s may have an allowance of their
    own (a batch), other failures the policy's attempts."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.attempt = self.failures = self.limited = 0

    @property
    def allowed(self) -> int:
        attempts = max(1, self.policy.attempts)
        cap = self.policy.rate_limited_attempts
        return attempts if cap is None else max(cap, attempts)

    def spent(self, *, rate_limited: bool) -> bool:
        """Count one failed attempt; True when the policy allows no further one."""
        if rate_limited:
            self.limited += 1
        else:
            self.failures += 1
        if self.policy.rate_limited_attempts is None:
            return self.attempt >= self.allowed
        return self.failures >= max(1, self.policy.attempts) or self.limited >= self.allowed


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None.

    None for anything that does not parse, a date out of range included; at most a day. A date
    is counted from `now` (seconds since the epoch; by default the system clock's).
    """
    if not value or not isinstance(value, str) or len(value) > 100:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        when = parse_api_date(value)
        if when is None:
            return None
        try:
            seconds = when.timestamp() - (SYSTEM_CLOCK.time() if now is None else now)
        except (OverflowError, ValueError, OSError):
            return None
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)
