"""The emulator over a real socket: routes, shapes, faults, admin API, CLI glue."""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest

from streamtui.emulator import (
    API_PREFIX,
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_COMPLETED_CONFERENCE_SID,
    DEMO_CONFERENCE_SID,
    DEMO_CONFERENCES,
    DEMO_FLAKY_STREAM_NAME,
    DEMO_FLAKY_STREAM_SID,
    DEMO_HOSTILE_STREAM_NAME,
    DEMO_HOSTILE_STREAM_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_QUEUED_STREAM_SID,
    DEMO_SPACE,
    DEMO_STOPPED_STREAM_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    DEMO_TARGETS,
    Emulator,
    Fault,
    command,
    server,
)

AUTH = (DEMO_PROJECT_ID, DEMO_API_TOKEN)
REPO = Path(__file__).resolve().parents[2]
STOP_FIELDS = {"account_sid", "conference_sid", "date_updated", "name", "sid", "status", "uri"}
LIST_FIELDS = {
    "uri",
    "first_page_uri",
    "next_page_uri",
    "previous_page_uri",
    "page",
    "page_size",
    "conferences",
}
MORE_INFO = "https://developer.signalwire.com/compatibility-api/reference/error-codes"


def stream_path(
    stream: str, conference: str = DEMO_CONFERENCE_SID, account: str = DEMO_ACCOUNT_SID
) -> str:
    return (
        f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences/{quote(conference, safe='')}"
        f"/Streams/{quote(stream, safe='')}"
    )


def conferences_path(account: str = DEMO_ACCOUNT_SID) -> str:
    """With `.json`, as older clients send it; the emulator takes both forms."""
    return f"{API_PREFIX}/Accounts/{account}/Conferences.json"


def spec_conferences_path(account: str = DEMO_ACCOUNT_SID) -> str:
    return f"{API_PREFIX}/Accounts/{account}/Conferences"


def create_path(conference: str = DEMO_CONFERENCE_SID) -> str:
    return f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{conference}/Streams"


STOP = {"Status": "stopped"}


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.base_url, auth=AUTH, timeout=5) as http:
        yield http


def assert_signalwire_error(response: httpx.Response, status: int, code: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["more_info"] == MORE_INFO
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)


# --- Update Conference Stream ------------------------------------------------------------------


def test_stop_by_sid_returns_documented_shape(emulator: Emulator, client: httpx.Client) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    response = client.post(stream_path(DEMO_STREAM_SID), data=STOP)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == STOP_FIELDS
    assert body["account_sid"] == DEMO_ACCOUNT_SID
    assert body["conference_sid"] == DEMO_CONFERENCE_SID
    assert body["sid"] == DEMO_STREAM_SID
    assert body["name"] == DEMO_STREAM_NAME
    assert body["status"] == "stopped"
    assert body["uri"] == (
        f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{DEMO_CONFERENCE_SID}"
        f"/Streams/{DEMO_STREAM_SID}.json"
    )
    assert body["date_updated"].endswith(" GMT")
    updated = parsedate_to_datetime(body["date_updated"])
    assert before <= updated <= datetime.now(UTC) + timedelta(seconds=1)
    assert emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status == (
        "stopped"
    )

    [record] = emulator.requests
    assert record.method == "POST"
    assert record.form == {"Status": "stopped"}
    assert record.headers["content-type"] == "application/x-www-form-urlencoded"
    assert record.headers["authorization"].startswith("Basic ")
    assert record.response_status == 200
    assert record.time <= time.monotonic()


def test_stop_by_url_encoded_name_with_spaces(emulator: Emulator, client: httpx.Client) -> None:
    name = "Support feed (EU) — ünïcode & co"
    stream = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name=name)

    response = client.post(stream_path(name), data=STOP)

    assert response.status_code == 200
    assert response.json()["sid"] == stream.sid
    assert response.json()["name"] == name
    assert stream.status == "stopped"
    assert "%20" in emulator.requests[-1].path


def test_stop_by_name_picks_the_stream_of_that_conference(client: httpx.Client) -> None:
    # The demo has "transcriber-feed" in several conferences: names are unique per conference.
    response = client.post(stream_path(DEMO_STREAM_NAME), data=STOP)
    assert response.status_code == 200
    assert response.json()["sid"] == DEMO_STREAM_SID


def test_hostile_demo_stream_keeps_its_raw_name(emulator: Emulator, client: httpx.Client) -> None:
    stream = emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_HOSTILE_STREAM_SID)
    assert stream.name == DEMO_HOSTILE_STREAM_NAME
    assert "\x1b]52;" in DEMO_HOSTILE_STREAM_NAME and "[link=" in DEMO_HOSTILE_STREAM_NAME

    # Stoppable by its name, percent-encoded (it holds `/`, `[`, ESC, BEL, CR).
    response = client.post(stream_path(DEMO_HOSTILE_STREAM_NAME), data=STOP)

    assert response.status_code == 200
    assert response.json()["sid"] == DEMO_HOSTILE_STREAM_SID
    assert response.json()["name"] == DEMO_HOSTILE_STREAM_NAME
    assert b"\\u001b]52;" in response.content  # JSON-escaped on the wire, raw once decoded


