"""The TOML config file: profiles, labelled SIDs and saved targets (see shared/CONTRACT.md).

Read strictly: a typo in a hand-edited file is reported with the file, the key path, the line and
the fix, instead of being silently ignored, because a wrong SID here means stopping the wrong
stream. The token is never a key of this file: it lives in the OS keyring or SIGNALWIRE_API_TOKEN.

Writes merge: under a lock beside the file, the file is re-read, the change is applied to what is on
disk now, the result is validated, and only then written atomically (temporary file, fsync,
rename). Two instances saving at once both keep their entries; a crash leaves the old file or the
new one. A file that does not read or validate is never overwritten.

Saving rewrites the whole file with tomli-w, which cannot keep comments: comments in a hand-edited
file are lost the first time streamtui saves it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, cast

from streamtui.config_read import read_config_file
from streamtui.errors import ConfigError, InvalidInput
from streamtui.paths import (
    atomic_write,
    default_config_path,
    file_lock,
    real_path,
    remove_stale_temp_files,
)
from streamtui.stream_definition import (
    DEFINITION_KEYS,
    DefinitionProblem,
    StreamDefinition,
    stream_definition_of,
)
from streamtui.validation import (
    is_uuid,
    validate_account_sid,
    validate_base_url,
    validate_conference_sid,
    validate_project_id,
    validate_space,
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
TOP_KEYS = (
    "default_profile",
    "include",
    "profiles",
    "accounts",
    "conferences",
    "streams",
    "targets",
    "keymap",
)
PROFILE_KEYS = ("space", "project_id", "base_url", "production", "confirm")
TARGET_KEYS = ("label", "account", "conference", "stream")
LABEL_MAX = 256
LOCK_TIMEOUT = 10.0
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_VALIDATORS: dict[Kind, Callable[[str], str]] = {
    "account": validate_account_sid,
    "conference": validate_conference_sid,
    "stream": lambda value: validate_stream(value).written,
}

KeyPath = tuple[str | int, ...]


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
    include_problems: tuple[str, ...] = ()  # included files skipped, and why (config_include)

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
        wanted = _normal(kind, sid)
        return next(
            (
                entry
                for entry in self.entries(kind)
                if _same(kind, entry.sid, entry.parent, wanted, parent)
            ),
            None,
        )

    def target(self, label: str) -> SavedTarget | None:
        return next((target for target in self.targets if target.label == label), None)


# Reading ---------------------------------------------------------------------------------------


class _Invalid(Exception):
    """A problem at a key path; turned into a ConfigError that names the file and line."""

    def __init__(self, keypath: KeyPath, message: str) -> None:
        super().__init__(message)
        self.keypath = keypath
        self.message = message


def load_config(path: Path | str | None = None) -> Config:
    """Read and validate the config; a missing file is an empty config. Raises ConfigError, also
    for a file others can change or that is not a sane regular file (see config_read)."""
    target = Path(path) if path is not None else default_config_path()
    read = read_config_file(target)
    if read is None:
        return Config(target)
    raw, text = read
    return _with_includes(_validated(raw, target, text), raw)


def _with_includes(config: Config, raw: Mapping[str, Any]) -> Config:
    """The config with its included files' entries (see config_include); never raises for them."""
    if "include" not in raw:
        return config
    from streamtui.config_include import with_includes

    return with_includes(config, raw["include"], _validated)


def load_config_for_ui(path: Path | str | None = None) -> Config:
    """Like `load_config`, but a bad file gives an empty read-only config saying what is wrong.

    The TUI must open even when the config is broken: it shows `problem` and saves nothing.
    """
    target = Path(path) if path is not None else default_config_path()
    try:
        return load_config(target)
    except ConfigError as exc:
        return Config(target, read_only=True, problem=exc.message)


def _validated(raw: Mapping[str, Any], path: Path, text: str | None) -> Config:
    try:
        return _parse(raw, path)
    except _Invalid as problem:
        where = _keypath_text(problem.keypath)
        if text is None:
            raise ConfigError(f"{path}: not saved: {where}: {problem.message}") from None
        line = find_line(text, problem.keypath)
        located = f"{path}, line {line}" if line else str(path)
        raise ConfigError(f"{located}: {where}: {problem.message}") from None


