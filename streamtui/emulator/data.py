"""The emulator's data model and its deterministic demo seed.

Plain dataclasses and a `Store` with no locking of its own: the `Emulator` guards every access
with its single lock, so the model stays simple. The seed is reproducible (fixed SIDs, dates
relative to the store's clock): the TUI's demo mode and snapshot tests rely on it.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from streamtui.emulator.faults import Fault

API_PREFIX = "/api/laml/2010-04-01"

STREAM_STATUSES = ("queued", "in-progress", "stopped")
CONFERENCE_STATUSES = ("init", "in-progress", "completed")

# --- Demo credentials: fake, local only. On SignalWire the AccountSid is the project ID. ---
DEMO_SPACE = "demo"
DEMO_PROJECT_ID = "5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13"
DEMO_API_TOKEN = "PTdemo-not-a-secret-0000"  # noqa: S105 - public by design
DEMO_ACCOUNT_SID = DEMO_PROJECT_ID

# --- Demo conferences ---
DEMO_CONFERENCE_SID = "008be2f8-4699-4cb5-88c0-96f383806662"  # "Support bridge — EU"
DEMO_INCIDENT_CONFERENCE_SID = "1f22df8f-4f40-41ba-8d23-9b64cf9fe149"  # "Incident war room"
DEMO_SALES_CONFERENCE_SID = "3be5a188-c962-40fc-aa9a-203d6a5a688c"  # "Sales all-hands"
DEMO_COMPLETED_CONFERENCE_SID = "6c6504ab-c729-4dde-aa8f-360214a21798"  # "Weekly standup"

# --- Demo streams ---
DEMO_STREAM_SID = "991b31d7-3e32-4bfa-b7c1-6a920b4bb04a"  # in-progress, Support bridge
DEMO_STREAM_NAME = "transcriber-feed"
DEMO_RECORDING_STREAM_SID = "9f8d14ac-b3bb-4c03-9257-a579b45f1a36"  # in-progress, Support bridge
DEMO_QUEUED_STREAM_SID = "41f56fb4-122b-4fe9-a8e8-832cc38bbe47"  # queued, Support bridge
DEMO_HOSTILE_STREAM_SID = "c7c3670d-6412-4980-aa1f-f2b8057d3a62"  # Support bridge
# A name that would style text, write the clipboard (OSC 52), colour the terminal and spoof a link
# if a client rendered it as markup or printed it raw: clients must show it inert.
DEMO_HOSTILE_STREAM_NAME = (
    "[bold red]PWNED[/] \x1b]52;c;ZXZpbA==\x07\x1b[31m[link=https://evil.example]x[/link]\r"
)
DEMO_CAPTIONS_STREAM_SID = "9f786252-97d1-4c35-85c5-2dbcddf94c06"  # in-progress, Incident
DEMO_FLAKY_STREAM_SID = "00c108f8-0c45-41af-b697-9a992f885714"  # always 503, Incident
DEMO_FLAKY_STREAM_NAME = "flaky-recorder"
DEMO_STOPPED_STREAM_SID = "87a3649f-5cfb-476f-a56a-9892b1d3492a"  # already stopped, Incident
DEMO_STOPPED_STREAM_NAME = "ai-summary"
DEMO_SALES_STREAM_SID = "8b2cf369-2ef5-420b-924e-ff2122617727"  # in-progress, Sales
DEMO_TRANSLATION_STREAM_SID = "53ec6377-376f-4d11-b618-91f15fbf9e99"  # in-progress, Sales
DEMO_STANDUP_NOTES_STREAM_SID = "39baccfb-2973-4b29-a01d-5be51069f3fe"  # stopped, completed conf
DEMO_STANDUP_FEED_STREAM_SID = "07ba684b-bcf4-48d8-864d-2f1eb802900b"  # stopped, completed conf


class DemoTarget(NamedTuple):
    """A saved stream target for the TUI's demo mode (label is ours, so it is safe text)."""

    label: str
    account: str
    conference: str
    stream: str


