"""Benchmark: peak memory and wall time of `streamtui stop --timeout 5` against hostile servers.

Issue 9 asks for the measured bounds: an endless chunked body, a server dripping one byte every
half second (in its body, then in its headers), a gzip bomb (1 GiB from about 1 MB on the wire)
and a 100 MB field, each beside a normal stop in the same run. Each `stop` runs as a subprocess;
its own peak RSS comes from os.wait4. Loopback only (tests/support/hostile.py).
Run: `.venv/bin/python tests/benchmarks/bench_hostile.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.hostile import Conn, HostileServer, Request, drip, head, response

TOKEN = "PTbenchhostile0123456789abcdef"
PROJECT = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
CONFERENCE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
STREAM = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
TIMEOUT = 5
BODY = {
    "account_sid": PROJECT,
    "conference_sid": CONFERENCE,
    "date_updated": "Tue, 01 Sep 2026 10:00:00 +0000",
    "name": None,
    "sid": STREAM,
    "status": "stopped",
    "uri": f"/api/laml/2010-04-01/Accounts/{PROJECT}/Conferences/{CONFERENCE}/Streams/{STREAM}",
}
PLAIN = json.dumps(BODY).encode()
PADDED_START = json.dumps(BODY)[:-1].encode() + b', "name": "'


def normal(request: Request, conn: Conn) -> None:
    conn.send(response(200, PLAIN))


def endless(request: Request, conn: Conn) -> None:
    conn.send(head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}))
    chunk = b"A" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    for _ in range(1 << 16):  # at most 4 GiB, and only while the client keeps reading
        if not conn.send(frame):
            return


def drip_body(request: Request, conn: Conn) -> None:
    conn.send(head(200, {"Content-Type": "application/json", "Content-Length": str(len(PLAIN))}))
    drip(conn, PLAIN, every=0.5)


def drip_headers(request: Request, conn: Conn) -> None:
    drip(conn, response(200, PLAIN), every=0.5)


def _bomb_pieces(size: int) -> Iterator[bytes]:
    yield PADDED_START
    piece = b"A" * (1 << 20)
    for _ in range(size >> 20):
        yield piece
    yield b'"}'


def gzip_bomb(size: int = 1 << 30) -> bytes:
    """A stop answer whose name is `size` bytes of 'A', gzipped piece by piece (about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(packer.compress(piece) for piece in _bomb_pieces(size)) + packer.flush()


def bomb_handler(bomb: bytes) -> Callable[[Request, Conn], None]:
    def handler(request: Request, conn: Conn) -> None:
        conn.send(response(200, bomb, headers={"Content-Encoding": "gzip"}))

    return handler


def big_field(request: Request, conn: Conn) -> None:
    size = 100 << 20
    total = len(PADDED_START) + size + 2
    conn.send(head(200, {"Content-Type": "application/json", "Content-Length": str(total)}))
    for piece in _bomb_pieces(size):
        if not conn.send(piece):
            return


def run_stop(streamtui: str, base_url: str, env: dict[str, str]) -> tuple[int, float, float, int]:
    """(exit code, wall seconds, peak RSS in MiB, bytes printed) of one `streamtui stop`."""
    args = [streamtui, "stop", "--base-url", base_url, "--conference", CONFERENCE]
    args += ["--stream", STREAM, "--timeout", str(TIMEOUT), "--json"]
    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
        took = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        printed = out.tell()
    return process.returncode, took, usage.ru_maxrss / 1024, printed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    streamtui = shutil.which("streamtui", path=str(Path(sys.executable).parent))
    if streamtui is None:
        print("streamtui is not installed in this environment", file=sys.stderr)
        return 2
    bomb = gzip_bomb()
    scenarios: list[tuple[str, Callable[[Request, Conn], None]]] = [
        ("normal stop", normal),
        ("endless chunked body", endless),
        ("drip, body (1 byte / 0.5 s)", drip_body),
        ("drip, headers (1 byte / 0.5 s)", drip_headers),
        (f"gzip bomb (1 GiB in {len(bomb) / 1e6:.2f} MB)", bomb_handler(bomb)),
        ("100 MB field", big_field),
    ]
    print(f"streamtui stop --timeout {TIMEOUT} --json, {args.runs} run(s) each")
    header = f"{'server':<34} {'exit':>4} {'wall s (max)':>12} {'peak RSS MiB (max)':>18}"
    print(f"{header} {'printed':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SIGNALWIRE_PROJECT_ID": PROJECT,
            "SIGNALWIRE_API_TOKEN": TOKEN,
            "STREAMTUI_STATE_DIR": tmp,
            "STREAMTUI_CONFIG": f"{tmp}/config.toml",
        }
        for name, handler in scenarios:
            with HostileServer(handler) as server:
                runs = [run_stop(streamtui, server.base_url, env) for _ in range(args.runs)]
            codes = sorted({code for code, *_ in runs})
            wall = max(took for _, took, _, _ in runs)
            rss = max(peak for _, _, peak, _ in runs)
            printed = statistics.median(size for *_, size in runs)
            shown = ",".join(str(code) for code in codes)
            print(f"{name:<34} {shown:>4} {wall:>12.2f} {rss:>18.1f} {printed:>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