def _keypath_text(keypath: KeyPath) -> str:
    text = ""
    for part in keypath:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    if len(keypath) >= 2 and isinstance(keypath[1], int):
        text += f" (the {_ordinal(keypath[1] + 1)} [[{keypath[0]}]])"
    return text or "(top level)"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]\]?")
_KEY_LINE = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")


def _split_key(dotted: str) -> tuple[str, ...]:
    return tuple(part[1:-1] if part[0] in "\"'" else part for part in re.findall(_KEY_PART, dotted))


def find_line(text: str, keypath: KeyPath) -> int | None:
    """The 1-based line that defines `keypath` (or its nearest enclosing table), best effort."""
    counters: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    best: int | None = None
    best_length = 0
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                counters[names] = counters.get(names, -1) + 1
                table = (*names, counters[names])
            else:
                table = names
            full = table
        else:
            key = _KEY_LINE.match(line)
            if not key:
                continue
            full = (*table, *_split_key(key.group(1)))
        if full == keypath:
            return number
        if len(full) > best_length and keypath[: len(full)] == full:
            best, best_length = number, len(full)
    return best


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return "a date/time"
    return type(value).__name__


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], at: KeyPath) -> None:
    for key in table:
        if key.lower().endswith("token"):
            raise _Invalid(
                (*at, key),
                "an API token does not belong in the config file (anyone who can read "
                "the file could use it). Remove this key; store the token in the OS "
                "keyring with 'streamtui auth login', or set SIGNALWIRE_API_TOKEN.",
            )
        if key not in allowed:
            raise _Invalid(
                (*at, key),
                f"unknown key {key!r}. The keys allowed here are {', '.join(allowed)}: "
                "fix its spelling or remove it.",
            )


def _string(table: Mapping[str, Any], key: str, at: KeyPath, *, required: str = "") -> str | None:
    """The string at `key`; `required` is the fix to print when it is missing."""
    if key not in table:
        if required:
            raise _Invalid((*at, key), f"missing: {required}")
        return None
    value = table[key]
    if not isinstance(value, str):
        raise _Invalid(
            (*at, key), f'must be a string in quotes, not {_type_name(value)}: write {key} = "...".'
        )
    return value


def _checked(at: KeyPath, check: Callable[[str], str], value: str) -> str:
    try:
        return check(value)
    except InvalidInput as exc:
        raise _Invalid(at, exc.message) from None


def _label(table: Mapping[str, Any], at: KeyPath, *, required: bool = False) -> str:
    fix = 'add label = "a name you will recognise".' if required else ""
    label = _string(table, "label", at, required=fix) or ""
    if required and not label.strip():
        raise _Invalid((*at, "label"), "is empty: give it a name you will recognise.")
    if len(label) > LABEL_MAX or _CONTROL.search(label):
        raise _Invalid(
            (*at, "label"),
            f"must be at most {LABEL_MAX} characters, without line "
            "breaks or control characters: shorten it.",
        )
    return label


