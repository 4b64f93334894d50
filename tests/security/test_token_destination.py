"""Findings 1 and 2: a token goes only to the destination it was stored for.

A REAL Secret Service (gnome-keyring in a private D-Bus session) holds the token stored for the
space `acme`; a hostile server on loopback stands for the place a leftover STREAMTUI_BASE_URL, a
`--base-url` or a profile's `base_url` points to. It must receive nothing at all: no request, so no
Authorization header. A token stored for that host with `auth login --base-url` goes there, and the
space's token never does. Plain http goes to no name that needs a lookup (`localhost.`).
"""

from __future__ import annotations

import base64
import json
import subprocess
import tomllib
from pathlib import Path

import pytest
import tomli_w

from streamtui.credentials import KeyringStore
from streamtui.emulator import DEMO_API_TOKEN, DEMO_PROJECT_ID, Emulator
from streamtui.secret import Secret
from streamtui.session import Session
from tests.support.cli import run_streamtui
from tests.support.hostile import Conn, HostileServer, Request, response
from tests.support.secret_service import SecretService

PROJECT = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
CONFERENCE = "7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e"
STREAM = "8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f"
SPACE = "acme"
SPACE_TOKEN = "PTproduction-space-token-Qx71"
HOST_TOKEN = "PTlocal-host-token-Mw38"
TIMEOUT = 30


def basic(token: str) -> str:
    return "Basic " + base64.b64encode(f"{PROJECT}:{token}".encode()).decode()


def stopped(request: Request, conn: Conn) -> None:
    """Answers a stop as SignalWire would, so a request that should go through does."""
    body = {
        "sid": request.target.rsplit("/", 1)[-1],
        "status": "stopped",
        "account_sid": PROJECT,
        "conference_sid": CONFERENCE,
        "name": None,
        "date_updated": "Tue, 01 Sep 2026 10:00:00 +0000",
        "uri": "/x",
    }
    conn.send(response(200, json.dumps(body).encode()))


