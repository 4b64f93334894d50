"""The API's paths, and the rule that paging never leaves the account's own conferences.

Every segment is URL-encoded. A `next_page_uri` from the server is followed only when it leads to
this account's List Conferences on the same host: the credentials go wherever it points.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from streamtui.errors import UnexpectedResponse
from streamtui.models import clip
from streamtui.sanitize import clean
from streamtui.validation import StreamRef

API_PREFIX = "/api/laml/2010-04-01"
MAX_PAGE_URI = 2048


def stream_path(account: str, conference: str, stream: str | StreamRef) -> str:
    """The Update Conference Stream path, every segment URL-encoded."""
    return (
        f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences/"
        f"{quote(conference, safe='')}/Streams/{quote(str(stream), safe='')}"
    )


def create_path(account: str, conference: str) -> str:
    """The Create Conference Stream path, every segment URL-encoded."""
    return (
        f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences/"
        f"{quote(conference, safe='')}/Streams"
    )


def conferences_path(account: str) -> str:
    return f"{API_PREFIX}/Accounts/{quote(account, safe='')}/Conferences"


def next_page_path(uri: object, *, base_url: str, account: str) -> str | None:
    """Where `next_page_uri` leads, when it stays in this account's List Conferences.

    The credentials go wherever it points: another host, another account, or a path that
    a `..` (or `%2e%2e`) would move once httpx or a proxy normalises it is refused.
    """
    if uri is None or uri == "":
        return None
    shown = clip(clean(uri), 200)
    if not isinstance(uri, str) or len(uri) > MAX_PAGE_URI or not uri.isascii():
        raise UnexpectedResponse(f"List Conferences sent an unusable next_page_uri ({shown}).")
    if not uri.isprintable() or " " in uri or "\\" in uri:
        raise UnexpectedResponse(f"List Conferences sent an unusable next_page_uri ({shown}).")
    parts = urlsplit(uri)
    if (parts.scheme or parts.netloc) and (
        f"{parts.scheme}://{parts.netloc}".lower() != base_url.lower()
    ):
        raise UnexpectedResponse(f"next_page_uri points to another host ({shown}).")
    got = parts.path.split("/")
    if any(unquote(segment) in (".", "..") for segment in got):
        raise UnexpectedResponse(f"next_page_uri holds a '..' or '.' segment ({shown}).")
    expected = conferences_path(account).split("/")
    if (
        len(got) != len(expected)
        or got[:-2] != expected[:-2]
        or got[-2].lower() != expected[-2].lower()
        or got[-1] not in ("Conferences", "Conferences.json")
    ):
        raise UnexpectedResponse(
            f"next_page_uri leads outside this account's conferences ({shown}); "
            "streamtui does not follow it."
        )
    return parts.path + (f"?{parts.query}" if parts.query else "")
