"""A faithful local SignalWire Compatibility-API emulator, for tests, benchmarks and `--demo`.

Standard library only, so it is cheap to import and safe to ship. Typical use::

    with Emulator() as emu:
        client_base_url = emu.base_url        # instead of https://{space}.signalwire.com
        emu.faults.queue(Fault.status(503))   # the next API request fails once
        ...
        assert emu.retry_after_violations == 0

See `admin.py` for the `/__emulator__/` JSON API that drives it from another process.
"""

from streamtui.emulator.data import API_PREFIX, Account, Conference, Stream
from streamtui.emulator.demo_seed import (
    DEMO_ACCOUNT_SID,
    DEMO_API_TOKEN,
    DEMO_CAPTIONS_STREAM_SID,
    DEMO_COMPLETED_CONFERENCE_SID,
    DEMO_CONFERENCE_SID,
    DEMO_CONFERENCES,
    DEMO_FLAKY_STREAM_NAME,
    DEMO_FLAKY_STREAM_SID,
    DEMO_HOSTILE_STREAM_NAME,
    DEMO_HOSTILE_STREAM_SID,
    DEMO_INCIDENT_CONFERENCE_SID,
    DEMO_PROJECT_ID,
    DEMO_QUEUED_STREAM_SID,
    DEMO_RECORDING_STREAM_SID,
    DEMO_SALES_CONFERENCE_SID,
    DEMO_SALES_STREAM_SID,
    DEMO_SPACE,
    DEMO_STANDUP_FEED_STREAM_SID,
    DEMO_STANDUP_NOTES_STREAM_SID,
    DEMO_STOPPED_STREAM_NAME,
    DEMO_STOPPED_STREAM_SID,
    DEMO_STREAM_NAME,
    DEMO_STREAM_SID,
    DEMO_TARGETS,
    DEMO_TRANSLATION_STREAM_SID,
    DemoConference,
    DemoTarget,
)
from streamtui.emulator.fault_plan import FaultPlan
from streamtui.emulator.faults import Fault
from streamtui.emulator.instance import Emulator
from streamtui.emulator.server import RecordedRequest

__all__ = [
    "API_PREFIX",
    "DEMO_ACCOUNT_SID",
    "DEMO_API_TOKEN",
    "DEMO_CAPTIONS_STREAM_SID",
    "DEMO_COMPLETED_CONFERENCE_SID",
    "DEMO_CONFERENCES",
    "DEMO_CONFERENCE_SID",
    "DEMO_FLAKY_STREAM_NAME",
    "DEMO_FLAKY_STREAM_SID",
    "DEMO_HOSTILE_STREAM_NAME",
    "DEMO_HOSTILE_STREAM_SID",
    "DEMO_INCIDENT_CONFERENCE_SID",
    "DEMO_PROJECT_ID",
    "DEMO_QUEUED_STREAM_SID",
    "DEMO_RECORDING_STREAM_SID",
    "DEMO_SALES_CONFERENCE_SID",
    "DEMO_SALES_STREAM_SID",
    "DEMO_SPACE",
    "DEMO_STANDUP_FEED_STREAM_SID",
    "DEMO_STANDUP_NOTES_STREAM_SID",
    "DEMO_STOPPED_STREAM_NAME",
    "DEMO_STOPPED_STREAM_SID",
    "DEMO_STREAM_NAME",
    "DEMO_STREAM_SID",
    "DEMO_TARGETS",
    "DEMO_TRANSLATION_STREAM_SID",
    "Account",
    "Conference",
    "DemoConference",
    "DemoTarget",
    "Emulator",
    "Fault",
    "FaultPlan",
    "RecordedRequest",
    "Stream",
]
