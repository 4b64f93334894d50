"""Where the space, project ID and token come from, and the OS keyring done safely.

Resolution order: explicit flags, then the `SIGNALWIRE_*` environment variables, then the profile
in the config plus the token from the OS keyring. The keyring is imported only when needed (it
costs ~90 ms), every call to it runs under a timeout (a locked Secret Service can wait forever for
a prompt nobody sees over SSH), and only the OS stores keyring ships are trusted with a token (a
backend's priority is its own claim); any other backend is refused unless the user opted in.

Keyring scheme: service ``streamtui``, username ``<project_id>@<destination>``: the space for
``https://{space}.signalwire.com``, else the explicit base URL's ``host:port``. A token is read
only for the destination it goes to, so one stored for a space never follows a base URL elsewhere;
renaming a profile never loses its token.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from streamtui.errors import CredentialsError, InvalidInput, KeyringUnavailable
from streamtui.secret import Secret
from streamtui.validation import (
    space_of_host,
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


def destination_space(base_url: str) -> str | None:
    """The space when `base_url` is exactly https://{space}.signalwire.com (port 443), else None.
    `base_url` is a validated one. No httpx here: the first paint shows the destination, and a
    space's host is plain ASCII."""
    parts = urlsplit(base_url)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or port not in (None, 443):
        return None
    return space_of_host(parts.hostname or "")


def destination_name(base_url: str) -> str:
    """Where `base_url` sends the token, as its keyring entry names it: the space, or `host:port`
    (host lowercase and in punycode, an IP address in its short form, the port always written)."""
    import httpx

    space = destination_space(base_url)
    if space:
        return space
    url = httpx.URL(validate_base_url(base_url))
    host = url.raw_host.decode("ascii").lower()
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"{host}:{port}"
    shown = f"[{address.compressed}]" if address.version == 6 else address.compressed
    return f"{shown}:{port}"


def keyring_username(project_id: str, space: str | None, base_url: str | None = None) -> str:
    """The keyring entry of the token for `base_url` (the base URL in effect), else the space's."""
    if base_url:
        return f"{project_id}@{destination_name(base_url)}"
    return f"{project_id}@{space or 'unknown'}"


def where_of(base_url: str) -> str:
    """The destination as the user should see it: the space's host, or the explicit host."""
    space = destination_space(base_url)
    return f"{space}.signalwire.com" if space else urlsplit(base_url).netloc


# The OS stores keyring ships, by exact class: the only backends trusted with a token. A
# backend's priority is its own claim (keyring.core.recommended checks nothing else).
_SECURE_BACKENDS = {
    ("keyring.backends.SecretService", "Keyring"): "GNOME Keyring / Secret Service",
    ("keyring.backends.libsecret", "Keyring"): "GNOME Keyring / Secret Service (libsecret)",
    ("keyring.backends.kwallet", "DBusKeyring"): "KDE Wallet",
    ("keyring.backends.kwallet", "DBusKeyringKWallet4"): "KDE Wallet",
    ("keyring.backends.macOS", "Keyring"): "macOS Keychain",
    ("keyring.backends.Windows", "WinVaultKeyring"): "Windows Credential Locker",
}
_OTHER_BACKENDS = {
    ("keyring.backends.null", "Keyring"): "the null keyring (it keeps nothing)",
    ("keyring.backends.fail", "Keyring"): "no keyring",
    ("keyrings.alt.file", "PlaintextKeyring"): "a plain-text file (keyrings.alt)",
    ("keyrings.alt.file", "EncryptedKeyring"): "a password-encrypted file (keyrings.alt)",
}
_CHAINER = ("keyring.backends.chainer", "ChainerBackend")
ENV_KEYRING_BACKEND = "PYTHON_KEYRING_BACKEND"


def _is_exactly(backend: object, module: str, name: str) -> bool:
    """True for an instance of that very class (not a subclass, not a look-alike module)."""
    loaded = sys.modules.get(module)
    return loaded is not None and type(backend) is getattr(loaded, name, None)


def _label(backend: object, table: Mapping[tuple[str, str], str]) -> str | None:
    for (module, name), label in table.items():
        if _is_exactly(backend, module, name):
            return label
    return None


@dataclass(frozen=True)
class BackendInfo:
    """A keyring backend in plain words: what it is, why it was chosen, whether it is trusted."""

    label: str
    reason: str
    trusted: bool

    @property
    def name(self) -> str:
        return f"{self.label}, {self.reason}"


def describe_backend(backend: Any) -> BackendInfo:
    """Trusted only when it is (or chains only) the OS stores keyring ships."""
    members = list(backend.backends) if _is_exactly(backend, *_CHAINER) else [backend]
    labels = [_label(member, _SECURE_BACKENDS) for member in members]
    trusted = bool(members) and all(labels)
    if trusted:
        return BackendInfo(str(labels[0]), _why_chosen(trusted=True), trusted=True)
    odd = next((m for m, label in zip(members, labels, strict=True) if not label), backend)
    package = type(odd).__module__.split(".")[0]
    label = _label(odd, _OTHER_BACKENDS) or (
        f"an unrecognised keyring backend (from the Python package {package!r})"
    )
    return BackendInfo(label, _why_chosen(trusted=False), trusted=False)


