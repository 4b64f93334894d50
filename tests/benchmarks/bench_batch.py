"""Benchmark batch stops (issue 5) against the emulator running in its own process.

1. 100 stops, 100 ms emulator latency, concurrency 8: the ideal is 100 / 8 x 0.1 s = 1.25 s;
   target <= 1.2x the ideal (1.5 s). Measured in-process (the batch itself) and end to end
   (`streamtui stop --streams-from - --concurrency 8`, process start-up included).
2. The emulator answers 429 (Retry-After: 1) to every fifth request: all 100 streams must end
   stopped, and the emulator must count no request that came before its Retry-After had passed
   (the retried request itself, or any other request of the project once the 429 could have been
   read; requests that crossed the 429 on the wire are reported apart).

Run: `.venv/bin/python tests/benchmarks/bench_batch.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streamtui.api import SignalWireClient
from streamtui.emulator import DEMO_API_TOKEN, DEMO_PROJECT_ID
from streamtui.flows.stop import BATCH_RETRY, Batch
from streamtui.outcome import Outcome
from streamtui.target import StopTarget
from streamtui.validation import validate_stream

COUNT = 100
CONCURRENCY = 8
LATENCY = 0.1


def admin(base_url: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - a loopback http:// URL we built
        f"{base_url}/__emulator__/{path}",
        data=data,
        headers={"Content-Type": "application/json"},
        method="POST" if data is not None else "GET",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        result: dict[str, object] = json.loads(response.read())
        return result


def new_streams(base_url: str) -> tuple[str, list[str]]:
    created = admin(base_url, "streams", {"account": DEMO_PROJECT_ID, "count": COUNT})
    return str(created["conference"]), [str(sid) for sid in created["sids"]]  # type: ignore[attr-defined]


async def run_batch(base_url: str, conference: str, sids: list[str]) -> tuple[float, int]:
    targets = [StopTarget(DEMO_PROJECT_ID, conference, validate_stream(sid)) for sid in sids]
    batch = Batch(targets, concurrency=CONCURRENCY, timeout=60)
    started = time.perf_counter()
    async with SignalWireClient(
        base_url=base_url, project_id=DEMO_PROJECT_ID, token=DEMO_API_TOKEN, retry=BATCH_RETRY
    ) as client:
        items = await batch.run(client)
    return time.perf_counter() - started, sum(item.outcome is Outcome.STOPPED for item in items)


def main() -> int:
    streamtui = shutil.which("streamtui", path=str(Path(sys.executable).parent))
    assert streamtui, "streamtui is not installed in this environment"
    server = subprocess.Popen(
        [streamtui, "emulator", "--port", "0", "--latency", str(LATENCY)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().split()[-1]
        ideal = COUNT / CONCURRENCY * LATENCY

        runs = []
        for _ in range(3):
            conference, sids = new_streams(base_url)
            seconds, stopped = asyncio.run(run_batch(base_url, conference, sids))
            assert stopped == COUNT, stopped
            runs.append(seconds)
        best = sorted(runs)[1]  # the median of three

        conference, sids = new_streams(base_url)
        env = {
            **os.environ,
            "STREAMTUI_BASE_URL": base_url,
            "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
            "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
            "STREAMTUI_STATE_DIR": str(
                Path(os.environ.get("TMPDIR", "/tmp")) / f"streamtui-bench-{os.getpid()}"
            ),
        }
        started = time.perf_counter()
        done = subprocess.run(
            [
                streamtui,
                "stop",
                "--conference",
                conference,
                "--streams-from",
                "-",
                "--concurrency",
                str(CONCURRENCY),
                "--json",
            ],
            input="\n".join(sids),
            env=env,
            capture_output=True,
            text=True,
        )
        end_to_end = time.perf_counter() - started
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.count('"status": "stopped"') == COUNT

        admin(
            base_url,
            "faults",
            {"clear": True, "rate_limit_every": 5, "rate_limit_retry_after": "1"},
        )
        conference, sids = new_streams(base_url)
        before = admin(base_url, "stats")
        limited_seconds, limited_stopped = asyncio.run(run_batch(base_url, conference, sids))
        after = admin(base_url, "stats")
    finally:
        server.terminate()
        server.wait(10)

    ratio = best / ideal
    violations = after["retry_after_violations"]
    crossed = int(after["crossed_in_flight"]) - int(before["crossed_in_flight"])  # type: ignore[call-overload]
    sent_429 = int(after["rate_limited_sent"]) - int(before["rate_limited_sent"])  # type: ignore[call-overload]
    print(
        f"100 stops, {LATENCY * 1000:.0f} ms latency, concurrency {CONCURRENCY}: "
        f"{best:.2f} s (ideal {ideal:.2f} s) ratio {ratio:.2f}x (target <= 1.2x); "
        f"end to end with the CLI {end_to_end:.2f} s"
    )
    print(
        f"with 429 + Retry-After: 1 on every 5th request: {limited_stopped}/{COUNT} stopped in "
        f"{limited_seconds:.2f} s, {sent_429} answers 429, {violations} request(s) before "
        f"Retry-After had passed (target 0); {crossed} crossed a 429 on the wire (sent before "
        "it could be read)"
    )
    ok = ratio <= 1.2 and limited_stopped == COUNT and violations == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