def test_json_suffix_on_last_segment_is_accepted(client: httpx.Client) -> None:
    response = client.post(stream_path(DEMO_STREAM_SID) + ".json", data=STOP)
    assert response.status_code == 200
    assert response.json()["sid"] == DEMO_STREAM_SID


def test_queued_stream_can_be_stopped(client: httpx.Client) -> None:
    response = client.post(stream_path(DEMO_QUEUED_STREAM_SID), data=STOP)
    assert response.status_code == 200
    assert response.json()["status"] == "stopped"


def test_second_stop_is_idempotent_and_keeps_date_updated() -> None:
    now = [datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)]
    with (
        Emulator(clock=lambda: now[0]) as emu,
        httpx.Client(base_url=emu.base_url, auth=AUTH) as http,
    ):
        first = http.post(stream_path(DEMO_STREAM_SID), data=STOP)
        now[0] += timedelta(minutes=5)
        second = http.post(stream_path(DEMO_STREAM_SID), data=STOP)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["date_updated"] == "Sun, 01 Jun 2025 12:00:00 GMT"


def test_already_stopped_demo_stream_returns_200_unchanged(
    emulator: Emulator, client: httpx.Client
) -> None:
    stream = emulator.get_stream(
        DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, DEMO_STOPPED_STREAM_SID
    )
    assert stream.status == "stopped"
    before = stream.date_updated

    response = client.post(
        stream_path(DEMO_STOPPED_STREAM_SID, DEMO_INCIDENT_CONFERENCE_SID), data=STOP
    )

    assert response.status_code == 200
    assert response.json()["status"] == "stopped"
    assert parsedate_to_datetime(response.json()["date_updated"]) == before


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {"data": {"Status": "started"}},
        {"data": {"Status": "Stopped"}},
        {"data": {}},
        {"data": {"Status": ""}},
        # A JSON body is not a form: Status is missing as far as the API is concerned.
        {"json": {"Status": "stopped"}},
    ],
    ids=["started", "wrong-case", "missing", "blank", "json-body"],
)
def test_invalid_status_is_422_with_list_of_strings(
    emulator: Emulator, client: httpx.Client, kwargs: dict[str, object]
) -> None:
    response = client.post(stream_path(DEMO_STREAM_SID), **kwargs)  # type: ignore[arg-type]

    assert response.status_code == 422
    assert response.json() == {"errors": ["Status must be 'stopped'"]}
    assert emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status == (
        "in-progress"
    )


# --- Auth and not-found ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [(DEMO_PROJECT_ID, "wrong-token"), (str(uuid.uuid4()), DEMO_API_TOKEN), None],
    ids=["bad-token", "unknown-project", "no-auth"],
)
def test_bad_or_missing_auth_is_401(emulator: Emulator, auth: tuple[str, str] | None) -> None:
    with httpx.Client(base_url=emulator.base_url, auth=auth) as http:
        response = http.post(stream_path(DEMO_STREAM_SID), data=STOP)

    body = assert_signalwire_error(response, 401, 20003)
    assert body["message"] == "Authentication failed"
    assert response.headers["www-authenticate"] == 'Basic realm="SignalWire"'
    assert emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status == (
        "in-progress"
    )


def test_garbage_authorization_header_is_401(emulator: Emulator) -> None:
    with httpx.Client(base_url=emulator.base_url) as http:
        response = http.post(
            stream_path(DEMO_STREAM_SID), data=STOP, headers={"Authorization": "Basic !!!"}
        )
    assert_signalwire_error(response, 401, 20003)


def test_unknown_account_is_404(client: httpx.Client) -> None:
    response = client.post(stream_path(DEMO_STREAM_SID, account=str(uuid.uuid4())), data=STOP)
    body = assert_signalwire_error(response, 404, 20404)
    assert body["message"] == "The requested resource was not found."


def test_someone_elses_account_is_404(emulator: Emulator, client: httpx.Client) -> None:
    other = emulator.add_account(str(uuid.uuid4()), "other-token")
    conference = emulator.add_conference(other.sid)
    stream = emulator.add_stream(other.sid, conference.sid)

    response = client.post(stream_path(stream.sid, conference.sid, other.sid), data=STOP)

    assert_signalwire_error(response, 404, 20404)
    assert stream.status == "in-progress"
    # Its own credentials work.
    with httpx.Client(base_url=client.base_url, auth=(other.sid, "other-token")) as http:
        assert http.post(stream_path(stream.sid, conference.sid, other.sid), data=STOP).is_success


def test_subaccount_is_open_to_its_parent_project(emulator: Emulator, client: httpx.Client) -> None:
    sub = emulator.add_account(str(uuid.uuid4()), parent=DEMO_PROJECT_ID)
    conference = emulator.add_conference(sub.sid)
    stream = emulator.add_stream(sub.sid, conference.sid)

    response = client.post(stream_path(stream.sid, conference.sid, sub.sid), data=STOP)

    assert response.status_code == 200
    assert response.json()["account_sid"] == sub.sid


