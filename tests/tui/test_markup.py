"""Finding 12: a `[/…]` in any toast or text is shown as it is, and never kills the TUI.

Toasts are on in these tests (`run_test` turns them off by default, which hid the crash): a toast
is rendered when it is shown, and a MarkupError there ends the app.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from streamtui.config import Entry
from streamtui.emulator import DEMO_CONFERENCE_SID, DEMO_STREAM_SID, Emulator
from streamtui.session import Session
from streamtui.tui.screens.batch import BatchScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    notifications,
    paste,
    settle,
    svg_text,
)

MARKUP = "[/b] x [/]"


async def shown(pilot: Pilot[Any], text: str) -> None:
    """The app survived, and `text` is on screen as typed (a toast included)."""
    await settle(pilot)
    assert pilot.app.is_running
    assert text in " ".join(svg_text(pilot.app).split()), svg_text(pilot.app)  # type: ignore[arg-type]


async def test_saving_a_label_with_markup(make_app: AppFactory, session: Session) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await paste(pilot, MARKUP)
        await pilot.press("enter")
        await shown(pilot, f"Saved stream “{MARKUP}”.")
        assert f"Saved stream “{MARKUP}”." in notifications(app)
        await pilot.press("ctrl+t")  # the whole target, with the same label
        await settle(pilot)
        await paste(pilot, MARKUP)
        await pilot.press("enter")
        await shown(pilot, f"Saved target “{MARKUP}”.")
    assert [e.label for e in session.entries("stream") if e.sid == DEMO_STREAM_SID] == [MARKUP]


async def test_ctrl_l_on_a_value_with_markup(make_app: AppFactory) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await paste(pilot, "feed [/b]")
        await pilot.press("ctrl+l")
        await shown(pilot, "Stream 'feed [/b]' is neither a SID")


async def test_f4_and_f5_with_such_a_conference(make_app: AppFactory, emu: Emulator) -> None:
    app = make_app(Prefill("[/a]", "conf [/b]", ""))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await shown(pilot, "[/a]")
        app.main.field("account").value = ""
        await pilot.press("f5")
        await shown(pilot, "[/b]")
        assert isinstance(app.screen, MainScreen)
    assert emu.requests == []


async def test_f4_and_f5_with_a_conference_labelled_with_markup(
    make_app: AppFactory, session: Session
) -> None:
    session.save_entry(Entry(kind="conference", sid=DEMO_CONFERENCE_SID, label=MARKUP))
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, ""), session=session)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await shown(pilot, "“[/b] x")
        assert isinstance(app.screen, BatchScreen)
        await pilot.press("escape")
        await pilot.press("f4")
        await shown(pilot, "In-progress conferences")


async def test_ctrl_c_toast_is_plain_words(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.main.field("stream").input.focus()
        await pilot.press("ctrl+c")
        await shown(pilot, "Press ctrl+q to quit")
        assert not any("[b]" in message for message in notifications(app))
