"""Fault plans: the misbehaviour a real API and its proxies show, on demand.

Clients are judged on how they handle 429s, 5xx, proxies' HTML pages, truncated JSON and dropped
connections; these are rare against the real service, so the emulator makes them reproducible.
A `FaultPlan` holds queued one-shot faults, a latency, a persistent rate-limit rule and the
Retry-After record that lets benchmarks prove a client honours `Retry-After`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Literal, cast, get_args

FaultKind = Literal[
    "status",
    "rate_limited",
    "html_502",
    "malformed_json",
    "empty_body",
    "drop_connection",
    "delay",
]
Route = Literal["any", "stop", "create", "list", "fetch"]

FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
ROUTES: tuple[str, ...] = get_args(Route)

# Names accepted by `--fault` (and `Fault.parse`), besides a bare HTTP status such as `503`.
CLI_FAULT_NAMES: dict[str, FaultKind] = {
    "429": "rate_limited",
    "rate_limited": "rate_limited",
    "html502": "html_502",
    "html_502": "html_502",
    "malformed": "malformed_json",
    "malformed_json": "malformed_json",
    "empty": "empty_body",
    "empty_body": "empty_body",
    "drop": "drop_connection",
    "drop_connection": "drop_connection",
    "delay": "delay",
}


@dataclass(frozen=True)
class Fault:
    """One misbehaviour. Build with the class methods; `route` limits which requests it hits.

    `route` is `any` (every API request), `stop`, `create`, `list` (list conferences) or `fetch`
    (fetch one conference).
    """

    kind: FaultKind
    http_status: int = 200
    retry_after: str | None = None
    retry_after_http_date: bool = False
    seconds: float = 0.0
    code: int | None = None
    message: str | None = None
    route: Route = "any"

    # --- constructors --------------------------------------------------------------------------
    @classmethod
    def status(
        cls,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: str | float | None = None,
        route: Route = "any",
    ) -> Fault:
        """An error status with a SignalWire-shaped JSON body (422 uses the streams' list shape)."""
        if not 100 <= status <= 599:
            raise ValueError(f"HTTP status out of range: {status}")
        return cls(
            "status",
            http_status=status,
            code=code,
            message=message,
            retry_after=_retry_after_text(retry_after),
            route=_route(route),
        )

    @classmethod
    def rate_limited(
        cls,
        retry_after: str | float | None = "1",
        *,
        http_date: bool = False,
        route: Route = "any",
    ) -> Fault:
        """429, code 20429, with `Retry-After` (seconds, a literal HTTP date, or None for none).

        With `http_date=True` a numeric `retry_after` is sent as an HTTP date that many seconds
        ahead (rounded up to the whole second), computed when the response is sent.
        """
        text = _retry_after_text(retry_after)
        if http_date and (text is None or _seconds(text) is None):
            raise ValueError("http_date=True needs a number of seconds")
        return cls(
            "rate_limited",
            http_status=429,
            retry_after=text,
            retry_after_http_date=http_date,
            route=_route(route),
        )

    @classmethod
    def html_502(cls, *, route: Route = "any") -> Fault:
        """A reverse proxy's `text/html` 502 page: not JSON at all."""
        return cls("html_502", http_status=502, route=_route(route))

    @classmethod
    def malformed_json(cls, status: int = 200, *, route: Route = "any") -> Fault:
        """`Content-Type: application/json` with a truncated body (valid HTTP framing)."""
        return cls("malformed_json", http_status=status, route=_route(route))

    @classmethod
    def empty_body(cls, status: int = 200, *, route: Route = "any") -> Fault:
        """A JSON content type and `Content-Length: 0`."""
        return cls("empty_body", http_status=status, route=_route(route))

    @classmethod
    def drop_connection(cls, *, route: Route = "any") -> Fault:
        """Read the request, then close the socket without sending a byte."""
        return cls("drop_connection", http_status=0, route=_route(route))

    @classmethod
    def delay(cls, seconds: float, *, route: Route = "any") -> Fault:
        """Wait, then answer normally (client timeouts)."""
        if seconds < 0 or not math.isfinite(seconds):
            raise ValueError("delay must be a finite number of seconds >= 0")
        return cls("delay", seconds=float(seconds), route=_route(route))

    # --- (de)serialisation ---------------------------------------------------------------------
    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Fault:
        """From the admin endpoint's JSON, e.g. `{"kind": "status", "status": 503}`."""
        if not isinstance(obj, Mapping):
            raise ValueError("a fault must be a JSON object")
        kind = obj.get("kind")
        route = cast(Route, obj.get("route", "any"))
        try:
            if kind == "status":
                return cls.status(
                    int(obj.get("status", 503)),
                    code=None if obj.get("code") is None else int(obj["code"]),
                    message=None if obj.get("message") is None else str(obj["message"]),
                    retry_after=obj.get("retry_after"),
                    route=route,
                )
            if kind == "rate_limited":
                return cls.rate_limited(
                    obj.get("retry_after", "1"),
                    http_date=bool(obj.get("http_date", False)),
                    route=route,
                )
            if kind == "html_502":
                return cls.html_502(route=route)
            if kind == "malformed_json":
                return cls.malformed_json(int(obj.get("status", 200)), route=route)
            if kind == "empty_body":
                return cls.empty_body(int(obj.get("status", 200)), route=route)
            if kind == "drop_connection":
                return cls.drop_connection(route=route)
            if kind == "delay":
                return cls.delay(float(obj.get("seconds", 0.0)), route=route)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"bad fault {dict(obj)!r}: {exc}") from exc
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(FAULT_KINDS)}")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "route": self.route}
        if self.kind in ("status", "malformed_json", "empty_body"):
            out["status"] = self.http_status
        if self.kind in ("status", "rate_limited"):
            out["retry_after"] = self.retry_after
        if self.kind == "rate_limited":
            out["http_date"] = self.retry_after_http_date
        if self.kind == "status":
            out["code"] = self.code
            out["message"] = self.message
        if self.kind == "delay":
            out["seconds"] = self.seconds
        return out

    @classmethod
    def parse(cls, text: str) -> Fault:
        """A `--fault` value: `503`, `429`, `429:2`, `html502`, `malformed`, `empty`, `drop`,
        `delay:0.5`, optionally followed by `@stop` (or another route)."""
        spec, _, route_text = text.strip().partition("@")
        route = _route(route_text or "any")
        name, _, arg = spec.partition(":")
        name = name.strip().lower()
        kind = CLI_FAULT_NAMES.get(name)
        if kind == "rate_limited":
            return cls.rate_limited(arg or "1", route=route)
        if kind == "delay":
            return cls.delay(float(arg or "1"), route=route)
        if kind == "html_502":
            return cls.html_502(route=route)
        if kind == "malformed_json":
            return cls.malformed_json(route=route)
        if kind == "empty_body":
            return cls.empty_body(int(arg or "200"), route=route)
        if kind == "drop_connection":
            return cls.drop_connection(route=route)
        if name.isdigit():
            status = int(name)
            if status == 429:
                return cls.rate_limited(arg or "1", route=route)
            return cls.status(status, retry_after=arg or None, route=route)
        raise ValueError(
            f"unknown fault {text!r}: use an HTTP status (e.g. 503), 429[:SECONDS], html502, "
            "malformed, empty, drop or delay:SECONDS, optionally @stop"
        )

    def matches(self, route: str) -> bool:
        return self.route in ("any", route)

    def retry_after_header(self, wall_clock: Callable[[], float] = time.time) -> str | None:
        """The `Retry-After` value to send now (an HTTP date is computed at send time)."""
        if self.retry_after is None:
            return None
        if self.retry_after_http_date:
            delta = _seconds(self.retry_after) or 0.0
            when = datetime.fromtimestamp(math.ceil(wall_clock() + delta), UTC)
            return format_datetime(when, usegmt=True)
        return self.retry_after


def _route(route: str) -> Route:
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; expected one of {', '.join(ROUTES)}")
    return cast(Route, route)


def _retry_after_text(value: str | float | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("retry_after must be seconds or an HTTP date")
    if isinstance(value, int | float):
        if value < 0 or not math.isfinite(value):
            raise ValueError("retry_after must be >= 0")
        return str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    if not text:
        raise ValueError("retry_after must not be empty")
    return text


def _seconds(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def retry_after_delay(text: str, wall_clock: Callable[[], float] = time.time) -> float | None:
    """Seconds a client must wait for this `Retry-After` value (seconds or HTTP date), or None."""
    seconds = _seconds(text)
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
            self._rate_retry_after = _retry_after_text(retry_after)
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
        if _seconds(value) is None:
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