def run(
    args: list[str], env: dict[str, str], *, token: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_streamtui(
        args,
        env,
        input=None if token is None else f"{token}\n",
        timeout=TIMEOUT,
        secrets=(SPACE_TOKEN, HOST_TOKEN),
    )


def stop(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        ["stop", "--conference", CONFERENCE, "--stream", STREAM, "--timeout", "10", *extra], env
    )


def lookup(env: dict[str, str], username: str) -> str | None:
    """The token the Secret Service holds under `username`, read from outside streamtui."""
    done = subprocess.run(
        ["secret-tool", "lookup", "service", "streamtui", "username", username],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return done.stdout or None


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


@pytest.fixture
def env(secret_service: SecretService, config: Path, tmp_path: Path) -> dict[str, str]:
    """The real keyring, with the production token stored for the space `acme` by `auth login`."""
    env = dict(secret_service.env)
    env.update(STREAMTUI_CONFIG=str(config), STREAMTUI_STATE_DIR=str(tmp_path / "state"))
    login = ["auth", "login", "--space", SPACE, "--project-id", PROJECT, "--with-token"]
    done = run([*login, "--no-verify"], env, token=SPACE_TOKEN)  # no request to the real space
    assert done.returncode == 0, done.stderr
    assert lookup(env, f"{PROJECT}@{SPACE}") == SPACE_TOKEN
    return env


def point_profile_at(config: Path, base_url: str) -> None:
    """One line in the config file: the profile's base_url."""
    data = tomllib.loads(config.read_text())
    data["profiles"]["default"]["base_url"] = base_url
    config.write_text(tomli_w.dumps(data))


def how_to_point(
    way: str, env: dict[str, str], config: Path, base_url: str
) -> tuple[dict[str, str], list[str]]:
    if way == "environment":
        return {**env, "STREAMTUI_BASE_URL": base_url}, []
    if way == "flag":
        return env, ["--base-url", base_url]
    point_profile_at(config, base_url)
    return env, []


@pytest.mark.parametrize("way", ["environment", "flag", "profile"])
def test_the_space_token_is_never_sent_where_an_explicit_base_url_points(
    env: dict[str, str], config: Path, way: str
) -> None:
    with HostileServer(stopped) as server:
        host = f"127.0.0.1:{server.port}"
        pointed, extra = how_to_point(way, env, config, server.base_url)

        result = stop(pointed, *extra)
        status = run(["auth", "status", *extra], pointed)

    assert server.requests == []  # no request at all, so no Authorization header either
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"The token stored for {SPACE} is not sent to {host}" in message
    assert f"streamtui auth login --base-url {server.base_url}" in message
    assert status.returncode == 2, status.stderr
    assert f"is not sent to {host}" in " ".join(status.stderr.split())


def test_a_token_stored_for_the_host_goes_there_and_the_space_token_never_does(
    env: dict[str, str],
) -> None:
    with HostileServer(stopped) as server:
        host = f"127.0.0.1:{server.port}"
        login = [
            "auth", "login", "--profile", "local", "--space", SPACE, "--project-id", PROJECT,
            "--base-url", server.base_url, "--with-token", "--no-verify",
        ]  # fmt: skip
        stored = run(login, env, token=HOST_TOKEN)
        assert stored.returncode == 0, stored.stderr
        assert lookup(env, f"{PROJECT}@{host}") == HOST_TOKEN
        assert lookup(env, f"{PROJECT}@{SPACE}") == SPACE_TOKEN  # untouched

        by_profile = stop(env, "--profile", "local")
        by_environment = stop({**env, "STREAMTUI_BASE_URL": server.base_url})
        status = run(["auth", "status", "--profile", "local"], env)

    assert by_profile.returncode == 0, by_profile.stderr
    assert by_environment.returncode == 0, by_environment.stderr
    assert [r.headers["authorization"] for r in server.requests] == [basic(HOST_TOKEN)] * 2
    assert status.returncode == 0, status.stderr
    assert host in status.stdout
    assert f"{PROJECT}@{host}" in status.stdout  # the keyring entry it was read from

    logout = run(["auth", "logout", "--profile", "local"], env)
    assert logout.returncode == 0, logout.stderr
    assert lookup(env, f"{PROJECT}@{host}") is None
    assert lookup(env, f"{PROJECT}@{SPACE}") == SPACE_TOKEN  # logout deleted only its own entry


def test_an_environment_token_goes_to_the_explicit_base_url_and_status_says_so(
    isolated_env: dict[str, str],
) -> None:
    env = {**isolated_env, "SIGNALWIRE_PROJECT_ID": PROJECT, "SIGNALWIRE_API_TOKEN": HOST_TOKEN}
    with HostileServer(stopped) as server:
        env["STREAMTUI_BASE_URL"] = server.base_url
        result = stop(env)
        status = run(["auth", "status"], env)

    assert result.returncode == 0, result.stderr
    assert [r.headers["authorization"] for r in server.requests] == [basic(HOST_TOKEN)]
    assert status.returncode == 0, status.stderr
    [sent_to] = [line for line in status.stdout.splitlines() if line.startswith("sent to:")]
    assert f"127.0.0.1:{server.port}" in sent_to
    assert "STREAMTUI_BASE_URL" in sent_to


# --- finding 2: plain http never to a name that needs a lookup ----------------------------------


@pytest.mark.parametrize("name", ["localhost.", "localhost.localdomain", "foo.localhost"])
def test_plain_http_to_a_looked_up_name_sends_nothing(
    isolated_env: dict[str, str], name: str
) -> None:
    env = {**isolated_env, "SIGNALWIRE_PROJECT_ID": PROJECT, "SIGNALWIRE_API_TOKEN": HOST_TOKEN}
    with HostileServer(stopped) as server:
        result = stop(env, "--base-url", f"http://{name}:{server.port}")

    assert server.requests == []
    assert result.returncode == 2, result.stderr
    assert "plain http" in result.stderr
    assert "127.0.0.1" in result.stderr  # says what to write instead


def test_plain_http_to_localhost_goes_to_127_0_0_1_without_a_lookup(
    isolated_env: dict[str, str],
) -> None:
    env = {**isolated_env, "SIGNALWIRE_PROJECT_ID": PROJECT, "SIGNALWIRE_API_TOKEN": HOST_TOKEN}
    with HostileServer(stopped) as server:
        result = stop(env, "--base-url", f"http://localhost:{server.port}")

    assert result.returncode == 0, result.stderr
    [request] = server.requests
    assert request.headers["host"] == f"127.0.0.1:{server.port}"  # the name was never resolved


# --- the TUI's F8 stores, reads and deletes the same entry -------------------------------------


class MemoryKeyring(KeyringStore):
    """An in-memory keyring (the real one is covered above): what F8 stored, under which name."""

    def __init__(self) -> None:
        super().__init__(allow_insecure=False, env={})
        self.entries: dict[str, str] = {}

    def get(self, username: str) -> Secret | None:
        value = self.entries.get(username)
        return Secret(value) if value else None

    def has(self, username: str) -> bool:
        return username in self.entries

    def set(self, username: str, token: Secret) -> str:
        self.entries[username] = token.reveal()
        return "memory"

    def delete(self, username: str) -> bool:
        return self.entries.pop(username, None) is not None

    def backend_name(self) -> str:
        return "memory"


async def test_f8_stores_the_token_for_the_base_url_it_checked_it_against(
    tmp_path: Path, emulator: Emulator
) -> None:
    from textual.widgets import Input

    from streamtui.tui.app import StreamTuiApp
    from streamtui.tui.screens.main import Prefill

    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.prod]\nspace = "{SPACE}"\nproject_id = "{DEMO_PROJECT_ID}"\n')
    session = Session.open(
        config_path=config, base_url=emulator.base_url, state_dir=tmp_path / "state", env={}
    )
    store = session.store = MemoryKeyring()
    store.entries[f"{DEMO_PROJECT_ID}@{SPACE}"] = SPACE_TOKEN
    host_entry = f"{DEMO_PROJECT_ID}@127.0.0.1:{emulator.port}"
    app = StreamTuiApp(session, Prefill(), timeout=10)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f8")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#cred-token", Input).value = DEMO_API_TOKEN
        app.screen.login()  # type: ignore[attr-defined]
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert store.entries[host_entry] == DEMO_API_TOKEN  # checked there, stored for there
        assert store.entries[f"{DEMO_PROJECT_ID}@{SPACE}"] == SPACE_TOKEN  # the space's untouched
        assert session.credentials().token.reveal() == DEMO_API_TOKEN

        app.screen.logout()  # type: ignore[attr-defined]
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert host_entry not in store.entries
    assert store.entries == {f"{DEMO_PROJECT_ID}@{SPACE}": SPACE_TOKEN}
    assert [r.headers["authorization"] for r in emulator.requests] == [
        "Basic " + base64.b64encode(f"{DEMO_PROJECT_ID}:{DEMO_API_TOKEN}".encode()).decode()
    ]