def _why_chosen(*, trusted: bool) -> str:
    """How keyring came to this backend: the variable, its config file, or its own discovery."""
    if os.environ.get(ENV_KEYRING_BACKEND, "").strip():
        return f"chosen by {ENV_KEYRING_BACKEND}"
    config = _keyring_config_file()
    if config is not None:
        return f"chosen by keyring's config file {config}"
    return "the system's keyring" if trusted else "the one keyring found installed"


def _keyring_config_file() -> Path | None:
    """keyring's own config file, when it names a backend."""
    try:
        from keyring.util import platform_

        path = Path(platform_.config_root()) / "keyringrc.cfg"
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None
    return path if parser.has_option("backend", "default-keyring") else None


def _untrusted(info: BackendInfo) -> KeyringUnavailable:
    chosen = os.environ.get(ENV_KEYRING_BACKEND, "").strip()
    unset = (
        f"Unset {ENV_KEYRING_BACKEND} (now {chosen[:120]!r}) to use the system's keyring, or use "
        if chosen
        else "Use "
    )
    return KeyringUnavailable(
        f"The keyring backend here is {info.label}, {info.reason}, which is not a recommended "
        "secure store: streamtui trusts only the system's keyring (GNOME Keyring / Secret "
        "Service, KDE Wallet, macOS Keychain, Windows Credential Locker), and this one may keep "
        f"the token in a plain file. streamtui will not store or read a token there. {unset}"
        f"SIGNALWIRE_API_TOKEN instead, or set {ENV_ALLOW_INSECURE_KEYRING}=1 to accept that "
        "backend knowingly."
    )


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
            raise _untrusted(info)
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
        return where_of(self.base_url)


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

    @property
    def where(self) -> str:
        return where_of(self.base_url)


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
                "or run 'streamtui auth login --space acme --project-id <uuid>' to save a profile."
            )
        if not raw_project:
            raise CredentialsError(
                "No project ID: set SIGNALWIRE_PROJECT_ID, or run 'streamtui auth login' to save "
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
    store: TokenStore | None = None,
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
    username = identity.keyring_username
    try:
        stored = store.get(username)
    except KeyringUnavailable as exc:
        raise CredentialsError(
            f"No API token in the environment, and {exc.message[0].lower()}{exc.message[1:]}"
        ) from exc
    if stored is None:
        raise _no_token(identity, store, profile_name)
    return identity.with_token(stored, f"OS keyring ({store.backend_name()}; entry {username})")


def _no_token(
    identity: PartialCredentials, store: TokenStore, profile_name: str | None
) -> CredentialsError:
    """No token for this destination. When the space has one, say that it is not sent here."""
    project = identity.project_id
    space = identity.space
    if space and identity.keyring_username == keyring_username(project, space):
        profile = f" --profile {profile_name}" if profile_name else ""
        return CredentialsError(
            f"No API token for project {project}: set SIGNALWIRE_API_TOKEN, or run "
            f"'streamtui auth login{profile} --space <space> --project-id {project}' to store it "
            "in the OS keyring."
        )
    host = destination_name(identity.base_url)
    source = identity.sources.get("base_url", "")
    parts = [
        f"No API token is stored for {host} (project {project}), where the base URL "
        f"{identity.base_url} from {source} points."
    ]
    if space and store.has(keyring_username(project, space)):
        parts.append(
            f"The token stored for {space} is not sent to {host}: a token goes only to the "
            "place it was stored for."
        )
    parts.append(
        f"Run '{_login_for_host(identity, source, profile_name)}' to store one for that host, "
        f"or set SIGNALWIRE_API_TOKEN{_undo_base_url(source, space)}."
    )
    return CredentialsError(" ".join(parts))


def _login_for_host(identity: PartialCredentials, source: str, profile_name: str | None) -> str:
    """The login that stores a token for the base URL. `auth login --base-url` saves that URL in
    its profile, so a base URL that is not the profile's own gets a profile of its own."""
    login = f"streamtui auth login --base-url {identity.base_url}"
    if profile_name and source.startswith("profile"):
        login += f" --profile {profile_name}"
    elif profile_name:
        login += " --profile <new-name>"
    login += f" --space {identity.space}" if identity.space else ""
    return f"{login} --project-id {identity.project_id}"


def _undo_base_url(source: str, space: str | None) -> str:
    """How to go back to the space, by where the base URL came from."""
    if not space:
        return ""
    if ENV_BASE_URL in source:
        undo = f"unset {ENV_BASE_URL}"
    elif source == "--base-url":
        undo = "leave out --base-url"
    else:
        undo = f"remove base_url from {source}"
    return f", or {undo} to use {space}.signalwire.com"