class DemoConference(NamedTuple):
    """A saved conference for the TUI's demo mode."""

    label: str
    account: str
    sid: str


DEMO_CONFERENCES: tuple[DemoConference, ...] = (
    DemoConference("Support bridge — EU", DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID),
    DemoConference("Incident war room", DEMO_ACCOUNT_SID, DEMO_INCIDENT_CONFERENCE_SID),
    DemoConference("Sales all-hands", DEMO_ACCOUNT_SID, DEMO_SALES_CONFERENCE_SID),
    DemoConference("Weekly standup (completed)", DEMO_ACCOUNT_SID, DEMO_COMPLETED_CONFERENCE_SID),
)

DEMO_TARGETS: tuple[DemoTarget, ...] = (
    DemoTarget(
        "Transcriber feed — Support bridge", DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID, DEMO_STREAM_SID
    ),
    DemoTarget(
        "Recording backup — Support bridge",
        DEMO_ACCOUNT_SID,
        DEMO_CONFERENCE_SID,
        DEMO_RECORDING_STREAM_SID,
    ),
    DemoTarget(
        "QA sentiment (queued) — Support bridge",
        DEMO_ACCOUNT_SID,
        DEMO_CONFERENCE_SID,
        DEMO_QUEUED_STREAM_SID,
    ),
    DemoTarget(
        "Hostile name (markup + escapes)",
        DEMO_ACCOUNT_SID,
        DEMO_CONFERENCE_SID,
        DEMO_HOSTILE_STREAM_SID,
    ),
    DemoTarget(
        "Live captions — Incident war room",
        DEMO_ACCOUNT_SID,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_CAPTIONS_STREAM_SID,
    ),
    DemoTarget(
        "Flaky recorder (always 503)",
        DEMO_ACCOUNT_SID,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_FLAKY_STREAM_SID,
    ),
    DemoTarget(
        "AI summary (already stopped)",
        DEMO_ACCOUNT_SID,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_STOPPED_STREAM_SID,
    ),
    DemoTarget(
        "Translation ES — Sales all-hands",
        DEMO_ACCOUNT_SID,
        DEMO_SALES_CONFERENCE_SID,
        DEMO_TRANSLATION_STREAM_SID,
    ),
)

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
            sid = new_sid()
            stream = Stream(
                sid=sid,
                account_sid=account_sid,
                conference_sid=conference_sid,
                name=name,
                status=status,
                url="wss://media.example.com/bulk",
                date_created=created,
                date_updated=created,
            )
            conference.streams[sid] = stream
            if name is not None:
                conference.stream_names[name] = sid
            streams.append(stream)
        return streams


