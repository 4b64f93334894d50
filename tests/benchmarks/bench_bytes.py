"""Count the bytes the TUI writes to an 80x24 terminal, as an SSH link would carry them.

Phases: first paint, idle (bytes per second over a few seconds), opening the F2 picker, one
keystroke in the picker, closing it. A stock Textual form app (three inputs and a footer) is
measured in the same run for comparison. Targets (issue 12): first paint <= 10 KB, idle <= 10 B/s,
opening a picker <= 12 KB, one keystroke in a picker <= 3 KB.
Run: `.venv/bin/python tests/benchmarks/bench_bytes.py`.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

STOCK = """\
from textual.app import App
from textual.widgets import Footer, Input


class Form(App):
    BINDINGS = [("ctrl+s", "save", "Save")]

    def compose(self):
        yield Input(placeholder="account")
        yield Input(placeholder="conference")
        yield Input(placeholder="stream")
        yield Footer()


Form().run()
"""

F2 = b"\x1bOQ"
ESCAPE = b"\x1b"
TARGETS = {"first paint": 10_000, "idle B/s": 10, "open picker": 12_000, "picker key": 3_000}


class Terminal:
    """A child process in an 80x24 pseudo-terminal; counts what it writes."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child: sized before it starts, as an SSH session is (no resize)
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.execvpe(command[0], command, env)  # noqa: S606 - our own benchmark commands
        self.tail = b""

    def read_for(self, seconds: float) -> int:
        """Bytes written during `seconds`."""
        total = 0
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            total += self._read(left)
        return total

    def read_until_quiet(self, quiet: float = 0.6, limit: float = 20.0, first: bool = False) -> int:
        """Bytes written until nothing more arrives for `quiet` seconds (at most `limit`);
        with `first`, the quiet spell counts only once something was written (start-up)."""
        total = 0
        deadline = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < deadline and (
            (first and not total) or time.monotonic() - last < quiet
        ):
            got = self._read(0.05)
            if got:
                total += got
                last = time.monotonic()
        return total

    def _read(self, timeout: float) -> int:
        ready, _, _ = select.select([self.fd], [], [], min(timeout, 0.05))
        if not ready:
            return 0
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return 0
        self.tail = (self.tail + chunk)[-4000:]
        return len(chunk)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def measure(command: list[str], env: dict[str, str], idle: float, picker: bool) -> dict[str, float]:
    term = Terminal(command, env)
    figures: dict[str, float] = {}
    try:
        figures["first paint"] = term.read_until_quiet(quiet=1.0, first=True)
        figures["idle B/s"] = term.read_for(idle) / idle
        if picker:
            term.send(F2)
            figures["open picker"] = term.read_until_quiet()
        term.send(b"a")
        figures["picker key" if picker else "key in a field"] = term.read_until_quiet()
        if picker:
            term.send(ESCAPE)
            figures["close picker"] = term.read_until_quiet()
    finally:
        term.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of idling measured")
    args = parser.parse_args()
    streamtui = shutil.which("streamtui", path=str(Path(sys.executable).parent))
    assert streamtui, "streamtui is not installed in this environment"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "stock.py").write_text(STOCK)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALWIRE_", "NO_COLOR"))}
        env.update(
            TERM="xterm-256color",
            COLUMNS="80",
            LINES="24",
            STREAMTUI_CONFIG=str(root / "config.toml"),
            STREAMTUI_STATE_DIR=str(root / "state"),
        )
        env.pop("TEXTUAL_COLOR_SYSTEM", None)
        ours = measure([streamtui, "--demo"], env, args.idle, picker=True)
        stock = measure([sys.executable, str(root / "stock.py")], env, args.idle, picker=False)
    ok = True
    print(f"{'bytes written (80x24, xterm-256color)':40} {'streamtui':>10} {'stock form':>11}")
    for name in ("first paint", "idle B/s", "open picker", "picker key", "close picker"):
        target = TARGETS.get(name)
        passed = target is None or ours[name] <= target
        ok = ok and passed
        reference = stock.get(name, stock.get("key in a field") if name == "picker key" else None)
        shown = "" if reference is None else f"{reference:11.0f}"
        goal = f"  target <= {target}" if target is not None else ""
        print(f"{name:40} {ours[name]:10.0f} {shown:>11}{goal}{'' if passed else '  FAIL'}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
