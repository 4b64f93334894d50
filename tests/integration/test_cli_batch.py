"""`streamtui stop` with several streams, from the outside: the console script in a subprocess
against the emulator. Each case checks the exit code, every line printed, and what the emulator
received and did (nothing at all when any value in the list is refused)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from streamtui.emulator import (
    API_PREFIX,
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CAPTIONS_STREAM_SID,
    DEMO_CONFERENCE_SID,
    DEMO_FLAKY_STREAM_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_QUEUED_STREAM_SID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_STOPPED_STREAM_NAME,
    DEMO_STOPPED_STREAM_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    Emulator,
)
from tests.support.cli import run_streamtui, spawned

TIMEOUT = 60
MISSING = "no-such-stream"
GOOD = (DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID, DEMO_QUEUED_STREAM_SID)


def check_clean(stdout: str, stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert DEMO_API_TOKEN not in stdout + stderr


def run(
    args: Sequence[str], env: dict[str, str], *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    result = run_streamtui(args, env, input=stdin, timeout=TIMEOUT)
    check_clean(result.stdout, result.stderr)
    return result


def stop_args(*streams: str, conference: str = DEMO_CONFERENCE_SID) -> list[str]:
    args = ["stop", "--conference", conference]
    for stream in streams:
        args += ["--stream", stream]
    return args


def requested(emulator: Emulator) -> list[str]:
    """The stream segment of every request the emulator received, decoded, in order."""
    return [unquote(request.path.rsplit("/", 1)[1]) for request in emulator.requests]


def status_of(emulator: Emulator, stream: str, conference: str = DEMO_CONFERENCE_SID) -> str:
    return emulator.get_stream(DEMO_ACCOUNT_SID, conference, stream).status


def json_lines(stdout: str) -> list[dict[str, Any]]:
    lines = stdout.splitlines()
    objects = [json.loads(line) for line in lines]
    assert all(isinstance(obj, dict) for obj in objects)
    return objects


def summary(stderr: str) -> str:
    return stderr.strip().splitlines()[-1]


# --- several streams -----------------------------------------------------------------------------


def test_several_stream_flags(env: dict[str, str], emulator: Emulator) -> None:
    result = run(stop_args(*GOOD), env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert sorted(line.split()[1] for line in lines) == sorted(GOOD)
    for line in lines:
        assert line.startswith("stopped  ")
        assert "status=stopped" in line
    assert summary(result.stderr).startswith("3 stopped, 0 failed of 3")
    assert sorted(requested(emulator)) == sorted(GOOD)
    assert all(request.form == {"Status": "stopped"} for request in emulator.requests)
    for stream in GOOD:
        assert status_of(emulator, stream) == "stopped"


def test_json_prints_one_object_per_stream(env: dict[str, str], emulator: Emulator) -> None:
    result = run([*stop_args(*GOOD), "--json"], env)

    assert result.returncode == 0, result.stderr
    objects = json_lines(result.stdout)
    assert len(objects) == 3
    assert sorted(obj["sid"] for obj in objects) == sorted(GOOD)
    for obj in objects:
        stream = emulator.get_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, obj["sid"])
        assert obj == stream.to_json()
        assert obj["status"] == "stopped"


def test_streams_from_a_file_skips_blank_lines_and_comments(
    env: dict[str, str], emulator: Emulator, tmp_path: Path
) -> None:
    listing = tmp_path / "streams.txt"
    listing.write_text(
        "# streams of the incident\n"
        "\n"
        f"{DEMO_STREAM_SID}\n"
        "   \n"
        f"   {DEMO_RECORDING_STREAM_SID}   \n"
        "  # indented comment\n"
        "#" + DEMO_QUEUED_STREAM_SID + "\n"
        f"{DEMO_STREAM_NAME}\r\n"
        "\t\n",
        encoding="utf-8",
    )
    result = run(
        [*stop_args(conference=DEMO_CONFERENCE_SID), "--streams-from", str(listing), "--json"],
        env,
    )

    assert result.returncode == 0, result.stderr
    assert sorted(requested(emulator)) == sorted(
        [DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID, DEMO_STREAM_NAME]
    )
    assert len(json_lines(result.stdout)) == 3
    assert status_of(emulator, DEMO_QUEUED_STREAM_SID) == "queued"  # commented out: untouched


def test_streams_from_stdin(env: dict[str, str], emulator: Emulator) -> None:
    result = run(
        [*stop_args(DEMO_QUEUED_STREAM_SID), "--streams-from", "-", "--json"],
        env,
        stdin=f"{DEMO_STREAM_SID}\n# a comment\n\n{DEMO_RECORDING_STREAM_SID}\n",
    )

    assert result.returncode == 0, result.stderr
    assert sorted(requested(emulator)) == sorted(GOOD)  # --stream and stdin together
    assert sorted(obj["sid"] for obj in json_lines(result.stdout)) == sorted(GOOD)


def test_streams_from_a_file_with_a_byte_order_mark(
    env: dict[str, str], emulator: Emulator, tmp_path: Path
) -> None:
    """What Notepad and PowerShell write: a UTF-8 BOM and CRLF line ends."""
    listing = tmp_path / "streams.txt"
    listing.write_bytes(f"\ufeff{DEMO_STREAM_SID}\r\n{DEMO_RECORDING_STREAM_SID}\r\n".encode())
    result = run([*stop_args(), "--streams-from", str(listing)], env)

    assert result.returncode == 0, result.stderr
    assert sorted(requested(emulator)) == sorted([DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID])


@pytest.mark.parametrize(
    "content",
    [
        f"\ufeff{DEMO_STREAM_SID}\r\n".encode("utf-16-le"),  # Windows PowerShell's `>`
        f"\xe9t\xe9-{DEMO_STREAM_SID}\n".encode("latin-1"),
    ],
    ids=["utf-16", "latin-1"],
)
def test_streams_from_a_file_that_is_not_utf8_is_refused(
    env: dict[str, str], emulator: Emulator, tmp_path: Path, content: bytes
) -> None:
    listing = tmp_path / "streams.txt"
    listing.write_bytes(content)
    result = run([*stop_args(DEMO_RECORDING_STREAM_SID), "--streams-from", str(listing)], env)

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert str(listing) in result.stderr
    assert result.stdout == ""
    assert emulator.requests == []


def test_streams_from_a_missing_file_is_refused(
    env: dict[str, str], emulator: Emulator, tmp_path: Path
) -> None:
    result = run([*stop_args(DEMO_STREAM_SID), "--streams-from", str(tmp_path / "nope.txt")], env)
    assert result.returncode == 2
    assert "nope.txt" in result.stderr
    assert emulator.requests == []


def test_duplicates_are_stopped_once(env: dict[str, str], emulator: Emulator) -> None:
    result = run(
        [
            *stop_args(
                DEMO_STREAM_SID,
                DEMO_RECORDING_STREAM_SID,
                DEMO_STREAM_SID,
                DEMO_STREAM_SID.upper(),
                f" {DEMO_RECORDING_STREAM_SID} ",
                DEMO_QUEUED_STREAM_SID,
            ),
            "--json",
        ],
        env,
    )

    assert result.returncode == 0, result.stderr
    assert sorted(requested(emulator)) == sorted(GOOD)
    objects = json_lines(result.stdout)
    assert sorted(obj["sid"] for obj in objects) == sorted(GOOD)
    assert summary(result.stderr).startswith("3 stopped, 0 failed of 3")


def test_the_same_stream_twice_is_one_stop(env: dict[str, str], emulator: Emulator) -> None:
    result = run([*stop_args(DEMO_STREAM_NAME, DEMO_STREAM_NAME), "--json"], env)
    assert result.returncode == 0, result.stderr
    assert requested(emulator) == [DEMO_STREAM_NAME]
    [obj] = json_lines(result.stdout)
    assert obj["sid"] == DEMO_STREAM_SID


def test_a_mix_of_sids_and_names(env: dict[str, str], emulator: Emulator) -> None:
    name = "Agent 7 recorder (EU)"
    spaced = emulator.add_stream(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, name=name)
    result = run(
        [
            *stop_args(
                DEMO_STREAM_NAME, DEMO_RECORDING_STREAM_SID, "Agent 7 recorder (EU)", "qa-sentiment"
            ),
            "--json",
        ],
        env,
    )

    assert result.returncode == 0, result.stderr
    paths = sorted(request.path for request in emulator.requests)
    prefix = f"{API_PREFIX}/Accounts/{DEMO_ACCOUNT_SID}/Conferences/{DEMO_CONFERENCE_SID}/Streams/"
    assert paths == sorted(
        prefix + quote(stream, safe="")
        for stream in (
            DEMO_STREAM_NAME,
            DEMO_RECORDING_STREAM_SID,
            "Agent 7 recorder (EU)",
            "qa-sentiment",
        )
    )
    assert sorted(obj["sid"] for obj in json_lines(result.stdout)) == sorted(
        [DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID, spaced.sid, DEMO_QUEUED_STREAM_SID]
    )
    for stream in (DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID, spaced.sid, DEMO_QUEUED_STREAM_SID):
        assert status_of(emulator, stream) == "stopped"


# --- failures among good streams -----------------------------------------------------------------


def test_a_missing_stream_among_good_ones_exits_4(env: dict[str, str], emulator: Emulator) -> None:
    result = run([*stop_args(DEMO_STREAM_SID, MISSING, DEMO_RECORDING_STREAM_SID), "--json"], env)

    assert result.returncode == 4, result.stderr
    objects = json_lines(result.stdout)
    assert len(objects) == 3
    [failure] = [obj for obj in objects if "error" in obj]
    assert failure["stream"] == MISSING
    assert failure["conference"] == DEMO_CONFERENCE_SID
    assert failure["account"] == DEMO_ACCOUNT_SID
    assert failure["outcome"] == "failed" and failure["error"]["status"] == 404
    assert failure["error"]["status"] == 404
    assert failure["error"]["code"] == 20404
    assert failure["error"]["request_id"]
    assert sorted(obj["sid"] for obj in objects if "sid" in obj) == sorted(
        [DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID]
    )
    assert status_of(emulator, DEMO_STREAM_SID) == "stopped"
    assert status_of(emulator, DEMO_RECORDING_STREAM_SID) == "stopped"
    assert f"failed   {MISSING}:" in result.stderr
    assert summary(result.stderr).startswith("2 stopped, 1 failed of 3")
    assert requested(emulator).count(MISSING) == 1  # a 404 is not retried


def test_a_failing_stream_among_good_ones_exits_6(env: dict[str, str], emulator: Emulator) -> None:
    streams = (DEMO_CAPTIONS_STREAM_SID, DEMO_FLAKY_STREAM_SID, DEMO_STOPPED_STREAM_NAME)
    result = run([*stop_args(*streams, conference=DEMO_INCIDENT_CONFERENCE_SID), "--json"], env)

    assert result.returncode == 6, result.stderr
    objects = json_lines(result.stdout)
    assert len(objects) == 3
    [failure] = [obj for obj in objects if "error" in obj]
    assert failure["stream"] == DEMO_FLAKY_STREAM_SID
    assert failure["conference"] == DEMO_INCIDENT_CONFERENCE_SID
    assert failure["outcome"] == "failed" and failure["error"]["status"] == 503
    assert failure["error"]["status"] == 503
    assert requested(emulator).count(DEMO_FLAKY_STREAM_SID) == 3
    for stream in (DEMO_CAPTIONS_STREAM_SID, DEMO_STOPPED_STREAM_SID):
        assert status_of(emulator, stream, DEMO_INCIDENT_CONFERENCE_SID) == "stopped"
    assert f"failed   {DEMO_FLAKY_STREAM_SID}:" in result.stderr


def test_unknown_state_is_worse_than_not_found(env: dict[str, str], emulator: Emulator) -> None:
    result = run(
        stop_args(
            MISSING,
            DEMO_FLAKY_STREAM_SID,
            DEMO_CAPTIONS_STREAM_SID,
            conference=DEMO_INCIDENT_CONFERENCE_SID,
        ),
        env,
    )
    assert result.returncode == 6, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["stopped"]
    assert summary(result.stderr).startswith("1 stopped, 2 failed of 3")


# --- refused before anything is sent ------------------------------------------------------------


@pytest.mark.parametrize("position", [0, 2, 4])
@pytest.mark.parametrize("bad", ["bad/name", "what?", "100%", "x" * 257, ".."])
def test_an_invalid_value_anywhere_sends_nothing(
    env: dict[str, str], emulator: Emulator, position: int, bad: str
) -> None:
    streams = [DEMO_STREAM_SID, DEMO_RECORDING_STREAM_SID, DEMO_STREAM_NAME, DEMO_QUEUED_STREAM_SID]
    streams.insert(position, bad)
    result = run(stop_args(*streams), env)

    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert emulator.requests == []
    assert status_of(emulator, DEMO_STREAM_SID) == "in-progress"


def test_an_invalid_line_in_the_file_sends_nothing(
    env: dict[str, str], emulator: Emulator, tmp_path: Path
) -> None:
    listing = tmp_path / "streams.txt"
    listing.write_text("\n".join([*GOOD[:2], "a/b", GOOD[2]]) + "\n", encoding="utf-8")
    result = run([*stop_args(), "--streams-from", str(listing)], env)
    assert result.returncode == 2, result.stderr
    assert "a/b" in result.stderr
    assert emulator.requests == []


def test_nothing_to_stop_is_a_usage_error(env: dict[str, str], emulator: Emulator) -> None:
    result = run([*stop_args(), "--streams-from", "-"], env, stdin="# only a comment\n\n")
    assert result.returncode == 2
    assert emulator.requests == []


@pytest.mark.parametrize("value", ["0", "17", "-1", "four", ""])
def test_bad_concurrency_is_a_usage_error(
    env: dict[str, str], emulator: Emulator, value: str
) -> None:
    result = run([*stop_args(*GOOD), "--concurrency", value], env)
    assert result.returncode == 2
    assert "--concurrency" in result.stderr
    assert result.stdout == ""
    assert emulator.requests == []


@pytest.mark.parametrize("value", ["1", "16"])
def test_concurrency_limits_are_accepted(
    env: dict[str, str], emulator: Emulator, value: str
) -> None:
    result = run([*stop_args(*GOOD), "--concurrency", value], env)
    assert result.returncode == 0, result.stderr
    assert len(emulator.requests) == 3


# --- the audit log -------------------------------------------------------------------------------


def test_every_result_is_recorded_in_the_history(env: dict[str, str], emulator: Emulator) -> None:
    streams = (DEMO_CAPTIONS_STREAM_SID, DEMO_FLAKY_STREAM_SID, MISSING, DEMO_STOPPED_STREAM_NAME)
    result = run(stop_args(*streams, conference=DEMO_INCIDENT_CONFERENCE_SID), env)
    assert result.returncode == 6, result.stderr

    history = run(["history", "--json", "--limit", "0"], env)
    assert history.returncode == 0, history.stderr
    records = json_lines(history.stdout)
    assert len(records) == 4
    outcomes = {record["stream"]: record for record in records}
    assert set(outcomes) == set(streams)
    assert outcomes[DEMO_CAPTIONS_STREAM_SID]["outcome"] == "stopped"
    assert outcomes[DEMO_STOPPED_STREAM_NAME]["outcome"] == "stopped"
    assert outcomes[DEMO_STOPPED_STREAM_NAME]["stream_is_name"] is True
    assert outcomes[MISSING]["outcome"] == "failed"
    assert outcomes[MISSING]["http_status"] == 404
    assert outcomes[DEMO_FLAKY_STREAM_SID]["outcome"] == "failed"
    assert outcomes[DEMO_FLAKY_STREAM_SID]["attempts"] == 3
    for record in records:
        assert record["conference"] == DEMO_INCIDENT_CONFERENCE_SID
        assert record["account"] == DEMO_ACCOUNT_SID
    assert DEMO_API_TOKEN not in history.stdout


# --- scale and rate limits -----------------------------------------------------------------------


def test_a_thousand_streams(env: dict[str, str], emulator: Emulator, tmp_path: Path) -> None:
    created = emulator.add_streams(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, 1000)
    # half by SID, half by name
    lines = [stream.sid if n % 2 else str(stream.name) for n, stream in enumerate(created)]
    listing = tmp_path / "streams.txt"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run(
        [*stop_args(), "--streams-from", str(listing), "--concurrency", "16", "--json"], env
    )

    assert result.returncode == 0, result.stderr[-2000:]
    objects = json_lines(result.stdout)
    assert len(objects) == 1000
    assert sorted(obj["sid"] for obj in objects) == sorted(stream.sid for stream in created)
    assert all(obj["status"] == "stopped" for obj in objects)
    assert len(emulator.requests) == 1000
    assert sorted(requested(emulator)) == sorted(lines)
    stats = emulator.stats()
    assert stats["max_in_flight"] <= 16
    assert stats["by_status"] == {"200": 1000}
    assert all(status_of(emulator, stream.sid) == "stopped" for stream in created)
    assert summary(result.stderr).startswith("1000 stopped, 0 failed of 1000")


def test_rate_limited_batch_honours_retry_after(env: dict[str, str], emulator: Emulator) -> None:
    created = emulator.add_streams(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, 50)
    emulator.faults.rate_limit_every(5, retry_after="0.5")

    # The default concurrency (4). Every stop after a 429 must wait for its Retry-After, for all
    # streams alike; only requests already on their way when it came back may cross it.
    result = run(
        [*stop_args(), "--streams-from", "-", "--json"],
        env,
        stdin="\n".join(stream.sid for stream in created),
    )

    assert result.returncode == 0, result.stderr[-2000:]
    objects = json_lines(result.stdout)
    assert len(objects) == 50
    assert all(obj["status"] == "stopped" for obj in objects)
    assert all(status_of(emulator, stream.sid) == "stopped" for stream in created)
    stats = emulator.stats()
    assert stats["rate_limited_sent"] >= 10
    assert emulator.retry_after_violations == 0, stats
    assert len(emulator.requests) == 50 + stats["rate_limited_sent"]


# --- interrupting --------------------------------------------------------------------------------


def test_sigint_mid_batch_exits_130_and_never_sends_the_queued(
    env: dict[str, str], emulator: Emulator
) -> None:
    created = emulator.add_streams(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, 20)
    emulator.faults.set_latency(1)
    args = [*stop_args(*(stream.sid for stream in created)), "--concurrency", "4"]
    with spawned(args, env) as process:
        deadline = time.monotonic() + 15
        while len(emulator.requests) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(emulator.requests) == 4, "the first requests never arrived"
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=TIMEOUT)

    assert process.returncode == 130, stderr
    assert time.monotonic() - interrupted < 3
    check_clean(stdout, stderr)
    assert "interrupted" in stderr
    time.sleep(1.2)  # anything still on its way would have reached the emulator by now
    assert len(emulator.requests) == 4
    assert set(requested(emulator)) <= {stream.sid for stream in created[:4]}

    history = run(["history", "--json", "--limit", "0"], env)
    records = json_lines(history.stdout)
    assert {record["stream"] for record in records} == {stream.sid for stream in created}
    sent = {stream.sid for stream in created[:4]}
    outcomes = {record["stream"]: record["outcome"] for record in records}
    assert all(outcomes[sid] == "interrupted" for sid in sent)  # may have taken effect
    assert all(outcome == "cancelled" for sid, outcome in outcomes.items() if sid not in sent)
