"""The validated config cached in the state folder: same content as a parse, used only while the
config file is unchanged, ignored when damaged or unwritable, never holding an invalid config."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from streamtui import config as config_module
from streamtui import config_cache
from streamtui.config import (
    KINDS,
    Config,
    Entry,
    Profile,
    SavedTarget,
    add_entry,
    load_config,
    load_config_for_ui,
)
from streamtui.config_cache import CACHE_NAME
from streamtui.errors import ConfigError
from streamtui.session import Session

ACCOUNT = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
CONFERENCE = "8d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
CONFERENCE_2 = "9e2c3d4b-5f6a-4b7c-9d8e-0f1a2b3c4d5e"
STREAM = "c0ffee00-1234-4abc-8def-0123456789ab"
STREAM_2 = "decade00-1234-4abc-8def-0123456789ab"
PROJECT = "11111111-2222-4333-8444-555555555555"
PROJECT_2 = "66666666-7777-4888-9999-aaaaaaaaaaaa"

CONFIG = f"""\
default_profile = "prod"
[profiles.prod]
space = "acme"
project_id = "{PROJECT}"
production = true
[profiles.dev]
space = "acme-dev"
project_id = "{PROJECT_2.upper()}"
base_url = "http://127.0.0.1:8080"
confirm = "strict"
[[accounts]]
sid = "{ACCOUNT}"
label = "ACME production"
[[conferences]]
sid = "{CONFERENCE}"
label = "Support bridge"
account = "{ACCOUNT}"
[[conferences]]
sid = "{CONFERENCE_2}"
label = "Café ☕ bridge"
account = "{ACCOUNT}"
[[streams]]
sid = "{STREAM}"
label = "Transcriber feed"
conference = "{CONFERENCE}"
[[streams]]
sid = "recorder"
label = "Recorder"
conference = "{CONFERENCE}"
[[streams]]
sid = "{STREAM_2}"
[[targets]]
label = "Usual suspect"
account = "{ACCOUNT}"
conference = "{CONFERENCE}"
stream = "recorder"
"""

OTHER_CONFIG = f"""\
[profiles.other]
space = "beta"
project_id = "{PROJECT_2}"
[[accounts]]
sid = "{ACCOUNT}"
label = "Beta account"
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, any parse of a config file fails the test: loads must come from the cache."""

    def refuse(path: Path, data: bytes) -> Any:
        raise AssertionError(f"{path} was parsed instead of read from the cache")

    monkeypatch.setattr(config_module, "_parse_toml", refuse)


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths parsed from now on (a cache hit parses nothing)."""
    parsed: list[Path] = []
    real = config_module._parse_toml

    def spy(path: Path, data: bytes) -> Any:
        parsed.append(path)
        return real(path, data)

    monkeypatch.setattr(config_module, "_parse_toml", spy)
    return parsed


def cache_of(state: Path) -> Path:
    return state / CACHE_NAME


def test_cached_load_has_the_parsed_content_and_a_private_cache_file(
    path: Path, state: Path
) -> None:
    write(path, CONFIG)
    expected = load_config(path)
    assert not cache_of(state).exists()  # without cache_dir, no cache

    first = load_config(path, cache_dir=state)

    assert first == expected
    assert stat.S_IMODE(cache_of(state).stat().st_mode) == 0o600
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    # Everything the file holds, not two empty configs compared.
    assert first.default_profile == "prod"
    assert first.profiles == {
        "prod": Profile("prod", "acme", PROJECT, production=True),
        "dev": Profile("dev", "acme-dev", PROJECT_2, "http://127.0.0.1:8080", confirm="strict"),
    }
    assert first.profiles["prod"].confirm == "strict"
    assert first.accounts == [Entry("account", ACCOUNT, "ACME production")]
    assert first.conferences == [
        Entry("conference", CONFERENCE, "Support bridge", ACCOUNT),
        Entry("conference", CONFERENCE_2, "Café ☕ bridge", ACCOUNT),
    ]
    assert first.streams == [
        Entry("stream", STREAM, "Transcriber feed", CONFERENCE),
        Entry("stream", "recorder", "Recorder", CONFERENCE),
        Entry("stream", STREAM_2, "", None),
    ]
    assert first.targets == [SavedTarget("Usual suspect", ACCOUNT, CONFERENCE, "recorder")]
    assert first.path == path
    assert not first.read_only and first.problem is None


