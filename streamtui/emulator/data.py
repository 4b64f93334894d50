"""The emulator's data model: accounts, conferences and streams.

Plain dataclasses and a `Store` with no locking of its own: the `Emulator` guards every access
with its single lock, so the model stays simple. The demo data is in `demo_seed.py`.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamtui.emulator.faults import Fault

API_PREFIX = "/api/laml/2010-04-01"

STREAM_STATUSES = ("queued", "in-progress", "stopped")
CONFERENCE_STATUSES = ("init", "in-progress", "completed")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Whole seconds: the wire format (RFC 2822) carries no fractions anyway."""
    return datetime.now(UTC).replace(microsecond=0)


def rfc2822(moment: datetime) -> str:
    """SignalWire's date format, e.g. `Tue, 25 Sep 2018 20:00:00 GMT`."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def new_sid() -> str:
    """SIDs on SignalWire are lowercase UUIDs."""
    return str(uuid.uuid4())


@dataclass(eq=False)
class Stream:
    """A conference media stream; `fault`, when set, is applied to every stop of this stream."""

    sid: str
    account_sid: str
    conference_sid: str
    name: str | None
    status: str
    url: str
    date_created: datetime
    date_updated: datetime
    fault: Fault | None = None

    @property
    def uri(self) -> str:
        return (
            f"{API_PREFIX}/Accounts/{self.account_sid}/Conferences/{self.conference_sid}"
            f"/Streams/{self.sid}.json"
        )

    def to_json(self) -> dict[str, Any]:
        """Exactly the seven fields of SignalWire's `ConferenceStreamResponse` (a sealed schema):
        what both Update and Create Conference Stream answer."""
        return {
            "account_sid": self.account_sid,
            "conference_sid": self.conference_sid,
            "date_updated": rfc2822(self.date_updated),
            "name": self.name,
            "sid": self.sid,
            "status": self.status,
            "uri": self.uri,
        }


@dataclass(eq=False)
class Conference:
    """A conference and its streams (by SID, in creation order; names are unique per conference)."""

    sid: str
    account_sid: str
    friendly_name: str
    status: str
    region: str
    date_created: datetime
    date_updated: datetime
    streams: dict[str, Stream] = field(default_factory=dict)
    stream_names: dict[str, str] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return f"{API_PREFIX}/Accounts/{self.account_sid}/Conferences/{self.sid}.json"

    def find_stream(self, sid_or_name: str) -> Stream | None:
        """SID first, then name: the Create-stream doc says a name can be used to stop a stream."""
        stream = self.streams.get(sid_or_name)
        if stream is None and sid_or_name in self.stream_names:
            stream = self.streams.get(self.stream_names[sid_or_name])
        return stream

    def to_json(self) -> dict[str, Any]:
        base = f"{API_PREFIX}/Accounts/{self.account_sid}/Conferences/{self.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.date_updated),
            "friendly_name": self.friendly_name,
            "region": self.region,
            "sid": self.sid,
            "status": self.status,
            "uri": self.uri,
            "subresource_uris": {
                "participants": f"{base}/Participants.json",
                "recordings": f"{base}/Recordings.json",
            },
        }


@dataclass(eq=False)
class Account:
    """An account is a project with its own credentials; a subaccount is also open to its parent."""

    sid: str
    token: str
    parent: str | None = None
    conferences: dict[str, Conference] = field(default_factory=dict)


class Store:
    """All accounts, conferences and streams. Not thread-safe: callers hold the emulator's lock."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock
        self.accounts: dict[str, Account] = {}
        self._bulk_counter = 0

    # --- lookups -------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> Account | None:
        """Basic auth: username = project ID, password = API token."""
        account = self.accounts.get(username)
        if account is None:
            return None
        if not hmac.compare_digest(account.token.encode(), password.encode()):
            return None
        return account

    def accessible(self, project_id: str, account_sid: str) -> Account | None:
        """The account if the project may use it (its own, or a subaccount of it), else None."""
        account = self.accounts.get(account_sid)
        if account is None:
            return None
        if account.sid == project_id or account.parent == project_id:
            return account
        return None

    def conference(self, account_sid: str, conference_sid: str) -> Conference:
        """Raises KeyError with a readable message when either is unknown."""
        account = self.accounts.get(account_sid)
        if account is None:
            raise KeyError(f"unknown account {account_sid!r}")
        conference = account.conferences.get(conference_sid)
        if conference is None:
            raise KeyError(f"unknown conference {conference_sid!r} in account {account_sid!r}")
        return conference

    def stream(self, account_sid: str, conference_sid: str, sid_or_name: str) -> Stream:
        """Raises KeyError when the account, conference or stream is unknown."""
        stream = self.conference(account_sid, conference_sid).find_stream(sid_or_name)
        if stream is None:
            raise KeyError(f"unknown stream {sid_or_name!r} in conference {conference_sid!r}")
        return stream

    def all_streams(self) -> list[Stream]:
        return [
            stream
            for account in self.accounts.values()
            for conference in account.conferences.values()
            for stream in conference.streams.values()
        ]

    # --- mutations -----------------------------------------------------------------------------
    def add_account(
        self, sid: str, token: str | None = None, *, parent: str | None = None
    ) -> Account:
        """Adds (or returns the existing) account; a new one gets a random fake token if none."""
        existing = self.accounts.get(sid)
        if existing is not None:
            if token is not None:
                existing.token = token
            if parent is not None:
                existing.parent = parent
            return existing
        account = Account(sid=sid, token=token or f"PT{uuid.uuid4().hex}", parent=parent)
        self.accounts[sid] = account
        return account

    def add_conference(
        self,
        account_sid: str,
        sid: str | None = None,
        friendly_name: str | None = None,
        status: str = "in-progress",
        region: str = "us-east",
        *,
        date_created: datetime | None = None,
    ) -> Conference:
        if status not in CONFERENCE_STATUSES:
            raise ValueError(f"conference status must be one of {CONFERENCE_STATUSES}")
        account = self.accounts.get(account_sid)
        if account is None:
            raise KeyError(f"unknown account {account_sid!r}: add_account() it first")
        sid = sid or new_sid()
        if sid in account.conferences:
            raise ValueError(f"conference {sid!r} already exists")
        created = date_created or self.clock()
        conference = Conference(
            sid=sid,
            account_sid=account_sid,
            friendly_name=friendly_name or f"Conference {len(account.conferences) + 1}",
            status=status,
            region=region,
            date_created=created,
            date_updated=created,
        )
        account.conferences[sid] = conference
        return conference

    def add_stream(
        self,
        account_sid: str,
        conference_sid: str,
        sid: str | None = None,
        name: str | None = None,
        status: str = "in-progress",
        *,
        url: str = "wss://media.example.com/stream",
        date_created: datetime | None = None,
    ) -> Stream:
        if status not in STREAM_STATUSES:
            raise ValueError(f"stream status must be one of {STREAM_STATUSES}")
        conference = self.conference(account_sid, conference_sid)
        sid = sid or new_sid()
        if sid in conference.streams:
            raise ValueError(f"stream {sid!r} already exists")
        if name is not None and name in conference.stream_names:
            raise ValueError(f"stream name {name!r} already taken in this conference")
        created = date_created or self.clock()
        stream = Stream(
            sid=sid,
            account_sid=account_sid,
            conference_sid=conference_sid,
            name=name,
            status=status,
            url=url,
            date_created=created,
            date_updated=created,
        )
        conference.streams[sid] = stream
        if name is not None:
            conference.stream_names[name] = sid
        return stream

    def add_streams(
        self,
        account_sid: str,
        conference_sid: str,
        count: int,
        *,
        status: str = "in-progress",
        name_prefix: str | None = "bulk",
    ) -> list[Stream]:
        """Many streams at once (benchmarks), named `{prefix}-{n:05d}` unless the prefix is None."""
        if count < 0:
            raise ValueError("count must be >= 0")
        if status not in STREAM_STATUSES:
            raise ValueError(f"stream status must be one of {STREAM_STATUSES}")
        conference = self.conference(account_sid, conference_sid)
        created = self.clock()
        streams: list[Stream] = []
        for _ in range(count):
            name: str | None = None
            if name_prefix is not None:
                while True:
                    self._bulk_counter += 1
                    name = f"{name_prefix}-{self._bulk_counter:05d}"
                    if name not in conference.stream_names:
                        break
            stream = self.add_stream(
                account_sid,
                conference_sid,
                name=name,
                status=status,
                url="wss://media.example.com/bulk",
                date_created=created,
            )
            streams.append(stream)
        return streams