def seed_demo(store: Store) -> None:
    """The demo account: realistic conferences and streams, and the awkward cases for clients.

    Fixed SIDs, and dates relative to the store's clock: live conferences began minutes ago,
    whatever the day; a fixed clock (tests, screenshots) gives fixed dates.
    """
    from streamtui.emulator.faults import Fault

    now = store.clock()

    def ago(*, hours: int, minutes: int, seconds: int) -> datetime:
        return now - timedelta(hours=hours, minutes=minutes, seconds=seconds)

    store.add_account(DEMO_ACCOUNT_SID, DEMO_API_TOKEN)
    a = DEMO_ACCOUNT_SID

    store.add_conference(
        a,
        DEMO_CONFERENCE_SID,
        "Support bridge — EU",
        region="eu-west",
        date_created=ago(hours=7, minutes=1, seconds=49),
    )
    store.add_stream(
        a,
        DEMO_CONFERENCE_SID,
        DEMO_STREAM_SID,
        DEMO_STREAM_NAME,
        url="wss://transcribe.acme.example/v2/feed",
        date_created=ago(hours=6, minutes=59, seconds=58),
    )
    store.add_stream(
        a,
        DEMO_CONFERENCE_SID,
        DEMO_RECORDING_STREAM_SID,
        "recording-backup",
        url="wss://vault.acme.example/ingest",
        date_created=ago(hours=6, minutes=59, seconds=57),
    )
    store.add_stream(
        a,
        DEMO_CONFERENCE_SID,
        DEMO_QUEUED_STREAM_SID,
        "qa-sentiment",
        status="queued",
        url="wss://qa.acme.example/sentiment",
        date_created=ago(hours=6, minutes=47, seconds=20),
    )
    store.add_stream(
        a,
        DEMO_CONFERENCE_SID,
        DEMO_HOSTILE_STREAM_SID,
        DEMO_HOSTILE_STREAM_NAME,
        url="wss://evil.example/exfil",
        date_created=ago(hours=6, minutes=46, seconds=23),
    )

    store.add_conference(
        a,
        DEMO_INCIDENT_CONFERENCE_SID,
        "Incident war room",
        region="us-east",
        date_created=ago(hours=5, minutes=18, seconds=51),
    )
    store.add_stream(
        a,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_CAPTIONS_STREAM_SID,
        "live-captions",
        url="wss://captions.acme.example/live",
        date_created=ago(hours=5, minutes=18, seconds=30),
    )
    flaky = store.add_stream(
        a,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_FLAKY_STREAM_SID,
        DEMO_FLAKY_STREAM_NAME,
        url="wss://recorder.acme.example/flaky",
        date_created=ago(hours=5, minutes=18, seconds=29),
    )
    flaky.fault = Fault.status(503)
    store.add_stream(
        a,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_STOPPED_STREAM_SID,
        DEMO_STOPPED_STREAM_NAME,
        status="stopped",
        url="wss://summary.acme.example/ai",
        date_created=ago(hours=5, minutes=18, seconds=0),
    )
    _set_updated(
        store,
        a,
        DEMO_INCIDENT_CONFERENCE_SID,
        DEMO_STOPPED_STREAM_SID,
        ago(hours=5, minutes=4, seconds=43),
    )

    store.add_conference(
        a,
        DEMO_SALES_CONFERENCE_SID,
        "Sales all-hands",
        region="us-west",
        date_created=ago(hours=1, minutes=0, seconds=0),
    )
    store.add_stream(
        a,
        DEMO_SALES_CONFERENCE_SID,
        DEMO_SALES_STREAM_SID,
        DEMO_STREAM_NAME,  # same name as in Support bridge: names are unique per conference only
        url="wss://transcribe.acme.example/v2/feed",
        date_created=ago(hours=0, minutes=59, seconds=55),
    )
    store.add_stream(
        a,
        DEMO_SALES_CONFERENCE_SID,
        DEMO_TRANSLATION_STREAM_SID,
        "translation-es",
        url="wss://translate.acme.example/es",
        date_created=ago(hours=0, minutes=59, seconds=54),
    )

    done = store.add_conference(
        a,
        DEMO_COMPLETED_CONFERENCE_SID,
        "Weekly standup",
        status="completed",
        region="us-east",
        date_created=ago(hours=32, minutes=30, seconds=0),
    )
    done.date_updated = ago(hours=32, minutes=7, seconds=16)
    for sid, name in (
        (DEMO_STANDUP_NOTES_STREAM_SID, "standup-notes"),
        (DEMO_STANDUP_FEED_STREAM_SID, DEMO_STREAM_NAME),
    ):
        store.add_stream(
            a,
            DEMO_COMPLETED_CONFERENCE_SID,
            sid,
            name,
            status="stopped",
            date_created=ago(hours=32, minutes=29, seconds=50),
        )
        _set_updated(
            store, a, DEMO_COMPLETED_CONFERENCE_SID, sid, ago(hours=32, minutes=7, seconds=16)
        )


def _set_updated(
    store: Store, account: str, conference: str, stream: str, moment: datetime
) -> None:
    store.stream(account, conference, stream).date_updated = moment