def test_second_load_comes_from_the_cache(
    path: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(path, CONFIG)
    expected = load_config(path)
    load_config(path, cache_dir=state)
    no_parse(monkeypatch)

    assert load_config(path, cache_dir=state) == expected
    assert load_config_for_ui(path, cache_dir=state) == expected
    with pytest.raises(AssertionError, match="parsed"):
        load_config(path)  # the control: without the cache, the patched parse is reached


def test_the_cache_file_holds_the_labels(path: Path, state: Path) -> None:
    load_config(write(path, CONFIG), cache_dir=state)
    blob = cache_of(state).read_bytes()
    assert b"Support bridge" in blob
    assert "Café ☕ bridge".encode() in blob


def test_a_token_in_the_config_is_refused_so_nothing_is_cached(path: Path, state: Path) -> None:
    """The cache holds only what validated, and a token key never validates."""
    write(path, CONFIG.replace('space = "acme"\n', 'space = "acme"\napi_token = "PTsecret"\n', 1))
    with pytest.raises(ConfigError, match="token"):
        load_config(path, cache_dir=state)
    assert not cache_of(state).exists()


def test_edited_content_is_a_miss(path: Path, state: Path) -> None:
    load_config(write(path, CONFIG), cache_dir=state)
    write(path, CONFIG + f'[[accounts]]\nsid = "{PROJECT}"\nlabel = "Added"\n')

    config = load_config(path, cache_dir=state)

    assert config.accounts[-1] == Entry("account", PROJECT, "Added")
    assert config == load_config(path)


def test_same_size_edit_with_the_old_mtime_is_a_miss(path: Path, state: Path) -> None:
    """A tool that keeps the mtime, and an edit that keeps the size: only the CRC differs."""
    load_config(write(path, CONFIG), cache_dir=state)
    before = path.stat()
    edited = CONFIG.replace("Support bridge", "Support bridgE")
    assert len(edited.encode()) == len(CONFIG.encode())
    write(path, edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    config = load_config(path, cache_dir=state)

    assert config.conferences[0].label == "Support bridgE"
    # And the miss was cached: the next load is a hit with the new content.
    assert load_config(path, cache_dir=state).conferences[0].label == "Support bridgE"


def test_a_save_by_streamtui_is_a_miss(path: Path, state: Path) -> None:
    load_config(write(path, CONFIG), cache_dir=state)
    add_entry(path, Entry("stream", "new feed", "Saved in the TUI", CONFERENCE_2))

    config = load_config(path, cache_dir=state)

    assert Entry("stream", "new feed", "Saved in the TUI", CONFERENCE_2) in config.streams


def test_another_config_path_is_a_miss(tmp_path: Path, path: Path, state: Path) -> None:
    other = write(tmp_path / "elsewhere" / "config.toml", OTHER_CONFIG)
    load_config(write(path, CONFIG), cache_dir=state)

    config = load_config(other, cache_dir=state)

    assert config == load_config(other)
    assert config.accounts == [Entry("account", ACCOUNT, "Beta account")]
    assert config.path == other
    # One cache for the last file read: back to the first file, its own content.
    assert load_config(path, cache_dir=state) == load_config(path)


def test_identical_file_at_another_path_is_parsed(
    tmp_path: Path, path: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes, same mtime, same size: the path alone keys the cache apart."""
    write(path, CONFIG)
    twin = write(tmp_path / "twin" / "config.toml", CONFIG)
    mtime = path.stat().st_mtime_ns
    os.utime(twin, ns=(mtime, mtime))
    load_config(path, cache_dir=state)
    parsed = count_parses(monkeypatch)

    load_config(path, cache_dir=state)
    assert parsed == []
    load_config(twin, cache_dir=state)
    assert parsed == [twin]


@pytest.mark.parametrize(
    "part",
    ["path", "size", "mtime", "crc", "streamtui", "python"],
)
def test_each_part_of_the_key_must_match(path: Path, state: Path, part: str) -> None:
    """A cache whose key differs in any one part from the file's is not used."""
    write(path, CONFIG)
    data = path.read_bytes()
    key = config_cache.key_of(path, data)
    decoy = Config(path, accounts=[Entry("account", ACCOUNT, "from a decoy cache")])
    state.mkdir()

    # The control: with the file's own key, the cache is trusted (and the decoy comes back).
    cache_of(state).write_bytes(config_cache.dumps(key, decoy))
    assert load_config(path, cache_dir=state) == decoy

    name, size, mtime, crc, ours, python = key
    changed = {
        "path": (name + "x", size, mtime, crc, ours, python),
        "size": (name, size + 1, mtime, crc, ours, python),
        "mtime": (name, size, mtime + 1, crc, ours, python),
        "crc": (name, size, mtime, crc ^ 1, ours, python),
        "streamtui": (name, size, mtime, crc, ours + ".dev1", python),
        "python": (name, size, mtime, crc, ours, (python[0], python[1] - 1)),
    }[part]
    cache_of(state).write_bytes(config_cache.dumps(changed, decoy))
    assert load_config(path, cache_dir=state) == load_config(path)


def _flip_last(blob: bytes) -> bytes:
    return blob[:-1] + bytes([blob[-1] ^ 0x01])


def _flip_crc(blob: bytes) -> bytes:
    at = len(b"streamtui config cache 1\n")
    return blob[:at] + bytes([blob[at] ^ 0x80]) + blob[at + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: blob[: len(blob) // 2], id="truncated"),
        pytest.param(lambda blob: blob[:-1], id="last-byte-missing"),
        pytest.param(lambda blob: blob[: len(b"streamtui config cache 1\n")], id="magic-only"),
        pytest.param(lambda blob: blob[: len(b"streamtui config cache 1\n") + 2], id="half-crc"),
        pytest.param(_flip_last, id="flipped-payload-byte"),
        pytest.param(_flip_crc, id="flipped-crc-byte"),
        pytest.param(lambda blob: b"X" + blob[1:], id="wrong-magic"),
        pytest.param(lambda blob: blob.replace(b"cache 1", b"cache 2", 1), id="other-format"),
        pytest.param(lambda blob: os.urandom(len(blob)), id="garbage"),
        pytest.param(lambda blob: b"", id="empty"),
    ],
)
def test_a_damaged_cache_is_ignored_and_rewritten(path: Path, state: Path, damage: Any) -> None:
    write(path, CONFIG)
    expected = load_config(path)
    load_config(path, cache_dir=state)
    good = cache_of(state).read_bytes()
    cache_of(state).write_bytes(damage(good))
    assert cache_of(state).read_bytes() != good

    assert load_config(path, cache_dir=state) == expected

    rewritten = cache_of(state).read_bytes()
    key = config_cache.key_of(path, path.read_bytes())
    assert config_cache.loads(rewritten, key, path) == expected


def test_a_well_formed_cache_of_the_wrong_shape_is_ignored(path: Path, state: Path) -> None:
    """Intact (right magic and CRC) but not a cache's tuple: treated as damaged, not a crash."""
    import marshal
    import zlib

    write(path, CONFIG)
    key = config_cache.key_of(path, path.read_bytes())
    no_entries = (([], [], []),) * 3
    for value in [
        (1, 2),
        "text",
        None,
        (key, 1, 2, 3),
        (key, None, ((),), no_entries, ()),  # a profile without its fields
        (key, "gone", (), no_entries, ()),  # a default profile that is not there
        (key, None, (), (([ACCOUNT], [], []), ([], [], []), ([], [], [])), ()),  # ragged
    ]:
        payload = marshal.dumps(value)
        blob = b"streamtui config cache 1\n" + zlib.crc32(payload).to_bytes(4, "big") + payload
        cache_of(state).parent.mkdir(parents=True, exist_ok=True)
        cache_of(state).write_bytes(blob)
        assert load_config(path, cache_dir=state) == load_config(path)


def test_invalid_config_raises_and_writes_no_cache(path: Path, state: Path) -> None:
    write(path, CONFIG.replace('space = "acme"', 'spcae = "acme"', 1))
    with pytest.raises(ConfigError, match="spcae"):
        load_config(path, cache_dir=state)
    assert not cache_of(state).exists()

    config = load_config_for_ui(path, cache_dir=state)

    assert config.read_only
    assert config.problem is not None and "spcae" in config.problem
    assert config.profiles == {} and config.streams == []
    assert not cache_of(state).exists()


def test_not_toml_raises_and_writes_no_cache(path: Path, state: Path) -> None:
    write(path, "this is = not [toml\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, cache_dir=state)
    assert load_config_for_ui(path, cache_dir=state).read_only
    assert not cache_of(state).exists()


def test_a_config_broken_after_caching_is_still_refused(path: Path, state: Path) -> None:
    """The cache of the good version does not hide the broken file."""
    load_config(write(path, CONFIG), cache_dir=state)
    write(path, CONFIG + "colour = 'blue'\n")

    with pytest.raises(ConfigError, match="colour"):
        load_config(path, cache_dir=state)
    config = load_config_for_ui(path, cache_dir=state)
    assert config.read_only and config.problem is not None and "colour" in config.problem


def test_missing_config_is_empty_and_not_cached(path: Path, state: Path) -> None:
    assert load_config(path, cache_dir=state) == Config(path)
    assert load_config_for_ui(path, cache_dir=state) == Config(path)
    assert not cache_of(state).exists()


def test_cache_dir_under_a_regular_file_is_ignored(tmp_path: Path, path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    cache_dir = blocker / "state"
    write(path, CONFIG)
    expected = load_config(path)

    assert load_config(path, cache_dir=cache_dir) == expected
    assert load_config(path, cache_dir=cache_dir) == expected
    assert load_config_for_ui(path, cache_dir=cache_dir) == expected
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_cache_file_that_is_a_folder_is_ignored(path: Path, state: Path) -> None:
    cache_of(state).mkdir(parents=True)
    write(path, CONFIG)

    assert load_config(path, cache_dir=state) == load_config(path)
    assert cache_of(state).is_dir()


def test_entries_share_their_parent_string_after_a_cached_load(
    path: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(path, CONFIG)
    first = load_config(path, cache_dir=state)
    no_parse(monkeypatch)
    cached = load_config(path, cache_dir=state)

    for config in (first, cached):
        one, two = config.conferences
        assert one.parent == two.parent == ACCOUNT
        assert one.parent is two.parent
        feed, recorder, _ = config.streams
        assert feed.parent == recorder.parent == CONFERENCE
        assert feed.parent is recorder.parent


def test_session_open_uses_the_cache_in_its_state_dir(
    path: Path, state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(path, CONFIG)
    expected = load_config(path)
    first = Session.open(config_path=path, state_dir=state, env={})
    assert cache_of(state).is_file()
    assert list(state.parent.glob(f"**/{CACHE_NAME}")) == [cache_of(state)]
    no_parse(monkeypatch)

    second = Session.open(config_path=path, state_dir=state, env={})

    assert second.config == first.config == expected
    for kind in KINDS:
        assert second.config.entries(kind) == first.config.entries(kind)
    assert second.config.streams[1] == Entry("stream", "recorder", "Recorder", CONFERENCE)
    assert second.profile_name == first.profile_name == "prod"
    assert second.problem is None
