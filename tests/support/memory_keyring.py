"""An in-memory token store with the KeyringStore surface, for TUI tests whose subject is not the
keyring (the real Secret Service is tested in tests/integration/test_keyring.py and F8's login in
tests/tui/test_login_keyring.py)."""

from __future__ import annotations

from streamtui.secret import Secret


class MemoryKeyring:
    def __init__(self) -> None:
        self.tokens: dict[str, Secret] = {}

    def get(self, username: str) -> Secret | None:
        return self.tokens.get(username)

    def has(self, username: str) -> bool:
        return username in self.tokens

    def set(self, username: str, token: Secret) -> str:
        self.tokens[username] = token
        return "a test's memory"

    def delete(self, username: str) -> bool:
        return self.tokens.pop(username, None) is not None

    def backend_name(self) -> str:
        return "a test's memory"

    def is_insecure(self) -> bool:
        return False
