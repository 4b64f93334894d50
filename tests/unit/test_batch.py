"""Unit tests of streamtui.flows.stop (Batch, StopReport, worst_exit_code) over httpx.MockTransport.

The transport's handler is a small fake API: it sleeps (asyncio) to keep requests in flight, counts
how many are in flight at once, timestamps every request, and answers per stream from a script.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamtui.api import RetryPolicy, SignalWireClient
from streamtui.errors import (
    AuthenticationError,
    DeadlineExceeded,
    InvalidInput,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    StreamTuiError,
    UnconfirmedStop,
    UnreadableResponse,
)
from streamtui.flows.stop import (
    BATCH_RETRY,
    DEFAULT_CONCURRENCY,
    MAX_CONCURRENCY,
    Batch,
    worst_exit_code,
)
from streamtui.outcome import Outcome, StopReport
from streamtui.target import StopTarget
from streamtui.validation import validate_stream
from tests.support.clock import FakeClock

QUEUED, STOPPING = "queued", "stopping"
STOPPED, FAILED, CANCELLED = Outcome.STOPPED, Outcome.FAILED, Outcome.CANCELLED
UNCONFIRMED = Outcome.UNCONFIRMED

BASE = "https://acme.signalwire.com"
PROJECT = "9d3c5f0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"
TOKEN = "PTabcdef0123456789secret"
CONFERENCE = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
# Quick backoff for 5xx, everything else as the batch uses it (20 attempts for 429s).
FAST_RETRY = replace(BATCH_RETRY, backoff_base=0.01, backoff_max=0.02)

Answer = Callable[[str, int], httpx.Response]


def stopped(stream: str, attempt: int = 1) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "account_sid": PROJECT,
            "conference_sid": CONFERENCE,
            "name": stream,
            "sid": stream,
            "status": "stopped",
        },
    )


def error(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        json={"code": 20000 + status, "message": f"HTTP {status}", "status": status},
        headers=headers,
    )


async def wire_event(request: httpx.Request, event: str, info: dict[str, Any]) -> None:
    """Tell the client's trace hook (httpcore's "trace" extension) of `event`, as httpcore does."""
    trace = request.extensions.get("trace")
    if trace is not None:
        await trace(event, info)


class FakeApi:
    """The transport's handler: `answer(stream, attempt)` decides; `delay` keeps it in flight.

    httpx's MockTransport skips httpcore, so the fake calls the client's trace hook where
    httpcore would: before the request's head is written, and once the answer's head is read.
    The client's rate gate is checked at the wire, as it is over a socket, so `calls` are the
    moments requests went out and `answered` the moments their answers were read."""

    def __init__(self, answer: Answer = stopped, *, delay: float = 0.0) -> None:
        self.answer = answer
        self.delay = delay
        self.calls: list[tuple[str, float]] = []  # (stream, time the request reached us)
        self.answered: list[tuple[str, int, float]] = []  # (stream, status, time answered)
        self.in_flight = 0
        self.max_in_flight = 0
        self.events: list[tuple[str, str]] = []  # shared with on_update in some tests

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        stream = unquote(request.url.raw_path.decode().rsplit("/", 1)[1])
        assert request.method == "POST"
        assert request.content == b"Status=stopped"
        await wire_event(request, "http11.send_request_headers.started", {})
        self.calls.append((stream, time.monotonic()))
        self.events.append(("request", stream))
        attempt = sum(1 for name, _ in self.calls if name == stream)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            response = self.answer(stream, attempt)
        finally:
            self.in_flight -= 1
        self.answered.append((stream, response.status_code, time.monotonic()))
        head = (b"HTTP/1.1", response.status_code, b"", response.headers.raw)
        info = {"return_value": head}
        await wire_event(request, "http11.receive_response_headers.complete", info)
        return response

    def requests_for(self, stream: str) -> int:
        return sum(1 for name, _ in self.calls if name == stream)


def client_for(api: FakeApi, retry: RetryPolicy = FAST_RETRY) -> SignalWireClient:
    return SignalWireClient(
        base_url=BASE,
        project_id=PROJECT,
        token=TOKEN,
        retry=retry,
        transport=httpx.MockTransport(api),
    )


def targets(*names: str) -> list[StopTarget]:
    return [StopTarget(PROJECT, CONFERENCE, validate_stream(name)) for name in names]


def numbered(count: int, prefix: str = "s") -> list[str]:
    return [f"{prefix}-{number:03d}" for number in range(count)]


async def run_batch(
    api: FakeApi, names: Sequence[str], retry: RetryPolicy = FAST_RETRY, **kwargs: Any
) -> Batch:
    batch = Batch(targets(*names), **kwargs)
    async with client_for(api, retry) as client:
        items = await batch.run(client)
    assert items is batch.reports
    return batch


# --------------------------------------------------------------------------------------------
# Concurrency


@pytest.mark.parametrize("concurrency", [1, 4, 16])
async def test_concurrency_is_bounded_and_used(concurrency: int) -> None:
    api = FakeApi(delay=0.03)
    names = numbered(2 * concurrency + 3)

    batch = await run_batch(api, names, concurrency=concurrency)

    assert api.max_in_flight == concurrency
    assert sorted(name for name, _ in api.calls) == names  # each stream exactly once
    assert [item.state for item in batch.reports] == [STOPPED] * len(names)
    assert [item.result.name if item.result else None for item in batch.reports] == names
    assert worst_exit_code(batch.reports) == 0


async def test_fewer_streams_than_workers() -> None:
    api = FakeApi(delay=0.02)
    batch = await run_batch(api, ["a", "b"], concurrency=16)
    assert api.max_in_flight == 2
    assert [item.state for item in batch.reports] == [STOPPED, STOPPED]


async def test_an_empty_batch_sends_nothing() -> None:
    api = FakeApi()
    batch = await run_batch(api, [])
    assert batch.reports == []
    assert api.calls == []
    assert worst_exit_code(batch.reports) == 0


@pytest.mark.parametrize("concurrency", [0, -1, MAX_CONCURRENCY + 1, 17, 1000])
def test_invalid_concurrency_is_refused(concurrency: int) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        Batch(targets("a"), concurrency=concurrency)


@pytest.mark.parametrize("concurrency", [1, MAX_CONCURRENCY])
def test_concurrency_limits_are_inclusive(concurrency: int) -> None:
    assert Batch(targets("a"), concurrency=concurrency).concurrency == concurrency


def test_defaults() -> None:
    assert DEFAULT_CONCURRENCY == 4
    assert MAX_CONCURRENCY == 16
    batch = Batch(targets("a", "b"))
    assert batch.concurrency == DEFAULT_CONCURRENCY
    assert [item.state for item in batch.reports] == [QUEUED, QUEUED]


# --------------------------------------------------------------------------------------------
# Outcomes


def scripted(stream: str, attempt: int) -> httpx.Response:
    answers: dict[str, Callable[[], httpx.Response]] = {
        "gone": lambda: error(404),
        "denied": lambda: error(401),
        "forbidden": lambda: error(403),
        "bad": lambda: httpx.Response(422, json={"errors": ["Status is invalid"]}),
        "down": lambda: error(503),
        "garbage": lambda: httpx.Response(200, content=b"<html>oops</html>"),
        "flaky-once": lambda: error(502) if attempt == 1 else stopped(stream),
    }
    return answers.get(stream, lambda: stopped(stream))()


@pytest.mark.parametrize(
    ("stream", "cls", "exit_code", "attempts"),
    [
        ("gone", NotFoundError, 4, 1),
        ("denied", AuthenticationError, 3, 1),
        ("forbidden", AuthenticationError, 3, 1),
        ("bad", RejectedError, 5, 1),
        ("down", ServerError, 6, 3),
        ("garbage", UnreadableResponse, 6, 1),
    ],
)
async def test_a_failure_among_good_streams(
    stream: str, cls: type[StreamTuiError], exit_code: int, attempts: int
) -> None:
    api = FakeApi(scripted, delay=0.005)
    batch = await run_batch(api, ["ok-1", stream, "ok-2", "flaky-once"], concurrency=2)

    good, failed, good2, flaky = batch.reports
    for item in (good, good2, flaky):
        assert item.state == STOPPED
        assert item.error is None
        assert item.result is not None and item.result.status == "stopped"
        assert item.exit_code == 0
    assert failed.state == FAILED
    assert failed.result is None
    assert type(failed.error) is cls
    assert failed.exit_code == exit_code
    assert getattr(failed.error, "attempts", None) == attempts
    assert api.requests_for(stream) == attempts
    assert api.requests_for("flaky-once") == 2
    assert worst_exit_code(batch.reports) == exit_code
    for item in batch.reports:
        assert item.started > 0
        assert item.duration > 0


async def test_on_update_sees_each_item_go_queued_stopping_then_done() -> None:
    api = FakeApi(scripted, delay=0.01)
    names = ["a", "gone", "b", "c", "down", "d", "e"]
    seen: dict[int, list[str]] = {index: [] for index in range(len(names))}
    batch = Batch(targets(*names), concurrency=3)

    def on_update(index: int, item: StopReport) -> None:
        assert item is batch.reports[index]
        seen[index].append(item.state)
        api.events.append((item.state, item.target.stream.value))

    batch.on_update = on_update
    assert [item.state for item in batch.reports] == [QUEUED] * len(names)
    async with client_for(api) as client:
        await batch.run(client)

    expected_end = {"gone": FAILED, "down": FAILED}
    for index, name in enumerate(names):
        assert seen[index] == [STOPPING, expected_end.get(name, STOPPED)], (name, seen[index])
        # the item was "stopping" before its first request went out, and done after the last
        positions = [n for n, (_, stream) in enumerate(api.events) if stream == name]
        kinds = [api.events[n][0] for n in positions]
        assert kinds[0] == STOPPING
        assert kinds[-1] == expected_end.get(name, STOPPED)
        assert set(kinds[1:-1]) == {"request"}


# --------------------------------------------------------------------------------------------
# Cancelling


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


async def test_cancel_lets_started_requests_finish_and_never_starts_queued_ones() -> None:
    api = FakeApi(delay=0.2)
    names = numbered(10)
    updates: list[tuple[int, str]] = []
    batch = Batch(
        targets(*names),
        concurrency=3,
        on_update=lambda index, item: updates.append((index, item.state)),
    )
    async with client_for(api) as client:
        task = asyncio.create_task(batch.run(client))
        await wait_until(lambda: len(api.calls) == 3)
        batch.cancel()
        items = await task

    assert batch.cancelled
    assert sorted(name for name, _ in api.calls) == names[:3]
    assert len(api.answered) == 3  # the three started requests ran to their end
    assert [item.state for item in items[:3]] == [STOPPED] * 3
    assert [item.state for item in items[3:]] == [CANCELLED] * 7
    for item in items[3:]:
        assert item.result is None
        assert item.started == 0.0
        assert item.exit_code == 130
    assert worst_exit_code(items) == 130
    # each queued item is reported once, as cancelled, and never as stopping
    for index in range(3, 10):
        assert [state for number, state in updates if number == index] == [CANCELLED]


async def test_cancel_from_on_update_stops_what_is_queued() -> None:
    api = FakeApi(delay=0.01)
    names = numbered(8)
    batch = Batch(targets(*names), concurrency=1)

    def on_update(index: int, item: StopReport) -> None:
        if item.state == STOPPED and index == 1:
            batch.cancel()

    batch.on_update = on_update
    async with client_for(api) as client:
        await batch.run(client)
    assert [name for name, _ in api.calls] == names[:2]
    assert [item.state for item in batch.reports] == [STOPPED] * 2 + [CANCELLED] * 6


async def test_cancelling_the_run_task_sends_nothing_more() -> None:
    api = FakeApi(delay=0.2)
    batch = Batch(targets(*numbered(10)), concurrency=2)
    async with client_for(api) as client:
        task = asyncio.create_task(batch.run(client))
        await wait_until(lambda: len(api.calls) == 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.3)
    assert batch.cancelled
    assert len(api.calls) == 2
    assert not any(item.state == STOPPED for item in batch.reports)


# --------------------------------------------------------------------------------------------
# The batch's timeout


async def test_items_not_started_before_the_timeout_fail_with_deadline_exceeded() -> None:
    api = FakeApi(delay=0.25)
    names = numbered(5)
    started = time.monotonic()

    batch = await run_batch(api, names, concurrency=1, timeout=0.4)

    elapsed = time.monotonic() - started
    assert elapsed < 1.0
    first, second, *rest = batch.reports
    assert first.state == STOPPED
    # started with 0.15 s left: its own request is cut off by the batch's deadline
    assert second.state == FAILED
    assert isinstance(second.error, DeadlineExceeded)
    assert [name for name, _ in api.calls] == names[:2]
    for item in rest:
        assert item.state == FAILED
        assert type(item.error) is DeadlineExceeded
        assert item.error.attempts == 0
        assert "Not started" in item.error.message
        assert item.exit_code == 6
        assert item.started == 0.0
    assert worst_exit_code(batch.reports) == 6


async def test_the_batch_times_its_stops_and_its_deadline_on_the_clock_it_is_given() -> None:
    clock = FakeClock()

    def slow(stream: str, attempt: int) -> httpx.Response:
        clock.advance(2.5)  # each stop takes two and a half seconds, by the batch's clock
        return stopped(stream, attempt)

    batch = await run_batch(FakeApi(slow), numbered(3), concurrency=1, timeout=4, clock=clock)

    first, second, third = batch.reports
    assert (first.state, first.duration) == (STOPPED, 2.5)
    assert (second.state, second.duration) == (STOPPED, 2.5)  # started with 1.5 s left
    assert third.state == FAILED and isinstance(third.error, DeadlineExceeded)
    assert "Not started" in third.error.message


async def test_with_parallel_workers_the_timeout_is_shared() -> None:
    api = FakeApi(delay=0.3)
    batch = await run_batch(api, numbered(8), concurrency=4, timeout=0.15)
    assert len(api.calls) == 4
    assert all(item.state == FAILED for item in batch.reports)
    assert all(isinstance(item.error, NetworkError) for item in batch.reports)
    assert [item.error.attempts for item in batch.reports[4:] if item.error] == [0] * 4


# --------------------------------------------------------------------------------------------
# worst_exit_code

SEVERITY_ORDER = (130, 6, 2, 3, 4, 5, 0)  # worst first
ERROR_FOR_CODE: dict[int, Callable[[], StreamTuiError]] = {
    2: lambda: InvalidInput("bad"),
    3: lambda: AuthenticationError("no", status=401),
    4: lambda: NotFoundError("gone", status=404),
    5: lambda: RejectedError("no", status=422),
    6: lambda: ServerError("down", status=503),
}


def item_with_code(code: int) -> StopReport:
    item = StopReport(targets("x")[0])
    if code == 0:
        item.outcome = STOPPED
    elif code == 130:
        item.outcome = CANCELLED
    else:
        item.outcome = FAILED
        item.error = ERROR_FOR_CODE[code]()
    assert item.exit_code == code
    return item


@given(st.lists(st.sampled_from(SEVERITY_ORDER), max_size=30))
def test_worst_exit_code_orders_outcomes(codes: list[int]) -> None:
    items = [item_with_code(code) for code in codes]
    expected = min(codes, key=SEVERITY_ORDER.index) if codes else 0
    assert worst_exit_code(items) == expected
    assert worst_exit_code(list(reversed(items))) == expected


@pytest.mark.parametrize(
    ("worse", "better"),
    [
        (SEVERITY_ORDER[n], SEVERITY_ORDER[m])
        for n in range(len(SEVERITY_ORDER))
        for m in range(n + 1, len(SEVERITY_ORDER))
    ],
)
def test_worst_exit_code_pairwise(worse: int, better: int) -> None:
    pair = [item_with_code(worse), item_with_code(better)]
    assert worst_exit_code(pair) == worse
    assert worst_exit_code(pair[::-1]) == worse


@pytest.mark.parametrize(
    "error",
    [
        NetworkError("refused"),
        DeadlineExceeded("late"),
        RateLimitedError("slow down", status=429),
        UnreadableResponse("html"),
    ],
)
def test_every_kind_of_unknown_state_counts_as_6(error: StreamTuiError) -> None:
    item = StopReport(targets("x")[0], outcome=FAILED, error=error)
    assert item.exit_code == 6
    assert worst_exit_code([item_with_code(2), item, item_with_code(4)]) == 6


# --------------------------------------------------------------------------------------------
# One shared backoff


async def test_a_429_holds_every_worker_until_retry_after_has_passed() -> None:
    retry_after = 0.3

    def answer(stream: str, attempt: int) -> httpx.Response:
        if stream == "s-005" and attempt == 1:
            return error(429, **{"Retry-After": str(retry_after)})
        return stopped(stream)

    api = FakeApi(answer, delay=0.05)
    names = numbered(24)
    batch = await run_batch(api, names, concurrency=4)

    assert [item.state for item in batch.reports] == [STOPPED] * len(names)
    [limited_at] = [at for stream, status, at in api.answered if status == 429]
    later = [(stream, at) for stream, at in api.calls if at > limited_at]
    assert later, "nothing was sent after the 429"
    early = [(stream, round(at - limited_at, 4)) for stream, at in later]
    assert all(at >= limited_at + retry_after for _, at in later), early
    # the rate-limited stream came back, once, after the pause
    retries = [at for stream, at in later if stream == "s-005"]
    assert len(retries) == 1
    assert api.requests_for("s-005") == 2


async def test_every_worker_waits_for_the_latest_of_several_retry_afters() -> None:
    """The longer Retry-After is read first: a shorter one read after it must not shorten the
    hold. Nothing goes out after the 429s were read until the longer one has passed."""
    retry_after = {"s-002": 0.35, "s-003": 0.2}

    def answer(stream: str, attempt: int) -> httpx.Response:
        if stream in retry_after and attempt == 1:
            return error(429, **{"Retry-After": str(retry_after[stream])})
        return stopped(stream)

    api = FakeApi(answer, delay=0.03)
    batch = await run_batch(api, numbered(12), concurrency=4)
    assert all(item.state == STOPPED for item in batch.reports)
    limits = {stream: at for stream, status, at in api.answered if status == 429}
    assert set(limits) == set(retry_after)
    opens = max(at + retry_after[stream] for stream, at in limits.items())
    after = [at for _, at in api.calls if at > max(limits.values())]
    assert after
    assert min(after) >= opens


async def test_rate_limited_attempts_let_a_429_stream_stop_while_503_gives_up_after_3() -> None:
    assert BATCH_RETRY.attempts == 3
    assert BATCH_RETRY.rate_limited_attempts is not None
    assert BATCH_RETRY.rate_limited_attempts > 5

    def answer(stream: str, attempt: int) -> httpx.Response:
        if stream == "limited" and attempt <= 5:
            return error(429, **{"Retry-After": "0.01"})
        if stream == "down":
            return error(503)
        return stopped(stream)

    api = FakeApi(answer)
    batch = await run_batch(api, ["limited", "down", "fine"], concurrency=2)

    limited, down, fine = batch.reports
    assert limited.state == STOPPED
    assert api.requests_for("limited") == 6
    assert down.state == FAILED
    assert type(down.error) is ServerError
    assert down.error.attempts == 3
    assert api.requests_for("down") == 3
    assert fine.state == STOPPED
    assert worst_exit_code(batch.reports) == 6


async def test_without_the_budget_five_429s_in_a_row_fail() -> None:
    def answer(stream: str, attempt: int) -> httpx.Response:
        return error(429, **{"Retry-After": "0"}) if attempt <= 5 else stopped(stream)

    api = FakeApi(answer)
    batch = await run_batch(api, ["limited"], RetryPolicy(backoff_base=0.01), concurrency=1)
    [item] = batch.reports
    assert item.state == FAILED
    assert type(item.error) is RateLimitedError
    assert api.requests_for("limited") == 3


async def test_a_stream_rate_limited_forever_gives_up_after_the_budget() -> None:
    api = FakeApi(lambda stream, attempt: error(429, **{"Retry-After": "0"}))
    batch = await run_batch(api, ["limited"], concurrency=1)
    [item] = batch.reports
    assert item.state == FAILED
    assert type(item.error) is RateLimitedError
    assert item.exit_code == 6
    assert api.requests_for("limited") == BATCH_RETRY.rate_limited_attempts


async def test_429s_do_not_use_up_the_attempts_of_other_failures() -> None:
    sequence = [503, 429, 429, 503, 429, 200]

    def answer(stream: str, attempt: int) -> httpx.Response:
        status = sequence[attempt - 1]
        if status == 200:
            return stopped(stream)
        return error(status, **({"Retry-After": "0"} if status == 429 else {}))

    api = FakeApi(answer)
    batch = await run_batch(api, ["mixed"], concurrency=1)
    assert batch.reports[0].state == STOPPED
    assert api.requests_for("mixed") == len(sequence)


# --------------------------------------------------------------------------------------------
# A 200 that does not confirm the stop (issue 10)


async def test_an_unconfirmed_stop_is_its_own_outcome_and_the_worst_news() -> None:
    def answer(stream: str, attempt: int) -> httpx.Response:
        if stream == "still-running":
            return httpx.Response(200, json={"name": stream, "status": "in-progress"})
        return stopped(stream)

    batch = await run_batch(FakeApi(answer), ["fine", "still-running"])
    fine, running = batch.reports
    assert (fine.state, fine.outcome, fine.exit_code) == (STOPPED, STOPPED, 0)
    assert (running.state, running.outcome, running.exit_code) == (UNCONFIRMED, UNCONFIRMED, 6)
    assert isinstance(running.error, UnconfirmedStop)
    assert running.result is None
    assert "in-progress" in running.error.message
    assert worst_exit_code(batch.reports) == 6


def test_outcome_of_other_failures_is_their_state() -> None:
    item = StopReport(targets("x")[0], outcome=FAILED, error=ServerError("boom", status=503))
    assert item.outcome == FAILED
    assert StopReport(targets("x")[0], outcome=CANCELLED).outcome == CANCELLED
