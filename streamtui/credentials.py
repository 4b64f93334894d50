"""Where the space, project ID and token come from, and the OS keyring done safely.

Resolution order: explicit flags, then the `SIGNALWIRE_*` environment variables, then the profile
in the config plus the token from the OS keyring. The keyring is imported only when needed (it
costs ~90 ms), every call to it runs under a timeout (a locked Secret Service can wait forever for
a prompt nobody sees over SSH), and a backend that is not recommended (such as keyrings.alt's
plaintext file) is refused unless the user opted in.

Keyring scheme: service ``streamtui``, username ``<project_id>@<space>``
(``<project_id>@<host:port>`` for an explicit base URL), so renaming a profile never loses its
token.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from streamtui.errors import CredentialsError, InvalidInput, KeyringUnavailable
from streamtui.secret import Secret
from streamtui.validation import (
    space_url,
    validate_base_url,
    validate_project_id,
    validate_space,
    validate_token,
)

KEYRING_SERVICE = "streamtui"
KEYRING_TIMEOUT = 5.0
ENV_SPACE = ("SIGNALWIRE_SPACE", "SIGNALWIRE_SPACE_URL")
ENV_PROJECT_ID = ("SIGNALWIRE_PROJECT_ID",)
ENV_TOKEN = ("SIGNALWIRE_API_TOKEN", "SIGNALWIRE_TOKEN")
ENV_BASE_URL = "STREAMTUI_BASE_URL"
ENV_ALLOW_INSECURE_KEYRING = "STREAMTUI_ALLOW_INSECURE_KEYRING"

T = TypeVar("T")


if TYPE_CHECKING:  # a Protocol class costs start-up time; only the type checker needs it

    class ProfileLike(Protocol):
        @property
        def space(self) -> str | None: ...
        @property
        def project_id(self) -> str | None: ...
        @property
        def base_url(self) -> str | None: ...


def _env(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value, name
    return None


def _space_from_env(value: str) -> str:
    """SIGNALWIRE_SPACE_URL is often written as a URL: take its host."""
    if "://" in value:
        value = urlsplit(value).netloc or value
    return validate_space(value.rstrip("/"))


def keyring_username(project_id: str, space: str | None, base_url: str | None = None) -> str:
    if space:
        return f"{project_id}@{space}"
    netloc = urlsplit(base_url or "").netloc
    return f"{project_id}@{netloc or 'unknown'}"


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
        import keyring
        import keyring.core

        backend = keyring.get_keyring()
        name = self.describe(backend)
        if type(backend).__module__.startswith("keyring.backends.fail"):
            raise KeyringUnavailable(
                "No OS keyring is available here (no Secret Service on this session's D-Bus, which "
                "is usual over SSH). Set SIGNALWIRE_API_TOKEN (with SIGNALWIRE_SPACE and "
                "SIGNALWIRE_PROJECT_ID) for this shell, start and unlock a keyring "
                "(e.g. `dbus-run-session -- bash`, then `gnome-keyring-daemon --unlock`), or in "
                "the TUI enter the token for this session only."
            )
        if not keyring.core.recommended(backend) and not self.allow_insecure:
            raise KeyringUnavailable(
                f"The keyring backend here is {name}, which is not a recommended (secure) store: "
                "it may keep the token in a plain file. streamtui will not store a token there. "
                "Use SIGNALWIRE_API_TOKEN instead, or set "
                f"{ENV_ALLOW_INSECURE_KEYRING}=1 to accept that backend knowingly."
            )
        return backend

    @staticmethod
    def describe(backend: Any) -> str:
        return f"{type(backend).__module__}.{type(backend).__name__}".removeprefix(
            "keyring.backends."
        )

    def backend_name(self) -> str:
        """The backend's name, or a one-line reason it is unusable."""
        try:
            return self.describe(self._run(self._backend))
        except KeyringUnavailable as exc:
            return f"unavailable ({exc.message.split(':')[0].split('(')[0].strip()})"

    def is_insecure(self) -> bool:
        import keyring.core

        return not keyring.core.recommended(self._run(lambda: __import__("keyring").get_keyring()))

    def get(self, username: str) -> Secret | None:
        value = self._run(lambda: self._backend().get_password(KEYRING_SERVICE, username))
        return Secret(value) if value else None

    def set(self, username: str, token: Secret) -> str:
        """Store the token; returns the backend's name (to tell the user where it went)."""

        def store() -> str:
            backend = self._backend()
            backend.set_password(KEYRING_SERVICE, username, token.reveal())
            return self.describe(backend)

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
            "Unlock it (for example `echo -n PASSWORD | gnome-keyring-daemon --unlock`), or use "
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


@dataclass(frozen=True)
class Credentials:
    """Everything a request needs, and where each part came from (for `auth status`)."""

    base_url: str
    project_id: str
    token: Secret
    space: str | None = None
    profile: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def keyring_username(self) -> str:
        return keyring_username(self.project_id, self.space, self.base_url)

    @property
    def where(self) -> str:
        """What the user should see as the destination: the space, or the explicit host."""
        if self.base_url == (space_url(self.space) if self.space else None):
            return f"{self.space}.signalwire.com"
        return urlsplit(self.base_url).netloc


