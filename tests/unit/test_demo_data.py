"""The emulator's demo data looks live: its dates follow the emulator's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamtui.emulator.data import Store
from streamtui.emulator.demo_seed import (
    DEMO_ACCOUNT_SID,
    DEMO_COMPLETED_CONFERENCE_SID,
    DEMO_CONFERENCE_SID,
    seed_demo,
)


def seeded(now: datetime) -> Store:
    store = Store(clock=lambda: now)
    seed_demo(store)
    return store


def test_live_conferences_began_within_the_last_day_of_any_clock() -> None:
    for now in (datetime(2031, 7, 9, 3, 14, 15, tzinfo=UTC), datetime.now(UTC)):
        account = seeded(now).accounts[DEMO_ACCOUNT_SID]
        for conference in account.conferences.values():
            age = now - conference.date_created
            assert timedelta(0) <= age <= timedelta(days=2), (conference.friendly_name, age)
            if conference.status == "in-progress":
                assert age <= timedelta(hours=12), conference.friendly_name


def test_a_fixed_clock_gives_the_same_dates_every_time() -> None:
    now = datetime(2025, 3, 4, 16, 0, tzinfo=UTC)
    first = seeded(now).conference(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID).date_created
    again = seeded(now).conference(DEMO_ACCOUNT_SID, DEMO_CONFERENCE_SID).date_created
    assert first == again == datetime(2025, 3, 4, 8, 58, 11, tzinfo=UTC)
    done = seeded(now).conference(DEMO_ACCOUNT_SID, DEMO_COMPLETED_CONFERENCE_SID)
    assert done.date_updated < now - timedelta(days=1)
