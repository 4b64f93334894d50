"""The words streamtui uses for what became of a request, defined once: the CLI prints them, the
TUI shows them, the audit log records them, and `history --json` readers match on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from streamtui.errors import ExitCode, StreamTuiError
from streamtui.models import ConferenceStream
from streamtui.target import StopTarget


class Outcome(StrEnum):
    STOPPED = "stopped"  # the API confirmed it: status stopped, the stream asked for
    STARTED = "started"  # a stream was created again (`streamtui start`), to undo a stop
    UNCONFIRMED = "unconfirmed"  # a 200 that does not confirm the stop: state unknown
    FAILED = "failed"  # the API refused or could not be reached (see http_status and code)
    CANCELLED = "cancelled"  # never sent
    INTERRUPTED = "interrupted"  # sent, then cut short: it may have taken effect


@dataclass
class StopReport:
    """What became of one target."""

    target: StopTarget
    outcome: Outcome | None = None  # None while queued or in flight
    result: ConferenceStream | None = None
    error: StreamTuiError | None = None
    duration: float = 0.0
    started: bool = False  # taken off the queue
    sending: bool = False  # handed to the network at least once: it may take effect
    extra: dict[str, Any] = field(default_factory=dict)  # a start's fields for its record

    @property
    def state(self) -> str:
        """What a table shows: queued, stopping, or the outcome."""
        if self.outcome is not None:
            return self.outcome.value
        return "stopping" if self.started else "queued"

    @property
    def exit_code(self) -> ExitCode:
        if self.outcome in (Outcome.STOPPED, Outcome.STARTED):
            return ExitCode.OK
        if self.outcome in (Outcome.CANCELLED, Outcome.INTERRUPTED):
            return ExitCode.INTERRUPTED
        return self.error.exit_code if self.error is not None else ExitCode.ERROR
