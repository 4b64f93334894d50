"""A confirmation's buttons answer as its keys do: focus starts on Cancel, enter on it cancels
and sends nothing; tab then enter on the confirming button acts (and in strict mode checks the
code first)."""

from __future__ import annotations

from textual.widgets import Input

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_CONFERENCE_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.tui.screens.batch import BatchConfirmScreen, BatchScreen
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.screens.start_again import ConfirmStartScreen
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    SessionFactory,
    current_panel,
    notifications,
    paste,
    settle,
    static_text,
    stop_requests,
    type_text,
)

FULL = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)


async def test_stop_confirmation_cancel_then_stop_buttons(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "Cancelled: nothing was sent." in " ".join(notifications(app))
        assert stop_requests(emu) == []

        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#confirm")
        await pilot.press("enter")
        await settle(pilot)
        assert current_panel(app) == "result"
    assert len(stop_requests(emu)) == 1


async def test_strict_stop_button_checks_the_code(
    make_app: AppFactory, make_session: SessionFactory, emu: Emulator
) -> None:
    prefill = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_RECORDING_STREAM_SID)
    app = make_app(prefill, session=make_session(production=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        await type_text(pilot, "9999")
        await pilot.press("tab", "tab", "enter")  # past Cancel, onto "Stop stream"
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert "That is not 1a36" in static_text(app, "#confirm-code-error")
        assert stop_requests(emu) == []

        field = app.screen.query_one("#confirm-code", Input)
        field.value = ""
        field.focus()
        await type_text(pilot, "1a36")
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        assert current_panel(app) == "result"
    assert len(stop_requests(emu)) == 1


async def test_batch_confirmation_stop_button_starts_the_batch(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill("", DEMO_INCIDENT_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab")
        await paste(pilot, "ai-summary\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BatchConfirmScreen)
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        assert "1 stopped, 0 failed or cancelled" in static_text(app, "#batch-status")
    assert len(stop_requests(emu)) == 1


async def test_start_again_cancel_button_creates_nothing(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStartScreen)
        assert app.focused is app.screen.query_one("#cancel")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert [r for r in emu.requests if r.path.endswith("/Streams")] == []
