"""Crash safety and concurrency of config saves, with real processes.

A writer killed with SIGKILL at random moments must leave a file that reads and holds either the
last complete save or the one in flight; two processes saving at once must lose nothing.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from streamtui.config import load_config

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 150
ROUNDS = 30
PER_WRITER = 50

SAVE_FOREVER = f"""
import sys
from pathlib import Path
from streamtui.config import update_config

path = Path(sys.argv[1])

def generation(raw):
    accounts = raw.get("accounts", [])
    return int(accounts[0]["label"].split()[1]) if accounts else 0

def next_generation(raw):
    number = generation(raw) + 1
    raw["accounts"] = [
        {{"sid": f"00000000-0000-4000-8000-{{k:012x}}",
          "label": f"gen {{number}} item {{k}} " + "x" * 40}}
        for k in range({ITEMS})
    ]

while True:
    config = update_config(path, next_generation)
    print(config.accounts[0].label.split()[1], flush=True)
"""

ADD_ENTRIES = f"""
import sys, time
from pathlib import Path
from streamtui.config import Entry, add_entry

path, writer, go = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for k in range({PER_WRITER}):
    add_entry(path, Entry("conference", f"00000000-0000-4000-8{{writer:03x}}-{{k:012x}}",
                          f"writer {{writer}} entry {{k}}"))
"""


def python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def read_to_the_end(process: subprocess.Popen[str]) -> tuple[str, str]:
    """What a killed process left in its pipes, its stdout read on through the same buffer."""
    assert process.stdout is not None and process.stderr is not None
    output, errors = process.stdout.read(), process.stderr.read()  # both end once it is dead
    process.wait(timeout=30)
    return output, errors


def generations(path: Path) -> set[int]:
    config = load_config(path)  # raises if the file does not parse or validate
    assert len(config.accounts) == ITEMS
    return {int(entry.label.split()[1]) for entry in config.accounts}


def test_kill_9_while_saving_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    rng = random.Random(1234)
    deadline = time.monotonic() + 240
    in_flight = 0
    last = 0
    for _ in range(ROUNDS):
        assert time.monotonic() < deadline, "crash test took too long"
        writer = python(SAVE_FOREVER, str(path))
        assert writer.stdout is not None
        first = writer.stdout.readline()  # it is saving in its loop now
        assert first.strip().isdigit(), writer.stderr.read() if writer.stderr else first
        time.sleep(rng.uniform(0, 0.06))
        writer.kill()
        # Read on from the same stream: readline() may have buffered later lines already, on a
        # machine slow to read them, and communicate() reads past that buffer.
        rest, errors = read_to_the_end(writer)
        assert writer.returncode == -9, errors
        reported = [int(line) for line in [first, *rest.splitlines()] if line.strip()]
        assert reported[0] == last + 1  # it carried on from what the last killed writer left
        last = reported[-1]
        (on_disk,) = generations(path)  # one consistent generation, never a mix
        assert on_disk in (last, last + 1)
        in_flight += on_disk == last + 1
        last = on_disk
    # A later save cleans up whatever temporary file a kill left behind.
    writer = python(SAVE_FOREVER, str(path))
    assert writer.stdout is not None
    writer.stdout.readline()
    writer.kill()
    writer.communicate(timeout=30)
    assert generations(path)
    leftovers = [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"]
    assert len(leftovers) <= 1  # at most the one the very last kill interrupted


def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    go = tmp_path / "go"
    writers = [python(ADD_ENTRIES, str(path), str(number), str(go)) for number in (1, 2)]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    go.touch()
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    conferences = load_config(path).conferences
    assert len(conferences) == 2 * PER_WRITER
    assert {entry.label for entry in conferences} == {
        f"writer {writer} entry {k}" for writer in (1, 2) for k in range(PER_WRITER)
    }