def test_unknown_conference_and_stream_are_404(client: httpx.Client) -> None:
    unknown_conf = client.post(
        stream_path(DEMO_STREAM_SID, conference=str(uuid.uuid4())), data=STOP
    )
    assert_signalwire_error(unknown_conf, 404, 20404)
    unknown_stream = client.post(stream_path(str(uuid.uuid4())), data=STOP)
    assert_signalwire_error(unknown_stream, 404, 20404)
    # A stream of another conference is not found through this one.
    other_conf = client.post(stream_path(DEMO_FLAKY_STREAM_SID), data=STOP)
    assert_signalwire_error(other_conf, 404, 20404)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", stream_path(DEMO_STREAM_SID)),
        ("POST", f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Calls"),
        ("POST", stream_path(DEMO_STREAM_SID) + "/extra"),
        ("GET", "/"),
        ("DELETE", stream_path(DEMO_STREAM_SID)),
    ],
)
def test_everything_else_is_404_signalwire_shape(
    client: httpx.Client, method: str, path: str
) -> None:
    response = client.request(method, path, data=STOP if method == "POST" else None)
    assert_signalwire_error(response, 404, 20404)


def test_every_response_has_a_fresh_request_id(client: httpx.Client) -> None:
    responses = [
        client.post(stream_path(DEMO_STREAM_SID), data=STOP),
        client.post(stream_path(DEMO_STREAM_SID), data={"Status": "nope"}),
        client.post(stream_path(str(uuid.uuid4())), data=STOP),
        client.get(conferences_path()),
        client.get("/nowhere"),
        client.get("/__emulator__/stats"),
    ]
    ids = [r.headers["x-signalwire-request-id"] for r in responses]
    assert all(uuid.UUID(value).version == 4 for value in ids)
    assert len(set(ids)) == len(ids)
    assert all(r.headers.get("content-type") for r in responses)


