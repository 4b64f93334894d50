"""The demo account: fixed SIDs, realistic conferences and streams, and the awkward cases.

The seed is reproducible (fixed SIDs, dates relative to the store's clock): the TUI's demo mode
and snapshot tests rely on it. `DEMO_TARGETS` and `DEMO_CONFERENCES` are what the TUI's demo
mode saves for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from streamtui.emulator.data import Store
from streamtui.emulator.faults import Fault

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


def _ago(hours: int, minutes: int, seconds: int) -> timedelta:
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


@dataclass(frozen=True)
class _SeedStream:
    """One demo stream; `updated` (time before now) is set apart for stopped streams."""

    sid: str
    name: str
    created: timedelta
    url: str = "wss://media.example.com/stream"
    status: str = "in-progress"
    updated: timedelta | None = None
    fault: Fault | None = None


@dataclass(frozen=True)
class _SeedConference:
    sid: str
    friendly_name: str
    region: str
    created: timedelta
    streams: tuple[_SeedStream, ...]
    status: str = "in-progress"
    updated: timedelta | None = None


_STANDUP_ENDED = _ago(32, 7, 16)

_SEED: tuple[_SeedConference, ...] = (
    _SeedConference(
        DEMO_CONFERENCE_SID,
        "Support bridge — EU",
        "eu-west",
        _ago(7, 1, 49),
        (
            _SeedStream(
                DEMO_STREAM_SID,
                DEMO_STREAM_NAME,
                _ago(6, 59, 58),
                "wss://transcribe.acme.example/v2/feed",
            ),
            _SeedStream(
                DEMO_RECORDING_STREAM_SID,
                "recording-backup",
                _ago(6, 59, 57),
                "wss://vault.acme.example/ingest",
            ),
            _SeedStream(
                DEMO_QUEUED_STREAM_SID,
                "qa-sentiment",
                _ago(6, 47, 20),
                "wss://qa.acme.example/sentiment",
                status="queued",
            ),
            _SeedStream(
                DEMO_HOSTILE_STREAM_SID,
                DEMO_HOSTILE_STREAM_NAME,
                _ago(6, 46, 23),
                "wss://evil.example/exfil",
            ),
        ),
    ),
    _SeedConference(
        DEMO_INCIDENT_CONFERENCE_SID,
        "Incident war room",
        "us-east",
        _ago(5, 18, 51),
        (
            _SeedStream(
                DEMO_CAPTIONS_STREAM_SID,
                "live-captions",
                _ago(5, 18, 30),
                "wss://captions.acme.example/live",
            ),
            _SeedStream(
                DEMO_FLAKY_STREAM_SID,
                DEMO_FLAKY_STREAM_NAME,
                _ago(5, 18, 29),
                "wss://recorder.acme.example/flaky",
                fault=Fault.status(503),
            ),
            _SeedStream(
                DEMO_STOPPED_STREAM_SID,
                DEMO_STOPPED_STREAM_NAME,
                _ago(5, 18, 0),
                "wss://summary.acme.example/ai",
                status="stopped",
                updated=_ago(5, 4, 43),
            ),
        ),
    ),
    _SeedConference(
        DEMO_SALES_CONFERENCE_SID,
        "Sales all-hands",
        "us-west",
        _ago(1, 0, 0),
        (
            # The same name as in Support bridge: names are unique per conference only.
            _SeedStream(
                DEMO_SALES_STREAM_SID,
                DEMO_STREAM_NAME,
                _ago(0, 59, 55),
                "wss://transcribe.acme.example/v2/feed",
            ),
            _SeedStream(
                DEMO_TRANSLATION_STREAM_SID,
                "translation-es",
                _ago(0, 59, 54),
                "wss://translate.acme.example/es",
            ),
        ),
    ),
    _SeedConference(
        DEMO_COMPLETED_CONFERENCE_SID,
        "Weekly standup",
        "us-east",
        _ago(32, 30, 0),
        tuple(
            _SeedStream(
                sid,
                name,
                _ago(32, 29, 50),
                status="stopped",
                updated=_STANDUP_ENDED,
            )
            for sid, name in (
                (DEMO_STANDUP_NOTES_STREAM_SID, "standup-notes"),
                (DEMO_STANDUP_FEED_STREAM_SID, DEMO_STREAM_NAME),
            )
        ),
        status="completed",
        updated=_STANDUP_ENDED,
    ),
)


def seed_demo(store: Store) -> None:
    """Add the demo account and `_SEED` to the store. Dates are relative to the store's clock:
    live conferences began minutes ago, whatever the day; a fixed clock gives fixed dates."""
    now = store.clock()
    store.add_account(DEMO_ACCOUNT_SID, DEMO_API_TOKEN)
    for seeded in _SEED:
        conference = store.add_conference(
            DEMO_ACCOUNT_SID,
            seeded.sid,
            seeded.friendly_name,
            seeded.status,
            seeded.region,
            date_created=now - seeded.created,
        )
        if seeded.updated is not None:
            conference.date_updated = now - seeded.updated
        for item in seeded.streams:
            stream = store.add_stream(
                DEMO_ACCOUNT_SID,
                seeded.sid,
                item.sid,
                item.name,
                item.status,
                url=item.url,
                date_created=now - item.created,
            )
            stream.fault = item.fault
            if item.updated is not None:
                stream.date_updated = now - item.updated
