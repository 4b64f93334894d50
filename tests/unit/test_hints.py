"""Unit tests of streamtui.hints: a concrete next step for each kind of failure."""

from __future__ import annotations

import pytest

from streamtui.errors import (
    ApiError,
    AuthenticationError,
    ConfigError,
    CredentialsError,
    DeadlineExceeded,
    InvalidInput,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    StreamTuiError,
    UnreadableResponse,
)
from streamtui.hints import hint_for
from streamtui.target import StopTarget

ACCOUNT = "9d3c5f0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"
CONFERENCE = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
STREAM = "b3877c40-da60-4998-90ad-b792e98472aa"
HOST = "acme.signalwire.com"


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("Authentication failed", status=401, code=20003),
        AuthenticationError("Forbidden", status=403),
        RejectedError("odd", status=400, code=20003),
        RejectedError("odd", status=400, code="20003"),
    ],
)
def test_authentication_hint(error: ApiError) -> None:
    hint = hint_for(error, host=HOST)
    assert "project ID" in hint
    assert "token" in hint
    assert "Voice scope" in hint
    assert "streamtui auth status" in hint


def test_not_found_hint_names_the_stream_name_and_conference() -> None:
    target = StopTarget.parse(ACCOUNT, CONFERENCE, "transcriber feed")
    hint = hint_for(NotFoundError("not found", status=404, code=20404), target=target, host=HOST)
    assert "'transcriber feed'" in hint
    assert "named" in hint
    assert CONFERENCE in hint
    assert ACCOUNT in hint
    assert HOST in hint


def test_not_found_hint_names_the_stream_sid() -> None:
    target = StopTarget.parse(ACCOUNT, CONFERENCE, STREAM.upper())
    hint = hint_for(NotFoundError("not found", status=404), target=target, host=HOST)
    assert f"SID {STREAM}" in hint
    assert CONFERENCE in hint
    assert "three SIDs" in hint


def test_not_found_hint_says_only_what_was_given() -> None:
    by_sid = StopTarget.parse(ACCOUNT, CONFERENCE, STREAM)
    by_name = StopTarget.parse(ACCOUNT, CONFERENCE, "feed")
    for target in (by_sid, by_name):
        hint = hint_for(NotFoundError("x", status=404), target=target, host=HOST)
        assert "SID or name" not in hint


def test_server_error_hint_counts_in_words() -> None:
    one = hint_for(ServerError("x", status=500, attempts=1), host=HOST)
    three = hint_for(ServerError("x", status=500, attempts=3), host=HOST)
    assert "after 1 attempt." in one or "after 1 attempt " in one
    assert "after 3 attempts" in three
    assert "(s)" not in one + three


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("x", status=401),
        NotFoundError("x", status=404),
        ServerError("x", status=500),
        UnreadableResponse("x"),
        DeadlineExceeded("x", host=HOST, timeout=5),
        NetworkError("x", host=HOST),
        RuntimeError("x"),
    ],
)
def test_hints_are_plain_words_without_backticks(error: BaseException) -> None:
    target = StopTarget.parse(ACCOUNT, CONFERENCE, STREAM)
    hint = hint_for(error, target=target, host=HOST)
    assert "`" not in hint
    assert "(s)" not in hint


def test_not_found_hint_without_a_target() -> None:
    hint = hint_for(NotFoundError("nope", status=404), host=HOST)
    assert "SIDs" in hint
    assert HOST in hint
    assert "space" in hint
    assert hint_for(NotFoundError("nope")) == "Check the SIDs and the space."


def test_code_20404_on_another_status_gets_the_not_found_hint() -> None:
    hint = hint_for(RejectedError("x", status=400, code=20404), host=HOST)
    assert "SIDs" in hint


@pytest.mark.parametrize(
    ("retry_after", "wording"),
    [(12.0, "in 12.0 s"), (0.5, "in 500 ms"), (90.0, "in 1 min 30 s"), (None, "in a few seconds")],
)
def test_rate_limited_hint_says_when_to_retry(retry_after: float | None, wording: str) -> None:
    hint = hint_for(RateLimitedError("slow down", status=429, retry_after=retry_after))
    assert "rate limiting" in hint
    assert f"try again {wording}" in hint


def test_code_20429_gets_the_rate_limit_hint() -> None:
    assert "rate limiting" in hint_for(ServerError("x", status=503, code=20429))


def test_state_hint_for_21220() -> None:
    hint = hint_for(RejectedError("bad state", status=400, code=21220))
    assert "already be stopped" in hint


def test_rejected_hint_quotes_what_signalwire_said() -> None:
    error = RejectedError("a; b", status=422, errors=["Status must be stopped", "b"])
    assert hint_for(error).endswith("Status must be stopped; b")
    assert hint_for(RejectedError("only a message", status=400)).endswith("only a message")


def test_server_error_hint_counts_attempts() -> None:
    hint = hint_for(ServerError("boom", status=503, attempts=3, request_id="RQ1"))
    assert "after 3 attempts" in hint
    assert "safe to repeat" in hint
    assert "request ID" in hint


