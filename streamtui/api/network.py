"""A failed connection or exchange in plain words: the root cause, not the class httpx raised."""

from __future__ import annotations

import errno
import socket
import ssl

import httpx

from streamtui.models import clip
from streamtui.sanitize import clean

_CONNECT_ERRORS = {
    errno.ECONNREFUSED: "connection refused: nothing listens at that address",
    errno.ENETUNREACH: "the network is unreachable",
    errno.EHOSTUNREACH: "no route to the host",
    errno.ECONNRESET: "the connection was reset",
    errno.ETIMEDOUT: "connecting timed out",
}


def _why_not_connected(exc: BaseException) -> str:
    """The root cause in plain words, from the chain httpx and anyio wrap it in."""
    seen: BaseException | None = exc
    for _ in range(10):  # a chain is short; a loop in it must not hang us
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return "the host name could not be found (DNS)"
        if isinstance(seen, OSError) and seen.errno in _CONNECT_ERRORS:
            return _CONNECT_ERRORS[seen.errno]
        if isinstance(seen, ssl.SSLError):
            return f"the TLS handshake failed ({clip(clean(seen.reason or seen), 120)})"
        seen = seen.__cause__ or seen.__context__
    return clip(clean(str(exc)), 200) or "connection refused or host not found"


def describe_transport_error(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({_why_not_connected(exc)})"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return "the connection was dropped before a full answer came back"
    return clip(clean(str(exc)), 200) or type(exc).__name__
