"""Which keyring backends are trusted with a token: only the OS stores keyring ships, by exact
class (a backend's priority is its own claim); any other is refused unless the user opted in."""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streamtui.errors import KeyringUnavailable

ENV_ALLOW_INSECURE_KEYRING = "STREAMTUI_ALLOW_INSECURE_KEYRING"

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


def untrusted(info: BackendInfo) -> KeyringUnavailable:
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
