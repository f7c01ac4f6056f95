"""The guarded front of `kg serve`: a small asyncio HTTP server that owns the listening socket and hands each
checked request to a pool of Oxigraph read-only servers on private loopback ports.

Why a front at all: Oxigraph's server (0.5) has no option for the request size, reads requests for up to 60 s
per socket operation, and its own `--timeout-s` is checked so rarely that a cross-product `COUNT` ran for five
minutes with `--timeout-s 1`. A query cannot be stopped from outside the process that runs it, so each worker
process answers one request at a time and a request that outlives --query-timeout gets its worker killed and a
fresh one started: a runaway query costs one worker for --query-timeout seconds, never the service.

What the front enforces before Oxigraph sees a byte:
- the request line and headers fit in HEAD_LIMIT bytes (else 431) and the body in --max-body bytes (else 413,
  refused from Content-Length alone, before the body is read);
- the whole request arrives within --request-timeout seconds (else 408): slow-loris clients are dropped;
- only GET, HEAD and POST (the query page at /, kg/serve_page.py, is answered here, not by Oxigraph, and posts
  to /query); writes (PUT, DELETE, PATCH, POST to /update or /store) get 403, as the store is read-only, other
  methods 405;
- at most --max-connections connections at once (more get 503 at once, with Retry-After), and a request
  waits for a free worker at most twice --query-timeout (then 503, with Retry-After);
- the answer is complete within --query-timeout seconds of reaching a worker (else 503 and the worker is
  restarted). Answers up to RESPONSE_BUFFER bytes are buffered, so a stopped query is a clean 503, never a 200
  with a half-written body; larger ones are streamed and cut off at the limit (the client sees a broken body).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HEAD_LIMIT = 64 * 1024
RESPONSE_BUFFER = 1024 * 1024
FORWARDED_HEADERS = ("accept", "content-type", "accept-language")
WRITE_METHODS = {"PUT", "DELETE", "PATCH"}


@dataclass(frozen=True)
class Limits:
    """What one client may ask of the server; the defaults suit one analyst's browser and scripts."""

    max_body: int = 1024 * 1024
    query_timeout: float = 30.0
    request_timeout: float = 10.0
    max_connections: int = 64
    workers: int = max(2, min(8, os.cpu_count() or 2))


@dataclass
class Counts:
    """What the front did, printed when it stops, so a run can be measured from outside."""

    dropped: int = 0
    stopped_queries: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    def count(self, status: int) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + 1

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.by_status.items()))
        return (
            f"stopped: {sum(self.by_status.values())} requests ({statuses or 'none'}), "
            f"{self.dropped} connections dropped, {self.stopped_queries} queries stopped at the time limit"
        )


class _Reject(Exception):
    """A request refused by the front: status, reason and a sentence saying what to change."""

    def __init__(self, status: int, reason: str, text: str, extra: str = "") -> None:
        super().__init__(text)
        self.status, self.reason, self.text, self.extra = status, reason, text, extra


def _reply(status: int, reason: str, text: str, extra: str = "") -> bytes:
    body = (text + "\n").encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
    )
    return head.encode("ascii") + body


