"""The shared rate gate holds every request up to the moment its bytes are written.

Between the client's gate check and the socket lie the connection pool, perhaps a new connection,
and several turns of the event loop; on a busy machine that takes tens of milliseconds, in which
another request's 429 may come back. A request must not go out after the client has read that
429: the emulator counts it as a Retry-After violation, and its arrival time proves it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from streamtui.api import RetryEvent, SignalWireClient
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    Emulator,
    Fault,
    Stream,
)

RETRY_AFTER = 1.0


class SlowToTheWire(httpx.AsyncBaseTransport):
    """The real transport, with the way to the socket held open for one request until `go`."""

    def __init__(self, held_path: str, go: asyncio.Event) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.held_path = held_path
        self.go = go
        self.limited_head_read = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(self.held_path):
            await self.go.wait()  # past the client's gate check, not yet at the socket
        response = await self.inner.handle_async_request(request)
        if response.status_code == 429:
            # The 429's head has been read; a busy loop has not yet handled it.
            self.limited_head_read.set()
            await asyncio.sleep(0.05)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def streams(emulator: Emulator) -> Iterator[tuple[Stream, Stream]]:
    first, second = emulator.add_streams(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, 2)
    emulator.faults.queue(Fault.rate_limited(RETRY_AFTER))  # the first stop is answered 429
    yield first, second


async def stop_both(emulator: Emulator, first: Stream, second: Stream, *, when: str) -> None:
    """Stop `first` (answered 429), and `second` once its request is on its way to the socket:
    released `when` the 429's head was read, or when the client had handled the 429."""
    go = asyncio.Event()
    transport = SlowToTheWire(second.sid, go)

    def handled(event: RetryEvent) -> None:
        if when == "handled":
            go.set()

    async def release_on_head() -> None:
        await transport.limited_head_read.wait()
        if when == "head read":
            go.set()

    async with SignalWireClient(
        base_url=emulator.base_url,
        project_id=DEMO_PROJECT_ID,
        token=DEMO_API_TOKEN,
        transport=transport,
        on_retry=handled,
        timeout=10,
    ) as client:
        watcher = asyncio.create_task(release_on_head())
        stopping_first = asyncio.create_task(
            client.stop_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, first.sid)
        )
        await asyncio.sleep(0)  # the first request is sent first
        results = await asyncio.gather(
            stopping_first,
            client.stop_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, second.sid),
        )
        watcher.cancel()
    assert [result.status for result in results] == ["stopped", "stopped"]


@pytest.mark.parametrize("when", ["head read", "handled"])
async def test_a_request_on_its_way_waits_for_a_429_read_meanwhile(
    emulator: Emulator, streams: tuple[Stream, Stream], when: str
) -> None:
    first, second = streams

    await stop_both(emulator, first, second, when=when)

    [limited] = [r for r in emulator.requests if r.response_status == 429]
    [held] = [r for r in emulator.requests if r.path.endswith(second.sid)]
    assert emulator.retry_after_violations == 0
    assert held.time - limited.time >= RETRY_AFTER, "sent before Retry-After had passed"
