"""The SignalWire Compatibility REST API client, free of Textual so `streamtui stop` starts fast.

Every server is treated as possibly hostile: one deadline holds for the whole call whatever the
server does (a byte every half second, in the headers or the body), a body is read only up to
MAX_BODY_BYTES after decompression, paging never leaves the account's own conferences, and a 200
counts as a stop only when its body says that the stream asked for is stopped.

The parts: `client` (SignalWireClient), `plan` (the retry plan), `retry` (policy, rate gate,
Retry-After), `answers` (what a response means), `body` (the capped body), `network` (transport
failures in plain words), `paths` (URLs, and where paging may go).
"""

from streamtui.api.answers import Reply, confirm_stop, error_from_response, request_id_of
from streamtui.api.body import MAX_BODY_BYTES
from streamtui.api.client import (
    DEFAULT_TIMEOUT,
    MAX_PAGE_SIZE,
    MAX_PAGES,
    USER_AGENT,
    SignalWireClient,
)
from streamtui.api.paths import API_PREFIX, conferences_path, create_path, stream_path
from streamtui.api.retry import (
    MAX_RETRY_AFTER,
    RETRYABLE_STATUS,
    RateGate,
    RetryEvent,
    RetryPolicy,
    parse_retry_after,
)

__all__ = [
    "API_PREFIX",
    "DEFAULT_TIMEOUT",
    "MAX_BODY_BYTES",
    "MAX_PAGES",
    "MAX_PAGE_SIZE",
    "MAX_RETRY_AFTER",
    "RETRYABLE_STATUS",
    "USER_AGENT",
    "RateGate",
    "Reply",
    "RetryEvent",
    "RetryPolicy",
    "SignalWireClient",
    "conferences_path",
    "confirm_stop",
    "create_path",
    "error_from_response",
    "parse_retry_after",
    "request_id_of",
    "stream_path",
]
