"""Every error streamtui raises on purpose, in one place.

Each class carries the exit code of the contract (`stop` and `auth`), so the CLI maps an error to
its exit code without a table of its own, and the TUI can tell error kinds apart by type.
"""

from __future__ import annotations

from collections.abc import Sequence


class StreamTuiError(Exception):
    """Base class: an error the user should see as a message, never as a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(StreamTuiError, ValueError):
    """A value the user gave is not valid; nothing was sent."""

    exit_code = 2

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class CredentialsError(StreamTuiError):
    """Credentials are missing or cannot be read; nothing was sent."""

    exit_code = 2


class KeyringUnavailable(CredentialsError):
    """No usable OS keyring: the message says what happened and what to do instead."""


class ConfigError(StreamTuiError):
    """The config file cannot be read or written; the file itself is left untouched."""

    exit_code = 2


class ApiError(StreamTuiError):
    """The API answered with an error. Carries everything a support ticket needs."""

    exit_code = 5

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

    exit_code = 3


class NotFoundError(ApiError):
    """404: no such account, conference, or stream (by SID or name)."""

    exit_code = 4


class RejectedError(ApiError):
    """400/409/422 (and other 4xx): the API refused the request as it stands; not retried."""

    exit_code = 5


class RateLimitedError(ApiError):
    """429 after every retry, or a Retry-After longer than the time left."""

    exit_code = 6

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx after every retry."""

    exit_code = 6


class UnreadableResponse(ApiError):
    """The response could not be read: not JSON, empty, too large, or not the documented shape."""

    exit_code = 6


class UnconfirmedStop(ApiError):
    """A 2xx whose body does not say the stream asked for is stopped: its state is unknown.

    Carries what the body said (`stream_status`, `stream_sid`, `stream_name`, cleaned and
    clipped), beside the HTTP status, request ID and attempts of every ApiError.
    """

    exit_code = 6

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

    exit_code = 0


class NetworkError(StreamTuiError):
    """No answer: DNS, connect, TLS, a dropped connection, or the deadline ran out."""

    exit_code = 6

    def __init__(
        self, message: str, *, host: str = "", timeout: float | None = None, attempts: int = 1
    ) -> None:
        super().__init__(message)
        self.host = host
        self.timeout = timeout
        self.attempts = attempts


class DeadlineExceeded(NetworkError):
    """The whole operation, all attempts included, took longer than its timeout."""
