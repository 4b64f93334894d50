"""`streamtui auth` against a REAL Secret Service (gnome-keyring in a private D-Bus session).

The token is checked from outside streamtui with `secret-tool`, and after a whole login / stop /
logout cycle no file under HOME, the config dir or the state dir may hold the token, in clear or
base64-encoded."""

from __future__ import annotations

import base64
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from streamtui.emulator import API_PREFIX, DEMO_SPACE, Emulator, Fault
from tests.support.cli import run_streamtui, startup_seconds
from tests.support.secret_service import SecretService

TIMEOUT = 30
PROJECT = "7d4e1b2c-3a5f-4c6d-8e9f-0a1b2c3d4e5f"
TOKEN = "PTkeyring-Zq81Xw47Lm29"
WRONG_TOKEN = "PTwrong-Yv36Nb58Kc14"
ROTATED_TOKEN = "PTrotated-Hj72Pq90"


def b64(text: str) -> bytes:
    return base64.b64encode(text.encode())


NEEDLES = (
    TOKEN.encode(),
    b64(TOKEN),
    b64(f"{PROJECT}:{TOKEN}"),
    WRONG_TOKEN.encode(),
    b64(WRONG_TOKEN),
)


def check_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    for secret in (TOKEN, WRONG_TOKEN, ROTATED_TOKEN):
        assert secret not in result.stdout, result.stdout
        assert secret not in result.stderr, result.stderr


