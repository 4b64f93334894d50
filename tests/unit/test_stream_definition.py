"""Stream definitions in `[[streams]]`: validated like the rest of the config, never a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamtui.config import load_config
from streamtui.errors import ConfigError

HEAD = '[[streams]]\nsid = "feed"\nlabel = "Feed"\n'


def load(tmp_path: Path, body: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_config(path)


def test_a_full_definition_is_read(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        'url = "wss://m.example/f"\ntrack = "both_tracks"\ncodec = "L16@16000h"\n'
        'real_time = false\nparameters = { A = "1" }\n',
    )
    [entry] = config.streams  # type: ignore[attr-defined]
    assert entry.definition.form("feed") == {
        "Url": "wss://m.example/f",
        "Name": "feed",
        "Track": "both_tracks",
        "StreamCodec": "L16@16000h",
        "StreamRealTime": "false",
        "Parameter1.Name": "A",
        "Parameter1.Value": "1",
    }


def test_no_definition_keys_no_definition(tmp_path: Path) -> None:
    [entry] = load(tmp_path, "").streams  # type: ignore[attr-defined]
    assert entry.definition is None


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('url = "ws://m.example/f"\n', ["line 4", "wss://"]),
        ('url = "wss://m.example/f"\ntrack = "left"\n', ["line 5", "both_tracks"]),
        ('track = "both_tracks"\n', ["url"]),
        ('url = "wss://m.example/f"\nreal_time = "yes"\n', ["true or false"]),
        ('url = "wss://m.example/f"\nbearer = "s3cr3t"\n', ["keyring"]),
        ('url = "wss://m.example/f"\nparameters = { AuthToken = "s3cr3t" }\n', ["keyring"]),
        ('url = "wss://m.example/f"\nstatus_callback = "ftp://x"\n', ["http"]),
    ],
)
def test_bad_definitions_are_refused_with_the_fix(
    tmp_path: Path, body: str, words: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, body)
    for word in words:
        assert word in caught.value.message, caught.value.message
    assert "s3cr3t" not in caught.value.message


def test_definition_keys_belong_to_streams_only(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[accounts]]\nsid = "x"\nurl = "wss://m.example/f"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)
