"""The smaller commands from the outside: `history`, `config path`, `emulator`, `--version`,
usage errors, and what a config file that does not read does to every command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from streamtui import __version__
from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_STREAM_SID,
    Emulator,
    Fault,
)
from tests.support.cli import run_streamtui, spawned, startup_seconds

TIMEOUT = 30


def run(
    args: Sequence[str], env: dict[str, str], *, input: str | None = None, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return run_streamtui(args, env, input=input, timeout=timeout, secrets=[DEMO_API_TOKEN])


def stop(env: dict[str, str], stream: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", stream, *extra], env)


# --- history -------------------------------------------------------------------------------------


def test_history_records_every_attempt_without_the_token(
    env: dict[str, str], emulator: Emulator
) -> None:
    assert stop(env, DEMO_STREAM_SID).returncode == 0
    assert stop(env, "no-such-stream").returncode == 4
    emulator.faults.queue(*[Fault.status(503)] * 3)
    assert stop(env, DEMO_RECORDING_STREAM_SID).returncode == 6

    as_json = run(["history", "--json"], env)

    assert as_json.returncode == 0, as_json.stderr
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["stream"] for r in records] == [
        DEMO_RECORDING_STREAM_SID,
        "no-such-stream",
        DEMO_STREAM_SID,
    ]  # newest first
    failed, missing, stopped = records
    assert stopped["outcome"] == "stopped"
    assert stopped["status"] == "stopped"
    assert stopped["stream_is_name"] is False
    assert missing["outcome"] == "failed"
    assert (missing["http_status"], missing["code"]) == (404, 20404)
    assert missing["stream_is_name"] is True
    assert missing["request_id"]
    assert failed["outcome"] == "failed"
    assert (failed["http_status"], failed["attempts"]) == (503, 3)
    for record in records:
        assert record["account"] == DEMO_ACCOUNT_SID
        assert record["conference"] == DEMO_CONFERENCE_SID
        assert isinstance(record["duration_ms"], int)
        assert record["time"].endswith("Z")

    table = run(["history"], env)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:2] == ["TIME", "OUTCOME"]
    assert len(lines) == 4
    assert "failed" in lines[1] and "503" in lines[1]
    assert "failed" in lines[2] and "20404" in lines[2]
    assert "stopped" in lines[3] and DEMO_STREAM_SID in lines[3]

    limited = run(["history", "--json", "--limit", "1"], env)
    assert [json.loads(line)["stream"] for line in limited.stdout.splitlines()] == [
        DEMO_RECORDING_STREAM_SID
    ]

    state = Path(env["STREAMTUI_STATE_DIR"])
    files = [path for path in state.rglob("*") if path.is_file()]
    assert any(path.name == "history.jsonl" for path in files)
    for path in files:
        assert DEMO_API_TOKEN.encode() not in path.read_bytes(), path


def test_history_when_empty(env: dict[str, str]) -> None:
    table = run(["history"], env)
    assert table.returncode == 0
    assert table.stdout == ""
    assert "No stop attempts" in table.stderr
    as_json = run(["history", "--json"], env)
    assert (as_json.returncode, as_json.stdout) == (0, "")


def test_history_limit_must_not_be_negative(env: dict[str, str]) -> None:
    result = run(["history", "--limit", "-1"], env)
    assert result.returncode == 2
    assert "--limit" in result.stderr


def test_history_with_a_dry_run_and_a_refusal_records_nothing(
    env: dict[str, str], emulator: Emulator
) -> None:
    assert stop(env, DEMO_STREAM_SID, "--dry-run").returncode == 0
    assert stop(env, "bad/name").returncode == 2
    result = run(["history", "--json"], env)
    assert (result.returncode, result.stdout) == (0, "")
    assert emulator.requests == []


def test_a_stop_succeeds_even_when_the_history_cannot_be_written(
    env: dict[str, str], emulator: Emulator, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env["STREAMTUI_STATE_DIR"] = str(blocker)
    result = stop(env, DEMO_STREAM_SID)
    assert result.returncode == 0, result.stderr
    assert "stopped" in result.stdout
    assert "warning:" in result.stderr and "history" in result.stderr
    assert len(emulator.requests) == 1


@pytest.mark.parametrize("layout", ["state dir is a file", "history is a folder"])
def test_history_that_cannot_be_read_is_an_error_not_a_traceback(
    env: dict[str, str], tmp_path: Path, layout: str
) -> None:
    state = tmp_path / "odd-state"
    if layout == "state dir is a file":
        state.write_text("")
    else:
        (state / "history.jsonl").mkdir(parents=True)
    env["STREAMTUI_STATE_DIR"] = str(state)
    for args in (["history"], ["history", "--json"]):
        result = run(args, env)  # `run` fails the test on a traceback
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("error: ")
        assert str(state) in result.stderr


def write_history(state: Path, *lines: bytes) -> None:
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    (state / "history.jsonl").write_bytes(b"".join(line + b"\n" for line in lines))


def record_line(**fields: object) -> bytes:
    base = {
        "time": "2025-03-04T16:00:00.000Z",
        "outcome": "stopped",
        "stream": DEMO_STREAM_SID,
        "conference": DEMO_CONFERENCE_SID,
        "http_status": 200,
        "request_id": "rq-1",
    }
    return json.dumps({**base, **fields}).encode()


def test_history_skips_bad_records_and_says_how_many(env: dict[str, str], tmp_path: Path) -> None:
    state = tmp_path / "hostile-state"
    write_history(
        state,
        record_line(stream="first"),
        b"[" * 100_000 + b"]" * 100_000,  # nested too deeply for any JSON parser
        b'{"stream": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        record_line(stream="far future", time="9999-12-31T23:59:59.999Z"),
        record_line(stream="long ago", time="0001-01-01T00:00:00Z"),
        b'{"stream": "half a line',
    )
    env["STREAMTUI_STATE_DIR"] = str(state)
    env["TZ"] = "JST-9"  # east of UTC: year 9999 in local time is past what dates can hold
    for args in (["history"], ["history", "--json"]):
        result = run(args, env)  # `run` fails the test on a traceback
        assert result.returncode == 0, result.stderr
        assert "far future" in result.stdout and "long ago" in result.stdout
        assert "first" in result.stdout
        assert "skipped 3" in result.stderr


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_history_fits_the_terminal(env: dict[str, str], tmp_path: Path, columns: int) -> None:
    state = tmp_path / "wide-state"
    write_history(
        state,
        record_line(stream_label="A rather long label for the transcriber feed"),
        record_line(outcome="failed", http_status=404, code=20404, request_id="x" * 60),
    )
    env["STREAMTUI_STATE_DIR"] = str(state)
    env["COLUMNS"] = str(columns)
    result = run(["history"], env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(len(line) <= columns for line in lines), lines
    assert lines[0].startswith("TIME") and "OUTCOME" in lines[0]
    assert lines[1].startswith("2025-03-04") and "failed" in lines[1]
    assert lines[2].startswith("2025-03-04") and "stopped" in lines[2]
    if columns >= 80:
        assert "STREAM" in lines[0] and "HTTP" in lines[0]
        assert "…" in result.stdout  # what did not fit is cut, and shows it


def test_history_in_a_pipe_is_not_cut(env: dict[str, str], tmp_path: Path) -> None:
    state = tmp_path / "piped-state"
    write_history(state, record_line(request_id="rq-" + "7" * 40))
    env["STREAMTUI_STATE_DIR"] = str(state)
    env.pop("COLUMNS", None)
    result = run(["history"], env)
    assert "rq-" + "7" * 40 in result.stdout and DEMO_CONFERENCE_SID in result.stdout


# --- config path ---------------------------------------------------------------------------------


def test_config_path_honours_the_environment(env: dict[str, str]) -> None:
    result = run(["config", "path"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == env["STREAMTUI_CONFIG"] + "\n"


def test_config_path_flag_beats_the_environment(env: dict[str, str], tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere" / "streamtui.toml"
    after = run(["config", "path", "--config", str(chosen)], env)
    before = run(["--config", str(chosen), "config", "path"], env)
    assert after.stdout == before.stdout == f"{chosen}\n"
    assert after.returncode == before.returncode == 0


def test_config_path_expands_the_home_folder(env: dict[str, str]) -> None:
    result = run(["config", "path", "--config", "~/my-streamtui.toml"], env)
    assert result.stdout == f"{env['HOME']}/my-streamtui.toml\n"


def test_config_path_default_is_the_user_config_dir(env: dict[str, str]) -> None:
    del env["STREAMTUI_CONFIG"]
    result = run(["config", "path"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{env['XDG_CONFIG_HOME']}/streamtui/config.toml\n"


def test_config_path_creates_nothing(env: dict[str, str]) -> None:
    assert run(["config", "path"], env).returncode == 0
    assert not Path(env["STREAMTUI_CONFIG"]).exists()


# --- emulator ------------------------------------------------------------------------------------


def test_emulator_prints_its_base_url_first_and_serves_there(isolated_env: dict[str, str]) -> None:
    with spawned(["emulator", "--port", "0"], isolated_env) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        base_url = first.split()[-1]
        assert first.startswith("streamtui emulator listening on http://127.0.0.1:"), first
        assert int(base_url.rsplit(":", 1)[1]) > 0
        env = {
            **isolated_env,
            "STREAMTUI_BASE_URL": base_url,
            "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
            "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
        }
        result = stop(env, DEMO_STREAM_SID, "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["status"] == "stopped"
        process.terminate()
        process.wait(timeout=10)
        rest = process.stdout.read()  # the banner, buffered behind the first line
        stderr = process.stderr.read()
    assert process.returncode == 0, stderr
    assert f"SIGNALWIRE_PROJECT_ID={DEMO_PROJECT_ID}" in rest
    assert "Traceback" not in stderr


def test_emulator_refuses_a_non_loopback_host(isolated_env: dict[str, str]) -> None:
    result = run(["emulator", "--host", "0.0.0.0", "--port", "0"], isolated_env, timeout=10)
    assert result.returncode == 2
    assert "loopback" in result.stderr


def test_emulator_exits_130_on_ctrl_c(isolated_env: dict[str, str]) -> None:
    with spawned(["emulator"], isolated_env) as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("streamtui emulator listening on ")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "Traceback" not in stderr


# --- version and usage ---------------------------------------------------------------------------


def test_version(isolated_env: dict[str, str]) -> None:
    result = run(["--version"], isolated_env)
    assert result.returncode == 0
    assert result.stdout == f"streamtui {__version__}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["stop"],
        ["stop", "--stream", DEMO_STREAM_SID],
        ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID, "--bogus"],
        ["stop", "--conference"],
        ["frobnicate"],
        ["auth"],
        ["auth", "dance"],
        ["history", "--limit", "many"],
        ["config"],
        ["config", "edit"],
        ["emulator", "--port", "eighty"],
        ["--no-such-flag"],
    ],
)
def test_usage_errors_exit_2(env: dict[str, str], emulator: Emulator, args: list[str]) -> None:
    result = run(args, env, timeout=10)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "usage:" in result.stderr
    assert result.stdout == ""
    assert emulator.requests == []


def test_stop_without_a_stream_exits_2(env: dict[str, str], emulator: Emulator) -> None:
    result = run(["stop", "--conference", DEMO_CONFERENCE_SID], env)
    assert result.returncode == 2
    assert "--stream" in result.stderr
    assert emulator.requests == []


def test_help_lists_the_exit_codes(isolated_env: dict[str, str]) -> None:
    result = run(["stop", "--help"], isolated_env)
    assert result.returncode == 0
    assert "exit codes" in result.stdout and "130 interrupted" in result.stdout


# --- a config file that does not read ------------------------------------------------------------

BROKEN = {
    "not TOML": b'default_profile = "prod"\n[profiles.prod]\nspace = acme\n',
    "unknown key": (
        b'[profiles.prod]\nspace = "acme"\nproject_id = "'
        + DEMO_PROJECT_ID.encode()
        + b'"\ntoken = "PTnever-here-1234"\n'
    ),
    "bad SID": b'[[conferences]]\nsid = "b3877c40-da60-4998-90ad-b792e98472st"\nlabel = "x"\n',
    "not UTF-8": b'[profiles.prod]\nspace = "\xff\xfe"\n',
}


@pytest.fixture(params=sorted(BROKEN))
def broken_config(request: pytest.FixtureRequest, env: dict[str, str]) -> tuple[Path, bytes]:
    path = Path(env["STREAMTUI_CONFIG"])
    path.parent.mkdir(parents=True)
    data = BROKEN[request.param]
    path.write_bytes(data)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    return path, data


@pytest.mark.parametrize(
    "args",
    [
        ["auth", "status"],
        ["auth", "logout"],
        ["auth", "login", "--space", "acme", "--project-id", DEMO_PROJECT_ID, "--with-token"],
        ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID],
        [
            "stop",
            "--profile",
            "prod",
            "--conference",
            DEMO_CONFERENCE_SID,
            "--stream",
            DEMO_STREAM_SID,
        ],
    ],
)
def test_a_broken_config_is_named_and_left_untouched(
    env: dict[str, str], emulator: Emulator, broken_config: tuple[Path, bytes], args: list[str]
) -> None:
    path, data = broken_config
    if args[0] == "stop" and "--profile" not in args:
        del env["SIGNALWIRE_API_TOKEN"]  # now the profile (in the config) is needed

    result = run(args, env, input="PTsome-token-5678\n")

    assert result.returncode == 2, (result.stdout, result.stderr)
    assert str(path) in result.stderr
    assert result.stderr.startswith("error: ")
    assert emulator.requests == []
    assert path.read_bytes() == data
    assert path.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_broken_config_is_irrelevant_when_the_environment_is_complete(
    env: dict[str, str], emulator: Emulator, broken_config: tuple[Path, bytes]
) -> None:
    path, data = broken_config
    result = stop(env, DEMO_STREAM_SID)
    assert result.returncode == 0, result.stderr
    assert len(emulator.requests) == 1
    assert path.read_bytes() == data


def test_the_config_points_at_a_folder(env: dict[str, str], tmp_path: Path) -> None:
    env["STREAMTUI_CONFIG"] = str(tmp_path)
    result = run(["auth", "status"], env)
    assert result.returncode == 2
    assert "folder" in result.stderr and str(tmp_path) in result.stderr


def test_unknown_profile_is_named(env: dict[str, str], emulator: Emulator) -> None:
    path = Path(env["STREAMTUI_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text(f'[profiles.prod]\nspace = "acme"\nproject_id = "{DEMO_PROJECT_ID}"\n')
    startup = startup_seconds(env)
    started = time.monotonic()
    result = run(
        [
            "stop",
            "--profile",
            "staging",
            "--conference",
            DEMO_CONFERENCE_SID,
            "--stream",
            DEMO_STREAM_SID,
        ],
        env,
    )
    assert result.returncode == 2
    assert "staging" in result.stderr and "prod" in result.stderr
    assert emulator.requests == []
    assert time.monotonic() - started - startup < 10


# --- the profile on the CLI path ----------------------------------------------------------------


def test_stop_reads_the_profile_and_sees_edits(
    isolated_env: dict[str, str], emulator: Emulator
) -> None:
    """`stop` with a profile reads the config each time: an edit is seen by the next stop."""
    config = Path(isolated_env["STREAMTUI_CONFIG"])
    config.parent.mkdir(parents=True)
    profile = (
        'default_profile = "demo"\n[profiles.demo]\nspace = "demo"\n'
        f'project_id = "{DEMO_PROJECT_ID}"\nbase_url = "{{url}}"\n'
    )
    config.write_text(profile.format(url=emulator.base_url))
    env = {**isolated_env, "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN}

    assert stop(env, DEMO_STREAM_SID).returncode == 0
    assert len(emulator.requests) == 1

    config.write_text(profile.format(url="http://127.0.0.1:9"))  # nothing listens there
    result = stop(env, DEMO_STREAM_SID, "--timeout", "2")
    assert result.returncode == 6, result.stderr
    assert "connection refused" in result.stderr  # the edited base URL
    assert len(emulator.requests) == 1