@dataclass(frozen=True)
class PartialCredentials:
    """Space, project ID and base URL resolved; the token still to find."""

    base_url: str
    project_id: str
    space: str | None
    profile: str | None
    sources: dict[str, str]

    def with_token(self, token: Secret, source: str) -> Credentials:
        return Credentials(
            self.base_url,
            self.project_id,
            token,
            self.space,
            self.profile,
            {**self.sources, "token": source},
        )

    @property
    def keyring_username(self) -> str:
        return keyring_username(self.project_id, self.space, self.base_url)


def resolve_identity(
    *,
    space: str | None = None,
    project_id: str | None = None,
    base_url: str | None = None,
    profile: ProfileLike | None = None,
    profile_name: str | None = None,
    env: Mapping[str, str] | None = None,
) -> PartialCredentials:
    """Space, project ID and base URL by the resolution order; CredentialsError if missing."""
    env = os.environ if env is None else env
    sources: dict[str, str] = {}

    def pick(
        flag: str | None,
        flag_name: str,
        env_names: tuple[str, ...],
        from_profile: str | None,
        key: str,
    ) -> str | None:
        if flag:
            sources[key] = flag_name
            return flag
        found = _env(env, env_names)
        if found:
            sources[key] = f"environment ({found[1]})"
            return found[0]
        if from_profile:
            sources[key] = f"profile {profile_name!r}"
            return from_profile
        return None

    try:
        raw_space = pick(space, "--space", ENV_SPACE, profile.space if profile else None, "space")
        if raw_space is not None and sources["space"].startswith("environment"):
            space_name: str | None = _space_from_env(raw_space)
        else:
            space_name = validate_space(raw_space) if raw_space else None
        raw_project = pick(
            project_id,
            "--project-id",
            ENV_PROJECT_ID,
            profile.project_id if profile else None,
            "project_id",
        )
        env_base = env.get(ENV_BASE_URL, "").strip() or None
        profile_base = profile.base_url if profile is not None else None
        explicit_base = base_url or env_base or profile_base
        if explicit_base:
            sources["base_url"] = (
                "--base-url"
                if base_url
                else f"environment ({ENV_BASE_URL})"
                if env_base
                else f"profile {profile_name!r}"
            )
            resolved_base = validate_base_url(explicit_base)
        elif space_name:
            resolved_base = space_url(space_name)
            sources["base_url"] = "space"
        else:
            raise CredentialsError(
                "No SignalWire space: set SIGNALWIRE_SPACE (e.g. 'acme' for acme.signalwire.com), "
                "or run `streamtui auth login --space acme --project-id <uuid>` to save a profile."
            )
        if not raw_project:
            raise CredentialsError(
                "No project ID: set SIGNALWIRE_PROJECT_ID, or run `streamtui auth login` to save "
                "a profile."
            )
        project = validate_project_id(raw_project)
    except InvalidInput as exc:
        origin = sources.get(exc.field, "")
        where = f" (from {origin})" if origin else ""
        raise CredentialsError(f"{exc.message}{where}") from exc
    return PartialCredentials(resolved_base, project, space_name, profile_name, sources)


def resolve(
    *,
    space: str | None = None,
    project_id: str | None = None,
    base_url: str | None = None,
    profile: ProfileLike | None = None,
    profile_name: str | None = None,
    env: Mapping[str, str] | None = None,
    store: KeyringStore | None = None,
    session_token: Secret | None = None,
) -> Credentials:
    """Full credentials by the resolution order, or CredentialsError saying how to provide them."""
    env = os.environ if env is None else env
    identity = resolve_identity(
        space=space,
        project_id=project_id,
        base_url=base_url,
        profile=profile,
        profile_name=profile_name,
        env=env,
    )
    found = _env(env, ENV_TOKEN)
    if found:
        try:
            token = Secret(validate_token(found[0]))
        except InvalidInput as exc:
            raise CredentialsError(f"{found[1]}: {exc.message}") from exc
        return identity.with_token(token, f"environment ({found[1]})")
    if session_token:
        return identity.with_token(session_token, "this session only (not stored)")
    store = store or KeyringStore(env=env)
    try:
        stored = store.get(identity.keyring_username)
    except KeyringUnavailable as exc:
        raise CredentialsError(
            f"No API token in the environment, and {exc.message[0].lower()}{exc.message[1:]}"
        ) from exc
    if stored is None:
        login = f"streamtui auth login{f' --profile {profile_name}' if profile_name else ''}"
        raise CredentialsError(
            f"No API token for project {identity.project_id}: set SIGNALWIRE_API_TOKEN, or run "
            f"`{login} --space <space> --project-id {identity.project_id}` to store it in the OS "
            "keyring."
        )
    return identity.with_token(stored, f"OS keyring ({store.backend_name()})")
