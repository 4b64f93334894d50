"""SIGTERM and SIGHUP (an SSH disconnect) end `stop` like ctrl+c does: exit 130, and every request
that was sent has its record in the history ("interrupted": it may have taken effect)."""

from __future__ import annotations

import json
import signal
import time

import pytest

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_STREAM_SID,
    Emulator,
)
from tests.support.cli import run_streamtui, spawned

SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]


def _wait_for_requests(emulator: Emulator, count: int) -> None:
    deadline = time.monotonic() + 15
    while len(emulator.requests) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(emulator.requests) >= count, "the requests never arrived"


def _history(env: dict[str, str]) -> list[dict[str, object]]:
    result = run_streamtui(["history", "--json", "--limit", "0"], env)
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_signal_during_a_single_stop_leaves_its_record(
    env: dict[str, str], emulator: Emulator, sig: int
) -> None:
    emulator.faults.set_latency(10)
    args = ["stop", "--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID]
    with spawned(args, env) as process:
        _wait_for_requests(emulator, 1)
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert DEMO_API_TOKEN not in stdout + stderr
    records = _history(env)
    assert [(r["stream"], r["outcome"]) for r in records] == [(DEMO_STREAM_SID, "interrupted")]


@pytest.mark.parametrize("sig", SIGNALS[:2], ids=lambda s: signal.Signals(s).name)
def test_a_signal_mid_batch_records_every_stream(
    env: dict[str, str], emulator: Emulator, sig: int
) -> None:
    created = emulator.add_streams(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, 8)
    emulator.faults.set_latency(5)
    args = ["stop", "--conference", DEMO_CONFERENCE_SID, "--concurrency", "2"]
    args += [arg for stream in created for arg in ("--stream", stream.sid)]
    with spawned(args, env) as process:
        _wait_for_requests(emulator, 2)
        process.send_signal(sig)
        _stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    outcomes = {r["stream"]: r["outcome"] for r in _history(env)}
    sent = {request.path.rsplit("/", 1)[-1] for request in emulator.requests}
    assert set(outcomes) == {stream.sid for stream in created}
    assert all(outcomes[sid] == "interrupted" for sid in sent)
    assert all(outcomes[s.sid] == "cancelled" for s in created if s.sid not in sent)
