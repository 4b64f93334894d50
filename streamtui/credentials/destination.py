"""Where a token goes: the space, or the explicit base URL's `host:port`, and the name of its
keyring entry. A token is read only for the destination it goes to, so one stored for a space
never follows a base URL elsewhere."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from streamtui.validation import space_of_host, validate_base_url


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
    space = destination_space(base_url)
    if space:
        return space
    import httpx  # an explicit host only: the TUI names a space's entry right after its first paint

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
