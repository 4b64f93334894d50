"""Unit tests of the SignalWire client (streamtui.api) against httpx.MockTransport.

Time is faked where pauses matter: the client is given a FakeClock (tests/support/clock.py) that
only moves when the code under test sleeps, so a 7 s Retry-After takes no real time and the pause
can be checked to the exact second.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import gzip
import json
import math
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, quote, unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streamtui import __version__, api
from streamtui.api import (
    MAX_BODY_BYTES,
    MAX_PAGES,
    RateGate,
    RetryEvent,
    RetryPolicy,
    SignalWireClient,
    error_from_response,
    parse_retry_after,
)
from streamtui.errors import (
    ApiError,
    AuthenticationError,
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
from streamtui.models import (
    MAX_FIELD_CHARS,
    STREAM_FIELDS,
    Conference,
    ConferenceStream,
    parse_api_date,
)
from streamtui.validation import validate_stream
from tests.support.clock import FakeClock

BASE = "https://acme.signalwire.com"
PROJECT = "9d3c5f0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"
TOKEN = "PTabcdef0123456789secret"
ACCOUNT = "9d3c5f0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"
CONFERENCE = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
STREAM = "b3877c40-da60-4998-90ad-b792e98472aa"
PREFIX = "/api/laml/2010-04-01"

STREAM_BODY: dict[str, Any] = {
    "account_sid": ACCOUNT,
    "conference_sid": CONFERENCE,
    "date_updated": "Tue, 25 Sept 2018 20:00:00 +0000",
    "name": "transcriber",
    "sid": STREAM,
    "status": "stopped",
    "uri": f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Streams/{STREAM}.json",
}

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Recorder:
    """A MockTransport handler that records every request and plays back a list of answers."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer(request)
            if asyncio.iscoroutine(answer):
                answer = await answer
        assert isinstance(answer, httpx.Response)
        return answer


def make_client(
    handler: Handler,
    *,
    clock: FakeClock | None = None,
    gate: RateGate | None = None,
    **kwargs: Any,
) -> SignalWireClient:
    if clock is not None:
        kwargs["clock"] = clock
    return SignalWireClient(
        base_url=BASE,
        project_id=PROJECT,
        token=TOKEN,
        transport=httpx.MockTransport(handler),
        gate=gate,
        **kwargs,
    )


def ok(body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=STREAM_BODY if body is None else body, headers=headers)


def echo(request: httpx.Request) -> httpx.Response:
    """A stopped stream named as the request named it (by SID, or by name): a confirmed stop."""
    asked = unquote(request.url.raw_path.decode("ascii").rsplit("/", 1)[1])
    by_sid = asked.lower() == STREAM
    return ok({**STREAM_BODY, "name": None if by_sid else asked})


def is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F


# --------------------------------------------------------------------------------------------
# The request


@pytest.mark.parametrize(
    "stream",
    [
        STREAM,
        "my stream",
        "flux-ü-ñ-日本語-🎧",
        "a+b&c;d=e",
        "[bold]x[/bold] @ $ ! * ( ) , ' \"",
    ],
)
async def test_stop_stream_sends_exactly_the_documented_request(stream: str) -> None:
    recorder = Recorder(echo)
    async with make_client(recorder) as client:
        await client.stop_stream(ACCOUNT, CONFERENCE, stream)
    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == "POST"
    assert request.url.scheme == "https"
    assert request.url.host == "acme.signalwire.com"
    expected = (
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}/Streams/{quote(stream, safe='')}"
    )
    assert request.url.raw_path.decode("ascii") == expected
    assert not request.url.raw_path.endswith(b".json")
    assert request.url.query == b""
    # the name is one path segment: the last one, decoding back to the name
    last = request.url.raw_path.decode("ascii").rsplit("/", 1)[1]
    assert "/" not in last
    assert request.url.path.endswith("/Streams/" + stream)
    assert request.content == b"Status=stopped"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    expected_auth = base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected_auth}"
    assert request.headers["user-agent"] == f"streamtui/{__version__}"
    assert "application/json" in request.headers["accept"]


async def test_every_segment_is_url_encoded() -> None:
    recorder = Recorder(echo)
    async with make_client(recorder) as client:
        await client.stop_stream("acc ount/x", "conf?y#z", "str%eam")
    raw = recorder.requests[0].url.raw_path.decode("ascii")
    assert raw == (f"{PREFIX}/Accounts/acc%20ount%2Fx/Conferences/conf%3Fy%23z/Streams/str%25eam")


async def test_stop_stream_accepts_a_stream_ref() -> None:
    recorder = Recorder(echo)
    async with make_client(recorder) as client:
        await client.stop_stream(ACCOUNT, CONFERENCE, validate_stream("  'my feed' \n"))
    assert recorder.requests[0].url.raw_path.endswith(b"/Streams/my%20feed")


async def test_base_url_trailing_slash_does_not_double_the_slash() -> None:
    recorder = Recorder(ok())
    client = SignalWireClient(
        base_url=BASE + "/",
        project_id=PROJECT,
        token=TOKEN,
        transport=httpx.MockTransport(recorder),
    )
    async with client:
        await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert recorder.requests[0].url.raw_path.startswith(PREFIX.encode() + b"/Accounts/")


async def test_client_repr_never_shows_the_token() -> None:
    async with make_client(Recorder(ok())) as client:
        assert TOKEN not in repr(client)
        assert BASE in repr(client)


# --------------------------------------------------------------------------------------------
# The response


async def test_stop_stream_parses_every_documented_field() -> None:
    async with make_client(Recorder(ok())) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert isinstance(result, ConferenceStream)
    assert result.account_sid == ACCOUNT
    assert result.conference_sid == CONFERENCE
    assert result.date_updated == "Tue, 25 Sept 2018 20:00:00 +0000"
    assert result.name == "transcriber"
    assert result.sid == STREAM
    assert result.status == "stopped"
    assert result.uri == STREAM_BODY["uri"]
    assert dict(result.raw) == STREAM_BODY
    assert [name for name, _ in result.fields()] == [
        "account_sid",
        "conference_sid",
        "date_updated",
        "name",
        "sid",
        "status",
        "uri",
    ]
    updated = parse_api_date(result.date_updated)
    assert updated is not None and updated.year == 2018


