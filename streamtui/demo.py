"""`streamtui --demo`: the real app against the built-in emulator, with no account.

Everything lives in a temporary folder (config, state, history) and the demo token is kept in
memory: the user's keyring and files are never touched. The emulator's demo data includes a
stream that always fails (to see the error panel) and one with a hostile name.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from streamtui.config import (
    Entry,
    Profile,
    SavedTarget,
    add_entry,
    add_target,
    save_profile,
    update_config,
)
from streamtui.emulator import (
    DEMO_API_TOKEN,
    DEMO_CONFERENCES,
    DEMO_PROJECT_ID,
    DEMO_SPACE,
    DEMO_TARGETS,
    Emulator,
)
from streamtui.errors import KeyringUnavailable
from streamtui.secret import Secret
from streamtui.session import Session


class NoKeyring:
    """Stands in for the OS keyring in demo mode: refuses everything, touches nothing."""

    def backend_name(self) -> str:
        return "none (demo mode)"

    def is_insecure(self) -> bool:
        return False

    def get(self, username: str) -> Secret | None:
        raise self._refused()

    def has(self, username: str) -> bool:
        return False

    def set(self, username: str, token: Secret) -> str:
        raise self._refused()

    def delete(self, username: str) -> bool:
        raise self._refused()

    @staticmethod
    def _refused() -> KeyringUnavailable:
        return KeyringUnavailable("Demo mode: the OS keyring is never touched.")


def seed_demo_config(path: Path) -> None:
    """A demo profile, saved accounts, conferences, streams and targets."""
    save_profile(
        path, Profile(name="demo", space=DEMO_SPACE, project_id=DEMO_PROJECT_ID), make_default=True
    )
    add_entry(path, Entry(kind="account", sid=DEMO_PROJECT_ID, label="Demo project"))
    for conference in DEMO_CONFERENCES:
        add_entry(
            path,
            Entry(
                kind="conference",
                sid=conference.sid,
                label=conference.label,
                parent=conference.account,
            ),
        )
    for target in DEMO_TARGETS:
        add_entry(
            path,
            Entry(
                kind="stream",
                sid=target.stream,
                label=target.label.split(" — ")[0],
                parent=target.conference,
            ),
        )
        add_target(
            path, SavedTarget(target.label, target.account, target.conference, target.stream)
        )
    update_config(path, _with_demo_definitions)


def _with_demo_definitions(raw: dict[str, Any]) -> None:
    """Every seeded stream carries a definition, so "stop, then start it again" can be tried
    with no account (the emulator creates the stream anew)."""
    for number, table in enumerate(raw.get("streams", []), 1):
        table.setdefault("url", f"wss://media.demo.invalid/feed-{number}")
        table.setdefault("track", "both_tracks")
        table.setdefault("codec", "PCMU")


@contextmanager
def demo_session(*, latency: float = 0.4) -> Iterator[Session]:
    """A session wired to a fresh emulator in a temporary folder; all removed on exit."""
    with (
        tempfile.TemporaryDirectory(prefix="streamtui-demo.") as tmp,
        Emulator(latency=latency) as emulator,
    ):
        root = Path(tmp)
        config_path = root / "config.toml"
        seed_demo_config(config_path)
        session = Session.open(
            config_path=config_path, state_dir=root / "state", base_url=emulator.base_url, env={}
        )
        session.demo = True
        session.session_token = Secret(DEMO_API_TOKEN)
        session.store = NoKeyring()
        yield session
