"""How the CLI talks: results on stdout, errors and hints on stderr, never a traceback or token."""

from __future__ import annotations

import json
import sys

from streamtui.errors import ApiError, StreamTuiError
from streamtui.hints import hint_for, message_of
from streamtui.outcome import Outcome, StopReport
from streamtui.redact import mask
from streamtui.sanitize import clean
from streamtui.secret import Secret
from streamtui.target import StopTarget


def error_lines(
    exc: BaseException, *, target: StopTarget | None = None, host: str = "", stopping: bool = True
) -> list[str]:
    """The error as the user reads it: message, API details, request ID, then a hint."""
    message = clean(message_of(exc))
    lines = [f"error: {message}"]
    if isinstance(exc, ApiError):
        details = []
        if exc.status is not None:
            details.append(f"HTTP {exc.status}")
        if exc.code is not None:
            details.append(f"SignalWire code {clean(exc.code)}")
        if exc.attempts > 1:
            details.append(f"after {exc.attempts} attempts")
        if details:
            lines.append("  " + ", ".join(details))
        for item in exc.errors:
            if item != message:
                lines.append(f"  - {clean(item)}")
        if exc.more_info:
            lines.append(f"  more info: {clean(exc.more_info)}")
        if exc.request_id:
            lines.append(f"  request id: {clean(exc.request_id)}")
    hint = hint_for(exc, target=target, host=host, stopping=stopping)
    if hint:
        lines.append(f"hint: {hint}")
    return lines


def fail(
    exc: StreamTuiError,
    *,
    target: StopTarget | None = None,
    host: str = "",
    secret: Secret | None = None,
    stopping: bool = True,
) -> int:
    """Print the error; `secret` is masked wherever the server's text echoed it."""
    text = "\n".join(error_lines(exc, target=target, host=host, stopping=stopping))
    if secret is not None and len(secret.reveal()) >= 4:
        text = text.replace(secret.reveal(), secret.masked())
    print(text, file=sys.stderr)
    return exc.exit_code


def json_line(report: StopReport) -> str:
    """`--json`'s line for one stream: the API's object when it was stopped, else what became
    of it (outcome, HTTP status, SignalWire code, message), token masked."""
    if report.outcome is Outcome.STOPPED and report.result is not None:
        return mask(json.dumps(dict(report.result.raw), ensure_ascii=True))
    error = report.error
    details: dict[str, object] = {"message": error.message if error else str(report.outcome)}
    if isinstance(error, ApiError):
        details.update(
            status=error.status,
            code=error.code,
            request_id=error.request_id,
            errors=error.errors,
            more_info=error.more_info,
        )
    body = {
        "stream": report.target.stream.value,
        "conference": report.target.conference,
        "account": report.target.account,
        "outcome": str(report.outcome),
        "error": details,
    }
    return mask(json.dumps(body, ensure_ascii=True))


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)
