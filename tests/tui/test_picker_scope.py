"""Issue 11: the stream picker is scoped to the chosen conference; rows match on shown text."""

from __future__ import annotations

from textual.widgets import OptionList

from streamtui.emulator import DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID
from streamtui.tui.screens.main import Prefill
from streamtui.tui.screens.picker import PickerScreen
from tests.tui.conftest import SIZE, AppFactory, settle, type_text


def rows(app) -> list[str]:  # type: ignore[no-untyped-def]
    options = app.screen.query_one("#picker-options", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_stream_picker_shows_the_conference_streams_then_widens(
    make_app: AppFactory,
) -> None:
    app = make_app(Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.field("stream").input.focus()
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        ours = {
            e.sid for e in app.main.session.entries("stream") if e.parent == DEMO_CONFERENCE_SID
        }
        scoped = rows(app)
        assert scoped and len(scoped) == len(ours)
        await pilot.press("f2")  # widen to every saved stream, with a conference column
        await settle(pilot)
        widened = rows(app)
        assert len(widened) == len(app.main.session.entries("stream")) > len(scoped)
        assert any("Incident war room" in row for row in widened)


async def test_the_filter_matches_only_what_a_row_shows(make_app: AppFactory) -> None:
    app = make_app(Prefill(DEMO_ACCOUNT_SID, "", ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.field("conference").input.focus()
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "war")
        await settle(pilot)
        shown = rows(app)
        assert shown and not any("Weekly standup" in row for row in shown)
