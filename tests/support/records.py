"""Write one audit record the way the stop flow does, from an outcome a test has at hand."""

from __future__ import annotations

from streamtui.cli.output import warn
from streamtui.credentials import Credentials
from streamtui.errors import StreamTuiError, UnconfirmedStop
from streamtui.flows.stop import Recorder
from streamtui.history import HistoryLog
from streamtui.models import ConferenceStream
from streamtui.outcome import Outcome, StopReport
from streamtui.target import StopTarget


def report_of(
    target: StopTarget, outcome: ConferenceStream | StreamTuiError | str, duration: float = 0.0
) -> StopReport:
    report = StopReport(target, duration=duration)
    if isinstance(outcome, ConferenceStream):
        report.outcome, report.result = Outcome.STOPPED, outcome
    elif isinstance(outcome, UnconfirmedStop):
        report.outcome, report.error = Outcome.UNCONFIRMED, outcome
    elif isinstance(outcome, StreamTuiError):
        report.outcome, report.error = Outcome.FAILED, outcome
    else:
        report.outcome = Outcome(outcome)
    return report


def record_attempt(
    creds: Credentials,
    target: StopTarget,
    outcome: ConferenceStream | StreamTuiError | str,
    duration: float,
    *,
    log: HistoryLog | None = None,
) -> str | None:
    """Record as the flow does; the warning the CLI prints (on stderr), or None."""
    recorder = Recorder(creds, log or HistoryLog(), on_problem=warn)
    recorder.record_now(report_of(target, outcome, duration))
    return recorder.problem
