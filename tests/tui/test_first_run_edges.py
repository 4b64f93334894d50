"""Issue 11, the edges of the SSH first run: a header that keeps what tells one session from
another at 80 columns, ctrl+s pressed while the keyring is still being asked, and keys typed
right after a Tab over a laggy link."""

from __future__ import annotations

import threading
from pathlib import Path

from textual import events

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.errors import CredentialsError
from streamtui.secret import Secret
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.confirm import ConfirmStopScreen
from streamtui.tui.screens.main import Prefill
from streamtui.tui.widgets.header import SessionBar
from tests.tui.conftest import (
    SIZE,
    current_panel,
    screen_text,
    settle,
    static_text,
    wait_until,
)
from tests.tui.test_ssh_first_run import bare_session

PREFILL = Prefill(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID)


def header(app: StreamTuiApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_the_80_column_header_keeps_the_token_source_and_the_machine(
    tmp_path: Path, emu: Emulator
) -> None:
    session = bare_session(tmp_path, emu.base_url)
    session.session_space, session.session_project = "acme-production", DEMO_PROJECT_ID
    session.session_token = Secret(DEMO_API_TOKEN)
    app = StreamTuiApp(session, PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(SessionBar).who = "oncall@bastion-eu-west-1"
        await settle(pilot)
        top = header(app)
        assert "this session" in top, top
        assert "oncall@bastion-eu-west-1" in top, top
        assert "acme-production" in top, top


async def test_the_demo_header_fits_80_columns() -> None:
    from streamtui.demo import demo_session

    with demo_session(latency=0) as session:
        app = StreamTuiApp(session, Prefill())
        async with app.run_test(size=SIZE) as pilot:
            app.screen.query_one(SessionBar).who = "oncall@bastion-eu-west-1"
            await settle(pilot)
            top = header(app)
            assert "DEMO" in top and "this session" in top, top
            assert "oncall@bastion-eu-west-1" in top, top


async def test_ctrl_s_while_the_keyring_is_asked_waits_for_its_answer(
    tmp_path: Path, emu: Emulator, monkeypatch
) -> None:
    session = bare_session(tmp_path, emu.base_url)
    session.session_space, session.session_project = "acme", DEMO_PROJECT_ID
    release = threading.Event()

    def keyring_token() -> str:
        release.wait(10)
        return "keyring"

    monkeypatch.setattr(session, "token_source", keyring_token)
    app = StreamTuiApp(session, PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        # not a confirmation on a guess: it says it is checking the token
        assert not isinstance(app.screen, ConfirmStopScreen)
        assert "checking" in static_text(app, "#notice").lower()
        release.set()
        await wait_until(
            pilot, lambda: isinstance(app.screen, ConfirmStopScreen), what="the confirmation"
        )


async def test_ctrl_s_while_the_keyring_is_asked_then_no_token_opens_nothing(
    tmp_path: Path, emu: Emulator, monkeypatch
) -> None:
    session = bare_session(tmp_path, emu.base_url)
    release = threading.Event()

    def no_token() -> str:
        release.wait(10)
        raise CredentialsError("No API token for this destination.")

    monkeypatch.setattr(session, "token_source", no_token)
    app = StreamTuiApp(session, PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmStopScreen)
        release.set()
        await wait_until(pilot, lambda: "F8" in static_text(app, "#notice"), what="the notice")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmStopScreen)
        assert current_panel(app) == "notice"


async def test_keys_typed_right_after_tab_land_in_the_next_field(
    tmp_path: Path, emu: Emulator
) -> None:
    """Over a laggy link Tab and the next characters arrive in one read: the characters belong
    to the field Tab moves to, not to the one it leaves."""
    session = bare_session(tmp_path, emu.base_url)
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        main.field("account").input.focus()
        await pilot.pause()
        for key, char in [("tab", None), ("a", "a"), ("b", "b"), ("c", "c")]:
            app.post_message(events.Key(key, char))  # one read: no pause between them
        await settle(pilot)
        assert main.field("account").value == ""
        assert main.field("conference").value == "abc"


async def test_the_header_turns_with_f8_not_after_it(tmp_path: Path, emu: Emulator) -> None:
    """Issue 11: "the message at the bottom turns green while the status at the top stays red".
    Once F8 keeps the credentials for this session, the top line says so at once, while F8 is
    still open."""
    from streamtui.tui.screens.credentials import CredentialsScreen
    from tests.tui.conftest import type_text

    session = bare_session(tmp_path, emu.base_url)
    app = StreamTuiApp(session, PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main.query_one(SessionBar)
        assert bar.credential_state == "missing"
        await pilot.press("f8")
        await settle(pilot)
        await type_text(pilot, "acme")
        await pilot.press("tab")
        await type_text(pilot, DEMO_PROJECT_ID)
        await pilot.press("tab")
        await type_text(pilot, DEMO_API_TOKEN)
        await pilot.press("tab", "enter")  # "This session"
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)  # still open
        assert bar.credential_state == "this session"
        assert "acme" in bar.where


async def test_a_token_at_hand_is_never_shown_as_being_checked(
    tmp_path: Path, emu: Emulator
) -> None:
    """The tmux first run once read "token checking…" just after F8 kept the token for this
    session: the header asked a thread where the token came from, and on a loaded machine the
    thread was late. A token in hand (this session's, or the environment's) needs no keyring, so
    the header names its source at once and never says "checking" for it."""
    from tests.tui.conftest import type_text

    session = bare_session(tmp_path, emu.base_url)
    app = StreamTuiApp(session, PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main.query_one(SessionBar)
        assert bar.credential_state == "missing"
        shown: list[str] = []
        bar.watch(bar, "credential_state", lambda state: shown.append(state), init=False)
        await pilot.press("f8")
        await settle(pilot)
        await type_text(pilot, "acme")
        await pilot.press("tab")
        await type_text(pilot, DEMO_PROJECT_ID)
        await pilot.press("tab")
        await type_text(pilot, DEMO_API_TOKEN)
        await pilot.press("tab", "enter")  # "This session"
        await settle(pilot)
        assert bar.credential_state == "this session", bar.credential_state
        assert shown == ["this session"]


async def test_f8s_token_is_in_the_header_in_the_same_frame_as_f8s_message(
    tmp_path: Path, emu: Emulator
) -> None:
    """The tmux first run read "no token: F8" just after F8 said "nothing was written": the top
    bar waited for a worker. F8 calls `credentials_changed` as it keeps the token; the header
    must already name it when that call returns, before anything else runs."""
    session = bare_session(tmp_path, emu.base_url)
    app = StreamTuiApp(session, PREFILL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.main.query_one(SessionBar)
        assert bar.credential_state == "missing"
        session.session_space, session.session_project = "acme", DEMO_PROJECT_ID
        session.session_token = Secret(DEMO_API_TOKEN)
        app.main.credentials_changed()
        assert bar.credential_state == "this session"
