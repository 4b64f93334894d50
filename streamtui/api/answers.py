"""What an answer means: a 2xx's JSON object, a confirmed stop, or the right error for the rest.

The API sends errors in three shapes, and proxies answer with HTML or nothing; every shape becomes
one ApiError whose text is cleaned, on one line and clipped before anyone shows or records it. A
200 counts as a stop only when its body says that the stream asked for is stopped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from streamtui.api.body import Answer
from streamtui.api.retry import parse_retry_after
from streamtui.errors import (
    ApiError,
    AuthenticationError,
    CreatedByEarlierAttempt,
    NotFoundError,
    RateLimitedError,
    RejectedError,
    ServerError,
    UnconfirmedStop,
    UnexpectedResponse,
    UnreadableResponse,
)
from streamtui.models import ConferenceStream, capped_json, clip
from streamtui.sanitize import clean
from streamtui.validation import StreamRef, is_uuid

MAX_ERROR_ITEMS = 20


def _header(response: httpx.Response, name: str) -> str:
    return clip(clean(response.headers.get(name, "")))


def request_id_of(response: httpx.Response) -> str | None:
    value = response.headers.get("x-signalwire-request-id") or response.headers.get("x-request-id")
    return clip(clean(value)) if value else None


def _one_line(text: str) -> str:
    """Server text on one line: line breaks become spaces before control characters go."""
    return " ".join(clean(" ".join(text.split())).split())


def _server_text(value: object) -> str:
    """A server's string as shown and recorded: cleaned, on one line, clipped."""
    return clip(_one_line(value if isinstance(value, str) else json.dumps(capped_json(value))))


def _html_title(text: str) -> str | None:
    lower = text.lower()
    start = lower.find("<title>")
    end = lower.find("</title>", start)
    if start == -1 or end == -1:
        return None
    return clip(_one_line(text[start + 7 : end]), 200) or None


def _parse_json(content: bytes) -> Any:
    """The JSON in `content`, or None when it is not JSON (too deep included)."""
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _code_of(value: object) -> int | str | None:
    """A SignalWire error code as sent (a number or a string), or None."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return clip(clean(value), 100) if isinstance(value, str) else value


def _error_fields(body: object) -> tuple[int | str | None, str, str | None, list[str]]:
    """(code, message, more_info, errors) from any of the API's three error shapes."""
    message = ""
    more_info: str | None = None
    errors: list[str] = []
    if not isinstance(body, Mapping):
        return None, message, more_info, errors
    code = _code_of(body.get("code"))
    if isinstance(body.get("message"), str):
        message = _server_text(body["message"]).strip()
    if isinstance(body.get("more_info"), str):
        more_info = _server_text(body["more_info"])
    raw_errors = body.get("errors")
    items: list[Any] = raw_errors if isinstance(raw_errors, list) else []
    for item in items:
        if len(errors) >= MAX_ERROR_ITEMS:
            errors.append(f"… and {len(items) - MAX_ERROR_ITEMS} more")
            break
        if isinstance(item, Mapping):
            text = _server_text(item.get("message") or item.get("detail") or item).strip()
            code = _code_of(item.get("code")) if code is None else code
            if more_info is None and isinstance(item.get("more_info"), str):
                more_info = _server_text(item["more_info"])
        else:
            text = _server_text(item).strip() if item is not None else ""
        if text:
            errors.append(text)
    if not message and errors:
        message = clip("; ".join(errors))
    return code, message, more_info, errors


def _message_without_json(response: httpx.Response, content: bytes) -> str:
    """What to say about an error whose body is not the API's JSON."""
    status, reason = response.status_code, clip(clean(response.reason_phrase or ""), 100)
    text = content.decode("utf-8", "replace")
    if not text.strip():
        return f"HTTP {status} {reason} with an empty body."
    if "html" in response.headers.get("content-type", "").lower() or text.lstrip().startswith("<"):
        title = _html_title(text)
        return (
            f"HTTP {status} {reason}: the answer was an HTML page"
            f"{f' ({title!r})' if title else ''}, not the API's JSON; a proxy or load "
            "balancer between you and SignalWire answered."
        )
    return f"HTTP {status} {reason}: {_one_line(text[:1000])[:160]}"


