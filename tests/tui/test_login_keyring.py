"""F8's login and logout against the real Secret Service: the same flow as `auth login` and
`auth logout` (streamtui.flows.auth): the same order, the same keyring entry, the profile's
base URL, and what one stores the other finds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from textual.widgets import Button

from streamtui.credentials import KeyringStore
from streamtui.emulator import DEMO_API_TOKEN, DEMO_PROJECT_ID, DEMO_SPACE, Emulator
from streamtui.session import Session
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.credentials import CredentialsScreen
from streamtui.tui.screens.main import Prefill
from tests.support.cli import run_streamtui
from tests.support.secret_service import SecretService
from tests.tui.conftest import SIZE, settle, static_text, type_text


@pytest.fixture(autouse=True)
def system_keyring(secret_service: SecretService) -> Iterator[None]:
    """keyring picks its backend once per process, among every backend class imported so far
    (other tests define look-alikes): name the Secret Service one, as a user's machine has it."""
    from keyring.backends import SecretService as backend

    previous = keyring.get_keyring()
    keyring.set_keyring(backend.Keyring())
    yield
    keyring.set_keyring(previous)


def _session(tmp_path: Path, emu: Emulator) -> Session:
    config = tmp_path / "config.toml"
    session = Session.open(
        config_path=config, state_dir=tmp_path / "state", base_url=emu.base_url, env={}
    )
    session.store = KeyringStore(env={})
    return session


async def _press_button(app: StreamTuiApp, pilot: object, button_id: str) -> None:
    app.screen.query_one(f"#{button_id}", Button).press()
    await settle(pilot)  # type: ignore[arg-type]


async def _log_in(app: StreamTuiApp, pilot: object, token: str) -> None:
    """F8, then the space, the project ID and the token typed, then "Save in keyring"."""
    await pilot.press("f8")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, CredentialsScreen)
    for field, text in (("space", DEMO_SPACE), ("project", DEMO_PROJECT_ID), ("token", token)):
        app.screen.query_one(f"#cred-{field}").focus()
        await type_text(pilot, text)  # type: ignore[arg-type]
    await _press_button(app, pilot, "cred-login")


async def test_f8_login_then_logout_use_the_keyring_entry_the_cli_uses(
    tmp_path: Path, emu: Emulator, secret_service: SecretService
) -> None:
    session = _session(tmp_path, emu)
    entry = f"{DEMO_PROJECT_ID}@127.0.0.1:{emu.port}"
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _log_in(app, pilot, DEMO_API_TOKEN)
        message = static_text(app, "#credentials-message")
        assert message.startswith("Stored ****0000 in GNOME Keyring"), message
        assert f"127.0.0.1:{emu.port}" in message
        # Checked at the destination first, with the token typed.
        assert [r.method for r in emu.requests] == ["GET"]

        # What F8 stored is what the CLI reads: same entry, profile with the base URL.
        assert keyring.get_password("streamtui", entry) == DEMO_API_TOKEN
        saved = session.config_path.read_text()
        assert emu.base_url in saved and DEMO_API_TOKEN not in saved
        status = run_streamtui(
            ["auth", "status", "--config", str(session.config_path)],
            {**secret_service.env, "STREAMTUI_STATE_DIR": str(tmp_path / "state")},
            secrets=[DEMO_API_TOKEN],
        )
        assert status.returncode == 0, status.stderr
        assert entry in status.stdout

        await _press_button(app, pilot, "cred-logout")
        assert "deleted" in static_text(app, "#credentials-message")
        assert keyring.get_password("streamtui", entry) is None


async def test_f8_login_saves_nothing_when_the_token_is_refused(
    tmp_path: Path, emu: Emulator, secret_service: SecretService
) -> None:
    session = _session(tmp_path, emu)
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _log_in(app, pilot, "PTwrong-token-000000000")
        assert static_text(app, "#credentials-message").startswith("Not stored")
    assert not session.config_path.exists()
    assert keyring.get_password("streamtui", f"{DEMO_PROJECT_ID}@127.0.0.1:{emu.port}") is None


async def test_f8_login_leaves_no_token_when_the_profile_cannot_be_saved(
    tmp_path: Path, emu: Emulator, secret_service: SecretService
) -> None:
    """The CLI's order: profile first, token second, so a failed save orphans no token."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    session = Session.open(
        config_path=blocker / "config.toml",
        state_dir=tmp_path / "state",
        base_url=emu.base_url,
        env={},
    )
    session.store = KeyringStore(env={})
    app = StreamTuiApp(session, Prefill())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _log_in(app, pilot, DEMO_API_TOKEN)
        assert static_text(app, "#credentials-message").startswith("Not stored")
    assert keyring.get_password("streamtui", f"{DEMO_PROJECT_ID}@127.0.0.1:{emu.port}") is None
