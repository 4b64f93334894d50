"""The SignalWire Compatibility REST API client: stop a conference stream, create one, list
conferences. Free of Textual so `streamtui stop` starts fast.

The client sends what its retry plan (see `plan`) asks for, each exchange bounded as a whole, and
reads each body within a cap (see `body`). Paging never leaves the account's own conferences (see
`paths`), and a 200 counts as a stop only when its body says so (see `answers`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from streamtui import __version__, redact
from streamtui.api.answers import Reply, confirm_stop, taken_by_first_attempt
from streamtui.api.body import ACCEPTED_ENCODINGS, Answer, reader_for
from streamtui.api.paths import conferences_path, create_path, next_page_path, stream_path
from streamtui.api.plan import Outcome, RetryPlanner, Settle, Wait
from streamtui.api.retry import RateGate, RetryEvent, RetryPolicy, parse_retry_after
from streamtui.clock import SYSTEM_CLOCK, Clock
from streamtui.errors import DeadlineExceeded, RejectedError, UnexpectedResponse, UnreadableResponse
from streamtui.models import Conference, ConferenceStream
from streamtui.stream_definition import StreamDefinition
from streamtui.validation import StreamRef, is_uuid

USER_AGENT = f"streamtui/{__version__}"
DEFAULT_TIMEOUT = 30.0
MAX_PAGE_SIZE = 1000
MAX_PAGES = 100
# Before a request is sent it yields a few event-loop turns (see SignalWireClient._call), so that
# responses already read off the wire are handled first.
SETTLE_TURNS = 4


def _http_options(project_id: str, token: str, base_url: str) -> dict[str, Any]:
    redact.remember_token(token)  # whatever a server echoes of these is masked before it is shown
    redact.remember_basic_auth(project_id, token)
    return {
        "base_url": base_url,
        "auth": httpx.BasicAuth(project_id, token),
        "headers": {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": ACCEPTED_ENCODINGS,
        },
        "follow_redirects": False,
    }


class SignalWireClient:
    """The client of the CLI and the TUI. Use it as an async context manager.

    `clock` is where every deadline, pause and Retry-After date is read (a test's fake clock).
    """

    def __init__(
        self,
        *,
        base_url: str,
        project_id: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        gate: RateGate | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).hostname or self.base_url
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.gate = gate or RateGate(clock)
        self.on_retry = on_retry
        self._http = httpx.AsyncClient(
            transport=transport, **_http_options(project_id, token, self.base_url)
        )

    def __repr__(self) -> str:  # never the token
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    async def __aenter__(self) -> SignalWireClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def stop_stream(
        self,
        account: str,
        conference: str,
        stream: str | StreamRef,
        *,
        timeout: float | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> ConferenceStream:
        """POST `Status=stopped` to the stream (by SID or name); validated SIDs expected.

        Returns the stream only when the answer confirms the stop (UnconfirmedStop otherwise).
        `on_send` is told each time an attempt is handed to the network: from then on the stop
        may take effect, whatever happens to this call.
        """
        reply = await self._call(
            "POST",
            stream_path(account, conference, stream),
            data={"Status": "stopped"},
            timeout=timeout,
            on_send=on_send,
        )
        return confirm_stop(reply, stream)

    async def create_stream(
        self,
        account: str,
        conference: str,
        definition: StreamDefinition,
        *,
        name: str | None = None,
        bearer_token: str | None = None,
        timeout: float | None = None,
        on_send: Callable[[], None] | None = None,
    ) -> ConferenceStream:
        """Create Conference Stream from `definition` (validated SIDs expected).

        Not idempotent: an attempt is retried only when it surely did nothing (a connect error,
        a 429). A retry told that the Name is taken means the first attempt created the stream:
        CreatedByEarlierAttempt says so."""
        try:
            reply = await self._call(
                "POST",
                create_path(account, conference),
                data=definition.form(name, bearer_token),
                timeout=timeout,
                on_send=on_send,
                idempotent=False,
            )
        except RejectedError as exc:
            raise taken_by_first_attempt(exc, name) or exc from None
        result = ConferenceStream.from_json(
            reply.body,
            http_status=reply.status,
            request_id=reply.request_id,
            attempts=reply.attempts,
        )
        if result.sid is None or not is_uuid(result.sid):
            raise UnreadableResponse(
                f"The API answered {reply.status} but gave no SID for the new stream: it may have "
                "been created. List the conference's streams before starting it again.",
                status=reply.status,
                request_id=reply.request_id,
                attempts=reply.attempts,
            )
        return result

    async def conference_pages(
        self,
        account: str,
        *,
        status: str | None = "in-progress",
        friendly_name: str | None = None,
        page_size: int = 50,
        timeout: float | None = None,
    ) -> AsyncIterator[list[Conference]]:
        """Each page of List Conferences as it arrives, following `next_page_uri`: at most
        MAX_PAGES pages, all within one deadline (`timeout`, by default the client's)."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        params: dict[str, str] = {"PageSize": str(page_size)}
        if status:
            params["Status"] = status
        if friendly_name:
            params["FriendlyName"] = friendly_name
        budget = self.timeout if timeout is None else timeout
        deadline = self.clock.monotonic() + budget
        path = conferences_path(account)
        query: dict[str, str] | None = params
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            left = deadline - self.clock.monotonic()
            if left <= 0:
                raise DeadlineExceeded(
                    f"Listing conferences took longer than {budget:g} s.",
                    host=self.host,
                    timeout=budget,
                    attempts=0,
                )
            reply = await self._call("GET", path, params=query, timeout=left)
            rows = reply.body.get("conferences")
            if not isinstance(rows, list):
                raise UnreadableResponse("List Conferences answered without a 'conferences' list.")
            yield [Conference.from_json(row) for row in rows if isinstance(row, Mapping)]
            seen.add(path + repr(query))
            next_path = next_page_path(
                reply.body.get("next_page_uri"), base_url=self.base_url, account=account
            )
            if next_path is None:
                return
            path, query = next_path, None
            if path + repr(query) in seen:
                raise UnexpectedResponse("List Conferences sent a next_page_uri that loops back.")
        raise UnexpectedResponse(
            f"List Conferences has more than {MAX_PAGES} pages; streamtui stops there. "
            "Narrow the list with a filter to see the rest."
        )

    async def list_conferences(self, account: str, **kwargs: Any) -> AsyncIterator[Conference]:
        """Every conference across all pages."""
        async for page in self.conference_pages(account, **kwargs):
            for conference in page:
                yield conference

    async def _call(
        self,
        method: str,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
        on_send: Callable[[], None] | None = None,
        idempotent: bool = True,
    ) -> Reply:
        planner = RetryPlanner(self.host, self.retry, self.gate, self.clock, self.on_retry)
        plan = planner.plan(self.timeout if timeout is None else timeout, idempotent=idempotent)
        outcome: Outcome = None
        while True:
            try:
                step = plan.send(outcome)
            except StopIteration as done:
                reply: Reply = done.value
                return reply
            outcome = None
            if isinstance(step, Wait):
                await self.clock.sleep(step.seconds)
            elif isinstance(step, Settle):
                for _ in range(SETTLE_TURNS):
                    await asyncio.sleep(0)  # a turn of the loop, not a pause
            else:
                if on_send is not None:
                    on_send()
                try:
                    # The transport's own timeouts are per operation (connect, each read): only
                    # wait_for bounds the whole exchange, a server trickling bytes included.
                    outcome = await asyncio.wait_for(
                        self._exchange(method, path, data, params, step.timeout), step.timeout
                    )
                except (TimeoutError, httpx.TransportError) as exc:
                    outcome = exc

    async def _exchange(
        self,
        method: str,
        path: str,
        data: Mapping[str, str] | None,
        params: Mapping[str, str] | None,
        seconds: float,
    ) -> Answer:
        """One request, its body read within the size cap."""
        async with self._http.stream(
            method,
            path,
            data=data,
            params=params,
            timeout=httpx.Timeout(seconds),
            extensions={"trace": self._at_the_wire},
        ) as response:
            reader = reader_for(response)
            if not response.is_stream_consumed:
                async for chunk in response.aiter_raw():
                    if not reader.feed(chunk):
                        break
            return reader.answer(response)

    async def _at_the_wire(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: the gate is checked again just before a request's bytes are
        written, and a 429 closes it as soon as its head is read. The pool and a new connection
        take turns of the event loop after the check in `_call`, in which another request's 429
        may come back; without this, that request would still go out. (The wait is bounded by
        the `wait_for` around the whole exchange.)"""
        if event == "http11.send_request_headers.started":
            for _ in range(SETTLE_TURNS):  # let answers already on the wire be read first
                await asyncio.sleep(0)
            while (held := self.gate.remaining()) > 0:
                await self.clock.sleep(held)
        elif event == "http11.receive_response_headers.complete":
            _, status, _, headers = info["return_value"]
            if status == 429:
                value = next((v for k, v in headers if k.lower() == b"retry-after"), b"")
                pause = parse_retry_after(value.decode("latin-1"), now=self.clock.time())
                if pause is not None:
                    self.gate.hold_for(max(pause, self.retry.min_pause))
