"""Create Conference Stream is not idempotent: only attempts that surely did nothing are retried,
and a retry refused because the Name is taken says the first attempt created the stream."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from streamtui.credentials import Credentials
from streamtui.errors import CreatedByEarlierAttempt, NetworkError, RejectedError, ServerError
from streamtui.flows import stop as stop_flow
from streamtui.flows.start import StartRequest, start_one
from streamtui.history import HistoryLog
from streamtui.secret import Secret
from streamtui.stream_definition import StreamDefinition
from tests.support.clock import FakeClock
from tests.unit.test_api import ACCOUNT, CONFERENCE, PROJECT, TOKEN, Recorder, clock, make_client

__all__ = ["clock"]  # the fixture, used by name
NEW_SID = "8f0c1a52-3f49-4c8e-9a0b-5d2e7c1b4a63"
CREATED = {
    "account_sid": ACCOUNT,
    "conference_sid": CONFERENCE,
    "date_updated": "Tue, 25 Sep 2018 23:00:00 +0000",
    "name": "feed",
    "sid": NEW_SID,
    "status": "in-progress",
    "uri": f"/Streams/{NEW_SID}",
}
TAKEN = httpx.Response(
    422,
    json={"code": 422, "message": "Validation failed", "errors": ["Name has already been taken"]},
)
DEFINITION = StreamDefinition(url="wss://media.example.com/feed", track="both_tracks")


async def test_connect_error_is_retried_then_created(clock: FakeClock) -> None:
    recorder = Recorder(httpx.ConnectError("refused"), httpx.Response(200, json=CREATED))
    async with make_client(recorder, clock=clock) as client:
        result = await client.create_stream(ACCOUNT, CONFERENCE, DEFINITION, name="feed")
    assert result.sid == NEW_SID
    assert len(recorder.requests) == 2
    assert (
        recorder.requests[0].content
        == b"Url=wss%3A%2F%2Fmedia.example.com%2Ffeed&Name=feed&Track=both_tracks"
    )


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(503, json={"code": 503, "message": "busy", "status": 503}),
        httpx.ReadError("connection reset"),
        httpx.ReadTimeout("slow"),
    ],
    ids=["503", "read-error", "read-timeout"],
)
async def test_what_may_have_been_sent_is_not_retried(clock: FakeClock, failure: object) -> None:
    recorder = Recorder(failure, httpx.Response(200, json=CREATED))
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises((ServerError, NetworkError)):
            await client.create_stream(ACCOUNT, CONFERENCE, DEFINITION, name="feed")
    assert len(recorder.requests) == 1


async def test_taken_after_a_retry_means_the_first_attempt_worked(clock: FakeClock) -> None:
    recorder = Recorder(httpx.ConnectError("refused"), TAKEN)
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(CreatedByEarlierAttempt) as caught:
            await client.create_stream(ACCOUNT, CONFERENCE, DEFINITION, name="feed")
    assert caught.value.exit_code == 0
    assert "created by the first attempt" in caught.value.message


async def test_taken_at_the_first_attempt_is_a_rejection(clock: FakeClock) -> None:
    recorder = Recorder(TAKEN)
    async with make_client(recorder, clock=clock) as client:
        with pytest.raises(RejectedError) as caught:
            await client.create_stream(ACCOUNT, CONFERENCE, DEFINITION, name="feed")
    assert type(caught.value) is RejectedError
    assert caught.value.exit_code == 5


def audit_log(tmp_path: Path, clock: FakeClock) -> tuple[HistoryLog, stop_flow.Recorder]:
    log = HistoryLog(tmp_path / "state" / "history.jsonl")
    creds = Credentials("https://acme.signalwire.com", PROJECT, Secret(TOKEN), space="acme")
    return log, stop_flow.Recorder(creds, log, clock=clock)


async def test_a_start_is_recorded_once_timed_and_stamped_on_the_clock_it_is_given(
    clock: FakeClock, tmp_path: Path
) -> None:
    def slow_create(request: httpx.Request) -> httpx.Response:
        clock.advance(1.25)
        return httpx.Response(200, json=CREATED)

    log, audit = audit_log(tmp_path, clock)
    request = StartRequest(ACCOUNT, CONFERENCE, DEFINITION, name="feed")
    async with make_client(Recorder(slow_create), clock=clock) as client:
        report = await start_one(client, request, audit, clock=clock)

    assert report.duration == 1.25
    [record] = log.read()
    assert (record["outcome"], record["stream"]) == ("started", NEW_SID)
    assert record["duration_ms"] == 1250
    assert record["time"] == "2023-11-14T22:13:21.250Z"  # the fake clock's, after the request


async def test_a_start_cut_short_once_sent_is_recorded_once_as_interrupted(
    clock: FakeClock, tmp_path: Path
) -> None:
    def cut_short(request: httpx.Request) -> httpx.Response:
        clock.advance(0.5)
        raise asyncio.CancelledError  # as quitting the TUI cancels the worker

    log, audit = audit_log(tmp_path, clock)
    request = StartRequest(ACCOUNT, CONFERENCE, DEFINITION, name="feed")
    async with make_client(Recorder(cut_short), clock=clock) as client:
        with pytest.raises(asyncio.CancelledError):
            await start_one(client, request, audit, clock=clock)

    [record] = log.read()
    assert record["outcome"] == "interrupted"
    assert record["duration_ms"] == 500