def _array_of_tables(raw: Mapping[str, Any], section: str) -> list[dict[str, Any]]:
    items = raw.get(section, [])
    if not isinstance(items, list):
        raise _Invalid(
            (section,),
            f"must be an array of tables, not {_type_name(items)}: write "
            f"each one as a [[{section}]] block.",
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _Invalid(
                (section, index),
                f"must be a table, not {_type_name(item)}: write "
                f"each one as a [[{section}]] block.",
            )
    return cast(list[dict[str, Any]], items)


def check_profile_name(name: str) -> None:
    """Refuse a profile name the config could not hold (before anything is sent or stored)."""
    if not _PROFILE_NAME.match(name):
        raise ConfigError(
            f"{name!r} is not a usable profile name: use letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (at most 64)."
        )


def _parse_profile(name: str, table: object) -> Profile:
    at: KeyPath = ("profiles", name)
    if not _PROFILE_NAME.match(name):
        raise _Invalid(
            at,
            "is not a usable profile name: use letters, digits, '-', '_' or '.', "
            "at most 64, starting with a letter or digit (such as prod).",
        )
    if not isinstance(table, dict):
        raise _Invalid(
            at,
            f"must be a table, not {_type_name(table)}: write it as "
            f"[profiles.{name}] followed by its keys.",
        )
    _check_keys(table, PROFILE_KEYS, at)
    space = _string(table, "space", at, required='add space = "acme" (for acme.signalwire.com).')
    project = _string(
        table,
        "project_id",
        at,
        required='add project_id = "<uuid>" (your project ID, in the dashboard).',
    )
    assert space is not None and project is not None
    base_url = _string(table, "base_url", at)
    production = table.get("production", False)
    if not isinstance(production, bool):
        raise _Invalid((*at, "production"), f"must be true or false, not {_type_name(production)}.")
    confirm = table.get("confirm")
    if confirm is not None and confirm not in ("simple", "strict"):
        raise _Invalid(
            (*at, "confirm"),
            'must be "simple" (y to confirm) or "strict" (type the '
            "end of the stream's SID or name).",
        )
    return Profile(
        name,
        _checked((*at, "space"), validate_space, space),
        _checked((*at, "project_id"), validate_project_id, project),
        _checked((*at, "base_url"), validate_base_url, base_url) if base_url is not None else None,
        production,
        cast(Confirm | None, confirm),
    )


def _parse_entries(raw: Mapping[str, Any], kind: Kind) -> list[Entry]:
    section = SECTIONS[kind]
    parent_key = PARENT_KEYS[kind]
    allowed = ("sid", "label", parent_key) if parent_key else ("sid", "label")
    if kind == "stream":
        allowed = (*allowed, *DEFINITION_KEYS)
    entries: list[Entry] = []
    seen: dict[tuple[str, str | None], int] = {}
    for index, table in enumerate(_array_of_tables(raw, section)):
        at: KeyPath = (section, index)
        definition = _definition(table, at) if kind == "stream" else None
        _check_keys(table, allowed, at)
        sid = _string(
            table,
            "sid",
            at,
            required='add sid = "<uuid>".'
            if kind != "stream"
            else 'add sid = "<uuid or stream name>".',
        )
        assert sid is not None
        sid = _checked((*at, "sid"), _VALIDATORS[kind], sid)
        parent = _string(table, parent_key, at) if parent_key else None
        if parent is not None and parent_key is not None:
            parent = _checked((*at, parent_key), _VALIDATORS[cast(Kind, parent_key)], parent)
        identity = _identity(kind, sid, parent)
        if identity in seen:
            scope = " for the same conference" if identity[1] else ""
            raise _Invalid(
                (*at, "sid"),
                f"{sid!r} is already in {section}[{seen[identity]}]"
                f"{scope}: keep one of the two blocks.",
            )
        seen[identity] = index
        # Many entries share a parent: one string object for all of them.
        parent = sys.intern(parent) if parent else None
        entries.append(Entry(kind, sid, _label(table, at), parent, definition))
    return entries


def _definition(table: Mapping[str, Any], at: KeyPath) -> StreamDefinition | None:
    """A stream's definition (see stream_definition), its problems located like any other."""
    try:
        return stream_definition_of(table)
    except DefinitionProblem as problem:
        raise _Invalid((*at, *problem.key), problem.message) from None


def _parse_targets(raw: Mapping[str, Any]) -> list[SavedTarget]:
    targets: list[SavedTarget] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(_array_of_tables(raw, "targets")):
        at: KeyPath = ("targets", index)
        _check_keys(table, TARGET_KEYS, at)
        label = _label(table, at, required=True)
        if label in seen:
            raise _Invalid(
                (*at, "label"),
                f"{label!r} is already the label of targets"
                f"[{seen[label]}]: labels of targets must differ.",
            )
        seen[label] = index
        values = {}
        for kind in KINDS:
            value = _string(table, kind, at, required=f'add {kind} = "<{kind} SID>".')
            assert value is not None
            values[kind] = _checked((*at, kind), _VALIDATORS[kind], value)
        targets.append(
            SavedTarget(label, values["account"], values["conference"], values["stream"])
        )
    return targets


def _parse(raw: Mapping[str, Any], path: Path) -> Config:
    _check_keys(raw, TOP_KEYS, ())
    default = raw.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise _Invalid(
            ("default_profile",), f"must be a profile's name in quotes, not {_type_name(default)}."
        )
    tables = raw.get("profiles", {})
    if not isinstance(tables, dict):
        raise _Invalid(
            ("profiles",),
            f"must be a table of profiles, not {_type_name(tables)}: "
            "write each one as [profiles.NAME].",
        )
    profiles = {name: _parse_profile(name, table) for name, table in tables.items()}
    if default is not None and default not in profiles:
        known = ", ".join(sorted(profiles)) or "none yet"
        raise _Invalid(
            ("default_profile",),
            f"names no profile: {default!r} is not among the "
            f"[profiles] (found: {known}). Fix the name, or "
            "add [profiles." + default + "].",
        )
    return Config(
        path,
        default,
        profiles,
        _parse_entries(raw, "account"),
        _parse_entries(raw, "conference"),
        _parse_entries(raw, "stream"),
        _parse_targets(raw),
        keymap=_parse_keymap(raw),
    )


def _parse_keymap(raw: Mapping[str, Any]) -> dict[str, str]:
    """`[keymap]`: binding id = "keys" (comma-separated). Which ids exist is the TUI's to say."""
    table = raw.get("keymap", {})
    if not isinstance(table, dict):
        raise _Invalid(
            ("keymap",),
            f"must be a table, not {_type_name(table)}: write [keymap] then lines like "
            'history = "ctrl+r".',
        )
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise _Invalid(
                ("keymap", binding_id),
                f'must be keys in quotes, like "ctrl+r" or "f7,ctrl+r", not {_type_name(keys)}.',
            )
        keymap[binding_id] = keys.strip()
    return keymap


# Writing ---------------------------------------------------------------------------------------


def update_config(path: Path | str, mutate: Callable[[dict[str, Any]], None]) -> Config:
    """Apply `mutate` to the file as it is on disk now, under a lock; validate; write atomically.

    Raises ConfigError (and writes nothing) when the file on disk or the result is invalid.
    """
    shown = Path(path)
    target = real_path(shown)
    try:
        with file_lock(target, timeout=LOCK_TIMEOUT):
            read = read_config_file(target)
            raw, text = read if read is not None else ({}, "")
            _validated(raw, shown, text)
            mutate(raw)
            config = _with_includes(_validated(raw, shown, None), raw)
            data = dumps(raw).encode("utf-8")
            remove_stale_temp_files(target)
            atomic_write(target, data)
    except TimeoutError:
        raise ConfigError(
            f"{shown}: another streamtui has been saving this file for over {LOCK_TIMEOUT:g} s "
            f"(lock {target}.lock). Try again; if no streamtui is running, delete the lock "
            "file."
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the config file {shown}: {exc.strerror or exc}. Check "
            "the permissions of the file and its folder."
        ) from exc
    return config


def dumps(raw: Mapping[str, Any]) -> str:
    """TOML text with entries as `[[accounts]]` blocks, as a person would write them."""
    import tomli_w

    blocks = {
        section
        for section in (*SECTIONS.values(), "targets")
        if isinstance(raw.get(section), list)
        and raw[section]
        and all(isinstance(item, dict) for item in raw[section])
    }
    head = {key: value for key, value in raw.items() if key not in blocks}
    parts = [tomli_w.dumps(head)] if head else []
    for key, value in raw.items():
        if key in blocks:
            parts.extend(f"[[{key}]]\n{tomli_w.dumps(item)}" for item in value)
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)


