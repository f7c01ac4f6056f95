"""Reading one HTTP/1.1 request safely, for kg's servers on this machine (`kg serve`'s front; `kg review` can
use the same): the request is parsed by h11, the sans-IO HTTP/1.1 parser under uvicorn and httpx, checked
against the names the server answers to, and bounded in size and time.

Why h11 rather than kg's own parser: a hand-written one let a bare LF inside a header value through as part of
the value, which the server behind then read as a header of its own, and it had no Host check. h11 follows RFC
9112 for the request line, header syntax, Content-Length and chunked bodies, and refuses what it cannot read
unambiguously; this module adds only what a parser cannot know: the limits and the names of this server.

Why a Host check: after DNS rebinding, a web page's own host name points at 127.0.0.1, so the browser lets it
read what a server on this machine answers. The browser still sends that page's name as Host, so a server
that answers only its own names (127.0.0.1:PORT, localhost:PORT, ...) gives such a page nothing. A page of
another site that posts to 127.0.0.1 directly cannot read the answer, but its browser says where it comes
from (Origin), so it is refused too, before the server does any work for it. A GET made by another site's page
(an image, a frame, a no-cors fetch) carries no Origin, but the browser marks it Sec-Fetch-Site: cross-site, and
such requests are refused as well, but for a link the user follows (a top-level navigation).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import h11

from kg.ingest.tls import is_loopback

HEAD_LIMIT = 64 * 1024


class Refusal(Exception):
    """A request refused before it is answered: status, reason and a sentence saying what to change."""

    def __init__(self, status: int, reason: str, text: str, extra: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(text)
        self.status, self.reason, self.text, self.extra = status, reason, text, tuple(extra)

    def response(self, head_only: bool = False) -> bytes:
        """The answer; for a HEAD request its head alone (with the Content-Length the body would have)."""
        answer = reply(self.status, self.reason, self.text, self.extra)
        return answer[: answer.index(b"\r\n\r\n") + 4] if head_only else answer


def reply(status: int, reason: str, text: str, extra: Iterable[tuple[str, str]] = ()) -> bytes:
    """A whole plain-text answer that closes the connection."""
    body = (text + "\n").encode("utf-8")
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in extra)
    head += "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    return head.encode("ascii") + body


@dataclass(frozen=True)
class Request:
    """One request as h11 read it. Header names are lower case; a header sent twice is joined with ", "."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    http_version: str = "1.1"  # "1.0": the answer must not be chunked (RFC 9112), and the connection then closes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]


# --------------------------------------------------------------------------------------------------------------
# Host names


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


@dataclass(frozen=True)
class HostCheck:
    """The Host header values a server bound to `host`:`port` answers: its address, and for loopback also
    localhost and the other loopback family; for a wildcard address (0.0.0.0, ::) any IP address (a browser
    sends an address as Host only when the page's own origin is that address, so none is a rebinding) and
    this machine's names. `also` adds names (a name in /etc/hosts, a proxy's)."""

    host: str
    port: int
    also: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        hosts = {self.host.lower(), *(name.lower() for name in self.also)}
        if is_loopback(self.host):
            hosts |= {"localhost", "127.0.0.1", "::1"}
        if _is_wildcard(self.host):
            hosts |= {"localhost", socket.gethostname().lower(), socket.getfqdn().lower()}
        return frozenset(hosts)

    def allows(self, value: str) -> bool:
        value = value.strip().lower()
        if value.startswith("["):
            name, _, rest = value[1:].partition("]")
            if rest and not rest.startswith(":"):
                return False
            port = rest[1:]
        elif value.count(":") == 1:
            name, _, port = value.partition(":")
        else:
            name, port = value, ""
        if port not in ("", str(self.port)):  # no port: the name alone tells a rebinding page apart
            return False
        if name in self.names():
            return True
        if _is_wildcard(self.host):
            try:
                ipaddress.ip_address(name)
                return True
            except ValueError:
                return False
        return False

    def check(self, value: str | None) -> None:
        """Raise a 421 Refusal unless `value` names this server."""
        if value is None or not self.allows(value):
            shown = "none" if value is None else repr(value[:200])
            raise Refusal(
                421,
                "Misdirected Request",
                f"this server answers only requests addressed to it (Host: {self.example()}); got Host {shown}. "
                "A web page reaching it under another name is refused. To use another name, start it with "
                "--allow-host NAME",
            )

    def check_origin(self, value: str | None) -> None:
        """Raise a 403 Refusal when a browser says the request comes from another site's page (Origin): such
        a page cannot read the answer (no CORS), but could still make the server work for it (CSRF)."""
        if value is None:
            return
        try:
            parts = urllib.parse.urlsplit(value.strip())
            # an origin without a port is on its scheme's default port (http://localhost is localhost:80, another
            # server than this one), though a Host header without a port is let through
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
            host = parts.hostname if parts.scheme in ("http", "https") else None
        except ValueError:  # "http://[::1": urlsplit raised, and the front wrote a traceback and answered nothing
            host = port = None
        if host and port and self.allows(f"[{host}]:{port}" if ":" in host else f"{host}:{port}"):
            return
        raise Refusal(
            403,
            "Forbidden",
            f"requests from other web pages are refused (Origin {value[:200]!r}); "
            f"open the query page at http://{self.example()}/ instead",
        )

    def check_fetch_site(self, method: str, headers: dict[str, str]) -> None:
        """Raise a 403 Refusal when a browser says the request comes from another site's page (Sec-Fetch-Site)
        and it is not the user opening a link. A page's <img>, <iframe>, form or no-cors fetch by GET carries no
        Origin, so without this any web page could make the server run queries (a runaway one holds a worker
        for --query-timeout) while it is open. A top-level navigation (a link the user follows to a query URL)
        is let through: the page that made it cannot read the answer, and the user sees it."""
        site = headers.get("sec-fetch-site", "").strip().lower()
        if site in ("", "same-origin", "none"):
            return
        navigation = (
            method in ("GET", "HEAD")
            and headers.get("sec-fetch-mode", "").strip().lower() == "navigate"
            and headers.get("sec-fetch-dest", "").strip().lower() == "document"
        )
        if navigation:
            return
        raise Refusal(
            403,
            "Forbidden",
            f"requests from other web pages are refused (Sec-Fetch-Site {site[:40]!r}); "
            f"open the query page at http://{self.example()}/ instead",
        )

    def example(self) -> str:
        host = "127.0.0.1" if _is_wildcard(self.host) or self.host == "localhost" else self.host
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"


