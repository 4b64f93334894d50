"""Findings 4 and 13, and the config's trust: local files are not a way in, and never a crash.

The state folder (history, state.json, their locks and rotated files) is opened without following
symlinks and only used when it is the user's alone. The config is refused when someone else could
have written it, as ssh refuses its config. Corrupt or hostile local files fail soft with a message:
no traceback, no hang on a FIFO, no reading /dev/zero until memory runs out.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from streamtui.config import load_config, load_config_for_ui, update_config
from streamtui.credentials import Credentials
from streamtui.emulator import (
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_STREAM_SID,
    Emulator,
)
from streamtui.errors import ConfigError
from streamtui.history import HISTORY_NAME, HistoryLog
from streamtui.models import ConferenceStream
from streamtui.secret import Secret
from streamtui.state import STATE_NAME, StateStore
from streamtui.target import StopTarget
from tests.support.cli import run_streamtui
from tests.support.records import record_attempt
from tests.support.textual_internals import rendered_strips

OTHER_UID = 65534  # nobody
PROJECT = "11111111-2222-4333-8444-555555555555"
ACCOUNT = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
CONFERENCE = "8d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
STREAM = "c0ffee00-1234-4abc-8def-0123456789ab"
SECRET_TEXT = b"precious: not streamtui's file\n"


def creds() -> Credentials:
    return Credentials("https://acme.signalwire.com", PROJECT, Secret("PTtok-0123456789"), "acme")


def target() -> StopTarget:
    return StopTarget.parse(ACCOUNT, CONFERENCE, STREAM)


def stopped() -> ConferenceStream:
    return ConferenceStream.from_json({"sid": STREAM, "status": "stopped"})


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the state folder that a symlink points at; it must never change."""
    path = tmp_path / "victim"
    path.write_bytes(SECRET_TEXT)
    path.chmod(0o644)
    return path


def assert_untouched(victim: Path) -> None:
    assert victim.read_bytes() == SECRET_TEXT
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644


