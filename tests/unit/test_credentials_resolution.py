"""Unit tests of credential resolution from flags, environment and profile (no real keyring),
and of the Secret wrapper that keeps the token out of reprs, logs and pickles."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import pytest

from streamtui.credentials import (
    Credentials,
    KeyringStore,
    PartialCredentials,
    keyring_username,
    resolve,
    resolve_identity,
)
from streamtui.errors import CredentialsError
from streamtui.secret import Secret

PROJECT = "9d3c5f0e-1b2a-4c3d-8e4f-5a6b7c8d9e0f"
OTHER_PROJECT = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
THIRD_PROJECT = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
TOKEN = "PT0123456789abcdefWXYZ"


@dataclass
class Profile:
    space: str | None = None
    project_id: str | None = None
    base_url: str | None = None


class NoStore(KeyringStore):
    """A keyring that must not be touched (an env or session token wins)."""

    def __init__(self) -> None:
        super().__init__(allow_insecure=False, env={})

    def get(self, username: str) -> Secret | None:
        raise AssertionError("the keyring must not be read")


class EmptyStore(KeyringStore):
    """A keyring with nothing stored in it."""

    def __init__(self) -> None:
        super().__init__(allow_insecure=False, env={})
        self.asked: list[str] = []

    def get(self, username: str) -> Secret | None:
        self.asked.append(username)
        return None

    def backend_name(self) -> str:
        return "fake"


# --------------------------------------------------------------------------------------------
# Identity: space, project ID, base URL


def test_flags_alone() -> None:
    identity = resolve_identity(space="acme", project_id=PROJECT.upper(), env={})
    assert isinstance(identity, PartialCredentials)
    assert identity.base_url == "https://acme.signalwire.com"
    assert identity.space == "acme"
    assert identity.project_id == PROJECT
    assert identity.sources == {
        "space": "--space",
        "project_id": "--project-id",
        "base_url": "space",
    }


def test_environment_alone() -> None:
    env = {"SIGNALWIRE_SPACE": "ACME.signalwire.com", "SIGNALWIRE_PROJECT_ID": f" {PROJECT}\n"}
    identity = resolve_identity(env=env)
    assert identity.space == "acme"
    assert identity.project_id == PROJECT
    assert identity.sources["space"] == "environment (SIGNALWIRE_SPACE)"
    assert identity.sources["project_id"] == "environment (SIGNALWIRE_PROJECT_ID)"


def test_profile_alone() -> None:
    identity = resolve_identity(profile=Profile("acme", PROJECT), profile_name="prod", env={})
    assert identity.space == "acme"
    assert identity.project_id == PROJECT
    assert identity.profile == "prod"
    assert identity.sources["space"] == "profile 'prod'"
    assert identity.sources["project_id"] == "profile 'prod'"


def test_flags_beat_environment_beats_profile() -> None:
    env = {"SIGNALWIRE_SPACE": "envspace", "SIGNALWIRE_PROJECT_ID": OTHER_PROJECT}
    profile = Profile("profilespace", THIRD_PROJECT)
    both = resolve_identity(
        space="flagspace", project_id=PROJECT, profile=profile, profile_name="p", env=env
    )
    assert (both.space, both.project_id) == ("flagspace", PROJECT)
    no_flags = resolve_identity(profile=profile, profile_name="p", env=env)
    assert (no_flags.space, no_flags.project_id) == ("envspace", OTHER_PROJECT)
    profile_only = resolve_identity(profile=profile, profile_name="p", env={})
    assert (profile_only.space, profile_only.project_id) == ("profilespace", THIRD_PROJECT)


def test_each_part_resolves_on_its_own() -> None:
    env = {"SIGNALWIRE_PROJECT_ID": OTHER_PROJECT}
    identity = resolve_identity(profile=Profile("acme", PROJECT), profile_name="p", env=env)
    assert identity.space == "acme"
    assert identity.project_id == OTHER_PROJECT
    assert identity.sources["space"] == "profile 'p'"
    assert identity.sources["project_id"] == "environment (SIGNALWIRE_PROJECT_ID)"


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_blank_environment_values_are_ignored(blank: str) -> None:
    env = {"SIGNALWIRE_SPACE": blank, "SIGNALWIRE_PROJECT_ID": blank}
    identity = resolve_identity(profile=Profile("acme", PROJECT), profile_name="p", env=env)
    assert identity.space == "acme"
    assert identity.project_id == PROJECT


@pytest.mark.parametrize(
    "value",
    [
        "https://acme.signalwire.com",
        "https://acme.signalwire.com/",
        "acme.signalwire.com",
        "acme",
        "HTTPS://ACME.SIGNALWIRE.COM",
    ],
)
def test_signalwire_space_url_alias(value: str) -> None:
    identity = resolve_identity(
        env={"SIGNALWIRE_SPACE_URL": value, "SIGNALWIRE_PROJECT_ID": PROJECT}
    )
    assert identity.space == "acme"
    assert identity.base_url == "https://acme.signalwire.com"
    assert identity.sources["space"] == "environment (SIGNALWIRE_SPACE_URL)"


def test_signalwire_space_beats_space_url() -> None:
    env = {
        "SIGNALWIRE_SPACE": "first",
        "SIGNALWIRE_SPACE_URL": "https://second.signalwire.com",
        "SIGNALWIRE_PROJECT_ID": PROJECT,
    }
    assert resolve_identity(env=env).space == "first"


@pytest.mark.parametrize(
    "value",
    [
        "https://acme.evil.com",
        "https://acme.signalwire.com.evil.com",
        "https://user@acme.signalwire.com",
        "https://acme.signalwire.com:8443",
        "acme.evil.com",
    ],
)
def test_space_url_elsewhere_is_refused(value: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_identity(env={"SIGNALWIRE_SPACE_URL": value, "SIGNALWIRE_PROJECT_ID": PROJECT})
    assert "acme.signalwire.com" in caught.value.message  # says what a valid space looks like
    assert caught.value.exit_code == 2


def test_a_flag_space_is_not_taken_as_url() -> None:
    with pytest.raises(CredentialsError):
        resolve_identity(space="https://acme.signalwire.com", project_id=PROJECT, env={})


def test_streamtui_base_url_replaces_the_space() -> None:
    env = {"STREAMTUI_BASE_URL": "http://127.0.0.1:8080/", "SIGNALWIRE_PROJECT_ID": PROJECT}
    identity = resolve_identity(space="acme", env=env)
    assert identity.base_url == "http://127.0.0.1:8080"
    assert identity.space == "acme"
    assert identity.sources["base_url"] == "environment (STREAMTUI_BASE_URL)"


def test_base_url_without_any_space() -> None:
    identity = resolve_identity(base_url="https://proxy.example.com", project_id=PROJECT, env={})
    assert identity.space is None
    assert identity.base_url == "https://proxy.example.com"
    assert identity.sources["base_url"] == "--base-url"
    assert identity.keyring_username == f"{PROJECT}@proxy.example.com:443"  # port explicit


def test_base_url_flag_beats_environment() -> None:
    env = {"STREAMTUI_BASE_URL": "http://127.0.0.1:1", "SIGNALWIRE_PROJECT_ID": PROJECT}
    identity = resolve_identity(base_url="http://[::1]:2", env=env)
    assert identity.base_url == "http://[::1]:2"
    assert identity.sources["base_url"] == "--base-url"


@pytest.mark.parametrize(
    ("value", "wording"),
    [
        ("http://acme.signalwire.com", "plain http"),
        ("http://10.1.2.3:8080", "plain http"),
        ("https://acme.signalwire.com/api", "only scheme, host and port"),
        ("https://user:pw@acme.signalwire.com", "credentials"),
        ("ftp://127.0.0.1", "https://host"),
    ],
)
def test_streamtui_base_url_is_validated(value: str, wording: str) -> None:
    env = {"STREAMTUI_BASE_URL": value, "SIGNALWIRE_PROJECT_ID": PROJECT}
    with pytest.raises(CredentialsError) as caught:
        resolve_identity(space="acme", env=env)
    assert wording in caught.value.message


def test_missing_space_names_the_variable() -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_identity(project_id=PROJECT, env={})
    assert "SIGNALWIRE_SPACE" in caught.value.message
    assert "auth login" in caught.value.message
    assert caught.value.exit_code == 2


def test_missing_project_names_the_variable() -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_identity(env={"SIGNALWIRE_SPACE": "acme"})
    assert "SIGNALWIRE_PROJECT_ID" in caught.value.message


def test_profile_with_only_a_space_still_needs_a_project() -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_identity(profile=Profile("acme", None), profile_name="p", env={})
    assert "SIGNALWIRE_PROJECT_ID" in caught.value.message


@pytest.mark.parametrize("bad", ["b3877c40-da60-4998-90ad-b792e98472st", "not-a-uuid"])
def test_invalid_project_id_is_a_credentials_error(bad: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_identity(env={"SIGNALWIRE_SPACE": "acme", "SIGNALWIRE_PROJECT_ID": bad})
    assert "Project ID" in caught.value.message
    assert "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f" in caught.value.message


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALWIRE_SPACE", "fromenviron")
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", PROJECT)
    monkeypatch.delenv("STREAMTUI_BASE_URL", raising=False)
    monkeypatch.delenv("SIGNALWIRE_SPACE_URL", raising=False)
    assert resolve_identity().space == "fromenviron"


# --------------------------------------------------------------------------------------------
# The token (environment or this session; the keyring part is tested elsewhere)

IDENTITY_ENV = {"SIGNALWIRE_SPACE": "acme", "SIGNALWIRE_PROJECT_ID": PROJECT}


@pytest.mark.parametrize("name", ["SIGNALWIRE_API_TOKEN", "SIGNALWIRE_TOKEN"])
def test_token_from_the_environment(name: str) -> None:
    creds = resolve(env={**IDENTITY_ENV, name: f"  {TOKEN}\n"}, store=NoStore())
    assert isinstance(creds, Credentials)
    assert creds.token.reveal() == TOKEN
    assert creds.sources["token"] == f"environment ({name})"
    assert creds.base_url == "https://acme.signalwire.com"
    assert creds.project_id == PROJECT
    assert creds.where == "acme.signalwire.com"


def test_api_token_beats_the_token_alias() -> None:
    env = {**IDENTITY_ENV, "SIGNALWIRE_API_TOKEN": "first-token", "SIGNALWIRE_TOKEN": "second"}
    creds = resolve(env=env, store=NoStore())
    assert creds.token.reveal() == "first-token"


def test_environment_token_beats_the_session_token() -> None:
    env = {**IDENTITY_ENV, "SIGNALWIRE_API_TOKEN": "env-token"}
    creds = resolve(env=env, store=NoStore(), session_token=Secret("session-token"))
    assert creds.token.reveal() == "env-token"


def test_session_token_is_used_without_touching_the_keyring() -> None:
    creds = resolve(env=IDENTITY_ENV, store=NoStore(), session_token=Secret(TOKEN))
    assert creds.token.reveal() == TOKEN
    assert "session" in creds.sources["token"]
    assert "not stored" in creds.sources["token"]


def test_identity_flags_still_win_with_an_env_token() -> None:
    env = {**IDENTITY_ENV, "SIGNALWIRE_API_TOKEN": TOKEN}
    creds = resolve(space="other", project_id=OTHER_PROJECT, env=env, store=NoStore())
    assert creds.space == "other"
    assert creds.project_id == OTHER_PROJECT
    assert creds.base_url == "https://other.signalwire.com"
    assert creds.sources["space"] == "--space"


@pytest.mark.parametrize("bad", ["PT abc def", "PT\x1b[31mabc", "tok\nen"])
def test_invalid_environment_token_names_the_variable(bad: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve(env={**IDENTITY_ENV, "SIGNALWIRE_TOKEN": bad}, store=NoStore())
    assert caught.value.message.startswith("SIGNALWIRE_TOKEN:")
    assert "abc" not in caught.value.message


def test_no_token_anywhere_names_the_variable_and_the_login() -> None:
    store = EmptyStore()
    with pytest.raises(CredentialsError) as caught:
        resolve(env=IDENTITY_ENV, store=store, profile_name="prod")
    message = caught.value.message
    assert "SIGNALWIRE_API_TOKEN" in message
    assert "streamtui auth login --profile prod" in message
    assert PROJECT in message
    assert store.asked == [f"{PROJECT}@acme"]


def test_missing_identity_is_reported_before_the_token() -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve(env={"SIGNALWIRE_API_TOKEN": TOKEN}, store=NoStore())
    assert "SIGNALWIRE_SPACE" in caught.value.message


def test_credentials_where_for_an_explicit_base_url() -> None:
    env = {
        **IDENTITY_ENV,
        "SIGNALWIRE_API_TOKEN": TOKEN,
        "STREAMTUI_BASE_URL": "http://127.0.0.1:9",
    }
    creds = resolve(env=env, store=NoStore())
    assert creds.where == "127.0.0.1:9"
    assert creds.keyring_username == f"{PROJECT}@127.0.0.1:9"  # never the space's entry


def test_credentials_repr_never_shows_the_token() -> None:
    creds = resolve(env={**IDENTITY_ENV, "SIGNALWIRE_API_TOKEN": TOKEN}, store=NoStore())
    assert TOKEN not in repr(creds)
    assert TOKEN not in str(creds)
    assert "****WXYZ" in repr(creds)


def test_keyring_username() -> None:
    assert keyring_username(PROJECT, "acme") == f"{PROJECT}@acme"
    assert keyring_username(PROJECT, None, "http://127.0.0.1:8080") == f"{PROJECT}@127.0.0.1:8080"
    assert keyring_username(PROJECT, None) == f"{PROJECT}@unknown"


@pytest.mark.parametrize(
    ("space", "base_url", "name"),
    [
        ("acme", None, "acme"),
        ("acme", "https://acme.signalwire.com", "acme"),  # the space's own destination
        ("acme", "https://ACME.signalwire.com:443", "acme"),
        (None, "https://acme.signalwire.com", "acme"),
        ("acme", "http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("acme", "https://acme.signalwire.com:8443", "acme.signalwire.com:8443"),
        ("acme", "https://other.signalwire.com", "other"),
        ("acme", "https://Proxy.Example.com", "proxy.example.com:443"),
        ("acme", "https://proxy.example.com:443", "proxy.example.com:443"),
        ("acme", "http://[::1]:9", "[::1]:9"),
        ("acme", "http://[0:0::1]:9", "[::1]:9"),
        ("acme", "http://localhost:9", "127.0.0.1:9"),
        ("acme", "http://127.0.0.1", "127.0.0.1:80"),
        ("acme", "https://bücher.example", "xn--bcher-kva.example:443"),
    ],
)
def test_keyring_username_names_the_destination(
    space: str | None, base_url: str | None, name: str
) -> None:
    assert keyring_username(PROJECT, space, base_url) == f"{PROJECT}@{name}"


class DictStore(EmptyStore):
    """A keyring holding some entries; records what was asked."""

    def __init__(self, entries: dict[str, str]) -> None:
        super().__init__()
        self.entries = entries

    def get(self, username: str) -> Secret | None:
        self.asked.append(username)
        value = self.entries.get(username)
        return Secret(value) if value else None

    def has(self, username: str) -> bool:
        return username in self.entries


LOCAL = "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ({"env": {"STREAMTUI_BASE_URL": LOCAL}}, "STREAMTUI_BASE_URL"),
        ({"base_url": LOCAL}, "--base-url"),
        ({"profile": Profile("acme", PROJECT, LOCAL), "profile_name": "prod"}, "profile 'prod'"),
    ],
    ids=["environment", "flag", "profile"],
)
def test_the_space_token_is_never_used_for_an_explicit_base_url(
    where: dict[str, Any], source: str
) -> None:
    store = DictStore({f"{PROJECT}@acme": TOKEN})
    env = {**IDENTITY_ENV, **where.pop("env", {})}
    with pytest.raises(CredentialsError) as caught:
        resolve(env=env, store=store, **where)
    message = caught.value.message
    assert store.asked == [f"{PROJECT}@127.0.0.1:8080"]  # the space's entry is never read
    assert "The token stored for acme is not sent to 127.0.0.1:8080" in message
    assert f"streamtui auth login --base-url {LOCAL}" in message
    assert source in message  # where the base URL came from, so the user can remove it
    assert TOKEN not in message


def test_a_token_stored_for_the_host_is_used_for_that_host_only() -> None:
    store = DictStore({f"{PROJECT}@acme": "space-token-0000", f"{PROJECT}@127.0.0.1:8080": TOKEN})
    creds = resolve(env={**IDENTITY_ENV, "STREAMTUI_BASE_URL": LOCAL}, store=store)
    assert creds.token.reveal() == TOKEN
    assert creds.where == "127.0.0.1:8080"
    assert f"{PROJECT}@127.0.0.1:8080" in creds.sources["token"]
    other_port = {**IDENTITY_ENV, "STREAMTUI_BASE_URL": "http://127.0.0.1:8081"}
    with pytest.raises(CredentialsError):  # another port is another destination
        resolve(env=other_port, store=store)
    assert store.asked[-1] == f"{PROJECT}@127.0.0.1:8081"


def test_no_token_for_the_host_and_none_for_the_space_says_how_to_store_one() -> None:
    store = DictStore({})
    with pytest.raises(CredentialsError) as caught:
        resolve(env={**IDENTITY_ENV, "STREAMTUI_BASE_URL": LOCAL}, store=store)
    message = caught.value.message
    assert "127.0.0.1:8080" in message
    assert f"--base-url {LOCAL}" in message
    assert "not sent" not in message  # nothing stored for the space: nothing to warn about


def test_the_tui_session_resolves_through_the_same_function(tmp_path: Any) -> None:
    from streamtui.session import Session

    config = tmp_path / "config.toml"
    config.write_text(f'[profiles.prod]\nspace = "acme"\nproject_id = "{PROJECT}"\n')
    env = {"STREAMTUI_BASE_URL": LOCAL}
    session = Session.open(config_path=config, profile="prod", state_dir=tmp_path, env=env)
    session.store = DictStore({f"{PROJECT}@acme": TOKEN})
    assert session.where() == "acme · via 127.0.0.1:8080"  # the space, and the host it goes to
    with pytest.raises(CredentialsError) as caught:
        session.credentials()
    assert "is not sent to 127.0.0.1:8080" in caught.value.message
    assert session.keyring_username() == f"{PROJECT}@127.0.0.1:8080"


# --------------------------------------------------------------------------------------------
# Secret


def test_secret_never_shows_the_token() -> None:
    secret = Secret(TOKEN)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret!s}",
        "%s" % secret,  # noqa: UP031
        "%r" % secret,  # noqa: UP031
        "{}".format(secret),  # noqa: UP032
        repr([secret]),
        repr({"token": secret}),
    ]
    for text in shown:
        assert TOKEN not in text
        assert TOKEN[:-4] not in text
    assert secret.reveal() == TOKEN


def test_masked_shows_last_four_only_for_long_tokens() -> None:
    assert Secret(TOKEN).masked() == "****WXYZ"
    assert str(Secret(TOKEN)) == "****WXYZ"
    assert repr(Secret(TOKEN)) == "Secret(****WXYZ)"
    assert Secret("short").masked() == "****"
    assert Secret("elevenchars").masked() == "****"
    assert Secret("twelve-chars").masked() == "****hars"
    assert Secret("").masked() == "****"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_secret_cannot_be_pickled(protocol: int) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(TOKEN), protocol=protocol)


def test_secret_cannot_be_copied_into_a_pickle_through_a_container() -> None:
    with pytest.raises(TypeError):
        pickle.dumps({"creds": [Secret(TOKEN)]})


def test_secret_has_no_dict_to_leak() -> None:
    secret = Secret(TOKEN)
    assert not hasattr(secret, "__dict__")
    with pytest.raises(AttributeError):
        secret.other = 1  # type: ignore[attr-defined]


def test_secret_equality_hash_and_truth() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert hash(Secret("a")) == hash(Secret("a"))
    assert bool(Secret("a"))
    assert not bool(Secret(""))


def test_secret_in_an_exception_message() -> None:
    error: Any = CredentialsError(f"token {Secret(TOKEN)} rejected")
    assert TOKEN not in str(error)
