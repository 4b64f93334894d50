"""Response values and the SignalWire error shapes.

Routes return a `Response` value instead of writing to the socket, so the HTTP plumbing (request
IDs, Content-Length for keep-alive, dropped connections, delays) lives in one place: the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from streamtui.emulator.faults import Fault

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html"
MORE_INFO = "https://developer.signalwire.com/compatibility-api/reference/error-codes"

# SignalWire (like Twilio) puts a numeric code in error bodies; these are the ones for each status.
DEFAULT_CODES: dict[int, tuple[int, str]] = {
    400: (10000, "The argument passed is invalid."),
    401: (20003, "Authentication failed"),
    403: (20403, "Forbidden"),
    404: (20404, "The requested resource was not found."),
    405: (20004, "Method not allowed"),
    409: (20409, "Conflict"),
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    502: (20502, "Bad Gateway"),
    503: (20503, "Service Unavailable"),
    504: (20504, "Gateway Timeout"),
}

PROXY_502_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

TRUNCATED_JSON = b'{"account_sid": "5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13", "conference_sid": "00'


@dataclass
class Response:
    """What to send. `drop` closes the socket without a response; `delay` waits before sending;
    `retry_after_number` is the number FaultPlan gave the Retry-After in it."""

    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False
    delay: float = 0.0
    retry_after_number: int | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


def encode_json(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def json_response(status: int, obj: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, encode_json(obj), JSON_TYPE, list(headers or []))


def signalwire_error(
    status: int,
    code: int | None = None,
    message: str | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """`{"code", "message", "more_info", "status"}`, the shape of 400/401/404/429/5xx bodies."""
    default_code, default_message = DEFAULT_CODES.get(status, (20000 + status, _phrase(status)))
    body = {
        "code": default_code if code is None else code,
        "message": default_message if message is None else message,
        "more_info": MORE_INFO,
        "status": status,
    }
    extra = list(headers or [])
    if status == 401 and not any(k.lower() == "www-authenticate" for k, _ in extra):
        extra.append(("WWW-Authenticate", 'Basic realm="SignalWire"'))
    return json_response(status, body, extra)


# SignalWire's document gives the streams' operations a 422 of their own shape
# (`CompatibilityErrorStringArrayResponse`); every other operation's 422 is the usual error model.
STRING_ARRAY_422_ROUTES = frozenset({"stop", "create"})


def unprocessable(*messages: str) -> Response:
    """The streams endpoint's 422: `{"errors": ["<message>", ...]}`."""
    return json_response(422, {"errors": list(messages)})


def not_found() -> Response:
    return signalwire_error(404)


def render_fault(fault: Fault, route: str) -> Response | None:
    """The response a fault produces on `route` (stop, create, list, fetch or unknown); None for
    a pure delay (answer normally afterwards)."""
    if fault.kind == "delay":
        return None
    if fault.kind == "drop_connection":
        return Response(0, drop=True)
    if fault.kind == "html_502":
        return Response(502, PROXY_502_PAGE, HTML_TYPE)
    if fault.kind == "malformed_json":
        return Response(fault.http_status, TRUNCATED_JSON, JSON_TYPE)
    if fault.kind == "empty_body":
        return Response(fault.http_status, b"", JSON_TYPE)
    headers: list[tuple[str, str]] = []
    retry_after = fault.retry_after_header()
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    if fault.kind == "rate_limited":
        return signalwire_error(429, headers=headers)
    if fault.http_status == 422 and route in STRING_ARRAY_422_ROUTES:
        return Response(
            422, encode_json({"errors": [fault.message or "Unprocessable"]}), headers=headers
        )
    if fault.http_status < 400:
        return json_response(fault.http_status, {}, headers)
    return signalwire_error(fault.http_status, fault.code, fault.message, headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
