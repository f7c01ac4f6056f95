"""The local server of `kg review`: the page, its data, and the one write (save).

The page writes a file on this machine, so every request is read by h11 through kg/serve/http_guard.py (the guard of
`kg serve`) and:
- the server listens on 127.0.0.1 only, and answers only requests addressed to it (Host: 127.0.0.1:PORT or
  localhost:PORT; else 421), so a web page that rebinds its own name to 127.0.0.1 reads and writes nothing;
- the data and the save need the per-run token (a random secret printed in the URL's fragment, which a browser
  never sends anywhere; the page sends it in a header, which another site's page cannot send without a CORS
  preflight this server never allows);
- the save needs an Origin header naming this server, and a JSON body (another site's form cannot send one);
- every answer says nosniff and no-store; the page's own has a Content-Security-Policy (kg/serve/review/page.py);
- at most `max_connections` connections are open at once (more are answered 503 at once and closed), so a local
  process holding idle connections cannot use up the server's file descriptors (each is dropped after
  REQUEST_TIMEOUT anyway, but a limit of 1,024 descriptors is reached in far less).
Nothing the page sends names a file: the file under review is the one given on the command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import secrets
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError, UsageError
from kg.ontology import DEFAULT_DIR, Ontology
from kg.serve.http_guard import ClientGone, HostCheck, Refusal, Request, read_request, reply
from kg.serve.review import model, page, save

MAX_BODY = 8 * 1024 * 1024
REQUEST_TIMEOUT = 30.0
MAX_CONNECTIONS = 64  # one person's page makes a few requests at a time; kg serve's default too
TOKEN_HEADER = "x-kg-token"


@dataclass
class Review:
    """One review session: the file, the ontology, the token, and the lock that makes saves one at a time."""

    target: model.Target
    ontology: Ontology
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    ontology_dir: Path = DEFAULT_DIR
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    max_connections: int = MAX_CONNECTIONS
    connections: int = 0  # open now


def _json(status: int, reason: str, value: object) -> bytes:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _screen(review: Review, hosts: HostCheck):
    """Refusals decided from the request's head, before its body is read."""

    def screen(request: Request) -> None:
        if request.path == "/" and request.method in ("GET", "HEAD"):
            return
        if request.path not in ("/data", "/save"):
            raise Refusal(404, "Not Found", "kg review answers /, /data and /save")
        wanted = "GET" if request.path == "/data" else "POST"
        if request.method != wanted:
            raise Refusal(405, "Method Not Allowed", f"{request.path} takes {wanted}", [("Allow", wanted)])
        token = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(token.encode("utf-8", "replace"), review.token.encode("ascii")):
            raise Refusal(
                403, "Forbidden", "this request lacks the review's token: open the address `kg review` printed"
            )
        if request.method == "POST":
            origin = request.headers.get("origin")
            if origin is None:
                raise Refusal(403, "Forbidden", "a save must come from the review page (no Origin header)")
            hosts.check_origin(origin)  # 403 unless it names this server
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                raise Refusal(415, "Unsupported Media Type", "a save is a JSON body (Content-Type: application/json)")

    return screen


async def _answer(review: Review, request: Request) -> bytes:
    if request.path == "/":
        return page.response(head_only=request.method == "HEAD")
    if request.path == "/data":
        try:
            data = await asyncio.to_thread(model.page_data, review.target, review.ontology)
        except KgError as err:
            return _json(422, "Unprocessable Content", {"error": str(err)})
        return _json(200, "OK", data)
    try:
        decisions = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return _json(400, "Bad Request", {"error": f"the save is not JSON: {err}"})
    except RecursionError:  # "[[[[...": json's parser recurses per level (before: a 500 and an "internal error")
        return _json(400, "Bad Request", {"error": "the save nests deeper than any the page sends"})
    if not isinstance(decisions, dict):
        return _json(400, "Bad Request", {"error": "the save must be a JSON object"})
    async with review.lock:
        try:
            outcome = await asyncio.to_thread(save.save, review.target, decisions, review.ontology, review.ontology_dir)
        except save.Stale:
            return _json(
                409,
                "Conflict",
                {
                    "stale": True,
                    "error": f"{review.target.facts} changed on disk since this page read it; nothing was written. "
                    "Reload the page to review the file as it is now.",
                },
            )
        except save.Refused as err:
            return _json(400, "Bad Request", {"error": err.text, "key": err.key})
        except KgError as err:
            return _json(422, "Unprocessable Content", {"error": str(err)})
    if not outcome.written:
        return _json(422, "Unprocessable Content", {"problems": outcome.problems})
    data = await asyncio.to_thread(model.page_data, review.target, review.ontology)
    return _json(200, "OK", {"saved": str(review.target.facts), "data": data})


async def _handle(review: Review, hosts: HostCheck, reader, writer) -> None:
    review.connections += 1
    try:
        if review.connections > review.max_connections:  # answered before a byte is read, then closed
            writer.write(
                reply(
                    503,
                    "Service Unavailable",
                    f"kg review holds {review.max_connections} connections already (--max-connections); "
                    "try again shortly",
                    [("Retry-After", "1"), ("Cache-Control", "no-store")],
                )
            )
            with contextlib.suppress(ConnectionError, TimeoutError):
                await asyncio.wait_for(writer.drain(), 1)
            return
        try:
            request = await asyncio.wait_for(
                read_request(reader, writer, max_body=MAX_BODY, hosts=hosts, screen=_screen(review, hosts)),
                REQUEST_TIMEOUT,
            )
            answer = await _answer(review, request)
        except Refusal as refusal:
            answer = refusal.response()
        except TimeoutError:
            answer = reply(408, "Request Timeout", f"send the whole request within {REQUEST_TIMEOUT:g} seconds")
        except ClientGone:
            return
        except Exception as err:  # a bug must not leave the page without an answer, nor print a traceback
            print(f"kg review: internal error: {err!r}", file=sys.stderr, flush=True)
            answer = _json(500, "Internal Server Error", {"error": f"kg review failed: {err!r}; nothing was written"})
        writer.write(answer)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
    finally:
        review.connections -= 1
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


def listen(port: int) -> socket.socket:
    """The listening socket on 127.0.0.1 (port 0: a free one); a port in use is a usage error."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as err:
        sock.close()
        raise UsageError(
            f"cannot listen on 127.0.0.1:{port}: {err.strerror}; pass another --port (0: any free one)"
        ) from None
    sock.listen(64)
    sock.setblocking(False)
    return sock


def serve(review: Review, sock: socket.socket, ready=None) -> None:
    """Answer until interrupted: Ctrl+C raises KeyboardInterrupt here, for the command to report and exit 130."""

    async def main() -> None:
        port = sock.getsockname()[1]
        hosts = HostCheck("127.0.0.1", port)
        server = await asyncio.start_server(lambda r, w: _handle(review, hosts, r, w), sock=sock)
        if ready is not None:
            ready(port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())
