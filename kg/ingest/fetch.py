"""Fetch exactly the URL a user named (and the redirects it answers with): http and https only, a timeout on
the whole exchange, a limit on the body's size and on the number of redirects. Nothing else is requested: no
robots.txt, no favicon, no CDN.

Nor is a page on the internet followed into this machine or the user's private network: the user named the page,
not the addresses its redirects (or a feed's item links) point to, and a GET to a router's or a local service's
address can change things there. As browsers' Private Network Access does, each host is placed in an address
space (public, private, this machine) by the addresses the system resolver gives it, before anything is sent,
and by the address actually connected to, before the answer is used (a name that resolves one way, then
another); a step to a space more inside than the one the link came from is refused unless --allow-private. An
address the user names directly is always fetched (a page on 127.0.0.1 or on the office network)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import urllib.request
from dataclasses import dataclass

import httpx

from kg.errors import UsageError
from kg.ingest import Original, Refused, inflate, tls
from kg.ingest.tls import is_loopback
from kg.model import VERSION

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds for the whole fetch, redirects included
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False  # follow a public page's redirect (or a feed's link) into a private network


# --------------------------------------------------------------------------------------------------------------
# Address spaces, as Private Network Access (WICG) draws them: https://wicg.github.io/private-network-access/

PUBLIC, PRIVATE, LOCAL = 0, 1, 2  # the larger, the more inside
SPACE_WORDS = {PUBLIC: "a public address", PRIVATE: "a private-network address", LOCAL: "this machine"}
_LOCAL = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128")]  # 0.0.0.0: here too
_PRIVATE = [
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "172.16.0.0/12",
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "169.254.0.0/16",  # link-local, where clouds answer their metadata service
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
    )
]


def address_space(address: str) -> int:
    """PUBLIC, PRIVATE or LOCAL for an IP address; an IPv4 address written as IPv6 (::ffff:127.0.0.1) counts as
    the IPv4 one. Not ipaddress's is_private, which also counts documentation and reserved ranges as private."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0: the zone names no other address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _LOCAL):
        return LOCAL
    if any(ip in net for net in _PRIVATE):
        return PRIVATE
    return PUBLIC


def _resolve(host: str, port: int) -> tuple[int, str] | None:
    """The space of a host and the address that put it there (the most inside of those the system resolver
    gives); None when it does not resolve (httpx then says so)."""
    try:
        return address_space(host), host
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    spaces = sorted({(address_space(info[4][0]), info[4][0]) for info in found}, reverse=True)
    return spaces[0] if spaces else None


def _proxied(url: httpx.URL, trust_env: bool) -> bool:
    """Whether httpx sends this request through a proxy from the environment: then the address connected to is
    the proxy's, which says nothing of the host."""
    if not trust_env:
        return False
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass_environment(url.host)


@dataclass(frozen=True)
class Via:
    """Where a link came from: the page (or feed) that named it, the address it was fetched from, its space."""

    url: str
    address: str
    space: int


def _step(shown: str, via: Via | None, target: str, space: int, address: str, limits: Limits, what: str) -> None:
    """Refuse a step into a space more inside than the one of the page that named the address."""
    if via is None or limits.allow_private or space <= via.space:
        return
    raise Refused(
        shown,
        f"{what} {via.url} ({via.address}, {SPACE_WORDS[via.space]}) to {target} ({address}, {SPACE_WORDS[space]}): "
        "a page is not followed inward, from the internet into a private network or this machine",
        f"if you trust it, pass --allow-private, or add {target} yourself",
    )


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


def fetch(url: str, limits: Limits = Limits(), via: Via | None = None) -> Original:
    """The body of `url` after at most `limits.max_redirects` redirects, or a Refused saying why not.

    The whole exchange runs under one deadline (asyncio's, which cancels a read in progress): httpx's timeout
    bounds each read only, so a server sending its head a header line every second held kg add as long as it
    liked (31 s under --timeout 1 in the fourth outside review).

    `via` is the page (a feed) that named `url`; None when the user named it. The Original says the address
    and space of the host that answered, for the links it names in turn."""
    current = _checked(url, url)
    try:
        return asyncio.run(asyncio.wait_for(_fetch(url, current, limits, via), limits.timeout))
    except TimeoutError:
        raise _timeout(url, limits) from None


def _tls(url: httpx.URL) -> ssl.SSLContext:
    """kg/ingest/tls.py's context (SSL_CERT_FILE / SSL_CERT_DIR for every host; one it cannot load is a message) for an
    https address; for http, the same if it loads, else certifi's (an http page checks no certificate, and one it
    redirects to https is still checked, against certifi's authorities)."""
    if url.scheme == "https":
        return tls.context(url.host)
    try:
        return tls.context(url.host)
    except UsageError:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())


async def _fetch(url: str, current: httpx.URL, limits: Limits, via: Via | None) -> Original:
    seen: list[str] = []
    what = "a link in"
    trust_env = not is_loopback(current.host)
    # a proxy from the environment for remote hosts, never for this machine (as kg push)
    async with httpx.AsyncClient(
        follow_redirects=False,
        verify=_tls(current),
        trust_env=trust_env,
        headers={"User-Agent": f"kg/{VERSION} (kg add)", "Accept-Encoding": inflate.ACCEPT},
        timeout=httpx.Timeout(limits.timeout),
    ) as client:
        while True:
            seen.append(str(current))
            port = current.port or (443 if current.scheme == "https" else 80)
            resolved = await asyncio.to_thread(_resolve, current.host, port)
            space, address = resolved if resolved is not None else (PUBLIC, current.host)
            _step(url, via, str(current), space, address, limits, what)
            try:
                async with client.stream("GET", current) as response:
                    stream = response.extensions.get("network_stream")
                    peer = stream.get_extra_info("server_addr") if stream is not None else None
                    if peer and not _proxied(current, trust_env):  # the address connected to, whatever DNS said
                        connected = address_space(str(peer[0]))
                        if connected > space:
                            space, address = connected, str(peer[0])
                            _step(url, via, str(current), space, address, limits, what)
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
                        via, what = Via(seen[-1], address, space), "redirected from"
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
                    try:  # inflated within the limit (kg/ingest/inflate.py: httpx's decoders inflate a chunk whole)
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
                        address=address,
                        space=space,
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
