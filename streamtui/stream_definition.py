"""A saved stream's definition: what SignalWire's Create Conference Stream takes, to start it again.

Kept in `[[streams]]` beside the stream's SID and label (`url`, `track`, `codec`, `real_time`,
`status_callback`, `status_callback_method`, `parameters`), so a wrong stop can be undone with
`streamtui start`. The WebSocket's bearer token, if there is one, is never a key of the file: it
lives in the OS keyring under `stream:<sid>`, so a key that looks like a secret is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from streamtui.errors import InvalidInput

DEFINITION_KEYS = (
    "url",
    "track",
    "codec",
    "real_time",
    "status_callback",
    "status_callback_method",
    "parameters",
)
TRACKS = ("inbound_track", "outbound_track", "both_tracks")
CODECS = ("PCMU", "PCMA", "L16", "L16@16000h", "L16@24000h")
CALLBACK_METHODS = ("GET", "POST")
MAX_PARAMETERS = 99
MAX_TEXT = 2048
_SECRET_WORDS = re.compile(r"token|secret|password|passwd|bearer|authorization|api_?key", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class DefinitionProblem(Exception):
    """A problem with one key of a definition; the config reader adds file and line."""

    def __init__(self, key: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def keyring_entry(stream_sid: str) -> str:
    """The OS keyring entry that holds the WebSocket bearer token of a saved stream."""
    return f"stream:{stream_sid}"


@dataclass(frozen=True, slots=True)
class StreamDefinition:
    """The arguments of Create Conference Stream, validated; `form` gives its request body."""

    url: str
    track: str | None = None
    codec: str | None = None
    real_time: bool | None = None
    status_callback: str | None = None
    status_callback_method: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()

    def overridden(
        self, *, url: str | None, track: str | None, codec: str | None
    ) -> StreamDefinition:
        """This definition with the flags the user gave instead of the saved values."""
        return replace(
            self,
            url=validate_wss_url(url) if url else self.url,
            track=_choice("track", track, TRACKS) if track else self.track,
            codec=_choice("codec", codec, CODECS) if codec else self.codec,
        )

    def form(self, name: str | None, bearer_token: str | None = None) -> dict[str, str]:
        """The form fields of the request, as the published document names them."""
        fields: dict[str, str] = {"Url": self.url}
        if name:
            fields["Name"] = name
        optional = {
            "Track": self.track,
            "StreamCodec": self.codec,
            "StatusCallback": self.status_callback,
            "StatusCallbackMethod": self.status_callback_method,
        }
        fields.update({key: value for key, value in optional.items() if value is not None})
        if self.real_time is not None:
            fields["StreamRealTime"] = "true" if self.real_time else "false"
        for number, (key, value) in enumerate(self.parameters, 1):
            fields[f"Parameter{number}.Name"] = key
            fields[f"Parameter{number}.Value"] = value
        if bearer_token:
            fields["AuthorizationBearerToken"] = bearer_token
        return fields

    def describe(self) -> str:
        """One line naming what will be created, for a confirmation."""
        extras = [value for value in (self.track, self.codec) if value]
        return self.url + (f" ({', '.join(extras)})" if extras else "")


def validate_wss_url(url: str) -> str:
    """A wss:// URL with a host: the document says wss is the only protocol SignalWire takes."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "wss" or not parts.hostname:
        raise InvalidInput(
            f"{_shown(text)} is not a wss:// URL: SignalWire streams only to wss:// "
            "(ws:// and https:// are refused). Give the WebSocket's wss:// address.",
            field="url",
        )
    if len(text) > MAX_TEXT or _CONTROL.search(text) or " " in text:
        raise InvalidInput(
            "The URL is too long or holds spaces or control characters.", field="url"
        )
    return text


def refuse_secret_keys(table: Mapping[str, Any]) -> None:
    """A key that looks like a secret (a bearer token, a password) has no place in the file."""
    for key in table:
        if _SECRET_WORDS.search(key):
            raise DefinitionProblem(
                (key,),
                "a secret does not belong in the config file (anyone who can read the file "
                "could use it). Remove this key; keep a WebSocket bearer token in the OS "
                "keyring instead (entry stream:<sid>).",
            )


def stream_definition_of(table: Mapping[str, Any]) -> StreamDefinition | None:
    """The definition in a `[[streams]]` table; None when it has none (no definition key).
    A key that looks like a secret is refused first, whatever else the table holds."""
    refuse_secret_keys(table)
    present = [key for key in DEFINITION_KEYS if key in table]
    if not present:
        return None
    if "url" not in table:
        raise DefinitionProblem(
            (present[0],), 'a definition needs its url: add url = "wss://...", or remove it.'
        )
    return StreamDefinition(
        url=_wrapped("url", validate_wss_url, _text(table, "url")),
        track=_choice("track", _optional_text(table, "track"), TRACKS),
        codec=_choice("codec", _optional_text(table, "codec"), CODECS),
        real_time=_boolean(table, "real_time"),
        status_callback=_callback(_optional_text(table, "status_callback")),
        status_callback_method=_choice(
            "status_callback_method",
            _optional_text(table, "status_callback_method"),
            CALLBACK_METHODS,
        ),
        parameters=_parameters(table.get("parameters", {})),
    )


def _shown(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:79] + "…")


def _wrapped(key: str, check: Any, value: str) -> str:
    try:
        result: str = check(value)
    except InvalidInput as exc:
        raise DefinitionProblem((key,), exc.message) from None
    return result


def _text(table: Mapping[str, Any], key: str) -> str:
    value = table[key]
    if not isinstance(value, str):
        raise DefinitionProblem((key,), f'must be a string in quotes: write {key} = "...".')
    return value


def _optional_text(table: Mapping[str, Any], key: str) -> str | None:
    return _text(table, key) if key in table else None


def _choice(key: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    if value is None or value in choices:
        return value
    problem = f"{_shown(value)} is not one of {', '.join(choices)}: use one of them."
    raise DefinitionProblem((key,), problem) if key in DEFINITION_KEYS else InvalidInput(problem)


def _boolean(table: Mapping[str, Any], key: str) -> bool | None:
    value = table.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise DefinitionProblem((key,), "must be true or false (without quotes).")


def _callback(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or _CONTROL.search(value):
        raise DefinitionProblem(
            ("status_callback",), "must be an http(s):// URL, such as https://hooks.example/status."
        )
    return value


def _parameters(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise DefinitionProblem(
            ("parameters",),
            'must be a table of names and texts: parameters = { Team = "support" }.',
        )
    refuse_secret_keys({f"parameters.{key}": None for key in value})
    if len(value) > MAX_PARAMETERS:
        raise DefinitionProblem(("parameters",), f"at most {MAX_PARAMETERS} parameters.")
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        if not isinstance(item, str) or len(item) > MAX_TEXT or _CONTROL.search(item + key):
            raise DefinitionProblem(
                ("parameters", key), "must be a short text in quotes, without control characters."
            )
        pairs.append((key, item))
    return tuple(pairs)
