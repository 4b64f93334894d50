"""Validation of everything a user types, shared by the CLI and the TUI.

Runs before any request: when a value is refused, nothing is sent. Every message says what a valid
value looks like, because the docs' own example SIDs are not valid UUIDs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from streamtui.errors import InvalidInput

EXAMPLE_UUID = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
# re.ASCII: with IGNORECASE alone, [a-z] also matches non-ASCII letters such as 'ſ' and 'ı'.
_SPACE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE | re.ASCII)
_SPACE_HOST_SUFFIX = ".signalwire.com"
_WRAPPERS = "\"'`<>“”‘’"
STREAM_NAME_MAX = 256
_STREAM_NAME_FORBIDDEN = "/?#%"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Only hex digits and dashes, long enough to be a SID: a typo in a SID, not a name anyone picks.
_SID_SHAPED = re.compile(r"^(?=.*-)[0-9a-f-]{20,}$", re.IGNORECASE)
NAME_PREFIX = "name:"


@dataclass(frozen=True)
class StreamRef:
    """A stream as the user named it: its SID, or its name (unique within the conference)."""

    value: str
    is_name: bool

    @property
    def kind(self) -> str:
        return "name" if self.is_name else "SID"

    @property
    def written(self) -> str:
        """The value to save or show in a field: validated again, it gives this same reference
        (a name that would read as a mistyped SID keeps its `name:` prefix)."""
        needs_prefix = _SID_SHAPED.match(self.value) or self.value.startswith(NAME_PREFIX)
        return f"{NAME_PREFIX}{self.value}" if self.is_name and needs_prefix else self.value

    def __str__(self) -> str:
        return self.value


def tidy(value: str) -> str:
    """Trim what a paste brings along: surrounding whitespace, newlines and quotes."""
    previous = None
    while previous != value:
        previous = value
        value = value.strip()
        if len(value) >= 2 and value[0] in _WRAPPERS and value[-1] in _WRAPPERS:
            value = value[1:-1]
    return value


def _lower(value: str) -> str:
    """`value` in lowercase; the same string when it already is (a config of 10,000 SIDs then
    keeps one copy of each, not two)."""
    lowered = value.lower()
    return value if lowered == value else lowered


def _shown(value: str) -> str:
    """A refused value as it can be safely quoted back in a message."""
    shown = _CONTROL.sub("?", value)
    return repr(shown if len(shown) <= 60 else shown[:57] + "...")


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def validate_uuid(value: str, *, field: str, what: str) -> str:
    """Return the UUID in lowercase, or raise InvalidInput naming `what` and a valid example."""
    cleaned = tidy(value)
    if not cleaned:
        raise InvalidInput(f"{what} is empty: enter a UUID such as {EXAMPLE_UUID}.", field=field)
    if not is_uuid(cleaned):
        raise InvalidInput(
            f"{what} {_shown(cleaned)} is not a valid SID: it must be a UUID, 32 hex digits in "
            f"groups of 8-4-4-4-12, such as {EXAMPLE_UUID}.",
            field=field,
        )
    return _lower(cleaned)


def validate_account_sid(value: str) -> str:
    return validate_uuid(value, field="account", what="Account SID")


def validate_conference_sid(value: str) -> str:
    return validate_uuid(value, field="conference", what="Conference SID")


def validate_project_id(value: str) -> str:
    return validate_uuid(value, field="project_id", what="Project ID")


def validate_stream(value: str) -> StreamRef:
    """A stream SID (UUID) or a stream name: printable, at most 256, none of `/ ? # %`, no `..`.

    A value of hex digits and dashes that is not a UUID is a mistyped SID, refused rather than
    sent as a name; `name:` before a value makes it a name whatever it looks like."""
    cleaned = tidy(value)
    explicit_name = cleaned.startswith(NAME_PREFIX)
    if explicit_name:
        cleaned = tidy(cleaned[len(NAME_PREFIX) :])
    if not cleaned:
        raise InvalidInput(
            f"Stream is empty: enter the stream's SID (a UUID such as {EXAMPLE_UUID}) or its name.",
            field="stream",
        )
    if explicit_name:
        return _stream_name(cleaned)
    if is_uuid(cleaned):
        return StreamRef(_lower(cleaned), is_name=False)
    if _SID_SHAPED.match(cleaned):
        raise InvalidInput(
            f"Stream {_shown(cleaned)} looks like a mistyped SID: a SID is a UUID, 32 hex digits "
            f"in groups of 8-4-4-4-12, such as {EXAMPLE_UUID}. If it really is the stream's "
            f"name, enter it as {NAME_PREFIX}{cleaned}.",
            field="stream",
        )
    return _stream_name(cleaned)


def _stream_name(cleaned: str) -> StreamRef:
    problems = []
    if _CONTROL.search(cleaned) or not cleaned.isprintable():
        problems.append("control characters")
    bad = sorted({c for c in cleaned if c in _STREAM_NAME_FORBIDDEN})
    if bad:
        problems.append(" ".join(bad))
    if ".." in cleaned:
        problems.append("'..'")
    elif cleaned == ".":  # a '.' path segment is dropped: the POST would go to .../Streams
        problems.append("only '.'")
    if len(cleaned) > STREAM_NAME_MAX:
        problems.append(f"more than {STREAM_NAME_MAX} characters")
    if problems:
        raise InvalidInput(
            f"Stream {_shown(cleaned)} is neither a SID nor a valid stream name (it has "
            f"{', '.join(problems)}). Enter a UUID such as {EXAMPLE_UUID}, or a name of at most "
            f"{STREAM_NAME_MAX} printable characters without / ? # % or '..'.",
            field="stream",
        )
    return StreamRef(cleaned, is_name=True)


def validate_space(value: str) -> str:
    """Return the bare space name from `acme` or `acme.signalwire.com`; refuse anything else.

    This is what keeps credentials from going anywhere but `*.signalwire.com`.
    """
    cleaned = tidy(value).lower().rstrip(".")
    name = cleaned[: -len(_SPACE_HOST_SUFFIX)] if cleaned.endswith(_SPACE_HOST_SUFFIX) else cleaned
    if not name or not _SPACE_NAME.match(name):
        hint = ""
        if "://" in cleaned or "/" in cleaned:
            hint = " Leave out the scheme and any path."
        raise InvalidInput(
            f"Space {_shown(value.strip())} is not valid: write your space's name, such as "
            f"'acme', or its host, such as 'acme.signalwire.com'.{hint}",
            field="space",
        )
    return name


def space_url(space: str) -> str:
    return f"https://{validate_space(space)}{_SPACE_HOST_SUFFIX}"


def space_of_host(host: str) -> str | None:
    """The space whose API host is exactly `host` (`acme.signalwire.com` -> `acme`), else None."""
    lowered = host.lower()
    if not lowered.endswith(_SPACE_HOST_SUFFIX):
        return None
    name = lowered[: -len(_SPACE_HOST_SUFFIX)]
    return name if _SPACE_NAME.match(name) else None


def is_loopback_host(host: str) -> bool:
    """A host plain http may go to without a name lookup: a loopback address written as such, or
    exactly `localhost` (which validate_base_url replaces with 127.0.0.1). `localhost.`,
    `foo.localhost` and the like are names for the resolver, which DNS may answer."""
    if host.lower() == "localhost":
        return True
    if "%" in host:  # an IPv6 zone ID: refused on its own by validate_base_url
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_zone_id(cleaned: str, host: str) -> None:
    if "%" in host:
        zone = _shown(host[host.index("%") :])
        raise InvalidInput(
            f"Base URL {_shown(cleaned)} holds an IPv6 zone ID ({zone}), "
            "which streamtui does not send to. Write the address without it, such as "
            "http://[::1]:PORT for a local server, or use a host name over https.",
            field="base_url",
        )


def _refuse_plain_http(cleaned: str, port: int | None) -> None:
    local = f"http://127.0.0.1:{port}" if port is not None else "http://127.0.0.1:PORT"
    raise InvalidInput(
        f"Base URL {_shown(cleaned)} uses plain http to a host that is not a loopback address: "
        "the token would cross the network in clear text, or go wherever a name lookup answers. "
        f"Use https, or plain http only to a loopback address such as {local} (or "
        "http://localhost, read as 127.0.0.1).",
        field="base_url",
    )


def validate_base_url(value: str) -> str:
    """An explicit API base URL: https anywhere, plain http only to a loopback address. No path.

    `http://localhost[:port]` comes back as `http://127.0.0.1[:port]`: the name is never handed to
    a resolver, so no DNS answer can take the credentials elsewhere."""
    cleaned = tidy(value).rstrip("/")
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(
            f"Base URL {_shown(cleaned)} is not a valid URL ({exc}).", field="base_url"
        ) from exc
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        raise InvalidInput(
            f"Base URL {_shown(cleaned)} is not valid: write it as https://host[:port] "
            "(or http://127.0.0.1:PORT for the local emulator).",
            field="base_url",
        )
    if parts.username or parts.password:
        raise InvalidInput(
            "Base URL must not hold credentials; they come from the keyring or "
            "SIGNALWIRE_API_TOKEN.",
            field="base_url",
        )
    if parts.path or parts.query or parts.fragment:
        raise InvalidInput(
            f"Base URL {_shown(cleaned)} must be only scheme, host and port, such as "
            "https://acme.signalwire.com.",
            field="base_url",
        )
    _refuse_zone_id(cleaned, host)
    if parts.scheme == "http":
        if not is_loopback_host(host):
            _refuse_plain_http(cleaned, port)
        if host.lower() == "localhost":
            cleaned = "http://127.0.0.1" + (f":{port}" if port is not None else "")
    import httpx  # the parser that sends the request must take the host too (IDNA, punycode)

    try:
        httpx.URL(cleaned).host  # noqa: B018 - decoding the host is the check
    except (httpx.InvalidURL, ValueError) as exc:
        raise InvalidInput(
            f"Base URL {_shown(cleaned)} is not a valid URL ({exc}).", field="base_url"
        ) from exc
    return cleaned


def validate_token(value: str) -> str:
    """An API token: non-empty, no whitespace or control characters (a paste can bring them);
    quotes pasted around it are trimmed, as for SIDs."""
    cleaned = tidy(value)
    if not cleaned:
        raise InvalidInput("The API token is empty.", field="token")
    if any(c.isspace() for c in cleaned) or _CONTROL.search(cleaned):
        raise InvalidInput(
            "The API token holds spaces or control characters: paste it again, token only.",
            field="token",
        )
    return cleaned
