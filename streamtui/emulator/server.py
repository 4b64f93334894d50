"""The emulator's HTTP plumbing: the server, its request handler and the request record.

Standard library only (`ThreadingHTTPServer`), HTTP/1.1 with Content-Length on every response so
clients' keep-alive pools behave as against the real service. Quiet: nothing is ever printed.
The state it serves sits in `instance.Emulator`, which starts and stops this server.
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
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl

from streamtui.emulator.admin import ADMIN_PREFIX, handle_admin
from streamtui.emulator.api import classify, dispatch, is_api_path, parse_basic_auth
from streamtui.emulator.responses import Response, not_found, render_fault, signalwire_error

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

    from streamtui.emulator.instance import Emulator

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


class Server(ThreadingHTTPServer):
    """Serves one `Emulator`; keeps each open connection's `_Arrival` for the Retry-After
    bookkeeping."""

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

    def cut_connections(self) -> None:
        """Shut open keep-alive connections down, so their clients see a dead server."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Server6(Server):
    address_family = socket.AF_INET6


def make_server(host: str, port: int, emulator: Emulator) -> Server:
    """Bound to (host, port), IPv6 when the host is an IPv6 address."""
    server_class = _Server6 if ":" in host else Server
    return server_class((host, port), emulator)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "streamtui-emulator"
    sys_version = ""
    timeout = 60  # idle keep-alive connections give their thread back eventually
    # Headers and body leave in one write, and without Nagle's delay: otherwise every keep-alive
    # response waits ~40 ms for a delayed ACK, which would swamp latency measurements.
    wbufsize = 64 * 1024
    rbufsize = 0  # the raw socket: setup() buffers it behind a _WitnessedReader
    server: Server

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
        match = classify(record.method, record.path) if is_api_path(record.path) else None
        credentials = parse_basic_auth(record.headers.get("authorization"))
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
                    response = dispatch(
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
