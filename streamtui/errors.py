"""Every error streamtui raises on purpose, in one place.

Each class carries the exit code of the contract (`stop` and `auth`) and the title a user reads
above its message, so neither the CLI nor the TUI keeps a table of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of the contract, defined once for every command."""

    OK = 0
    ERROR = 1  # a failure with no code of its own (a bug, or the emulator could not listen)
    INVALID = 2  # invalid input, usage or missing credentials: nothing sent
    AUTHENTICATION = 3
    NOT_FOUND = 4
    REJECTED = 5
    UNAVAILABLE = 6  # network, timeout, 429 or 5xx after retries, unreadable response
    INTERRUPTED = 130  # ctrl+c, SIGTERM, SIGHUP: the shell's 128 + SIGINT


class StreamTuiError(Exception):
    """Base class: an error the user should see as a message, never as a traceback."""

    title = "Failed"  # what went wrong, in a few words: the TUI's error panel heading
    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(StreamTuiError, ValueError):
    """A value the user gave is not valid; nothing was sent."""

    title = "Invalid input"
    exit_code = ExitCode.INVALID

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class CredentialsError(StreamTuiError):
    """Credentials are missing or cannot be read; nothing was sent."""

    title = "No credentials"
    exit_code = ExitCode.INVALID


class KeyringUnavailable(CredentialsError):
    """No usable OS keyring: the message says what happened and what to do instead."""

    title = "No usable keyring"


class ConfigError(StreamTuiError):
    """The config file cannot be read or written; the file itself is left untouched."""

    title = "Config problem"
    exit_code = ExitCode.INVALID


class ApiError(StreamTuiError):
    """The API answered with an error. Carries everything a support ticket needs."""

    exit_code = ExitCode.REJECTED

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | str | None = None,
        more_info: str | None = None,
        errors: Sequence[str] = (),
        request_id: str | None = None,
        url: str = "",
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.more_info = more_info
        self.errors = list(errors)
        self.request_id = request_id
        self.url = url
        self.attempts = attempts


class AuthenticationError(ApiError):
    """401/403: wrong project ID or token, or a token without the Voice scope."""

    title = "Authentication failed"
    exit_code = ExitCode.AUTHENTICATION


class NotFoundError(ApiError):
    """404: no such account, conference, or stream (by SID or name)."""

    title = "Not found"
    exit_code = ExitCode.NOT_FOUND


class RejectedError(ApiError):
    """400/409/422 (and other 4xx): the API refused the request as it stands; not retried."""

    title = "Rejected by SignalWire"
    exit_code = ExitCode.REJECTED


class RateLimitedError(ApiError):
    """429 after every retry, or a Retry-After longer than the time left."""

    title = "Rate limited"
    exit_code = ExitCode.UNAVAILABLE

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx after every retry."""

    title = "SignalWire server error"
    exit_code = ExitCode.UNAVAILABLE


class UnexpectedResponse(ApiError):
    """An answer streamtui does not act on: a redirect (credentials only go to the space), or
    paging links that lead elsewhere, loop, or go on past the page limit."""

    title = "Unexpected response"
    exit_code = ExitCode.UNAVAILABLE


class UnreadableResponse(UnexpectedResponse):
    """The response could not be read: not JSON, empty, too large, or not the documented shape."""

    title = "Unreadable response"
    exit_code = ExitCode.UNAVAILABLE


class UnconfirmedStop(ApiError):
    """A 2xx whose body does not say the stream asked for is stopped: its state is unknown.

    Carries what the body said (`stream_status`, `stream_sid`, `stream_name`, cleaned and
    clipped), beside the HTTP status, request ID and attempts of every ApiError.
    """

    exit_code = ExitCode.UNAVAILABLE

    def __init__(
        self,
        message: str,
        *,
        stream_status: str | None = None,
        stream_sid: str | None = None,
        stream_name: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.stream_status = stream_status
        self.stream_sid = stream_sid
        self.stream_name = stream_name


class CreatedByEarlierAttempt(RejectedError):
    """Create Conference Stream was retried and the retry was told its Name is taken: the
    first attempt reached SignalWire and created the stream. Success, with no SID to show."""

    exit_code = ExitCode.OK


class NetworkError(StreamTuiError):
    """No answer: DNS, connect, TLS, a dropped connection, or the deadline ran out."""

    title = "Network error"
    exit_code = ExitCode.UNAVAILABLE

    def __init__(
        self, message: str, *, host: str = "", timeout: float | None = None, attempts: int = 1
    ) -> None:
        super().__init__(message)
        self.host = host
        self.timeout = timeout
        self.attempts = attempts


class DeadlineExceeded(NetworkError):
    """The whole operation, all attempts included, took longer than its timeout."""

    title = "Timed out"
