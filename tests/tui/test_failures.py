"""Finding 11: a worker's failure always lands in an error panel (or the screen's error line), in
plain words, and the UI is usable again; never a frozen "Stopping…" or "loading…".

The failures are injected: a client method that raises what no handler expected.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from streamtui.api import SignalWireClient
from streamtui.emulator import (
    DEMO_CONFERENCE_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_STREAM_SID,
    Emulator,
    Fault,
)
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.batch import BatchScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.widgets.panels import ErrorPanel, FieldList
from tests.support.hostile import Conn, HostileServer, Request, response
from tests.support.memory_keyring import MemoryKeyring
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    SessionFactory,
    current_panel,
    notifications,
    paste,
    screen_text,
    settle,
    static_text,
    stop_requests,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
UNEXPECTED = "streamtui hit an unexpected error: date value out of range; nothing more was sent."


async def overflowing_stop(self: SignalWireClient, *args: Any, **kwargs: Any) -> Any:
    raise OverflowError("date value out of range")


def flat(text: str) -> str:
    return " ".join(text.split())


def message_row(app: StreamTuiApp) -> str:
    """The error panel's message, whole (on screen it wraps)."""
    rows = app.main.query_one(ErrorPanel).query_one(FieldList).rows
    return next(shown.plain for name, shown, _ in rows if name == "message")


async def test_an_unexpected_error_in_a_stop_lands_in_the_error_panel(
    make_app: AppFactory, emu: Emulator, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        with monkeypatch.context() as patch:
            patch.setattr(SignalWireClient, "stop_stream", overflowing_stop)
            await pilot.press("ctrl+s", "y")
            await settle(pilot)
        assert current_panel(app) == "error"
        text = flat(screen_text(app))
        assert "Stopping" not in text
        assert "✘ Unexpected error" in text
        assert message_row(app) == UNEXPECTED
        assert "streamtui hit an unexpected error: date value out of range;" in text
        assert "OverflowError" not in text and "Traceback" not in text  # plain words
        assert "stopping is safe to repeat" in flat(static_text(app, "#error-hint")).lower()
        assert not app.main.in_flight
        await pilot.press("ctrl+s", "y")  # usable again: the same stop now goes through
        await settle(pilot)
        assert current_panel(app) == "result"
    assert len(stop_requests(emu)) == 1
    [first, second] = session.history.read()[::-1]
    assert first["outcome"] != "stopped" and second["outcome"] == "stopped"


async def test_a_date_out_of_range_in_a_stopped_stream_still_shows_the_result(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    def far_future(request: Request, conn: Conn) -> None:
        body = {
            "sid": DEMO_STREAM_SID,
            "status": "stopped",
            "conference_sid": DEMO_CONFERENCE_SID,
            "date_updated": "Fri, 31 Dec 9999 23:59:59 -1400",
        }
        conn.send(response(200, json.dumps(body).encode()))

    with HostileServer(far_future) as server:
        app = make_app(FULL, session=make_session(base_url=server.base_url))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+s", "y")
            await settle(pilot)
            assert current_panel(app) == "result"
            text = screen_text(app)
            assert "✔ Stream stopped" in text
            assert "Fri, 31 Dec 9999 23:59:59 -1400" in text


async def test_an_unexpected_error_in_f4_lands_in_the_error_panel(
    make_app: AppFactory, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_pages(self: SignalWireClient, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise RuntimeError("the page could not be read")
        yield []  # an async generator, as the real one is

    monkeypatch.setattr(SignalWireClient, "conference_pages", broken_pages)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert current_panel(app) == "error"
        text = flat(screen_text(app))
        assert "loading…" not in text
        assert message_row(app) == (
            "streamtui hit an unexpected error: the page could not be read; nothing more was sent."
        )
        assert "✘ Listing conferences: Unexpected error" in text
        hint = static_text(app, "#error-hint").lower()
        assert "stop" not in hint  # a listing is not a stop
        assert app.focused is app.main.field("conference").input  # usable again, as before F4


async def test_a_listing_error_shows_a_listing_hint(make_app: AppFactory, emu: Emulator) -> None:
    emu.faults.queue(*[Fault.drop_connection()] * 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert current_panel(app) == "error"
        assert isinstance(app.main.query_one(ErrorPanel).error, Exception)
        hint = flat(static_text(app, "#error-hint"))
        assert "Check that 127.0.0.1 is reachable from here" in hint
        assert "stop" not in hint.lower()
        assert "F4" in hint  # how to try again
        assert "✘ Listing conferences: Network error" in screen_text(app)


async def test_an_unexpected_error_in_f5_lands_in_its_status_line(
    make_app: AppFactory, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SignalWireClient, "stop_stream", overflowing_stop)
    app = make_app(Prefill("", DEMO_INCIDENT_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        app.screen.query_one("#batch-pasted").focus()
        await paste(pilot, "feed-a\nfeed-b\nfeed-c\nfeed-d\nfeed-e\nfeed-f")
        app.screen.query_one("#batch-concurrency").value = "1"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BatchScreen)
        assert not screen.running
        assert UNEXPECTED in flat(static_text(app, "#batch-status"))
        batch = screen.current_batch
        assert batch is not None and batch.cancelled  # the queued ones never start
        await pilot.press("escape")  # usable: escape closes
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_an_unexpected_error_in_f8_lands_in_its_message_line(
    make_app: AppFactory, make_session: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_pages(self: SignalWireClient, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise RuntimeError("the page could not be read")
        yield []

    monkeypatch.setattr(SignalWireClient, "conference_pages", broken_pages)
    session = make_session(demo=False)
    session.store = MemoryKeyring()  # type: ignore[assignment]
    app = make_app(session=session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        app.screen.query_one("#cred-space").value = "acme"  # type: ignore[attr-defined]
        await paste(pilot, "PTa-token-long-enough-1234")
        app.screen.query_one("#cred-login").press()  # type: ignore[attr-defined]
        await settle(pilot)
        message = flat(static_text(app, "#credentials-message"))
        assert "streamtui hit an unexpected error: the page could not be read" in message


async def test_a_failure_while_showing_a_failure_still_leaves_the_progress_panel(
    make_app: AppFactory, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last net: the worker itself ends in error (its own error handling failed)."""

    async def broken_panel(self: MainScreen, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the panel could not be drawn")

    monkeypatch.setattr(SignalWireClient, "stop_stream", overflowing_stop)
    monkeypatch.setattr(MainScreen, "show_error", broken_panel)
    app = make_app(FULL)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        assert current_panel(app) == "notice"
        expected = "streamtui hit an unexpected error: the panel could not be drawn"
        assert expected in flat(static_text(app, "#notice"))
        assert any(expected in message for message in notifications(app))
        assert not app.main.in_flight
        assert app.focused is app.main.field("stream").input
