"""The SignalWire Compatibility-API routes the emulator serves, as pure functions of the request.

Only what streamtui talks to: Update Conference Stream (the stop), Create Conference Stream, List
and Fetch (Retrieve) Conferences. Answers are what SignalWire's published OpenAPI document says,
field for field (its schemas are sealed) and status for status; tests/conformance checks them
against it. Basic auth, form bodies, RFC 2822 dates, the two error shapes, paging links to
`/Conferences`. One deliberate deviation: a stream may be stopped by its name, as the document's
Create Conference Stream says, although it declares the path's `Sid` a UUID.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote, urlencode

from streamtui.emulator.data import API_PREFIX, CONFERENCE_STATUSES, Conference, Store, Stream
from streamtui.emulator.fault_plan import FaultPlan
from streamtui.emulator.responses import (
    Response,
    json_response,
    not_found,
    render_fault,
    signalwire_error,
    unprocessable,
)

MAX_NAME_LENGTH = 256
MAX_FRIENDLY_NAME_LENGTH = 64
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# The enumerations of SignalWire's `CreateConferenceStreamRequest`.
CREATE_CHOICES: dict[str, tuple[str, ...]] = {
    "Track": ("inbound_track", "outbound_track", "both_tracks"),
    "StatusCallbackMethod": ("GET", "POST"),
    "StreamCodec": ("PCMU", "PCMA", "L16", "L16@16000h", "L16@24000h"),
    "StreamRealTime": ("true", "false"),
}


@dataclass(frozen=True)
class Match:
    """Which route a request hit. `kind` is stop, create, list, fetch or unknown."""

    kind: str
    account: str = ""
    conference: str = ""
    # The stream segment as sent and, if it ended in `.json`, without the suffix: a name may
    # legitimately end in `.json`, so the exact text is tried first.
    stream_candidates: tuple[str, ...] = ()


def is_api_path(raw_path: str) -> bool:
    return raw_path == API_PREFIX or raw_path.startswith(API_PREFIX + "/")


def classify(method: str, raw_path: str) -> Match:
    """Route a raw (still percent-encoded) path; segments are split first, then decoded."""
    rest = raw_path[len(API_PREFIX) :].lstrip("/") if is_api_path(raw_path) else ""
    raw_segments = rest.split("/") if rest else []
    segments = [unquote(segment) for segment in raw_segments]
    if not segments or any(segment == "" for segment in segments):
        return Match("unknown")
    last = segments[-1]
    trimmed = last[: -len(".json")] if last.endswith(".json") else last
    plain = [*segments[:-1], trimmed]
    n = len(plain)
    if n < 3 or plain[0] != "Accounts" or plain[2] != "Conferences":
        return Match("unknown")
    account = plain[1]
    if n == 3 and method == "GET":
        return Match("list", account)
    if n == 4 and method == "GET":
        return Match("fetch", account, plain[3])
    if n >= 5 and plain[4] != "Streams":
        return Match("unknown")
    if n == 5 and method == "POST":
        return Match("create", account, plain[3])
    if n == 6 and method == "POST":
        candidates = (last, trimmed) if last != trimmed else (last,)
        return Match("stop", account, plain[3], candidates)
    return Match("unknown")


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """(username, password) from an `Authorization: Basic ...` header, or None if unusable."""
    if not header:
        return None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    if not sep:
        return None
    return username, password


def dispatch(
    store: Store,
    plan: FaultPlan,
    match: Match,
    credentials: tuple[str, str] | None,
    query: Mapping[str, str],
    form: Mapping[str, str],
) -> Response:
    """Answer one API request. The caller holds the emulator's lock."""
    project = store.authenticate(*credentials) if credentials else None
    if project is None:
        return signalwire_error(401)
    if match.kind == "unknown":
        return not_found()
    account = store.accessible(project.sid, match.account)
    if account is None:
        # List Conferences documents no 404: there an account these credentials may not use
        # fails authentication. The other operations document 404.
        return signalwire_error(401) if match.kind == "list" else not_found()
    if match.kind == "list":
        return list_conferences(store, account.sid, query)
    conference = account.conferences.get(match.conference)
    if match.kind == "fetch":
        return not_found() if conference is None else json_response(200, conference.to_json())
    if match.kind == "create":
        return not_found() if conference is None else create_stream(store, conference, form)
    # stop
    limited = plan.count_stop()
    if limited is not None:
        rendered = render_fault(limited, "stop")
        assert rendered is not None
        return rendered
    if conference is None:
        return not_found()
    stream: Stream | None = None
    for candidate in match.stream_candidates:
        stream = conference.find_stream(candidate)
        if stream is not None:
            break
    if stream is None:
        return not_found()
    return stop_stream(store, plan, stream, form)


def stop_stream(store: Store, plan: FaultPlan, stream: Stream, form: Mapping[str, str]) -> Response:
    """Update Conference Stream: only `Status=stopped`; stopping it again changes nothing."""
    if form.get("Status") != "stopped":
        return unprocessable("Status must be 'stopped'")
    delay = 0.0
    if stream.fault is not None:
        plan.note_injected()
        rendered = render_fault(stream.fault, "stop")
        if rendered is not None:
            return rendered
        delay = stream.fault.seconds
    if stream.status != "stopped":
        stream.status = "stopped"
        stream.date_updated = store.clock()
    response = json_response(200, stream.to_json())
    response.delay = delay
    return response