def run(
    args: Sequence[str], env: dict[str, str], *, input: str | None = None, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    result = run_streamtui(args, env, input=input, timeout=timeout)
    check_clean(result)
    return result


def login_args(emulator: Emulator, *extra: str) -> list[str]:
    """`auth login` for the demo project against the emulator."""
    return [
        "auth",
        "login",
        "--space",
        DEMO_SPACE,
        "--project-id",
        PROJECT,
        "--base-url",
        emulator.base_url,
        *extra,
    ]


def login(
    env: dict[str, str], emulator: Emulator, token: str = TOKEN, *extra: str
) -> subprocess.CompletedProcess[str]:
    return run(login_args(emulator, "--with-token", *extra), env, input=f"{token}\n")


def secret_tool(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["secret-tool", *args], env=env, capture_output=True, text=True, timeout=10, check=False
    )


def keyring_username(env: dict[str, str]) -> str:
    """The entry of the token stored for the emulator: its own host and port, not the space."""
    return f"{PROJECT}@{urlsplit(env['STREAMTUI_BASE_URL']).netloc}"


def stored_token(env: dict[str, str]) -> str | None:
    """The token as the Secret Service holds it, looked up from outside streamtui."""
    result = secret_tool(env, "lookup", "service", "streamtui", "username", keyring_username(env))
    return result.stdout if result.returncode == 0 and result.stdout else None


def streamtui_items(env: dict[str, str]) -> str:
    """Every item with service=streamtui, as secret-tool lists them (secrets included)."""
    result = secret_tool(env, "search", "--all", "service", "streamtui")
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def files_holding_secrets(roots: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(files that hold a token in any form, every file looked at)."""
    hits: list[Path] = []
    seen: list[Path] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            seen.append(path)
            data = path.read_bytes()
            if any(needle in data for needle in NEEDLES):
                hits.append(path)
    return hits, seen


@pytest.fixture
def project(emulator: Emulator) -> tuple[str, str]:
    """A project of our own in the emulator (token with distinctive last 4), with one stream."""
    emulator.add_account(PROJECT, TOKEN)
    conference = emulator.add_conference(PROJECT, friendly_name="Keyring bridge")
    stream = emulator.add_stream(PROJECT, conference.sid, name="keyring-feed")
    return conference.sid, stream.sid


@pytest.fixture
def paths(tmp_path: Path) -> dict[str, Path]:
    return {"config": tmp_path / "config" / "config.toml", "state": tmp_path / "state"}


@pytest.fixture
def env(
    secret_service: SecretService, paths: dict[str, Path], emulator: Emulator
) -> dict[str, str]:
    env = dict(secret_service.env)
    assert "PYTHON_KEYRING_BACKEND" not in env
    env.update(
        STREAMTUI_CONFIG=str(paths["config"]),
        STREAMTUI_STATE_DIR=str(paths["state"]),
        STREAMTUI_BASE_URL=emulator.base_url,
    )
    return env


# --- login, status, stop, logout -----------------------------------------------------------------


def test_login_verifies_then_stores_the_token_in_the_secret_service(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], paths: dict[str, Path]
) -> None:
    result = login(env, emulator)

    assert result.returncode == 0, result.stderr
    assert f"****{TOKEN[-4:]}" in result.stdout
    assert "GNOME Keyring / Secret Service, the system's keyring" in result.stdout
    [request] = emulator.requests
    assert request.method == "GET"
    assert request.path == f"{API_PREFIX}/Accounts/{PROJECT}/Conferences"
    assert request.query == {"PageSize": "1"}
    assert request.headers["authorization"] == f"Basic {b64(f'{PROJECT}:{TOKEN}').decode()}"
    assert request.response_status == 200

    assert stored_token(env) == TOKEN
    items = streamtui_items(env)
    assert f"attribute.username = {keyring_username(env)}" in items
    assert items.count("[/") == 1  # exactly one item

    config = paths["config"].read_text()
    assert PROJECT in config and DEMO_SPACE in config
    assert TOKEN not in config


def test_status_shows_the_token_masked_and_the_backend(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    assert login(env, emulator).returncode == 0
    keyless = {k: v for k, v in env.items() if not k.startswith("SIGNALWIRE_")}

    result = run(["auth", "status"], keyless)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"****{TOKEN[-4:]}" in out
    assert TOKEN[:-4] not in out
    assert "OS keyring" in out
    assert "GNOME Keyring / Secret Service, the system's keyring" in out
    assert "SecretService" not in out  # plain words, no Python class names
    assert PROJECT in out


def test_status_says_when_the_environment_wins(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    assert login(env, emulator).returncode == 0
    other = "PTfrom-environment-9876"
    result = run(["auth", "status"], {**env, "SIGNALWIRE_API_TOKEN": other})
    assert result.returncode == 0, result.stderr
    assert "****9876" in result.stdout
    assert "SIGNALWIRE_API_TOKEN" in result.stdout
    assert other not in result.stdout


def test_stop_takes_the_token_from_the_keyring(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    conference, stream = project
    assert login(env, emulator).returncode == 0
    emulator.clear_requests()

    result = run(["stop", "--conference", conference, "--stream", stream], env)

    assert result.returncode == 0, result.stderr
    assert "stopped" in result.stdout
    [request] = emulator.requests
    assert (
        request.path == f"{API_PREFIX}/Accounts/{PROJECT}/Conferences/{conference}/Streams/{stream}"
    )
    assert request.headers["authorization"] == f"Basic {b64(f'{PROJECT}:{TOKEN}').decode()}"


def test_stop_uses_the_base_url_saved_in_the_profile(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    """`auth login --base-url` saves the base URL in the profile: a later `stop` must send there
    (and nowhere else), even without STREAMTUI_BASE_URL."""
    conference, stream = project
    assert login(env, emulator).returncode == 0
    emulator.clear_requests()
    without = {k: v for k, v in env.items() if k != "STREAMTUI_BASE_URL"}

    result = run(
        ["stop", "--conference", conference, "--stream", stream, "--timeout", "5"], without
    )

    assert result.returncode == 0, result.stderr
    assert len(emulator.requests) == 1
    status = run(["auth", "status"], without)
    assert status.returncode == 0, status.stderr
    assert emulator.base_url in status.stdout


def test_login_checks_the_token_where_streamtui_base_url_points(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    """The contract: STREAMTUI_BASE_URL (or --base-url) replaces https://{space}.signalwire.com,
    so the token is verified against it, not sent to the real space."""
    conference, stream = project
    result = run(
        ["auth", "login", "--space", DEMO_SPACE, "--project-id", PROJECT, "--with-token"],
        env,
        input=f"{TOKEN}\n",
    )

    assert result.returncode == 0, result.stderr
    assert len(emulator.requests) == 1
    assert stored_token(env) == TOKEN
    stop = run(["stop", "--conference", conference, "--stream", stream], env)
    assert stop.returncode == 0, stop.stderr


def test_logout_deletes_the_token(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    conference, stream = project
    assert login(env, emulator).returncode == 0
    assert stored_token(env) == TOKEN

    result = run(["auth", "logout"], env)

    assert result.returncode == 0, result.stderr
    assert "deleted" in result.stdout
    assert stored_token(env) is None
    assert "streamtui" not in streamtui_items(env)
    emulator.clear_requests()
    stop = run(["stop", "--conference", conference, "--stream", stream], env)
    assert stop.returncode == 2, stop.stderr
    assert "SIGNALWIRE_API_TOKEN" in stop.stderr
    assert emulator.requests == []
    again = run(["auth", "logout"], env)
    assert again.returncode == 0, again.stderr
    assert "nothing to delete" in again.stdout


def test_no_file_ever_holds_the_token(
    env: dict[str, str],
    emulator: Emulator,
    project: tuple[str, str],
    paths: dict[str, Path],
    secret_service: SecretService,
) -> None:
    conference, stream = project
    roots = (secret_service.home, paths["config"].parent, paths["state"])

    assert login(env, emulator).returncode == 0
    assert run(["auth", "status"], env).returncode == 0
    assert run(["stop", "--conference", conference, "--stream", stream], env).returncode == 0
    assert (
        run(["stop", "--conference", conference, "--stream", "no-such-stream"], env).returncode == 4
    )
    assert run(["history", "--json"], env).returncode == 0
    hits, seen = files_holding_secrets(roots)
    assert hits == []
    names = {path.name for path in seen}
    assert "config.toml" in names  # the walk did look at our files
    assert any(path.is_relative_to(paths["state"]) for path in seen)
    assert any("keyrings" in path.parts for path in seen)  # and at the encrypted keyring

    assert run(["auth", "logout"], env).returncode == 0
    hits, _ = files_holding_secrets(roots)
    assert hits == []


# --- refusals: nothing stored --------------------------------------------------------------------


def test_login_with_a_wrong_token_exits_3_and_stores_nothing(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], paths: dict[str, Path]
) -> None:
    result = login(env, emulator, WRONG_TOKEN)

    assert result.returncode == 3, result.stderr
    assert "20003" in result.stderr
    assert "not stored" in result.stderr
    assert stored_token(env) is None
    assert "streamtui" not in streamtui_items(env)
    assert not paths["config"].exists()
    assert len(emulator.requests) == 1  # a 401 is not retried


def test_login_never_prints_a_token_the_server_echoes(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    emulator.faults.queue(Fault.status(401, message=f"Authentication failed for {TOKEN}"))
    result = login(env, emulator)  # `run` fails the test if the token is printed
    assert result.returncode == 3, result.stderr
    assert "Authentication failed for ****" in result.stderr
    assert stored_token(env) is None


def test_login_again_replaces_the_token(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    assert login(env, emulator).returncode == 0
    emulator.add_account(PROJECT, ROTATED_TOKEN)  # the token was rotated
    assert login(env, emulator, ROTATED_TOKEN).returncode == 0
    assert stored_token(env) == ROTATED_TOKEN
    assert streamtui_items(env).count("[/") == 1


def test_login_no_verify_stores_without_asking_the_api(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    result = login(env, emulator, TOKEN, "--no-verify")
    assert result.returncode == 0, result.stderr
    assert "checked against the API" not in result.stdout
    assert emulator.requests == []
    assert stored_token(env) == TOKEN


def test_status_without_any_credentials_exits_2(env: dict[str, str]) -> None:
    result = run(["auth", "status"], env)
    assert result.returncode == 2
    assert "keyring:" in result.stderr
    assert "SIGNALWIRE_SPACE" in result.stderr or "auth login" in result.stderr


@pytest.mark.parametrize("token", ["", "   ", "two words"])
def test_login_with_an_unusable_token_exits_2(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], token: str
) -> None:
    result = login(env, emulator, token)
    assert result.returncode == 2, result.stderr
    assert "nothing was stored" in result.stderr
    assert emulator.requests == []
    assert "streamtui" not in streamtui_items(env)


def test_login_without_with_token_and_no_tty_exits_2(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str]
) -> None:
    result = run(login_args(emulator), env)
    assert result.returncode == 2, result.stderr
    assert "--with-token" in result.stderr
    assert emulator.requests == []


@pytest.mark.parametrize(
    "args",
    [
        ["--project-id", PROJECT],
        ["--space", DEMO_SPACE],
        ["--space", "evil.example.com", "--project-id", PROJECT],
        ["--space", DEMO_SPACE, "--project-id", "b3877c40-da60-4998-90ad-b792e98472st"],
    ],
)
def test_login_with_missing_or_bad_identity_exits_2(
    env: dict[str, str], emulator: Emulator, args: list[str]
) -> None:
    result = run(
        ["auth", "login", *args, "--base-url", emulator.base_url, "--with-token"],
        env,
        input=f"{TOKEN}\n",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert emulator.requests == []
    assert "streamtui" not in streamtui_items(env)


@pytest.mark.parametrize("profile", ["bad name!", "../x", "x" * 65])
def test_login_with_an_unusable_profile_name_stores_nothing(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], profile: str
) -> None:
    result = login(env, emulator, TOKEN, "--profile", profile)
    assert result.returncode == 2, result.stderr
    assert "profile name" in result.stderr
    assert stored_token(env) is None
    assert "streamtui" not in streamtui_items(env)


def test_login_with_no_usable_keyring_exits_2_and_writes_the_token_nowhere(
    isolated_env: dict[str, str], tmp_path: Path, emulator: Emulator, project: tuple[str, str]
) -> None:
    env = {k: v for k, v in isolated_env.items() if k != "PYTHON_KEYRING_BACKEND"}
    assert "DBUS_SESSION_BUS_ADDRESS" not in env
    env["STREAMTUI_BASE_URL"] = emulator.base_url

    startup = startup_seconds(env)
    started = time.monotonic()
    result = login(env, emulator)

    assert result.returncode == 2, result.stderr
    assert time.monotonic() - started - startup < 10
    assert "keyring" in result.stderr.lower()
    assert "SIGNALWIRE_API_TOKEN" in result.stderr
    assert "stored nowhere" in result.stderr
    assert emulator.requests == []
    hits, _ = files_holding_secrets([tmp_path])
    assert hits == []


def test_locked_keyring_gives_a_clear_message_without_hanging(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], secret_service: SecretService
) -> None:
    conference, stream = project
    assert login(env, emulator).returncode == 0
    secret_service.lock()
    emulator.clear_requests()

    results = []
    startup = startup_seconds(env)
    for command in (
        lambda: login(env, emulator),
        lambda: run(["stop", "--conference", conference, "--stream", stream], env),
        lambda: run(["auth", "status"], env),
        lambda: run(["auth", "logout"], env),
    ):
        started = time.monotonic()
        results.append(command())
        # Bounded: each keyring call gives up after 5 s even if the daemon never answered.
        assert time.monotonic() - started - startup < 8
    relogin = results[0]
    for result in results:
        assert result.returncode == 2, (result.args, result.stderr)
        assert "locked" in result.stderr, result.stderr
        assert "Unlock" in result.stderr or "unlock" in result.stderr
    assert "stored nowhere" in relogin.stderr
    assert emulator.requests == []  # nothing verified, nothing stopped
    secret_service.unlock()
    assert stored_token(env) == TOKEN  # and the logout deleted nothing


def test_null_backend_is_refused_unless_allowed(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], paths: dict[str, Path]
) -> None:
    null = {**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}

    refused = login(null, emulator)

    assert refused.returncode == 2, refused.stderr
    assert "null.Keyring" in refused.stderr
    assert "not a recommended" in refused.stderr
    assert "STREAMTUI_ALLOW_INSECURE_KEYRING" in refused.stderr
    assert emulator.requests == []
    assert not paths["config"].exists()

    allowed = login({**null, "STREAMTUI_ALLOW_INSECURE_KEYRING": "1"}, emulator)

    assert allowed.returncode == 0, allowed.stderr
    assert "NOT a secure store" in allowed.stderr
    assert len(emulator.requests) == 1
    assert stored_token(env) is None  # the null backend kept nothing, the real keyring untouched


def test_a_backend_named_in_the_environment_is_not_trusted_for_its_claimed_priority(
    env: dict[str, str], emulator: Emulator, project: tuple[str, str], tmp_path: Path
) -> None:
    """Finding 6: PYTHON_KEYRING_BACKEND names a backend that claims the highest priority but
    writes a plain file. It is refused, and the message says that the variable chose it."""
    plain_file = tmp_path / "claims-secure.json"
    claims = {
        **env,
        "PYTHON_KEYRING_BACKEND": "tests.security.claims_secure_keyring.Keyring",
        "CLAIMS_SECURE_KEYRING_FILE": str(plain_file),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }

    refused = login(claims, emulator)

    assert refused.returncode == 2, refused.stderr
    assert "not a recommended" in refused.stderr
    assert "chosen by PYTHON_KEYRING_BACKEND" in refused.stderr
    assert "stored nowhere" in refused.stderr
    assert not plain_file.exists()
    assert emulator.requests == []
    from_environment = {**claims, "SIGNALWIRE_API_TOKEN": TOKEN, "SIGNALWIRE_PROJECT_ID": PROJECT}
    status = run(["auth", "status"], from_environment)
    assert status.returncode == 0, status.stderr
    [row] = [line for line in status.stdout.splitlines() if line.startswith("keyring:")]
    assert "chosen by PYTHON_KEYRING_BACKEND (refused: not a recommended secure store)" in row

    allowed = login({**claims, "STREAMTUI_ALLOW_INSECURE_KEYRING": "1"}, emulator)
    assert allowed.returncode == 0, allowed.stderr
    assert "NOT a secure store" in allowed.stderr
    assert "chosen by PYTHON_KEYRING_BACKEND" in allowed.stdout
    assert plain_file.exists()
