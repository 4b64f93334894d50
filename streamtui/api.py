"""The SignalWire Compatibility REST API client: stop a conference stream, list conferences.

Free of Textual so `streamtui stop` starts fast. Stopping is idempotent, so connect errors,
timeouts, dropped connections, 429 and every 5xx are retried with backoff (honouring Retry-After)
inside one deadline for the whole call; other 4xx are never retried.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import httpx

from streamtui import __version__, redact
from streamtui.errors import (
    ApiError,
    AuthenticationError,
    DeadlineExceeded,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    UnreadableResponse,
)
from streamtui.models import Conference, ConferenceStream
from streamtui.sanitize import clean
from streamtui.validation import StreamRef, validate_base_url

API_PREFIX = "/api/laml/2010-04-01"
USER_AGENT = f"streamtui/{__version__}"
DEFAULT_TIMEOUT = 30.0
RETRYABLE_STATUS = frozenset({429}) | frozenset(range(500, 600))
MAX_PAGE_SIZE = 1000
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


@dataclass(frozen=True)
class RetryEvent:
    """Told to `on_retry` before each pause, so a UI can show "attempt 2 of 3 in 1.2 s"."""

    next_attempt: int
    attempts: int
    delay: float
    reason: str


async def _sleep(seconds: float) -> None:
    """asyncio.sleep, imported on first use: the sync client of `stop` never needs asyncio."""
    import asyncio

    await asyncio.sleep(seconds)


class RateGate:
    """A pause shared by every request that holds the same gate.

    When the API answers 429, no request through this gate goes out before Retry-After has
    passed: a batch of workers backs off together instead of each hammering on its own.
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

    async def wait(self) -> None:
        while (delay := self.remaining()) > 0:
            await _sleep(delay)


def base_url_for(space: str | None, base_url: str | None) -> str:
    """`https://{space}.signalwire.com`, or the explicit base URL (validated) when given."""
    from streamtui.validation import space_url

    if base_url:
        return validate_base_url(base_url)
    if not space:
        raise ValueError("either a space or a base URL is needed")
    return space_url(space)


def stream_path(account: str, conference: str, stream: str | StreamRef) -> str:
    """The Update Conference Stream path, every segment URL-encoded."""
    return (
        f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences/"
        f"{quote(conference, safe='')}/Streams/{quote(str(stream), safe='')}"
    )


def conferences_path(account: str) -> str:
    return f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return max(0.0, seconds)


def request_id_of(response: httpx.Response) -> str | None:
    value = response.headers.get("x-signalwire-request-id") or response.headers.get("x-request-id")
    return clean(value) if value else None


def _one_line(text: str) -> str:
    """Server text on one line: line breaks become spaces before control characters go."""
    return " ".join(clean(" ".join(text.split())).split())


def _html_title(text: str) -> str | None:
    lower = text.lower()
    start = lower.find("<title>")
    end = lower.find("</title>", start)
    if start == -1 or end == -1:
        return None
    return _one_line(text[start + 7 : end]) or None


