"""The OS keyring, for real: gnome-keyring's Secret Service in a private D-Bus session.

Each situation of shared/recipes/secret-service.md must become a clear KeyringUnavailable (never a
hang, never a plaintext file), and the token must round-trip through the real daemon.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from streamtui.credentials import KEYRING_SERVICE, KeyringStore, resolve
from streamtui.errors import CredentialsError, KeyringUnavailable
from streamtui.secret import Secret
from tests.support.secret_service import SecretService, secret_service

TOKEN = Secret("PT-real-keyring-token-0123456789abcdef")
PROJECT = "5f1c2a9e-7b3d-4e8a-9c61-0d2f4b8a7e13"
USERNAME = f"{PROJECT}@acme"


@pytest.fixture(autouse=True)
def restore_backend() -> Iterator[None]:
    """keyring discovers its backends once per process, so in-process tests name the backend
    they use (the CLI tests in test_cli_auth.py run fresh processes and cover discovery)."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def real_keyring(secret_service: SecretService) -> SecretService:
    """The Secret Service backend, talking to the real gnome-keyring of `secret_service`."""
    from keyring.backends import SecretService as backend

    keyring.set_keyring(backend.Keyring())
    return secret_service


def secret_tool_lookup(service: SecretService) -> str:
    done = subprocess.run(
        ["secret-tool", "lookup", "service", KEYRING_SERVICE, "username", USERNAME],
        env=service.env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return done.stdout


def test_store_read_delete_through_the_real_daemon(real_keyring: SecretService) -> None:
    store = KeyringStore()
    assert "Secret Service" in store.backend_name()
    assert store.get(USERNAME) is None
    backend = store.set(USERNAME, TOKEN)
    assert "Secret Service" in backend
    # Seen from outside Python, in the daemon itself.
    assert secret_tool_lookup(real_keyring) == TOKEN.reveal()
    assert store.get(USERNAME) == TOKEN
    assert store.delete(USERNAME) is True
    assert secret_tool_lookup(real_keyring) == ""
    assert store.delete(USERNAME) is False


def test_resolve_reads_the_token_from_the_keyring(real_keyring: SecretService) -> None:
    store = KeyringStore()
    store.set(USERNAME, TOKEN)
    creds = resolve(space="acme", project_id=PROJECT, env={}, store=store)
    assert creds.token == TOKEN
    assert creds.sources["token"].startswith("OS keyring (GNOME Keyring / Secret Service")


def test_no_file_under_home_holds_the_token(real_keyring: SecretService) -> None:
    KeyringStore().set(USERNAME, TOKEN)
    needle = TOKEN.reveal().encode()
    for path in Path(real_keyring.home).rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), path


def test_a_locked_keyring_is_a_clear_error_fast(real_keyring: SecretService) -> None:
    store = KeyringStore(timeout=5)
    store.set(USERNAME, TOKEN)
    real_keyring.lock()
    started = time.monotonic()
    with pytest.raises(KeyringUnavailable) as caught:
        store.get(USERNAME)
    assert time.monotonic() - started < 5
    assert "locked" in caught.value.message
    assert "SIGNALWIRE_API_TOKEN" in caught.value.message


def test_a_collection_that_cannot_be_created_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with secret_service(unlocked=False) as service:
        for name, value in service.env.items():
            monkeypatch.setenv(name, value)
        from keyring.backends import SecretService as backend

        keyring.set_keyring(backend.Keyring())
        with pytest.raises(KeyringUnavailable) as caught:
            KeyringStore(timeout=5).set(USERNAME, TOKEN)
        assert "SIGNALWIRE_API_TOKEN" in caught.value.message


