"""Incident mode: F4 live conferences, F5 batch stop (with cancellation, and
more streams than workers; 1,000 streams: tests/benchmarks/bench_tui_batch.py)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, TextArea

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_CAPTIONS_STREAM_SID,
    DEMO_CONFERENCE_SID,
    DEMO_FLAKY_STREAM_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_SALES_CONFERENCE_SID,
    DEMO_STOPPED_STREAM_SID,
    Emulator,
)
from streamtui.errors import AuthenticationError, NotFoundError, ServerError
from streamtui.outcome import Outcome
from streamtui.session import Session
from streamtui.tui.screens.batch import BatchConfirmScreen, BatchScreen
from streamtui.tui.screens.conferences import ConferencesScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.widgets.panels import ErrorPanel
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    Hold,
    SessionFactory,
    current_panel,
    paste,
    screen_text,
    settle,
    static_text,
    stop_requests,
    type_text,
    wait_until,
)

STOPPED, FAILED, CANCELLED = Outcome.STOPPED, Outcome.FAILED, Outcome.CANCELLED
INCIDENT = Prefill("", DEMO_INCIDENT_CONFERENCE_SID, "")


async def test_f4_lists_the_live_conferences_and_enter_fills_the_field(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3  # the completed "Weekly standup" is not listed
        names = [str(table.get_row_at(i)[0]) for i in range(3)]
        assert names == ["Sales all-hands", "Incident war room", "Support bridge — EU"]
        text = screen_text(app)
        assert "3 in-progress conferences (1 page)" in text
        assert "Weekly standup" not in text

        await type_text(pilot, "war")  # the filter narrows the rows
        assert table.row_count == 1
        await pilot.press("backspace", "backspace", "backspace", "down")
        assert table.row_count == 3
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.main.field("conference").value == DEMO_INCIDENT_CONFERENCE_SID
        assert app.main.field("conference").note == "“Incident war room”"
        assert app.focused is app.main.field("stream").input
    [listing] = emu.requests
    assert listing.method == "GET"
    assert listing.path.endswith(f"/Accounts/{DEMO_ACCOUNT_SID}/Conferences")
    assert listing.query == {"PageSize": "1000", "Status": "in-progress"}


async def test_f4_enter_right_away_takes_the_newest(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.field("conference").value == DEMO_SALES_CONFERENCE_SID


async def test_f4_with_a_wrong_token_shows_the_error_panel(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    app = make_app(session=make_session(token="PTwrong-token-0000000000"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert current_panel(app) == "error"
        assert isinstance(app.main.query_one(ErrorPanel).error, AuthenticationError)
        text = screen_text(app)
        assert "✘ Listing conferences: Authentication failed" in text
        assert "Check the project ID and API token" in " ".join(text.split())


async def test_f5_needs_a_valid_conference(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app(Prefill(conference="nope"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.main.field("conference").invalid
        assert app.focused is app.main.field("conference").input
    assert emu.requests == []


def batch_states(app: object) -> dict[str, str]:
    batch = app.screen.current_batch  # type: ignore[attr-defined]
    assert batch is not None
    return {item.target.stream.value: item.state for item in batch.reports}


async def test_f5_batch_of_saved_and_pasted_streams(
    make_app: AppFactory, emu: Emulator, session: Session
) -> None:
    app = make_app(INCIDENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        saved = app.screen.query_one(SelectionList)
        assert app.focused is saved
        assert saved.option_count == 3  # the saved streams of this conference only
        await pilot.press("space", "down", "space")  # live captions, flaky recorder
        assert sorted(saved.selected) == sorted([DEMO_CAPTIONS_STREAM_SID, DEMO_FLAKY_STREAM_SID])
        await pilot.press("tab")
        assert app.focused is app.screen.query_one(TextArea)
        await paste(
            pilot,
            "# pasted from the incident channel\nai-summary\n\nno-such-feed\n"
            f"{DEMO_CAPTIONS_STREAM_SID}\n",
        )

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BatchConfirmScreen)
        text = screen_text(app)
        assert "Stop 4 streams?" in text  # the duplicate counted once, the comment skipped
        for shown in (session.where(), DEMO_INCIDENT_CONFERENCE_SID, "“Incident war room”"):
            assert shown in text
        assert emu.requests == []

        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        assert batch_states(app) == {
            DEMO_CAPTIONS_STREAM_SID: STOPPED,
            DEMO_FLAKY_STREAM_SID: FAILED,
            "ai-summary": STOPPED,
            "no-such-feed": FAILED,
        }
        items = {i.target.stream.value: i for i in app.screen.current_batch.reports}  # type: ignore[attr-defined]
        assert isinstance(items[DEMO_FLAKY_STREAM_SID].error, ServerError)
        assert items[DEMO_FLAKY_STREAM_SID].error.status == 503  # type: ignore[union-attr]
        assert isinstance(items["no-such-feed"].error, NotFoundError)

        table = app.screen.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(4)
        }
        assert rows[DEMO_FLAKY_STREAM_SID][2:4] == ["failed", "503"]
        assert rows["no-such-feed"][2:4] == ["failed", "404"]
        assert rows["ai-summary"][2] == "stopped"
        assert rows[DEMO_FLAKY_STREAM_SID][4].startswith(
            "Service Unavailable — SignalWire had a server error after 3 attempts"
        )
        status = static_text(app, "#batch-status")
        assert status.startswith("Done in ")
        assert "2 stopped, 2 failed or cancelled" in status
        assert "2 stopped, 2 failed or cancelled" in screen_text(app)

        # The reason of the highlighted row is shown in full below the table.
        table.focus()
        table.move_cursor(
            row=[str(table.get_row_at(i)[0]) for i in range(4)].index(DEMO_FLAKY_STREAM_SID)
        )
        await pilot.pause()
        detail = static_text(app, "#batch-detail")
        assert detail.startswith(f"{DEMO_FLAKY_STREAM_SID}: Service Unavailable")
        assert "quote the request ID to support" in detail

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    by_path: dict[str, list[int | None]] = {}
    for request in stop_requests(emu):
        by_path.setdefault(request.path.rsplit("/", 1)[1], []).append(request.response_status)
    assert by_path == {
        DEMO_CAPTIONS_STREAM_SID: [200],
        DEMO_FLAKY_STREAM_SID: [503, 503, 503],
        "ai-summary": [200],
        "no-such-feed": [404],
    }
    assert (
        emu.get_stream(
            DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, DEMO_STOPPED_STREAM_SID
        ).status
        == "stopped"
    )
    outcomes = sorted(r["outcome"] for r in session.history.read())
    assert outcomes == ["failed", "failed", "stopped", "stopped"]


async def test_f5_batch_confirmation_n_sends_nothing(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app(INCIDENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BatchConfirmScreen)
        assert "Stop 1 streams?" in screen_text(app) or "Stop 1 stream?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        await pilot.press("ctrl+s", "escape")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        assert app.screen.current_batch is None
    assert emu.requests == []


async def test_f5_invalid_pasted_name_sends_nothing(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app(INCIDENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "tab")
        await paste(pilot, "good-name\nbad/name\n")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, BatchScreen)
        assert static_text(app, "#batch-status").startswith("✘ Not sent. Stream 'bad/name'")
    assert emu.requests == []


async def test_escape_mid_batch_never_sends_the_queued_ones(
    make_app: AppFactory, emu: Emulator, session: Session, hold: Hold
) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("space", "down", "space", "down", "space", "down", "space")
        assert len(app.screen.query_one(SelectionList).selected) == 4
        await pilot.press("tab", "tab")
        concurrency = app.screen.query_one("#batch-concurrency", Input)
        assert app.focused is concurrency
        await type_text(pilot, "1")
        assert concurrency.value == "1"
        held = hold("stop")
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the first request")
        assert app.screen.running  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert "Cancelling" in static_text(app, "#batch-status")
        assert isinstance(app.screen, BatchScreen)  # escape cancels first, closes only after
        held.release()  # the request already sent is answered
        await settle(pilot)
        states = list(batch_states(app).values())
        assert states == [STOPPED, CANCELLED, CANCELLED, CANCELLED]
        text = screen_text(app)
        assert text.count("cancelled") >= 3
        assert "1 stopped, 3 failed or cancelled" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert len(emu.requests) == 1
    outcomes = sorted(r["outcome"] for r in session.history.read())
    assert outcomes == ["cancelled", "cancelled", "cancelled", "stopped"]


async def run_pasted_batch(pilot: Pilot[Any], sids: list[str], concurrency: int) -> str:
    """F5, paste `sids`, set the concurrency, ctrl+s: the text of the confirmation that shows."""
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("tab")
    await paste(pilot, "\n".join(sids))
    await pilot.press("tab")
    await type_text(pilot, str(concurrency))
    await pilot.press("ctrl+s")
    await pilot.pause()
    return screen_text(pilot.app)  # type: ignore[arg-type]


async def test_a_batch_of_50_pasted_streams_all_stop(make_app: AppFactory, emu: Emulator) -> None:
    """More streams than workers (16): every one is stopped once and shown as stopped.
    The same flow over 1,000 streams is tests/benchmarks/bench_tui_batch.py."""
    streams = emu.add_streams(DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, 50)
    app = make_app(INCIDENT)
    async with app.run_test(size=SIZE) as pilot:
        text = await run_pasted_batch(pilot, [stream.sid for stream in streams], 16)
        assert "Stop 50 streams?" in text
        assert "… and 42 more" in text
        await pilot.press("y")
        await settle(pilot)
        states = batch_states(app)
        assert len(states) == 50
        assert set(states.values()) == {STOPPED}
        assert app.screen.query_one(DataTable).row_count == 50
        assert "50 stopped, 0 failed or cancelled" in static_text(app, "#batch-status")
    assert len(stop_requests(emu)) == 50
    assert all(r.response_status == 200 for r in emu.requests)
    assert {
        emu.get_stream(DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, s.sid).status
        for s in streams
    } == {"stopped"}


async def test_f4_escape_cancels_a_slow_listing_then_closes(
    make_app: AppFactory, emu: Emulator, hold: Hold
) -> None:
    hold("list")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the listing request")
        assert "loading…" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConferencesScreen)  # still open, saying so
        assert static_text(app, "#conferences-status") == "cancelled: 0 conferences loaded"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.main.field("conference").value == ""
        assert current_panel(app) == "welcome"


async def test_f4_escape_after_a_refresh_mid_listing_cancels_the_new_listing(
    make_app: AppFactory, emu: Emulator, hold: Hold
) -> None:
    hold("list")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the listing request")
        await pilot.press("ctrl+r")  # the first listing is dropped, a second one starts
        await wait_until(pilot, lambda: len(emu.requests) == 2, what="the second listing")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConferencesScreen)  # cancelled, not closed
        assert static_text(app, "#conferences-status") == "cancelled: 0 conferences loaded"
        await settle(pilot)
        assert static_text(app, "#conferences-status") == "cancelled: 0 conferences loaded"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
