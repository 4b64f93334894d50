"""Issue 11: the production confirmation compares case-insensitively; its error shows inside."""

from __future__ import annotations

from streamtui.emulator import DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_RECORDING_STREAM_SID
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.main import Prefill
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    SessionFactory,
    current_panel,
    notifications,
    settle,
    static_text,
    type_text,
    wait_until,
)

PREFILL = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_RECORDING_STREAM_SID)  # ends 1a36


async def test_the_code_is_case_insensitive(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    app = make_app(PREFILL, session=make_session(production=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        await type_text(pilot, "1A36")
        await pilot.press("enter")
        await wait_until(pilot, lambda: current_panel(app) == "result", what="the stop")


async def test_a_wrong_code_is_said_inside_the_dialog(
    make_app: AppFactory, make_session: SessionFactory
) -> None:
    app = make_app(PREFILL, session=make_session(production=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert "nothing was sent" in static_text(app, "#confirm-code-error")
        assert notifications(app) == []