async def test_unknown_fields_are_ignored_but_kept_in_raw() -> None:
    body = {**STREAM_BODY, "brand_new_field": {"x": 1}, "date_created": "Mon, 24 Sep 2018 1:00:00"}
    async with make_client(Recorder(ok(body))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.status == "stopped"
    assert result.raw["brand_new_field"] == {"x": 1}
    assert result.date_created == "Mon, 24 Sep 2018 1:00:00"
    assert not hasattr(result, "brand_new_field")


async def test_missing_fields_are_tolerated() -> None:
    body = {"status": "stopped", "sid": STREAM}  # what confirms the stop, and nothing else
    async with make_client(Recorder(ok(body))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.status == "stopped"
    assert result.sid == STREAM
    assert result.name is None
    assert result.account_sid is None
    assert result.date_updated is None
    assert result.date_updated is None
    assert dict(result.raw) == body


async def test_null_name_and_non_string_values() -> None:
    body = {**STREAM_BODY, "name": None, "uri": 12345, "account_sid": {"nested": 1}}
    async with make_client(Recorder(ok(body))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.name is None
    assert result.uri == "12345"
    assert result.account_sid is None  # not a scalar: not shown as a field (still in raw)
    assert result.raw["account_sid"] == {"nested": 1}


# --------------------------------------------------------------------------------------------
# Errors: each status with each documented body shape

STATUS_CLASSES: list[tuple[int, type[ApiError], int]] = [
    (400, RejectedError, 5),
    (401, AuthenticationError, 3),
    (403, AuthenticationError, 3),
    (404, NotFoundError, 4),
    (409, RejectedError, 5),
    (422, RejectedError, 5),
]


def _shape_flat(status: int) -> dict[str, Any]:
    return {
        "code": 20000 + status,
        "message": f"flat message {status}",
        "more_info": f"https://developer.signalwire.com/errors/{20000 + status}",
        "status": status,
    }


def _shape_strings(status: int) -> dict[str, Any]:
    return {"errors": [f"first problem {status}", "second problem"]}


def _shape_objects(status: int) -> dict[str, Any]:
    return {
        "errors": [
            {
                "code": f"E{status}",
                "message": f"object message {status}",
                "more_info": f"https://example.signalwire.com/{status}",
            }
        ]
    }


@pytest.mark.parametrize(("status", "cls", "exit_code"), STATUS_CLASSES)
@pytest.mark.parametrize("shape", ["flat", "strings", "objects"])
async def test_error_statuses_and_body_shapes(
    clock: FakeClock, status: int, cls: type[ApiError], exit_code: int, shape: str
) -> None:
    body = {"flat": _shape_flat, "strings": _shape_strings, "objects": _shape_objects}[shape](
        status
    )
    recorder = Recorder(httpx.Response(status, json=body, headers={"x-request-id": "RQ-1"}))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(ApiError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert type(error) is cls
    assert error.exit_code == exit_code
    assert error.status == status
    assert error.attempts == 1
    assert error.request_id == "RQ-1"
    assert error.url.endswith(f"/Streams/{STREAM}")
    assert len(recorder.requests) == 1, "4xx must never be retried"
    assert clock.sleeps == []
    if shape == "flat":
        assert error.code == 20000 + status
        assert error.message == f"flat message {status}"
        assert error.more_info == f"https://developer.signalwire.com/errors/{20000 + status}"
        assert error.errors == []
    elif shape == "strings":
        assert error.code is None
        assert error.errors == [f"first problem {status}", "second problem"]
        assert f"first problem {status}" in error.message
        assert "second problem" in error.message
    else:
        assert error.code == f"E{status}"
        assert error.errors == [f"object message {status}"]
        assert error.message == f"object message {status}"
        assert error.more_info == f"https://example.signalwire.com/{status}"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-signalwire-request-id": "sw-123"}, "sw-123"),
        ({"x-request-id": "rq-456"}, "rq-456"),
        ({"x-signalwire-request-id": "sw-1", "x-request-id": "rq-2"}, "sw-1"),
        ({"x-request-id": "rq-\x1b]52;c;ZXZpbA==\x07evil"}, "rq-evil"),
        ({}, None),
    ],
)
async def test_request_id_is_read_from_either_header(
    headers: dict[str, str], expected: str | None
) -> None:
    recorder = Recorder(httpx.Response(404, json=_shape_flat(404), headers=headers))
    async with make_client(recorder) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert caught.value.request_id == expected


async def test_html_502_page_names_its_title(clock: FakeClock) -> None:
    page = (
        "<!DOCTYPE html>\n<html><head><TITLE>502 Bad   Gateway</TITLE></head>"
        "<body><h1>nginx</h1></body></html>"
    )
    recorder = Recorder(
        httpx.Response(502, text=page, headers={"content-type": "text/html; charset=utf-8"})
    )
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(ServerError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert error.exit_code == 6
    assert error.status == 502
    assert error.attempts == 3
    assert "HTML" in error.message
    assert "502 Bad Gateway" in error.message
    assert "<html>" not in error.message
    assert len(recorder.requests) == 3


async def test_html_page_without_content_type_is_still_recognised() -> None:
    recorder = Recorder(httpx.Response(404, content=b"  <html><title>Nope</title></html>"))
    async with make_client(recorder) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert "HTML" in caught.value.message
    assert "Nope" in caught.value.message


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, RejectedError), (401, AuthenticationError), (404, NotFoundError), (503, ServerError)],
)
async def test_empty_error_body(clock: FakeClock, status: int, cls: type[ApiError]) -> None:
    recorder = Recorder(httpx.Response(status, content=b""))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(cls) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert "empty body" in caught.value.message
    assert str(status) in caught.value.message


