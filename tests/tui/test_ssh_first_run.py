"""Issue 11: the on-call path as it is lived over SSH, with no keyring, no environment and an
empty config: the credentials typed in F8 for this session are the ones a stop uses."""

from __future__ import annotations

from pathlib import Path

from streamtui.config import load_config
from streamtui.demo import NoKeyring
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.credentials import CredentialsScreen
from streamtui.tui.screens.main import Prefill
from tests.tui.conftest import (
    SIZE,
    current_panel,
    screen_text,
    settle,
    static_text,
    stop_requests,
    type_text,
    wait_until,
)


def bare_session(root: Path, base_url: str) -> Session:
    """Nothing set up: an empty config, no environment, a keyring that is not there."""
    session = Session.open(
        config_path=root / "config.toml", state_dir=root / "state", base_url=base_url, env={}
    )
    session.store = NoKeyring()  # type: ignore[assignment]
    return session


def header(app: StreamTuiApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_first_run_over_ssh_with_nothing_set_up(tmp_path: Path, emu: Emulator) -> None:
    session = bare_session(tmp_path, emu.base_url)
    prefill = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
    app = StreamTuiApp(session, prefill)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the top says, before any stop, that there is no token and which key fixes it
        assert "no token" in header(app) and "F8" in header(app), header(app)
        # ctrl+s says so at once: no confirmation that cannot be carried out
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmStopScreen)
        assert current_panel(app) == "notice"
        assert "F8" in static_text(app, "#notice")
        # F8: space, project ID and token, for this session only, with the keyboard
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        await type_text(pilot, "acme")
        await pilot.press("tab")
        await type_text(pilot, DEMO_PROJECT_ID)
        await pilot.press("tab")
        await type_text(pilot, DEMO_API_TOKEN)
        await pilot.press("tab", "enter")  # the keyring button is off: "This session only"
        await settle(pilot)
        message = static_text(app, "#credentials-message")
        assert "this session only" in message and "nothing" in message.lower(), message
        await pilot.press("escape")
        await settle(pilot)
        assert "this session" in header(app), header(app)
        assert "acme" in header(app), header(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: current_panel(app) == "result", what="the result")
    assert len(stop_requests(emu)) == 1
    assert not (tmp_path / "config.toml").exists()  # nothing was written


async def test_f8_saves_the_profile_without_the_token(tmp_path: Path, emu: Emulator) -> None:
    session = bare_session(tmp_path, emu.base_url)
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await type_text(pilot, "acme")
        await pilot.press("tab")
        await type_text(pilot, DEMO_PROJECT_ID)
        await pilot.press("tab")
        await type_text(pilot, DEMO_API_TOKEN)
        await pilot.click("#cred-profile")
        await settle(pilot)
        assert "token" in static_text(app, "#credentials-message")
    config = load_config(tmp_path / "config.toml")
    _, profile = config.profile(None)
    assert profile is not None and profile.space == "acme"
    assert profile.project_id == DEMO_PROJECT_ID
    assert DEMO_API_TOKEN not in (tmp_path / "config.toml").read_text()


async def test_error_panel_for_missing_credentials_reads_plainly(
    tmp_path: Path, emu: Emulator
) -> None:
    """Should the stop still meet missing credentials, its panel has no class name, no word
    broken across lines, no empty hint, and names F8."""
    from streamtui.errors import CredentialsError

    session = bare_session(tmp_path, emu.base_url)
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        error = CredentialsError(
            "No API token in the environment, and the OS keyring is not available over "
            "this connection: set SIGNALWIRE_SPACE and SIGNALWIRE_API_TOKEN, or log in."
        )
        await app.main.show_error(error, None)
        await settle(pilot)
        text = screen_text(app)
        assert "CredentialsError" not in text
        assert "F8" in text
        assert "hint: \n" not in text + "\n" and not text.rstrip().endswith("hint:")
        # no word of the message is cut across two lines
        shown = {w.strip(".,:") for line in text.splitlines() for w in line.split()}
        for word in error.message.split():
            if len(word) > 3:
                assert word.strip(".,:") in shown, word


async def test_header_and_confirmation_name_the_space_and_the_host(
    tmp_path: Path, emu: Emulator
) -> None:
    session = bare_session(tmp_path, emu.base_url)
    session.session_space, session.session_project = "acme", DEMO_PROJECT_ID
    from streamtui.secret import Secret

    session.session_token = Secret(DEMO_API_TOKEN)
    host = emu.base_url.split("://", 1)[1].rstrip("/")
    prefill = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)
    app = StreamTuiApp(session, prefill)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert f"acme · via {host}" in header(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStopScreen)
        assert f"acme · via {host}" in screen_text(app)