def create_stream(store: Store, conference: Conference, form: Mapping[str, str]) -> Response:
    """Create Conference Stream: `Url` required (wss only), optional unique `Name`; answers 200
    with the new stream, which can be stopped by its SID (or name) like any other."""
    errors = _create_errors(conference, form)
    if errors:
        return unprocessable(*errors)
    name = form.get("Name") or None
    stream = store.add_stream(conference.account_sid, conference.sid, name=name, url=form["Url"])
    return json_response(200, stream.to_json())


def _create_errors(conference: Conference, form: Mapping[str, str]) -> list[str]:
    url = form.get("Url", "").strip()
    if not url:
        return ["Url can't be blank"]
    if not url.lower().startswith("wss://"):
        # The document: "The only supported protocol is wss. For security reasons ws is NOT
        # supported."
        return ["Url must be a wss:// URL (ws:// is not supported)"]
    errors: list[str] = []
    name = form.get("Name") or None
    if name is not None and len(name) > MAX_NAME_LENGTH:
        errors.append(f"Name is too long (maximum is {MAX_NAME_LENGTH} characters)")
    if name is not None and name in conference.stream_names:
        errors.append("Name has already been taken")
    for key, choices in CREATE_CHOICES.items():
        value = form.get(key)
        if value is not None and value not in choices:
            errors.append(f"{key} must be one of {', '.join(choices)}")
    if conference.status == "completed":
        errors.append("Conference is not in progress")
    return errors


_DATE_FILTERS = (
    "DateCreated",
    "DateCreated<",
    "DateCreated>",
    "DateUpdated",
    "DateUpdated<",
    "DateUpdated>",
)


@dataclass(frozen=True)
class _ListQuery:
    """List Conferences' validated query: the filters as sent (echoed in paging links), the
    parsed dates, and the page."""

    filters: tuple[tuple[str, str], ...]
    status: str | None
    friendly_name: str | None
    dates: tuple[tuple[str, date], ...]
    page_size: int
    page: int

    def keeps(self, conference: Conference) -> bool:
        return (
            (self.status is None or conference.status == self.status)
            and (self.friendly_name is None or conference.friendly_name == self.friendly_name)
            and all(_date_ok(conference, key, value) for key, value in self.dates)
        )


def _list_query(query: Mapping[str, str]) -> _ListQuery | Response:
    """The query, or the 400 that its first bad parameter gets."""
    status = query.get("Status")
    if status is not None and status not in CONFERENCE_STATUSES:
        return signalwire_error(
            400, message=f"Status must be one of {', '.join(CONFERENCE_STATUSES)}"
        )
    friendly_name = query.get("FriendlyName")
    if friendly_name is not None and len(friendly_name) > MAX_FRIENDLY_NAME_LENGTH:
        return signalwire_error(
            400, message=f"FriendlyName is longer than {MAX_FRIENDLY_NAME_LENGTH} characters"
        )
    filters = [(key, query[key]) for key in ("Status", "FriendlyName") if key in query]
    dates: list[tuple[str, date]] = []
    for key in _DATE_FILTERS:
        if key in query:
            try:
                dates.append((key, date.fromisoformat(query[key])))
            except ValueError:
                return signalwire_error(400, message=f"{key} must be a date like 2025-03-04")
            filters.append((key, query[key]))
    page_size = _int_param(query, "PageSize", DEFAULT_PAGE_SIZE)
    if page_size is None or not 1 <= page_size <= MAX_PAGE_SIZE:
        return signalwire_error(
            400, message=f"PageSize must be an integer between 1 and {MAX_PAGE_SIZE}"
        )
    page = _int_param(query, "Page", 0)
    if page is None or page < 0:
        return signalwire_error(400, message="Page must be an integer >= 0")
    return _ListQuery(tuple(filters), status, friendly_name, tuple(dates), page_size, page)


def list_conferences(store: Store, account_sid: str, query: Mapping[str, str]) -> Response:
    """List Conferences, newest first: exactly the fields of SignalWire's sealed
    `ConferenceListResponse`, paging links to the document's `/Conferences` path."""
    parsed = _list_query(query)
    if isinstance(parsed, Response):
        return parsed
    conferences = [
        conference
        for conference in store.accounts[account_sid].conferences.values()
        if parsed.keeps(conference)
    ]
    conferences.sort(key=lambda c: (c.date_created, c.sid), reverse=True)
    page, page_size = parsed.page, parsed.page_size
    start = page * page_size
    items = conferences[start : start + page_size]

    base = f"{API_PREFIX}/Accounts/{account_sid}/Conferences"

    def page_uri(number: int) -> str:
        paging = [("PageSize", page_size), ("Page", number)]
        return f"{base}?{urlencode([*parsed.filters, *paging])}"

    return json_response(
        200,
        {
            "conferences": [conference.to_json() for conference in items],
            "uri": page_uri(page),
            "first_page_uri": page_uri(0),
            "next_page_uri": page_uri(page + 1) if start + page_size < len(conferences) else None,
            "previous_page_uri": page_uri(page - 1) if page > 0 else None,
            "page": page,
            "page_size": page_size,
        },
    )


def _int_param(query: Mapping[str, str], key: str, default: int) -> int | None:
    text = query.get(key)
    if text is None:
        return default
    text = text.strip()
    if not text.isdigit():
        return None
    return int(text)


def _date_ok(conference: Conference, key: str, value: date) -> bool:
    moment = conference.date_created if key.startswith("DateCreated") else conference.date_updated
    day = moment.date()
    if key.endswith("<"):
        return day <= value
    if key.endswith(">"):
        return day >= value
    return day == value
