"""`streamtui stop` with several streams: a line per stream as it finishes, then a summary.

Exit code: that of the worst outcome (unknown state from a network error or 5xx is the worst,
then authentication, not found, rejected). With --json, one object per line on stdout: the API's
object for a stopped stream, `{"stream", "conference", "outcome", "error": {...}}` otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time

from streamtui.cli.output import error_lines, json_line, warn
from streamtui.cli.signals import run_to_the_end
from streamtui.credentials import Credentials
from streamtui.flows.stop import (
    BATCH_RETRY,
    DEFAULT_CONCURRENCY,
    Batch,
    Recorder,
    client_for,
    worst_exit_code,
)
from streamtui.history import HistoryLog
from streamtui.outcome import Outcome, StopReport
from streamtui.sanitize import clean
from streamtui.target import StopTarget


def _print_report(report: StopReport, *, as_json: bool) -> None:
    if as_json:
        print(json_line(report), flush=True)
    elif report.result is not None:
        print(
            f"stopped  {clean(report.target.stream.value)}  status={clean(report.result.status)}"
            f"  ({report.duration * 1000:.0f} ms)",
            flush=True,
        )
    if report.outcome is not Outcome.STOPPED:
        lines = error_lines(report.error) if report.error else [f"error: {report.outcome}"]
        word = str(report.outcome)
        label = f"{word:<9}" if len(word) < 9 else f"{word}  "  # "failed   ", "unconfirmed  "
        print(
            f"{label}{clean(report.target.stream.value)}: " + lines[0].removeprefix("error: "),
            file=sys.stderr,
        )
        for line in lines[1:]:
            print(f"         {line}", file=sys.stderr)


def run_batch(args: argparse.Namespace, creds: Credentials, targets: list[StopTarget]) -> int:
    def update(index: int, report: StopReport) -> None:
        if report.outcome is not None:
            _print_report(report, as_json=args.json)

    batch = Batch(
        targets,
        Recorder(creds, HistoryLog(), on_problem=warn),
        concurrency=args.concurrency or DEFAULT_CONCURRENCY,
        timeout=args.timeout,
        on_update=update,
    )

    async def send() -> list[StopReport]:
        async with client_for(creds, retry=BATCH_RETRY, timeout=args.timeout) as client:
            return await batch.run(client)

    started = time.monotonic()
    reports = run_to_the_end(send())  # ctrl+c, SIGTERM, SIGHUP: every stream recorded, raised
    counts = {outcome: sum(r.outcome is outcome for r in reports) for outcome in Outcome}
    unconfirmed = counts[Outcome.UNCONFIRMED]
    failed = len(reports) - counts[Outcome.STOPPED] - unconfirmed
    print(
        f"{counts[Outcome.STOPPED]} stopped, "
        + (f"{unconfirmed} unconfirmed, " if unconfirmed else "")
        + f"{failed} failed of {len(reports)} in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return worst_exit_code(reports)
