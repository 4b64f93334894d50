"""The `Emulator` object tests, the demo and benchmarks hold: its lifecycle, data helpers,
request log and stats. All its state sits behind one lock; `server.py` answers the requests."""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType
from typing import Any

from streamtui.emulator.data import Account, Clock, Conference, Store, Stream, utc_now
from streamtui.emulator.demo_seed import DEMO_API_TOKEN, DEMO_PROJECT_ID, DEMO_SPACE, seed_demo
from streamtui.emulator.fault_plan import FaultPlan
from streamtui.emulator.responses import Response
from streamtui.emulator.server import RecordedRequest, Server, make_server


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
        self._server: Server | None = None
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
        server = make_server(self.host, self.port, self)
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
        server.cut_connections()
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
