"""Writing the config: every change merges into the file as it is on disk now.

Under a lock beside the file, the file is re-read, the change is applied to what is on disk now,
the result is validated, and only then written atomically (temporary file, fsync, rename). Two
instances saving at once both keep their entries; a crash leaves the old file or the new one. A
file that does not read or validate is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

import tomli_w

from streamtui.config.file import read_config_file
from streamtui.config.include import included_table, with_includes
from streamtui.config.model import (
    PARENT_KEYS,
    SECTIONS,
    VALIDATORS,
    Config,
    Entry,
    Kind,
    Profile,
    SavedTarget,
    default_confirm,
    normal_sid,
    same_sid,
)
from streamtui.config.validate import validated
from streamtui.errors import ConfigError, InvalidInput
from streamtui.paths import atomic_write, file_lock, real_path, remove_stale_temp_files

LOCK_TIMEOUT = 10.0


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
            validated(raw, shown, text)
            mutate(raw)
            config = with_includes(validated(raw, shown, None), raw)
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


def _matches(kind: Kind, item: Mapping[str, Any], sid: str, parent: str | None) -> bool:
    parent_key = PARENT_KEYS[kind]
    item_parent = normal_sid(cast(Kind, parent_key), item.get(parent_key)) if parent_key else None
    return same_sid(kind, normal_sid(kind, item.get("sid")), item_parent, sid, parent)


def _valid_sid(kind: Kind, sid: str) -> str:
    try:
        return VALIDATORS[kind](sid)
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
