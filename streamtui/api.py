"""The SignalWire Compatibility REST API client: stop a conference stream, list conferences.

Free of Textual so `streamtui stop` starts fast. Stopping is idempotent, so connect errors,
timeouts, dropped connections, 429 and every 5xx are retried with backoff (honouring Retry-After,
never without a pause) inside one deadline for the whole call; other 4xx are never retried.

Every server is treated as possibly hostile: the deadline holds whatever it does (a byte every
half second, in the headers or the body), a body is read only up to MAX_BODY_BYTES after
decompression, paging never leaves the account's own conferences, and a 200 counts as a stop only
when its body says that the stream asked for is stopped.
"""

from __future__ import annotations

import asyncio
import errno
import json
import math
import random
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

import httpx

from streamtui import __version__, redact
from streamtui.errors import (
    ApiError,
    AuthenticationError,
    CreatedByEarlierAttempt,
    DeadlineExceeded,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    UnconfirmedStop,
    UnexpectedResponse,
    UnreadableResponse,
)
from streamtui.models import Conference, ConferenceStream, capped_json, clip, parse_api_date
from streamtui.sanitize import clean
from streamtui.validation import StreamRef, is_uuid

API_PREFIX = "/api/laml/2010-04-01"
USER_AGENT = f"streamtui/{__version__}"
DEFAULT_TIMEOUT = 30.0
RETRYABLE_STATUS = frozenset({429}) | frozenset(range(500, 600))
MAX_PAGE_SIZE = 1000
# A List Conferences page of 1000 rows measures 0.8 MB with ASCII names and 1.7 MB with the
# spec's longest names (64 characters) sent as \u escapes; 4 MiB leaves room for unknown fields.
MAX_BODY_BYTES = 4 << 20
MAX_PAGES = 100
MAX_ERROR_ITEMS = 20
MAX_RETRY_AFTER = 86_400.0
_MAX_PAGE_URI = 2048
# Before a request is sent it yields a few event-loop turns (see SignalWireClient._call), so that
# responses already read off the wire are handled first.
_SETTLE_TURNS = 4


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


async def _sleep(seconds: float) -> None:
    """Every pause of the client, under one name that tests replace with a fake clock."""
    await asyncio.sleep(seconds)


class RateGate:
    """A pause shared by every request that holds the same gate.

    When the API answers 429, no request through this gate goes out before Retry-After has
    passed: a batch of workers backs off together instead of each hammering on its own. The
    waiting is done by each call's plan, within that call's deadline.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0

    def hold_until(self, when: float) -> None:
        self._until = max(self._until, when)

    def hold_for(self, seconds: float) -> None:
        self.hold_until(self._clock() + seconds)

    def remaining(self) -> float:
        return max(0.0, self._until - self._clock())


def stream_path(account: str, conference: str, stream: str | StreamRef) -> str:
    """The Update Conference Stream path, every segment URL-encoded."""
    return (
        f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences/"
        f"{quote(conference, safe='')}/Streams/{quote(str(stream), safe='')}"
    )


def create_path(account: str, conference: str) -> str:
    """The Create Conference Stream path, every segment URL-encoded."""
    return (
        f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences/"
        f"{quote(conference, safe='')}/Streams"
    )


def _surely_unsent(outcome: object, error: object) -> bool:
    """Whether a failed attempt certainly did nothing: it never connected, or SignalWire said
    429 (rate limited, not processed). Only such attempts of a non-idempotent call are retried."""
    return isinstance(error, RateLimitedError) or isinstance(
        outcome, httpx.ConnectError | httpx.ConnectTimeout
    )


def conferences_path(account: str) -> str:
    return f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None.

    None for anything that does not parse, a date out of range included; at most a day.
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
            seconds = when.timestamp() - (time.time() if now is None else now)
        except (OverflowError, ValueError, OSError):
            return None
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def _header(response: httpx.Response, name: str) -> str:
    return clip(clean(response.headers.get(name, "")))


def request_id_of(response: httpx.Response) -> str | None:
    value = response.headers.get("x-signalwire-request-id") or response.headers.get("x-request-id")
    return clip(clean(value)) if value else None


def _one_line(text: str) -> str:
    """Server text on one line: line breaks become spaces before control characters go."""
    return " ".join(clean(" ".join(text.split())).split())


def _server_text(value: object) -> str:
    """A server's string as shown and recorded: cleaned, on one line, clipped."""
    return clip(_one_line(value if isinstance(value, str) else json.dumps(capped_json(value))))


