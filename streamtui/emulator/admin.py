"""The admin JSON API under `/__emulator__/`, for tests and benchmarks in another process.

Exists only on the emulator (never on SignalWire), needs no auth (it listens on loopback only), is
never delayed or faulted, and its requests are not recorded. Endpoints:

- `GET  /__emulator__/` and `/__emulator__/health`: index / liveness.
- `GET  /__emulator__/stats`: request counts by route and status, in-flight peak,
  `retry_after_violations`, `rate_limited_sent`, `faults_injected`, stream counts by status.
- `GET  /__emulator__/requests` (`?limit=N` for the last N), `DELETE` to clear.
- `GET  /__emulator__/faults`; `DELETE` clears; `POST` with JSON (every key optional, all validated
  before anything is applied):
  `{"clear": true, "queue": [{"kind": "status", "status": 503}, {"kind": "rate_limited",
  "retry_after": "1"}, {"kind": "html_502"}, {"kind": "malformed_json"}, {"kind": "empty_body"},
  {"kind": "drop_connection"}, {"kind": "delay", "seconds": 0.5}], "latency": 0.1,
  "rate_limit_every": 5, "rate_limit_retry_after": "1", "stream_faults": [{"account": A,
  "conference": C, "stream": SID_OR_NAME, "fault": {...} or null}]}`. A fault may carry
  `"route": "stop"` (or create, list, fetch; default any).
- `GET  /__emulator__/streams?account=A&conference=C`: the streams (all when no filter).
- `POST /__emulator__/streams` `{"account": A, "conference": C, "count": N, "status":
  "in-progress", "name_prefix": "bulk"}`: bulk-creates streams (the account and conference are
  created when unknown; account defaults to the demo account, conference to a new one) and returns
  `{"account", "conference", "count", "sids", "names"}` (plus `token` for a new account).
- `POST /__emulator__/reset` `{"keep_data": false}`: as freshly started.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from streamtui.emulator.data import STREAM_STATUSES, Stream, rfc2822
from streamtui.emulator.demo_seed import DEMO_ACCOUNT_SID
from streamtui.emulator.faults import Fault
from streamtui.emulator.responses import Response, json_response

if TYPE_CHECKING:
    from streamtui.emulator.instance import Emulator

ADMIN_PREFIX = "/__emulator__"
MAX_BULK = 100_000

ENDPOINTS = [
    "GET /__emulator__/health",
    "GET /__emulator__/stats",
    "GET /__emulator__/requests",
    "DELETE /__emulator__/requests",
    "GET /__emulator__/faults",
    "POST /__emulator__/faults",
    "DELETE /__emulator__/faults",
    "GET /__emulator__/streams",
    "POST /__emulator__/streams",
    "POST /__emulator__/reset",
]


class AdminError(ValueError):
    """A bad admin request: answered 400 with `{"error": message}`."""


def handle_admin(
    emu: Emulator, method: str, raw_path: str, query: dict[str, str], body: bytes
) -> Response:
    endpoint = raw_path[len(ADMIN_PREFIX) :].strip("/")
    try:
        payload = _json_body(body) if method in ("POST", "PUT", "PATCH") else {}
        key = (method, endpoint)
        if key in (("GET", ""), ("GET", "health")):
            return json_response(200, {"ok": True, "endpoints": ENDPOINTS})
        if key == ("GET", "stats"):
            return json_response(200, emu.stats())
        if key == ("GET", "requests"):
            return _requests(emu, query)
        if key == ("DELETE", "requests"):
            emu.clear_requests()
            return json_response(200, {"ok": True})
        if key == ("GET", "faults"):
            return json_response(200, emu.faults.to_json())
        if key == ("POST", "faults"):
            return _set_faults(emu, payload)
        if key == ("DELETE", "faults"):
            emu.faults.clear()
            return json_response(200, emu.faults.to_json())
        if key == ("GET", "streams"):
            return _list_streams(emu, query)
        if key == ("POST", "streams"):
            return _add_streams(emu, payload)
        if key == ("POST", "reset"):
            emu.reset(keep_data=bool(payload.get("keep_data", False)))
            return json_response(200, {"ok": True})
    except AdminError as exc:
        return json_response(400, {"error": str(exc)})
    return json_response(
        404, {"error": f"no admin endpoint {method} {raw_path}", "endpoints": ENDPOINTS}
    )


def _json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AdminError(f"body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise AdminError("body must be a JSON object")
    return payload


def _requests(emu: Emulator, query: dict[str, str]) -> Response:
    records = emu.requests
    limit = query.get("limit")
    if limit is not None:
        if not limit.isdigit():
            raise AdminError("limit must be an integer >= 0")
        records = records[len(records) - int(limit) :] if int(limit) else []
    return json_response(200, {"requests": [record.to_json() for record in records]})


def _set_faults(emu: Emulator, payload: dict[str, Any]) -> Response:
    queue_spec = payload.get("queue", [])
    if not isinstance(queue_spec, list):
        raise AdminError("queue must be a list of faults")
    try:
        queue = [Fault.from_json(item) for item in queue_spec]
        latency = None if payload.get("latency") is None else float(payload["latency"])
        every = payload.get("rate_limit_every")
        every_n = None if every is None else int(every)
        retry_after = payload.get("rate_limit_retry_after", 1)
        stream_faults = [_stream_fault(emu, item) for item in payload.get("stream_faults", [])]
    except (TypeError, ValueError, KeyError) as exc:
        raise AdminError(str(exc)) from None
    if latency is not None and latency < 0:
        raise AdminError("latency must be >= 0")
    if every_n is not None and every_n < 0:
        raise AdminError("rate_limit_every must be >= 0")
    with emu._lock:
        if payload.get("clear"):
            emu.faults.clear()
        if latency is not None:
            emu.faults.set_latency(latency)
        if every_n is not None:
            emu.faults.rate_limit_every(every_n, retry_after)
        emu.faults.queue(*queue)
        for stream, fault in stream_faults:
            stream.fault = fault
        return json_response(200, emu.faults.to_json())


def _stream_fault(emu: Emulator, item: Any) -> tuple[Stream, Fault | None]:
    if not isinstance(item, dict):
        raise ValueError("each stream_faults entry must be an object")
    stream = emu.get_stream(
        str(item.get("account", DEMO_ACCOUNT_SID)), str(item["conference"]), str(item["stream"])
    )
    spec = item.get("fault")
    return stream, None if spec is None else Fault.from_json(spec)


def _stream_json(stream: Stream) -> dict[str, Any]:
    out = stream.to_json()
    out["date_created"] = rfc2822(stream.date_created)
    out["url"] = stream.url
    out["fault"] = None if stream.fault is None else stream.fault.to_json()
    return out


def _list_streams(emu: Emulator, query: dict[str, str]) -> Response:
    account = query.get("account")
    conference = query.get("conference")
    with emu._lock:
        streams = [
            _stream_json(stream)
            for stream in emu.store.all_streams()
            if (account is None or stream.account_sid == account)
            and (conference is None or stream.conference_sid == conference)
        ]
    return json_response(200, {"streams": streams})


def _add_streams(emu: Emulator, payload: dict[str, Any]) -> Response:
    account_sid = str(payload.get("account") or DEMO_ACCOUNT_SID)
    conference_sid = payload.get("conference")
    status = str(payload.get("status", "in-progress"))
    prefix = payload.get("name_prefix", "bulk")
    try:
        count = int(payload.get("count", 1))
    except (TypeError, ValueError):
        raise AdminError("count must be an integer") from None
    if not 0 <= count <= MAX_BULK:
        raise AdminError(f"count must be between 0 and {MAX_BULK}")
    if status not in STREAM_STATUSES:
        raise AdminError(f"status must be one of {', '.join(STREAM_STATUSES)}")
    if prefix is not None and not isinstance(prefix, str):
        raise AdminError("name_prefix must be a string or null")
    out: dict[str, Any] = {}
    with emu._lock:
        store = emu.store
        if account_sid not in store.accounts:
            token = payload.get("token")
            new_account = store.add_account(account_sid, None if token is None else str(token))
            out["token"] = new_account.token
        account = store.accounts[account_sid]
        if conference_sid is None or str(conference_sid) not in account.conferences:
            conference = store.add_conference(
                account_sid,
                None if conference_sid is None else str(conference_sid),
                str(payload.get("friendly_name") or "Bulk conference"),
            )
        else:
            conference = account.conferences[str(conference_sid)]
        streams = store.add_streams(
            account_sid, conference.sid, count, status=status, name_prefix=prefix
        )
    out.update(
        {
            "account": account_sid,
            "conference": conference.sid,
            "count": len(streams),
            "sids": [stream.sid for stream in streams],
            "names": [stream.name for stream in streams],
        }
    )
    return json_response(201, out)
