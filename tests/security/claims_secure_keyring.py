"""A keyring backend that claims the highest priority but keeps tokens in a plain JSON file.

Named in PYTHON_KEYRING_BACKEND by the tests of finding 6: a priority is only a claim, so
streamtui must refuse it (unless STREAMTUI_ALLOW_INSECURE_KEYRING=1). The file is the one named
in CLAIMS_SECURE_KEYRING_FILE, so a test can see whether anything was written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

FILE_VARIABLE = "CLAIMS_SECURE_KEYRING_FILE"


class Keyring(KeyringBackend):
    priority = 100  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ[FILE_VARIABLE])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        values = self._load()
        values[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(values))

    def delete_password(self, service: str, username: str) -> None:
        values = self._load()
        values.pop(f"{service}/{username}", None)
        self._path().write_text(json.dumps(values))