def _profile_table(profile: Profile) -> dict[str, Any]:
    table: dict[str, Any] = {"space": profile.space, "project_id": profile.project_id}
    if profile.base_url:
        table["base_url"] = profile.base_url
    if profile.production:
        table["production"] = True
    if profile.confirm != default_confirm(profile.production):
        table["confirm"] = profile.confirm
    return table


def save_profile(path: Path | str, profile: Profile, make_default: bool = False) -> Config:
    """Create or replace `[profiles.NAME]`; optionally make it the default profile."""

    def mutate(raw: dict[str, Any]) -> None:
        raw.setdefault("profiles", {})[profile.name] = _profile_table(profile)
        if make_default:
            raw["default_profile"] = profile.name

    return update_config(path, mutate)


def _normal(kind: Kind, sid: object) -> str | None:
    if not isinstance(sid, str):
        return None
    try:
        return _VALIDATORS[kind](sid)
    except InvalidInput:
        return None


def _identity(kind: Kind, sid: str, parent: str | None) -> tuple[str, str | None]:
    """UUIDs are unique everywhere; a stream name only within its conference."""
    return sid, parent if kind == "stream" and not is_uuid(sid) else None


def _same(
    kind: Kind, sid: str | None, parent: str | None, wanted: str | None, wanted_parent: str | None
) -> bool:
    """Whether an entry is the one wanted; a missing parent on either side matches any."""
    if sid is None or sid != wanted:
        return False
    if kind != "stream" or is_uuid(sid) or parent is None or wanted_parent is None:
        return True
    return parent == wanted_parent