def error_from_response(response: httpx.Response, *, attempts: int = 1) -> ApiError:
    """Turn an error response into the right ApiError, whatever shape its body has.

    Shapes: `{"code", "message", "more_info", "status"}`; `{"errors": ["..."]}`;
    `{"errors": [{"code", "message", "more_info"}]}`; and bodies that are not JSON at all.
    """
    status = response.status_code
    reason = response.reason_phrase or ""
    code: int | str | None = None
    message = ""
    more_info: str | None = None
    errors: list[str] = []
    body: Any = None
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError, RecursionError):
        body = None
    if isinstance(body, Mapping):
        raw_code = body.get("code")
        if isinstance(raw_code, int | str) and not isinstance(raw_code, bool):
            code = raw_code
        if isinstance(body.get("message"), str):
            message = clean(body["message"]).strip()
        if isinstance(body.get("more_info"), str):
            more_info = clean(body["more_info"])
        raw_errors = body.get("errors")
        if isinstance(raw_errors, list):
            for item in raw_errors:
                if isinstance(item, Mapping):
                    text = clean(item.get("message") or item.get("detail") or json.dumps(item))
                    text = text.strip()
                    if code is None and isinstance(item.get("code"), int | str):
                        code = item["code"]
                    if more_info is None and isinstance(item.get("more_info"), str):
                        more_info = clean(item["more_info"])
                    if text:
                        errors.append(text)
                elif item is not None and clean(item).strip():
                    errors.append(clean(item).strip())
        if not message and errors:
            message = "; ".join(errors)
    if not message:
        content_type = response.headers.get("content-type", "")
        text = response.text if response.content else ""
        if not text.strip():
            message = f"HTTP {status} {reason} with an empty body."
        elif "html" in content_type.lower() or text.lstrip().startswith("<"):
            title = _html_title(text)
            message = (
                f"HTTP {status} {reason}: the answer was an HTML page"
                f"{f' ({title!r})' if title else ''}, not the API's JSON; a proxy or load "
                "balancer between you and SignalWire answered."
            )
        else:
            snippet = _one_line(text)[:160]
            message = f"HTTP {status} {reason}: {snippet}"
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "more_info": more_info,
        "errors": errors,
        "request_id": request_id_of(response),
        "url": str(response.request.url) if response.request else "",
        "attempts": attempts,
    }
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
        location = clean(response.headers.get("location", ""))
        return UnreadableResponse(
            f"HTTP {status}: the API redirected to {location or 'another address'}, which "
            "streamtui does not follow (credentials only go to your space).",
            **kwargs,
        )
    return RejectedError(message, **kwargs)


def _read_json_object(response: httpx.Response, *, attempts: int) -> Mapping[str, Any]:
    """The body of a 2xx answer as a JSON object, or UnreadableResponse."""
    common: dict[str, Any] = {
        "status": response.status_code,
        "request_id": request_id_of(response),
        "url": str(response.request.url),
        "attempts": attempts,
    }
    if not response.content.strip():
        raise UnreadableResponse(
            f"HTTP {response.status_code}: the API answered with an empty body.", **common
        )
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise UnreadableResponse(
            f"HTTP {response.status_code}: the API's answer is not valid JSON.", **common
        ) from exc
    if not isinstance(body, Mapping):
        raise UnreadableResponse(
            f"HTTP {response.status_code}: the API's answer is JSON but not an object.", **common
        )
    return body