async def test_plain_text_error_body_is_quoted_cleanly() -> None:
    recorder = Recorder(
        httpx.Response(
            422,
            text="Stream \x1b[31mcannot\x1b[0m be\r\nstopped\x07 now",
            headers={"content-type": "text/plain"},
        )
    )
    async with make_client(recorder) as client:
        with pytest.raises(RejectedError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    message = caught.value.message
    assert "Stream cannot be stopped now" in message
    assert not any(is_control(c) for c in message)
    assert caught.value.exit_code == 5


async def test_server_message_is_sanitised() -> None:
    body = {"code": 20404, "message": "gone\x1b]52;c;ZXZpbA==\x07 \x9b31mred", "status": 404}
    async with make_client(Recorder(httpx.Response(404, json=body))) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert caught.value.message == "gone red"


@pytest.mark.parametrize(
    ("status", "content", "headers"),
    [
        (200, b"this is not json", {"content-type": "text/plain"}),
        (200, b"", {}),
        (200, b"   \n", {"content-type": "application/json"}),
        (200, b"[1, 2, 3]", {"content-type": "application/json"}),
        (200, b"null", {"content-type": "application/json"}),
        (200, b'"stopped"', {"content-type": "application/json"}),
        (200, b"\xff\xfe\x00garbage", {"content-type": "application/json"}),
        pytest.param(200, b"[" * 100_000, {"content-type": "application/json"}, id="deep-json"),
        (204, b"", {}),
        (201, b"<html><title>hi</title></html>", {"content-type": "text/html"}),
    ],
)
async def test_unreadable_2xx_bodies(
    clock: FakeClock, status: int, content: bytes, headers: dict[str, str]
) -> None:
    recorder = Recorder(
        httpx.Response(status, content=content, headers={**headers, "x-request-id": "R9"})
    )
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(UnreadableResponse) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert error.exit_code == 6
    assert error.status == status
    assert error.request_id == "R9"
    assert len(recorder.requests) == 1
    assert error.message


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_redirect_is_not_followed(clock: FakeClock, status: int) -> None:
    recorder = Recorder(
        httpx.Response(status, headers={"location": "https://evil.example/steal"}, content=b"")
    )
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(UnexpectedResponse) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert not isinstance(caught.value, UnreadableResponse)  # it was read: and refused
    assert caught.value.title == "Unexpected response"
    assert [r.url.host for r in recorder.requests] == ["acme.signalwire.com"]
    assert caught.value.exit_code == 6
    assert caught.value.status == status
    assert "evil.example" in caught.value.message
    assert "not follow" in caught.value.message


# --------------------------------------------------------------------------------------------
# Retries


@pytest.mark.parametrize(
    ("exc", "wording"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), "could not connect"),
        (httpx.ConnectTimeout("connect timed out"), "connecting timed out"),
        (httpx.ReadTimeout("read timed out"), "no answer in time"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), "dropped"),
        (httpx.ReadError("connection reset"), "dropped"),
    ],
)
async def test_transport_errors_are_retried_then_raised(
    clock: FakeClock, exc: Exception, wording: str
) -> None:
    recorder = Recorder(exc)
    events: list[RetryEvent] = []
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        with pytest.raises(NetworkError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert type(error) is NetworkError
    assert error.exit_code == 6
    assert error.attempts == 3
    assert error.host == "acme.signalwire.com"
    assert error.timeout == 30.0
    assert wording in error.message
    assert "acme.signalwire.com" in error.message
    assert len(recorder.requests) == 3
    assert len(clock.sleeps) == 2
    assert [e.next_attempt for e in events] == [2, 3]
    assert [e.delay for e in events] == clock.sleeps
    policy = RetryPolicy()
    for number, pause in enumerate(clock.sleeps, start=1):
        ceiling = min(policy.backoff_max, policy.backoff_base * 2 ** (number - 1))
        assert ceiling / 2 <= pause <= ceiling


async def test_a_transient_failure_then_success(clock: FakeClock) -> None:
    recorder = Recorder(
        httpx.ConnectError("refused"),
        httpx.Response(503, json={"code": 503, "message": "busy", "status": 503}),
        ok(),
    )
    events: list[RetryEvent] = []
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.status == "stopped"
    assert len(recorder.requests) == 3
    assert all(r.content == b"Status=stopped" for r in recorder.requests)
    assert len(events) == 2
    assert events[0] == RetryEvent(2, 3, clock.sleeps[0], events[0].reason)
    assert "could not connect" in events[0].reason
    assert events[1].next_attempt == 3
    assert events[1].attempts == 3
    assert "busy" in events[1].reason


@pytest.mark.parametrize("status", [429, *range(500, 512), 520, 599])
async def test_429_and_every_5xx_are_retried(clock: FakeClock, status: int) -> None:
    recorder = Recorder(httpx.Response(status, json={"message": f"m{status}", "status": status}))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(ApiError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert type(error) is (RateLimitedError if status == 429 else ServerError)
    assert error.exit_code == 6
    assert error.attempts == 3
    assert error.status == status
    assert error.message.startswith(f"m{status}")
    assert len(recorder.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 408, 409, 410, 422, 451])
async def test_other_4xx_are_never_retried(clock: FakeClock, status: int) -> None:
    recorder = Recorder(httpx.Response(status, json={"message": "no", "status": status}))
    events: list[RetryEvent] = []
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        with pytest.raises(ApiError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert len(recorder.requests) == 1
    assert events == []
    assert clock.sleeps == []
    assert caught.value.attempts == 1


async def test_attempts_setting_is_honoured(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(500, content=b""))
    async with make_client(recorder, clock=clock, retry=RetryPolicy(attempts=5)) as client:
        with pytest.raises(ServerError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert len(recorder.requests) == 5
    assert caught.value.attempts == 5


async def test_retry_after_in_seconds_is_the_pause(clock: FakeClock) -> None:
    recorder = Recorder(
        httpx.Response(
            429, json={"code": 20429, "message": "slow down"}, headers={"Retry-After": "7"}
        ),
        ok(),
    )
    events: list[RetryEvent] = []
    sent_at: list[float] = []

    def spy(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.monotonic())
        return ok()

    recorder.answers[1] = spy
    start = clock.monotonic()
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.status == "stopped"
    assert sum(clock.sleeps) == pytest.approx(7.0)
    assert sent_at == [pytest.approx(start + 7.0)]
    assert [e.delay for e in events] == [7.0]
    assert "slow down" in events[0].reason


async def test_retry_after_as_an_http_date_is_the_pause(clock: FakeClock) -> None:
    when = email.utils.formatdate(clock.time() + 12, usegmt=True)
    recorder = Recorder(httpx.Response(429, content=b"", headers={"Retry-After": when}), ok())
    events: list[RetryEvent] = []
    start = clock.monotonic()
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert [e.delay for e in events] == [pytest.approx(12.0)]
    assert clock.monotonic() - start == pytest.approx(12.0)


async def test_retry_after_is_honoured_on_503_too(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(503, content=b"", headers={"Retry-After": "4"}), ok())
    events: list[RetryEvent] = []
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert [e.delay for e in events] == [4.0]
    assert clock.sleeps == [4.0]


async def test_retry_after_longer_than_the_time_left_gives_up_at_once(clock: FakeClock) -> None:
    recorder = Recorder(
        httpx.Response(429, json={"message": "Too many requests"}, headers={"Retry-After": "120"})
    )
    events: list[RetryEvent] = []
    async with make_client(recorder, clock=clock, on_retry=events.append) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM, timeout=30)
    error = caught.value
    assert len(recorder.requests) == 1
    assert events == []
    assert clock.sleeps == []
    assert error.retry_after == 120
    assert error.attempts == 1
    assert error.exit_code == 6
    assert "Retry-After 120 s is longer than the time left" in error.message


async def test_429_without_retry_after_uses_backoff(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(429, json={"message": "busy"}))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert caught.value.retry_after is None
    assert caught.value.attempts == 3
    assert len(clock.sleeps) == 2
    assert all(0.25 <= s <= 1.0 for s in clock.sleeps)
    assert "Retry-After" not in caught.value.message


async def test_deadline_with_a_transport_that_never_answers() -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return ok()

    started = time.monotonic()
    async with make_client(hang) as client:
        with pytest.raises(DeadlineExceeded) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM, timeout=0.15)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0
    error = caught.value
    assert error.exit_code == 6
    assert error.timeout == 0.15
    assert error.attempts == 1
    assert error.host == "acme.signalwire.com"
    assert "0.15 s" in error.message


async def test_client_timeout_is_the_default_deadline() -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return ok()

    started = time.monotonic()
    async with make_client(hang, timeout=0.1) as client:
        with pytest.raises(DeadlineExceeded):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert time.monotonic() - started < 1.0


async def test_deadline_covers_all_attempts_and_pauses() -> None:
    async def slow_503(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.04)
        return httpx.Response(503, content=b"")

    started = time.monotonic()
    policy = RetryPolicy(attempts=50, backoff_base=0.02, backoff_max=0.02)
    async with make_client(slow_503, retry=policy) as client:
        with pytest.raises((ServerError, DeadlineExceeded)) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM, timeout=0.2)
    assert time.monotonic() - started < 0.6
    assert caught.value.attempts < 50