def _matches(kind: Kind, item: Mapping[str, Any], sid: str, parent: str | None) -> bool:
    parent_key = PARENT_KEYS[kind]
    item_parent = _normal(cast(Kind, parent_key), item.get(parent_key)) if parent_key else None
    return _same(kind, _normal(kind, item.get("sid")), item_parent, sid, parent)


def _valid_sid(kind: Kind, sid: str) -> str:
    try:
        return _VALIDATORS[kind](sid)
    except InvalidInput as exc:
        raise ConfigError(f"Not saved: {exc.message}") from None


def _parent(kind: Kind, parent: str | None) -> str | None:
    parent_key = PARENT_KEYS[kind]
    if parent is None:
        return None
    if parent_key is None:
        raise ConfigError(f"Not saved: an {kind} has no parent.")
    return _valid_sid(cast(Kind, parent_key), parent)


def add_entry(path: Path | str, entry: Entry) -> Config:
    """Save a labelled SID; if it is already saved, update its label (and parent, when given)."""
    sid = _valid_sid(entry.kind, entry.sid)
    parent_key = PARENT_KEYS[entry.kind]
    parent = _parent(entry.kind, entry.parent)

    def mutate(raw: dict[str, Any]) -> None:
        items = raw.setdefault(SECTIONS[entry.kind], [])
        table = next((item for item in items if _matches(entry.kind, item, sid, parent)), None)
        if table is None:
            table = {"sid": sid}
            items.append(table)
        table["label"] = entry.label
        if parent is not None and parent_key is not None:
            table[parent_key] = parent

    return update_config(path, mutate)


def relabel_entry(
    path: Path | str, kind: Kind, sid: str, label: str, parent: str | None = None
) -> Config:
    """Change the label of a saved SID; ConfigError if it is not saved (any more)."""
    wanted = _valid_sid(kind, sid)
    wanted_parent = _parent(kind, parent)

    def mutate(raw: dict[str, Any]) -> None:
        for item in raw.get(SECTIONS[kind], []):
            if _matches(kind, item, wanted, wanted_parent):
                item["label"] = label
                return
        copy = _included_copy(Path(path), raw, kind, wanted, wanted_parent)
        if copy is not None:  # an included entry: a personal copy, the shared file untouched
            copy["label"] = label
            raw.setdefault(SECTIONS[kind], []).append(copy)
            return
        raise ConfigError(
            f"{path}: {wanted} is not among the saved {SECTIONS[kind]} (another "
            "streamtui may have removed it); nothing changed."
        )

    return update_config(path, mutate)


def _included_copy(
    path: Path, raw: Mapping[str, Any], kind: Kind, sid: str, parent: str | None
) -> dict[str, Any] | None:
    """A copy of the included table of this entry, to save as the user's own."""
    if "include" not in raw:
        return None
    from streamtui.config_include import included_table

    return included_table(raw, path, lambda item: _matches(kind, item, sid, parent), SECTIONS[kind])


def add_target(path: Path | str, target: SavedTarget) -> Config:
    """Save a target under its label, replacing a saved target of the same label."""
    table = {
        "label": target.label,
        "account": _valid_sid("account", target.account),
        "conference": _valid_sid("conference", target.conference),
        "stream": _valid_sid("stream", target.stream),
    }

    def mutate(raw: dict[str, Any]) -> None:
        items = raw.setdefault("targets", [])
        for index, item in enumerate(items):
            if item.get("label") == target.label:
                items[index] = table
                return
        items.append(table)

    return update_config(path, mutate)
