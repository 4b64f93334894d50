"""The config as streamtui holds it: profiles, labelled SIDs (entries) and saved targets.

Also the vocabulary of the file: the kinds of SID, their sections and parents, and how a SID of
each kind is validated and compared (validated first, so case and quotes do not matter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from streamtui.errors import ConfigError, InvalidInput
from streamtui.stream_definition import StreamDefinition
from streamtui.validation import (
    is_uuid,
    validate_account_sid,
    validate_conference_sid,
    validate_stream,
)

Kind = Literal["account", "conference", "stream"]
Confirm = Literal["simple", "strict"]
KINDS: tuple[Kind, ...] = ("account", "conference", "stream")
SECTIONS: dict[Kind, str] = {
    "account": "accounts",
    "conference": "conferences",
    "stream": "streams",
}
PARENT_KEYS: dict[Kind, str | None] = {
    "account": None,
    "conference": "account",
    "stream": "conference",
}
VALIDATORS: dict[Kind, Callable[[str], str]] = {
    "account": validate_account_sid,
    "conference": validate_conference_sid,
    "stream": lambda value: validate_stream(value).written,
}


@dataclass(frozen=True, init=False)
class Profile:
    """Where to send requests and how careful the TUI's confirmation is (strict for production)."""

    name: str
    space: str
    project_id: str
    base_url: str | None
    production: bool
    confirm: Confirm

    def __init__(
        self,
        name: str,
        space: str,
        project_id: str,
        base_url: str | None = None,
        production: bool = False,
        confirm: Confirm | None = None,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "space", space)
        object.__setattr__(self, "project_id", project_id)
        object.__setattr__(self, "base_url", base_url)
        object.__setattr__(self, "production", production)
        object.__setattr__(self, "confirm", confirm or default_confirm(production))


def default_confirm(production: bool) -> Confirm:
    """Production asks to type the end of the stream's SID or name; other profiles just y/n."""
    return "strict" if production else "simple"


@dataclass(frozen=True, slots=True)
class Entry:
    """A SID the user labelled; `parent` is a conference's account or a stream's conference.

    Slotted: a config may hold 10,000 of them, and the TUI keeps them all in memory."""

    kind: Kind
    sid: str
    label: str
    parent: str | None = None
    definition: StreamDefinition | None = None  # a stream's, to start it again
    origin: str | None = None  # the included file it comes from; None for the user's own


@dataclass(frozen=True, slots=True)
class SavedTarget:
    """A named (account, conference, stream) triple, saved as `[[targets]]`."""

    label: str
    account: str
    conference: str
    stream: str
    origin: str | None = None  # the included file it comes from; None for the user's own


@dataclass(frozen=True)
class Config:
    """The config as read: a snapshot; changes go through `update_config` and its helpers."""

    path: Path
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    accounts: list[Entry] = field(default_factory=list)
    conferences: list[Entry] = field(default_factory=list)
    streams: list[Entry] = field(default_factory=list)
    targets: list[SavedTarget] = field(default_factory=list)
    read_only: bool = False
    keymap: dict[str, str] = field(default_factory=dict)  # TUI binding id -> keys
    problem: str | None = None
    include_problems: tuple[str, ...] = ()  # included files skipped, and why (see include)

    def profile(self, name: str | None) -> tuple[str | None, Profile | None]:
        """The named profile; without a name the default one, or the only one, or none."""
        if name is None:
            if self.default_profile is not None:
                return self.default_profile, self.profiles[self.default_profile]
            if len(self.profiles) == 1:
                only = next(iter(self.profiles.values()))
                return only.name, only
            return None, None
        found = self.profiles.get(name)
        if found is None:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(
                f"No profile {name!r} in {self.path} (profiles there: {known}). Check --profile, "
                f"or create it with 'streamtui auth login --profile {name} --space <space> "
                "--project-id <uuid>'."
            )
        return name, found

    def entries(self, kind: Kind) -> list[Entry]:
        if kind == "account":
            return self.accounts
        return self.conferences if kind == "conference" else self.streams

    def find(self, kind: Kind, sid: str, parent: str | None = None) -> Entry | None:
        """The saved entry for `sid` (compared as validated, so case and quotes do not matter).

        A stream name is unique only within its conference: pass `parent` to tell them apart.
        """
        wanted = normal_sid(kind, sid)
        return next(
            (
                entry
                for entry in self.entries(kind)
                if same_sid(kind, entry.sid, entry.parent, wanted, parent)
            ),
            None,
        )

    def target(self, label: str) -> SavedTarget | None:
        return next((target for target in self.targets if target.label == label), None)


def normal_sid(kind: Kind, sid: object) -> str | None:
    if not isinstance(sid, str):
        return None
    try:
        return VALIDATORS[kind](sid)
    except InvalidInput:
        return None


def identity(kind: Kind, sid: str, parent: str | None) -> tuple[str, str | None]:
    """UUIDs are unique everywhere; a stream name only within its conference."""
    return sid, parent if kind == "stream" and not is_uuid(sid) else None


def same_sid(
    kind: Kind, sid: str | None, parent: str | None, wanted: str | None, wanted_parent: str | None
) -> bool:
    """Whether an entry is the one wanted; a missing parent on either side matches any."""
    if sid is None or sid != wanted:
        return False
    if kind != "stream" or is_uuid(sid) or parent is None or wanted_parent is None:
        return True
    return parent == wanted_parent
