"""A hostile HTTP server on loopback, for tests of what streamtui does when a server attacks it.

Raw sockets, so a test controls every byte and its timing: a body that drips one byte at a time,
one that never ends, a gzip bomb, a header echoing the credentials. Every loop is bounded by the
server's stop event and by a byte/time budget, and it listens only on 127.0.0.1.

    def handler(request: Request, conn: Conn) -> None:
        conn.send(response(200, b'{"sid": "x"}'))

    with HostileServer(handler) as server:
        run streamtui against server.base_url
        server.requests  # what arrived, headers included
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_SECONDS = 120.0  # no connection is served longer than this, whatever the handler does


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Conn:
    """The accepted connection, as the handler sees it: `send` fails quietly once the client left
    or the server is stopping, and `alive` tells a dripping handler when to give up."""

    sock: socket.socket
    stopping: threading.Event
    started: float = field(default_factory=time.monotonic)
    sent: int = 0

    @property
    def alive(self) -> bool:
        return not self.stopping.is_set() and time.monotonic() - self.started < MAX_SECONDS

    def send(self, data: bytes) -> bool:
        if not self.alive:
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        return True


Handler = Callable[[Request, Conn], None]


def response(
    status: int,
    body: bytes = b"",
    *,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> bytes:
    """A whole HTTP/1.1 response with Content-Length, ready for `Conn.send`."""
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


def head(status: int, headers: dict[str, str]) -> bytes:
    """Only the status line and headers: the handler sends the body its own way."""
    lines = [f"HTTP/1.1 {status} X", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1")


def _read_request(sock: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > 1 << 20:
            return None
        data += chunk
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Request(method, target, headers, body)


class HostileServer:
    """Serves each connection in its own thread with `handler`, on 127.0.0.1 only."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> HostileServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(10)
            try:
                request = _read_request(sock)
            except OSError:
                return
            if request is None:
                return
            self.requests.append(request)
            self.handler(request, Conn(sock, self._stopping))


def drip(conn: Conn, data: bytes, *, every: float) -> None:
    """Send `data` one byte at a time, `every` seconds apart, while the connection is alive."""
    for index in range(len(data)):
        if not conn.send(data[index : index + 1]):
            return
        time.sleep(every)
