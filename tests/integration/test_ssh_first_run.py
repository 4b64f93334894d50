"""Issue 11: the first run over SSH with no keyring, as the user meets it: the CLI's
`auth login --profile-only`, and the TUI driven in tmux at 80x24."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streamtui.config import load_config
from streamtui.emulator import DEMO_PROJECT_ID, Emulator
from tests.support.cli import run_streamtui


def ssh_env(tmp_path: Path) -> dict[str, str]:
    """An SSH login with nothing set up: no D-Bus, no SIGNALWIRE_*, empty HOME and XDG dirs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SIGNALWIRE_", "STREAMTUI_", "XDG_", "DBUS_", "PYTHON_KEYRING"))
    }
    home = tmp_path / "home"
    for sub in ("config", "data", "state", "cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        STREAMTUI_STATE_DIR=str(tmp_path / "streamtui-state"),
    )
    return env


@pytest.fixture
def emulator() -> object:
    with Emulator() as emu:
        yield emu


def test_auth_login_without_a_keyring_can_save_the_profile_only(
    tmp_path: Path, emulator: Emulator
) -> None:
    env = ssh_env(tmp_path)
    args = ["auth", "login", "--space", "acme", "--project-id", DEMO_PROJECT_ID]
    refused = run_streamtui([*args, "--base-url", emulator.base_url], env)
    assert refused.returncode == 2, refused.stderr
    assert "--profile-only" in refused.stderr  # the way out is named

    saved = run_streamtui([*args, "--base-url", emulator.base_url, "--profile-only"], env)
    assert saved.returncode == 0, saved.stderr
    assert "SIGNALWIRE_API_TOKEN" in saved.stdout and "F8" in saved.stdout
    config_file = Path(env["XDG_CONFIG_HOME"]) / "streamtui" / "config.toml"
    _, profile = load_config(config_file).profile(None)
    assert profile is not None and profile.space == "acme"
    assert profile.project_id == DEMO_PROJECT_ID
    assert emulator.requests == []  # no token, nothing checked, nothing sent
