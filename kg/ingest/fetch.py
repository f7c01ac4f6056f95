"""Fetch exactly the URL a user named (and the redirects it answers with): http and https only, a timeout on
the whole exchange, a limit on the body's size and on the number of redirects. Nothing else is requested: no
robots.txt, no favicon, no CDN."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httpx

from kg import __version__, inflate
from kg.http_guard import is_loopback
from kg.ingest import Original, Refused

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5


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
        parsed.host  # noqa: B018 -- decoded here: an IDNA label that does not decode ("xn--a") raised later
    except (httpx.InvalidURL, ValueError) as err:  # (UnicodeError is a ValueError)
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
        headers={"User-Agent": f"kg/{__version__} (kg add)", "Accept-Encoding": inflate.ACCEPT},
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
                    body = bytearray()
                    received = 0
                    try:  # inflated within the limit (kg/inflate.py: httpx's decoders inflate a chunk whole)
                        decoder = inflate.Decoder(response.headers.get("content-encoding", ""), limits.max_bytes)
                        async for chunk in response.aiter_raw():
                            received += len(chunk)
                            if received > limits.max_bytes:
                                raise inflate.TooLarge
                            body += decoder.decode(chunk)
                        body += decoder.end()
                    except inflate.TooLarge:
                        raise _too_big(url, "more", limits) from None
                    except inflate.Unreadable as err:
                        raise Refused(
                            url, f"the server's answer cannot be read: {err}", "save the page in a browser and add it"
                        ) from None
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
            except (httpx.InvalidURL, UnicodeError) as err:  # httpx reads a redirect's Location itself
                raise Refused(
                    url,
                    f"the server redirected to an address that is not valid ({err})",
                    "open it in a browser, save the page and add the saved .html file",
                ) from None


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
