"""`streamtui stop` with several streams: a line per stream as it finishes, then a summary.

Exit code: that of the worst outcome (unknown state from a network error or 5xx is the worst,
then authentication, not found, rejected). With --json, one object per line on stdout: the API's
object for a stopped stream, `{"stream", "conference", "error": {...}}` for a failed one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from streamtui.batch import (
    BATCH_RETRY,
    DEFAULT_CONCURRENCY,
    STOPPED,
    UNCONFIRMED,
    Batch,
    BatchItem,
    worst_exit_code,
)
from streamtui.cli.output import error_lines
from streamtui.credentials import Credentials
from streamtui.errors import ApiError
from streamtui.redact import mask
from streamtui.sanitize import clean
from streamtui.target import StopTarget


def _error_object(item: BatchItem) -> dict[str, object]:
    error = item.error
    details: dict[str, object] = {
        "type": type(error).__name__,
        "message": error.message if error else "cancelled",
    }
    if isinstance(error, ApiError):
        details.update(
            status=error.status,
            code=error.code,
            request_id=error.request_id,
            errors=error.errors,
            more_info=error.more_info,
        )
    return {
        "stream": item.target.stream.value,
        "conference": item.target.conference,
        "account": item.target.account,
        "outcome": item.outcome,
        "error": details,
    }


def run_batch(args: argparse.Namespace, creds: Credentials, targets: list[StopTarget]) -> int:
    from streamtui.api import SignalWireClient
    from streamtui.history import record_attempt

    concurrency = args.concurrency or DEFAULT_CONCURRENCY

    def report(index: int, item: BatchItem) -> None:
        if item.state not in (STOPPED, "failed", "cancelled"):
            return
        record_attempt(creds, item.target, item.result or item.error or item.state, item.duration)
        if args.json:
            body = dict(item.result.raw) if item.result else _error_object(item)
            print(mask(json.dumps(body, ensure_ascii=True)), flush=True)
        elif item.result is not None:
            print(
                f"stopped  {clean(item.target.stream.value)}  status={clean(item.result.status)}"
                f"  ({item.duration * 1000:.0f} ms)",
                flush=True,
            )
        if item.state != STOPPED:
            lines = error_lines(item.error) if item.error else ["error: cancelled"]
            label = "unconfirmed  " if item.outcome == UNCONFIRMED else "failed   "
            print(
                f"{label}{clean(item.target.stream.value)}: " + lines[0].removeprefix("error: "),
                file=sys.stderr,
            )
            for line in lines[1:]:
                print(f"         {line}", file=sys.stderr)

    batch = Batch(targets, concurrency=concurrency, timeout=args.timeout, on_update=report)

    async def send() -> list[BatchItem]:
        async with SignalWireClient(
            base_url=creds.base_url,
            project_id=creds.project_id,
            token=creds.token.reveal(),
            retry=BATCH_RETRY,
            timeout=args.timeout,
        ) as client:
            return await batch.run(client)

    started = time.monotonic()
    try:
        items = asyncio.run(send())
    except KeyboardInterrupt:
        for item in batch.items:
            if item.state == "stopping":  # sent: it may or may not have taken effect
                record_attempt(creds, item.target, "interrupted", 0.0)
            elif item.state == "queued":  # never sent
                record_attempt(creds, item.target, "cancelled", 0.0)
        raise
    stopped = sum(item.state == STOPPED for item in items)
    unconfirmed = sum(item.outcome == UNCONFIRMED for item in items)
    failed = len(items) - stopped - unconfirmed
    print(
        f"{stopped} stopped, "
        + (f"{unconfirmed} unconfirmed, " if unconfirmed else "")
        + f"{failed} failed of {len(items)} in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    return worst_exit_code(items)
