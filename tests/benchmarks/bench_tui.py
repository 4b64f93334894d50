"""Benchmark the TUI: launch to first paint, and typing in the picker.

Targets a user would feel (issue 13): first paint <= 1.2x a bare Textual hello-world app, with a
config of 200 saved entries (a large team's list), as a ratio against that app measured in the
same run, interleaved run by run, so machine noise hits both alike; typing in the picker over
10,000 entries <= 16 ms p95 CPU per keystroke. Run: `.venv/bin/python
tests/benchmarks/bench_tui.py` (`--paint-only`, `--typing-only` for one of the two).

Both are measured from outside, as a user sees them: the installed `streamtui` runs in a
pseudo-terminal of 80x24. First paint: the clock stops when a text of its first screen has been
written to the terminal.

Typing: the app is started on a config of 10,000 saved streams (no conference chosen, so F2 on
the stream field lists them all, with their conferences). Queries are typed key by key, each
key written to the terminal once the app has gone quiet after the previous one: in the picker,
and in the form's stream field (a plain input of the same app) as the reference, alternating.
The queries look for one of the benchmark's entries ("stream N transcriber feed region-K" in
"Conference M"): "feed42" and "region3" by label words, "strm 9" and "cnf 12" by abbreviation,
whose first keys match all 10,000 entries only scattered (the most work a key can cause). For
each key two figures:
- CPU: the app's CPU time for the key, all its threads (the first field of
  /proc/PID/task/*/schedstat), read once the output has gone quiet. This is what the 16 ms target
  applies to: Textual paints at most once a frame (60 a second), so a key's work must fit in a
  frame for the list to keep up with typing.
- until painted: from writing the key to the last byte of its redraw. It includes waiting for the
  next frame (up to 17 ms) and, on a busy machine, for a CPU; it is reported, not targeted.
CPU time grows too when other processes share the machine: compare with the plain field of the
same run, and repeat. (The figure this replaces, CPU around a test pilot's key press in the same
process, also counted the pilot's own machinery: waiting for the app to go idle and the like.)
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
import uuid
from pathlib import Path

HELLO = """\
from textual.app import App
from textual.widgets import Static


class Hello(App):
    def compose(self):
        yield Static("Hello, world")


Hello().run()
"""


def ensure_bytecode() -> None:
    """As `pip install` does (these machines set PYTHONDONTWRITEBYTECODE; see bench_stop.py)."""
    import compileall

    import streamtui

    compileall.compile_dir(Path(streamtui.__file__).parent, quiet=1)


def write_config(path: Path, entries: int) -> None:
    """A profile plus `entries` saved streams spread over a few conferences, written as TOML."""
    import tomli_w

    conferences = [str(uuid.UUID(int=i + 1)) for i in range(20)]
    data = {
        "default_profile": "prod",
        "profiles": {
            "prod": {"space": "acme", "project_id": "5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13"}
        },
        "conferences": [
            {"sid": sid, "label": f"Conference {i}"} for i, sid in enumerate(conferences)
        ],
        "streams": [
            {
                "sid": str(uuid.UUID(int=10_000 + i)),
                "label": f"stream {i} transcriber feed region-{i % 7}",
                "conference": conferences[i % 20],
            }
            for i in range(entries)
        ],
    }
    path.write_bytes(tomli_w.dumps(data).encode())


def launch(command: list[str], env: dict[str, str], marker: bytes) -> float:
    """Run `command` in an 80x24 pty; seconds until `marker` is painted."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(command[0], command, env)  # noqa: S606 - our own benchmark commands
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    seen = b""
    deadline = started + 20
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen = (seen + chunk)[-200_000:]
                if marker in seen:
                    return time.perf_counter() - started
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    raise RuntimeError(f"{command} never painted {marker!r}; last output: {seen[-500:]!r}")


QUIET = 0.15  # seconds of no output after which a keystroke's redraw is taken as finished
F2 = b"\x1bOQ"
CLEAR = b"\x15"  # ctrl+u: the input deletes everything left of the cursor
QUERIES = ["feed42", "region3", "strm 9", "cnf 12"]


