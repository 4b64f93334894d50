"""Benchmark: `streamtui stop --json` wall time against a minimal httpx POST script.

Both hit the same emulator process, interleaved run by run so machine noise hits both alike.
Target (issue 2): median ratio <= 1.25x. Run: `.venv/bin/python tests/benchmarks/bench_stop.py`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from streamtui.emulator import DEMO_API_TOKEN, DEMO_CONFERENCE_SID, DEMO_PROJECT_ID, Emulator
from streamtui.emulator import DEMO_STREAM_SID as STREAM

BASELINE = """\
import sys, httpx
base, project, token, path = sys.argv[1:5]
response = httpx.post(base + path, data={"Status": "stopped"}, auth=(project, token))
print(response.text)
"""


def ensure_bytecode() -> None:
    """Compile streamtui's modules as `pip install` does: an editable install under
    PYTHONDONTWRITEBYTECODE (set on these machines) would otherwise recompile them every run,
    which no real install does, while httpx's bytecode was written by pip."""
    import compileall

    import streamtui

    compileall.compile_dir(Path(streamtui.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--target", type=float, default=1.25)
    args = parser.parse_args()
    streamtui = shutil.which("streamtui", path=str(Path(sys.executable).parent))
    if streamtui is None:
        print("streamtui is not installed in this environment", file=sys.stderr)
        return 2
    ensure_bytecode()
    with tempfile.TemporaryDirectory() as tmp, Emulator() as emulator:
        baseline_script = Path(tmp) / "baseline.py"
        baseline_script.write_text(BASELINE)
        env = {
            **os.environ,
            "STREAMTUI_BASE_URL": emulator.base_url,
            "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
            "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
            "STREAMTUI_STATE_DIR": tmp,
            "STREAMTUI_CONFIG": f"{tmp}/config.toml",
        }
        path = (
            f"/api/laml/2010-04-01/Accounts/{DEMO_PROJECT_ID}/Conferences/"
            f"{DEMO_CONFERENCE_SID}/Streams/{STREAM}"
        )
        commands = {
            "streamtui stop --json": [
                streamtui,
                "stop",
                "--conference",
                DEMO_CONFERENCE_SID,
                "--stream",
                STREAM,
                "--json",
            ],
            "minimal httpx POST": [
                sys.executable,
                str(baseline_script),
                emulator.base_url,
                DEMO_PROJECT_ID,
                DEMO_API_TOKEN,
                path,
            ],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(args.runs + 2):  # two warm-up rounds fill the page cache
            order = list(commands.items())
            if run % 2:
                order.reverse()
            for name, command in order:
                started = time.perf_counter()
                done = subprocess.run(command, env=env, capture_output=True, text=True)
                elapsed = time.perf_counter() - started
                if done.returncode != 0 or '"status": "stopped"' not in done.stdout.replace(
                    '"status":"stopped"', '"status": "stopped"'
                ):
                    print(f"{name} failed: {done.returncode} {done.stdout} {done.stderr}")
                    return 1
                if run >= 2:
                    times[name].append(elapsed)
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["streamtui stop --json"] / medians["minimal httpx POST"]
    for name, value in medians.items():
        print(f"{name:<24} median {value * 1000:7.1f} ms over {len(times[name])} runs")
    verdict = "PASS" if ratio <= args.target else "FAIL"
    print(f"ratio {ratio:.2f}x (target <= {args.target}x): {verdict}")
    return 0 if ratio <= args.target else 1


if __name__ == "__main__":
    raise SystemExit(main())
