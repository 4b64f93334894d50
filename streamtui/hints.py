"""A concrete next step for each kind of failure, shared by the CLI and the TUI."""

from __future__ import annotations

from streamtui.errors import (
    ApiError,
    AuthenticationError,
    DeadlineExceeded,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    StreamTuiError,
    UnexpectedResponse,
    UnreadableResponse,
)
from streamtui.formatting import count, duration
from streamtui.sanitize import clean
from streamtui.target import StopTarget


def _code(error: ApiError) -> int | None:
    try:
        return int(error.code) if error.code is not None else None
    except (TypeError, ValueError):
        return None


def hint_for(
    error: BaseException, *, target: StopTarget | None = None, host: str = "", stopping: bool = True
) -> str:
    """One or two sentences telling the user what to check or do next.

    `stopping=False` for other requests (the credential check of `auth login`, listing
    conferences): the advice about repeating a stop does not apply to them.
    """
    refused = _refusal_hint(error, target, host)
    return refused if refused is not None else _unknown_state_hint(error, host, stopping)


def _refusal_hint(error: BaseException, target: StopTarget | None, host: str) -> str | None:
    """What to fix when SignalWire refused the request (by class or by error code); None when
    it did not."""
    if isinstance(error, AuthenticationError) or (
        isinstance(error, ApiError) and _code(error) == 20003
    ):
        return (
            "Check the project ID and API token (run 'streamtui auth status'), and that the token "
            "has the Voice scope in your SignalWire space."
        )
    if isinstance(error, NotFoundError) or (isinstance(error, ApiError) and _code(error) == 20404):
        return _not_found_hint(target, host)
    if isinstance(error, RateLimitedError) or (
        isinstance(error, ApiError) and _code(error) == 20429
    ):
        wait = getattr(error, "retry_after", None)
        when = f"in {duration(wait)}" if wait else "in a few seconds"
        return f"SignalWire is rate limiting this project: try again {when}."
    if isinstance(error, ApiError) and _code(error) == 21220:
        return (
            "The stream is in a state that does not allow this: it may already be stopped, "
            "or not started yet."
        )
    if isinstance(error, RejectedError):
        said = "; ".join(error.errors) or error.message
        return f"SignalWire refused the request as it stands: {said}"
    return None


def _not_found_hint(target: StopTarget | None, host: str) -> str:
    if target is None:
        return f"Check the SIDs and the space{f' ({host})' if host else ''}."
    stream = (
        f"no stream named {target.stream.value!r}"
        if target.stream.is_name
        else f"no stream with SID {target.stream.value}"
    )
    return (
        f"Either there is {stream} on conference {target.conference}, or "
        f"that conference is not in account {target.account}, or the account is not in "
        f"space {host or 'this space'}. Check all three SIDs and the space."
    )


def _unknown_state_hint(error: BaseException, host: str, stopping: bool) -> str:
    """What to do when the request's effect is unknown: no proper answer, or none at all."""
    if not stopping and isinstance(error, ServerError | UnexpectedResponse):
        return "SignalWire could not answer properly: try again shortly."
    if isinstance(error, ServerError):
        return (
            f"SignalWire had a server error after {count(error.attempts, 'attempt')}. Stopping is "
            "safe to repeat: try again shortly, and quote the request ID to support if it "
            "persists."
        )
    if isinstance(error, UnexpectedResponse):
        said = "could not be read" if isinstance(error, UnreadableResponse) else "was unexpected"
        return (
            f"The answer {said}, so the stop may or may not have taken effect. "
            "Stopping is safe to repeat: run it again to see the stream's status."
        )
    if isinstance(error, DeadlineExceeded):
        return (
            f"Nothing answered from {error.host or host} within {duration(error.timeout or 0)}"
            " (all attempts). Check your network, VPN or proxy, or allow more time with "
            "--timeout."
        )
    if isinstance(error, NetworkError):
        return (
            f"Check that {error.host or host} is reachable from here (DNS, VPN, proxy, "
            f"firewall){'; stopping is safe to repeat' if stopping else ''}."
        )
    if isinstance(error, StreamTuiError):
        return ""
    if stopping:
        return (
            "The stop may or may not have taken effect: stopping is safe to repeat, so run it "
            "again to see the stream's status. This is a bug in streamtui; please report it with "
            "the message above."
        )
    return "This is a bug in streamtui; please report it with the message above."


def unexpected(error: BaseException) -> str:
    """What to say about a failure no handler expected (a bug, or data nothing foresaw): in plain
    words, without the Python class name, and saying that nothing more went out after it."""
    detail = clean(str(error)).strip() or "no details were given"
    return f"streamtui hit an unexpected error: {detail}; nothing more was sent."


def message_of(error: BaseException) -> str:
    """The one line a user reads about `error`, whichever kind it is."""
    return error.message if isinstance(error, StreamTuiError) else unexpected(error)
