"""SIGHUP (the SSH connection dropped) and SIGTERM end the TUI the way ctrl+q does: the stop
that was sent is recorded ("interrupted"), never lost with the process."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import struct
import subprocess
import termios
import threading
import time

import pytest

from streamtui.emulator import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_STREAM_SID,
    Emulator,
)
from tests.support.cli import STREAMTUI, run_streamtui


def _drain(fd: int, stop: threading.Event, seen: bytearray) -> None:
    while not stop.is_set():
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        seen.extend(data)


def _wait_for(seen: bytearray, text: bytes, what: str) -> None:
    deadline = time.monotonic() + 20
    while text not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert text in seen, f"{what} never appeared on the screen"


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_signal_while_the_tui_stops_a_stream_leaves_its_record(
    isolated_env: dict[str, str], emulator: Emulator, sig: int
) -> None:
    env = {
        **isolated_env,
        "TERM": "xterm",
        "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
        "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
    }
    emulator.faults.set_latency(10)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    args = ["--base-url", emulator.base_url, "--account", DEMO_ACCOUNT_SID]
    args += ["--conference", DEMO_CONFERENCE_SID, "--stream", DEMO_STREAM_SID]
    process = subprocess.Popen(
        [STREAMTUI, *args], env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    stop = threading.Event()
    seen = bytearray()
    reader = threading.Thread(target=_drain, args=(master, stop, seen), daemon=True)
    reader.start()
    try:
        _wait_for(seen, b"Stream", "the main screen")
        os.write(master, b"\x13")  # ctrl+s
        _wait_for(seen, b"this stream", "the confirmation")
        # The footer offers y once the confirmation is shown whole (a y before it is ignored).
        _wait_for(seen, b"Yes, stop it", "y in the footer")
        os.write(master, b"y")
        deadline = time.monotonic() + 20
        while not emulator.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert emulator.requests, "the stop never reached the emulator"
        process.send_signal(sig)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stop.set()
        os.close(master)
    history = run_streamtui(["history", "--json", "--limit", "0"], isolated_env)
    records = [json.loads(line) for line in history.stdout.splitlines() if line.strip()]
    assert [(r["stream"], r["outcome"]) for r in records] == [(DEMO_STREAM_SID, "interrupted")]
    assert len(emulator.requests) == 1