@pytest.fixture
def state(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    return folder


def owned_by_someone_else(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `path` belong to another user: for real as root, else by changing who we are."""
    if os.geteuid() == 0:
        os.chown(path, OTHER_UID, -1)
    else:
        real = os.getuid()
        os.chown(path, real, -1)
        monkeypatch.setattr(os, "getuid", lambda: real + 1)
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)


# --- 4: symlinks in the state folder ---------------------------------------------------------


@pytest.mark.parametrize("name", [HISTORY_NAME, f"{HISTORY_NAME}.lock"])
def test_a_symlinked_history_or_lock_is_not_written_through(
    state: Path, victim: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (state / name).symlink_to(victim)
    record_attempt(creds(), target(), stopped(), 0.1, log=HistoryLog(state / HISTORY_NAME))
    assert_untouched(victim)
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and err.count("\n") == 1
    assert "link" in err and name in err


def test_a_symlinked_rotated_history_file_is_neither_read_nor_written(
    state: Path, victim: Path
) -> None:
    log = HistoryLog(state / HISTORY_NAME, max_bytes=300)
    forged = json.dumps({"n": 999, "outcome": "stopped"}).encode() + b"\n"
    victim.write_bytes(forged)
    victim.chmod(0o644)
    (state / f"{HISTORY_NAME}.1").symlink_to(victim)
    log.append({"n": 0})
    assert [r["n"] for r in log.read()] == [0]  # a forged record is never shown as history
    assert log.problem is not None and "symbolic link" in log.problem
    for number in range(1, 30):  # rotation moves the link along and finally deletes it
        log.append({"n": number, "pad": "x" * 40})
    assert victim.read_bytes() == forged
    assert [r["n"] for r in log.read(3)] == [29, 28, 27]


@pytest.mark.parametrize("name", [STATE_NAME, f"{STATE_NAME}.lock"])
def test_a_symlinked_state_file_or_lock_is_not_written_through(
    state: Path, victim: Path, name: str
) -> None:
    (state / name).symlink_to(victim)
    store = StateStore(state)
    assert store.remember([("a", "c", "feed")], when=1.0) is False
    assert_untouched(victim)
    assert store.problem is not None and "link" in store.problem


def test_a_fifo_in_the_state_folder_never_blocks(state: Path) -> None:
    os.mkfifo(state / HISTORY_NAME)
    os.mkfifo(state / STATE_NAME)
    done = threading.Event()

    def use_them() -> None:
        StateStore(state).last_target()
        StateStore(state).remember([("a", "c", "feed")])
        HistoryLog(state / HISTORY_NAME).read()
        record_attempt(creds(), target(), stopped(), 0.1, log=HistoryLog(state / HISTORY_NAME))
        done.set()

    worker = threading.Thread(target=use_them, daemon=True)
    worker.start()
    finished = done.wait(10)
    if not finished:  # unblock the worker so the test run can end
        for name in (HISTORY_NAME, STATE_NAME):
            fd = os.open(state / name, os.O_RDWR | os.O_NONBLOCK)
            os.close(fd)
    assert finished, "a FIFO in the state folder blocked streamtui"


# --- 4: a state folder someone else can write -----------------------------------------------------


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702], ids=oct)
def test_a_folder_writable_by_others_is_not_written(
    state: Path, mode: int, capsys: pytest.CaptureFixture[str]
) -> None:
    state.chmod(mode)
    record_attempt(creds(), target(), stopped(), 0.1, log=HistoryLog(state / HISTORY_NAME))
    store = StateStore(state)
    assert store.remember([("a", "c", "feed")], when=1.0) is False
    assert list(state.iterdir()) == []
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and err.count("\n") == 1
    for text in (err, store.problem or ""):
        assert str(state) in text and f"chmod go-w {state}" in text


def test_a_folder_of_another_user_is_not_written(
    state: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    owned_by_someone_else(state, monkeypatch)
    record_attempt(creds(), target(), stopped(), 0.1, log=HistoryLog(state / HISTORY_NAME))
    store = StateStore(state)
    assert store.remember([("a", "c", "feed")], when=1.0) is False
    assert list(state.iterdir()) == []
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and err.count("\n") == 1
    for text in (err, store.problem or ""):
        assert str(state) in text and "another user" in text and "chown" in text


def test_state_from_an_untrusted_folder_is_not_used(state: Path) -> None:
    """Someone else's state.json could prefill the TUI with a target of their choosing."""
    StateStore(state).remember([("a", "c", "s")])
    state.chmod(0o777)
    store = StateStore(state)
    assert store.last_target() is None
    assert store.problem is not None and "chmod go-w" in store.problem


def test_a_stop_still_succeeds_with_an_untrusted_state_folder(
    env: dict[str, str], emulator: Emulator, state: Path
) -> None:
    state.chmod(0o777)
    env["STREAMTUI_STATE_DIR"] = str(state)
    result = run_streamtui(
        ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID],
        env,
        secrets=[DEMO_API_TOKEN],
    )
    assert result.returncode == 0, result.stderr
    assert len(emulator.requests) == 1
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"chmod go-w {state}" in warnings[0]
    assert list(state.iterdir()) == []


# --- the config's trust ---------------------------------------------------------------------------

PROFILE = f"""\
[profiles.lab]
space = "acme"
project_id = "{DEMO_PROJECT_ID}"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text(PROFILE)
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602], ids=oct)
def test_a_config_writable_by_others_is_refused(config: Path, mode: int) -> None:
    config.chmod(mode)
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert f"chmod go-w {config}" in caught.value.message
    ui = load_config_for_ui(config)
    assert ui.read_only and ui.profiles == {} and f"chmod go-w {config}" in (ui.problem or "")
    with pytest.raises(ConfigError):
        update_config(config, lambda raw: None)
    assert config.read_text() == PROFILE


def test_a_config_of_another_user_is_refused(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    owned_by_someone_else(config, monkeypatch)
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert str(config) in caught.value.message and "another user" in caught.value.message


def test_a_config_behind_a_symlink_is_judged_by_its_target(config: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(config)
    assert "lab" in load_config(link).profiles  # a symlink itself is always mode 0777
    config.chmod(0o666)
    with pytest.raises(ConfigError, match="chmod go-w"):
        load_config(link)


def test_a_private_config_and_a_readable_one_are_fine(config: Path) -> None:
    for mode in (0o600, 0o644, 0o444):
        config.chmod(mode)
        assert "lab" in load_config(config).profiles


def test_the_cli_sends_nothing_with_a_config_others_can_write(
    env: dict[str, str], emulator: Emulator, config: Path
) -> None:
    config.write_text(PROFILE + f'base_url = "{emulator.base_url}"\n')
    config.chmod(0o666)
    env["STREAMTUI_CONFIG"] = str(config)
    del env["STREAMTUI_BASE_URL"]
    result = run_streamtui(
        ["stop", "--profile", "lab", "--conference", DEMO_CONFERENCE_SID, "--stream", "x"],
        env,
        secrets=[DEMO_API_TOKEN],
    )
    assert result.returncode == 2
    assert f"chmod go-w {config}" in result.stderr
    assert emulator.requests == []


# --- 13: hostile local files fail soft ------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "fifo.toml"
    os.mkfifo(path, 0o600)
    yield path
    # Should a reader still be blocked on it, a writer that comes and goes sets it free.
    fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
    os.close(fd)


def test_a_fifo_config_is_refused_without_blocking(fifo: Path) -> None:
    outcome: list[BaseException | object] = []
    worker = threading.Thread(target=lambda: outcome.append(load_config_for_ui(fifo)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "reading a FIFO as the config blocked"
    (config,) = outcome
    assert getattr(config, "read_only", False)
    assert "not a regular file" in (getattr(config, "problem", "") or "")


def test_dev_zero_as_the_config_is_refused() -> None:
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config("/dev/zero")


def test_a_huge_config_is_refused_before_it_is_read(config: Path) -> None:
    with config.open("ab") as handle:
        handle.truncate(5 << 20)  # sparse: 5 MiB on paper, nothing on disk
    with pytest.raises(ConfigError, match="MiB"):
        load_config(config)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 3000 + "1" + "}" * 3000,
        "x = " + "9" * 5000,
    ],
    ids=["nested arrays", "nested tables", "5000-digit integer"],
)
def test_a_pathological_config_is_a_config_error(config: Path, text: str) -> None:
    config.write_text(text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert str(config) in caught.value.message
    ui = load_config_for_ui(config)  # the TUI opens, read-only, saying what is wrong
    assert ui.read_only and ui.problem


@pytest.mark.parametrize(
    "content",
    [
        '{"recent": {"stream": {"feed": ' + "9" * 400 + "}}}",
        '{"recent": {"stream": {"feed": 1e999}}, "last_target": null}',
        '{"recent": {"stream": {"feed": -1e300}}}',
        "[" * 100_000 + "]" * 100_000,
        '{"recent": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}",
    ],
    ids=["400 digits", "infinity", "before the epoch", "deep array", "deep object"],
)
def test_a_hostile_state_file_fails_soft(state: Path, content: str) -> None:
    (state / STATE_NAME).write_text(content)
    store = StateStore(state)
    assert store.last_target() is None  # what the TUI asks at launch
    assert store.recent("stream") == {}
    assert store.remember([("a", "c", "feed")], when=5.0)
    assert StateStore(state).recent("stream") == {"feed": 5.0}


def test_a_huge_state_file_is_not_read(state: Path) -> None:
    with (state / STATE_NAME).open("wb") as handle:
        handle.truncate(64 << 20)
    store = StateStore(state)
    assert store.recent("stream") == {}
    assert store.problem is not None and str(state / STATE_NAME) in store.problem
    assert "MiB" in store.problem


def test_hostile_history_lines_are_skipped_and_counted(state: Path) -> None:
    log = HistoryLog(state / HISTORY_NAME)
    log.append({"n": 1})
    with log.path.open("ab") as handle:
        handle.write(b"[" * 100_000 + b"]" * 100_000 + b"\n")
        handle.write(b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}\n")
        handle.write(json.dumps({"n": 2, "time": "9999-12-31T23:59:59.999Z"}).encode() + b"\n")
    assert [r["n"] for r in log.read()] == [2, 1]
    assert log.skipped == 2


async def test_the_tui_opens_on_hostile_local_files(tmp_path: Path, state: Path) -> None:
    """A config nested thousands deep, a state.json with a 400-digit number, and a state
    folder others can write: the TUI still opens, read-only, and says what is wrong."""
    from streamtui.cli.launch import _prefill
    from streamtui.session import Session
    from streamtui.tui.app import StreamTuiApp

    config = tmp_path / "config.toml"
    config.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    (state / STATE_NAME).write_text('{"recent": {"stream": {"feed": ' + "9" * 400 + "}}}")
    state.chmod(0o777)
    session = Session.open(config_path=config, state_dir=state, env={})
    args = argparse.Namespace(account=None, conference=None, stream=None)
    app = StreamTuiApp(session, _prefill(args, session))
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        screen = "\n".join(strip.text for strip in rendered_strips(app.screen))
    assert session.read_only
    flat = " ".join(screen.split())
    assert "nested too deeply" in flat and "read-only" in flat
    assert f"chmod go-w {state}" in flat
