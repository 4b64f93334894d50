"""Every answer the emulator gives, checked against SignalWire's published OpenAPI document.

The emulator is the ground truth of most tests, so it must answer what SignalWire's own document
says: for an operation and a status the document lists, the answer must match that response
exactly (status, content type, sealed schema); a status the document does not list for the
operation (429, most 5xx: real servers send them, the document is silent) must still carry the
document's one error model, `CompatibilityErrorResponse`. openapi-core does the checking.

The document is read from `shared/official-spec/` beside the checkout, never copied into it.
Deliberate deviations, each pinned by a test below: a stream may be stopped by its name although
the document declares the `Sid` path segment a UUID; the fault kinds that imitate a proxy or a
broken upstream (an HTML 502, truncated JSON, an empty body) are outside the document on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
import yaml
from jsonschema.exceptions import ValidationError as JsonSchemaError
from jsonschema_path import SchemaPath
from openapi_core import Config, OpenAPI
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.validators import (
    V31RequestBodyValidator,
    V31RequestParametersValidator,
)
from openapi_schema_validator import OAS31Validator

from streamtui.emulator import (
    API_PREFIX,
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_COMPLETED_CONFERENCE_SID,
    DEMO_CONFERENCE_SID,
    DEMO_CONFERENCES,
    DEMO_FLAKY_STREAM_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_QUEUED_STREAM_SID,
    DEMO_STOPPED_STREAM_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    Emulator,
    Fault,
)
from streamtui.emulator.server import MAX_BODY

SPEC = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "official-spec"
    / "compatibility-openapi.yaml"
)
# The document's server is `https://{space_name}.signalwire.com/api/laml/2010-04-01`: requests are
# checked as if sent there, with the emulator's paths unchanged.
SERVER = "https://demo.signalwire.com"
AUTH = (DEMO_PROJECT_ID, DEMO_API_TOKEN)
UNKNOWN_SID = "0b6f3c1e-5d7a-4f42-9e3b-2a8c6d4f1e90"
UNNAMED_SID = "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
WSS = "wss://media.example.com/feed"


def stop_path(
    stream: str, conference: str = DEMO_CONFERENCE_SID, account: str = DEMO_ACCOUNT_SID
) -> str:
    return (
        f"{API_PREFIX}/Accounts/{account}/Conferences/{conference}/Streams/{quote(stream, safe='')}"
    )


def create_path(conference: str = DEMO_CONFERENCE_SID) -> str:
    return f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{conference}/Streams"


def list_path(account: str = DEMO_ACCOUNT_SID) -> str:
    return f"{API_PREFIX}/Accounts/{account}/Conferences"


def fetch_path(conference: str = DEMO_CONFERENCE_SID) -> str:
    return f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{conference}"


# --- the document and the validator, loaded once -------------------------------------------------


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    if not SPEC.is_file():
        pytest.fail(
            f"SignalWire's OpenAPI document is missing: expected {SPEC} "
            "(shared/official-spec/ beside the checkout, unchanged; see its SOURCE.md)."
        )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with SPEC.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    return loaded


@pytest.fixture(scope="module")
def openapi(document: dict[str, Any]) -> OpenAPI:
    # Checking SignalWire's document itself would cost seconds and is not our job: we check our
    # answers against it.
    return OpenAPI(SchemaPath.from_dict(document), config=Config(spec_validator_cls=None))


@pytest.fixture(scope="module")
def error_model(document: dict[str, Any]) -> OAS31Validator:
    schema = document["components"]["schemas"]["CompatibilityErrorResponse"]
    return OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        yield emu


@pytest.fixture
def emu(module_emulator: Emulator) -> Iterator[Emulator]:
    """One server for the module, as freshly started for each test."""
    module_emulator.reset()
    yield module_emulator
    assert not module_emulator.errors, "\n".join(module_emulator.errors)


@pytest.fixture(scope="module")
def module_http(module_emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=module_emulator.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def http(emu: Emulator, module_http: httpx.Client) -> httpx.Client:
    return module_http


# --- checking one exchange -----------------------------------------------------------------------


def as_request(request: httpx.Request) -> MockRequest:
    return MockRequest(
        SERVER,
        request.method,
        request.url.path,
        args=dict(request.url.params),
        headers=dict(request.headers),
        data=request.content,
        content_type=request.headers.get("content-type", ""),
    )


def check_answer(openapi: OpenAPI, error_model: OAS31Validator, response: httpx.Response) -> None:
    """The answer is what the document describes for this operation and status."""
    answer = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("content-type", ""),
    )
    try:
        openapi.validate_response(as_request(response.request), answer)
    except ResponseNotFound:
        # A status the document does not list for this operation: its error model still holds.
        assert response.headers["content-type"].split(";")[0] == "application/json"
        error_model.validate(response.json())


def request_errors(openapi: OpenAPI, request: httpx.Request) -> list[str]:
    """What the document finds wrong with a request's parameters and body. Not its Basic auth:
    openapi-core compares the header's scheme, lowercased, with the document's `Basic` verbatim,
    although schemes are case-insensitive (the 401 cases cover authentication)."""
    checked = as_request(request)
    errors = [
        *V31RequestParametersValidator(openapi.spec).iter_errors(checked),
        *V31RequestBodyValidator(openapi.spec).iter_errors(checked),
    ]
    return [f"{type(error).__name__}: {error} {error.__cause__ or ''}" for error in errors]


# --- one answer per operation and status ---------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """A request, the status the emulator must answer, and whether the request itself is one
    the document allows (some are outside it on purpose, to draw an error)."""

    name: str
    method: str
    path: str
    status: int
    form: dict[str, str] | None = None
    params: dict[str, str] = field(default_factory=dict)
    auth: tuple[str, str] | None = AUTH
    request_in_spec: bool = True
    prepare: Callable[[Emulator], object] | None = None


def _unnamed_stream(emu: Emulator) -> object:
    return emu.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, UNNAMED_SID, name=None)


def _rate_limit_every_stop(emu: Emulator) -> None:
    emu.faults.rate_limit_every(1, retry_after="0")


STOP = {"Status": "stopped"}
TOO_LARGE = {"Status": "stopped", "Padding": "x" * MAX_BODY}
CALLS = [
    # Update Conference Stream (the stop)
    Call("stop", "POST", stop_path(DEMO_STREAM_SID), 200, STOP),
    Call("stop-queued", "POST", stop_path(DEMO_QUEUED_STREAM_SID), 200, STOP),
    Call(
        "stop-already-stopped",
        "POST",
        stop_path(DEMO_STOPPED_STREAM_SID, DEMO_INCIDENT_CONFERENCE_SID),
        200,
        STOP,
    ),
    Call("stop-unnamed", "POST", stop_path(UNNAMED_SID), 200, STOP, prepare=_unnamed_stream),
    # Deviation kept on purpose: the document's Sid is a UUID, yet it says a name stops a stream.
    Call("stop-by-name", "POST", stop_path(DEMO_STREAM_NAME), 200, STOP, request_in_spec=False),
    Call("stop-no-auth", "POST", stop_path(DEMO_STREAM_SID), 401, STOP, auth=None),
    Call("stop-wrong-token", "POST", stop_path(DEMO_STREAM_SID), 401, STOP, auth=(AUTH[0], "nope")),
    Call("stop-unknown-stream", "POST", stop_path(UNKNOWN_SID), 404, STOP),
    Call("stop-unknown-conference", "POST", stop_path(DEMO_STREAM_SID, UNKNOWN_SID), 404, STOP),
    Call(
        "stop-unknown-account",
        "POST",
        stop_path(DEMO_STREAM_SID, account=UNKNOWN_SID),
        404,
        STOP,
    ),
    Call(
        "stop-other-status",
        "POST",
        stop_path(DEMO_STREAM_SID),
        422,
        {"Status": "in-progress"},
        request_in_spec=False,
    ),
    Call("stop-no-status", "POST", stop_path(DEMO_STREAM_SID), 422, {}, request_in_spec=False),
    # The document sets no size limit; the emulator refuses a body over 1 MiB.
    Call("stop-too-large", "POST", stop_path(DEMO_STREAM_SID), 400, TOO_LARGE),
    Call(
        "stop-rate-limited",
        "POST",
        stop_path(DEMO_STREAM_SID),
        429,
        STOP,
        prepare=_rate_limit_every_stop,
    ),
    Call(
        "stop-flaky-503",
        "POST",
        stop_path(DEMO_FLAKY_STREAM_SID, DEMO_INCIDENT_CONFERENCE_SID),
        503,
        STOP,
    ),
    # Create Conference Stream
    Call("create", "POST", create_path(), 200, {"Url": WSS, "Name": "conformance"}),
    Call(
        "create-unnamed-with-options",
        "POST",
        create_path(),
        200,
        {
            "Url": WSS,
            "Track": "inbound_track",
            "StatusCallback": "https://hooks.example.com/stream",
            "StatusCallbackMethod": "GET",
            "StreamCodec": "PCMU",
            "StreamRealTime": "true",
        },
    ),
    Call("create-no-auth", "POST", create_path(), 401, {"Url": WSS}, auth=None),
    Call("create-unknown-conference", "POST", create_path(UNKNOWN_SID), 404, {"Url": WSS}),
    Call("create-no-url", "POST", create_path(), 422, {"Name": "x"}, request_in_spec=False),
    Call("create-ws-url", "POST", create_path(), 422, {"Url": "ws://media.example.com/feed"}),
    Call("create-taken-name", "POST", create_path(), 422, {"Url": WSS, "Name": DEMO_STREAM_NAME}),
    Call(
        "create-bad-track",
        "POST",
        create_path(),
        422,
        {"Url": WSS, "Track": "sideways"},
        request_in_spec=False,
    ),
    Call("create-completed", "POST", create_path(DEMO_COMPLETED_CONFERENCE_SID), 422, {"Url": WSS}),
    Call("create-too-large", "POST", create_path(), 400, {"Url": WSS, **TOO_LARGE}),
    # List All Conferences
    Call("list", "GET", list_path(), 200),
    Call("list-live", "GET", list_path(), 200, params={"Status": "in-progress", "PageSize": "1"}),
    Call(
        "list-filtered",
        "GET",
        list_path(),
        200,
        params={"FriendlyName": "Sales all-hands", "DateCreated>": "2025-03-01"},
    ),
    Call("list-second-page", "GET", list_path(), 200, params={"PageSize": "1", "Page": "1"}),
    Call("list-no-auth", "GET", list_path(), 401, auth=None),
    # The document lists no 404 here: an account these credentials may not use is a 401.
    Call("list-other-account", "GET", list_path(UNKNOWN_SID), 401),
    Call("list-bad-status", "GET", list_path(), 400, params={"Status": "x"}, request_in_spec=False),
    Call(
        "list-bad-page-size",
        "GET",
        list_path(),
        400,
        params={"PageSize": "1001"},
        request_in_spec=False,
    ),
    Call("list-bad-page", "GET", list_path(), 400, params={"Page": "-1"}, request_in_spec=False),
    Call("list-bad-date", "GET", list_path(), 400, params={"DateCreated": "yesterday"}),
    Call(
        "list-long-name",
        "GET",
        list_path(),
        400,
        params={"FriendlyName": "x" * 65},
        request_in_spec=False,
    ),
    # Retrieve a Conference
    Call("fetch", "GET", fetch_path(), 200),
    Call("fetch-completed", "GET", fetch_path(DEMO_COMPLETED_CONFERENCE_SID), 200),
    Call("fetch-no-auth", "GET", fetch_path(), 401, auth=None),
    Call("fetch-unknown", "GET", fetch_path(UNKNOWN_SID), 404),
]


def send(http: httpx.Client, call: Call) -> httpx.Response:
    return http.request(
        call.method,
        call.path,
        params=call.params or None,
        data=call.form,
        auth=call.auth if call.auth is not None else httpx.USE_CLIENT_DEFAULT,
    )


@pytest.mark.parametrize("call", CALLS, ids=[call.name for call in CALLS])
def test_every_answer_is_what_the_document_describes(
    emu: Emulator, http: httpx.Client, openapi: OpenAPI, error_model: OAS31Validator, call: Call
) -> None:
    if call.prepare is not None:
        call.prepare(emu)

    response = send(http, call)

    assert response.status_code == call.status, response.text[:500]
    check_answer(openapi, error_model, response)
    errors = request_errors(openapi, response.request)
    assert (not errors) == call.request_in_spec, errors


def test_stop_by_name_is_outside_the_document_only_by_the_sid_format(
    http: httpx.Client, openapi: OpenAPI
) -> None:
    response = http.post(stop_path(DEMO_STREAM_NAME), data=STOP, auth=AUTH)
    assert response.status_code == 200
    [error] = request_errors(openapi, response.request)
    assert "uuid" in error and "Sid" in error


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nowhere"),
        ("POST", f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Calls"),
        ("DELETE", stop_path(DEMO_STREAM_SID)),
    ],
)
def test_answers_outside_the_documents_operations_use_its_error_model(
    http: httpx.Client, error_model: OAS31Validator, method: str, path: str
) -> None:
    response = http.request(method, path, auth=AUTH)
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == "application/json"
    error_model.validate(response.json())


# --- paging --------------------------------------------------------------------------------------


def test_paging_links_are_the_documents_paths_and_every_page_conforms(
    http: httpx.Client, openapi: OpenAPI, error_model: OAS31Validator
) -> None:
    seen: list[str] = []
    link: str | None = list_path() + "?PageSize=1"
    while link is not None and len(seen) <= len(DEMO_CONFERENCES):
        response = http.get(link, auth=AUTH)
        check_answer(openapi, error_model, response)
        assert request_errors(openapi, response.request) == []
        body = response.json()
        for key in ("uri", "first_page_uri", "next_page_uri", "previous_page_uri"):
            if body[key] is not None:
                assert urlsplit(body[key]).path == list_path(), body[key]
        seen += [conference["sid"] for conference in body["conferences"]]
        link = body["next_page_uri"]
    assert link is None
    assert sorted(seen) == sorted(conference.sid for conference in DEMO_CONFERENCES)


# --- faults: every status an injected fault can give, on every operation --------------------------

ROUTES = {
    "stop": Call("stop", "POST", stop_path(DEMO_STREAM_SID), 0, STOP),
    "create": Call("create", "POST", create_path(), 0, {"Url": WSS}),
    "list": Call("list", "GET", list_path(), 0),
    "fetch": Call("fetch", "GET", fetch_path(), 0),
}
FAULT_STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504]


@pytest.mark.parametrize("status", FAULT_STATUSES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_injected_error_statuses_conform(
    emu: Emulator,
    http: httpx.Client,
    openapi: OpenAPI,
    error_model: OAS31Validator,
    route: str,
    status: int,
) -> None:
    emu.faults.queue(Fault.status(status, retry_after="1" if status in (429, 503) else None))
    response = send(http, ROUTES[route])
    assert response.status_code == status
    check_answer(openapi, error_model, response)


@pytest.mark.parametrize("route", list(ROUTES))
def test_rate_limited_with_an_http_date_conforms(
    emu: Emulator, http: httpx.Client, openapi: OpenAPI, error_model: OAS31Validator, route: str
) -> None:
    emu.faults.queue(Fault.rate_limited(1, http_date=True))
    response = send(http, ROUTES[route])
    assert response.status_code == 429
    check_answer(openapi, error_model, response)


DELIBERATELY_BROKEN = {
    "html-502": Fault.html_502(),
    "truncated-json": Fault.malformed_json(),
    "empty-200": Fault.empty_body(),
    "empty-503": Fault.empty_body(503),
    "empty-object-200": Fault.status(200),
}


@pytest.mark.parametrize("fault", DELIBERATELY_BROKEN.values(), ids=list(DELIBERATELY_BROKEN))
def test_faults_that_imitate_a_broken_server_are_outside_the_document(
    emu: Emulator, http: httpx.Client, openapi: OpenAPI, error_model: OAS31Validator, fault: Fault
) -> None:
    """They stand for a proxy or a broken upstream, which the client must survive: if one of them
    ever passed, it would no longer test what it claims to."""
    emu.faults.queue(fault)
    response = send(http, ROUTES["stop"])
    with pytest.raises((OpenAPIError, JsonSchemaError, AssertionError, ValueError)):
        check_answer(openapi, error_model, response)
