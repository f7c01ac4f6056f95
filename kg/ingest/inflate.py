"""An HTTP answer's Content-Encoding undone within a size limit, for kg's clients (`kg add`'s fetch, `kg push`).

httpx's own decoders inflate each chunk read from the network whole, before the caller can count the bytes: a
1.8 KB answer compressed twice (`Content-Encoding: gzip, gzip`) became 1 GiB in one call (2.1 GB of memory in
`kg add`, 2.2 GB in `kg push`'s read of its list, before either's limit was checked), and three layers would
ask for terabytes. Here zlib is asked for at most the room left under the limit, layer by layer, so the memory
taken is the limit, whatever the answer's ratio. Callers read `response.iter_raw()` and feed it here.
"""

from __future__ import annotations

import zlib

CODINGS = ("gzip", "x-gzip", "deflate")
ACCEPT = "gzip, deflate"  # the Accept-Encoding to send: what this module can undo
MAX_LAYERS = 2  # gzip, or gzip inside deflate: more layers than that are no web server's doing


class TooLarge(Exception):
    """The answer inflates past the limit."""


class Unreadable(Exception):
    """The answer is compressed in a way this module does not undo, or its compressed data is damaged."""


class _Layer:
    def __init__(self, coding: str, limit: int) -> None:
        self.coding, self.limit = coding, limit
        self.zlib = zlib.decompressobj(zlib.MAX_WBITS if coding == "deflate" else zlib.MAX_WBITS | 16)
        self.first = True
        self.size = 0

    def _count(self, out: bytes) -> bytes:
        self.size += len(out)
        if self.size > self.limit or self.zlib.unconsumed_tail:
            raise TooLarge
        return out

    def decode(self, data: bytes) -> bytes:
        if not data:
            return b""
        first, self.first = self.first, False
        try:  # one byte more than the room left tells "exactly full" from "more"
            return self._count(self.zlib.decompress(data, self.limit - self.size + 1))
        except zlib.error as err:
            if first and self.coding == "deflate":  # "deflate" is sent raw by some servers (httpx allows it too)
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data)
            raise Unreadable(f"its compressed data cannot be decoded ({err})") from None

    def end(self) -> bytes:
        try:
            return self._count(self.zlib.flush())
        except zlib.error as err:
            raise Unreadable(f"its compressed data cannot be decoded ({err})") from None


class Decoder:
    """The layers a Content-Encoding header names, undone last-applied first, each bounded by `limit` bytes."""

    def __init__(self, header: str, limit: int) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
        for coding in codings:
            if coding not in CODINGS:
                raise Unreadable(f"it is compressed as {coding[:40]!r}, which kg did not ask for and cannot read")
        if len(codings) > MAX_LAYERS:
            raise Unreadable(f"it is compressed {len(codings)} times over (Content-Encoding: {header[:100]})")
        self.layers = [_Layer(coding, limit) for coding in reversed(codings)]

    def decode(self, data: bytes) -> bytes:
        for layer in self.layers:
            data = layer.decode(data)
        return data

    def end(self) -> bytes:
        data = b""
        for layer in self.layers:
            data = layer.decode(data) + layer.end()
        return data
