"""`Session`: what the TUI shows and saves, without the TUI.

The header's destination, where the token comes from, the read-only config, what F8 saves, saved
labels and the recent targets, each checked on a real config file and state folder in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from streamtui.config import Entry, Profile, load_config, save_profile
from streamtui.errors import ConfigError, CredentialsError
from streamtui.secret import Secret
from streamtui.session import Session
from streamtui.target import StopTarget
from tests.support.memory_keyring import MemoryKeyring

PROJECT = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
CONFERENCE = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
OTHER_CONFERENCE = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
STREAM = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
TOKEN = "PTsession-test-token-0123456789"
EMULATOR = "http://127.0.0.1:8080"


def open_session(
    tmp_path: Path,
    *,
    profile: Profile | None = None,
    env: dict[str, str] | None = None,
    base_url: str | None = None,
    name: str | None = None,
) -> Session:
    """A session on `tmp_path/config.toml` (holding `profile`, made the default) and its state."""
    config_path = tmp_path / "config.toml"
    if profile is not None:
        save_profile(config_path, profile, make_default=True)
    session = Session.open(
        config_path=config_path,
        profile=name,
        base_url=base_url,
        state_dir=tmp_path / "state",
        env=env or {},
    )
    session.store = MemoryKeyring()
    return session


ACME = Profile(name="acme", space="acme", project_id=PROJECT)
PROD = Profile(name="prod", space="acme", project_id=PROJECT, production=True)


# -- where requests go -----------------------------------------------------------------------------


def test_where_is_the_profiles_space_host(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME)
    assert session.problem is None
    assert session.profile_name == "acme"
    assert session.where() == "acme.signalwire.com"


def test_where_with_a_base_url_names_the_space_and_the_host_it_goes_via(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME, base_url=EMULATOR)
    assert session.where() == "acme · via 127.0.0.1:8080"
    session.demo = True  # the DEMO badge names the space already
    assert session.where() == "emulator 127.0.0.1:8080"


def test_a_space_base_url_is_shown_as_that_space(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME, base_url="https://other.signalwire.com")
    assert session.where() == "other.signalwire.com"


def test_nothing_configured_says_so(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    assert session.profile is None
    assert session.where() == "no space configured"
    assert session.space_name() is None
    assert session.project_id() is None
    with pytest.raises(CredentialsError):
        session.identity()


def test_space_and_project_typed_in_f8_win_over_the_profile(tmp_path: Path) -> None:
    other_project = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"
    session = open_session(tmp_path, profile=ACME)
    session.session_space, session.session_project = "typed", other_project
    assert session.space_name() == "typed"
    assert session.project_id() == other_project
    assert session.where() == "typed.signalwire.com"


def test_a_space_typed_in_f8_shows_before_the_project_is_known(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    session.session_space = "typed"
    assert session.space_name() == "typed"
    assert session.where() == "typed.signalwire.com"


def test_the_environment_counts_as_the_cli_counts_it(tmp_path: Path) -> None:
    env = {"SIGNALWIRE_SPACE": "envspace", "SIGNALWIRE_PROJECT_ID": PROJECT}
    session = open_session(tmp_path, env=env)
    assert session.where() == "envspace.signalwire.com"
    assert session.project_id() == PROJECT


# -- where the token comes from -------------------------------------------------------------------


def test_token_source_follows_the_cli_order(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME)
    with pytest.raises(CredentialsError):
        session.token_source()

    session.store.set(session.keyring_username(), Secret(TOKEN))
    assert session.token_source() == "keyring"
    assert session.credentials().token.reveal() == TOKEN

    session.session_token = Secret("PTtyped-in-f8-0123456789")
    assert session.token_source() == "this session"

    session.env = {"SIGNALWIRE_API_TOKEN": "PTfrom-the-environment-0123"}
    assert session.token_source() == "environment"


def test_only_a_keyring_token_is_not_at_hand(tmp_path: Path) -> None:
    """The header asks a thread only when the keyring must be asked."""
    session = open_session(tmp_path, profile=ACME)
    session.store.set(session.keyring_username(), Secret(TOKEN))
    assert not session.token_at_hand()
    session.env = {"SIGNALWIRE_TOKEN": "  "}  # blank: the CLI ignores it too
    assert not session.token_at_hand()
    session.env = {"SIGNALWIRE_TOKEN": "PTfrom-the-environment-0123"}
    assert session.token_at_hand()
    session.env = {}
    session.session_token = Secret("PTtyped-in-f8-0123456789")
    assert session.token_at_hand()


def test_the_keyring_entry_is_the_one_for_the_destination(tmp_path: Path) -> None:
    plain = open_session(tmp_path / "a", profile=ACME)
    via = open_session(tmp_path / "b", profile=ACME, base_url=EMULATOR)
    assert plain.keyring_username() != via.keyring_username()  # a token goes only where stored
    via.store.set(plain.keyring_username(), Secret(TOKEN))
    with pytest.raises(CredentialsError, match=r"is not sent to 127\.0\.0\.1:8080"):
        via.credentials()


# -- the profile ----------------------------------------------------------------------------------


def test_production_profiles_ask_for_strict_confirmation(tmp_path: Path) -> None:
    assert not open_session(tmp_path / "a", profile=ACME).strict_confirmation
    prod = open_session(tmp_path / "b", profile=PROD)
    assert prod.production and prod.strict_confirmation


def test_an_unknown_profile_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME, name="nope")
    assert session.profile is None
    assert session.problem is not None and "nope" in session.problem


def test_f8_saves_space_and_project_as_the_default_profile_and_never_the_token(
    tmp_path: Path,
) -> None:
    session = open_session(tmp_path, base_url=EMULATOR)
    session.session_token = Secret(TOKEN)
    assert session.save_profile("acme", PROJECT) == "default"
    assert session.profile_name == "default"
    assert session.where() == "acme · via 127.0.0.1:8080"
    saved = load_config(session.config_path)
    _, profile = saved.profile(None)
    assert profile is not None
    assert (profile.space, profile.project_id, profile.base_url) == ("acme", PROJECT, EMULATOR)
    assert TOKEN not in session.config_path.read_text()


def test_f8_keeps_a_production_profile_production(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=PROD)
    assert session.save_profile("acme-2", PROJECT) == "prod"
    _, profile = load_config(session.config_path).profile("prod")
    assert profile is not None and profile.space == "acme-2"
    assert profile.production and session.strict_confirmation


# -- a config that does not parse -----------------------------------------------------------------


def test_an_unreadable_config_makes_the_session_read_only_and_is_never_written(
    tmp_path: Path,
) -> None:
    config_path = tmp_path / "config.toml"
    original = b'default_profile = "acme"\n[profiles.acme\nspace = "acme"\n'
    config_path.write_bytes(original)
    session = open_session(tmp_path)
    assert session.read_only
    assert session.problem
    entry = Entry("conference", CONFERENCE, "Bridge", parent=PROJECT)
    for save in (
        lambda: session.save_entry(entry),
        lambda: session.save_profile("acme", PROJECT),
    ):
        with pytest.raises(ConfigError, match="read-only"):
            save()
    assert config_path.read_bytes() == original


def test_a_state_folder_others_can_write_is_named_in_the_problem(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o777)
    session = open_session(tmp_path, profile=ACME)
    assert session.problem is not None
    assert "History and recent targets are not saved" in session.problem
    assert "chmod go-w" in session.problem


# -- saved labels and recent targets --------------------------------------------------------------


def test_a_saved_stream_name_labels_only_its_own_conference(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME)
    session.save_entry(Entry("stream", "feed-x", "Feed X", parent=CONFERENCE))
    session.save_entry(Entry("conference", CONFERENCE, "Bridge", parent=PROJECT))
    assert session.label_for("stream", "feed-x", CONFERENCE) == "Feed X"
    assert session.label_for("stream", "feed-x", OTHER_CONFERENCE) == ""
    assert [e.label for e in session.entries("stream")] == ["Feed X"]

    target = session.labelled(StopTarget.parse(PROJECT, CONFERENCE, "feed-x"))
    assert (target.conference_label, target.stream_label) == ("Bridge", "Feed X")
    elsewhere = session.labelled(StopTarget.parse(PROJECT, OTHER_CONFERENCE, "feed-x"))
    assert (elsewhere.conference_label, elsewhere.stream_label) == ("", "")

    reopened = open_session(tmp_path)  # what was saved is in the file, not only in memory
    assert reopened.label_for("stream", "feed-x", CONFERENCE) == "Feed X"


def test_remember_orders_the_pickers_and_sets_the_next_prefill(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME)
    first = StopTarget.parse(PROJECT, CONFERENCE, STREAM)
    last = StopTarget.parse(PROJECT, OTHER_CONFERENCE, "feed-x")
    session.remember(first, last)
    assert set(session.recency("conference")) == {CONFERENCE, OTHER_CONFERENCE}
    assert set(session.recency("stream")) == {STREAM, "feed-x"}
    assert session.state.last_target() == (PROJECT, OTHER_CONFERENCE, "feed-x")


def test_the_history_is_the_state_folders_audit_log(tmp_path: Path) -> None:
    session = open_session(tmp_path, profile=ACME)
    assert session.history_path == tmp_path / "state" / "history.jsonl"
    assert session.history is session.history  # opened once
    assert session.history.read() == []