async def test_read_timeout_past_the_deadline_is_deadline_exceeded(clock: FakeClock) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        clock.advance(31)  # the transport's own timeout fired after the whole budget
        raise httpx.ReadTimeout("timed out", request=request)

    recorder = Recorder(slow)
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(DeadlineExceeded) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert len(recorder.requests) == 1
    assert caught.value.attempts == 1
    assert "30 s" in caught.value.message


async def test_backoff_that_does_not_fit_stops_retrying(clock: FakeClock) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    policy = RetryPolicy(attempts=3, backoff_base=10, backoff_max=10)
    async with make_client(recorder, clock=clock, retry=policy) as client:
        with pytest.raises(NetworkError):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM, timeout=4)
    assert len(recorder.requests) == 1
    assert clock.sleeps == []


# --------------------------------------------------------------------------------------------
# The shared rate gate


async def test_gate_makes_a_second_client_wait_until_it_opens(clock: FakeClock) -> None:
    gate = RateGate(clock)
    first_sent: list[float] = []
    second_sent: list[float] = []
    second_started = asyncio.Event()

    def first_handler(request: httpx.Request) -> httpx.Response:
        first_sent.append(clock.monotonic())
        if len(first_sent) == 1:
            return httpx.Response(429, content=b"", headers={"Retry-After": "5"})
        return ok()

    def second_handler(request: httpx.Request) -> httpx.Response:
        second_sent.append(clock.monotonic())
        return ok()

    async def run_second() -> None:
        await second_started.wait()
        async with make_client(second_handler, clock=clock, gate=gate) as client:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)

    def on_retry(event: RetryEvent) -> None:
        second_started.set()

    async with make_client(first_handler, clock=clock, gate=gate, on_retry=on_retry) as first:
        second = asyncio.create_task(run_second())
        await first.stop_stream(ACCOUNT, CONFERENCE, STREAM)
        await second
    t429 = first_sent[0]
    assert first_sent[1] >= t429 + 5
    assert second_sent and second_sent[0] >= t429 + 5


async def test_gate_is_held_even_when_the_429_is_the_last_attempt(clock: FakeClock) -> None:
    gate = RateGate(clock)
    one_shot = RetryPolicy(attempts=1)
    limited = Recorder(httpx.Response(429, content=b"", headers={"Retry-After": "5"}))
    async with make_client(limited, clock=clock, gate=gate, retry=one_shot) as client:
        with pytest.raises(RateLimitedError):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    t429 = clock.monotonic()
    assert gate.remaining() == pytest.approx(5.0)
    sent: list[float] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(clock.monotonic())
        return ok()

    async with make_client(record, clock=clock, gate=gate) as other:
        await other.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert sent == [pytest.approx(t429 + 5)]


async def test_gate_held_longer_than_the_deadline_fails_without_sending(clock: FakeClock) -> None:
    gate = RateGate(clock)
    gate.hold_for(60)
    recorder = Recorder(ok())
    async with make_client(recorder, clock=clock, gate=gate) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM, timeout=10)
    assert recorder.requests == []
    assert caught.value.exit_code == 6
    assert caught.value.retry_after == pytest.approx(60)
    assert "longer than the time left" in caught.value.message


def test_rate_gate_bookkeeping() -> None:
    clock = FakeClock(monotonic=100.0)
    gate = RateGate(clock)
    assert gate.remaining() == 0
    gate.hold_for(3)
    assert gate.remaining() == 3
    gate.hold_until(101)  # an earlier end never shortens the hold
    assert gate.remaining() == 3
    clock.advance(2.5)
    assert gate.remaining() == pytest.approx(0.5)
    clock.advance(97.5)
    assert gate.remaining() == 0


