"""Issue 11: the screen never shows a stale or partial truth."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_CONFERENCE_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_STREAM_SID,
)
from streamtui.tui.screens.main import Prefill
from streamtui.tui.widgets import panels
from tests.support.clock import FakeClock
from tests.tui.conftest import (
    FIXED_NOW,
    SIZE,
    AppFactory,
    current_panel,
    screen_lines,
    screen_text,
    settle,
    type_text,
    wait_until,
)


async def stop_first(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("y")
    await wait_until(pilot, lambda: current_panel(app) == "result", what="the result")


async def test_a_result_is_not_shown_as_current_once_a_field_changes(
    make_app: AppFactory,
) -> None:
    app = make_app(Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await stop_first(pilot, app)
        assert "Stream stopped" in screen_text(app)
        app.main.field("stream").input.focus()
        app.main.field("stream").value = ""
        await type_text(pilot, DEMO_RECORDING_STREAM_SID)
        await settle(pilot)
        text = screen_text(app)
        assert "✔ Stream stopped" not in text
        assert "previous result" in text.lower()


async def test_a_validation_error_goes_once_the_field_is_corrected(make_app: AppFactory) -> None:
    app = make_app(Prefill(DEMO_ACCOUNT_SID, "not-a-sid", DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not sent" in screen_text(app)
        app.main.field("conference").value = DEMO_CONFERENCE_SID
        await settle(pilot)
        assert "Not sent" not in screen_text(app)


async def test_picking_another_conference_clears_a_stream_of_the_old_one(
    make_app: AppFactory,
) -> None:
    app = make_app(Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.conference_chosen(DEMO_INCIDENT_CONFERENCE_SID)
        await settle(pilot)
        assert app.main.field("conference").value == DEMO_INCIDENT_CONFERENCE_SID
        assert app.main.field("stream").value == ""


async def test_relative_times_keep_ticking(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(wall=FIXED_NOW + timedelta(seconds=2))
    monkeypatch.setattr(panels.ResultPanel, "TICK", 0.05)  # how often it redraws, not the time
    app = make_app(Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await stop_first(pilot, app)
        assert re.search(r"just\s+now", screen_text(app)), screen_text(app)
        clock.advance(3 * 60 - 2)
        await wait_until(
            pilot, lambda: bool(re.search(r"3\s+minutes\s+ago", screen_text(app))), what="the tick"
        )


@pytest.mark.parametrize("width", [80, 83, 91, 97])
async def test_no_word_of_a_result_is_cut_across_lines(make_app: AppFactory, width: int) -> None:
    """Issue 12: "1 mi|nute ago". Every word of every shown value stays whole on one line and
    under the other values, at 80 columns and at widths where the date's words fall on the
    edge."""
    clock = FakeClock(wall=FIXED_NOW + timedelta(minutes=1))
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID), clock=clock)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        await stop_first(pilot, app)
        await settle(pilot)
        lines = screen_lines(app)
        shown = {word for line in lines for word in line.split()}
        rows = app.main.query_one("#result-fields").rows  # type: ignore[attr-defined]
        names = {name for name, _, _ in rows}
        first = next(i for i, line in enumerate(lines) if "account_sid" in line)
        column = lines[first].index("5f1c2a9e")  # where the values start
        for line in lines[first:]:
            words = line.replace("▶", " ").split()
            if not words or words[0] in names or "^q" in line:
                continue
            assert not line[:column].strip(), ("a value wraps under the names", line)
        for name, content, _ in rows:
            if name == "uri":  # one long word: folded, there is nothing better to do
                continue
            for word in str(content).split():
                assert word in shown, (width, name, word, "\n".join(lines))
