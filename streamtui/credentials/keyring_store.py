"""The OS keyring, done safely: imported only when needed, every call under a timeout (a locked
Secret Service can wait forever for a prompt nobody sees over SSH), and only a trusted backend
(see `backends`) ever holds or gives a token.

Keyring scheme: service ``streamtui``, username ``<project_id>@<destination>`` (see
`destination`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from streamtui.credentials.backends import (
    ENV_ALLOW_INSECURE_KEYRING,
    BackendInfo,
    describe_backend,
    untrusted,
)
from streamtui.errors import CredentialsError, KeyringUnavailable
from streamtui.secret import Secret

KEYRING_SERVICE = "streamtui"
KEYRING_TIMEOUT = 5.0

T = TypeVar("T")


class TokenStore(Protocol):
    """Where API tokens are kept: the OS keyring (KeyringStore), or a stand-in (demo mode)."""

    def backend_name(self) -> str: ...
    def is_insecure(self) -> bool: ...
    def get(self, username: str) -> Secret | None: ...
    def has(self, username: str) -> bool: ...
    def set(self, username: str, token: Secret) -> str: ...
    def delete(self, username: str) -> bool: ...


class KeyringStore:
    """The OS keyring behind a timeout and a backend check. Holds no token itself."""

    def __init__(
        self,
        *,
        timeout: float = KEYRING_TIMEOUT,
        allow_insecure: bool | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.timeout = timeout
        env = os.environ if env is None else env
        self.allow_insecure = (
            env.get(ENV_ALLOW_INSECURE_KEYRING, "") == "1"
            if allow_insecure is None
            else allow_insecure
        )

    def _backend(self) -> Any:
        """The backend, if it may hold a token; KeyringUnavailable saying why not otherwise."""
        backend = self._found()
        info = describe_backend(backend)
        if not info.trusted and not self.allow_insecure:
            raise untrusted(info)
        return backend

    @staticmethod
    def _found() -> Any:
        """keyring's backend, unless keyring found none at all."""
        import keyring

        backend = keyring.get_keyring()
        if type(backend).__module__.startswith("keyring.backends.fail"):
            raise KeyringUnavailable(
                "No OS keyring is available here (no Secret Service on this session's D-Bus, which "
                "is usual over SSH). Set SIGNALWIRE_API_TOKEN (with SIGNALWIRE_SPACE and "
                "SIGNALWIRE_PROJECT_ID) for this shell, start and unlock a keyring "
                "(e.g. 'dbus-run-session -- bash', then 'gnome-keyring-daemon --unlock'), or in "
                "the TUI enter the token for this session only."
            )
        return backend

    def _info(self) -> BackendInfo:
        return self._run(lambda: describe_backend(self._found()))

    def backend_name(self) -> str:
        """The backend in plain words and why it is the one, or a one-line reason it is unusable."""
        try:
            info = self._info()
        except KeyringUnavailable as exc:
            return f"unavailable ({exc.message.split(':')[0].split('(')[0].strip()})"
        if info.trusted:
            return info.name
        if self.allow_insecure:
            return f"{info.name} (NOT a secure store; allowed by {ENV_ALLOW_INSECURE_KEYRING}=1)"
        return f"{info.name} (refused: not a recommended secure store)"

    def is_insecure(self) -> bool:
        return not self._info().trusted

    def get(self, username: str) -> Secret | None:
        value = self._run(lambda: self._backend().get_password(KEYRING_SERVICE, username))
        return Secret(value) if value else None

    def has(self, username: str) -> bool:
        """Whether an entry exists; its token is dropped at once, never returned or sent."""
        try:
            return self._run(
                lambda: self._backend().get_password(KEYRING_SERVICE, username) is not None
            )
        except KeyringUnavailable:
            return False

    def set(self, username: str, token: Secret) -> str:
        """Store the token; returns the backend in plain words (to tell the user where it went)."""

        def store() -> str:
            backend = self._backend()
            backend.set_password(KEYRING_SERVICE, username, token.reveal())
            return describe_backend(backend).name

        return self._run(store)

    def delete(self, username: str) -> bool:
        """Delete the token; False when there was none."""
        import keyring.errors

        def remove() -> bool:
            try:
                self._backend().delete_password(KEYRING_SERVICE, username)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return self._run(remove)

    def _run(self, call: Callable[[], T]) -> T:
        """Run a keyring call in a daemon thread; give up after `timeout` (it may never return)."""
        result: list[T] = []
        failure: list[BaseException] = []

        def target() -> None:
            try:
                result.append(call())
            except BaseException as exc:  # handed to the caller's thread below
                failure.append(exc)

        thread = threading.Thread(target=target, name="streamtui-keyring", daemon=True)
        thread.start()
        thread.join(self.timeout)
        if thread.is_alive():
            raise KeyringUnavailable(
                f"The OS keyring did not answer within {self.timeout:g} s: it is probably locked "
                "and waiting for an unlock prompt that cannot be shown here. Unlock it, or use "
                "SIGNALWIRE_API_TOKEN, or enter the token for this session only."
            )
        if failure:
            raise _translate(failure[0]) from failure[0]
        return result[0]


def _translate(exc: BaseException) -> BaseException:
    """Each keyring failure as a message that says what happened and what to do."""
    if isinstance(exc, KeyringUnavailable | CredentialsError):
        return exc
    import keyring.errors

    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeyringUnavailable(
            "The OS keyring is locked and cannot be unlocked from here (no prompt can be shown). "
            "Unlock it (for example 'echo -n PASSWORD | gnome-keyring-daemon --unlock'), or use "
            "SIGNALWIRE_API_TOKEN, or enter the token for this session only."
        )
    if isinstance(exc, keyring.errors.InitError):
        return KeyringUnavailable(
            f"The OS keyring could not be opened ({exc}): its collection could not be created or "
            "unlocked without a prompt. Unlock or create it, or use SIGNALWIRE_API_TOKEN."
        )
    if isinstance(exc, keyring.errors.NoKeyringError):
        return KeyringUnavailable(
            "No OS keyring is available here. Set SIGNALWIRE_API_TOKEN for this shell, or start "
            "and unlock a keyring, or enter the token for this session only."
        )
    if isinstance(exc, Exception):
        return KeyringUnavailable(
            f"The OS keyring failed ({type(exc).__name__}: {exc}). Use SIGNALWIRE_API_TOKEN, or "
            "enter the token for this session only."
        )
    return exc
