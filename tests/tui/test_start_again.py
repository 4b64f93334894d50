"""Undo a wrong stop in the TUI: `r` after the stop, a confirmation naming what will be created,
`y`, and the emulator creates the stream; the history links the start to the stop."""

from __future__ import annotations

from streamtui.emulator import DEMO_CONFERENCE_SID, DEMO_STREAM_SID, Emulator
from streamtui.session import Session
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.screens.start_again import ConfirmStartScreen
from streamtui.tui.widgets.panels import ResultPanel
from tests.tui.conftest import (
    API,
    SIZE,
    AppFactory,
    current_panel,
    screen_text,
    settle,
    wait_until,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)


def creates(emu: Emulator) -> list[object]:
    return [r for r in emu.requests if r.path.endswith("/Streams")]


async def test_stop_then_r_starts_it_again_after_a_confirmation(
    make_app: AppFactory, emu: Emulator, session: Session
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "r Start again" not in screen_text(app)  # nothing stopped yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "result"
        assert "r Start again" in screen_text(app)  # offered in the footer

        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStartScreen)
        text = screen_text(app)
        assert "Start this stream again?" in text
        assert "wss://media.demo.invalid/feed-1" in text
        assert DEMO_CONFERENCE_SID in text
        assert creates(emu) == []  # nothing sent before the confirmation

        await pilot.press("y")
        await wait_until(pilot, lambda: len(creates(emu)) == 1)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        [request] = creates(emu)
        assert (
            request.path
            == f"{API}/Accounts/{session.project_id()}/Conferences/{DEMO_CONFERENCE_SID}/Streams"
        )
        assert request.form["Url"] == "wss://media.demo.invalid/feed-1"
        result = app.main.query_one(ResultPanel).result
        assert result is not None and result.status == "in-progress"
        assert result.sid != DEMO_STREAM_SID
    started, stopped = session.history.read()[:2]
    assert (started["outcome"], stopped["outcome"]) == ("started", "stopped")
    assert started["stream"] == result.sid
    assert started["undoes"] == DEMO_STREAM_SID
    assert started["undoes_time"] == stopped["time"]


async def stop_then_offer_to_start(pilot) -> None:  # type: ignore[no-untyped-def]
    """Stop the prefilled stream, confirm, then `r`: the start confirmation is up."""
    for key in ("ctrl+s", "y", "r"):
        await pilot.press(key)
        await settle(pilot)


async def test_n_cancels_the_start_and_sends_nothing(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await stop_then_offer_to_start(pilot)
        assert isinstance(app.screen, ConfirmStartScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert creates(emu) == []


async def test_after_a_start_the_fields_name_the_new_stream_and_ctrl_s_stops_it(
    make_app: AppFactory, emu: Emulator
) -> None:
    """The panel shows the new stream, so the Stream field holds it too: the answer stays the
    current one (not "previous result"), and a second thought stops the new stream."""
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await stop_then_offer_to_start(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: len(creates(emu)) == 1)
        await settle(pilot)
        new = app.main.query_one(ResultPanel).result
        assert new is not None and new.sid
        assert app.main.field("stream").value == new.sid
        assert current_panel(app) == "result"
        assert "previous result" not in screen_text(app).lower()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    stops = [r for r in emu.requests if r.method == "POST" and "/Streams/" in r.path]
    assert stops[-1].path.endswith(f"/Streams/{new.sid}")
