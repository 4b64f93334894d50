"""Every kind of failure ends in the error panel with its class, its details and a hint: never a
crash, never a stack trace."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from streamtui.emulator import DEMO_CONFERENCE_SID, DEMO_STREAM_SID, Emulator, Fault
from streamtui.errors import (
    AuthenticationError,
    DeadlineExceeded,
    NetworkError,
    NotFoundError,
    RejectedError,
    ServerError,
    StreamTuiError,
    UnreadableResponse,
)
from streamtui.tui.screens.main import Prefill
from streamtui.tui.widgets.panels import ErrorPanel, FieldList, ResultPanel
from tests.support.clock import FakeClock
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    SessionFactory,
    current_panel,
    screen_text,
    settle,
    static_text,
    stop_requests,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def refused_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Case:
    """How to provoke the failure, and what the panel must then say."""

    error: type[StreamTuiError]
    title: str
    rows: dict[str, str]  # field -> value shown (regex)
    hint: str
    requests: int
    prefill: Prefill = FULL
    arrange: Callable[[Emulator], None] = lambda emu: None
    session: dict[str, object] | None = None
    timeout: float = 30.0


def _queue(*faults: Fault) -> Callable[[Emulator], None]:
    return lambda emu: emu.faults.queue(*faults)


def _latency(seconds: float) -> Callable[[Emulator], None]:
    return lambda emu: emu.faults.set_latency(seconds)


CASES = {
    "401-wrong-token": Case(
        AuthenticationError,
        "Authentication failed",
        {"HTTP status": "401", "SignalWire code": "20003", "message": "Authentication failed"},
        "Check the project ID and API token",
        1,
        session={"token": "PTwrong-token-0000000000"},
    ),
    "404-unknown-stream": Case(
        NotFoundError,
        "Not found",
        {"HTTP status": "404", "SignalWire code": "20404", "request id": UUID.pattern},
        "Either there is no stream named 'no-such-feed' on conference " + DEMO_CONFERENCE_SID,
        1,
        prefill=Prefill("", DEMO_CONFERENCE_SID, "no-such-feed"),
    ),
    "400": Case(
        RejectedError,
        "Rejected by SignalWire",
        {"HTTP status": "400", "SignalWire code": "10000"},
        "SignalWire refused the request as it stands: The argument passed is invalid.",
        1,
        arrange=_queue(Fault.status(400)),
    ),
    "422": Case(
        RejectedError,
        "Rejected by SignalWire",
        {"HTTP status": "422", "message": "Status is not a valid value"},
        "SignalWire refused the request as it stands: Status is not a valid value",
        1,
        arrange=_queue(Fault.status(422, message="Status is not a valid value")),
    ),
    "503x3": Case(
        ServerError,
        "SignalWire server error",
        {
            "HTTP status": "503",
            "SignalWire code": "20503",
            "message": "Service Unavailable",
            "request id": UUID.pattern,
            "attempts": "3",
        },
        "SignalWire had a server error after 3 attempts. Stopping is safe to repeat",
        3,
        arrange=_queue(*[Fault.status(503)] * 3),
    ),
    "html-502": Case(
        ServerError,
        "SignalWire server error",
        {"HTTP status": "502", "message": "HTML page \\('502 Bad Gateway'\\)"},
        "SignalWire had a server error after 3 attempts",
        3,
        arrange=_queue(*[Fault.html_502()] * 3),
    ),
    "malformed-json": Case(
        UnreadableResponse,
        "Unreadable response",
        {"HTTP status": "200", "message": "not valid JSON"},
        "The answer could not be read, so the stop may or may not have taken effect",
        1,  # a 200 that cannot be read is not retried: the stop may have happened
        arrange=_queue(Fault.malformed_json()),
    ),
    "empty-body": Case(
        UnreadableResponse,
        "Unreadable response",
        {"HTTP status": "200", "message": "empty body"},
        "The answer could not be read",
        1,
        arrange=_queue(Fault.empty_body()),
    ),
    "dropped-connection-x3": Case(
        NetworkError,
        "Network error",
        {"message": "the connection was dropped", "host": "127.0.0.1"},
        "Check that 127.0.0.1 is reachable from here",
        3,
        arrange=_queue(*[Fault.drop_connection()] * 3),
    ),
    "timeout": Case(
        DeadlineExceeded,
        "Timed out",
        {"message": "No answer from 127.0.0.1 within 1.5 s", "timeout": "1.5 s"},
        "Nothing answered from 127.0.0.1 within 1.5 s",
        1,
        arrange=_latency(10.0),
        timeout=1.5,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_error_panel(
    make_app: AppFactory, make_session: SessionFactory, emu: Emulator, name: str
) -> None:
    case = CASES[name]
    case.arrange(emu)
    session = make_session(**(case.session or {}))
    # On a fake clock a deadline counts from the moment the request is handed to the network:
    # the app's own work before that (seconds on a loaded machine) does not eat into it.
    app = make_app(case.prefill, timeout=case.timeout, session=session, clock=FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert app.is_running
        assert current_panel(app) == "error"
        panel = app.main.query_one(ErrorPanel)
        assert type(panel.error) is case.error, panel.error
        rows = {name: shown.plain for name, shown, _ in panel.query_one(FieldList).rows}
        for field, pattern in case.rows.items():
            assert field in rows, (field, rows)
            assert re.search(pattern, rows[field]), (field, rows[field])
        assert static_text(app, "#error-title") == f"✘ {case.title}"  # no class name
        hint = static_text(app, "#error-hint")
        assert hint.startswith("hint: ")
        assert case.hint in hint
        text = screen_text(app)
        assert f"✘ {case.title}" in text
        assert "Traceback" not in text
        assert " ".join(case.hint.split()) in " ".join(text.split())  # the hint is on screen
        for field in case.rows:
            assert field in text
    assert len(stop_requests(emu)) == case.requests
    [record] = session.history.read()
    assert record["outcome"] == "failed"


async def test_429_then_success_shows_the_result(make_app: AppFactory, emu: Emulator) -> None:
    emu.faults.queue(Fault.rate_limited(0.3))
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "result"
        result = app.main.query_one(ResultPanel).result
        assert result is not None and result.status == "stopped"
        assert "✔ Stream stopped" in screen_text(app)
    sent = stop_requests(emu)
    assert [r.response_status for r in sent] == [429, 200]
    assert sent[1].time - sent[0].time >= 0.3  # Retry-After honoured
    assert emu.retry_after_violations == 0


async def test_connection_refused_is_a_network_error(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    session = make_session(base_url=f"http://127.0.0.1:{refused_port()}")
    app = make_app(FULL, session=session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "error"
        error = app.main.query_one(ErrorPanel).error
        assert type(error) is NetworkError
        assert "could not connect" in error.message
        assert error.attempts == 3  # connect errors are retried: stopping is idempotent
        hint = static_text(app, "#error-hint")
        assert "Check that 127.0.0.1 is reachable from here" in hint
        assert "✘ Network error" in screen_text(app)


async def test_emulator_stopped_after_start_is_a_network_error(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emu.stop()
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "error"
        assert isinstance(app.main.query_one(ErrorPanel).error, NetworkError)


async def test_error_then_success_replaces_the_panel(make_app: AppFactory, emu: Emulator) -> None:
    emu.faults.queue(Fault.status(400))
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "error"
        app.main.field("stream").input.focus()
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "result"
        text = screen_text(app)
        assert "✔ Stream stopped" in text
        assert "Rejected" not in text


async def test_401_does_not_show_the_token(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    token = "PTwrong-token-0000000000"
    app = make_app(FULL, session=make_session(token=token))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "error"
        assert token not in screen_text(app)