@given(
    base=st.floats(min_value=0, max_value=60, allow_nan=False),
    maximum=st.floats(min_value=0, max_value=600, allow_nan=False),
    number=st.integers(min_value=1, max_value=100_000),
)
def test_backoff_stays_within_bounds(base: float, maximum: float, number: int) -> None:
    policy = RetryPolicy(attempts=3, backoff_base=base, backoff_max=maximum)
    pause = policy.backoff(number)
    ceiling = min(maximum, base * 2.0 ** min(number - 1, 64))
    assert math.isfinite(pause)
    assert 0 <= pause <= maximum + 1e-9
    assert ceiling / 2 - 1e-9 <= pause <= ceiling + 1e-9


def test_default_backoff_grows() -> None:
    policy = RetryPolicy()
    assert 0.25 <= policy.backoff(1) <= 0.5
    assert 0.5 <= policy.backoff(2) <= 1.0
    assert 4.0 <= policy.backoff(10) <= 8.0


# --------------------------------------------------------------------------------------------
# Listing conferences


def conference_page(sids: list[str], next_page_uri: str | None, page: int = 0) -> dict[str, Any]:
    return {
        "conferences": [
            {
                "sid": sid,
                "friendly_name": f"room {sid[:4]}",
                "status": "in-progress",
                "date_created": "Tue, 25 Sep 2018 20:00:00 +0000",
                "region": "us1",
                "uri": f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/{sid}.json",
                "surprise": True,
            }
            for sid in sids
        ],
        "page": page,
        "page_size": 2,
        "next_page_uri": next_page_uri,
        "uri": f"{PREFIX}/Accounts/{ACCOUNT}/Conferences",
    }


async def test_conference_pages_sends_the_query_and_follows_paging() -> None:
    next1 = f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page=1&PageSize=2&PageToken=PA1"
    next2 = f"{BASE}{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page=2&PageSize=2&PageToken=PA2"
    recorder = Recorder(
        httpx.Response(200, json=conference_page(["a1", "a2"], next1, 0)),
        httpx.Response(200, json=conference_page(["b1", "b2"], next2, 1)),
        httpx.Response(200, json=conference_page(["c1"], None, 2)),
    )
    pages: list[list[Conference]] = []
    async with make_client(recorder) as client:
        async for page in client.conference_pages(
            ACCOUNT, friendly_name="Support & Sales", page_size=2
        ):
            pages.append(page)
    assert [[c.sid for c in page] for page in pages] == [["a1", "a2"], ["b1", "b2"], ["c1"]]
    first = recorder.requests[0]
    assert first.method == "GET"
    assert first.url.path == f"{PREFIX}/Accounts/{ACCOUNT}/Conferences"
    assert parse_qs(first.url.query.decode()) == {
        "PageSize": ["2"],
        "Status": ["in-progress"],
        "FriendlyName": ["Support & Sales"],
    }
    assert first.content == b""
    assert str(recorder.requests[1].url) == BASE + next1
    assert str(recorder.requests[2].url) == next2
    assert all(r.headers["authorization"].startswith("Basic ") for r in recorder.requests)
    assert len(recorder.requests) == 3
    conference = pages[0][0]
    assert conference.friendly_name == "room a1"
    assert conference.status == "in-progress"
    assert conference.region == "us1"
    assert conference.raw["surprise"] is True
    assert conference.created_at is not None


async def test_conference_pages_status_none_and_default_page_size() -> None:
    recorder = Recorder(httpx.Response(200, json=conference_page([], None)))
    async with make_client(recorder) as client:
        pages = [page async for page in client.conference_pages(ACCOUNT, status=None)]
    assert pages == [[]]
    assert parse_qs(recorder.requests[0].url.query.decode()) == {"PageSize": ["50"]}


async def test_list_conferences_yields_every_conference() -> None:
    recorder = Recorder(
        httpx.Response(
            200,
            json=conference_page(["x1", "x2"], f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page=1"),
        ),
        httpx.Response(200, json=conference_page(["x3"], None)),
    )
    async with make_client(recorder) as client:
        sids = [c.sid async for c in client.list_conferences(ACCOUNT, status="completed")]
    assert sids == ["x1", "x2", "x3"]
    assert parse_qs(recorder.requests[0].url.query.decode())["Status"] == ["completed"]


@pytest.mark.parametrize(
    "next_uri",
    [
        "https://evil.example/api/laml/2010-04-01/Accounts/a/Conferences?Page=1",
        "//evil.example/api/laml/2010-04-01/Accounts/a/Conferences?Page=1",
        "http://acme.signalwire.com/api/laml/2010-04-01/Accounts/a/Conferences?Page=1",
        "https://acme.signalwire.com.evil.example/api/laml/2010-04-01/Accounts/a/Conferences",
        "/somewhere/else?Page=1",
    ],
)
async def test_next_page_uri_elsewhere_is_refused(next_uri: str) -> None:
    recorder = Recorder(
        httpx.Response(200, json=conference_page(["a1"], next_uri)),
        httpx.Response(200, json=conference_page(["never"], None)),
    )
    seen: list[list[Conference]] = []
    async with make_client(recorder) as client:
        with pytest.raises(UnexpectedResponse) as caught:
            async for page in client.conference_pages(ACCOUNT):
                seen.append(page)
    assert [[c.sid for c in page] for page in seen] == [["a1"]]
    assert len(recorder.requests) == 1
    assert caught.value.exit_code == 6
    assert "next_page_uri" in caught.value.message


@pytest.mark.parametrize("page_size", [0, -1, 1001, 10_000])
async def test_page_size_out_of_range(page_size: int) -> None:
    recorder = Recorder(httpx.Response(200, json=conference_page([], None)))
    async with make_client(recorder) as client:
        with pytest.raises(ValueError, match="page_size"):
            async for _ in client.conference_pages(ACCOUNT, page_size=page_size):
                pass
    assert recorder.requests == []


@pytest.mark.parametrize("page_size", [1, 1000])
async def test_page_size_bounds_are_accepted(page_size: int) -> None:
    recorder = Recorder(httpx.Response(200, json=conference_page([], None)))
    async with make_client(recorder) as client:
        async for _ in client.conference_pages(ACCOUNT, page_size=page_size):
            pass
    assert parse_qs(recorder.requests[0].url.query.decode())["PageSize"] == [str(page_size)]


@pytest.mark.parametrize("body", [{}, {"conferences": None}, {"conferences": "x"}])
async def test_listing_without_a_conferences_list_is_unreadable(body: dict[str, Any]) -> None:
    async with make_client(Recorder(httpx.Response(200, json=body))) as client:
        with pytest.raises(UnreadableResponse):
            async for _ in client.conference_pages(ACCOUNT):
                pass


async def test_listing_errors_use_the_same_mapping() -> None:
    recorder = Recorder(
        httpx.Response(401, json={"code": 20003, "message": "Authentication failed"})
    )
    async with make_client(recorder) as client:
        with pytest.raises(AuthenticationError) as caught:
            async for _ in client.conference_pages(ACCOUNT):
                pass
    assert caught.value.code == 20003
    assert len(recorder.requests) == 1


async def test_listing_skips_rows_that_are_not_objects() -> None:
    body = conference_page(["ok1"], None)
    body["conferences"].extend(["junk", None, 3])
    async with make_client(Recorder(httpx.Response(200, json=body))) as client:
        pages = [page async for page in client.conference_pages(ACCOUNT)]
    assert [[c.sid for c in page] for page in pages] == [["ok1"]]


# --------------------------------------------------------------------------------------------
# parse_retry_after


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("1e999", None),
    ],
)
def test_parse_retry_after_values(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_dates() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 2) == 2


