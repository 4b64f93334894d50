"""Stop one stream or several, and record every request that left the machine.

The one flow that `streamtui stop` and the TUI both call, so the two cannot drift. Each target gets
exactly one record in the audit log, whatever happens: an answer, an error, a cancel, quitting
the TUI, ctrl+c, SIGTERM or SIGHUP. What was never handed to the network is `cancelled`; what was
sent and then cut short is `interrupted`, because it may have taken effect.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from streamtui.api import RetryPolicy, SignalWireClient
from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.credentials import Credentials
from streamtui.errors import DeadlineExceeded, ExitCode, StreamTuiError, UnconfirmedStop
from streamtui.history import HistoryLog, build_record
from streamtui.outcome import Outcome, StopReport
from streamtui.target import StopTarget

DEFAULT_CONCURRENCY = 4
MAX_CONCURRENCY = 16
# A batch shares one backoff; a 429 (come back after Retry-After) may be retried this often.
BATCH_RETRY = RetryPolicy(rate_limited_attempts=20)


# Worst first: a stream whose state is unknown (network, 5xx) is the worst news at 3 a.m.
_SEVERITY = [
    ExitCode.OK,
    ExitCode.REJECTED,
    ExitCode.NOT_FOUND,
    ExitCode.AUTHENTICATION,
    ExitCode.INVALID,
    ExitCode.ERROR,
    ExitCode.UNAVAILABLE,
    ExitCode.INTERRUPTED,
]


def worst_exit_code(reports: Sequence[StopReport]) -> ExitCode:
    codes = (report.exit_code for report in reports)
    return max(codes, key=_SEVERITY.index, default=ExitCode.OK)


def client_for(creds: Credentials, **options: object) -> SignalWireClient:
    """The client for these credentials: `timeout`, `retry`, `on_retry`, `clock` as
    SignalWireClient."""
    return SignalWireClient(
        base_url=creds.base_url,
        project_id=creds.project_id,
        token=creds.token.reveal(),
        **options,  # type: ignore[arg-type]
    )


@dataclass
class Recorder:
    """Writes one record per report to the audit log. `record` runs the fsynced write in a
    thread, so the TUI's event loop never waits on the disk; `record_now` is for the moment of
    a cancel, when there is no time to wait for anything. Each record's time is `clock`'s."""

    creds: Credentials
    history: HistoryLog
    on_problem: Callable[[str], None] = lambda message: None  # called from any thread
    problem: str | None = None  # the last record that could not be written, and why
    clock: Clock = SYSTEM_CLOCK

    def record_now(self, report: StopReport) -> None:
        try:
            self.history.append(build_record(self.creds, report, clock=self.clock))
        except Exception as exc:  # the audit log must never turn a stop into a failure
            reason = getattr(exc, "strerror", None) or str(exc) or "unknown error"
            self.problem = f"the stop was not written to the history ({reason})"
            self.on_problem(self.problem)

    async def record(self, report: StopReport) -> None:
        await asyncio.to_thread(self.record_now, report)


@asynccontextmanager
async def recording(
    report: StopReport, recorder: Recorder | None, *, clock: Clock = SYSTEM_CLOCK
) -> AsyncIterator[Callable[[], None]]:
    """Around one request of a flow: `report` is recorded exactly once, with its duration, on
    every path (with no recorder, as in the unit tests and benchmarks, nothing is recorded).

    Gives the request's `on_send`, which marks the report as handed to the network. The body
    sets the outcome; if it is cut short instead (cancelled, ctrl+c, SIGTERM, SIGHUP, quitting
    the TUI), the outcome is `interrupted` once sent and `cancelled` before."""
    started = clock.monotonic()
    report.started = True

    def sent() -> None:
        report.sending = True

    try:
        yield sent
    except BaseException:
        report.outcome = Outcome.INTERRUPTED if report.sending else Outcome.CANCELLED
        report.duration = clock.monotonic() - started
        if recorder is not None:
            recorder.record_now(report)  # no time to wait for a thread
        raise
    report.duration = clock.monotonic() - started
    if recorder is not None:
        await recorder.record(report)


async def stop_one(
    client: SignalWireClient,
    report: StopReport,
    recorder: Recorder | None,
    *,
    timeout: float | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> StopReport:
    """Send the stop of `report.target`, fill in `report`, and record it exactly once."""
    target = report.target
    async with recording(report, recorder, clock=clock) as sent:
        try:
            report.result = await client.stop_stream(
                target.account, target.conference, target.stream, timeout=timeout, on_send=sent
            )
            report.outcome = Outcome.STOPPED
        except UnconfirmedStop as exc:
            report.error, report.outcome = exc, Outcome.UNCONFIRMED
        except StreamTuiError as exc:
            report.error, report.outcome = exc, Outcome.FAILED
    return report


@dataclass
class Batch:
    """Several stops with bounded concurrency, through one client (so one shared backoff).

    `cancel()` (escape) lets requests already sent finish and never starts the queued ones;
    cancelling the task that runs it (quit, ctrl+c, a signal) cuts every request short. Either
    way every target ends with one record. The batch's deadline and each stop's duration are
    read on `clock`."""

    targets: Sequence[StopTarget]
    recorder: Recorder | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = 30.0
    on_update: Callable[[int, StopReport], None] | None = None
    clock: Clock = SYSTEM_CLOCK
    reports: list[StopReport] = field(init=False)
    cancelled: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be 1..{MAX_CONCURRENCY}")
        self.reports = [StopReport(target) for target in self.targets]

    def cancel(self) -> None:
        self.cancelled = True

    def _notify(self, index: int) -> None:
        if self.on_update is not None:
            self.on_update(index, self.reports[index])

    def _not_started(self, index: int, client: SignalWireClient) -> None:
        report = self.reports[index]
        report.outcome = Outcome.CANCELLED if self.cancelled else Outcome.FAILED
        if not self.cancelled:
            report.error = DeadlineExceeded(
                f"Not started: the batch's {self.timeout:g} s ran out first.",
                host=client.host,
                timeout=self.timeout,
                attempts=0,
            )
        if self.recorder is not None:
            self.recorder.record_now(report)
        self._notify(index)

    async def run(self, client: SignalWireClient) -> list[StopReport]:
        deadline = self.clock.monotonic() + self.timeout
        queue = list(range(len(self.reports)))

        async def worker() -> None:
            while queue:
                index = queue.pop(0)
                remaining = deadline - self.clock.monotonic()
                if self.cancelled or remaining <= 0:
                    self._not_started(index, client)
                    continue
                self.reports[index].started = True
                self._notify(index)  # in flight
                try:
                    await stop_one(
                        client,
                        self.reports[index],
                        self.recorder,
                        timeout=remaining,
                        clock=self.clock,
                    )
                finally:
                    self._notify(index)

        workers = [asyncio.create_task(worker()) for _ in range(min(self.concurrency, len(queue)))]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            self.cancel()
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            for index in queue:  # never started: one record each all the same
                self._not_started(index, client)
            queue.clear()
            raise
        return self.reports
