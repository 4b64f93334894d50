"""The HTTP plumbing and the `Emulator` object tests, the demo and benchmarks hold.

Standard library only (`ThreadingHTTPServer`), HTTP/1.1 with Content-Length on every response so
clients' keep-alive pools behave as against the real service. Quiet: nothing is ever printed.
"""

from __future__ import annotations

import contextlib
import io
import selectors
import socket
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl

from streamtui.emulator import api
from streamtui.emulator.admin import ADMIN_PREFIX, handle_admin
from streamtui.emulator.data import (
    DEMO_API_TOKEN,
    DEMO_PROJECT_ID,
    DEMO_SPACE,
    Account,
    Clock,
    Conference,
    Store,
    Stream,
    seed_demo,
    utc_now,
)
from streamtui.emulator.faults import FaultPlan
from streamtui.emulator.responses import Response, not_found, render_fault, signalwire_error

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_BODY = 1 << 20  # 1 MiB: plenty for a form post, and bounds a broken client


@dataclass
class RecordedRequest:
    """One API request as the emulator saw it (admin requests are not recorded).

    `path` is the raw, still percent-encoded path without the query; `headers` has lowercased
    keys; `time` is `time.monotonic()` on arrival; `response_status` is None for a dropped
    connection (or while the request is still being answered).
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    form: dict[str, str]
    time: float
    response_status: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
            "form": self.form,
            "time": self.time,
            "response_status": self.response_status,
        }


class _Arrival:
    """How many Retry-After answers were due when the server first had the bytes of a
    connection's next request (None: not yet witnessed). See `FaultPlan.check_arrival`."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: int | None = None


