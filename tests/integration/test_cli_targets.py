"""`streamtui stop --target LABEL`: a runbook names a saved target, not three UUIDs."""

from __future__ import annotations

from pathlib import Path

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_CONFERENCE_SID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from tests.support.cli import run_streamtui

CONFIG = f"""
[[targets]]
label = "Support transcriber"
account = "{DEMO_ACCOUNT_SID}"
conference = "{DEMO_CONFERENCE_SID}"
stream = "{DEMO_STREAM_SID}"

[[targets]]
label = "Support recorder"
account = "{DEMO_ACCOUNT_SID}"
conference = "{DEMO_CONFERENCE_SID}"
stream = "{DEMO_RECORDING_STREAM_SID}"
"""


def write_config(env: dict[str, str], text: str = CONFIG) -> Path:
    path = Path(env["STREAMTUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_stop_by_target_label_any_case(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    result = run_streamtui(["stop", "--target", "support TRANSCRIBER"], env)
    assert result.returncode == 0, result.stderr
    assert DEMO_STREAM_SID in result.stdout
    assert "stopped" in result.stdout
    [request] = emulator.requests
    assert request.path.endswith(f"/Conferences/{DEMO_CONFERENCE_SID}/Streams/{DEMO_STREAM_SID}")
    assert request.form == {"Status": "stopped"}


def test_unknown_target_lists_candidates(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    result = run_streamtui(["stop", "--target", "Sales captions"], env)
    assert result.returncode == 2
    assert "Support transcriber" in result.stderr
    assert "Support recorder" in result.stderr
    assert emulator.requests == []


def test_ambiguous_target_lists_candidates(env: dict[str, str], emulator: Emulator) -> None:
    twin = CONFIG.split("[[targets]]")[1].replace("Support transcriber", "support Transcriber")
    write_config(env, CONFIG + "[[targets]]" + twin)
    result = run_streamtui(["stop", "--target", "support transcriber"], env)
    assert result.returncode == 2, result.stderr
    assert "Support transcriber" in result.stderr
    assert "support Transcriber" in result.stderr
    assert emulator.requests == []


def test_target_with_stream_is_usage_error(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    result = run_streamtui(
        ["stop", "--target", "Support recorder", "--stream", DEMO_STREAM_SID], env
    )
    assert result.returncode == 2
    assert emulator.requests == []


def test_target_without_config_says_so(env: dict[str, str], emulator: Emulator) -> None:
    result = run_streamtui(["stop", "--target", "Support recorder"], env)
    assert result.returncode == 2
    assert "no saved targets" in result.stderr.lower()
    assert emulator.requests == []


def test_target_dry_run_sends_nothing(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    result = run_streamtui(["stop", "--target", "support recorder", "--dry-run"], env)
    assert result.returncode == 0, result.stderr
    assert DEMO_RECORDING_STREAM_SID in result.stdout
    assert emulator.requests == []


def test_included_target_stops_and_a_missing_include_warns(
    env: dict[str, str], emulator: Emulator
) -> None:
    config = write_config(env, 'include = ["team.toml", "gone.toml"]\n')
    (config.parent / "team.toml").write_text(CONFIG, encoding="utf-8")
    result = run_streamtui(["stop", "--target", "Support recorder"], env)
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "gone.toml" in result.stderr
    assert result.stderr.count("gone.toml") == 1
    [request] = emulator.requests
    assert request.path.endswith(DEMO_RECORDING_STREAM_SID)


def test_a_broken_include_never_hides_own_targets(env: dict[str, str], emulator: Emulator) -> None:
    config = write_config(env, 'include = ["team.toml"]\n' + CONFIG)
    (config.parent / "team.toml").write_text("[[targets]\nlabel=", encoding="utf-8")
    result = run_streamtui(["stop", "--target", "support transcriber", "--dry-run"], env)
    assert result.returncode == 0, result.stderr
    assert "team.toml" in result.stderr
    assert emulator.requests == []