def _describe_transport_error(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(exc, httpx.ConnectError):
        detail = str(exc) or "connection refused or host not found"
        return f"could not connect ({clean(detail)})"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return "the connection was dropped before a full answer came back"
    return clean(str(exc)) or type(exc).__name__


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


# What the driver sends back into the plan after a _Send (None after a _Wait).
_Outcome = httpx.Response | httpx.TransportError | TimeoutError | None
if TYPE_CHECKING:
    from collections.abc import Generator

    _Plan = Generator[_Send | _Wait, _Outcome, Mapping[str, Any]]


class _ClientBase:
    """What the async and the sync client share: URLs, paging rules, and the retry plan.

    The retry policy is written once, as a plan (a generator of _Send/_Wait steps), so the async
    client (TUI, batches) and the sync one (`streamtui stop`, which then needs neither asyncio nor
    anyio and starts ~30 ms sooner) cannot drift apart.
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

    def _next_page(self, uri: object) -> str | None:
        """Follow paging only within the same API: a foreign host must never get our credentials."""
        if not uri or not isinstance(uri, str):
            return None
        parts = urlsplit(uri)
        if parts.scheme or parts.netloc:
            if f"{parts.scheme}://{parts.netloc}".rstrip("/") != self.base_url:
                raise UnreadableResponse(f"next_page_uri points to another host ({clean(uri)}).")
            uri = parts.path + (f"?{parts.query}" if parts.query else "")
        if not uri.startswith(API_PREFIX + "/"):
            raise UnreadableResponse(f"next_page_uri is outside the API ({clean(uri)}).")
        return uri

    def _plan(self, budget: float) -> _Plan:
        """One logical call: attempts, backoff, Retry-After and the deadline, all in one place."""
        deadline = time.monotonic() + budget
        attempts = max(1, self.retry.attempts)
        limited_cap = self.retry.rate_limited_attempts
        last: ApiError | NetworkError | None = None
        expired = False
        attempt = failures = limited = 0
        while True:
            attempt += 1
            if (held := self.gate.remaining()) >= deadline - time.monotonic():
                if last is None:  # another request sharing the gate was told to wait that long
                    last = RateLimitedError(
                        f"SignalWire is rate limiting this project: requests to {self.host} are "
                        f"on hold for {held:.1f} s more, longer than the time left.",
                        retry_after=held,
                        attempts=0,
                    )
                break
            while (held := self.gate.remaining()) > 0:
                yield _Wait(held)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            pause: float | None = None
            outcome = yield _Send(remaining)
            if isinstance(outcome, TimeoutError):
                last = NetworkError(
                    f"no answer in time talking to {self.host}.",
                    host=self.host,
                    timeout=budget,
                    attempts=attempt,
                )
                expired = True
                break
            if isinstance(outcome, httpx.TransportError):
                last = NetworkError(
                    f"{_describe_transport_error(outcome)} talking to {self.host}.",
                    host=self.host,
                    timeout=budget,
                    attempts=attempt,
                )
                if isinstance(outcome, httpx.TimeoutException) and deadline <= time.monotonic():
                    break
            elif isinstance(outcome, httpx.Response):
                if outcome.is_success:
                    return _read_json_object(outcome, attempts=attempt)
                last = error_from_response(outcome, attempts=attempt)
                if outcome.status_code not in RETRYABLE_STATUS:
                    raise last
                pause = parse_retry_after(outcome.headers.get("retry-after"))  # 429 and 5xx
                if isinstance(last, RateLimitedError) and pause is not None:
                    self.gate.hold_for(pause)  # even when this call gives up: others must wait
            told = pause is not None
            if isinstance(last, RateLimitedError):
                limited += 1
            else:
                failures += 1
            if limited_cap is None:
                if attempt >= attempts:
                    break
            elif failures >= attempts or limited >= max(limited_cap, attempts):
                break
            if pause is None:
                pause = self.retry.backoff(attempt)
            if time.monotonic() + pause >= deadline:
                if isinstance(last, ApiError) and told:
                    last.message += f" (Retry-After {pause:g} s is longer than the time left)"
                break
            if isinstance(last, RateLimitedError):
                self.gate.hold_for(pause)  # every request sharing the gate waits too
            if self.on_retry is not None:
                shown = attempts if limited_cap is None else max(limited_cap, attempts)
                self.on_retry(RetryEvent(attempt + 1, shown, pause, str(last)))
            if not isinstance(last, RateLimitedError):
                yield _Wait(pause)
        raise self._final(last, budget, deadline, expired=expired)

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


def _http_options(project_id: str, token: str, base_url: str) -> dict[str, Any]:
    redact.remember_token(token)  # whatever a server echoes of these is masked before it is shown
    redact.remember_basic_auth(project_id, token)
    return {
        "base_url": base_url,
        "auth": httpx.BasicAuth(project_id, token),
        "headers": {"User-Agent": USER_AGENT, "Accept": "application/json"},
        "follow_redirects": False,
    }


class SignalWireClient(_ClientBase):
    """The async client: the TUI and batches. Use it as an async context manager."""

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
    ) -> ConferenceStream:
        """POST `Status=stopped` to the stream (by SID or name); validated SIDs expected."""
        body = await self._call(
            "POST",
            stream_path(account, conference, stream),
            data={"Status": "stopped"},
            timeout=timeout,
        )
        return ConferenceStream.from_json(body)

    async def conference_pages(
        self,
        account: str,
        *,
        status: str | None = "in-progress",
        friendly_name: str | None = None,
        page_size: int = 50,
    ) -> AsyncIterator[list[Conference]]:
        """Each page of List Conferences as it arrives, following `next_page_uri` to the end."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        params: dict[str, str] = {"PageSize": str(page_size)}
        if status:
            params["Status"] = status
        if friendly_name:
            params["FriendlyName"] = friendly_name
        path: str | None = conferences_path(account)
        query: dict[str, str] | None = params
        seen: set[str] = set()
        while path:
            body = await self._call("GET", path, params=query)
            rows = body.get("conferences")
            if not isinstance(rows, list):
                raise UnreadableResponse("List Conferences answered without a 'conferences' list.")
            yield [Conference.from_json(row) for row in rows if isinstance(row, Mapping)]
            seen.add(path + repr(query))
            path, query = self._next_page(body.get("next_page_uri")), None
            if path is not None and path + repr(query) in seen:
                raise UnreadableResponse("List Conferences sent a next_page_uri that loops back.")

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
    ) -> Mapping[str, Any]:
        import asyncio  # here, not at the top: the sync client of `stop` needs no event loop

        plan = self._plan(self.timeout if timeout is None else timeout)
        outcome: _Outcome = None
        while True:
            try:
                step = plan.send(outcome)
            except StopIteration as done:
                body: Mapping[str, Any] = done.value
                return body
            if isinstance(step, _Wait):
                await _sleep(step.seconds)
                outcome = None
                continue
            send_by = time.monotonic() + step.timeout
            # Let responses that have already arrived for other requests sharing the gate be
            # read first: one may be a 429 whose Retry-After must hold this request too.
            for _ in range(_SETTLE_TURNS):
                await asyncio.sleep(0)  # a turn of the loop, not a pause
            await self.gate.wait()
            remaining = send_by - time.monotonic()
            try:
                # The transport's own timeouts are per operation (connect, each read): only
                # wait_for bounds the whole exchange, a server trickling bytes included.
                outcome = await asyncio.wait_for(
                    self._http.request(
                        method,
                        path,
                        data=data,
                        params=params,
                        timeout=httpx.Timeout(remaining),
                        extensions={"trace": self._at_the_wire},
                    ),
                    remaining,
                )
            except (TimeoutError, httpx.TransportError) as exc:
                outcome = exc

    async def _at_the_wire(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: the gate is checked again just before a request's bytes are
        written, and a 429 closes it as soon as its head is read. The pool and a new connection
        take turns of the event loop after the check in `_call`, in which another request's 429
        may come back; without this, that request would still go out."""
        import asyncio

        if event == "http11.send_request_headers.started":
            for _ in range(_SETTLE_TURNS):  # let answers already on the wire be read first
                await asyncio.sleep(0)
            await self.gate.wait()
        elif event == "http11.receive_response_headers.complete":
            _, status, _, headers = info["return_value"]
            if status == 429:
                value = next((v for k, v in headers if k.lower() == b"retry-after"), b"")
                pause = parse_retry_after(value.decode("latin-1"))
                if pause is not None:
                    self.gate.hold_for(pause)


class SyncSignalWireClient(_ClientBase):
    """The blocking client of `streamtui stop` for one stream: same plan, no event loop.

    Each attempt is bounded by httpx's per-operation timeouts set to the time left.
    """

    def __init__(
        self,
        *,
        base_url: str,
        project_id: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(base_url=base_url, timeout=timeout, retry=retry, on_retry=on_retry)
        self._http = httpx.Client(
            transport=transport, **_http_options(project_id, token, self.base_url)
        )

    def __enter__(self) -> SyncSignalWireClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()

    def stop_stream(
        self, account: str, conference: str, stream: str | StreamRef
    ) -> ConferenceStream:
        plan = self._plan(self.timeout)
        outcome: _Outcome = None
        path = stream_path(account, conference, stream)
        while True:
            try:
                step = plan.send(outcome)
            except StopIteration as done:
                return ConferenceStream.from_json(done.value)
            if isinstance(step, _Wait):
                time.sleep(step.seconds)
                outcome = None
                continue
            try:
                outcome = self._http.post(
                    path, data={"Status": "stopped"}, timeout=httpx.Timeout(step.timeout)
                )
            except httpx.TransportError as exc:
                outcome = exc
