"""`streamtui start`: undo a wrong stop by creating the stream again, from the outside (the
installed console script against the emulator), with what the emulator received checked."""

from __future__ import annotations

import json
from pathlib import Path

from streamtui.emulator import (
    API_PREFIX,
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    Emulator,
    Fault,
)
from tests.support.cli import run_streamtui

WSS = "wss://media.example.com/feed"
CREATE_PATH = f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{DEMO_CONFERENCE_SID}/Streams"
SAVED = f"""
[[streams]]
sid = "{DEMO_STREAM_SID}"
label = "Support transcriber"
conference = "{DEMO_CONFERENCE_SID}"
url = "{WSS}"
track = "inbound_track"
codec = "PCMU"
real_time = true
status_callback = "https://hooks.example.com/status"
status_callback_method = "GET"
parameters = {{ Team = "support", Shift = "night" }}

[[streams]]
sid = "transcriber-night"
label = "Night transcriber"
conference = "{DEMO_CONFERENCE_SID}"
url = "{WSS}?night=1"

[[streams]]
sid = "no-definition"
label = "Undefined"

[[targets]]
label = "Night transcriber of support"
account = "{DEMO_ACCOUNT_SID}"
conference = "{DEMO_CONFERENCE_SID}"
stream = "transcriber-night"
"""


def run(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    result = run_streamtui(args, env, secrets=(DEMO_API_TOKEN,))
    return result.returncode, result.stdout, result.stderr


def write_config(env: dict[str, str], text: str = SAVED) -> None:
    path = Path(env["STREAMTUI_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def start(*extra: str) -> list[str]:
    return ["start", "--conference", DEMO_CONFERENCE_SID, *extra]


def test_start_from_flags_creates_a_stream_that_can_be_stopped(
    env: dict[str, str], emulator: Emulator
) -> None:
    code, out, err = run(start("--url", WSS, "--name", "captions-again", "--json"), env)
    assert code == 0, err
    created = json.loads(out)
    assert created["name"] == "captions-again"
    assert created["status"] == "in-progress"
    [request] = emulator.requests
    assert (request.method, request.path) == ("POST", CREATE_PATH)
    assert request.form == {"Url": WSS, "Name": "captions-again"}

    stop = ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", created["sid"]]
    code, out, err = run(stop, env)
    assert code == 0, err
    assert "stopped" in out


def test_start_prints_the_new_stream(env: dict[str, str], emulator: Emulator) -> None:
    code, out, err = run(start("--url", WSS), env)
    assert code == 0, err
    assert "sid" in out and "in-progress" in out
    assert len(emulator.requests) == 1


def test_only_wss_urls_nothing_sent(env: dict[str, str], emulator: Emulator) -> None:
    for url in ("ws://media.example.com/feed", "https://media.example.com/feed", "wss://"):
        code, _out, err = run(start("--url", url), env)
        assert code == 2, (url, err)
        assert "wss://" in err
    assert emulator.requests == []


def test_start_from_a_saved_definition(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    code, _out, err = run(start("--stream", "Support transcriber"), env)
    assert code == 0, err
    [request] = emulator.requests
    form = request.form
    assert form["Url"] == WSS
    assert form["Track"] == "inbound_track"
    assert form["StreamCodec"] == "PCMU"
    assert form["StreamRealTime"] == "true"
    assert form["StatusCallback"] == "https://hooks.example.com/status"
    assert form["StatusCallbackMethod"] == "GET"
    pairs = {form[f"Parameter{n}.Name"]: form[f"Parameter{n}.Value"] for n in (1, 2)}
    assert pairs == {"Team": "support", "Shift": "night"}
    assert "Name" not in form  # the saved sid is a UUID, not a name


def test_saved_name_is_the_name_and_flags_override(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    code, _out, err = run(start("--stream", "transcriber-night", "--track", "both_tracks"), env)
    assert code == 0, err
    [request] = emulator.requests
    assert request.form == {
        "Url": f"{WSS}?night=1",
        "Name": "transcriber-night",
        "Track": "both_tracks",
    }


def test_start_by_target_label(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    code, _out, err = run(["start", "--target", "NIGHT transcriber of support"], env)
    assert code == 0, err
    [request] = emulator.requests
    assert request.path == CREATE_PATH
    assert request.form["Name"] == "transcriber-night"


def test_saved_stream_without_definition_exits_2(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env)
    code, _out, err = run(start("--stream", "no-definition"), env)
    assert code == 2
    assert "url" in err.lower()
    assert emulator.requests == []


def test_secret_in_definition_is_refused(env: dict[str, str], emulator: Emulator) -> None:
    write_config(env, SAVED.replace('codec = "PCMU"', 'codec = "PCMU"\nbearer_token = "abc"'))
    code, _out, err = run(start("--stream", "Support transcriber"), env)
    assert code == 2
    assert "keyring" in err
    assert "abc" not in err
    assert emulator.requests == []


def test_taken_name_is_rejected_plainly(env: dict[str, str], emulator: Emulator) -> None:
    code, _out, err = run(start("--url", WSS, "--name", DEMO_STREAM_NAME), env)
    assert code == 5
    assert "already" in err
    assert len(emulator.requests) == 1


def test_server_error_is_not_retried(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.status(503, route="create"))
    code, _out, _err = run(start("--url", WSS), env)
    assert code == 6
    assert len(emulator.requests) == 1  # it may have been created: never sent twice


def test_rate_limit_is_retried(env: dict[str, str], emulator: Emulator) -> None:
    emulator.faults.queue(Fault.rate_limited("0", route="create"))
    code, _out, err = run(start("--url", WSS, "--name", "after-429"), env)
    assert code == 0, err
    assert len(emulator.requests) == 2


def test_dry_run_sends_nothing(env: dict[str, str], emulator: Emulator) -> None:
    code, out, err = run(start("--url", WSS, "--name", "x", "--dry-run"), env)
    assert code == 0, err
    assert "Url=" in out and CREATE_PATH in out
    assert emulator.requests == []


def test_history_links_the_start_to_the_stop_it_undoes(
    env: dict[str, str], emulator: Emulator
) -> None:
    write_config(env)
    stop = ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", "transcriber-night"]
    emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name="transcriber-night")
    assert run(stop, env)[0] == 0
    # The stopped stream's name stays taken: start it again under a new one.
    code, out, err = run(start("--stream", "transcriber-night", "--name", "night-2", "--json"), env)
    assert code == 0, err
    new_sid = json.loads(out)["sid"]
    code, out, err = run(["history", "--json"], env)
    started, stopped = (json.loads(line) for line in out.splitlines()[:2])
    assert stopped["outcome"] == "stopped"
    assert started["outcome"] == "started"
    assert started["stream"] == new_sid
    assert started["undoes"] == "transcriber-night"
    assert started["undoes_time"] == stopped["time"]
    code, out, err = run(["history"], env)
    assert "started" in out and new_sid[:8] in out
