"""The last net under the workers: a worker that still ends in error is said, never swallowed.

Workers run with `exit_on_error=False`, so Textual keeps the app alive and only marks the worker
as failed. Their bodies turn every exception into an error panel or line; this catches what
escapes even that (an exception raised while showing another).
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from streamtui.hints import unexpected


def failure_of(event: Worker.StateChanged) -> BaseException | None:
    """The exception that ended the worker, when that is what this state change says."""
    if event.state == WorkerState.ERROR:
        return event.worker.error
    return None


def report_failure(node: DOMNode, error: BaseException) -> None:
    """A toast that stays long enough to be read: the screen's own line may be what failed."""
    node.app.notify(unexpected(error), title="Error", severity="error", timeout=20)
