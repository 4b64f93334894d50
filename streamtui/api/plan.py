"""One logical call as a plan: attempts, backoff, Retry-After, the shared gate and the deadline.

The plan is a generator of steps (send, wait, settle) and does no I/O itself: the client sends
what it asks for and hands the outcome back. So the whole retry policy can be read, and tested,
in one place. Stopping is idempotent, so connect errors, timeouts, dropped connections, 429 and
every 5xx are retried with backoff (honouring Retry-After, never without a pause) inside one
deadline for the whole call; other 4xx are never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import httpx

from streamtui.api.answers import Reply, error_from_response, reply_of
from streamtui.api.body import Answer
from streamtui.api.network import describe_transport_error
from streamtui.api.retry import (
    RETRYABLE_STATUS,
    RateGate,
    RetryEvent,
    RetryPolicy,
    Tally,
    parse_retry_after,
)
from streamtui.clock import Clock
from streamtui.errors import ApiError, DeadlineExceeded, NetworkError, RateLimitedError


@dataclass(frozen=True)
class Send:
    """Step: send the request, bounded by `timeout` seconds."""

    timeout: float


@dataclass(frozen=True)
class Wait:
    """Step: pause (backoff, or a Retry-After held by the shared gate)."""

    seconds: float


@dataclass(frozen=True)
class Settle:
    """Step: let answers already read for other requests sharing the gate be handled first
    (one may be a 429 whose Retry-After must hold this request too)."""


SETTLE = Settle()

Step = Send | Wait | Settle
# What the driver sends back into the plan after a Send (None after a Wait or a Settle).
Outcome = Answer | httpx.TransportError | TimeoutError | None
Plan = Generator[Step, Outcome, Reply]
Failure = ApiError | NetworkError


def surely_unsent(outcome: object, error: object) -> bool:
    """Whether a failed attempt certainly did nothing: it never connected, or SignalWire said
    429 (rate limited, not processed). Only such attempts of a non-idempotent call are retried."""
    return isinstance(error, RateLimitedError) or isinstance(
        outcome, httpx.ConnectError | httpx.ConnectTimeout
    )


@dataclass(frozen=True)
class RetryPlanner:
    """Makes the plan of each call of one client, to `host`, under its policy and gate."""

    host: str
    retry: RetryPolicy
    gate: RateGate
    clock: Clock
    on_retry: Callable[[RetryEvent], None] | None = None

    def plan(self, budget: float, *, idempotent: bool = True) -> Plan:
        """One logical call within `budget` seconds.

        A call that is not `idempotent` is retried only after an attempt that surely did
        nothing (see surely_unsent): anything else may have taken effect."""
        deadline = self.clock.monotonic() + budget
        tally = Tally(self.retry)
        last: Failure | None = None
        expired = False
        while True:
            if not (yield from self._await_gate(deadline)):
                last = last or self._held_error()
                break
            remaining = deadline - self.clock.monotonic()
            if remaining <= 0:
                break
            tally.attempt += 1
            pause: float | None = None
            outcome = yield Send(remaining)
            if isinstance(outcome, Answer):
                judged = self._judge(outcome, tally.attempt)
                if isinstance(judged, Reply):
                    return judged
                last, pause = judged, self._told_pause(outcome, judged)
            else:
                last = self._network_error(outcome, budget, tally.attempt)
                if isinstance(outcome, TimeoutError) or (
                    isinstance(outcome, httpx.TimeoutException)
                    and deadline <= self.clock.monotonic()
                ):
                    expired = True
                    break
            if not idempotent and not surely_unsent(outcome, last):
                break
            pause = yield from self._pause_before_retry(last, pause, tally, deadline)
            if pause is None:
                break
        raise self._final(last, budget, deadline, expired=expired)

    def _await_gate(self, deadline: float) -> Generator[Step, Outcome, bool]:
        """Wait while the shared gate is closed; False when it stays closed past the deadline."""
        while True:
            held = self.gate.remaining()
            if held > 0:
                if held >= deadline - self.clock.monotonic():
                    return False
                yield Wait(held)
                continue
            yield SETTLE
            if self.gate.remaining() <= 0:
                return True

    def _judge(self, answer: Answer, attempt: int) -> Reply | ApiError:
        """A 2xx's reply, or the error of a retryable answer; raises what must not be retried."""
        response = answer.response
        if response.is_success or answer.problem is not None:
            return reply_of(answer, attempts=attempt)
        error = error_from_response(
            response, attempts=attempt, body=answer.body, now=self.clock.time()
        )
        if response.status_code not in RETRYABLE_STATUS:
            raise error
        return error

    def _told_pause(self, answer: Answer, error: ApiError) -> float | None:
        """The pause the server asked for (429 and 5xx), never shorter than the policy's floor.
        A 429's holds the shared gate, even when this call gives up: others must wait."""
        told = parse_retry_after(answer.response.headers.get("retry-after"), now=self.clock.time())
        if told is None:
            return None
        pause = max(told, self.retry.min_pause)
        if isinstance(error, RateLimitedError):
            self.gate.hold_for(pause)
        return pause

    def _network_error(self, outcome: object, budget: float, attempt: int) -> NetworkError:
        what = (
            describe_transport_error(outcome)
            if isinstance(outcome, httpx.TransportError)
            else "no answer in time"
        )
        return NetworkError(
            f"{what} talking to {self.host}.", host=self.host, timeout=budget, attempts=attempt
        )

    def _pause_before_retry(
        self, last: Failure, told: float | None, tally: Tally, deadline: float
    ) -> Generator[Step, Outcome, float | None]:
        """Pause before the next attempt; None when no further attempt is allowed or fits."""
        limited = isinstance(last, RateLimitedError)
        if tally.spent(rate_limited=limited):
            return None
        pause = self.retry.backoff(tally.attempt) if told is None else told
        if self.clock.monotonic() + pause >= deadline:
            if isinstance(last, ApiError) and told is not None:
                last.message += f" (Retry-After {pause:g} s is longer than the time left)"
            return None
        if limited:
            self.gate.hold_for(pause)  # every request sharing the gate waits too
        if self.on_retry is not None:
            self.on_retry(RetryEvent(tally.attempt + 1, tally.allowed, pause, str(last)))
        if not limited:
            yield Wait(pause)
        return pause

    def _held_error(self) -> RateLimitedError:
        """Another request sharing the gate was told to wait longer than this call has left."""
        held = self.gate.remaining()
        return RateLimitedError(
            f"SignalWire is rate limiting this project: requests to {self.host} are "
            f"on hold for {held:.1f} s more, longer than the time left.",
            retry_after=held,
            attempts=0,
        )

    def _final(
        self, last: Failure | None, budget: float, deadline: float, *, expired: bool = False
    ) -> Failure:
        """The error to raise once no further attempt fits."""
        if last is None or (
            isinstance(last, NetworkError) and (expired or self.clock.monotonic() >= deadline)
        ):
            attempts = last.attempts if last is not None else 0
            return DeadlineExceeded(
                f"No answer from {self.host} within {budget:g} s "
                f"({attempts} attempt{'s' if attempts != 1 else ''}).",
                host=self.host,
                timeout=budget,
                attempts=attempts,
            )
        return last
