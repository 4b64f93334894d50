"""Finding 14 and the small-window cosmetic: keys typed ahead never change what is stopped.

Over a slow link a terminal delivers `ctrl+s y` in one read: both keys reach the app before it has
handled either. `send_keys_together` reproduces that: the keys go to the driver back to back, with
no pause for the app in between (`pilot.press` waits for the app after each key).
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import TextArea

from streamtui.emulator import (
    DEMO_CONFERENCE_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.tui.screens.batch import BatchConfirmScreen, BatchScreen
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from tests.support.textual_internals import send_keys_together
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    Hold,
    SessionFactory,
    current_panel,
    paste,
    screen_text,
    settle,
    stop_path,
    stop_requests,
    wait_until,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
NAME = "feed-x"  # a stream name: a typed-ahead "y" would make it "feed-xy"


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_ctrl_s_y_typed_ahead_never_changes_the_target(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, NAME))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        send_keys_together(pilot.app, "ctrl+s", "y")
        await settle(pilot)
        assert app.main.field("stream").value == NAME  # the y did not reach the field
        screen = app.screen
        assert isinstance(screen, ConfirmStopScreen)
        assert screen.target.stream.value == NAME
        assert "Stream     feed-x " in screen_text(app)
        assert "1 key typed before this appeared was ignored" in flat(screen_text(app))
        assert stop_requests(emu) == []  # a key the user never saw the question for
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "error"  # the emulator knows no such name
    [sent] = stop_requests(emu)
    assert sent.path == stop_path(DEMO_CONFERENCE_SID, NAME)


async def test_keys_before_a_slow_confirmation_is_mounted_are_dropped_and_said(
    make_app: AppFactory, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounted = ConfirmStopScreen.on_mount

    async def slow_mount(self: ConfirmStopScreen) -> None:
        await asyncio.sleep(0.3)
        mounted(self)

    monkeypatch.setattr(ConfirmStopScreen, "on_mount", slow_mount)
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, NAME))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        send_keys_together(pilot.app, "ctrl+s")
        await asyncio.sleep(0.05)  # the confirmation is still mounting
        send_keys_together(pilot.app, "y", "y", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmStopScreen), timeout=5)
        await settle(pilot)
        assert app.main.field("stream").value == NAME
        assert "3 keys typed before this appeared were ignored" in flat(screen_text(app))
        assert stop_requests(emu) == []
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    assert stop_requests(emu) == []


async def test_typing_while_a_stop_is_in_flight_changes_no_field(
    make_app: AppFactory, emu: Emulator, hold: Hold
) -> None:
    held = hold("stop")
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, NAME))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: len(emu.requests) == 1, what="the stop request")
        assert app.main.in_flight
        send_keys_together(pilot.app, *["y"] * 20)
        await pilot.press("x", "backspace", "backspace")
        assert all(
            app.main.field(kind).input.is_disabled for kind in ("account", "conference", "stream")
        )
        held.release()
        await settle(pilot)
        assert app.main.field("stream").value == NAME
        assert not app.main.in_flight
        assert not app.main.field("stream").input.is_disabled  # usable again once it ended
        await pilot.press("ctrl+s")  # and the same target is what ctrl+s reads
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert app.screen.target.stream.value == NAME
    assert len(stop_requests(emu)) == 1


async def test_strict_code_typed_ahead_does_not_confirm(
    make_app: AppFactory, make_session: SessionFactory, emu: Emulator
) -> None:
    session = make_session(production=True)
    app = make_app(FULL, session=session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        send_keys_together(pilot.app, "ctrl+s", *DEMO_STREAM_SID[-4:], "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert "5 keys typed before this appeared were ignored" in flat(screen_text(app))
        assert stop_requests(emu) == []


async def test_f5_ctrl_s_y_typed_ahead_never_changes_the_batch(
    make_app: AppFactory, emu: Emulator
) -> None:
    app = make_app(Prefill("", DEMO_INCIDENT_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, BatchScreen)
        area = app.screen.query_one(TextArea)
        area.focus()
        await paste(pilot, "feed-a\nfeed-b")
        send_keys_together(pilot.app, "ctrl+s", "y")
        await settle(pilot)
        assert area.text == "feed-a\nfeed-b"
        confirm = app.screen
        assert isinstance(confirm, BatchConfirmScreen)
        assert [t.stream.value for t in confirm.targets] == ["feed-a", "feed-b"]
        assert "1 key typed before this appeared was ignored" in flat(screen_text(app))
        assert stop_requests(emu) == []


@pytest.mark.parametrize("size", [(20, 5), (60, 10)], ids=["20x5", "60x10"])
async def test_a_window_too_small_for_the_target_cannot_confirm(
    make_app: AppFactory, emu: Emulator, size: tuple[int, int]
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert "too small to show the target" in flat(screen_text(app)).lower()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)  # y did not confirm
        assert stop_requests(emu) == []
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        text = screen_text(app)
        assert "too small" not in text.lower()
        assert DEMO_STREAM_SID in text
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "result"
    assert len(stop_requests(emu)) == 1
