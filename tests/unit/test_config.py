"""The config file: strict reading with precise messages, and merging, atomic, private writes."""

from __future__ import annotations

import argparse
import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamtui import config as config_module
from streamtui.cli.config import run_config
from streamtui.config import (
    Config,
    Entry,
    Profile,
    SavedTarget,
    add_entry,
    add_target,
    dumps,
    find_line,
    load_config,
    load_config_for_ui,
    save_profile,
    update_config,
)
from streamtui.config import write as config_write
from streamtui.errors import ConfigError
from streamtui.paths import default_config_path, ensure_private_dir, file_lock, state_dir

ACCOUNT = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
CONFERENCE = "8d1b2c3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
STREAM = "c0ffee00-1234-4abc-8def-0123456789ab"
PROJECT = "11111111-2222-4333-8444-555555555555"

CONTRACT_EXAMPLE = f"""\
default_profile = "prod"
[profiles.prod]
space = "acme"                      # acme.signalwire.com
project_id = "{PROJECT}"
[[accounts]]
sid = "{ACCOUNT}"
label = "ACME production"
[[conferences]]
sid = "{CONFERENCE}"
label = "Support bridge"
account = "{ACCOUNT}"                  # optional
[[streams]]
sid = "{STREAM}"
label = "Transcriber feed"
conference = "{CONFERENCE}"               # optional
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "conf" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.message


# Reading ---------------------------------------------------------------------------------------


def test_missing_file_is_an_empty_config(path: Path) -> None:
    config = load_config(path)
    assert config == Config(path)
    assert config.profile(None) == (None, None)
    assert not path.exists()


def test_contract_example_reads(path: Path) -> None:
    config = load_config(write(path, CONTRACT_EXAMPLE))
    name, profile = config.profile(None)
    assert name == "prod"
    assert profile == Profile("prod", "acme", PROJECT)
    assert profile.confirm == "simple" and profile.base_url is None
    assert config.accounts == [Entry("account", ACCOUNT, "ACME production")]
    assert config.conferences == [Entry("conference", CONFERENCE, "Support bridge", ACCOUNT)]
    assert config.streams == [Entry("stream", STREAM, "Transcriber feed", CONFERENCE)]
    assert config.entries("conference") is config.conferences
    assert config.find("stream", STREAM.upper()) == config.streams[0]
    assert config.find("stream", "no such") is None
    assert not config.read_only and config.problem is None


def test_values_are_normalised(path: Path) -> None:
    write(
        path,
        f"""
[profiles.dev]
space = "Acme.SignalWire.com"
project_id = "{PROJECT.upper()}"
base_url = "http://127.0.0.1:8080/"
[[streams]]
sid = "  my feed  "
""",
    )
    profile = load_config(path).profiles["dev"]
    assert (profile.space, profile.project_id, profile.base_url) == (
        "acme",
        PROJECT,
        "http://127.0.0.1:8080",
    )
    assert load_config(path).streams == [Entry("stream", "my feed", "")]


def test_production_defaults_to_strict_confirmation(path: Path) -> None:
    write(
        path,
        f"""