def test_keep_alive_serves_several_requests_on_one_connection(emulator: Emulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    headers = {
        "Authorization": httpx.BasicAuth(*AUTH)._auth_header,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    try:
        for _ in range(3):
            connection.request("POST", stream_path(DEMO_STREAM_SID), "Status=stopped", headers)
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["status"] == "stopped"
            assert response.getheader("Connection") != "close"
    finally:
        connection.close()


# --- List Conferences ------------------------------------------------------------------------


def test_list_conferences_pages_follow_next_page_uri(client: httpx.Client) -> None:
    seen: list[str] = []
    pages = 0
    url: str | None = f"{conferences_path()}?PageSize=2"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == LIST_FIELDS  # SignalWire's schema is sealed: nothing else
        assert body["page"] == pages
        assert body["page_size"] == 2
        assert body["first_page_uri"].endswith("PageSize=2&Page=0")
        for key in ("uri", "first_page_uri", "next_page_uri", "previous_page_uri"):
            if body[key] is not None:  # the document's path, never `/Conferences.json`
                assert urlsplit(body[key]).path == spec_conferences_path(), body[key]
        assert (body["previous_page_uri"] is None) == (pages == 0)
        for conference in body["conferences"]:
            assert {"sid", "friendly_name", "status", "date_created", "date_updated"} <= set(
                conference
            )
            assert {"region", "uri", "account_sid"} <= set(conference)
            assert conference["uri"].endswith(f"/Conferences/{conference['sid']}.json")
            parsedate_to_datetime(conference["date_created"])
            seen.append(conference["sid"])
        url = body["next_page_uri"]
        pages += 1
        assert pages < 10

    assert pages == 2
    assert sorted(seen) == sorted(c.sid for c in DEMO_CONFERENCES)


def test_list_conferences_status_and_name_filters(client: httpx.Client) -> None:
    completed = client.get(conferences_path(), params={"Status": "completed"}).json()
    assert [c["sid"] for c in completed["conferences"]] == [DEMO_COMPLETED_CONFERENCE_SID]
    assert completed["next_page_uri"] is None

    live = client.get(conferences_path(), params={"Status": "in-progress", "PageSize": 1}).json()
    assert len(live["conferences"]) == 1
    assert "Status=in-progress" in live["next_page_uri"]  # filters survive paging

    named = client.get(conferences_path(), params={"FriendlyName": "Support bridge — EU"}).json()
    assert [c["sid"] for c in named["conferences"]] == [DEMO_CONFERENCE_SID]

    bad = client.get(conferences_path(), params={"Status": "bogus"})
    assert_signalwire_error(bad, 400, 10000)


def test_list_conferences_without_json_suffix_and_defaults(client: httpx.Client) -> None:
    body = client.get(f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences").json()
    assert body["page_size"] == 50
    assert body["page"] == 0
    assert body["next_page_uri"] is None
    assert len(body["conferences"]) == len(DEMO_CONFERENCES)


@pytest.mark.parametrize("page_size", ["0", "1001", "abc", "-1"])
def test_list_conferences_page_size_out_of_range_is_400(
    client: httpx.Client, page_size: str
) -> None:
    response = client.get(conferences_path(), params={"PageSize": page_size})
    body = assert_signalwire_error(response, 400, 10000)
    assert "PageSize" in str(body["message"])


def test_list_conferences_needs_auth_and_own_account(emulator: Emulator) -> None:
    with httpx.Client(base_url=emulator.base_url) as http:
        assert_signalwire_error(http.get(conferences_path()), 401, 20003)
    # SignalWire's document lists no 404 for List Conferences: an account these credentials may
    # not use is refused as an authentication failure.
    other = emulator.add_account(str(uuid.uuid4()), "other-token")
    with httpx.Client(base_url=emulator.base_url, auth=AUTH) as http:
        assert_signalwire_error(http.get(conferences_path(str(uuid.uuid4()))), 401, 20003)
        assert_signalwire_error(http.get(spec_conferences_path(other.sid)), 401, 20003)


def test_list_conferences_friendly_name_longer_than_64_is_400(client: httpx.Client) -> None:
    response = client.get(spec_conferences_path(), params={"FriendlyName": "x" * 65})
    body = assert_signalwire_error(response, 400, 10000)
    assert "FriendlyName" in str(body["message"])


def test_fetch_conference(client: httpx.Client) -> None:
    response = client.get(
        f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{DEMO_CONFERENCE_SID}.json"
    )
    assert response.status_code == 200
    assert response.json()["friendly_name"] == "Support bridge — EU"


# --- Create Conference Stream ----------------------------------------------------------------


def test_create_stream_then_stop_it_by_name(emulator: Emulator, client: httpx.Client) -> None:
    response = client.post(
        create_path(), data={"Url": "wss://example.com/feed", "Name": "new feed"}
    )

    assert response.status_code == 200  # SignalWire's document: 200, not 201
    body = response.json()
    assert set(body) == STOP_FIELDS  # exactly ConferenceStreamResponse: no date_created
    assert body["status"] == "in-progress"
    assert body["name"] == "new feed"
    uuid.UUID(body["sid"])
    parsedate_to_datetime(body["date_updated"])

    duplicate = client.post(create_path(), data={"Url": "wss://example.com/x", "Name": "new feed"})
    assert duplicate.status_code == 422
    assert duplicate.json() == {"errors": ["Name has already been taken"]}

    missing_url = client.post(create_path() + ".json", data={"Name": "other"})
    assert missing_url.status_code == 422
    assert isinstance(missing_url.json()["errors"][0], str)

    stop = client.post(stream_path("new feed"), data=STOP)
    assert stop.json()["sid"] == body["sid"]
    assert stop.json()["status"] == "stopped"

    unnamed = client.post(create_path(), data={"Url": "wss://example.com/feed"})
    assert unnamed.status_code == 200
    assert unnamed.json()["name"] is None


def test_a_stream_created_after_a_wrong_stop_can_be_stopped_by_its_new_sid(
    emulator: Emulator, client: httpx.Client
) -> None:
    """Undoing a wrong stop: re-create the stream where it was, and it can be stopped again."""
    wrong = client.post(stream_path(DEMO_STREAM_SID), data=STOP).json()
    old = emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)

    created = client.post(create_path(), data={"Url": old.url, "Track": "both_tracks"})

    assert created.status_code == 200
    again = created.json()
    assert set(again) == STOP_FIELDS
    assert again["sid"] != wrong["sid"]
    assert (again["status"], again["conference_sid"]) == ("in-progress", DEMO_CONFERENCE_SID)
    assert again["uri"].endswith(f"/Streams/{again['sid']}.json")
    new = emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, again["sid"])
    assert (new.url, new.status) == (old.url, "in-progress")

    stopped = client.post(stream_path(again["sid"]), data=STOP)

    assert stopped.status_code == 200
    assert stopped.json()["sid"] == again["sid"]
    assert stopped.json()["status"] == "stopped"
    assert new.status == "stopped"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"Url": "ws://example.com/feed"}, "Url must be a wss:// URL"),
        ({"Url": "https://example.com/feed"}, "Url must be a wss:// URL"),
        ({"Url": "wss://example.com/f", "Track": "sideways"}, "Track must be one of"),
        ({"Url": "wss://example.com/f", "StatusCallbackMethod": "PUT"}, "StatusCallbackMethod"),
        ({"Url": "wss://example.com/f", "StreamCodec": "MP3"}, "StreamCodec must be one of"),
        ({"Url": "wss://example.com/f", "StreamRealTime": "maybe"}, "StreamRealTime"),
    ],
)
def test_create_stream_refuses_what_the_document_does_not_allow(
    emulator: Emulator, client: httpx.Client, form: dict[str, str], message: str
) -> None:
    before = len(emulator.get_conference(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID).streams)
    response = client.post(create_path(), data=form)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error.startswith(message)
    assert len(emulator.get_conference(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID).streams) == before


def test_create_stream_in_completed_conference_is_422(client: httpx.Client) -> None:
    path = (
        f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{DEMO_COMPLETED_CONFERENCE_SID}"
        "/Streams"
    )
    response = client.post(path, data={"Url": "wss://example.com/feed"})
    assert response.status_code == 422


# --- Faults ----------------------------------------------------------------------------------


def test_fault_503_json(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.status(503))
    failed = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert_signalwire_error(failed, 503, 20503)
    # One-shot: the next request works, and the stream was untouched by the failed one.
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200
    assert emulator.faults.pending == []