def _die_with_parent() -> None:
    """In the worker, before exec: Linux sends SIGKILL when kg serve dies, even by SIGKILL, so no worker is
    left holding the store (PR_SET_PDEATHSIG). Elsewhere the front's shutdown handler is the only guard."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Worker:
    """One Oxigraph read-only server on a private port of 127.0.0.1, answering one request at a time."""

    def __init__(self, binary: str, store: Path) -> None:
        self.binary, self.store = binary, store
        self.port = 0
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, seconds: float = 30.0) -> None:
        """Start the server and wait until it accepts connections; raises RuntimeError if it does not."""
        self.port = _free_loopback_port()
        self.process = await asyncio.create_subprocess_exec(
            self.binary,
            "serve-read-only",
            "--location",
            str(self.store),
            "--bind",
            f"127.0.0.1:{self.port}",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            if self.process.returncode is not None:
                break
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
        code = self.process.returncode
        await self.kill()
        raise RuntimeError(f"Oxigraph's server did not start on {self.store} (exit status {code})")

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


class Front:
    """The listening server: checks each request, then relays it to an idle worker under the time limit."""

    def __init__(self, binary: str, store: Path, limits: Limits) -> None:
        self.binary, self.store, self.limits = binary, store, limits
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.connections = 0
        self.counts = Counts()
        self.tasks: set[asyncio.Task] = set()

    async def start_workers(self) -> None:
        for _ in range(self.limits.workers):
            await self._add_worker()

    async def _add_worker(self) -> None:
        worker = Worker(self.binary, self.store)
        await worker.start()
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    async def _replace(self, worker: Worker) -> None:
        """Kill a worker that ran out of time (or died) and start another in its place."""
        self.workers.discard(worker)
        await worker.kill()
        for attempt in range(3):
            try:
                await self._add_worker()
                return
            except RuntimeError as err:
                print(f"kg serve: {err} (attempt {attempt + 1} of 3)", file=sys.stderr, flush=True)
                await asyncio.sleep(1)

    def _replace_later(self, worker: Worker) -> None:
        task = asyncio.create_task(self._replace(worker))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop_workers(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        for worker in list(self.workers):
            await worker.kill()

    # ----------------------------------------------------------------------------------------------------------

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection, one request: HTTP keep-alive is not offered, so no client holds a slot between
        requests (browsers and HTTP libraries simply open another connection)."""
        self.connections += 1
        try:
            if self.connections > self.limits.max_connections:
                raise _Reject(
                    503, "Service Unavailable", "too many connections; try again shortly", "Retry-After: 1\r\n"
                )
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.limits.request_timeout
            try:
                async with asyncio.timeout_at(deadline):
                    method, target, headers, body = await self._read_request(reader)
            except TimeoutError:
                raise _Reject(
                    408, "Request Timeout", f"the request did not arrive within {self.limits.request_timeout:g} s"
                ) from None
            if target.split("?", 1)[0] == "/" and method in ("GET", "HEAD"):
                await self._page(method, writer)
            else:
                await self._forward(method, target, headers, body, writer)
        except _Reject as reject:
            self.counts.count(reject.status)
            with contextlib.suppress(OSError):
                writer.write(_reply(reject.status, reject.reason, reject.text, reject.extra))
                async with asyncio.timeout(1):
                    await writer.drain()
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            self.counts.dropped += 1  # the client went away, or would not read what it was sent
        finally:
            self.connections -= 1
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                async with asyncio.timeout(1):
                    await writer.wait_closed()

    async def _page(self, method: str, writer: asyncio.StreamWriter) -> None:
        """kg's own query page (kg/serve_page.py), answered by the front: Oxigraph's built-in page fetches
        prefix suggestions from the internet, and kg's pages load nothing from outside."""
        from kg import serve_page

        writer.write(serve_page.response(head_only=method == "HEAD"))
        async with asyncio.timeout(self.limits.request_timeout):
            await writer.drain()
        self.counts.count(200)

    async def _read_request(self, reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes]:
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise _Reject(
                431, "Request Header Fields Too Large", f"request line and headers are limited to {HEAD_LIMIT} bytes"
            ) from None
        except asyncio.IncompleteReadError as err:
            if not err.partial.strip():
                raise  # a connection opened and closed: nothing to answer
            raise _Reject(400, "Bad Request", "the request ended before its headers did") from None
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise _Reject(400, "Bad Request", "the request line and headers must be ASCII") from None
        lines = text.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or parts[2] not in ("HTTP/1.0", "HTTP/1.1") or not parts[1].startswith("/"):
            raise _Reject(400, "Bad Request", "not an HTTP/1.1 request line (METHOD /path HTTP/1.1)")
        method, target, _ = parts
        if not method.isalpha() or not method.isupper():
            raise _Reject(400, "Bad Request", "not an HTTP method")
        if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
            raise _Reject(400, "Bad Request", "the request target must be percent-encoded")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip() or any(c in name for c in " \t"):
                raise _Reject(400, "Bad Request", "malformed header line")
            headers[name.lower()] = value.strip()
        path = target.split("?", 1)[0]
        if method in WRITE_METHODS or (method == "POST" and (path == "/update" or path.startswith("/store"))):
            raise _Reject(403, "Forbidden", "the server is read-only: only queries are answered, at /query")
        if method not in ("GET", "HEAD", "POST"):
            raise _Reject(405, "Method Not Allowed", f"{method} is not supported", "Allow: GET, HEAD, POST\r\n")
        if "transfer-encoding" in headers:
            raise _Reject(411, "Length Required", "send the body with a Content-Length, not chunked")
        length_text = headers.get("content-length", "0")
        if not length_text.isdigit() or len(length_text) > 18:
            raise _Reject(400, "Bad Request", "Content-Length must be a number of bytes")
        length = int(length_text)
        if length > self.limits.max_body:
            raise _Reject(
                413,
                "Content Too Large",
                f"the request body is limited to {self.limits.max_body} bytes (kg serve --max-body); got {length}",
            )
        body = await reader.readexactly(length) if length else b""
        return method, target, headers, body

    async def _forward(
        self, method: str, target: str, headers: dict[str, str], body: bytes, writer: asyncio.StreamWriter
    ) -> None:
        timeout = self.limits.query_timeout
        try:
            # behind at most a round or two of long queries: a bounded wait, then a clear 503
            async with asyncio.timeout(2 * timeout):
                worker = await self.idle.get()
        except TimeoutError:
            raise _Reject(
                503, "Service Unavailable", "every worker is busy; try again shortly", "Retry-After: 1\r\n"
            ) from None
        request = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{worker.port}", "Connection: close"]
        request += [f"{name}: {headers[name]}" for name in FORWARDED_HEADERS if name in headers]
        if method == "POST":
            request.append(f"Content-Length: {len(body)}")
        payload = ("\r\n".join(request) + "\r\n\r\n").encode("ascii") + (body if method == "POST" else b"")
        sent = 0
        status = 502
        healthy = False
        try:
            async with asyncio.timeout(timeout):
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", worker.port)
                try:
                    upstream_writer.write(payload)
                    await upstream_writer.drain()
                    buffered = bytearray()
                    while chunk := await upstream_reader.read(65536):
                        if not sent and not buffered and chunk[9:12].isdigit():
                            status = int(chunk[9:12])  # "HTTP/1.1 200 OK": counted for the summary
                        if sent or len(buffered) + len(chunk) > RESPONSE_BUFFER:
                            await _to_client(writer, bytes(buffered) + chunk)
                            sent += len(buffered) + len(chunk)
                            buffered.clear()
                        else:
                            buffered += chunk
                    if buffered:
                        await _to_client(writer, bytes(buffered))
                        sent += len(buffered)
                finally:
                    upstream_writer.close()
            healthy = True
        except TimeoutError:
            self.counts.stopped_queries += 1
            if not sent:
                raise _Reject(
                    503,
                    "Service Unavailable",
                    f"the query ran longer than {timeout:g} s (kg serve --query-timeout) and was stopped",
                ) from None
            self.counts.dropped += 1
            return
        except _ClientGone:
            healthy = True  # the client hung up; the worker only sees its answer's connection closed
            self.counts.dropped += 1
            return
        except OSError:
            if not sent:
                raise _Reject(502, "Bad Gateway", "the query worker failed; it is being restarted") from None
            return
        finally:
            if healthy:
                self.idle.put_nowait(worker)
            else:
                self._replace_later(worker)
        self.counts.count(status)


