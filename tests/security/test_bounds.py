"""Findings 7 to 11 of "Hold under attack", and "a stop is confirmed, not assumed" (issue 10).

Each test runs streamtui against a hostile server on 127.0.0.1 (tests/support/hostile.py): one that
drips its answer a byte at a time, never ends its body, sends a gzip bomb or a 100 MB field,
answers 429 with `Retry-After: 0`, pages into `..`, another account or forever, sends dates out of
range, or answers 200 without confirming the stop. The bounds asserted are the contract's: the
--timeout plus a margin for a slow machine, never a speed.
"""

from __future__ import annotations

import gzip
import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from streamtui.api import MAX_BODY_BYTES, MAX_PAGES, SignalWireClient
from streamtui.errors import DeadlineExceeded, UnexpectedResponse
from streamtui.models import MAX_FIELD_CHARS
from tests.support.cli import timed_streamtui
from tests.support.hostile import Conn, HostileServer, Request, drip, head, response

TOKEN = "PTboundstoken0123456789abcdef"
PROJECT = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
OTHER_ACCOUNT = "9f8e7d6c-5b4a-4938-8271-6a5b4c3d2e1f"
CONFERENCE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
STREAM = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
PREFIX = "/api/laml/2010-04-01"
CONFERENCES = f"{PREFIX}/Accounts/{PROJECT}/Conferences"
TIMEOUT = 2  # several of the servers' 0.3 s drips fit in it: only a deadline ends them
# How long past --timeout a bounded command may take on a busy 2-core machine: the history write,
# and the last read being cut (start-up is not counted: see `timed_streamtui`).
MARGIN = 6.0


def stream_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "account_sid": PROJECT,
        "conference_sid": CONFERENCE,
        "date_updated": "Tue, 01 Sep 2026 10:00:00 +0000",
        "name": None,
        "sid": STREAM,
        "status": "stopped",
        "uri": f"{PREFIX}/Accounts/{PROJECT}/Conferences/{CONFERENCE}/Streams/{STREAM}.json",
    }
    body.update(changes)
    return body


def answer(status: int, body: Any, **headers: str) -> Callable[[Request, Conn], None]:
    def handler(request: Request, conn: Conn) -> None:
        conn.send(response(status, json.dumps(body).encode(), headers=headers))

    return handler


@pytest.fixture
def cli_env(isolated_env: dict[str, str]) -> dict[str, str]:
    return {**isolated_env, "SIGNALWIRE_PROJECT_ID": PROJECT, "SIGNALWIRE_API_TOKEN": TOKEN}


def stop(env: dict[str, str], base_url: str, *extra: str, timeout: float = TIMEOUT) -> Any:
    """`streamtui stop` of STREAM; returns the finished process and its time past start-up."""
    args = ["stop", "--base-url", base_url, "--conference", CONFERENCE, "--timeout", str(timeout)]
    if not any(arg == "--stream" for arg in extra):
        args += ["--stream", STREAM]
    return timed_streamtui([*args, *extra], env, timeout=timeout + MARGIN + 20, secrets=[TOKEN])


def history(env: dict[str, str]) -> list[dict[str, Any]]:
    path = Path(env["STREAMTUI_STATE_DIR"], "history.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


# --------------------------------------------------------------------------------------------
# 7. --timeout is a hard deadline, whatever the server does


def drip_body(request: Request, conn: Conn) -> None:
    body = json.dumps(stream_body()).encode()
    conn.send(head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))}))
    drip(conn, body, every=0.3)


def drip_headers(request: Request, conn: Conn) -> None:
    drip(conn, response(200, json.dumps(stream_body()).encode()), every=0.3)


@pytest.mark.parametrize("handler", [drip_body, drip_headers], ids=["body", "headers"])
def test_a_dripping_server_cannot_hold_a_single_stop_past_its_timeout(
    cli_env: dict[str, str], handler: Callable[[Request, Conn], None]
) -> None:
    with HostileServer(handler) as server:
        result, took = stop(cli_env, server.base_url)
    assert result.returncode == 6, result.stderr
    assert took < TIMEOUT + MARGIN, took
    assert f"within {TIMEOUT} s" in result.stderr
    assert history(cli_env)[-1]["stream"] == STREAM


def test_a_dripping_server_cannot_hold_a_batch_past_its_timeout(cli_env: dict[str, str]) -> None:
    other = "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"
    with HostileServer(drip_body) as server:
        result, took = stop(cli_env, server.base_url, "--stream", STREAM, "--stream", other)
    assert result.returncode == 6, result.stderr
    assert took < TIMEOUT + MARGIN, took