def test_unreadable_hint() -> None:
    hint = hint_for(UnreadableResponse("not json", status=200))
    assert "may or may not have taken effect" in hint


def test_deadline_hint_names_host_and_timeout() -> None:
    hint = hint_for(DeadlineExceeded("late", host=HOST, timeout=30, attempts=2))
    assert HOST in hint
    assert "30.0 s" in hint
    assert "--timeout" in hint


def test_deadline_hint_falls_back_to_the_given_host() -> None:
    hint = hint_for(DeadlineExceeded("late", timeout=5), host="127.0.0.1:8080")
    assert "127.0.0.1:8080" in hint
    assert "5.0 s" in hint


def test_network_hint_names_the_host() -> None:
    hint = hint_for(NetworkError("refused", host=HOST, timeout=30))
    assert HOST in hint
    assert "DNS" in hint
    assert "safe to repeat" in hint
    assert "127.0.0.1" in hint_for(NetworkError("refused"), host="127.0.0.1")


@pytest.mark.parametrize(
    "error",
    [InvalidInput("bad"), CredentialsError("none"), ConfigError("broken"), StreamTuiError("x")],
)
def test_errors_that_speak_for_themselves_have_no_hint(error: StreamTuiError) -> None:
    assert hint_for(error) == ""


def test_unexpected_exception_is_a_bug() -> None:
    assert "bug" in hint_for(RuntimeError("boom"))


def test_non_numeric_code_does_not_break_hints() -> None:
    hint = hint_for(RejectedError("msg", status=422, code="E422"))
    assert hint.endswith("msg")


def test_every_kind_gets_its_own_non_empty_hint() -> None:
    errors: list[BaseException] = [
        AuthenticationError("a", status=401),
        NotFoundError("n", status=404),
        RateLimitedError("r", status=429),
        RejectedError("r", status=422),
        ServerError("s", status=500),
        UnreadableResponse("u"),
        DeadlineExceeded("d", host=HOST, timeout=1),
        NetworkError("n", host=HOST),
    ]
    hints = [hint_for(error) for error in errors]
    assert all(hint.strip() for hint in hints)
    assert len(set(hints)) == len(errors)


@pytest.mark.parametrize(
    ("error", "exit_code"),
    [
        (InvalidInput("x"), 2),
        (CredentialsError("x"), 2),
        (ConfigError("x"), 2),
        (AuthenticationError("x"), 3),
        (NotFoundError("x"), 4),
        (RejectedError("x"), 5),
        (RateLimitedError("x"), 6),
        (ServerError("x"), 6),
        (UnreadableResponse("x"), 6),
        (NetworkError("x"), 6),
        (DeadlineExceeded("x"), 6),
    ],
)
def test_exit_codes_follow_the_contract(error: StreamTuiError, exit_code: int) -> None:
    assert error.exit_code == exit_code
    assert str(error) == "x"


def test_an_unexpected_error_is_said_in_plain_words_and_masked() -> None:
    from streamtui.hints import message_of, unexpected
    from streamtui.secret import Secret

    token = Secret("PThintstoken0123456789")
    said = unexpected(OverflowError(f"date value out of range \x1b[2J{token.reveal()}"))
    assert said == (
        "streamtui hit an unexpected error: date value out of range ****6789; "
        "nothing more was sent."
    )
    assert "OverflowError" not in said
    assert unexpected(RuntimeError()).startswith(
        "streamtui hit an unexpected error: no details were given;"
    )
    assert message_of(NetworkError("offline", host=HOST)) == "offline"
    assert message_of(RuntimeError("x")) == unexpected(RuntimeError("x"))


def test_an_unexpected_error_in_a_stop_says_the_stop_may_have_happened() -> None:
    stopping = hint_for(RuntimeError("x"))
    assert "may or may not have taken effect" in stopping and "bug in streamtui" in stopping
    listing = hint_for(RuntimeError("x"), stopping=False)
    assert "stop" not in listing.lower() and "bug in streamtui" in listing


def test_every_error_kind_has_a_title_of_its_own() -> None:
    """The TUI's error heading comes from the error class, so a new kind cannot be left without."""
    kinds = [InvalidInput, CredentialsError, ConfigError, AuthenticationError, NotFoundError]
    kinds += [RejectedError, RateLimitedError, ServerError, UnreadableResponse, NetworkError]
    kinds += [DeadlineExceeded]
    titles = [kind.title for kind in kinds]
    assert len(set(titles)) == len(titles)
    assert StreamTuiError("x").title == "Failed"
    assert NotFoundError("x").title == "Not found"
    assert all(" " in t or t.isalpha() for t in titles)


def test_counts_read_as_words() -> None:
    from streamtui.formatting import count

    assert count(1, "page") == "1 page"
    assert count(0, "conference") == "0 conferences"
    assert count(3, "in-progress conference") == "3 in-progress conferences"


def test_a_refused_redirect_is_not_called_unreadable() -> None:
    from streamtui.errors import UnexpectedResponse

    hint = hint_for(UnexpectedResponse("HTTP 302: redirected", status=302), host=HOST)
    assert "could not be read" not in hint
    assert "safe to repeat" in hint