class Terminal:
    """The app running in an 80x24 pty, driven key by key as a user's terminal would."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execvpe(command[0], command, env)  # noqa: S606 - our own benchmark commands
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def cpu_ns(self) -> int:
        """Nanoseconds the app has spent on a CPU so far, summed over its threads."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread ended
                total += int((task / "schedstat").read_text().split()[0])
        return total

    def settle(self, first: float = QUIET) -> tuple[bytes, float]:
        """Everything written until the output stays quiet for QUIET seconds (waiting up to
        `first` seconds for it to start), and when the last of it arrived (perf_counter)."""
        seen, last = b"", time.perf_counter()
        deadline = last + 10
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                seen += os.read(self.fd, 65536)
                last = time.perf_counter()
            elif time.perf_counter() - last >= (QUIET if seen else first):
                break
        return seen, last

    def wait_for(self, marker: bytes) -> None:
        seen = b""
        deadline = time.perf_counter() + 20
        while marker not in seen[-200_000:] and time.perf_counter() < deadline:
            chunk, _ = self.settle(first=1)
            seen += chunk
        if marker not in seen:
            raise RuntimeError(f"never painted {marker!r}; last output: {seen[-500:]!r}")

    def key(self, data: bytes) -> tuple[float, float]:
        """Wall ms from writing the key until its redraw was written, and the app's CPU ms
        spent meanwhile (counted once the output has gone quiet)."""
        cpu, started = self.cpu_ns(), time.perf_counter()
        os.write(self.fd, data)
        seen, last = self.settle(first=5)
        if not seen:
            raise RuntimeError(f"no redraw after {data!r}")
        return (last - started) * 1000, (self.cpu_ns() - cpu) / 1e6

    def close(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def keystrokes(
    command: list[str], env: dict[str, str], rounds: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall ms, CPU ms) per typed key: in the saved-stream picker over the config's entries,
    and in the form's stream field (a plain input of the same app) as the reference. Rounds
    alternate between the two, so machine noise hits both alike."""
    typed: dict[str, list[tuple[float, float]]] = {"picker": [], "field": []}
    app = Terminal(command, env)
    try:
        app.wait_for(b"Fill the three fields")
        app.settle()
        app.key(b"\t")  # the form starts on the conference field; the stream field is next
        for _ in range(rounds):
            for query in QUERIES:
                typed["field"] += [app.key(char.encode()) for char in query]
                app.key(CLEAR)
                os.write(app.fd, F2)
                app.wait_for(b"Saved streams")
                typed["picker"] += [app.key(char.encode()) for char in query]
                app.key(CLEAR)
                app.key(b"\x1b")
                app.settle()  # a lone escape is sent on its own, as a terminal would
    finally:
        app.close()
    return typed


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def report_typing(typed: dict[str, list[tuple[float, float]]], entries: int) -> bool:
    """Print the typing figures; True when the picker meets its target."""
    where = {"picker": f"in the picker over {entries} entries", "field": "in a plain input field"}
    for name, keys in typed.items():
        wall_p50, wall_p95 = percentiles([wall for wall, _ in keys])
        cpu_p50, cpu_p95 = percentiles([cpu for _, cpu in keys])
        print(
            f"typing {where[name]} ({len(keys)} keys): CPU p50 {cpu_p50:5.1f} ms, "
            f"p95 {cpu_p95:5.1f} ms; until painted p50 {wall_p50:5.1f} ms, p95 {wall_p95:5.1f} ms"
        )
    picker_p95 = percentiles([cpu for _, cpu in typed["picker"]])[1]
    print(f"picker: p95 {picker_p95:.1f} ms CPU per keystroke (target <= 16 ms)")
    return picker_p95 <= 16


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--entries", type=int, default=200, help="saved entries at launch")
    parser.add_argument("--picker-entries", type=int, default=10_000)
    parser.add_argument("--paint-only", action="store_true", help="measure the first paint only")
    parser.add_argument("--typing-only", action="store_true", help="measure the typing only")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of typing the queries")
    args = parser.parse_args()
    ensure_bytecode()
    streamtui = shutil.which("streamtui", path=str(Path(sys.executable).parent))
    assert streamtui, "streamtui is not installed in this environment"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "hello.py").write_text(HELLO)
        small, large = root / "small.toml", root / "large.toml"
        write_config(small, args.entries)
        write_config(large, args.picker_entries)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALWIRE_")}
        base_env.update(
            TERM="xterm-256color",
            COLUMNS="80",
            LINES="24",
            STREAMTUI_STATE_DIR=str(root / "state"),
            TEXTUAL_ANIMATIONS="none",
        )
        hello = ([sys.executable, str(root / "hello.py")], b"Hello, world")
        ours = ([streamtui], b"Fill the three fields")
        typing_env = {**base_env, "STREAMTUI_CONFIG": str(large)}
        if args.typing_only:
            typed = keystrokes([streamtui], typing_env, args.rounds)
            return 0 if report_typing(typed, args.picker_entries) else 1

        paint: dict[str, list[float]] = {"hello": [], "streamtui": []}
        for run in range(args.runs + 1):
            order = [("hello", hello, small), ("streamtui", ours, small)]
            if run % 2:
                order.reverse()
            for name, (command, marker), config in order:
                env = {**base_env, "STREAMTUI_CONFIG": str(config)}
                seconds = launch(command, env, marker)
                if run:  # the first round warms the page cache
                    paint[name].append(seconds)
        paint_ratio = statistics.median(paint["streamtui"]) / statistics.median(paint["hello"])
        if args.paint_only:
            print(
                f"first paint   hello {statistics.median(paint['hello']) * 1000:6.0f} ms   "
                f"streamtui {statistics.median(paint['streamtui']) * 1000:6.0f} ms   "
                f"ratio {paint_ratio:.2f}x (target <= 1.2x)"
            )
            return 0 if paint_ratio <= 1.2 else 1
        typed = keystrokes([streamtui], typing_env, args.rounds)

    print(
        f"first paint   hello {statistics.median(paint['hello']) * 1000:6.0f} ms   "
        f"streamtui {statistics.median(paint['streamtui']) * 1000:6.0f} ms   "
        f"ratio {paint_ratio:.2f}x (target <= 1.2x, {args.entries} saved entries)"
    )
    ok = report_typing(typed, args.picker_entries) and paint_ratio <= 1.2
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