async def test_a_dripping_server_cannot_hold_a_listing_past_its_timeout() -> None:
    def drip_page(request: Request, conn: Conn) -> None:
        body = json.dumps({"conferences": [], "next_page_uri": None}).encode()
        conn.send(head(200, {"Content-Type": "application/json", "Content-Length": "100000"}))
        drip(conn, body * 100, every=0.3)

    started = time.monotonic()
    with HostileServer(drip_page) as server:
        async with SignalWireClient(
            base_url=server.base_url, project_id=PROJECT, token=TOKEN, timeout=TIMEOUT
        ) as client:
            with pytest.raises(DeadlineExceeded):
                async for _ in client.conference_pages(PROJECT):
                    pass
    assert time.monotonic() - started < TIMEOUT + MARGIN


# --------------------------------------------------------------------------------------------
# 8. Bodies and fields are bounded


def endless_chunked(request: Request, conn: Conn) -> None:
    conn.send(head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    chunk = b"[" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    for _ in range(4096):  # at most 256 MiB, and only while the client keeps reading
        if not conn.send(frame):
            return


def test_an_endless_body_is_cut_at_the_size_cap(cli_env: dict[str, str]) -> None:
    sent: list[int] = []

    def handler(request: Request, conn: Conn) -> None:
        endless_chunked(request, conn)
        sent.append(conn.sent)

    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, timeout=20)
    assert result.returncode == 6, result.stderr
    assert "too large" in result.stderr
    assert len(server.requests) == 1  # an oversized answer is not asked for again
    assert sent and sent[0] < MAX_BODY_BYTES + (16 << 20)  # the client hung up near the cap


def gzip_bomb() -> bytes:
    """A stop answer whose name is 16 MiB of 'A': about 16 KB on the wire."""
    prefix = json.dumps(stream_body())[:-1].encode() + b', "name": "'
    return gzip.compress(prefix + b"A" * (16 << 20) + b'"}', compresslevel=9)


def test_a_gzip_bomb_is_cut_at_the_decompressed_size_cap(cli_env: dict[str, str]) -> None:
    bomb = gzip_bomb()
    assert len(bomb) < 1 << 20

    def handler(request: Request, conn: Conn) -> None:
        conn.send(response(200, bomb, headers={"Content-Encoding": "gzip"}))

    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, "--json")
    assert result.returncode == 6, result.stderr
    assert "too large" in result.stderr
    assert len(result.stdout) + len(result.stderr) < 10_000


def test_a_100_mb_field_is_refused_without_being_held(cli_env: dict[str, str]) -> None:
    size = 100 << 20

    def handler(request: Request, conn: Conn) -> None:
        start = json.dumps(stream_body())[:-1].encode() + b', "name": "'
        total = len(start) + size + 2
        conn.send(head(200, {"Content-Type": "application/json", "Content-Length": str(total)}))
        if not conn.send(start):
            return
        piece = b"A" * (1 << 20)
        for _ in range(size >> 20):  # generated as it goes: never held whole by the test
            if not conn.send(piece):
                return
        conn.send(b'"}')

    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, timeout=20)
    assert result.returncode == 6, result.stderr
    assert "too large" in result.stderr
    assert len(result.stdout) + len(result.stderr) < 10_000


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_one_long_field_is_capped_in_the_output_and_the_history(
    cli_env: dict[str, str], as_json: bool
) -> None:
    long_uri = "/x" + "u" * 200_000
    handler = answer(200, stream_body(uri=long_uri, extra={"note": "n" * 200_000}))
    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, *(["--json"] if as_json else []))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) < 6 * MAX_FIELD_CHARS
    assert "…" in result.stdout or "\\u2026" in result.stdout
    assert len(json.dumps(history(cli_env))) < 4 * MAX_FIELD_CHARS


def test_a_long_error_message_is_capped_in_the_output_and_the_history(
    cli_env: dict[str, str],
) -> None:
    body = {"code": 21, "message": "m" * 500_000, "errors": ["e" * 500_000] * 3}
    with HostileServer(answer(400, body)) as server:
        result, _ = stop(cli_env, server.base_url)
    assert result.returncode == 5, result.stderr
    assert len(result.stderr) < 10 * MAX_FIELD_CHARS
    assert len(json.dumps(history(cli_env))) < 4 * MAX_FIELD_CHARS


# --------------------------------------------------------------------------------------------
# 9. Retries always pause