def _html_title(text: str) -> str | None:
    lower = text.lower()
    start = lower.find("<title>")
    end = lower.find("</title>", start)
    if start == -1 or end == -1:
        return None
    return clip(_one_line(text[start + 7 : end]), 200) or None


def _parse_json(content: bytes) -> Any:
    """The JSON in `content`, or None when it is not JSON (too deep included)."""
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _code_of(value: object) -> int | str | None:
    """A SignalWire error code as sent (a number or a string), or None."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return clip(clean(value), 100) if isinstance(value, str) else value


def _error_fields(body: object) -> tuple[int | str | None, str, str | None, list[str]]:
    """(code, message, more_info, errors) from any of the API's three error shapes."""
    message = ""
    more_info: str | None = None
    errors: list[str] = []
    if not isinstance(body, Mapping):
        return None, message, more_info, errors
    code = _code_of(body.get("code"))
    if isinstance(body.get("message"), str):
        message = _server_text(body["message"]).strip()
    if isinstance(body.get("more_info"), str):
        more_info = _server_text(body["more_info"])
    raw_errors = body.get("errors")
    items: list[Any] = raw_errors if isinstance(raw_errors, list) else []
    for item in items:
        if len(errors) >= MAX_ERROR_ITEMS:
            errors.append(f"… and {len(items) - MAX_ERROR_ITEMS} more")
            break
        if isinstance(item, Mapping):
            text = _server_text(item.get("message") or item.get("detail") or item).strip()
            code = _code_of(item.get("code")) if code is None else code
            if more_info is None and isinstance(item.get("more_info"), str):
                more_info = _server_text(item["more_info"])
        else:
            text = _server_text(item).strip() if item is not None else ""
        if text:
            errors.append(text)
    if not message and errors:
        message = clip("; ".join(errors))
    return code, message, more_info, errors


def _message_without_json(response: httpx.Response, content: bytes) -> str:
    """What to say about an error whose body is not the API's JSON."""
    status, reason = response.status_code, clip(clean(response.reason_phrase or ""), 100)
    text = content.decode("utf-8", "replace")
    if not text.strip():
        return f"HTTP {status} {reason} with an empty body."
    if "html" in response.headers.get("content-type", "").lower() or text.lstrip().startswith("<"):
        title = _html_title(text)
        return (
            f"HTTP {status} {reason}: the answer was an HTML page"
            f"{f' ({title!r})' if title else ''}, not the API's JSON; a proxy or load "
            "balancer between you and SignalWire answered."
        )
    return f"HTTP {status} {reason}: {_one_line(text[:1000])[:160]}"


