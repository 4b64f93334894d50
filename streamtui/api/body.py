"""Reading a response body within a size cap, after decompression.

Every server is treated as possibly hostile: neither an endless body nor a gzip bomb makes
streamtui hold more than about MAX_BODY_BYTES.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import httpx

from streamtui.models import clip
from streamtui.sanitize import clean

# A List Conferences page of 1000 rows measures 0.8 MB with ASCII names and 1.7 MB with the
# spec's longest names (64 characters) sent as \u escapes; 4 MiB leaves room for unknown fields.
MAX_BODY_BYTES = 4 << 20
ACCEPTED_ENCODINGS = "gzip, deflate"  # what BodyReader inflates within its cap


@dataclass(frozen=True)
class Answer:
    """A response with its body as read: `problem` says why the body cannot be used, if so."""

    response: httpx.Response
    body: bytes
    problem: str | None


class BodyReader:
    """Collects a body up to `limit` bytes after decompression. httpx would inflate each network
    read whole; here zlib is never asked for more than the room left."""

    def __init__(self, encoding: str | None, limit: int = MAX_BODY_BYTES) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.problem: str | None = None
        self._inflater: Any = None
        coding = (encoding or "identity").strip().lower()
        if coding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self._inflater = zlib.decompressobj()
        elif coding != "identity":
            shown = clip(clean(coding), 40)
            self.problem = f"is compressed as {shown!r}, which streamtui does not read"

    def feed(self, data: bytes) -> bool:
        """Take the next chunk off the wire; False once the body cannot be used."""
        if self.problem is not None:
            return False
        if self._inflater is None:
            return self._keep(data)
        try:
            while data:
                if not self._keep(self._inflater.decompress(data, self.limit - self.size + 1)):
                    return False
                data = self._inflater.unconsumed_tail
        except zlib.error:
            self.problem = "has a compressed body that is corrupt"
            return False
        return True

    def _keep(self, data: bytes) -> bool:
        self.size += len(data)
        if self.size > self.limit:
            self.problem = (
                f"was too large (more than {self.limit >> 20} MiB): streamtui stopped reading it"
            )
            return False
        self.parts.append(data)
        return True

    def answer(self, response: httpx.Response) -> Answer:
        return Answer(response, b"".join(self.parts), self.problem)


def reader_for(response: httpx.Response) -> BodyReader:
    """A reader for the body to come; a response built in memory (a transport that is not the
    network: tests, mocks) was already read, and decoded, by httpx: it is taken as it is."""
    if response.is_stream_consumed:
        reader = BodyReader(None)
        reader.feed(response.content)
        return reader
    return BodyReader(response.headers.get("content-encoding"))
