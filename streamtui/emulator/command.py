"""`streamtui emulator`: run the emulator in the foreground for manual tests and demos.

Prints the base URL first (a script can read one line and go), then the demo credentials as
ready-to-paste `export` lines and an example stop command, then serves until Ctrl-C (exit 130)
or SIGTERM (exit 0). Loopback only: the demo credentials are public, so it must never listen on a
network interface.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import shutil
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from streamtui.cli.parser import emulator_options as configure_parser
from streamtui.emulator.demo_seed import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_SPACE,
    DEMO_STREAM_SID,
    DEMO_TARGETS,
)
from streamtui.emulator.instance import Emulator
from streamtui.errors import ExitCode


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(
    args: argparse.Namespace,
    *,
    stop_event: threading.Event | None = None,
    out: TextIO | None = None,
) -> int:
    """Serve until Ctrl-C (130), SIGTERM (0) or `stop_event` is set (0, for tests)."""
    out = out or sys.stdout
    host = "127.0.0.1" if args.host == "localhost" else str(args.host).strip("[]")
    if not is_loopback(host):
        print(
            f"streamtui emulator: refusing to listen on {args.host!r}: it uses public demo "
            "credentials, so it only listens on loopback (127.0.0.1 or ::1)",
            file=sys.stderr,
        )
        return ExitCode.INVALID
    if not 0 <= args.port <= 65535:
        print(f"streamtui emulator: bad port {args.port}", file=sys.stderr)
        return ExitCode.INVALID
    if args.rate_limit_every < 0:
        print("streamtui emulator: --rate-limit-every must be >= 0", file=sys.stderr)
        return ExitCode.INVALID

    emulator = Emulator(host, args.port, latency=args.latency, seed_demo=not args.no_demo_data)
    emulator.faults.queue(*args.fault)
    if args.rate_limit_every:
        emulator.faults.rate_limit_every(args.rate_limit_every)

    stop = stop_event or threading.Event()
    previous_term = None
    in_main = threading.current_thread() is threading.main_thread()
    terminated = False

    def on_term(signum: int, frame: FrameType | None) -> None:
        # Only a flag, no lock: the handler runs in the main thread, which may be inside
        # `stop.wait()` holding the event's lock; `stop.set()` here would wait on itself forever.
        nonlocal terminated
        terminated = True

    try:
        try:
            base_url = emulator.start()
        except OSError as exc:
            print(
                f"streamtui emulator: cannot listen on {host}:{args.port}: {exc}", file=sys.stderr
            )
            return ExitCode.ERROR
        if in_main:
            previous_term = signal.signal(signal.SIGTERM, on_term)
        out.write(_banner(base_url, demo=not args.no_demo_data))
        out.flush()
        while not terminated and not stop.wait(0.2):  # timed: the flag is looked at between tries
            pass
        return ExitCode.OK
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    finally:
        emulator.stop()
        if in_main and previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)


def streamtui_command(argv0: str | None = None) -> str:
    """How to run streamtui from the user's shell, for the banner's example: `streamtui` when
    PATH finds the very script that runs now, else that script's path, else this interpreter's
    `-m streamtui` (started as `python -m streamtui.emulator`, or from a virtualenv not on PATH)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if os.path.basename(argv0) == "streamtui":
        found = shutil.which("streamtui")
        if found and os.path.abspath(found) == os.path.abspath(argv0):
            return "streamtui"
        return shlex.quote(argv0)
    python = shutil.which("python3")
    if python and os.path.abspath(python) == os.path.abspath(sys.executable):
        return "python3 -m streamtui"
    return f"{shlex.quote(sys.executable)} -m streamtui"


def _banner(base_url: str, *, demo: bool, command: str | None = None) -> str:
    """What the emulator prints first; every line fits 80 columns but a very long command path."""
    q = shlex.quote
    lines = [
        f"streamtui emulator listening on {base_url}",
        "",
        "Demo credentials (fake, local only):",
        f"  space       {DEMO_SPACE}",
        f"  project ID  {DEMO_PROJECT_ID}",
        f"  API token   {DEMO_API_TOKEN}",
        f"  account     {DEMO_ACCOUNT_SID}",
        "",
        "Paste into your shell:",
        f"  export STREAMTUI_BASE_URL={q(base_url)}",
        f"  export SIGNALWIRE_SPACE={q(DEMO_SPACE)}",
        f"  export SIGNALWIRE_PROJECT_ID={q(DEMO_PROJECT_ID)}",
        f"  export SIGNALWIRE_API_TOKEN={q(DEMO_API_TOKEN)}",
        "",
    ]
    if demo:
        lines += [
            "Then stop a demo stream:",
            f"  {command or streamtui_command()} stop \\",
            f"    --conference {DEMO_CONFERENCE_SID} \\",
            f"    --stream {DEMO_STREAM_SID}",
            "",
            "Demo streams (label, then conference and stream SIDs):",
        ]
        for target in DEMO_TARGETS:
            lines += [f"  {target.label}", f"    {target.conference} {target.stream}"]
        lines.append("")
    lines += [
        f"Admin API (faults, stats, requests): {base_url}/__emulator__/",
        "Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`python -m streamtui.emulator`: the same command without the rest of streamtui."""
    parser = argparse.ArgumentParser(
        prog="python -m streamtui.emulator",
        description="Local SignalWire Compatibility-API emulator with demo data and faults.",
    )
    configure_parser(parser)
    return run(parser.parse_args(argv))