def test_retry_after_zero_still_pauses_between_retries(cli_env: dict[str, str]) -> None:
    seen: list[float] = []

    def handler(request: Request, conn: Conn) -> None:
        seen.append(time.monotonic())
        conn.send(response(429, b'{"code": 20429}', headers={"Retry-After": "0"}))

    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, timeout=10)
    assert result.returncode == 6, result.stderr
    assert len(seen) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(seen)]
    assert min(gaps) >= 0.2, gaps


def test_retry_after_zero_in_a_batch_is_not_a_flood(cli_env: dict[str, str]) -> None:
    seen: list[float] = []

    def handler(request: Request, conn: Conn) -> None:
        seen.append(time.monotonic())
        conn.send(response(429, b'{"code": 20429}', headers={"Retry-After": "0"}))

    other = "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"
    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, "--stream", STREAM, "--stream", other)
    assert result.returncode == 6, result.stderr
    # Two streams, each pausing at least 0.2 s before every retry, within the timeout.
    assert len(seen) <= 2 * (TIMEOUT / 0.2 + 1), len(seen)


# --------------------------------------------------------------------------------------------
# 10. Paging stays in the account's own conferences, and ends


def page(next_page_uri: str | None, sid: str = "c1") -> dict[str, Any]:
    row = {"sid": sid, "friendly_name": "room", "status": "in-progress"}
    return {"conferences": [row], "next_page_uri": next_page_uri, "page_size": 1}


async def list_all(base_url: str) -> list[str]:
    sids: list[str] = []
    async with SignalWireClient(
        base_url=base_url, project_id=PROJECT, token=TOKEN, timeout=20
    ) as client:
        async for rows in client.conference_pages(PROJECT):
            sids += [row.sid for row in rows]
    return sids


@pytest.mark.parametrize(
    "next_uri",
    [
        f"{CONFERENCES}/../../../../../evil?Page=1",
        f"{CONFERENCES}/%2e%2e/%2E%2E/%2e%2e/%2e%2e/%2e%2e/evil?Page=1",
        f"{PREFIX}/Accounts/{PROJECT}/../../../evil",
        f"{PREFIX}/Accounts/{OTHER_ACCOUNT}/Conferences.json?Page=1",
        f"{PREFIX}/Accounts/{OTHER_ACCOUNT}/Conferences?Page=1",
        f"{CONFERENCES}/{CONFERENCE}/Participants.json",
    ],
    ids=["dots", "encoded-dots", "dots-above", "other-account-json", "other-account", "deeper"],
)
async def test_paging_never_leaves_the_accounts_conferences(next_uri: str) -> None:
    with (
        HostileServer(answer(200, page(next_uri))) as server,
        pytest.raises(UnexpectedResponse, match="next_page_uri"),
    ):
        await list_all(server.base_url)
    assert [r.target.split("?")[0] for r in server.requests] == [CONFERENCES]


async def test_paging_follows_json_uris_and_accepts_unknown_fields() -> None:
    def handler(request: Request, conn: Conn) -> None:
        number = len(server.requests)
        next_uri = f"{CONFERENCES}.json?Page={number}&PageToken=PA{number}" if number < 3 else None
        body = {**page(next_uri, sid=f"c{number}"), "start": 0, "end": 0, "surprise": [1]}
        conn.send(response(200, json.dumps(body).encode()))

    with HostileServer(handler) as server:
        assert await list_all(server.base_url) == ["c1", "c2", "c3"]
    assert server.requests[1].target == f"{CONFERENCES}.json?Page=1&PageToken=PA1"


async def test_endless_paging_stops_at_the_page_limit() -> None:
    def handler(request: Request, conn: Conn) -> None:
        number = len(server.requests)
        last = number >= 3 * MAX_PAGES  # the server's own bound, should the client have none
        next_uri = None if last else f"{CONFERENCES}?Page={number}&PageToken=PA{number}"
        conn.send(response(200, json.dumps(page(next_uri, sid=f"c{number}")).encode()))

    with (
        HostileServer(handler) as server,
        pytest.raises(UnexpectedResponse, match=f"more than {MAX_PAGES} pages"),
    ):
        await list_all(server.base_url)
    assert len(server.requests) == MAX_PAGES


# --------------------------------------------------------------------------------------------
# 11. Dates out of range never crash


