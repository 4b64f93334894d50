"""Validating the parsed TOML, strictly: a typo in a hand-edited file is reported with the file,
the key path, the line and the fix, instead of being silently ignored, because a wrong SID here
means stopping the wrong stream. The token is never a key of this file."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast

from streamtui.config.locate import KeyPath, find_line, keypath_text
from streamtui.config.model import (
    KINDS,
    PARENT_KEYS,
    SECTIONS,
    VALIDATORS,
    Config,
    Confirm,
    Entry,
    Kind,
    Profile,
    SavedTarget,
    identity,
)
from streamtui.errors import ConfigError, InvalidInput
from streamtui.stream_definition import (
    DEFINITION_KEYS,
    DefinitionProblem,
    StreamDefinition,
    stream_definition_of,
)
from streamtui.validation import (
    validate_base_url,
    validate_project_id,
    validate_space,
)

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
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _Invalid(Exception):
    """A problem at a key path; turned into a ConfigError that names the file and line."""

    def __init__(self, keypath: KeyPath, message: str) -> None:
        super().__init__(message)
        self.keypath = keypath
        self.message = message


def validated(raw: Mapping[str, Any], path: Path, text: str | None) -> Config:
    """The config in `raw`, or ConfigError naming the file, the key path and the fix: with the
    line when `text` (the file as read) is given; as `not saved` for a change about to be
    written (no text)."""
    try:
        return _parse(raw, path)
    except _Invalid as problem:
        where = keypath_text(problem.keypath)
        if text is None:
            raise ConfigError(f"{path}: not saved: {where}: {problem.message}") from None
        line = find_line(text, problem.keypath)
        located = f"{path}, line {line}" if line else str(path)
        raise ConfigError(f"{located}: {where}: {problem.message}") from None


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
        sid = _checked((*at, "sid"), VALIDATORS[kind], sid)
        parent = _string(table, parent_key, at) if parent_key else None
        if parent is not None and parent_key is not None:
            parent = _checked((*at, parent_key), VALIDATORS[cast(Kind, parent_key)], parent)
        key = identity(kind, sid, parent)
        if key in seen:
            scope = " for the same conference" if key[1] else ""
            raise _Invalid(
                (*at, "sid"),
                f"{sid!r} is already in {section}[{seen[key]}]{scope}: keep one of the two blocks.",
            )
        seen[key] = index
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
            values[kind] = _checked((*at, kind), VALIDATORS[kind], value)
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
