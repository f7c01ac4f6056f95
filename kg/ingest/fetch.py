"""Fetch exactly the URL a user named (and the redirects it answers with): http and https only, a timeout on
the whole exchange, a limit on the body's size and on the number of redirects. Nothing else is requested: no
robots.txt, no favicon, no CDN."""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass

import httpx

from kg import __version__
from kg.http_guard import is_loopback
from kg.ingest import Original, Refused

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5
MAX_CODINGS = 2  # gzip, or gzip inside deflate: more layers than that are no web server's doing


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds for the whole fetch, redirects included
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = MAX_REDIRECTS


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _checked(url: str, shown: str, redirected: bool = False) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as err:
        raise Refused(shown, f"not a valid address ({err})", "check the URL") from None
    if parsed.scheme not in ("http", "https"):
        raise Refused(
            shown,
            (f"redirected to {url}: " if redirected else "")
            + f"only http and https addresses are fetched, not {parsed.scheme or 'this kind'}",
            "download it yourself and add the file",
        )
    if not parsed.host:
        raise Refused(shown, "the address has no host", "check the URL")
    return parsed


def fetch(url: str, limits: Limits = Limits()) -> Original:
    """The body of `url` after at most `limits.max_redirects` redirects, or a Refused saying why not.

    The whole exchange runs under one deadline (asyncio's, which cancels a read in progress): httpx's timeout
    bounds each read only, so a server sending its head a header line every second held kg add as long as it
    liked (31 s under --timeout 1 in the fourth outside review)."""
    current = _checked(url, url)
    try:
        return asyncio.run(asyncio.wait_for(_fetch(url, current, limits), limits.timeout))
    except TimeoutError:
        raise _timeout(url, limits) from None


async def _fetch(url: str, current: httpx.URL, limits: Limits) -> Original:
    seen: list[str] = []
    # a proxy from the environment for remote hosts, never for this machine (as kg push)
    async with httpx.AsyncClient(
        follow_redirects=False,
        trust_env=not is_loopback(current.host),
        headers={"User-Agent": f"kg/{__version__} (kg add)", "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(limits.timeout),
    ) as client:
        while True:
            seen.append(str(current))
            try:
                async with client.stream("GET", current) as response:
                    if response.is_redirect:
                        target = response.headers.get("location", "")
                        if not target:
                            raise Refused(url, f"HTTP {response.status_code} redirect without a Location", "")
                        following = current.join(target)
                        if str(following) in seen:
                            raise Refused(
                                url,
                                f"redirect loop ({' -> '.join([*seen, str(following)])})",
                                "the site sends the address back to itself; open it in a browser, save the page "
                                "and add the saved .html file",
                            )
                        if len(seen) > limits.max_redirects:
                            raise Refused(
                                url,
                                f"more than {limits.max_redirects} redirects (last to {following})",
                                "add the final address directly, or save the page and add the .html file",
                            )
                        current = _checked(str(following), url, redirected=True)
                        continue
                    if response.status_code >= 400:
                        code = response.status_code
                        if code in (401, 403):
                            fix = "the page needs a login: open it in a browser, save it and add the saved .html file"
                        elif code < 500:
                            fix = "check the address: the server has no such page"
                        else:
                            fix = "the server failed; try again later"
                        raise Refused(url, f"the server answered HTTP {code} {response.reason_phrase}".rstrip(), fix)
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limits.max_bytes:
                        raise _too_big(url, f"{int(declared):,} bytes", limits)
                    decoder = _Decoder(response.headers.get("content-encoding", ""), url, limits)
                    body = bytearray()
                    received = 0
                    async for chunk in response.aiter_raw():
                        received += len(chunk)
                        if received > limits.max_bytes:
                            raise _too_big(url, "more", limits)
                        body += decoder.decode(chunk)
                    body += decoder.end()
                    content_type = response.headers.get("content-type", "")
                    return Original(
                        bytes(body),
                        "",
                        url=str(current),
                        content_type=content_type.split(";")[0].strip().lower(),
                        charset=response.charset_encoding or "",
                    )
            except httpx.TimeoutException:
                raise _timeout(url, limits) from None
            except httpx.HTTPError as err:
                raise Refused(
                    url, f"cannot fetch: {err or type(err).__name__}", "check the address and the network"
                ) from None


class _Inflater:
    """One gzip or deflate layer, which never writes more than the size limit: zlib is asked for at most the room
    left (plus one byte, to tell "exactly full" from "more"). httpx's own decoder inflates each chunk whole, so a
    1.8 KB answer compressed twice (`Content-Encoding: gzip, gzip`) took 2.1 GB of memory before the limit was
    checked, and three layers would take terabytes."""

    def __init__(self, coding: str, url: str, limits: Limits) -> None:
        self.coding, self.url, self.limits = coding, url, limits
        self.zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding != "deflate" else zlib.MAX_WBITS)
        self.first = True
        self.size = 0

    def _count(self, out: bytes) -> bytes:
        self.size += len(out)
        if self.size > self.limits.max_bytes or self.zlib.unconsumed_tail:
            raise _too_big(self.url, "more", self.limits)
        return out

    def decode(self, data: bytes) -> bytes:
        if not data:
            return b""
        first, self.first = self.first, False
        try:
            return self._count(self.zlib.decompress(data, self.limits.max_bytes - self.size + 1))
        except zlib.error as err:
            if first and self.coding == "deflate":  # "deflate" is sent raw by some servers (as httpx allows)
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data)
            raise _undecodable(self.url, err) from None

    def end(self) -> bytes:
        try:
            return self._count(self.zlib.flush())
        except zlib.error as err:
            raise _undecodable(self.url, err) from None


class _Decoder:
    """The answer's Content-Encoding undone layer by layer, each bounded by the size limit."""

    def __init__(self, header: str, url: str, limits: Limits) -> None:
        codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise Refused(
                    url,
                    f"the answer is compressed as {coding[:40]!r}, which kg add did not ask for and cannot read",
                    "save the page in a browser and add the saved .html file",
                )
        if len(codings) > MAX_CODINGS:
            raise Refused(
                url,
                f"the answer is compressed {len(codings)} times over (Content-Encoding: {header[:100]})",
                "save the page in a browser and add the saved .html file",
            )
        self.layers = [_Inflater(coding, url, limits) for coding in reversed(codings)]  # the last applied first

    def decode(self, data: bytes) -> bytes:
        for layer in self.layers:
            data = layer.decode(data)
        return data

    def end(self) -> bytes:
        data = b""
        for layer in self.layers:
            data = layer.decode(data) + layer.end()
        return data


def _undecodable(url: str, err: zlib.error) -> Refused:
    return Refused(url, f"the server's compressed answer cannot be decoded ({err})", "try again")


def _timeout(url: str, limits: Limits) -> Refused:
    return Refused(
        url,
        f"no complete answer within {limits.timeout:g} s",
        "try again later, pass a longer --timeout, or save the page in a browser and add the file",
    )


def _too_big(url: str, size: str, limits: Limits) -> Refused:
    return Refused(
        url,
        f"the answer is larger than the limit of {limits.max_bytes:,} bytes"
        if size == "more"
        else f"the answer is {size}, over the limit of {limits.max_bytes:,} bytes",
        "pass a larger --max-bytes if this really is one article",
    )