@pytest.mark.parametrize(
    "date",
    [
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Mon, 01 Jan 0001 00:00:00 +2359",
        "Sat, 01 Jan 0000 00:00:00 +0000",
        "Fri, 31 Dec 99999 23:59:59 +0000",
        "9999-12-31T23:59:59-23:59",
    ],
)
def test_a_date_out_of_range_is_shown_raw_and_the_stop_succeeds(
    cli_env: dict[str, str], date: str
) -> None:
    body = stream_body(date_updated=date, date_created=date)
    with HostileServer(answer(200, body)) as server:
        result, _ = stop(cli_env, server.base_url)
    assert result.returncode == 0, result.stderr
    assert date in result.stdout
    assert history(cli_env)[-1]["status"] == "stopped"


def test_year_1_is_not_shown_as_2001(cli_env: dict[str, str]) -> None:
    body = stream_body(date_updated="Mon, 01 Jan 0001 12:00:00 +0000")
    with HostileServer(answer(200, body)) as server:
        result, _ = stop({**cli_env, "TZ": "UTC"}, server.base_url)
    assert result.returncode == 0, result.stderr
    assert "2001" not in result.stdout
    assert "0001-01-01" in result.stdout


@pytest.mark.parametrize(
    "retry_after",
    [
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Sat, 01 Jan 0000 00:00:00 GMT",
        "Mon, 01 Jan 0001 00:00:00 +2359",
    ],
)
def test_a_retry_after_date_out_of_range_is_a_clean_failure(
    cli_env: dict[str, str], retry_after: str
) -> None:
    with HostileServer(answer(429, {"code": 20429}, **{"Retry-After": retry_after})) as server:
        result, took = stop(cli_env, server.base_url)
    assert result.returncode == 6, result.stderr
    assert took < TIMEOUT + MARGIN


# --------------------------------------------------------------------------------------------
# Issue 10: a stop is confirmed, not assumed


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (stream_body(status="in-progress"), "says the stream is in-progress"),
        (stream_body(status="queued"), "says the stream is queued"),
        (stream_body(status=None), "does not say"),
        (stream_body(sid="3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"), "another stream"),
        ({"hello": "world"}, "does not say"),
    ],
    ids=["in-progress", "queued", "no-status", "other-stream", "no-fields"],
)
def test_a_200_that_does_not_confirm_the_stop_exits_6(
    cli_env: dict[str, str], body: dict[str, Any], said: str
) -> None:
    with HostileServer(answer(200, body, **{"X-Request-Id": "RQ-unconfirmed-1"})) as server:
        result, _ = stop(cli_env, server.base_url)
    assert result.returncode == 6, result.stderr
    assert "answered 200" in result.stderr and said in result.stderr, result.stderr
    assert "RQ-unconfirmed-1" in result.stderr
    assert result.stdout == ""
    assert history(cli_env)[-1]["outcome"] != "stopped"


def test_a_sid_in_capitals_still_confirms(cli_env: dict[str, str]) -> None:
    with HostileServer(answer(200, stream_body(sid=STREAM.upper()))) as server:
        result, _ = stop(cli_env, server.base_url)
    assert result.returncode == 0, result.stderr


def test_stop_by_name_is_confirmed_by_the_name(cli_env: dict[str, str]) -> None:
    with HostileServer(answer(200, stream_body(name="transcriber"))) as server:
        confirmed, _ = stop(cli_env, server.base_url, "--stream", "transcriber")
        other, _ = stop(cli_env, server.base_url, "--stream", "recorder")
    assert confirmed.returncode == 0, confirmed.stderr
    assert other.returncode == 6, other.stderr
    assert "another stream" in other.stderr


def test_a_batch_reports_an_unconfirmed_stop_as_such(cli_env: dict[str, str]) -> None:
    other = "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"

    def handler(request: Request, conn: Conn) -> None:
        sid = request.target.rsplit("/", 1)[-1]
        status = "stopped" if sid == STREAM else "in-progress"
        conn.send(response(200, json.dumps(stream_body(sid=sid, status=status)).encode()))

    with HostileServer(handler) as server:
        result, _ = stop(cli_env, server.base_url, "--stream", STREAM, "--stream", other)
        as_json, _ = stop(cli_env, server.base_url, "--stream", STREAM, "--stream", other, "--json")
    assert result.returncode == 6, result.stderr
    assert f"unconfirmed  {other}" in result.stderr, result.stderr
    assert "1 stopped, 1 unconfirmed, 0 failed of 2" in result.stderr
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {line.get("outcome") for line in lines} == {None, "unconfirmed"}
    [unconfirmed] = [line for line in lines if "error" in line]
    assert unconfirmed["stream"] == other and unconfirmed["error"]["status"] == 200