[profiles.prod]
space = "acme"
project_id = "{PROJECT}"
production = true
[profiles.relaxed]
space = "acme"
project_id = "{PROJECT}"
production = true
confirm = "simple"
""",
    )
    config = load_config(path)
    assert config.profiles["prod"].confirm == "strict"
    assert config.profiles["relaxed"].confirm == "simple"
    assert Profile("x", "acme", PROJECT).confirm == "simple"
    assert Profile("x", "acme", PROJECT, production=True).confirm == "strict"


def test_profile_choice(path: Path) -> None:
    one = f'[profiles.only]\nspace = "acme"\nproject_id = "{PROJECT}"\n'
    assert load_config(write(path, one)).profile(None)[0] == "only"
    two = one + f'[profiles.other]\nspace = "beta"\nproject_id = "{PROJECT}"\n'
    config = load_config(write(path, two))
    assert config.profile(None) == (None, None)
    assert config.profile("other")[1] == Profile("other", "beta", PROJECT)
    with pytest.raises(ConfigError) as caught:
        config.profile("prod")
    assert "'prod'" in caught.value.message and "only, other" in caught.value.message
    assert str(path) in caught.value.message and "auth login" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('colour = "blue"\n', ["line 1", "colour", "unknown key", "default_profile"]),
        (
            f'[profiles.prod]\nspace = "acme"\nproject_id = "{PROJECT}"\nspcae = "x"\n',
            ["line 4", "profiles.prod.spcae", "unknown key", "space, project_id"],
        ),
        (
            '[profiles.prod]\nspace = "acme"\nproject_id = "1234"\n',
            ["line 3", "profiles.prod.project_id", "not a valid SID", "such as"],
        ),
        (
            '[profiles.prod]\nspace = "acme"\n',
            ["line 1", "profiles.prod.project_id", "missing", 'project_id = "<uuid>"'],
        ),
        (
            '[profiles.prod]\nspace = "https://acme.example/"\nproject_id = "x"\n',
            ["line 2", "profiles.prod.space", "Leave out the scheme"],
        ),
        (
            f'[profiles.prod]\nspace = "acme"\nproject_id = "{PROJECT}"\n'
            'base_url = "http://example.com"\n',
            ["line 4", "profiles.prod.base_url", "https"],
        ),
        (
            f'[profiles.prod]\nspace = "acme"\nproject_id = "{PROJECT}"\nproduction = "yes"\n',
            ["line 4", "profiles.prod.production", "true or false"],
        ),
        (
            f'[profiles.prod]\nspace = "acme"\nproject_id = "{PROJECT}"\nconfirm = "maybe"\n',
            ["line 4", "profiles.prod.confirm", '"strict"'],
        ),
        (
            f'default_profile = "prod"\n[profiles.test]\nspace = "a"\nproject_id = "{PROJECT}"\n',
            ["line 1", "default_profile", "names no profile", "test"],
        ),
        ("default_profile = 3\n", ["line 1", "default_profile", "not an integer"]),
        ('[profiles."bad name!"]\nspace = "a"\n', ["line 1", "profile name"]),
        (
            f'[[streams]]\nsid = "{STREAM}"\n[[streams]]\nsid = "ok"\n[[streams]]\n'
            'sid = "a/b"\nlabel = "x"\n',
            ["line 6", "streams[2].sid", "the 3rd [[streams]]", "/ ? # %"],
        ),
        (
            f'[[accounts]]\nsid = "{ACCOUNT}"\n[[accounts]]\nsid = "{ACCOUNT.upper()}"\n',
            ["line 4", "accounts[1].sid", "already in accounts[0]"],
        ),
        ("[[accounts]]\nsid = 42\n", ["line 2", "accounts[0].sid", "must be a string"]),
        ('[[accounts]]\nlabel = "x"\n', ["line 1", "accounts[0].sid", "missing"]),
        (
            f'[[accounts]]\nsid = "{ACCOUNT}"\nparent = "x"\n',
            ["line 3", "accounts[0].parent", "unknown key"],
        ),
        (
            f'[[conferences]]\nsid = "{CONFERENCE}"\naccount = "nope"\n',
            ["line 3", "conferences[0].account", "not a valid SID"],
        ),
        (
            f'[[streams]]\nsid = "{STREAM}"\nlabel = "a\\nb"\n',
            ["line 3", "streams[0].label", "line breaks"],
        ),
        ('accounts = "x"\n', ["line 1", "accounts", "array of tables"]),
        ("profiles = 1\n", ["line 1", "profiles", "[profiles.NAME]"]),
        (
            f'[[targets]]\naccount = "{ACCOUNT}"\nconference = "{CONFERENCE}"\nstream = "s"\n',
            ["line 1", "targets[0].label", "missing"],
        ),
        (
            f'[[targets]]\nlabel = "t"\naccount = "{ACCOUNT}"\nconference = "{CONFERENCE}"\n',
            ["line 1", "targets[0].stream", "missing"],
        ),
    ],
)
def test_invalid_files_name_file_key_line_and_fix(
    path: Path, text: str, expected: list[str]
) -> None:
    message = error_of(write(path, text))
    assert message.startswith(str(path))
    for part in expected:
        assert part in message, (part, message)


def test_duplicate_target_labels(path: Path) -> None:
    block = (
        f'[[targets]]\nlabel = "t"\naccount = "{ACCOUNT}"\nconference = "{CONFERENCE}"\n'
        'stream = "feed"\n'
    )
    message = error_of(write(path, block + block))
    assert "line 7" in message and "targets[1].label" in message


def test_a_stream_name_may_repeat_in_other_conferences(path: Path) -> None:
    other = "22222222-3333-4444-8555-666666666666"
    write(
        path,
        f'[[streams]]\nsid = "feed"\nconference = "{CONFERENCE}"\n'
        f'[[streams]]\nsid = "feed"\nconference = "{other}"\n',
    )
    config = load_config(path)
    assert [entry.parent for entry in config.streams] == [CONFERENCE, other]
    assert config.find("stream", "feed", other) == config.streams[1]
    write(
        path,
        f'[[streams]]\nsid = "feed"\nconference = "{CONFERENCE}"\n'
        f'[[streams]]\nsid = "feed"\nconference = "{CONFERENCE}"\n',
    )
    assert "same conference" in error_of(path)


@pytest.mark.parametrize("key", ["token", "api_token", "API_TOKEN"])
def test_a_token_in_the_file_is_refused_without_echoing_it(path: Path, key: str) -> None:
    secret = "PT-super-secret-value-0123456789"
    write(path, f'[profiles.prod]\nspace = "acme"\nproject_id = "{PROJECT}"\n{key} = "{secret}"\n')
    message = error_of(path)
    assert "line 4" in message and f"profiles.prod.{key}" in message
    assert "keyring" in message and "SIGNALWIRE_API_TOKEN" in message
    assert secret not in message
    write(path, f'{key} = "{secret}"\n')
    assert "SIGNALWIRE_API_TOKEN" in error_of(path)


def test_toml_syntax_errors_keep_line_and_column(path: Path) -> None:
    message = error_of(write(path, 'default_profile = "prod"\n[profiles.prod]\nspace = acme\n'))
    assert str(path) in message and "not valid TOML" in message
    assert "line 3" in message and "column" in message


def test_unreadable_files(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'label = "\xff\xfe"\n')
    assert "UTF-8" in error_of(path)
    path.unlink()
    path.mkdir()
    assert "is a folder" in error_of(path)


def test_byte_order_mark_is_accepted(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf" + CONTRACT_EXAMPLE.encode())
    assert load_config(path).default_profile == "prod"


def test_load_config_for_ui_never_raises(path: Path) -> None:
    write(path, 'default_profile = "nope"\n')
    config = load_config_for_ui(path)
    assert config.read_only and config.problem is not None and "names no profile" in config.problem
    assert config.profiles == {} and config.streams == []
    write(path, "not toml [")
    assert load_config_for_ui(path).read_only
    write(path, CONTRACT_EXAMPLE)
    good = load_config_for_ui(path)
    assert not good.read_only and good.problem is None and good.default_profile == "prod"


def test_find_line_follows_tables_and_arrays() -> None:
    text = CONTRACT_EXAMPLE + '[[streams]]\n"sid" = "x"\n'
    assert find_line(text, ("default_profile",)) == 1
    assert find_line(text, ("profiles", "prod", "project_id")) == 4
    assert find_line(text, ("streams", 1, "sid")) == 17
    assert find_line(text, ("streams", 1, "label")) == 16  # the block, when the key is absent
    assert find_line(text, ("nothing",)) is None
    assert find_line('profiles.prod.space = "a"\n', ("profiles", "prod", "space")) == 1


# Writing ---------------------------------------------------------------------------------------


def test_first_save_creates_private_folder_and_file(path: Path) -> None:
    config = save_profile(
        path, Profile("prod", "acme", PROJECT, production=True), make_default=True
    )
    assert config.default_profile == "prod" and config.profiles["prod"].confirm == "strict"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert load_config(path) == config
    assert tomllib.loads(path.read_text()) == {
        "default_profile": "prod",
        "profiles": {"prod": {"space": "acme", "project_id": PROJECT, "production": True}},
    }
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_profile_settings_round_trip(path: Path) -> None:
    profile = Profile(
        "emu", "demo", PROJECT, base_url="http://127.0.0.1:9000", production=False, confirm="strict"
    )
    save_profile(path, profile)
    assert load_config(path).profiles["emu"] == profile
    assert load_config(path).default_profile is None


def test_entries_are_written_as_blocks_a_person_would_write(path: Path) -> None:
    add_entry(path, Entry("account", ACCOUNT, "ACME production"))
    add_entry(path, Entry("conference", CONFERENCE, "Support bridge", ACCOUNT))
    add_entry(path, Entry("stream", STREAM, "Transcriber feed", CONFERENCE))
    text = path.read_text()
    assert "[[accounts]]" in text and "[[conferences]]" in text and "[[streams]]" in text
    expected = load_config(write(path.with_name("expected.toml"), CONTRACT_EXAMPLE))
    got = load_config(path)
    assert (got.accounts, got.conferences, got.streams) == (
        expected.accounts,
        expected.conferences,
        expected.streams,
    )


def test_add_entry_updates_an_existing_sid(path: Path) -> None:
    add_entry(path, Entry("stream", STREAM, "old", CONFERENCE))
    config = add_entry(path, Entry("stream", STREAM.upper(), "new"))
    assert config.streams == [Entry("stream", STREAM, "new", CONFERENCE)]
    other = "22222222-3333-4444-8555-666666666666"
    config = add_entry(path, Entry("stream", STREAM, "moved", other))
    assert config.streams == [Entry("stream", STREAM, "moved", other)]


def test_stream_names_are_told_apart_by_conference(path: Path) -> None:
    other = "22222222-3333-4444-8555-666666666666"
    add_entry(path, Entry("stream", "feed", "A", CONFERENCE))
    config = add_entry(path, Entry("stream", "feed", "B", other))
    assert [(e.label, e.parent) for e in config.streams] == [("A", CONFERENCE), ("B", other)]


def test_targets(path: Path) -> None:
    first = SavedTarget("Support transcriber", ACCOUNT, CONFERENCE, STREAM)
    add_target(path, first)
    add_target(path, SavedTarget("Other", ACCOUNT, CONFERENCE, "feed"))
    replaced = SavedTarget("Support transcriber", ACCOUNT, CONFERENCE, "feed 2")
    config = add_target(path, replaced)
    assert config.targets == [replaced, SavedTarget("Other", ACCOUNT, CONFERENCE, "feed")]
    assert config.target("Other") is not None and config.target("nope") is None
    assert "[[targets]]" in path.read_text()


def test_invalid_values_are_never_written(path: Path) -> None:
    write(path, CONTRACT_EXAMPLE)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="Not saved"):
        add_entry(path, Entry("conference", "not-a-uuid", "x"))
    with pytest.raises(ConfigError, match="has no parent"):
        add_entry(path, Entry("account", ACCOUNT, "x", parent=CONFERENCE))
    with pytest.raises(ConfigError, match=r"not saved: profiles\.bad\.space"):
        save_profile(path, Profile("bad", "not a space!", PROJECT))
    with pytest.raises(ConfigError, match="line breaks"):
        add_entry(path, Entry("account", ACCOUNT, "two\nlines"))

    def add_token(raw: dict[str, object]) -> None:
        raw["token"] = "secret-value"

    with pytest.raises(ConfigError, match="SIGNALWIRE_API_TOKEN"):
        update_config(path, add_token)
    assert path.read_bytes() == before


def test_a_broken_file_is_never_overwritten(path: Path) -> None:
    for text in ("default_profile = prod\n", 'colour = "blue"\n'):
        write(path, text)
        with pytest.raises(ConfigError) as caught:
            add_entry(path, Entry("account", ACCOUNT, "x"))
        assert "line 1" in caught.value.message
        assert path.read_text() == text


def test_saving_merges_with_what_another_instance_wrote(path: Path) -> None:
    stale = add_entry(path, Entry("account", ACCOUNT, "mine"))
    # Another instance saves meanwhile (here: by hand); this one still holds `stale`.
    write(path, path.read_text() + f'\n[[conferences]]\nsid = "{CONFERENCE}"\nlabel = "theirs"\n')
    assert stale.conferences == []
    config = add_entry(path, Entry("stream", STREAM, "mine too"))
    assert [e.label for e in config.accounts + config.conferences + config.streams] == [
        "mine",
        "theirs",
        "mine too",
    ]


def test_saving_drops_comments_but_keeps_the_data(path: Path) -> None:
    write(path, CONTRACT_EXAMPLE)
    before = load_config(path)
    after = add_target(path, SavedTarget("t", ACCOUNT, CONFERENCE, STREAM))
    assert "#" not in path.read_text()
    assert (after.profiles, after.accounts, after.conferences, after.streams) == (
        before.profiles,
        before.accounts,
        before.conferences,
        before.streams,
    )
    assert "comments" in (config_module.__doc__ or "")


def test_saving_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    real = write(tmp_path / "dotfiles" / "config.toml", CONTRACT_EXAMPLE)
    link = tmp_path / "conf" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    config = add_entry(link, Entry("account", ACCOUNT, "relabelled"))
    assert config.path == link
    assert link.is_symlink()
    assert load_config(real).accounts[0].label == "relabelled"


def test_stale_temporary_files_are_cleaned_up(path: Path) -> None:
    write(path, CONTRACT_EXAMPLE)
    stale = path.parent / ".config.toml.abc123.tmp"
    stale.write_text("half a file")
    add_entry(path, Entry("account", ACCOUNT, "x"))
    assert not stale.exists()


def test_a_held_lock_gives_a_clear_error(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(path, CONTRACT_EXAMPLE)
    monkeypatch.setattr(config_write, "LOCK_TIMEOUT", 0.2)
    with file_lock(path, timeout=1), pytest.raises(ConfigError) as caught:
        add_entry(path, Entry("account", ACCOUNT, "x"))
    assert "another streamtui" in caught.value.message and ".lock" in caught.value.message
    assert path.read_text() == CONTRACT_EXAMPLE


def test_unwritable_folder_gives_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="Cannot write the config file"):
        add_entry(blocker / "config.toml", Entry("account", ACCOUNT, "x"))


_label_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(_label_text, min_size=1, max_size=5),
    names=st.lists(
        st.from_regex(r"[A-Za-z0-9 ._'\"\\-]{1,20}", fullmatch=True), min_size=1, max_size=5
    ),
)
def test_dumps_round_trips(labels: list[str], names: list[str]) -> None:
    raw = {
        "default_profile": "p",
        "profiles": {"p": {"space": "acme", "project_id": PROJECT}},
        "accounts": [{"sid": ACCOUNT, "label": label} for label in labels[:1]],
        "streams": [
            {"sid": name, "label": label} for name, label in zip(names, labels, strict=False)
        ],
        "targets": [],
    }
    assert tomllib.loads(dumps(raw)) == raw


# Paths and `config path` -----------------------------------------------------------------------


def test_default_paths_follow_the_environment(tmp_path: Path) -> None:
    assert default_config_path({"STREAMTUI_CONFIG": str(tmp_path / "c.toml")}) == (
        tmp_path / "c.toml"
    )
    assert default_config_path({}).name == "config.toml"
    assert "streamtui" in default_config_path({}).parts
    assert state_dir({"STREAMTUI_STATE_DIR": str(tmp_path / "s")}) == tmp_path / "s"
    assert "streamtui" in state_dir({}).parts


def test_ensure_private_dir(tmp_path: Path) -> None:
    made = ensure_private_dir(tmp_path / "a" / "b")
    assert made.is_dir() and stat.S_IMODE(made.stat().st_mode) == 0o700
    os.chmod(made, 0o750)  # noqa: S103 (the user chose a looser mode: it must stay)
    ensure_private_dir(made)  # an existing folder is the user's business
    assert stat.S_IMODE(made.stat().st_mode) == 0o750


def test_config_path_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STREAMTUI_CONFIG", str(tmp_path / "env.toml"))
    assert run_config(argparse.Namespace(action="path")) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'env.toml'}\n"
    assert run_config(argparse.Namespace(action="path", config=str(tmp_path / "x.toml"))) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'x.toml'}\n"
