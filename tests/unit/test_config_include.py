"""`include = [...]`: a team's shared list beside the user's own entries, read-only, and never
able to stop the user's own entries from loading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from streamtui.config import Entry, SavedTarget, add_entry, add_target, load_config, relabel_entry

ACCOUNT = "0b2c7e1a-4d5f-4a6b-9c8d-1e2f3a4b5c6d"
CONFERENCE = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
STREAM = "f0e1d2c3-b4a5-4968-8776-655443322110"
TEAM = f"""
[[conferences]]
sid = "{CONFERENCE}"
label = "Support bridge"

[[streams]]
sid = "{STREAM}"
label = "Transcriber feed"
conference = "{CONFERENCE}"
url = "wss://media.example/feed"

[[targets]]
label = "Support transcriber"
account = "{ACCOUNT}"
conference = "{CONFERENCE}"
stream = "{STREAM}"
"""
OWN = f"""
include = ["team.toml"]

[[accounts]]
sid = "{ACCOUNT}"
label = "ACME production"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_included_entries_are_listed_and_marked(tmp_path: Path) -> None:
    team = write(tmp_path, "team.toml", TEAM)
    config = load_config(write(tmp_path, "config.toml", OWN))
    assert [entry.origin for entry in config.accounts] == [None]
    [conference] = config.conferences
    assert (conference.label, conference.origin) == ("Support bridge", str(team))
    [stream] = config.streams
    assert stream.origin == str(team)
    assert stream.definition is not None
    [target] = config.targets
    assert (target.label, target.origin) == ("Support transcriber", str(team))
    assert config.problem is None


def test_absolute_include_path(tmp_path: Path) -> None:
    shared = tmp_path / "etc"
    shared.mkdir()
    team = write(shared, "oncall.toml", TEAM)
    config = load_config(write(tmp_path, "config.toml", OWN.replace('"team.toml"', f'"{team}"')))
    assert len(config.targets) == 1


@pytest.mark.parametrize(
    ("team", "words"),
    [
        (None, ["team.toml", "missing"]),
        ("[[streams]\nsid=", ["team.toml", "TOML"]),
        ('[profiles.evil]\nspace = "x"\nproject_id = "y"\n', ["team.toml", "profiles"]),
        ('[[streams]]\nsid = "a/b"\n', ["team.toml", "streams"]),
    ],
    ids=["missing", "broken-toml", "profile", "invalid-entry"],
)
def test_a_bad_include_is_a_warning_and_own_entries_load(
    tmp_path: Path, team: str | None, words: list[str]
) -> None:
    if team is not None:
        write(tmp_path, "team.toml", team)
    config = load_config(write(tmp_path, "config.toml", OWN))
    assert [entry.label for entry in config.accounts] == ["ACME production"]
    assert config.conferences == config.streams == []
    assert not config.read_only
    assert config.problem is not None
    for word in words:
        assert word in config.problem, config.problem
    assert config.include_problems


def test_own_entries_win_over_included(tmp_path: Path) -> None:
    write(tmp_path, "team.toml", TEAM)
    own = OWN + f'\n[[conferences]]\nsid = "{CONFERENCE}"\nlabel = "My bridge"\n'
    config = load_config(write(tmp_path, "config.toml", own))
    [conference] = config.conferences
    assert (conference.label, conference.origin) == ("My bridge", None)


def test_saving_never_writes_the_included_file(tmp_path: Path) -> None:
    team = write(tmp_path, "team.toml", TEAM)
    os.chmod(team, 0o444)
    before = team.read_bytes()
    path = write(tmp_path, "config.toml", OWN)
    add_entry(path, Entry("account", ACCOUNT, "Renamed"))
    add_target(path, SavedTarget("Mine", ACCOUNT, CONFERENCE, STREAM))
    config = relabel_entry(path, "stream", STREAM, "My transcriber", CONFERENCE)
    assert team.read_bytes() == before
    [stream] = config.streams
    assert (stream.label, stream.origin) == ("My transcriber", None)  # a personal copy
    assert stream.definition is not None and stream.definition.url == "wss://media.example/feed"
    assert "My transcriber" in path.read_text(encoding="utf-8")
    assert "include" in path.read_text(encoding="utf-8")
