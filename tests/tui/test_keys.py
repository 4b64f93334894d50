"""Keys that arrive from any terminal: ctrl letters beside the F-keys, ids and a [keymap], each
pop-up's own footer and palette, greyed-out keys, the batch screen's keys, no blinking cursor."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Button, Input, OptionList, SelectionList

from streamtui.config import load_config
from streamtui.emulator import DEMO_CONFERENCE_SID, DEMO_INCIDENT_CONFERENCE_SID, DEMO_STREAM_SID
from streamtui.errors import ConfigError
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.glyphs import fit
from streamtui.tui.screens import all_screens
from streamtui.tui.screens.batch import BatchConfirmScreen, BatchScreen
from streamtui.tui.screens.conferences import ConferencesScreen
from streamtui.tui.screens.credentials import CredentialsScreen
from streamtui.tui.screens.help import HelpScreen
from streamtui.tui.screens.history import HistoryScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from streamtui.tui.screens.picker import PickerScreen
from streamtui.tui.text import plain
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    notifications,
    screen_lines,
    settle,
    wait_until,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
INCIDENT = Prefill("", DEMO_INCIDENT_CONFERENCE_SID, "")


@pytest.mark.parametrize(
    ("key", "screen"),
    [
        ("ctrl+o", PickerScreen),
        ("ctrl+f", PickerScreen),
        ("ctrl+n", ConferencesScreen),
        ("ctrl+z", BatchScreen),
        ("ctrl+r", HistoryScreen),
        ("ctrl+backslash", CredentialsScreen),
        ("ctrl+g", HelpScreen),
    ],
)
async def test_a_ctrl_letter_opens_what_the_f_key_opens(
    make_app: AppFactory, key: str, screen: type
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, screen), what=key)


def test_every_binding_has_an_id() -> None:
    for cls in [StreamTuiApp, *all_screens()]:
        for item in cls.BINDINGS:
            assert isinstance(item, Binding) and item.id, (cls.__name__, item)


def test_config_keymap_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\nhistory = "f6"\n')
    assert load_config(path).keymap == {"history": "f6"}
    path.write_text("[keymap]\nhistory = 6\n")
    with pytest.raises(ConfigError):
        load_config(path)


async def test_keymap_remaps_and_unknown_ids_only_warn(
    make_app: AppFactory, session: Session
) -> None:
    session.config = dataclasses.replace(
        session.config, keymap={"history": "f6", "no-such-key": "f9"}
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("no-such-key" in message for message in notifications(app))
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), what="history")
        await pilot.press("escape")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        assert any("f6" in line and "History" in line for line in screen_lines(app))


def footer_text(app: Any) -> str:
    return " ".join(line for line in screen_lines(app)[-1:])


@pytest.mark.parametrize("key", ["f2", "f7", "f1", "f8"])
async def test_a_pop_up_shows_its_own_footer_with_quit_first(
    make_app: AppFactory, key: str
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert not isinstance(app.screen, MainScreen)
        footer = footer_text(app)
        assert "^q Quit" in " ".join(footer.split()[:4]), footer  # beside the screen's own keys
        assert "Close" in footer
        assert "Targets" not in footer and "Stop" not in footer


async def test_palette_offers_only_what_the_screen_below_can_do(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")

        def prompts() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await wait_until(pilot, lambda: any("Close" in p for p in prompts()), what="commands")
        names = " ".join(prompts())
        for absent in ("Batch", "Stop", "Screenshot", "Keys", "Targets"):
            assert absent not in names, (absent, names)


async def test_no_input_blinks(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.focused, Input) and not app.focused.cursor_blink


async def test_batch_boxes_read_x_and_tab_never_wraps_into_the_list(
    make_app: AppFactory,
) -> None:
    app = make_app(INCIDENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("space")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "[x] " in text and "[ ] " in text
        saved = app.screen.query_one(SelectionList)
        chosen = list(saved.selected)
        for _ in range(8):  # far past the last field
            await pilot.press("tab")
        await pilot.press("space")
        await pilot.pause()
        assert list(saved.selected) == chosen
        assert app.focused is not saved


async def test_batch_confirmation_has_buttons_and_lists_only_the_streams(
    make_app: AppFactory,
) -> None:
    app = make_app(INCIDENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("space", "down", "space", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, BatchConfirmScreen), what="confirm")
        await settle(pilot)
        labels = {str(b.label) for b in app.screen.query(Button)}
        assert labels == {"Cancel (n)", "Stop 2 streams (y)"}
        assert "· sid" not in "\n".join(screen_lines(app)).lower()
        app.screen.query_one("#cancel", Button).press()
        await wait_until(pilot, lambda: isinstance(app.screen, BatchScreen), what="cancelled")


def test_linux_console_gets_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    assert str(plain("✔ stopped · ✘ failed …")) == "+ stopped - x failed ..."
    assert fit("⠸ 🔎", ascii=True) == "| ?"
    monkeypatch.setenv("TERM", "xterm-256color")
    assert str(plain("✔ stopped")) == "✔ stopped"


async def test_picker_labels_get_the_room_there_is_at_80_columns(
    make_app: AppFactory, session: Session
) -> None:
    from streamtui.config import Entry

    label = "Transcriber feed for the EU region two"  # 38 characters
    session.save_entry(
        Entry("stream", "0f0e0d0c-0b0a-4908-8706-050403020100", label, DEMO_CONFERENCE_SID)
    )
    app = make_app(Prefill("", DEMO_CONFERENCE_SID, ""))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.field("stream").input.focus()
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        text = "\n".join(screen_lines(app))
        assert label in text, text  # the whole label: the short SID leaves it the room
        assert "0f0e0d0c…" in text  # a SID cut says so


async def test_history_shows_the_conference_at_80_columns(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "conference" in text and "stream" in text
        assert "1 record " in text


async def test_no_stop_while_the_first_frame_is_held_back(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main.holding_first_paint = True  # as on a terminal, for the first moment
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # no confirmation the user cannot see yet
        app.main._first_paint_sent()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen), what="confirm")
