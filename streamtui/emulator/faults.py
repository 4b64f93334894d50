"""Faults: the misbehaviour a real API and its proxies show, and their JSON and `--fault` forms.

Clients are judged on how they handle 429s, 5xx, proxies' HTML pages, truncated JSON and dropped
connections; these are rare against the real service, so the emulator makes them reproducible.
`fault_plan.FaultPlan` decides when each one is served.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
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
            retry_after=retry_after_text(retry_after),
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
        text = retry_after_text(retry_after)
        if http_date and (text is None or retry_after_seconds(text) is None):
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
            delta = retry_after_seconds(self.retry_after) or 0.0
            when = datetime.fromtimestamp(math.ceil(wall_clock() + delta), UTC)
            return format_datetime(when, usegmt=True)
        return self.retry_after


def _route(route: str) -> Route:
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; expected one of {', '.join(ROUTES)}")
    return cast(Route, route)


def retry_after_text(value: str | float | None) -> str | None:
    """A `Retry-After` value as sent: whole seconds without a fraction, or the text as given."""
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


def retry_after_seconds(text: str) -> float | None:
    """The seconds of a numeric `Retry-After`, or None (an HTTP date, or nonsense)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None
