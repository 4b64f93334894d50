"""Benchmark the TUI's F5 batch at scale: 1,000 pasted streams, concurrency 16, headless.

The default suite runs the same flow over 50 streams (tests/tui/test_incident.py); this one
proves it holds at 1,000 (every stream stopped once, every row shown, the status line right) and
says how long the TUI took, against the emulator in this process with no latency.
Run: `.venv/bin/python tests/benchmarks/bench_tui_batch.py [--streams N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.widgets import DataTable

from streamtui.emulator import DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, Emulator
from streamtui.outcome import Outcome
from streamtui.tui.app import StreamTuiApp
from streamtui.tui.screens.main import Prefill
from tests.tui.conftest import SIZE, build_session, fixed_clock, settle, static_text, stop_requests
from tests.tui.test_incident import batch_states, run_pasted_batch

CONCURRENCY = 16


async def run(count: int, root: Path) -> tuple[float, list[str]]:
    """The batch's wall time from `y` to the last row, and what went wrong (nothing, we hope)."""
    problems: list[str] = []
    with Emulator(clock=fixed_clock) as emu:
        streams = emu.add_streams(DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID, count)
        session = build_session(root, emu.base_url)
        app = StreamTuiApp(session, Prefill("", DEMO_INCIDENT_CONFERENCE_SID, ""))
        async with app.run_test(size=SIZE) as pilot:
            text = await run_pasted_batch(pilot, [s.sid for s in streams], CONCURRENCY)
            if f"Stop {count} streams?" not in text:
                problems.append("the confirmation does not name the count")
            started = time.perf_counter()
            await pilot.press("y")
            await settle(pilot)
            seconds = time.perf_counter() - started
            states = batch_states(app)
            if len(states) != count or set(states.values()) != {Outcome.STOPPED}:
                problems.append(f"{len(states)} reports, states {set(states.values())}")
            if app.screen.query_one(DataTable).row_count != count:
                problems.append("not every stream has a row")
            if f"{count} stopped, 0 failed or cancelled" not in static_text(app, "#batch-status"):
                problems.append("the status line is wrong")
        if len(stop_requests(emu)) != count:
            problems.append(f"{len(stop_requests(emu))} stop requests for {count} streams")
        if emu.errors:
            problems.append("emulator errors: " + "; ".join(emu.errors))
    return seconds, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-tui-batch.") as folder:
        seconds, problems = asyncio.run(run(args.streams, Path(folder)))
    print(
        f"TUI batch of {args.streams} pasted streams, concurrency {CONCURRENCY}: {seconds:.2f} s "
        f"from y to the last row ({seconds / args.streams * 1000:.1f} ms per stream)"
    )
    for problem in problems:
        print(f"problem: {problem}")
    print("FAIL" if problems else "PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