def test_fault_429_with_retry_after_seconds_and_http_date(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.faults.queue(Fault.rate_limited("7"), Fault.rate_limited(3, http_date=True))

    seconds = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    body = assert_signalwire_error(seconds, 429, 20429)
    assert body["status"] == 429
    assert seconds.headers["retry-after"] == "7"

    dated = client.get(conferences_path())
    assert dated.status_code == 429
    when = parsedate_to_datetime(dated.headers["retry-after"])
    assert timedelta(seconds=2) < when - datetime.now(UTC) <= timedelta(seconds=4)
    assert emulator.stats()["rate_limited_sent"] == 2


def test_fault_422_has_the_shape_the_document_gives_each_operation(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.faults.queue(Fault.status(422), Fault.status(422))
    stop = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert stop.status_code == 422
    assert set(stop.json()) == {"errors"}  # the streams' string-array shape
    listed = client.get(spec_conferences_path())
    assert_signalwire_error(listed, 422, 20422)  # List Conferences: the usual error model


def test_fault_html_502(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.html_502())
    response = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"<html>" in response.content
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_fault_malformed_json(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.malformed_json())
    response = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert int(response.headers["content-length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_fault_empty_body(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.empty_body(), Fault.empty_body(status=503))
    first = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert first.status_code == 200
    assert first.content == b""
    assert first.headers["content-length"] == "0"
    second = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert second.status_code == 503
    assert second.content == b""


def test_fault_drop_connection(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.drop_connection())
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert emulator.requests[-1].response_status is None
    # The server is fine afterwards, on a new connection.
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200
    assert emulator.stats()["by_status"]["dropped"] == 1


def test_latency_and_delay_are_applied(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.set_latency(0.15)
    started = time.monotonic()
    assert client.get(conferences_path()).status_code == 200
    assert time.monotonic() - started >= 0.15

    emulator.faults.set_latency(0)
    emulator.faults.queue(Fault.delay(0.2))
    started = time.monotonic()
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200
    assert time.monotonic() - started >= 0.2
    with pytest.raises(httpx.ReadTimeout):
        emulator.faults.queue(Fault.delay(0.5))
        client.get(conferences_path(), timeout=0.1)


def test_admin_routes_are_never_delayed(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.set_latency(2)
    started = time.monotonic()
    assert client.get("/__emulator__/stats").status_code == 200
    assert time.monotonic() - started < 1


def test_faults_match_their_route(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.status(503, route="stop"))
    assert client.get(conferences_path()).status_code == 200  # not a stop: fault stays queued
    assert len(emulator.faults.pending) == 1
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 503


def test_queued_faults_apply_in_order_then_clear(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.queue(Fault.status(500), Fault.status(504), Fault.status(403))
    statuses = [client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code for _ in range(2)]
    assert statuses == [500, 504]
    emulator.faults.clear()
    assert emulator.faults.pending == []
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200


def test_rate_limit_every_nth_stop(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.rate_limit_every(3, retry_after=0)
    statuses = [client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code for _ in range(6)]
    assert statuses == [200, 200, 429, 200, 200, 429]
    assert client.get(conferences_path()).status_code == 200  # only stops count
    emulator.faults.rate_limit_every(0)
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200


def test_retry_after_violations_are_counted_per_user(
    emulator: Emulator, client: httpx.Client
) -> None:
    other = emulator.add_account(str(uuid.uuid4()), "other-token")
    conference = emulator.add_conference(other.sid)
    other_stream = emulator.add_stream(other.sid, conference.sid)
    emulator.faults.queue(Fault.rate_limited("0.3"))

    limited = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    assert limited.status_code == 429
    assert emulator.retry_after_violations == 0

    # Another project is not bound by our Retry-After.
    with httpx.Client(base_url=client.base_url, auth=(other.sid, "other-token")) as http:
        path = stream_path(other_stream.sid, conference.sid, other.sid)
        assert http.post(path, data=STOP).status_code == 200
    assert emulator.retry_after_violations == 0

    # Retrying at once ignores Retry-After: counted (and still answered).
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200
    assert emulator.retry_after_violations == 1

    time.sleep(0.3)
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200
    assert emulator.retry_after_violations == 1
    assert emulator.stats()["retry_after_violations"] == 1


def raw_stop(stream: str) -> bytes:
    auth = httpx.BasicAuth(*AUTH)._auth_header
    body = b"Status=stopped"
    head = (
        f"POST {stream_path(stream)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def test_a_request_sent_before_the_429_left_is_no_violation_however_late_it_is_read(
    emulator: Emulator, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy machine the thread that reads a request may run long after its bytes arrived:
    a request already sent when the 429 left could not have obeyed it."""
    other = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID)
    reading = threading.Event()
    release = threading.Event()
    late_port: list[int] = []
    handle_one_request = server._Handler.handle_one_request

    def read_late(handler: server._Handler) -> None:
        if handler.client_address[1] in late_port and not release.is_set():
            reading.set()
            release.wait(10)  # this thread is descheduled: the request waits in its socket
        handle_one_request(handler)

    monkeypatch.setattr(server._Handler, "handle_one_request", read_late)
    emulator.faults.queue(Fault.rate_limited("5"))
    with socket.socket() as early:
        early.settimeout(10)
        early.bind(("127.0.0.1", 0))
        late_port.append(early.getsockname()[1])
        early.connect(("127.0.0.1", emulator.port))
        assert reading.wait(10), "the emulator never took the connection"
        early.sendall(raw_stop(other.sid))  # sent: its bytes are on the server's side now

        limited = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
        assert limited.status_code == 429
        time.sleep(0.1)  # long after the 429 left, the thread gets to it
        release.set()
        answer = early.recv(4096)

    assert answer.startswith(b"HTTP/1.1 200 ")
    assert emulator.retry_after_violations == 0
    assert emulator.faults.crossed_in_flight == 1


def test_another_stream_sent_after_the_429_arrived_is_a_violation(
    emulator: Emulator, client: httpx.Client
) -> None:
    other = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID)
    emulator.faults.queue(Fault.rate_limited("5"))
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 429
    time.sleep(0.3)  # read, and plainly after: the gate of a client holds every stream

    with httpx.Client(base_url=client.base_url, auth=AUTH) as second_connection:
        assert second_connection.post(stream_path(other.sid), data=STOP).status_code == 200

    assert emulator.retry_after_violations == 1
    assert emulator.faults.crossed_in_flight == 0


def test_well_behaved_client_has_no_violations(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.rate_limit_every(2, retry_after="0.2")
    for _ in range(4):
        response = client.post(stream_path(DEMO_STREAM_SID), data=STOP)
        if response.status_code == 429:
            time.sleep(float(response.headers["retry-after"]))
    assert emulator.stats()["rate_limited_sent"] == 2
    assert emulator.retry_after_violations == 0


def test_stream_fault_fails_every_time(emulator: Emulator, client: httpx.Client) -> None:
    path = stream_path(DEMO_FLAKY_STREAM_SID, DEMO_INCIDENT_CONFERENCE_SID)
    for _ in range(3):
        assert_signalwire_error(client.post(path, data=STOP), 503, 20503)
    by_name = stream_path(DEMO_FLAKY_STREAM_NAME, DEMO_INCIDENT_CONFERENCE_SID)
    assert client.post(by_name, data=STOP).status_code == 503

    flaky = emulator.get_stream(
        DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, DEMO_FLAKY_STREAM_SID
    )
    assert flaky.status == "in-progress"
    flaky.fault = None
    assert client.post(path, data=STOP).json()["status"] == "stopped"

    stream = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID)
    stream.fault = Fault.drop_connection()
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(stream_path(stream.sid), data=STOP)


def test_concurrent_stops_are_served_in_parallel(emulator: Emulator) -> None:
    streams = emulator.add_streams(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, 8)
    emulator.faults.set_latency(0.2)

    def stop(sid: str) -> int:
        with httpx.Client(base_url=emulator.base_url, auth=AUTH) as http:
            return http.post(stream_path(sid), data=STOP).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(stop, [s.sid for s in streams]))
    assert statuses == [200] * 8
    assert emulator.stats()["max_in_flight"] > 1  # answered side by side, not one by one
    assert all(s.status == "stopped" for s in streams)


# --- Data helpers ----------------------------------------------------------------------------


def test_bulk_add_streams_makes_distinct_stoppable_streams(
    emulator: Emulator, client: httpx.Client
) -> None:
    conference = emulator.add_conference(DEMO_ACCOUNT_SID, friendly_name="Load test")
    streams = emulator.add_streams(DEMO_ACCOUNT_SID, conference.sid, 1000)

    assert len(streams) == 1000
    assert len({s.sid for s in streams}) == 1000
    assert len({s.name for s in streams}) == 1000
    assert all(s.status == "in-progress" for s in streams)

    last = streams[-1]
    assert last.name is not None
    response = client.post(stream_path(last.name, conference.sid), data=STOP)
    assert response.json()["sid"] == last.sid
    assert emulator.stats()["streams"]["total"] >= 1000


def test_demo_seed_is_deterministic_and_targets_exist(emulator: Emulator) -> None:
    assert DEMO_SPACE == "demo"
    assert DEMO_ACCOUNT_SID == DEMO_PROJECT_ID
    assert uuid.UUID(DEMO_PROJECT_ID).version == 4
    assert str(uuid.UUID(DEMO_PROJECT_ID)) == DEMO_PROJECT_ID
    other = Emulator()  # not started: the data exists before start()
    for target in DEMO_TARGETS:
        mine = emulator.get_stream(target.account, target.conference, target.stream)
        theirs = other.get_stream(target.account, target.conference, target.stream)
        assert (mine.sid, mine.name, mine.status) == (theirs.sid, theirs.name, theirs.status)
        assert target.label and "\x1b" not in target.label
    statuses = {emulator.get_stream(t.account, t.conference, t.stream).status for t in DEMO_TARGETS}
    assert statuses == {"in-progress", "queued", "stopped"}
    assert emulator.get_stream(
        DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, DEMO_FLAKY_STREAM_SID
    ).fault == Fault.status(503)
    assert len(DEMO_CONFERENCES) == 4
    for conference in DEMO_CONFERENCES:
        assert 2 <= len(emulator.get_conference(conference.account, conference.sid).streams) <= 4


def test_no_seed_starts_empty() -> None:
    with Emulator(seed_demo=False) as emu, httpx.Client(base_url=emu.base_url, auth=AUTH) as http:
        assert_signalwire_error(http.get(conferences_path()), 401, 20003)
        with pytest.raises(KeyError):
            emu.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)


def test_stop_cuts_keep_alive_connections() -> None:
    emu = Emulator().__enter__()
    with httpx.Client(base_url=emu.base_url, auth=AUTH, timeout=2) as http:
        assert http.get(conferences_path()).status_code == 200
        emu.stop()
        with pytest.raises(httpx.TransportError):
            http.get(conferences_path())
    with pytest.raises(RuntimeError):
        _ = emu.base_url


def test_requests_log_and_clear(emulator: Emulator, client: httpx.Client) -> None:
    client.get(conferences_path(), params={"PageSize": 3})
    client.get("/__emulator__/stats")  # admin requests are not recorded
    [record] = emulator.requests
    assert record.method == "GET"
    assert record.path == conferences_path()
    assert record.query == {"PageSize": "3"}
    assert record.body == b""
    emulator.clear_requests()
    assert emulator.requests == []


# --- Admin API -------------------------------------------------------------------------------


def test_admin_faults_queue_latency_and_rate_limit(
    emulator: Emulator, client: httpx.Client
) -> None:
    response = client.post(
        "/__emulator__/faults",
        json={
            "queue": [
                {"kind": "status", "status": 503},
                {"kind": "rate_limited", "retry_after": "0"},
                {"kind": "html_502"},
                {"kind": "malformed_json"},
                {"kind": "empty_body"},
                {"kind": "drop_connection"},
            ],
            "latency": 0.01,
            "rate_limit_every": 5,
        },
    )
    assert response.status_code == 200
    state = response.json()
    assert [f["kind"] for f in state["queue"]] == [
        "status",
        "rate_limited",
        "html_502",
        "malformed_json",
        "empty_body",
        "drop_connection",
    ]
    assert state["latency"] == 0.01
    assert state["rate_limit_every"] == 5

    results: list[object] = []
    for _ in range(6):
        try:
            results.append(client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code)
        except httpx.RemoteProtocolError:
            results.append("dropped")
    assert results == [503, 429, 502, 200, 200, "dropped"]

    stats = client.get("/__emulator__/stats").json()
    assert stats["by_status"] == {"503": 1, "429": 1, "502": 1, "200": 2, "dropped": 1}
    assert stats["retry_after_violations"] == 0
    assert stats["faults_pending"] == 0

    cleared = client.delete("/__emulator__/faults").json()
    assert cleared["queue"] == [] and cleared["latency"] == 0 and cleared["rate_limit_every"] == 0


def test_admin_stream_faults(emulator: Emulator, client: httpx.Client) -> None:
    response = client.post(
        "/__emulator__/faults",
        json={
            "stream_faults": [
                {
                    "conference": DEMO_CONFERENCE_SID,
                    "stream": DEMO_STREAM_NAME,
                    "fault": {"kind": "status", "status": 500},
                },
                {"conference": DEMO_INCIDENT_CONFERENCE_SID, "stream": DEMO_FLAKY_STREAM_SID},
            ]
        },
    )
    assert response.status_code == 200
    assert client.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 500
    flaky = stream_path(DEMO_FLAKY_STREAM_SID, DEMO_INCIDENT_CONFERENCE_SID)
    assert client.post(flaky, data=STOP).status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"queue": [{"kind": "nonsense"}]},
        {"queue": "status"},
        {"latency": -1},
        {"queue": [{"kind": "status", "status": 99}]},
        {"stream_faults": [{"conference": "nope", "stream": "nope"}]},
    ],
)
def test_admin_rejects_bad_fault_requests_atomically(
    emulator: Emulator, client: httpx.Client, payload: dict[str, object]
) -> None:
    response = client.post("/__emulator__/faults", json={**payload, "rate_limit_every": 2})
    assert response.status_code == 400
    assert "error" in response.json()
    assert emulator.faults.rate_limit_rule[0] == 0  # nothing applied


def test_admin_bad_json_and_unknown_endpoint(client: httpx.Client) -> None:
    bad = client.post("/__emulator__/faults", content=b"{not json")
    assert bad.status_code == 400
    assert client.get("/__emulator__/nope").status_code == 404
    assert client.get("/__emulator__/health").json()["ok"] is True


def test_admin_bulk_streams_requests_and_reset(emulator: Emulator, client: httpx.Client) -> None:
    created = client.post("/__emulator__/streams", json={"account": DEMO_ACCOUNT_SID, "count": 5})
    assert created.status_code == 201
    body = created.json()
    assert body["count"] == 5 and len(body["sids"]) == 5
    conference = body["conference"]

    more = client.post(
        "/__emulator__/streams", json={"conference": conference, "count": 3, "name_prefix": None}
    ).json()
    assert more["conference"] == conference
    assert more["names"] == [None, None, None]

    for sid in body["sids"]:
        assert client.post(stream_path(sid, conference), data=STOP).status_code == 200

    listed = client.get("/__emulator__/streams", params={"conference": conference}).json()
    assert len(listed["streams"]) == 8
    assert sum(s["status"] == "stopped" for s in listed["streams"]) == 5

    log = client.get("/__emulator__/requests").json()["requests"]
    assert len(log) == 5
    assert log[0]["form"] == {"Status": "stopped"}
    assert log[0]["response_status"] == 200
    assert client.get("/__emulator__/requests", params={"limit": 2}).json()["requests"] == log[-2:]

    # A new account gets a token back and can be used at once.
    fresh_account = str(uuid.uuid4())
    fresh = client.post("/__emulator__/streams", json={"account": fresh_account, "count": 1}).json()
    with httpx.Client(base_url=client.base_url, auth=(fresh_account, fresh["token"])) as http:
        path = stream_path(fresh["sids"][0], fresh["conference"], fresh_account)
        assert http.post(path, data=STOP).status_code == 200

    client.post(stream_path(DEMO_STREAM_SID), data=STOP)
    emulator.faults.queue(Fault.status(503))
    assert client.post("/__emulator__/reset", json={}).json() == {"ok": True}
    assert emulator.requests == []
    assert emulator.faults.pending == []
    assert emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID).status == (
        "in-progress"
    )
    with pytest.raises(KeyError):
        emulator.get_conference(DEMO_ACCOUNT_SID, conference)


def test_admin_bulk_rejects_bad_count(client: httpx.Client) -> None:
    assert client.post("/__emulator__/streams", json={"count": -1}).status_code == 400
    assert client.post("/__emulator__/streams", json={"count": "x"}).status_code == 400
    assert client.post("/__emulator__/streams", json={"status": "nope"}).status_code == 400


# --- Fault parsing (CLI values) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("503", Fault.status(503)),
        ("429", Fault.rate_limited("1")),
        ("429:2", Fault.rate_limited("2")),
        ("html502", Fault.html_502()),
        ("malformed", Fault.malformed_json()),
        ("empty", Fault.empty_body()),
        ("drop", Fault.drop_connection()),
        ("delay:0.5", Fault.delay(0.5)),
        ("503@stop", Fault.status(503, route="stop")),
    ],
)
def test_fault_parse(text: str, expected: Fault) -> None:
    assert Fault.parse(text) == expected
    assert Fault.from_json(expected.to_json()) == expected


@pytest.mark.parametrize("text", ["nope", "99", "delay:x", "503@moon"])
def test_fault_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        Fault.parse(text)


# --- command.run -----------------------------------------------------------------------------


def parse_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.configure_parser(parser)
    return parser.parse_args(list(argv))


def test_run_in_thread_prints_url_credentials_and_serves() -> None:
    out = io.StringIO()
    stop = threading.Event()
    args = parse_args("--fault", "503", "--latency", "0")
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(command.run(args, stop_event=stop, out=out))
    )
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while "Ctrl-C" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        text = out.getvalue()
        first = text.splitlines()[0]
        assert first.startswith("streamtui emulator listening on http://127.0.0.1:")
        base_url = first.rsplit(" ", 1)[1]
        assert f"export STREAMTUI_BASE_URL={base_url}" in text
        assert f"export SIGNALWIRE_SPACE={DEMO_SPACE}" in text
        assert f"export SIGNALWIRE_PROJECT_ID={DEMO_PROJECT_ID}" in text
        assert f"export SIGNALWIRE_API_TOKEN={DEMO_API_TOKEN}" in text
        assert f" stop \\\n    --conference {DEMO_CONFERENCE_SID} \\\n" in text
        assert f"    --stream {DEMO_STREAM_SID}\n" in text
        assert "\x1b" not in text
        with httpx.Client(base_url=base_url, auth=AUTH) as http:
            assert http.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 503
            assert http.post(stream_path(DEMO_STREAM_SID), data=STOP).status_code == 200
    finally:
        stop.set()
        thread.join(5)
    assert result == [0]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_run_refuses_non_loopback_hosts(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert command.run(parse_args("--host", host)) == 2
    assert "loopback" in capsys.readouterr().err


def start_subprocess(*argv: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamtui.emulator", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 15)
    if not ready:
        proc.kill()
        pytest.fail("the emulator printed nothing within 15 s")
    first = proc.stdout.readline()
    assert first.startswith("streamtui emulator listening on http://127.0.0.1:"), first
    return proc, first.split()[-1]


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0)], ids=["sigint", "sigterm"]
)
def test_run_as_process_exits_cleanly_on_signals(sig: signal.Signals, code: int) -> None:
    proc, base_url = start_subprocess("--port", "0", "--rate-limit-every", "1")
    try:
        with httpx.Client(base_url=base_url, auth=AUTH, timeout=5) as http:
            response = http.post(stream_path(DEMO_STREAM_SID), data=STOP)
            assert response.status_code == 429
            assert response.headers["retry-after"] == "1"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code
    assert "Traceback" not in stderr


# SIGTERM at the worst moment: while the main thread is inside `stop.wait()`, holding the event's
# own lock. A loaded machine preempts the main thread there (say, to serve a request), and the
# handler then runs there; a handler that takes that lock (`Event.set()`) waits on itself forever.
SIGTERM_INSIDE_THE_WAIT = """
import argparse, os, signal, sys, threading
from streamtui.emulator import command

class SignalledWhileLocked(threading.Event):
    def wait(self, timeout=None):
        with self._cond:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(3):
                pass  # a backward jump: Python runs the pending handler here, the lock held
        return super().wait(timeout)

parser = argparse.ArgumentParser()
command.configure_parser(parser)
args = parser.parse_args(["--port", "0"])
sys.exit(command.run(args, stop_event=SignalledWhileLocked()))
"""


def test_sigterm_that_lands_inside_the_wait_still_exits() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        result = subprocess.run(
            [sys.executable, "-c", SIGTERM_INSIDE_THE_WAIT],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=15,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the emulator did not exit within 15 s of SIGTERM")
    assert result.stdout.startswith("streamtui emulator listening on http://127.0.0.1:")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
