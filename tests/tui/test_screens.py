"""The other screens: help (F1), history (F7), credentials (F8), the command palette, NO_COLOR."""

from __future__ import annotations

import base64
import re

import pytest
from textual.command import CommandPalette
from textual.widgets import Button, DataTable, Input, OptionList

from streamtui.emulator import (
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.credentials import CredentialsScreen
from streamtui.tui.screens.help import HelpScreen
from streamtui.tui.screens.history import HistoryScreen
from streamtui.tui.screens.main import MainScreen, Prefill
from tests.tui.conftest import (
    SIZE,
    AppFactory,
    Hold,
    current_panel,
    screen_lines,
    screen_text,
    settle,
    static_text,
    type_text,
    wait_until,
)

FULL = Prefill("", DEMO_CONFERENCE_SID, DEMO_STREAM_SID)

# Every binding of the main screen and the app, as the help shows it, with its description.
MAIN_KEYS = {
    "^s": "Stop the stream (you confirm first)",
    "f2 / ^o": "Pick a saved SID for the field",
    "f3 / ^f": "Pick a saved target (all three fields)",
    "^l": "Save the SID typed, with a label",
    "^t": "Save the three fields as a target",
    "escape": "Cancel the request in flight",
    "f4 / ^n": "Live conferences of the account",
    "f5 / ^z": "Batch stop: several streams at once",
    "f7 / ^r": "History of stop attempts",
    "f8 / ^backslash": "Credentials: log in, token, log out",
    "f1 / ^g": "Every key",
    "^q": "Quit",
    "^p": "Command palette",
}


async def test_f1_help_lists_every_binding_of_the_main_screen(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app)  # what fits on an 80x24 screen, without scrolling
        for key, description in MAIN_KEYS.items():
            assert any(
                re.search(rf"\s{re.escape(key)}\s\s{re.escape(description)}", line)
                for line in lines
            ), (key, description)
        # ...and nothing the main screen binds is missing from the help.
        described = {b.action for b in app.main.BINDINGS if b.description}  # type: ignore[union-attr]
        assert {
            "stop",
            "pick",
            "targets",
            "save_entry",
            "save_target",
            "conferences",
            "batch",
            "history",
            "credentials",
            "help",
        } <= described
        rows = app.screen.rows  # type: ignore[attr-defined]
        assert len(rows) == len(described) + 1  # + the palette (ctrl+q is a screen key now)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_f7_history_lists_the_attempts_made(
    make_app: AppFactory, emu: Emulator, session: Session, hold: Hold
) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "No stop attempts yet" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("ctrl+s", "y")  # stopped
        await settle(pilot)
        app.main.field("stream").value = "no-such-feed"
        app.main.field("stream").input.focus()
        await pilot.press("ctrl+s", "y")  # 404
        await settle(pilot)
        app.main.field("stream").value = DEMO_STREAM_SID
        hold("stop")
        await pilot.press("ctrl+s", "y")
        await wait_until(pilot, lambda: len(emu.requests) == 3, what="the third stop")
        await pilot.press("escape")  # sent, then cancelled
        await settle(pilot)

        await pilot.press("f7")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        outcomes = [str(table.get_row_at(i)[1]) for i in range(3)]
        assert outcomes == ["interrupted", "failed", "stopped"]  # most recent first
        text = screen_text(app)
        assert "3 records" in text
        for shown in ("interrupted", "failed", "stopped", "no-such-feed", "Transcriber feed"):
            assert shown in text
        not_found = [str(value) for value in table.get_row_at(1)]
        assert not_found[4:6] == ["404", "20404"]
        assert re.fullmatch(r"[0-9a-f-]{36}", not_found[6])  # the request ID, for support
        assert DEMO_API_TOKEN not in session.history.path.read_text()


async def test_f8_credentials_masks_the_token_and_sets_a_session_token(
    make_app: AppFactory, emu: Emulator, session: Session
) -> None:
    new_token = "PTsession-only-token-9876"
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        text = screen_text(app)
        assert "****0000" in text  # the demo token, masked
        assert DEMO_API_TOKEN not in text
        assert "this session only (not stored)" in text
        assert app.focused is app.screen.query_one("#cred-token", Input)

        await type_text(pilot, new_token)
        text = screen_text(app)
        assert new_token not in text  # a password field
        assert "•" * 8 in text
        await pilot.press("tab")  # "Save in keyring" is disabled in demo mode: skipped
        assert app.focused is app.screen.query_one("#cred-session", Button)
        await pilot.press("enter")
        await settle(pilot)
        assert session.session_token == Secret(new_token)
        message = static_text(app, "#credentials-message")
        assert "token ****9876 kept in memory for this session only" in message
        text = screen_text(app)
        assert "****9876" in text
        assert new_token not in text
        assert DEMO_API_TOKEN not in text
        assert app.screen.query_one("#cred-token", Input).value == ""

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+s", "y")
        await settle(pilot)
        # The emulator does not know that token: the new one is what was sent.
        assert current_panel(app) == "error"
    [sent] = emu.requests
    user, _, password = (
        base64.b64decode(sent.headers["authorization"].split()[1]).decode().partition(":")
    )
    assert (user, password) == (DEMO_PROJECT_ID, new_token)
    assert new_token not in session.config_path.read_text()


async def test_f8_keyring_buttons_refuse_in_demo_mode(
    make_app: AppFactory, session: Session
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert "Demo mode: the OS keyring is never touched." in static_text(
            app, "#credentials-message"
        )
        assert app.screen.query_one("#cred-login", Button).disabled
        assert app.screen.query_one("#cred-logout", Button).disabled
        await type_text(pilot, "PTanother-token-1234")
        await pilot.press("tab", "tab")  # focus skips both keyring buttons
        assert app.focused is not app.screen.query_one("#cred-login", Button)
        assert session.session_token == Secret(DEMO_API_TOKEN)


async def test_ctrl_p_palette_lists_stop_stream_and_runs_it(make_app: AppFactory) -> None:
    app = make_app(FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)

        def prompts() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await wait_until(pilot, lambda: any("Stop" in p for p in prompts()), what="list")
        await type_text(pilot, "stop")
        await wait_until(pilot, lambda: bool(prompts()) and "Stop" in prompts()[0], what="filter")
        assert "Stop the stream" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmStopScreen), what="confirm")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_no_color(
    make_app: AppFactory, emu: Emulator, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(FULL)
    assert app.no_color
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmStopScreen)
        await pilot.press("y")
        await settle(pilot)
        assert current_panel(app) == "result"
        assert "✔ Stream stopped" in screen_text(app)
        assert app.export_screenshot()
        for key in ("f1", "escape", "f7", "escape", "f8"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
    assert len(emu.requests) == 1


async def test_f8_empty_token_is_refused(make_app: AppFactory, session: Session) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("tab", "enter")  # This session only, with nothing typed
        await settle(pilot)
        assert static_text(app, "#credentials-message") == "The API token is empty."
        assert session.session_token == Secret(DEMO_API_TOKEN)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