class _WitnessedReader(io.RawIOBase):
    """A connection's reading side that notes, under the emulator's lock, when a request's bytes
    leave the kernel. With `Emulator._retry_after_due`, which looks for bytes still waiting in
    the kernel, every request's arrival is placed before or after each Retry-After answer
    became due, however late a busy handler thread reads it."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, arrival: _Arrival, emu: Emulator):
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._arrival = arrival
        self._emu = emu

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        self._sock.recv(1, socket.MSG_PEEK)  # wait for bytes (or the end) without taking them
        with self._emu._lock:
            if self._arrival.seen is None:
                self._arrival.seen = self._emu.faults.retry_afters_due
            return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _with_bytes_waiting(sockets: list[socket.socket]) -> set[socket.socket]:
    """The sockets that have unread bytes (or their end) in the kernel right now."""
    with selectors.DefaultSelector() as selector:
        registered = 0
        for sock in sockets:
            with contextlib.suppress(ValueError, OSError, KeyError):  # closed meanwhile
                selector.register(sock, selectors.EVENT_READ)
                registered += 1
        if not registered:
            return set()
        return {key.fileobj for key, _ in selector.select(timeout=0)}  # type: ignore[misc]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The standard library's backlog of 5 drops the 6th simultaneous connect (a batch at
    # concurrency 8 or 16); the client's SYN retry then lands ~1 s late and skews timings.
    request_queue_size = 128
    emulator: Emulator

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self.open_sockets: dict[socket.socket, _Arrival] = {}
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def arrivals_waiting(self) -> list[_Arrival]:
        """The connections whose next request is in the kernel, not yet read by its thread."""
        with self.sockets_lock:
            unseen = [(sock, arr) for sock, arr in self.open_sockets.items() if arr.seen is None]
        waiting = _with_bytes_waiting([sock for sock, _ in unseen])
        return [arrival for sock, arrival in unseen if sock in waiting]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up are normal; anything else is kept for tests, never printed."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):  # includes ConnectionError and TimeoutError
            return
        self.emulator._note_error(traceback.format_exc())


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "streamtui-emulator"
    sys_version = ""
    timeout = 60  # idle keep-alive connections give their thread back eventually
    # Headers and body leave in one write, and without Nagle's delay: otherwise every keep-alive
    # response waits ~40 ms for a delayed ACK, which would swamp latency measurements.
    wbufsize = 64 * 1024
    rbufsize = 0  # the raw socket: setup() buffers it behind a _WitnessedReader
    server: _Server

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.arrival = _Arrival()
        raw = cast(io.RawIOBase, self.rfile)  # with rbufsize 0, the socket's raw reader
        witnessed = _WitnessedReader(raw, self.connection, self.arrival, self.server.emulator)
        self.rfile = io.BufferedReader(witnessed)
        with self.server.sockets_lock:
            self.server.open_sockets[self.connection] = self.arrival

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.sockets_lock:
                self.server.open_sockets.pop(self.connection, None)

    def log_message(self, format: str, *args: Any) -> None:
        """Never print request lines: the emulator runs under test runners and next to a TUI."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, unknown method) in the SignalWire shape too."""
        self.close_connection = True
        response = signalwire_error(code, message=message)
        response.headers.append(("Connection", "close"))
        self._send(response)

    # --- request handling ----------------------------------------------------------------------
    def _handle(self) -> None:
        emu = self.server.emulator
        try:
            body = self._read_body()
        except ValueError as exc:
            self.close_connection = True
            self._send(signalwire_error(400, message=str(exc)))
            return
        with emu._lock:
            seen, self.arrival.seen = self.arrival.seen, None
        raw_path, _, query_string = self.path.partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        try:
            if raw_path == ADMIN_PREFIX or raw_path.startswith(ADMIN_PREFIX + "/"):
                response = handle_admin(emu, self.command, raw_path, query, body)
            else:
                response = self._handle_api(raw_path, query, body, seen)
        except Exception:
            emu._note_error(traceback.format_exc())
            response = signalwire_error(500)
        self._send(response)
        if response.retry_after_number is not None:
            emu._retry_after_sent(response.retry_after_number)

    def _handle_api(
        self, raw_path: str, query: dict[str, str], body: bytes, seen: int | None
    ) -> Response:
        emu = self.server.emulator
        headers = self._headers()
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        form: dict[str, str] = {}
        if content_type == "application/x-www-form-urlencoded":
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        record = RecordedRequest(
            self.command, raw_path, query, headers, body, form, time.monotonic()
        )
        emu._begin(record)
        try:
            response = self._answer_api(emu, record, seen)
        finally:
            emu._end()
        return response

    def _answer_api(self, emu: Emulator, record: RecordedRequest, seen: int | None) -> Response:
        match = api.classify(record.method, record.path) if api.is_api_path(record.path) else None
        credentials = api.parse_basic_auth(record.headers.get("authorization"))
        username = credentials[0] if credentials else ""
        if match is not None and match.kind == "stop":
            emu.faults.check_arrival(username, record.path, seen)
        latency = emu.faults.latency
        if latency > 0:
            time.sleep(latency)
        response: Response | None = None
        if match is not None:
            fault = emu.faults.take(match.kind)
            if fault is not None:
                response = render_fault(fault, match.kind)
                if response is None:
                    time.sleep(fault.seconds)
        if response is None:
            if match is None:
                response = not_found()
            else:
                with emu._lock:
                    response = api.dispatch(
                        emu.store, emu.faults, match, credentials, record.query, record.form
                    )
        if response.delay > 0:
            time.sleep(response.delay)
        retry_after = response.header("Retry-After")
        if retry_after is not None:
            response.retry_after_number = emu.faults.note_retry_after(
                username, retry_after, status=response.status, path=record.path
            )
        emu._finish(record, response, match.kind if match else "unknown")
        return response

    def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            lowered = key.lower()
            headers[lowered] = f"{headers[lowered]}, {value}" if lowered in headers else value
        return headers

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            raise ValueError("bad Content-Length") from None
        if length < 0 or length > MAX_BODY:
            raise ValueError("Content-Length out of range")
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).strip()
            try:
                size = int(line.split(b";")[0], 16)
            except ValueError:
                raise ValueError("bad chunk size") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise ValueError("body too large")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send(self, response: Response) -> None:
        if response.drop:
            # Close without a byte: what a crashed upstream or an idle-timeout proxy does.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("x-signalwire-request-id", str(uuid.uuid4()))
        for key, value in response.headers:
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()  # sent now: the grace of a Retry-After in it starts here