# --------------------------------------------------------------------------------------------------------------
# Reading one request


class ClientGone(Exception):
    """The client closed the connection before its request was whole: nothing to answer."""


async def read_request(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    *,
    max_body: int,
    hosts: HostCheck | None,
    screen: Callable[[Request], None] | None = None,
    head_limit: int = HEAD_LIMIT,
    body_option: str = "",
) -> Request:
    """Read one request: its head (at most head_limit bytes, else 431), then, once `hosts` (421) and `screen`
    (the application's refusals of a method or path, on a Request without its body) have let it through, its
    body (at most max_body bytes, else 413, refused from Content-Length before a byte of it is read). The
    caller bounds the time (408); `body_option` names the option that sets max_body in the 413's text. Raises
    Refusal, or ClientGone when the client left first."""
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=head_limit)
    request: Request | None = None
    body = bytearray()
    received = 0
    while True:
        try:
            event = connection.next_event()
        except h11.RemoteProtocolError as err:
            if request is not None:
                raise ClientGone from None  # the body ended early or broke its chunking: the client is gone
            if err.error_status_hint == 431:
                raise Refusal(
                    431,
                    "Request Header Fields Too Large",
                    f"request line and headers are limited to {head_limit} bytes",
                ) from None
            if not received:
                raise ClientGone from None
            raise Refusal(400, "Bad Request", f"not a well-formed HTTP/1.1 request ({err})") from None
        if event is h11.NEED_DATA:
            data = await reader.read(65536)
            received += len(data)
            connection.receive_data(data)  # b"" tells h11 the client closed its side
            continue
        if isinstance(event, h11.Request):
            # h11 bounds a head still arriving; one that came whole in a single read is measured here
            if received - len(connection.trailing_data[0]) > head_limit:
                raise Refusal(
                    431,
                    "Request Header Fields Too Large",
                    f"request line and headers are limited to {head_limit} bytes",
                )
            request = _checked(event, max_body, hosts, screen, body_option)
            if request.headers.get("expect", "").lower() == "100-continue" and request.http_version != "1.0":
                # (RFC 9110: no 100 Continue to an HTTP/1.0 client)
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            continue
        if isinstance(event, h11.Data):
            body += event.data
            if len(body) > max_body:  # a chunked body, whose length is known only as it comes
                raise Refusal(413, "Content Too Large", f"the request body is limited to {max_body} bytes")
            continue
        if isinstance(event, h11.EndOfMessage) and request is not None:
            return Request(request.method, request.target, request.headers, bytes(body), request.http_version)
        raise ClientGone


def _checked(event: h11.Request, max_body: int, hosts: HostCheck | None, screen, body_option: str = "") -> Request:
    try:
        method = event.method.decode("ascii")
        target = event.target.decode("ascii")
        headers: dict[str, str] = {}
        for name, value in event.headers:
            key = name.decode("ascii").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
    except UnicodeDecodeError:
        raise Refusal(400, "Bad Request", "the request line must be ASCII") from None
    if not target.startswith("/"):
        raise Refusal(400, "Bad Request", "the request target must be a path (/query), not a URL or *")
    if not method.isalpha() or not method.isupper():
        raise Refusal(400, "Bad Request", "not an HTTP method")
    if hosts is not None:
        hosts.check(headers.get("host"))
        hosts.check_origin(headers.get("origin"))
        hosts.check_fetch_site(method, headers)
    request = Request(method, target, headers, http_version=event.http_version.decode("ascii"))
    if screen is not None:
        screen(request)
    if "transfer-encoding" in headers and "content-length" in headers:
        raise Refusal(400, "Bad Request", "send either Content-Length or Transfer-Encoding, not both")
    length = headers.get("content-length", "0")
    if length.isdigit() and int(length) > max_body:
        raise Refusal(
            413,
            "Content Too Large",
            f"the request body is limited to {max_body} bytes{f' ({body_option})' if body_option else ''}; "
            f"got {int(length)}",
        )
    return request