def error_from_response(
    response: httpx.Response,
    *,
    attempts: int = 1,
    body: bytes | None = None,
    now: float | None = None,
) -> ApiError:
    """Turn an error response into the right ApiError, whatever shape its body has.

    Shapes: `{"code", "message", "more_info", "status"}`; `{"errors": ["..."]}`;
    `{"errors": [{"code", "message", "more_info"}]}`; and bodies that are not JSON at all.
    `body` is the content as read (within the size cap); by default, the response's own. `now`
    (seconds since the epoch) is what a Retry-After date is counted from.
    """
    content = response.content if body is None else body
    code, message, more_info, errors = _error_fields(_parse_json(content) if content else None)
    status = response.status_code
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "more_info": more_info,
        "errors": errors,
        "request_id": request_id_of(response),
        "url": str(response.request.url) if response.request else "",
        "attempts": attempts,
    }
    message = message or _message_without_json(response, content)
    if status in (401, 403):
        return AuthenticationError(message, **kwargs)
    if status == 404:
        return NotFoundError(message, **kwargs)
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
        return RateLimitedError(message, retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    if 300 <= status < 400:
        location = _header(response, "location")
        return UnexpectedResponse(
            f"HTTP {status}: the API redirected to {location or 'another address'}, which "
            "streamtui does not follow (credentials only go to your space).",
            **kwargs,
        )
    return RejectedError(message, **kwargs)


class Reply:
    """A 2xx answer: its JSON object, and what the history records of it."""

    def __init__(self, answer: Answer, body: Mapping[str, Any], attempts: int) -> None:
        self.body = body
        self.status = answer.response.status_code
        self.request_id = request_id_of(answer.response)
        self.url = str(answer.response.request.url)
        self.attempts = attempts


def reply_of(answer: Answer, *, attempts: int) -> Reply:
    """The body of a 2xx answer as a JSON object, or UnreadableResponse."""
    response = answer.response
    common: dict[str, Any] = {
        "status": response.status_code,
        "request_id": request_id_of(response),
        "url": str(response.request.url),
        "attempts": attempts,
    }
    status = response.status_code
    if answer.problem is not None:
        raise UnreadableResponse(f"HTTP {status}: the API's answer {answer.problem}.", **common)
    if not answer.body.strip():
        raise UnreadableResponse(f"HTTP {status}: the API answered with an empty body.", **common)
    body = _parse_json(answer.body)
    if body is None:
        raise UnreadableResponse(f"HTTP {status}: the API's answer is not valid JSON.", **common)
    if not isinstance(body, Mapping):
        raise UnreadableResponse(
            f"HTTP {status}: the API's answer is JSON but not an object.", **common
        )
    return Reply(answer, body, attempts)


def _said(text: str, limit: int = 80) -> str:
    """A value from the body as quoted back in a message: cleaned, one line, short."""
    return clip(_one_line(text), limit)


def _unconfirmed(result: ConferenceStream, stream: str | StreamRef) -> list[str]:
    """What keeps the answer from confirming that `stream` is stopped; empty when it does."""
    asked = str(stream)
    by_name = stream.is_name if isinstance(stream, StreamRef) else not is_uuid(asked)
    problems: list[str] = []
    status = (result.status or "").strip()
    if not status:
        problems.append("does not say the stream is stopped")
    elif status.lower() != "stopped":
        problems.append(f"says the stream is {_said(status)}")
    if by_name:
        if result.name is None:
            problems.append(f"does not name the stream (asked for '{_said(asked)}')")
        elif result.name != asked:
            problems.append(f"names another stream ('{_said(result.name)}', not '{_said(asked)}')")
    elif result.sid is None:
        problems.append(f"does not give the stream's SID (asked for {asked})")
    elif not (is_uuid(result.sid) and result.sid.lower() == asked.lower()):
        problems.append(f"names another stream (SID {_said(result.sid)}, not {asked})")
    return problems


def confirm_stop(reply: Reply, stream: str | StreamRef) -> ConferenceStream:
    """The stopped stream, when the answer says that `stream` is stopped; else UnconfirmedStop.

    By SID the body's `sid` must be that UUID (in any case); by name its `name` must be the name.
    """
    result = ConferenceStream.from_json(
        reply.body, http_status=reply.status, request_id=reply.request_id, attempts=reply.attempts
    )
    problems = _unconfirmed(result, stream)
    if not problems:
        return result
    raise UnconfirmedStop(
        f"The API answered {reply.status} but {' and '.join(problems)}: the stop is not "
        "confirmed. Stopping is safe to repeat: run it again to see the stream's status.",
        status=reply.status,
        request_id=reply.request_id,
        url=reply.url,
        attempts=reply.attempts,
        stream_status=_said(result.status) if result.status is not None else None,
        stream_sid=_said(result.sid) if result.sid is not None else None,
        stream_name=_said(result.name, 300) if result.name is not None else None,
    )


def taken_by_first_attempt(
    error: RejectedError, name: str | None
) -> CreatedByEarlierAttempt | None:
    """A retried create refused because its Name is taken: the first attempt created it."""
    said = " ".join([error.message, *error.errors]).lower()
    if error.status != 422 or error.attempts < 2 or not name or "already been taken" not in said:
        return None
    return CreatedByEarlierAttempt(
        f"The stream '{_said(name)}' was created by the first attempt: its answer was lost, and "
        "the retry was refused because that name is now taken (by the new stream). Nothing more "
        "to do; its SID was not returned.",
        status=error.status,
        code=error.code,
        errors=error.errors,
        request_id=error.request_id,
        url=error.url,
        attempts=error.attempts,
    )