def test_no_secret_service_on_the_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typical SSH login: no D-Bus session, so keyring's discovery ends on its fail backend."""
    from keyring.backends import fail

    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    keyring.set_keyring(fail.Keyring())
    store = KeyringStore()
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(USERNAME, TOKEN)
    assert "SIGNALWIRE_API_TOKEN" in caught.value.message
    assert store.backend_name().startswith("unavailable")
    with pytest.raises(CredentialsError, match="SIGNALWIRE_API_TOKEN"):
        resolve(space="acme", project_id=PROJECT, env={}, store=store)


class PlaintextLike(keyring.backend.KeyringBackend):
    """Stands for keyrings.alt's plaintext file: works, but is not recommended."""

    priority = 0.5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


def test_a_backend_that_is_not_recommended_is_refused_unless_allowed() -> None:
    backend = PlaintextLike()
    keyring.set_keyring(backend)
    with pytest.raises(KeyringUnavailable) as caught:
        KeyringStore(allow_insecure=False).set(USERNAME, TOKEN)
    assert "not a recommended" in caught.value.message
    assert backend.values == {}
    allowed = KeyringStore(allow_insecure=True)
    allowed.set(USERNAME, TOKEN)
    assert allowed.is_insecure()
    assert backend.values[(KEYRING_SERVICE, USERNAME)] == TOKEN.reveal()


class Hanging(keyring.backend.KeyringBackend):
    """A Secret Service waiting for an unlock prompt that nobody can see."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    set_password = delete_password = get_password  # type: ignore[assignment]


def test_a_hanging_keyring_times_out() -> None:
    backend = Hanging()
    keyring.set_keyring(backend)
    started = time.monotonic()
    try:
        with pytest.raises(KeyringUnavailable) as caught:
            KeyringStore(timeout=0.3, allow_insecure=True).get(USERNAME)
    finally:
        backend.release.set()
    assert time.monotonic() - started < 2
    assert "did not answer within 0.3 s" in caught.value.message


def test_environment_token_never_touches_the_keyring() -> None:
    backend = Hanging()
    keyring.set_keyring(backend)
    try:
        creds = resolve(
            space="acme",
            project_id=PROJECT,
            env={"SIGNALWIRE_API_TOKEN": TOKEN.reveal()},
            store=KeyringStore(timeout=0.3),
        )
    finally:
        backend.release.set()
    assert creds.token == TOKEN


def test_the_backend_is_named_in_plain_words_with_the_reason(real_keyring: SecretService) -> None:
    store = KeyringStore()
    name = store.backend_name()
    assert name == "GNOME Keyring / Secret Service, the system's keyring"
    assert name == store.set(USERNAME, TOKEN)
    assert not store.is_insecure()


class ClaimsSecure(PlaintextLike):
    """A backend that claims the highest priority: a claim is not a proof of a secure store."""

    priority = 100  # type: ignore[assignment]


def test_a_backend_claiming_a_high_priority_is_not_trusted() -> None:
    backend = ClaimsSecure()
    keyring.set_keyring(backend)
    store = KeyringStore(allow_insecure=False)
    with pytest.raises(KeyringUnavailable) as caught:
        store.set(USERNAME, TOKEN)
    assert "not a recommended" in caught.value.message
    assert "STREAMTUI_ALLOW_INSECURE_KEYRING" in caught.value.message
    assert backend.values == {}
    with pytest.raises(KeyringUnavailable):
        store.get(USERNAME)
    assert KeyringStore(allow_insecure=True).is_insecure()


def test_a_subclass_of_a_secure_backend_is_not_trusted() -> None:
    """Trust goes to the OS stores keyring ships, by their exact class, not to look-alikes."""
    from keyring.backends import SecretService as secret_service_backend

    class LookAlike(secret_service_backend.Keyring):
        priority = 100  # type: ignore[assignment]

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("a look-alike must never receive the token")

    keyring.set_keyring(LookAlike())
    with pytest.raises(KeyringUnavailable) as caught:
        KeyringStore(allow_insecure=False).set(USERNAME, TOKEN)
    assert "not a recommended" in caught.value.message