@given(st.one_of(st.none(), st.text(max_size=80)))
def test_parse_retry_after_never_raises(value: str | None) -> None:
    result = parse_retry_after(value, now=1_700_000_000.0)
    assert result is None or (math.isfinite(result) and result >= 0)


# --------------------------------------------------------------------------------------------
# error_from_response, directly

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["code", "message", "more_info", "status", "errors", "detail", "x"])
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)

error_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda title, rest: f"<html><head><title>{title}</title></head>{rest}".encode(),
        st.text(max_size=40),
        st.text(max_size=40),
    ),
    st.text(max_size=100).map(lambda t: t.encode("utf-8", "surrogatepass")),
)

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=st.integers(min_value=400, max_value=599),
    body=error_bodies,
    content_type=st.sampled_from(
        ["", "application/json", "text/html", "text/plain; charset=latin-1", "application/xml"]
    ),
    request_id=st.one_of(st.none(), header_text),
    retry_after=st.one_of(st.none(), header_text),
)
def test_error_from_response_never_raises(
    status: int,
    body: bytes,
    content_type: str,
    request_id: str | None,
    retry_after: str | None,
) -> None:
    headers = {}
    if content_type:
        headers["content-type"] = content_type
    if request_id is not None:
        headers["x-request-id"] = request_id
    if retry_after is not None:
        headers["retry-after"] = retry_after
    request = httpx.Request("POST", f"{BASE}{PREFIX}/Accounts/a/Conferences/c/Streams/s")
    response = httpx.Response(status, content=body, headers=headers, request=request)
    error = error_from_response(response, attempts=2)
    assert isinstance(error, ApiError)
    assert error.status == status
    assert error.attempts == 2
    assert error.message.strip()
    assert not any(is_control(c) for c in error.message)
    assert all(e.strip() and not any(is_control(c) for c in e) for e in error.errors)
    if error.request_id is not None:
        assert not any(is_control(c) for c in error.request_id)
    expected: type[ApiError]
    if status in (401, 403):
        expected = AuthenticationError
    elif status == 404:
        expected = NotFoundError
    elif status == 429:
        expected = RateLimitedError
    elif status >= 500:
        expected = ServerError
    else:
        expected = RejectedError
    assert type(error) is expected
    assert error.exit_code in (3, 4, 5, 6)


@pytest.mark.parametrize(
    "body",
    [
        {"message": "   "},
        {"message": "\x1b[0m"},
        {"errors": ["", "\x1b"]},
        {"errors": [{"message": "  "}]},
        {"errors": []},
        {"errors": [None]},
        {},
    ],
)
def test_error_with_blank_messages_still_says_something(body: dict[str, Any]) -> None:
    request = httpx.Request("POST", BASE)
    error = error_from_response(httpx.Response(422, json=body, request=request))
    assert isinstance(error, RejectedError)
    assert error.message.strip()
    assert "422" in error.message
    assert all(e.strip() for e in error.errors)


def test_error_from_response_with_deeply_nested_json() -> None:
    request = httpx.Request("POST", BASE)
    error = error_from_response(httpx.Response(500, content=b"[" * 100_000, request=request))
    assert isinstance(error, ServerError)
    assert error.message.strip()


def test_error_from_response_429_carries_retry_after() -> None:
    request = httpx.Request("POST", BASE)
    error = error_from_response(
        httpx.Response(429, json={"code": 20429}, headers={"retry-after": "9"}, request=request)
    )
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 9
    assert error.code == 20429


def test_error_code_true_is_not_a_code() -> None:
    request = httpx.Request("POST", BASE)
    error = error_from_response(
        httpx.Response(400, json={"code": True, "message": "m"}, request=request)
    )
    assert error.code is None
    assert error.message == "m"


# --------------------------------------------------------------------------------------------
# A success says which answer it was (issue 10: the history records it)


async def test_a_stop_carries_the_http_status_request_id_and_attempts(clock: FakeClock) -> None:
    recorder = Recorder(httpx.Response(503, content=b""), ok(**{"x-request-id": "RQ-ok-7"}))
    async with make_client(recorder, clock=clock) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert (result.http_status, result.request_id, result.attempts) == (200, "RQ-ok-7", 2)
    assert [name for name, _ in result.fields()] == list(STREAM_FIELDS)
    assert "request_id" not in result.raw and "attempts" not in result.raw


