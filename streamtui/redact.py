"""The one masking step: any text that came from a server loses every copy of the API token.

A server (or a proxy, or an attacker's host on loopback) can echo the token back: in an error
message, a success body, a header. Every token this process holds is remembered here when it is
wrapped in a `Secret`, with the Basic-auth form it is sent in, and `mask()` replaces each of them.
`sanitize.clean()` calls `mask()`, so every server string that is shown (CLI text, TUI panels,
toasts, dialogs) or recorded (history) is masked; raw JSON output calls it on the whole line.

Only values of at least `MIN_LENGTH` characters are remembered: masking "abc" everywhere would
garble ordinary text, and a token that short is refused at entry anyway.
"""

from __future__ import annotations

import base64
import threading
from urllib.parse import quote

MIN_LENGTH = 8
MASK = "****"

_lock = threading.Lock()
_known: dict[str, str] = {}  # secret value -> what replaces it


def remember_token(token: str) -> None:
    """Mask `token` from now on: as it is, and URL-encoded (as a form or query would carry it)."""
    if len(token) < MIN_LENGTH:
        return
    shown = MASK + token[-4:] if len(token) >= 12 else MASK
    with _lock:
        _known[token] = shown
        encoded = quote(token, safe="")
        if encoded != token:
            _known[encoded] = shown


def remember_basic_auth(username: str, token: str) -> None:
    """Mask the `Authorization: Basic …` value built from `username:token` too."""
    if len(token) < MIN_LENGTH:
        return
    value = base64.b64encode(f"{username}:{token}".encode()).decode("ascii")
    with _lock:
        _known[value] = MASK


def mask(text: str) -> str:
    """`text` with every remembered secret replaced; longest first, so no fragment survives."""
    if not _known:
        return text
    with _lock:
        known = sorted(_known.items(), key=lambda item: len(item[0]), reverse=True)
    for value, shown in known:
        if value in text:
            text = text.replace(value, shown)
    return text