def error_from_response(
    response: httpx.Response, *, attempts: int = 1, body: bytes | None = None
) -> ApiError:
    """Turn an error response into the right ApiError, whatever shape its body has.

    Shapes: `{"code", "message", "more_info", "status"}`; `{"errors": ["..."]}`;
    `{"errors": [{"code", "message", "more_info"}]}`; and bodies that are not JSON at all.
    `body` is the content as read (within the size cap); by default, the response's own.
    """
    content = response.content if body is None else body
    code, message, more_info, errors = _error_fields(_parse_json(content) if content else None)
    status = response.status_code
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "more_info": more_info,
        "errors": errors,
        "request_id": request_id_of(response),
        "url": str(response.request.url) if response.request else "",
        "attempts": attempts,
    }
    message = message or _message_without_json(response, content)
    if status in (401, 403):
        return AuthenticationError(message, **kwargs)
    if status == 404:
        return NotFoundError(message, **kwargs)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimitedError(message, retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    if 300 <= status < 400:
        location = _header(response, "location")
        return UnexpectedResponse(
            f"HTTP {status}: the API redirected to {location or 'another address'}, which "
            "streamtui does not follow (credentials only go to your space).",
            **kwargs,
        )
    return RejectedError(message, **kwargs)


class _BodyReader:
    """Collects a body up to `limit` bytes after decompression, so that neither an endless body
    nor a gzip bomb makes streamtui hold more than about `limit` bytes. httpx would inflate each
    network read whole; here zlib is never asked for more than the room left."""

    def __init__(self, encoding: str | None, limit: int = MAX_BODY_BYTES) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.problem: str | None = None
        self._inflater: Any = None
        coding = (encoding or "identity").strip().lower()
        if coding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._inflater = zlib.decompressobj()
        elif coding != "identity":
            shown = clip(clean(coding), 40)
            self.problem = f"is compressed as {shown!r}, which streamtui does not read"

    def feed(self, data: bytes) -> bool:
        """Take the next chunk off the wire; False once the body cannot be used."""
        if self.problem is not None:
            return False
        if self._inflater is None:
            return self._keep(data)
        try:
            while data:
                if not self._keep(self._inflater.decompress(data, self.limit - self.size + 1)):
                    return False
                data = self._inflater.unconsumed_tail
        except zlib.error:
            self.problem = "has a compressed body that is corrupt"
            return False
        return True

    def _keep(self, data: bytes) -> bool:
        self.size += len(data)
        if self.size > self.limit:
            self.problem = (
                f"was too large (more than {self.limit >> 20} MiB): streamtui stopped reading it"
            )
            return False
        self.parts.append(data)
        return True

    def answer(self, response: httpx.Response) -> _Answer:
        return _Answer(response, b"".join(self.parts), self.problem)


def _reader_for(response: httpx.Response) -> _BodyReader:
    """A reader for the body to come; a response built in memory (a transport that is not the
    network: tests, mocks) was already read, and decoded, by httpx: it is taken as it is."""
    if response.is_stream_consumed:
        reader = _BodyReader(None)
        reader.feed(response.content)
        return reader
    return _BodyReader(response.headers.get("content-encoding"))


class _Answer:
    """A response with its body as read: `problem` says why the body cannot be used, if so."""

    __slots__ = ("body", "problem", "response")

    def __init__(self, response: httpx.Response, body: bytes, problem: str | None) -> None:
        self.response = response
        self.body = body
        self.problem = problem


class Reply:
    """A 2xx answer: its JSON object, and what the history records of it."""

    __slots__ = ("attempts", "body", "request_id", "status", "url")

    def __init__(self, answer: _Answer, body: Mapping[str, Any], attempts: int) -> None:
        self.body = body
        self.status = answer.response.status_code
        self.request_id = request_id_of(answer.response)
        self.url = str(answer.response.request.url)
        self.attempts = attempts


def _reply(answer: _Answer, *, attempts: int) -> Reply:
    """The body of a 2xx answer as a JSON object, or UnreadableResponse."""
    response = answer.response
    common: dict[str, Any] = {
        "status": response.status_code,
        "request_id": request_id_of(response),
        "url": str(response.request.url),
        "attempts": attempts,
    }
    status = response.status_code
    if answer.problem is not None:
        raise UnreadableResponse(f"HTTP {status}: the API's answer {answer.problem}.", **common)
    if not answer.body.strip():
        raise UnreadableResponse(f"HTTP {status}: the API answered with an empty body.", **common)
    body = _parse_json(answer.body)
    if body is None:
        raise UnreadableResponse(f"HTTP {status}: the API's answer is not valid JSON.", **common)
    if not isinstance(body, Mapping):
        raise UnreadableResponse(
            f"HTTP {status}: the API's answer is JSON but not an object.", **common
        )
    return Reply(answer, body, attempts)


def _said(text: str, limit: int = 80) -> str:
    """A value from the body as quoted back in a message: cleaned, one line, short."""
    return clip(_one_line(text), limit)


def _unconfirmed(result: ConferenceStream, stream: str | StreamRef) -> list[str]:
    """What keeps the answer from confirming that `stream` is stopped; empty when it does."""
    asked = str(stream)
    by_name = stream.is_name if isinstance(stream, StreamRef) else not is_uuid(asked)
    problems: list[str] = []
    status = (result.status or "").strip()
    if not status:
        problems.append("does not say the stream is stopped")
    elif status.lower() != "stopped":
        problems.append(f"says the stream is {_said(status)}")
    if by_name:
        if result.name is None:
            problems.append(f"does not name the stream (asked for '{_said(asked)}')")
        elif result.name != asked:
            problems.append(f"names another stream ('{_said(result.name)}', not '{_said(asked)}')")
    elif result.sid is None:
        problems.append(f"does not give the stream's SID (asked for {asked})")
    elif not (is_uuid(result.sid) and result.sid.lower() == asked.lower()):
        problems.append(f"names another stream (SID {_said(result.sid)}, not {asked})")
    return problems


def confirm_stop(reply: Reply, stream: str | StreamRef) -> ConferenceStream:
    """The stopped stream, when the answer says that `stream` is stopped; else UnconfirmedStop.

    By SID the body's `sid` must be that UUID (in any case); by name its `name` must be the name.
    """
    result = ConferenceStream.from_json(
        reply.body, http_status=reply.status, request_id=reply.request_id, attempts=reply.attempts
    )
    problems = _unconfirmed(result, stream)
    if not problems:
        return result
    raise UnconfirmedStop(
        f"The API answered {reply.status} but {' and '.join(problems)}: the stop is not "
        "confirmed. Stopping is safe to repeat: run it again to see the stream's status.",
        status=reply.status,
        request_id=reply.request_id,
        url=reply.url,
        attempts=reply.attempts,
        stream_status=_said(result.status) if result.status is not None else None,
        stream_sid=_said(result.sid) if result.sid is not None else None,
        stream_name=_said(result.name, 300) if result.name is not None else None,
    )


_CONNECT_ERRORS = {
    errno.ECONNREFUSED: "connection refused: nothing listens at that address",
    errno.ENETUNREACH: "the network is unreachable",
    errno.EHOSTUNREACH: "no route to the host",
    errno.ECONNRESET: "the connection was reset",
    errno.ETIMEDOUT: "connecting timed out",
}


def _why_not_connected(exc: BaseException) -> str:
    """The root cause in plain words, from the chain httpx and anyio wrap it in."""
    seen: BaseException | None = exc
    for _ in range(10):  # a chain is short; a loop in it must not hang us
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return "the host name could not be found (DNS)"
        if isinstance(seen, OSError) and seen.errno in _CONNECT_ERRORS:
            return _CONNECT_ERRORS[seen.errno]
        if isinstance(seen, ssl.SSLError):
            return f"the TLS handshake failed ({clip(clean(seen.reason or seen), 120)})"
        seen = seen.__cause__ or seen.__context__
    return clip(clean(str(exc)), 200) or "connection refused or host not found"


def _describe_transport_error(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({_why_not_connected(exc)})"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return "the connection was dropped before a full answer came back"
    return clip(clean(str(exc)), 200) or type(exc).__name__


class _Send:
    """Plan step: send the request, bounded by `timeout` seconds. (A plain class: a dataclass
    costs `stop` about half a millisecond of start-up each.)"""

    __slots__ = ("timeout",)

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout


class _Wait:
    """Plan step: pause (backoff, or a Retry-After held by the shared gate)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class _Settle:
    """Plan step: let answers already read for other requests sharing the gate be handled
    first (one may be a 429 whose Retry-After must hold this request too)."""

    __slots__ = ()


_SETTLE = _Settle()

# What the driver sends back into the plan after a _Send (None after a _Wait or a _Settle).
_Outcome = _Answer | httpx.TransportError | TimeoutError | None
if TYPE_CHECKING:
    from collections.abc import Generator

    from streamtui.stream_definition import StreamDefinition

    _Step = _Send | _Wait | _Settle
    _Plan = Generator[_Step, _Outcome, Reply]


class _Tally:
    """Attempts so far, counted as the policy counts them: 429s may have an allowance of their
    own (a batch), other failures the policy's attempts."""

    __slots__ = ("attempt", "failures", "limited", "policy")

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


class _ClientBase:
    """URLs, paging rules, and the retry plan of the client.

    The retry policy is written as a plan (a generator of _Send/_Wait/_Settle steps), apart from
    the sending, so it can be read and tested on its own.
    """

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        gate: RateGate | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.gate = gate or RateGate()
        self.on_retry = on_retry

    def __repr__(self) -> str:  # never the token
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _next_page(self, uri: object, account: str) -> str | None:
        """Where `next_page_uri` leads, when it stays in this account's List Conferences.

        The credentials go wherever it points: another host, another account, or a path that
        a `..` (or `%2e%2e`) would move once httpx or a proxy normalises it is refused.
        """
        if uri is None or uri == "":
            return None
        shown = clip(clean(uri), 200)
        if not isinstance(uri, str) or len(uri) > _MAX_PAGE_URI or not uri.isascii():
            raise UnexpectedResponse(f"List Conferences sent an unusable next_page_uri ({shown}).")
        if not uri.isprintable() or " " in uri or "\\" in uri:
            raise UnexpectedResponse(f"List Conferences sent an unusable next_page_uri ({shown}).")
        parts = urlsplit(uri)
        if (parts.scheme or parts.netloc) and (
            f"{parts.scheme}://{parts.netloc}".lower() != self.base_url.lower()
        ):
            raise UnexpectedResponse(f"next_page_uri points to another host ({shown}).")
        got = parts.path.split("/")
        if any(unquote(segment) in (".", "..") for segment in got):
            raise UnexpectedResponse(f"next_page_uri holds a '..' or '.' segment ({shown}).")
        expected = conferences_path(account).split("/")
        if (
            len(got) != len(expected)
            or got[:-2] != expected[:-2]
            or got[-2].lower() != expected[-2].lower()
            or got[-1] not in ("Conferences", "Conferences.json")
        ):
            raise UnexpectedResponse(
                f"next_page_uri leads outside this account's conferences ({shown}); "
                "streamtui does not follow it."
            )
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _await_gate(self, deadline: float) -> Generator[_Step, _Outcome, bool]:
        """Wait while the shared gate is closed; False when it stays closed past the deadline."""
        while True:
            held = self.gate.remaining()
            if held > 0:
                if held >= deadline - time.monotonic():
                    return False
                yield _Wait(held)
                continue
            yield _SETTLE
            if self.gate.remaining() <= 0:
                return True

    def _judge(self, answer: _Answer, attempt: int) -> Reply | ApiError:
        """A 2xx's reply, or the error of a retryable answer; raises what must not be retried."""
        response = answer.response
        if response.is_success or answer.problem is not None:
            return _reply(answer, attempts=attempt)
        error = error_from_response(response, attempts=attempt, body=answer.body)
        if response.status_code not in RETRYABLE_STATUS:
            raise error
        return error

    def _network_error(self, outcome: object, budget: float, attempt: int) -> NetworkError:
        what = (
            _describe_transport_error(outcome)
            if isinstance(outcome, httpx.TransportError)
            else "no answer in time"
        )
        return NetworkError(
            f"{what} talking to {self.host}.", host=self.host, timeout=budget, attempts=attempt
        )

    def _plan(self, budget: float, *, idempotent: bool = True) -> _Plan:
        """One logical call: attempts, backoff, Retry-After and the deadline, all in one place.

        A call that is not `idempotent` is retried only after an attempt that surely did
        nothing (see _surely_unsent): anything else may have taken effect."""
        deadline = time.monotonic() + budget
        tally = _Tally(self.retry)
        last: ApiError | NetworkError | None = None
        expired = False
        while True:
            if not (yield from self._await_gate(deadline)):
                last = last or self._held_error()
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            tally.attempt += 1
            pause: float | None = None
            outcome = yield _Send(remaining)
            if isinstance(outcome, _Answer):
                judged = self._judge(outcome, tally.attempt)
                if isinstance(judged, Reply):
                    return judged
                last = judged
                pause = parse_retry_after(outcome.response.headers.get("retry-after"))
                if pause is not None:  # 429 and 5xx; never a retry without a pause
                    pause = max(pause, self.retry.min_pause)
                if isinstance(last, RateLimitedError) and pause is not None:
                    self.gate.hold_for(pause)  # even when this call gives up: others must wait
            else:
                last = self._network_error(outcome, budget, tally.attempt)
                if isinstance(outcome, TimeoutError) or (
                    isinstance(outcome, httpx.TimeoutException) and deadline <= time.monotonic()
                ):
                    expired = True
                    break
            if not idempotent and not _surely_unsent(outcome, last):
                break
            pause = yield from self._pause_before_retry(last, pause, tally, deadline)
            if pause is None:
                break
        raise self._final(last, budget, deadline, expired=expired)

    def _pause_before_retry(
        self,
        last: ApiError | NetworkError,
        told: float | None,
        tally: _Tally,
        deadline: float,
    ) -> Generator[_Step, _Outcome, float | None]:
        """Pause before the next attempt; None when no further attempt is allowed or fits."""
        limited = isinstance(last, RateLimitedError)
        if tally.spent(rate_limited=limited):
            return None
        pause = self.retry.backoff(tally.attempt) if told is None else told
        if time.monotonic() + pause >= deadline:
            if isinstance(last, ApiError) and told is not None:
                last.message += f" (Retry-After {pause:g} s is longer than the time left)"
            return None
        if limited:
            self.gate.hold_for(pause)  # every request sharing the gate waits too
        if self.on_retry is not None:
            self.on_retry(RetryEvent(tally.attempt + 1, tally.allowed, pause, str(last)))
        if not limited:
            yield _Wait(pause)
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
        self,
        last: ApiError | NetworkError | None,
        budget: float,
        deadline: float,
        *,
        expired: bool = False,
    ) -> ApiError | NetworkError:
        """The error to raise once no further attempt fits."""
        if last is None or (
            isinstance(last, NetworkError) and (expired or time.monotonic() >= deadline)
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


def _taken_by_first_attempt(
    error: RejectedError, name: str | None
) -> CreatedByEarlierAttempt | None:
    """A retried create refused because its Name is taken: the first attempt created it."""
    said = " ".join([error.message, *error.errors]).lower()
    if error.status != 422 or error.attempts < 2 or not name or "already been taken" not in said:
        return None
    return CreatedByEarlierAttempt(
        f"The stream '{_said(name)}' was created by the first attempt: its answer was lost, and "
        "the retry was refused because that name is now taken (by the new stream). Nothing more "
        "to do; its SID was not returned.",
        status=error.status,
        code=error.code,
        errors=error.errors,
        request_id=error.request_id,
        url=error.url,
        attempts=error.attempts,
    )


def _http_options(project_id: str, token: str, base_url: str) -> dict[str, Any]:
    redact.remember_token(token)  # whatever a server echoes of these is masked before it is shown
    redact.remember_basic_auth(project_id, token)
    return {
        "base_url": base_url,
        "auth": httpx.BasicAuth(project_id, token),
        "headers": {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",  # what _BodyReader inflates within its cap
        },
        "follow_redirects": False,
    }


class SignalWireClient(_ClientBase):
    """The client of the CLI and the TUI. Use it as an async context manager."""

    def __init__(
        self,
        *,
        base_url: str,
        project_id: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        gate: RateGate | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url=base_url, timeout=timeout, retry=retry, gate=gate, on_retry=on_retry
        )
        self._http = httpx.AsyncClient(
            transport=transport, **_http_options(project_id, token, self.base_url)
        )

    async def __aenter__(self) -> SignalWireClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def stop_stream(
        self,
        account: str,
        conference: str,
        stream: str | StreamRef,
        *,
        timeout: float | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> ConferenceStream:
        """POST `Status=stopped` to the stream (by SID or name); validated SIDs expected.

        Returns the stream only when the answer confirms the stop (UnconfirmedStop otherwise).
        `on_send` is told each time an attempt is handed to the network: from then on the stop
        may take effect, whatever happens to this call.
        """
        reply = await self._call(
            "POST",
            stream_path(account, conference, stream),
            data={"Status": "stopped"},
            timeout=timeout,
            on_send=on_send,
        )
        return confirm_stop(reply, stream)

    async def create_stream(
        self,
        account: str,
        conference: str,
        definition: StreamDefinition,
        *,
        name: str | None = None,
        bearer_token: str | None = None,
        timeout: float | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> ConferenceStream:
        """Create Conference Stream from `definition` (validated SIDs expected).

        Not idempotent: an attempt is retried only when it surely did nothing (a connect error,
        a 429). A retry told that the Name is taken means the first attempt created the stream:
        CreatedByEarlierAttempt says so."""
        try:
            reply = await self._call(
                "POST",
                create_path(account, conference),
                data=definition.form(name, bearer_token),
                timeout=timeout,
                on_send=on_send,
                idempotent=False,
            )
        except RejectedError as exc:
            raise _taken_by_first_attempt(exc, name) or exc from None
        result = ConferenceStream.from_json(
            reply.body,
            http_status=reply.status,
            request_id=reply.request_id,
            attempts=reply.attempts,
        )
        if result.sid is None or not is_uuid(result.sid):
            raise UnreadableResponse(
                f"The API answered {reply.status} but gave no SID for the new stream: it may have "
                "been created. List the conference's streams before starting it again.",
                status=reply.status,
                request_id=reply.request_id,
                attempts=reply.attempts,
            )
        return result

    async def conference_pages(
        self,
        account: str,
        *,
        status: str | None = "in-progress",
        friendly_name: str | None = None,
        page_size: int = 50,
        timeout: float | None = None,
    ) -> AsyncIterator[list[Conference]]:
        """Each page of List Conferences as it arrives, following `next_page_uri`: at most
        MAX_PAGES pages, all within one deadline (`timeout`, by default the client's)."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        params: dict[str, str] = {"PageSize": str(page_size)}
        if status:
            params["Status"] = status
        if friendly_name:
            params["FriendlyName"] = friendly_name
        budget = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + budget
        path = conferences_path(account)
        query: dict[str, str] | None = params
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            left = deadline - time.monotonic()
            if left <= 0:
                raise DeadlineExceeded(
                    f"Listing conferences took longer than {budget:g} s.",
                    host=self.host,
                    timeout=budget,
                    attempts=0,
                )
            reply = await self._call("GET", path, params=query, timeout=left)
            rows = reply.body.get("conferences")
            if not isinstance(rows, list):
                raise UnreadableResponse("List Conferences answered without a 'conferences' list.")
            yield [Conference.from_json(row) for row in rows if isinstance(row, Mapping)]
            seen.add(path + repr(query))
            next_path = self._next_page(reply.body.get("next_page_uri"), account)
            if next_path is None:
                return
            path, query = next_path, None
            if path + repr(query) in seen:
                raise UnexpectedResponse("List Conferences sent a next_page_uri that loops back.")
        raise UnexpectedResponse(
            f"List Conferences has more than {MAX_PAGES} pages; streamtui stops there. "
            "Narrow the list with a filter to see the rest."
        )

    async def list_conferences(self, account: str, **kwargs: Any) -> AsyncIterator[Conference]:
        """Every conference across all pages."""
        async for page in self.conference_pages(account, **kwargs):
            for conference in page:
                yield conference

    async def _call(
        self,
        method: str,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
        on_send: Callable[[], None] | None = None,
        idempotent: bool = True,
    ) -> Reply:
        plan = self._plan(self.timeout if timeout is None else timeout, idempotent=idempotent)
        outcome: _Outcome = None
        while True:
            try:
                step = plan.send(outcome)
            except StopIteration as done:
                reply: Reply = done.value
                return reply
            outcome = None
            if isinstance(step, _Wait):
                await _sleep(step.seconds)
            elif isinstance(step, _Settle):
                for _ in range(_SETTLE_TURNS):
                    await asyncio.sleep(0)  # a turn of the loop, not a pause
            else:
                if on_send is not None:
                    on_send()
                try:
                    # The transport's own timeouts are per operation (connect, each read): only
                    # wait_for bounds the whole exchange, a server trickling bytes included.
                    outcome = await asyncio.wait_for(
                        self._exchange(method, path, data, params, step.timeout), step.timeout
                    )
                except (TimeoutError, httpx.TransportError) as exc:
                    outcome = exc

    async def _exchange(
        self,
        method: str,
        path: str,
        data: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
        seconds: float,
    ) -> _Answer:
        """One request, its body read within the size cap."""
        async with self._http.stream(
            method,
            path,
            data=data,
            params=params,
            timeout=httpx.Timeout(seconds),
            extensions={"trace": self._at_the_wire},
        ) as response:
            reader = _reader_for(response)
            if not response.is_stream_consumed:
                async for chunk in response.aiter_raw():
                    if not reader.feed(chunk):
                        break
            return reader.answer(response)

    async def _at_the_wire(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: the gate is checked again just before a request's bytes are
        written, and a 429 closes it as soon as its head is read. The pool and a new connection
        take turns of the event loop after the check in `_call`, in which another request's 429
        may come back; without this, that request would still go out. (The wait is bounded by
        the `wait_for` around the whole exchange.)"""
        import asyncio

        if event == "http11.send_request_headers.started":
            for _ in range(_SETTLE_TURNS):  # let answers already on the wire be read first
                await asyncio.sleep(0)
            while (held := self.gate.remaining()) > 0:
                await _sleep(held)
        elif event == "http11.receive_response_headers.complete":
            _, status, _, headers = info["return_value"]
            if status == 429:
                value = next((v for k, v in headers if k.lower() == b"retry-after"), b"")
                pause = parse_retry_after(value.decode("latin-1"))
                if pause is not None:
                    self.gate.hold_for(max(pause, self.retry.min_pause))