# --------------------------------------------------------------------------------------------
# A stop is confirmed, not assumed


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({**STREAM_BODY, "status": "in-progress"}, "says the stream is in-progress"),
        ({**STREAM_BODY, "status": ""}, "does not say the stream is stopped"),
        ({**STREAM_BODY, "sid": "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"}, "names another stream"),
        ({**STREAM_BODY, "sid": "not-a-uuid"}, "names another stream"),
        ({**STREAM_BODY, "sid": None}, "does not give the stream's SID"),
        ({}, "does not say the stream is stopped and does not give the stream's SID"),
    ],
)
async def test_a_200_that_does_not_confirm_raises_unconfirmed_stop(
    body: dict[str, Any], said: str
) -> None:
    recorder = Recorder(ok(body, **{"x-request-id": "RQ-9"}))
    async with make_client(recorder) as client:
        with pytest.raises(UnconfirmedStop) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert error.exit_code == 6
    assert error.message.startswith(f"The API answered 200 but {said}")
    assert (error.status, error.request_id, error.attempts) == (200, "RQ-9", 1)
    assert error.stream_status == (body.get("status") if body.get("status") != "" else "")
    assert len(recorder.requests) == 1  # a readable answer: not asked again


async def test_unconfirmed_stop_carries_what_the_body_said() -> None:
    body = {**STREAM_BODY, "status": "in-progress\x1b[31m", "name": "feed", "sid": "x" * 5000}
    async with make_client(Recorder(ok(body))) as client:
        with pytest.raises(UnconfirmedStop) as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    error = caught.value
    assert error.stream_status == "in-progress"
    assert error.stream_name == "feed"
    assert error.stream_sid is not None and len(error.stream_sid) <= 80
    assert "\x1b" not in error.message and len(error.message) < 600


@pytest.mark.parametrize("sid", [STREAM.upper(), STREAM, f"  {STREAM}  ".strip()])
async def test_the_sid_is_compared_as_a_uuid_in_any_case(sid: str) -> None:
    async with make_client(Recorder(ok({**STREAM_BODY, "sid": sid}))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, validate_stream(STREAM.upper()))
    assert result.status == "stopped"


async def test_by_name_the_name_confirms_whatever_the_sid() -> None:
    body = {**STREAM_BODY, "name": "my feed"}  # SignalWire answers the stream's SID too
    async with make_client(Recorder(ok(body))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, validate_stream("my feed"))
        assert result.name == "my feed"
        for other in ("My Feed", "transcriber"):
            with pytest.raises(UnconfirmedStop, match="names another stream"):
                await client.stop_stream(ACCOUNT, CONFERENCE, validate_stream(other))
    nameless = {**STREAM_BODY, "name": None}
    async with make_client(Recorder(ok(nameless))) as client:
        with pytest.raises(UnconfirmedStop, match="does not name the stream"):
            await client.stop_stream(ACCOUNT, CONFERENCE, validate_stream("my feed"))


async def test_status_stopped_in_capitals_confirms() -> None:
    async with make_client(Recorder(ok({**STREAM_BODY, "status": "Stopped"}))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.status == "Stopped"


# --------------------------------------------------------------------------------------------
# Bodies are read within a cap, after decompression


def streamed(body: bytes, status: int = 200, **headers: str) -> httpx.Response:
    """An answer the client reads off a stream, as from the network (not pre-read by httpx)."""
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def bomb(size: int) -> bytes:
    start = json.dumps(STREAM_BODY)[:-1].encode() + b', "pad": "'
    return gzip.compress(start + b"A" * size + b'"}')


async def test_a_compressed_answer_within_the_cap_is_read() -> None:
    body = gzip.compress(json.dumps(STREAM_BODY).encode())
    async with make_client(Recorder(streamed(body, **{"content-encoding": "gzip"}))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert result.sid == STREAM
    deflated = zlib.compress(json.dumps(STREAM_BODY).encode())
    async with make_client(Recorder(streamed(deflated, **{"content-encoding": "deflate"}))) as c:
        assert (await c.stop_stream(ACCOUNT, CONFERENCE, STREAM)).sid == STREAM


@pytest.mark.parametrize("status", [200, 503, 400])
async def test_a_gzip_bomb_is_refused_whatever_the_status(status: int) -> None:
    recorder = Recorder(streamed(bomb(MAX_BODY_BYTES * 4), status, **{"content-encoding": "gzip"}))
    async with make_client(recorder) as client:
        with pytest.raises(UnreadableResponse, match="too large") as caught:
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert caught.value.status == status
    assert len(recorder.requests) == 1


async def test_a_body_just_over_the_cap_is_refused_and_one_at_the_cap_is_read() -> None:
    at_cap = json.dumps(STREAM_BODY)[:-1].encode() + b', "pad": "'
    at_cap += b"A" * (MAX_BODY_BYTES - len(at_cap) - 2) + b'"}'
    assert len(at_cap) == MAX_BODY_BYTES
    async with make_client(Recorder(streamed(at_cap))) as client:
        result = await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert len(result.raw["pad"]) == MAX_FIELD_CHARS
    async with make_client(Recorder(streamed(at_cap + b" "))) as client:
        with pytest.raises(UnreadableResponse, match="too large"):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)


@pytest.mark.parametrize(
    ("encoding", "body", "said"),
    [
        ("br", b"\x1b\x00", "compressed as 'br'"),
        ("gzip", b"not gzip at all", "corrupt"),
        ("gzip, gzip", b"", "compressed as 'gzip, gzip'"),
    ],
)
async def test_an_encoding_that_cannot_be_read_is_unreadable(
    encoding: str, body: bytes, said: str
) -> None:
    async with make_client(Recorder(streamed(body, **{"content-encoding": encoding}))) as client:
        with pytest.raises(UnreadableResponse, match=said):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)


async def test_the_client_asks_only_for_encodings_it_reads_within_the_cap() -> None:
    recorder = Recorder(ok())
    async with make_client(recorder) as client:
        await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert recorder.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_error_texts_are_capped() -> None:
    body = {
        "code": "c" * 5000,
        "message": "m" * 100_000,
        "more_info": "i" * 100_000,
        "errors": ["e" * 100_000] * 50,
    }
    request = httpx.Request("POST", BASE)
    error = error_from_response(httpx.Response(400, json=body, request=request))
    assert len(error.message) == MAX_FIELD_CHARS and error.message.endswith("…")
    assert error.more_info is not None and len(error.more_info) == MAX_FIELD_CHARS
    assert isinstance(error.code, str) and len(error.code) <= 100
    assert len(error.errors) == 21
    assert error.errors[-1] == "… and 30 more"
    assert all(len(item) <= MAX_FIELD_CHARS for item in error.errors)


