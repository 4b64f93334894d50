"""MRU order and the last target: merged between instances, and never fatal when the file is bad."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from streamtui.state import MRU_CAP, STATE_NAME, StateStore

SID = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"


def test_empty_store(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    assert store.recent("stream") == {}
    assert store.last_target() is None
    assert store.problem is None
    assert not (tmp_path / "state").exists()  # reading creates nothing


def test_remember_and_recent(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    before = time.time()
    assert store.remember([("a", SID, "now")])
    assert store.remember([("a", "c", "feed")], when=100.0)
    assert store.recent("stream")["feed"] == 100.0
    assert before <= store.recent("conference")[SID] <= time.time()
    assert set(store.recent("account")) == {"a"}
    store.remember([("a", "c", "feed")], when=50.0)  # an older stamp never moves it back
    assert store.recent("stream")["feed"] == 100.0
    store.remember([("a", "c", "feed")], when=200.0)
    assert store.recent("stream")["feed"] == 200.0


def test_last_target(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    assert store.remember([("a", "c", "s")])
    assert store.last_target() == ("a", "c", "s")
    assert StateStore(tmp_path).last_target() == ("a", "c", "s")


def test_file_is_private_json(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    StateStore(folder).remember([(SID, "c", "s")], when=1.0)
    path = folder / STATE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert json.loads(path.read_text())["recent"]["account"] == {SID: 1.0}


def test_two_instances_merge(tmp_path: Path) -> None:
    first, second = StateStore(tmp_path), StateStore(tmp_path)
    second.remember([("a", "c", "two")], when=2.0)
    first.remember([("a", "c", "one")], when=1.0)
    assert second.recent("stream") == {"one": 1.0, "two": 2.0}
    assert second.last_target() == ("a", "c", "one")


def test_mru_is_capped_keeping_the_most_recent(tmp_path: Path) -> None:
    assert MRU_CAP == 500
    assert StateStore(tmp_path).cap == MRU_CAP
    store = StateStore(tmp_path, cap=3)
    for number in range(6):
        store.remember([("a", "c", f"s{number}")], when=float(number))
    assert store.recent("stream") == {"s3": 3.0, "s4": 4.0, "s5": 5.0}


@pytest.mark.parametrize(
    "content", [b"{not json", b"\xff\xfe", b"[1, 2]", b"null", b'{"recent": "x", "last_target": 5}']
)
def test_a_corrupt_file_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    (tmp_path / STATE_NAME).write_bytes(content)
    store = StateStore(tmp_path)
    assert store.recent("stream") == {}
    assert store.last_target() is None
    assert store.remember([("a", "c", "feed")], when=1.0)
    assert StateStore(tmp_path).recent("stream") == {"feed": 1.0}


def test_bad_values_are_dropped_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / STATE_NAME).write_text(
        json.dumps(
            {
                "recent": {
                    "stream": {"ok": 5, "bad": "x", "flag": True, "": 1.0},
                    "account": [1],
                    "bogus": {"x": 1},
                },
                "last_target": {"account": "a", "conference": 3, "stream": "s"},
            }
        )
    )
    store = StateStore(tmp_path)
    assert store.recent("stream") == {"ok": 5.0}
    assert store.recent("account") == {}
    assert store.last_target() is None


def test_an_unwritable_folder_never_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = StateStore(blocker / "state")
    assert store.remember([("a", "c", "feed")]) is False
    assert store.problem is not None and "cannot save" in store.problem
    assert store.recent("stream") == {}


def test_unknown_kind_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        StateStore(tmp_path).recent("targets")


def test_default_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAMTUI_STATE_DIR", str(tmp_path / "st"))
    assert StateStore().path == tmp_path / "st" / STATE_NAME