class Emulator:
    """A local SignalWire Compatibility-API server with demo data and injectable faults.

    `with Emulator() as emu:` starts it on a free loopback port; `emu.base_url` is what a client
    uses instead of `https://{space}.signalwire.com`. All state sits behind one lock.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        seed_demo: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._lock = threading.RLock()
        self._clock: Clock = clock or utc_now
        self._seed = seed_demo
        self._initial_latency = latency
        self.store = self._new_store()
        self.faults = FaultPlan(self._lock)
        self.faults.set_latency(latency)
        self._requests: list[RecordedRequest] = []
        self._errors: list[str] = []
        self._by_route: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._in_flight = 0
        self._max_in_flight = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def _new_store(self) -> Store:
        store = Store(self._clock)
        if self._seed:
            seed_demo(store)
        return store

    # --- lifecycle -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() first")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> str:
        """Bind and serve in a daemon thread; returns the base URL."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server_class = _Server6 if ":" in self.host else _Server
        server = server_class((self.host, self.port), self)
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"streamtui-emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and cut open keep-alive connections, so clients see a dead server."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with server.sockets_lock:
            sockets = list(server.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- credentials ---------------------------------------------------------------------------
    @property
    def credentials(self) -> tuple[str, str]:
        """(project ID, API token) of the demo account."""
        return DEMO_PROJECT_ID, DEMO_API_TOKEN

    def env(self) -> dict[str, str]:
        """Environment for a streamtui subprocess pointed at this emulator with demo creds."""
        return {
            "STREAMTUI_BASE_URL": self.base_url,
            "SIGNALWIRE_SPACE": DEMO_SPACE,
            "SIGNALWIRE_PROJECT_ID": DEMO_PROJECT_ID,
            "SIGNALWIRE_API_TOKEN": DEMO_API_TOKEN,
        }

    # --- data helpers --------------------------------------------------------------------------
    def add_account(
        self, sid: str, token: str | None = None, *, parent: str | None = None
    ) -> Account:
        """An account (= project) with its own token; `parent` makes it a subaccount."""
        with self._lock:
            return self.store.add_account(sid, token, parent=parent)

    def add_conference(
        self,
        account_sid: str,
        sid: str | None = None,
        friendly_name: str | None = None,
        status: str = "in-progress",
        region: str = "us-east",
    ) -> Conference:
        with self._lock:
            return self.store.add_conference(account_sid, sid, friendly_name, status, region)

    def add_stream(
        self,
        account_sid: str,
        conference_sid: str,
        sid: str | None = None,
        name: str | None = None,
        status: str = "in-progress",
    ) -> Stream:
        with self._lock:
            return self.store.add_stream(account_sid, conference_sid, sid, name, status)

    def add_streams(
        self,
        account_sid: str,
        conference_sid: str,
        n: int,
        *,
        status: str = "in-progress",
        name_prefix: str | None = "bulk",
    ) -> list[Stream]:
        with self._lock:
            return self.store.add_streams(
                account_sid, conference_sid, n, status=status, name_prefix=name_prefix
            )

    def get_conference(self, account_sid: str, conference_sid: str) -> Conference:
        """Raises KeyError if unknown."""
        with self._lock:
            return self.store.conference(account_sid, conference_sid)

    def get_stream(self, account_sid: str, conference_sid: str, sid_or_name: str) -> Stream:
        """Raises KeyError if unknown."""
        with self._lock:
            return self.store.stream(account_sid, conference_sid, sid_or_name)

    # --- request log and stats -----------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot list of the API requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    @property
    def retry_after_violations(self) -> int:
        """Stop requests that came before a Retry-After sent to the same user had elapsed."""
        return self.faults.retry_after_violations

    @property
    def errors(self) -> list[str]:
        """Tracebacks of the emulator's own bugs (answered 500): tests assert there are none."""
        with self._lock:
            return list(self._errors)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            streams = Counter(stream.status for stream in self.store.all_streams())
            return {
                "requests": len(self._requests),
                "by_route": dict(self._by_route),
                "by_status": dict(self._by_status),
                "in_flight": self._in_flight,
                "max_in_flight": self._max_in_flight,
                "retry_after_violations": self.faults.retry_after_violations,
                "crossed_in_flight": self.faults.crossed_in_flight,
                "rate_limited_sent": self.faults.rate_limited_sent,
                "faults_injected": self.faults.injected,
                "faults_pending": len(self.faults.pending),
                "latency": self.faults.latency,
                "streams": {"total": sum(streams.values()), **dict(streams)},
                "errors": len(self._errors),
            }

    def reset(self, *, keep_data: bool = False) -> None:
        """Back to the state of a fresh emulator (data reseeded unless `keep_data`)."""
        with self._lock:
            self.faults.clear()
            self.faults.set_latency(self._initial_latency)
            self._requests.clear()
            self._errors.clear()
            self._by_route.clear()
            self._by_status.clear()
            self._max_in_flight = self._in_flight
            if not keep_data:
                self.store = self._new_store()

    # --- used by the handler -------------------------------------------------------------------
    def _begin(self, record: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(record)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)

    def _end(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _finish(self, record: RecordedRequest, response: Response, route: str) -> None:
        with self._lock:
            record.response_status = None if response.drop else response.status
            self._by_route[route] += 1
            self._by_status["dropped" if response.drop else str(response.status)] += 1

    def _retry_after_sent(self, number: int) -> None:
        """The answer with the n-th Retry-After has just been written: it binds IN_FLIGHT_GRACE
        later."""
        timer = threading.Timer(self.faults.IN_FLIGHT_GRACE, self._retry_after_due, (number,))
        timer.daemon = True
        timer.start()

    def _retry_after_due(self, number: int) -> None:
        """Requests the server already has, read or not, crossed the answer: they are placed
        before it. (A late timer only widens the grace.)"""
        with self._lock:
            server = self._server
            if server is not None:
                for arrival in server.arrivals_waiting():
                    arrival.seen = self.faults.retry_afters_due
            self.faults.make_due(number)

    def _note_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)