# --------------------------------------------------------------------------------------------
# Retries always pause


async def test_retry_after_zero_still_pauses(clock: FakeClock) -> None:
    limited = httpx.Response(429, content=b"", headers={"Retry-After": "0"})
    recorder = Recorder(limited, limited, ok())
    sent: list[float] = []

    def spy(request: httpx.Request) -> httpx.Response:
        sent.append(clock.monotonic())
        return ok()

    recorder.answers[2] = spy
    start = clock.monotonic()
    async with make_client(recorder, clock=clock) as client:
        await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert sent[0] - start >= 2 * RetryPolicy().min_pause
    assert all(pause >= RetryPolicy().min_pause for pause in clock.sleeps)


async def test_retry_after_zero_holds_the_shared_gate_too(clock: FakeClock) -> None:
    gate = RateGate(clock)
    once = RetryPolicy(attempts=1)
    limited = Recorder(httpx.Response(429, content=b"", headers={"Retry-After": "0"}))
    async with make_client(limited, clock=clock, gate=gate, retry=once) as client:
        with pytest.raises(RateLimitedError):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM)
    assert gate.remaining() >= once.min_pause


async def test_a_gate_closed_while_a_request_settles_still_bounds_it(clock: FakeClock) -> None:
    gate = RateGate(clock)
    recorder = Recorder(ok())

    async def close_the_gate() -> None:
        await asyncio.sleep(0)  # while the client yields its settle turns
        gate.hold_for(100)

    async with make_client(recorder, clock=clock, gate=gate) as client:
        closer = asyncio.create_task(close_the_gate())
        with pytest.raises(RateLimitedError, match="longer than the time left"):
            await client.stop_stream(ACCOUNT, CONFERENCE, STREAM, timeout=5)
        await closer
    assert recorder.requests == []
    assert sum(clock.sleeps) < 5


@pytest.mark.parametrize(
    "value",
    [
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Sat, 01 Jan 0000 00:00:00 GMT",
        "Mon, 01 Jan 0001 00:00:00 +2359",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "9" * 400,
        "1e308",
    ],
)
def test_parse_retry_after_out_of_range(value: str) -> None:
    result = parse_retry_after(value, now=1_700_000_000.0)
    assert result is None or 0 <= result <= api.MAX_RETRY_AFTER


# --------------------------------------------------------------------------------------------
# Paging stays in the account's own conferences, and ends


@pytest.mark.parametrize(
    "next_uri",
    [
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/../../../../../evil",
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/%2e%2e/%2E%2e/evil",
        f"{PREFIX}/Accounts/{ACCOUNT}/./Conferences",
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/%2e",
        f"{PREFIX}/Accounts/3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f/Conferences?Page=1",
        f"{BASE}{PREFIX}/Accounts/3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f/Conferences.json",
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences/{CONFERENCE}",
        f"{PREFIX}/Accounts/{ACCOUNT}/Calls?Page=1",
        f"{PREFIX}/Accounts/{ACCOUNT}%2FConferences",
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page=1\r\nX: y",
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page=1 2",
        f"{PREFIX}\\Accounts\\{ACCOUNT}\\Conferences",
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?" + "x" * 5000,
        12345,
    ],
)
async def test_next_page_outside_the_accounts_conferences_is_refused(next_uri: object) -> None:
    recorder = Recorder(
        httpx.Response(200, json=conference_page(["a1"], next_uri)),  # type: ignore[arg-type]
        httpx.Response(200, json=conference_page(["never"], None)),
    )
    async with make_client(recorder) as client:
        with pytest.raises(UnexpectedResponse, match="next_page_uri"):
            async for _ in client.conference_pages(ACCOUNT):
                pass
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "next_uri",
    [
        f"{PREFIX}/Accounts/{ACCOUNT}/Conferences.json?Page=1&PageToken=PA1",
        f"{PREFIX}/Accounts/{ACCOUNT.upper()}/Conferences?Page=1",
        f"{BASE}{PREFIX}/Accounts/{ACCOUNT}/Conferences.json?Page=1",
    ],
)
async def test_next_page_in_the_accounts_conferences_is_followed(next_uri: str) -> None:
    recorder = Recorder(
        httpx.Response(200, json=conference_page(["a1"], next_uri)),
        httpx.Response(200, json={**conference_page(["a2"], None), "start": 1, "end": 1}),
    )
    async with make_client(recorder) as client:
        sids = [c.sid async for c in client.list_conferences(ACCOUNT)]
    assert sids == ["a1", "a2"]
    assert str(recorder.requests[1].url).endswith(next_uri.removeprefix(BASE))


async def test_paging_stops_with_a_clear_error_after_the_page_limit() -> None:
    served: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        served.append(1)
        uri = f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page={len(served)}"
        return httpx.Response(200, json=conference_page([f"c{len(served)}"], uri))

    async with make_client(Recorder(endless)) as client:
        with pytest.raises(UnexpectedResponse, match=f"more than {MAX_PAGES} pages"):
            async for _ in client.conference_pages(ACCOUNT):
                assert len(served) <= MAX_PAGES
    assert len(served) == MAX_PAGES


async def test_one_deadline_bounds_every_page_of_a_listing(clock: FakeClock) -> None:
    def slow_page(request: httpx.Request) -> httpx.Response:
        clock.advance(4)  # each page takes four (fake) seconds
        uri = f"{PREFIX}/Accounts/{ACCOUNT}/Conferences?Page={clock.monotonic()}"
        return httpx.Response(200, json=conference_page(["c"], uri))

    pages = 0
    async with make_client(Recorder(slow_page), clock=clock) as client:
        with pytest.raises(DeadlineExceeded):
            async for _ in client.conference_pages(ACCOUNT, timeout=10):
                pages += 1
    assert pages == 3
