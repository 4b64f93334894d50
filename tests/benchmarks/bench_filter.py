"""How long one fuzzy query over 10,000 entries takes: the TUI filters on every keystroke.

Run: python tests/benchmarks/bench_filter.py. Each query is typed one character at a time, as in
the TUI (the index goes on from the previous keystroke's matches), with the limit the picker asks
for (the rows it shows, and one more; no caller asks for all of 10,000 matches ranked); each
prefix is also run as if pasted (after a query it shares nothing with). Keys are "label SID", so
one- and two-character queries match most of the 10,000 (every UUID holds most hex digits): the
worst case. The budget is 16 ms per query (a frame at 60 Hz); each mode passes when its 95th
percentile is within it. The filter is only part of a keystroke: tests/benchmarks/bench_tui.py
measures the whole of it.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from streamtui.fuzzy import FuzzyIndex
from streamtui.tui.screens.picker import SHOWN

BUDGET_MS = 16.0
ENTRIES = 10_000
REPEATS = 5
LIMIT = SHOWN + 1  # what the picker asks for
UNRELATED = "#"  # a query no other starts with: the next one starts afresh
QUERIES = [
    "support bridge",
    "transcriber feed",
    "acme prod",
    "3f2a",
    "eu-west 12",
    "sb",
    "zzz",
    "rec bot 77",
    "billing",
]
WORDS = [
    "support",
    "bridge",
    "transcriber",
    "feed",
    "acme",
    "production",
    "staging",
    "sales",
    "billing",
    "eu-west",
    "us-east",
    "recorder",
    "bot",
    "media",
    "fork",
    "ai",
    "agent",
    "call",
    "centre",
    "night",
    "shift",
    "escalation",
    "voicemail",
]


@dataclass(frozen=True)
class Row:
    sid: str
    label: str
    used: float


def rows(count: int) -> list[Row]:
    rng = random.Random(42)
    now = time.time()
    made = []
    for number in range(count):
        words = " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(2, 4)))
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        used = now - rng.random() * 90 * 86400 if rng.random() < 0.3 else 0.0
        made.append(Row(sid, f"{words} {number}", used))
    return made


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    data = rows(ENTRIES)
    started = time.perf_counter()
    index = FuzzyIndex(data, key=lambda row: f"{row.label} {row.sid}", recency=lambda row: row.used)
    build_ms = (time.perf_counter() - started) * 1000
    modes: dict[str, list[float]] = {
        f"typed, limit={LIMIT}": [],
        f"pasted, limit={LIMIT}": [],
    }

    def timed(mode: str, query: str, limit: int | None) -> None:
        started = time.perf_counter()
        index.filter(query, limit)
        modes[mode].append((time.perf_counter() - started) * 1000)

    for _ in range(REPEATS):
        for query in QUERIES:
            index.filter(UNRELATED)
            for end in range(1, len(query) + 1):
                timed(f"typed, limit={LIMIT}", query[:end], LIMIT)
            for end in range(1, len(query) + 1):
                index.filter(UNRELATED)
                timed(f"pasted, limit={LIMIT}", query[:end], LIMIT)
    count = len(next(iter(modes.values())))
    print(
        f"{ENTRIES} entries, index built in {build_ms:.1f} ms; {count} queries per mode "
        f"(typed prefixes of {len(QUERIES)} queries, x{REPEATS})"
    )
    ok = True
    for name, values in modes.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        passed = p95 <= BUDGET_MS
        ok = ok and passed
        print(
            f"  {name:<20} median {median:6.2f} ms   p95 {p95:6.2f} ms   max "
            f"{max(values):6.2f} ms   {'PASS' if passed else 'FAIL'} (budget {BUDGET_MS:g} ms)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
