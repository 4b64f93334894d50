"""Start a stream again, to undo a wrong stop, and record it as `started`, linked to that stop.

The one flow `streamtui start` and the TUI both call. Like a stop, every request that left the
machine gets exactly one record; unlike a stop, Create is not idempotent, so the client retries
only attempts that surely did nothing (see SignalWireClient.create_stream).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from streamtui.api import SignalWireClient
from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.errors import CreatedByEarlierAttempt, StreamTuiError
from streamtui.flows.stop import Recorder, recording
from streamtui.outcome import Outcome, StopReport
from streamtui.stream_definition import StreamDefinition
from streamtui.target import StopTarget
from streamtui.validation import validate_stream

UNNAMED = "(unnamed)"  # what a record names before SignalWire gives the new stream its SID


@dataclass(frozen=True)
class StartRequest:
    """What to create, where, and which stopped stream it replaces (for the record)."""

    account: str
    conference: str
    definition: StreamDefinition
    name: str | None = None
    label: str = ""  # the saved stream's label, shown beside the new SID
    undoes: str | None = None  # the stopped stream's SID or name
    undoes_time: str | None = None  # the time of that stop's record
    bearer_token: str | None = None  # from the OS keyring, never the file

    def report(self) -> StopReport:
        stream = validate_stream(self.name or UNNAMED)
        target = StopTarget(self.account, self.conference, stream, stream_label=self.label)
        extra = {"action": "start", "name": self.name, "url_host": _host(self.definition.url)}
        if self.undoes is not None:
            extra.update(undoes=self.undoes, undoes_time=self.undoes_time)
        return StopReport(target, extra=extra)


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def stop_undone(
    records: Iterable[Mapping[str, Any]], conference: str, streams: Iterable[str]
) -> Mapping[str, Any] | None:
    """The newest `stopped` record of one of `streams` in `conference`: the stop a start undoes."""
    wanted = {stream.lower() for stream in streams if stream}
    for record in records:  # newest first
        stream = record.get("stream")
        if (
            record.get("outcome") == Outcome.STOPPED.value
            and str(record.get("conference", "")).lower() == conference.lower()
            and isinstance(stream, str)
            and stream.lower() in wanted
        ):
            return record
    return None


async def start_one(
    client: SignalWireClient,
    request: StartRequest,
    recorder: Recorder | None,
    *,
    timeout: float | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StopReport:
    """Create the stream and record it exactly once: `started` with the new SID, else what
    became of it (failed, cancelled, interrupted)."""
    report = request.report()
    async with recording(report, recorder, clock=clock) as sent:
        try:
            result = await client.create_stream(
                request.account,
                request.conference,
                request.definition,
                name=request.name,
                bearer_token=request.bearer_token,
                timeout=timeout,
                on_send=sent,
            )
            report.result, report.outcome = result, Outcome.STARTED
            assert result.sid is not None  # create_stream checked it
            report.target = replace(report.target, stream=validate_stream(result.sid))
        except CreatedByEarlierAttempt as exc:
            report.error, report.outcome = exc, Outcome.STARTED
        except StreamTuiError as exc:
            report.error, report.outcome = exc, Outcome.FAILED
    return report