class _ClientGone(Exception):
    """The client closed its connection while its answer was being relayed: no fault of the worker."""


async def _to_client(writer: asyncio.StreamWriter, data: bytes) -> None:
    try:
        writer.write(data)
        await writer.drain()
    except OSError as err:
        raise _ClientGone from err


async def _serve(
    binary: str, store: Path, host: str, port: int, limits: Limits, announce: Callable[[], None]
) -> tuple[int, Counts]:
    front = Front(binary, store, limits)
    stop = asyncio.Event()
    how = {"code": 0}
    loop = asyncio.get_running_loop()

    def on_signal(code: int) -> None:
        how["code"] = code
        stop.set()

    # before anything starts: a signal during start-up stops the server cleanly too, never half-way
    loop.add_signal_handler(signal.SIGTERM, on_signal, 0)
    loop.add_signal_handler(signal.SIGINT, on_signal, 130)
    # the public port is taken first, so the kernel cannot hand it to a worker as a "free" private port
    server = await asyncio.start_server(front.handle, host, port, limit=HEAD_LIMIT, reuse_address=True)
    try:
        await front.start_workers()
        announce()
        await stop.wait()
    finally:
        server.close()
        await front.stop_workers()
    return how["code"], front.counts


def run(
    binary: str, store: Path, host: str, port: int, limits: Limits, announce: Callable[[], None]
) -> tuple[int, Counts]:
    """Serve until SIGTERM (exit 0) or Ctrl-C (exit 130); returns the exit code and what was done."""
    try:
        return asyncio.run(_serve(binary, store, host, port, limits, announce))
    except RuntimeError as err:
        from kg.errors import UsageError

        raise UsageError(str(err)) from None
