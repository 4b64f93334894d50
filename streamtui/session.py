"""One TUI session's state outside the UI: config, profile, credentials, saved entries, history.

Free of Textual, so it is tested directly and the TUI uses exactly the CLI's building blocks.
A config file that does not parse leaves the session read-only (never overwritten).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from streamtui.config import Config, Entry, Profile, SavedTarget, load_config_for_ui
from streamtui.credentials import (
    ENV_TOKEN,
    Credentials,
    KeyringStore,
    PartialCredentials,
    TokenStore,
    resolve,
    resolve_identity,
)
from streamtui.errors import ConfigError, CredentialsError
from streamtui.secret import Secret
from streamtui.state import StateStore

if TYPE_CHECKING:
    from streamtui.history import HistoryLog
    from streamtui.target import StopTarget

KINDS = ("account", "conference", "stream")


@dataclass
class Session:
    """Everything the TUI needs that is not a widget."""

    config_path: Path
    config: Config
    state: StateStore
    history_path: Path
    profile_name: str | None = None
    profile: Profile | None = None
    base_url: str | None = None
    demo: bool = False
    session_token: Secret | None = None
    session_space: str | None = None  # typed in F8 for this session only: never written
    session_project: str | None = None
    problem: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    store: TokenStore = field(default_factory=KeyringStore)

    @classmethod
    def open(
        cls,
        *,
        config_path: Path,
        profile: str | None = None,
        base_url: str | None = None,
        state_dir: Path,
        env: Mapping[str, str] | None = None,
    ) -> Session:
        config = load_config_for_ui(config_path)
        problem = config.problem
        try:
            name, chosen = config.profile(profile)
        except ConfigError as exc:
            name, chosen, problem = profile, None, exc.message
        state = StateStore(state_dir)
        problem = "; ".join(text for text in (problem, state.check_folder()) if text) or None
        return cls(
            config_path=config_path,
            config=config,
            state=state,
            history_path=state_dir / "history.jsonl",
            profile_name=name,
            profile=chosen,
            base_url=base_url,
            problem=problem,
            env=dict(os.environ if env is None else env),
        )

    _history: HistoryLog | None = field(default=None, init=False, repr=False)

    @property
    def history(self) -> HistoryLog:
        """The audit log, opened on first use (the first paint does not need it)."""
        if self._history is None:
            from streamtui.history import HistoryLog

            self._history = HistoryLog(self.history_path)
        return self._history

    # -- who and where -------------------------------------------------------------------------
    @property
    def production(self) -> bool:
        return bool(self.profile and self.profile.production)

    @property
    def strict_confirmation(self) -> bool:
        return bool(self.profile and self.profile.confirm == "strict")

    def where(self) -> str:
        """The destination without touching the keyring: the space's host; with a base URL, the
        space's name and the host it goes via (`acme · via 127.0.0.1:8080`)."""
        from urllib.parse import urlsplit

        from streamtui.credentials import destination_space

        try:
            base_url: str | None = self.identity().base_url
        except CredentialsError:
            base_url = self.saved_base_url()
        space = self.space_name()
        if base_url is None:
            where = f"{space}.signalwire.com" if space else "no space configured"
        elif destination_space(base_url):
            where = f"{destination_space(base_url)}.signalwire.com"
        else:
            host = urlsplit(base_url).netloc
            if self.demo:  # the DEMO badge already says which space this is
                return f"emulator {host}"
            where = f"{space} · via {host}" if space else host
        return where

    def token_source(self) -> str:
        """Where the token comes from, in a word or two: keyring, environment, this session.
        CredentialsError when there is none; may wait on the keyring (call it from a thread)."""
        source = self.credentials().sources.get("token", "")
        if source.startswith("environment"):
            return "environment"
        if source.startswith("this session"):
            return "this session"
        return "keyring"

    def token_at_hand(self) -> bool:
        """A token that needs no keyring: the environment's, or this session's (F8)."""
        return self.session_token is not None or any(
            self.env.get(name, "").strip() for name in ENV_TOKEN
        )

    def space_name(self) -> str | None:
        """The space the user knows this destination by, even when a base URL overrides it."""
        try:
            return self.identity().space
        except CredentialsError:
            return self.session_space or (self.profile.space if self.profile else None)

    def project_id(self) -> str | None:
        try:
            return self.identity().project_id
        except CredentialsError:
            return None

    def identity(
        self, *, space: str | None = None, project_id: str | None = None
    ) -> PartialCredentials:
        """Space, project ID and base URL by the CLI's order; `space`/`project_id` as typed in F8
        win, as flags do. CredentialsError when incomplete."""
        return resolve_identity(
            space=space or self.session_space,
            project_id=project_id or self.session_project,
            base_url=self._base_url(),
            profile=self.profile,
            profile_name=self.profile_name,
            env=self.env,
        )

    def keyring_username(self, *, space: str | None = None, project_id: str | None = None) -> str:
        """The keyring entry `credentials()` reads: the one F8 stores to and deletes."""
        return self.identity(space=space, project_id=project_id).keyring_username

    def saved_base_url(self) -> str | None:
        """The base URL a profile saved from F8 keeps: the flag's, else the profile's own."""
        return self.base_url or (self.profile.base_url if self.profile else None)

    def _base_url(self) -> str | None:
        """Only the explicit flag: resolve_identity orders it before STREAMTUI_BASE_URL and the
        profile's base URL, as the CLI does."""
        return self.base_url

    def credentials(self) -> Credentials:
        """Resolve credentials; may wait on the keyring (call it from a worker thread)."""
        return resolve(
            space=self.session_space,
            project_id=self.session_project,
            base_url=self._base_url(),
            profile=self.profile,
            profile_name=self.profile_name,
            env=self.env,
            store=self.store,
            session_token=self.session_token,
        )

    # -- saved entries ---------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return self.config.read_only

    def entries(self, kind: str) -> list[Entry]:
        return list(self.config.entries(kind))  # type: ignore[arg-type]

    def recency(self, kind: str) -> dict[str, float]:
        return self.state.recent(kind)

    def label_for(self, kind: str, sid: str, parent: str | None = None) -> str:
        """The saved label; a stream name matches exactly, and only in its conference (`parent`)."""
        entry = self.config.find(kind, sid, parent)  # type: ignore[arg-type]
        return entry.label if entry is not None else ""

    def labelled(self, target: StopTarget) -> StopTarget:
        from streamtui.target import StopTarget

        return StopTarget(
            target.account,
            target.conference,
            target.stream,
            account_label=self.label_for("account", target.account),
            conference_label=self.label_for("conference", target.conference),
            stream_label=self.label_for("stream", target.stream.value, target.conference),
        )

    def save_entry(self, entry: Entry) -> None:
        from streamtui.config import add_entry

        self._refuse_if_read_only()
        self.config = add_entry(self.config_path, entry)

    def save_profile(self, space: str, project_id: str) -> str:
        """Save space and project ID (never a token) as this session's profile, made the default
        when there is none; the profile's name. Locks and fsyncs: call it from a thread."""
        from streamtui.config import save_profile

        self._refuse_if_read_only()
        old = self.profile
        profile = Profile(
            name=self.profile_name or "default",
            space=space,
            project_id=project_id,
            base_url=self.saved_base_url(),
            production=bool(old and old.production),
            confirm=old.confirm if old else None,
        )
        self.config = save_profile(
            self.config_path, profile, make_default=self.config.default_profile is None
        )
        self.profile_name, self.profile = profile.name, profile
        return profile.name

    def save_target(self, target: SavedTarget) -> None:
        from streamtui.config import add_target

        self._refuse_if_read_only()
        self.config = add_target(self.config_path, target)

    def _refuse_if_read_only(self) -> None:
        if self.config.read_only:
            raise ConfigError(
                f"The config file is read-only for this session because it could "
                f"not be read: {self.config.problem}. Fix it by hand, then restart."
            )

    def remember(self, *targets: StopTarget) -> None:
        """Most-recently-used order and the last target, for the pickers and the next start."""
        self.state.remember([(t.account, t.conference, t.stream.value) for t in targets])
