"""The guarded front of `kg serve`: a small asyncio HTTP server that owns the listening socket and hands each
checked request to a pool of Oxigraph read-only servers on private loopback ports.

Why a front at all: Oxigraph's server (0.5) has no option for the request size, reads requests for up to 60 s
per socket operation, and its own `--timeout-s` is checked so rarely that a cross-product `COUNT` ran for five
minutes with `--timeout-s 1`. A query cannot be stopped from outside the process that runs it, so each worker
process answers one request at a time and a request that outlives --query-timeout gets its worker killed and a
fresh one started: a runaway query costs one worker for --query-timeout seconds, never the service.

Requests are read by h11 (kg/serve/http_guard.py), never by hand. What the front enforces before Oxigraph sees a byte:
- the request is addressed to this server (Host: 127.0.0.1:PORT, localhost:PORT, ...; else 421), so a web page
  that rebinds its own name to 127.0.0.1 cannot read the graph, and is not made by another site's page (Origin,
  Sec-Fetch-Site; else 403), so no web page the user has open can make it work;
- the request line and headers fit in HEAD_LIMIT bytes (else 431) and the body in --max-body bytes (else 413,
  refused from Content-Length alone, before the body is read);
- the whole request arrives within --request-timeout seconds (else 408): slow-loris clients are dropped;
- only GET, HEAD and POST (the query page at /, kg/serve/page.py, is answered here, not by Oxigraph, and posts
  to /query); writes (PUT, DELETE, PATCH, POST to /update or /store) get 403, as the store is read-only, other
  methods 405; only /query and reading /store reach a worker (other paths: 404);
- the query is read here (GET ?query=, POST application/sparql-query, POST form) and refused if it cannot be
  read or has a SERVICE clause (which would make the worker send requests to any host it names); the worker
  is sent that query, as the front read it, in a request the front writes itself: nothing of the client's
  request reaches it unread;
- at most --max-connections connections at once (more get 503 at once, with Retry-After), and a request
  waits for a free worker at most twice --query-timeout (then 503, with Retry-After);
- the answer is complete within --query-timeout seconds of reaching a worker (else 503 and the worker is
  restarted). Answers up to RESPONSE_BUFFER bytes are buffered, so a stopped query is a clean 503, never a 200
  with a half-written body; larger ones are streamed and cut off at the limit (the client sees a broken body);
- each worker's heap is capped at --max-memory MiB (RLIMIT_DATA, which counts what the process allocates but
  not RocksDB's mapped files or the page cache): a query that needs more makes its worker fail an
  allocation and abort; the client gets 503 saying so and a fresh worker takes its place.

The workers follow the build: `kg build` swaps in a new build/store, and the old workers would go on answering
from the deleted one, while a worker started later (after a timeout) would answer from the new one, so answers
would alternate. So each request first looks at the store (one stat): when it changed, a new generation of
workers is started on it and every later request goes to that generation; the old workers are stopped, a busy
one when its request is done.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ctypes
import os
import resource
import signal
import socket
import sys
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import h11

from kg.serve.http_guard import HEAD_LIMIT, ClientGone, HostCheck, Refusal, Request, read_request

RESPONSE_BUFFER = 1024 * 1024
FORWARDED_HEADERS = ("accept", "accept-language")
READABLE_ACCEPT = "text/tab-separated-values, application/n-triples;q=0.9"
WRITE_METHODS = {"PUT", "DELETE", "PATCH"}
QUERY_TYPE = "application/sparql-query"
FORM_TYPE = "application/x-www-form-urlencoded"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri", "union-default-graph")
MAX_FIELDS = 1000  # fields of a form or a query string: a SPARQL request has a query and a few graph names
SERVE_CHAIN = 2000  # operators or clauses chained in one group: a worker died of 2,600 OPTIONALs (502)
LARGE_REQUEST = 16 * 1024  # bytes of query string and body past which reading the query leaves the event loop
OUT_OF_MEMORY = b"memory allocation of"  # what a Rust program writes to stderr when an allocation fails
# what Oxigraph writes when RLIMIT_DATA stops it before it serves: an allocation, or RocksDB's thread stacks
# (C++: "terminate called after throwing an instance of 'std::system_error' what(): Resource temporarily
# unavailable"); at 160 MiB it does not start here, at 200 it does
STARVED = (OUT_OF_MEMORY, b"std::bad_alloc", b"Resource temporarily unavailable")

__all__ = ["HEAD_LIMIT", "Counts", "Front", "Limits", "Worker", "run", "sparql_query"]


@dataclass(frozen=True)
class Limits:
    """What one client may ask of the server; the defaults suit one analyst's browser and scripts."""

    max_body: int = 1024 * 1024
    query_timeout: float = 30.0
    request_timeout: float = 10.0
    max_connections: int = 64
    workers: int = max(2, min(8, os.cpu_count() or 2))
    max_memory: int = 1024  # MiB of heap per worker; an idle worker holds about 75 (docs/how-to/serve.md)


def machine_memory() -> int | None:
    """This machine's memory in MiB (MemTotal), or None where it cannot be read (not Linux)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_max_memory(workers: int, total: int | None) -> int:
    """--max-memory when none is given: 1024 MiB, or less on a machine where the workers' caps would add up to
    all of its memory (8 workers of 1024 MiB on an 8 GiB machine): the workers together stay within what the
    machine has, with a worker's share left for the front and everything else (never below 256 MiB, about what
    a worker needs to start)."""
    if total is None:
        return Limits.max_memory
    return max(256, min(Limits.max_memory, total // (workers + 1)))


@dataclass
class Counts:
    """What the front did, printed when it stops, so a run can be measured from outside."""

    dropped: int = 0
    stopped_queries: int = 0
    memory_stopped: int = 0
    generations: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    def count(self, status: int) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + 1

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.by_status.items()))
        return (
            f"stopped: {sum(self.by_status.values())} requests ({statuses or 'none'}), "
            f"{self.dropped} connections dropped, {self.stopped_queries} queries stopped at the time limit, "
            f"{self.memory_stopped} at the memory limit, {self.generations} new builds followed"
        )


def _worker_setup(max_memory: int) -> Callable[[], None]:
    def setup() -> None:
        """In the worker, before exec: Linux sends SIGKILL when kg serve dies, even by SIGKILL, so no worker is
        left holding the store (PR_SET_PDEATHSIG); and its heap is capped (RLIMIT_DATA, not RLIMIT_AS, which
        would count RocksDB's mapped files and reserved address space)."""
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        cap = max_memory * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))

    return setup


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_LISTEN = "0A"  # TCP_LISTEN, as /proc/net/tcp writes a socket's state


def _listening_port(pid: int) -> int | None:
    """The port of 127.0.0.1 on which process `pid` listens, read from the kernel's socket table and the
    process's open files; None while it listens on none (or the table cannot be read)."""
    try:
        with open("/proc/net/tcp", encoding="ascii") as table:
            rows = table.read().splitlines()[1:]
    except OSError:
        return None
    loopback = f"{int.from_bytes(socket.inet_aton('127.0.0.1'), sys.byteorder):08X}"  # as the kernel prints it
    ports = {}
    for row in rows:
        fields = row.split()
        if len(fields) >= 10 and fields[3] == _LISTEN and fields[1].startswith(loopback + ":"):
            ports[f"socket:[{fields[9]}]"] = int(fields[1].partition(":")[2], 16)
    try:
        descriptors = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None  # it has ended
    for fd in descriptors:
        with contextlib.suppress(OSError):
            port = ports.get(os.readlink(f"/proc/{pid}/fd/{fd}"))
            if port is not None:
                return port
    return None


def _socket_table_readable() -> bool:
    return os.access("/proc/net/tcp", os.R_OK)


# Ports that every browser refuses to connect to, whatever the page (the Fetch standard's "bad ports"; those at
# or above 1024, which any user may bind): Chromium says net::ERR_UNSAFE_PORT, Firefox and Safari refuse alike.
# A worker is plain Oxigraph, without the front's checks: it runs SERVICE clauses, answers any Host and has no
# time limit of its own, so a web page that reached its port (a no-cors POST needs no answer, and 28,000 ports
# of 127.0.0.1 are quickly tried; DNS rebinding, a page served on the same port number) could make this
# machine send requests anywhere or read the graph. On these ports no page can. The last two are X11's and
# NFS's, most often in use. (The standard also lists 4190 and 6679, which Debian's Chromium 156 still connects to:
# left out, as any port a browser in use may reach.)
BROWSER_BLOCKED_PORTS = (6665, 6666, 6667, 6668, 6669, 6697, 10080, 1719, 1720, 1723, 3659, 4045)
BROWSER_BLOCKED_PORTS += (5060, 5061, 6566, 6000, 2049)
_CLAIMED: set[int] = set()  # the ports of this process's workers (started or starting)
_WARNED_NO_PORT: list[bool] = []


def _bindable(port: int) -> bool:
    """Whether port `port` of 127.0.0.1 is free to listen on, as Oxigraph binds (SO_REUSEADDR, so the closed
    connections of an earlier worker on it do not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def store_identity(store: Path) -> tuple[int, ...] | None:
    """What tells one store from the next build's: the directory and its CURRENT file (a build swaps in a new
    directory); None while there is no complete store."""
    try:
        folder, current = os.stat(store), os.stat(store / "CURRENT")
    except OSError:
        return None
    return (folder.st_dev, folder.st_ino, current.st_ino, current.st_mtime_ns, current.st_size)


class Worker:
    """One Oxigraph read-only server on a private port of 127.0.0.1, answering one request at a time."""

    def __init__(self, binary: str, store: Path, max_memory: int = Limits.max_memory, generation: int = 0) -> None:
        self.binary, self.store, self.max_memory, self.generation = binary, store, max_memory, generation
        self.port = 0
        self.identity: tuple[int, ...] | None = None
        self.process: asyncio.subprocess.Process | None = None
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the worker's life, closed in kill

    async def start(self, seconds: float = 30.0) -> None:
        """Start the server and wait until it accepts connections; raises RuntimeError if it does not.

        It listens on a port of 127.0.0.1 that browsers refuse (BROWSER_BLOCKED_PORTS), so that only the front,
        and no web page, can send it a request. kg counts it started only when the kernel's socket table shows
        the listening socket on that port held by the worker's own process: connecting proves only that someone
        listens, and a local process that read the port on the worker's command line and bound it first was
        taken for the worker, sent every query and had its answers relayed as the graph's. Such a port (or one
        in use) is passed over for the next. With every one of them taken, the worker binds port 0 itself (the
        kernel picks and binds a free port in one call, so none can be taken first), with a warning: a web page
        could reach it there. Where the socket table cannot be read (not Linux), a free port is chosen and
        connected to, as before."""
        if not _socket_table_readable():
            self.port = _free_loopback_port()
            if not await self._start_on(seconds, by_table=False):
                raise RuntimeError(f"Oxigraph's server could not listen on 127.0.0.1:{self.port} (in use)")
            return
        for port in BROWSER_BLOCKED_PORTS:
            if port in _CLAIMED or not _bindable(port):
                continue
            self.port = port
            _CLAIMED.add(port)
            try:
                if await self._start_on(seconds):
                    return
            except BaseException:
                _CLAIMED.discard(port)
                raise
            _CLAIMED.discard(port)  # another process took it meanwhile: the next one
        if not _WARNED_NO_PORT:
            _WARNED_NO_PORT.append(True)
            print(
                "kg serve: warning: every port that browsers refuse to connect to is in use "
                f"({', '.join(map(str, BROWSER_BLOCKED_PORTS))}), so Oxigraph workers listen on other ports of "
                "127.0.0.1, where a web page could send them requests without kg serve's checks; stop what "
                "holds those ports (another kg serve?) and restart kg serve",
                file=sys.stderr,
                flush=True,
            )
        self.port = 0
        if not await self._start_on(seconds):
            raise RuntimeError("Oxigraph's server could not listen on 127.0.0.1 (port 0: no free port)")

    async def _start_on(self, seconds: float, by_table: bool = True) -> bool:
        """Start the worker on self.port (0: one the kernel picks); True once it listens there itself, False if
        the port was in use (it then ended), RuntimeError for any other failure."""
        before = store_identity(self.store)
        self.stderr.seek(0)
        self.stderr.truncate()
        self.process = await asyncio.create_subprocess_exec(
            self.binary,
            "serve-read-only",
            "--location",
            str(self.store),
            "--bind",
            f"127.0.0.1:{self.port}",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self.stderr,
            preexec_fn=_worker_setup(self.max_memory),
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            if self.process.returncode is not None:
                break
            if by_table:
                port = _listening_port(self.process.pid)
                if port is None or (self.port and port != self.port):
                    await asyncio.sleep(0.05)
                    continue
                self.port = port
            else:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                except OSError:
                    await asyncio.sleep(0.05)
                    continue
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
            # the store it opened: the one there before and after it started (a swap in between: unknown)
            self.identity = before if before == store_identity(self.store) else None
            return True
        code = self.process.returncode
        starved = self.ran_out_of_memory(STARVED)
        taken = code is not None and self.ran_out_of_memory((b"Address already in use",))
        await self._end()
        if taken:
            return False
        self.stderr.close()
        if starved:  # the cap is below what Oxigraph needs to open the store and start its threads
            raise RuntimeError(
                f"Oxigraph's server could not start on {self.store} within --max-memory {self.max_memory} MiB "
                f"(exit status {code}: it could not allocate memory or start a thread); give it more, e.g. the "
                "default 1024"
            )
        raise RuntimeError(f"Oxigraph's server did not start on {self.store} (exit status {code})")

    def alive(self) -> bool:
        """Whether the worker still runs: once it has ended, its port is anyone's to take."""
        return self.process is not None and self.process.returncode is None

    def ran_out_of_memory(self, signs: tuple[bytes, ...] = (OUT_OF_MEMORY,)) -> bool:
        """Whether the worker wrote that an allocation failed (it then aborts)."""
        try:
            self.stderr.seek(0)
            said = self.stderr.read()
        except (OSError, ValueError):
            return False
        return any(sign in said for sign in signs)

    async def _end(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()

    async def kill(self) -> None:
        await self._end()
        _CLAIMED.discard(self.port)
        self.stderr.close()


# --------------------------------------------------------------------------------------------------------------
# The query, as the front reads it


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def _count_fields(text: str | bytes, where: str) -> None:
    """Refuse a form or query string of more than MAX_FIELDS fields, counted at C speed before any parse:
    parse_qsl spent 0.5 s and 54 MB on 1 MiB of "a&a&...", which 32 clients at once turned into 19 s of wait
    for every other request."""
    fields = text.count("&" if isinstance(text, str) else b"&") + 1
    if fields > MAX_FIELDS:
        raise Refusal(400, "Bad Request", f"the {where} has {fields} fields; kg serve reads at most {MAX_FIELDS}")


def _form(text: str, where: str) -> list[tuple[str, str]]:
    _count_fields(text, where)
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Refusal(400, "Bad Request", f"the {where} is not valid UTF-8 after percent-decoding") from None


def sparql_query(request: Request) -> tuple[str, list[tuple[str, str]]]:
    """The query of a SPARQL 1.1 Protocol request (GET ?query=, POST application/sparql-query, POST form) and
    its dataset parameters; Refusal (400, 415) when there is not exactly one query to read."""
    params = _form(request.query, "URL's query string")
    if request.method == "POST":
        kind = _media_type(request.headers.get("content-type", ""))
        if kind == QUERY_TYPE:
            if any(name == "query" for name, _ in params):
                raise Refusal(400, "Bad Request", "give the query once: in the body or in ?query=, not both")
            try:
                params.append(("query", request.body.decode("utf-8")))
            except UnicodeDecodeError:
                raise Refusal(400, "Bad Request", "the query must be UTF-8") from None
        elif kind == FORM_TYPE:
            try:
                params += _form(request.body.decode("ascii"), "form body")
            except UnicodeDecodeError:
                raise Refusal(400, "Bad Request", "a form body is ASCII (percent-encoded UTF-8)") from None
        else:
            raise Refusal(
                415,
                "Unsupported Media Type",
                f"send the query as Content-Type {QUERY_TYPE} or {FORM_TYPE} (query=...), or with GET ?query=",
            )
    queries = [value for name, value in params if name == "query"]
    if len(queries) != 1:
        raise Refusal(
            400,
            "Bad Request",
            "give one SPARQL query: GET /query?query=..., or POST it as application/sparql-query or as a form"
            if not queries
            else "give one query, not several",
        )
    return queries[0], [(name, value) for name, value in params if name in DATASET_PARAMETERS]


def _read_query(request: Request) -> tuple[str, list[tuple[str, str]]]:
    """sparql_query, then the checks of the query's depth kg query makes (kg.store.syntax.check_depth): a query
    nested or chained thousands deep kills the worker that parses or evaluates it (a 502 and a restart), so it
    is refused here with kg's 400 before a worker sees it."""
    from kg.errors import UsageError
    from kg.store.syntax import check_depth

    text, dataset = sparql_query(request)
    try:
        check_depth(text, "query", SERVE_CHAIN, "kg serve")
    except UsageError as err:
        raise Refusal(400, "Bad Request", str(err)) from None
    return text, dataset


def _refuse_reaching_out(text: str) -> None:
    from kg.errors import UsageError
    from kg.store.syntax import refuse_service

    try:
        refuse_service(text, "query", isolated=True)
    except UsageError as err:
        raise Refusal(400, "Bad Request", str(err)) from None


def _screen(request: Request) -> None:
    """Methods and paths refused on the request line alone, before any body is read."""
    method, path = request.method, request.path
    if method in WRITE_METHODS or (method == "POST" and (path == "/update" or path.startswith("/store"))):
        raise Refusal(403, "Forbidden", "the server is read-only: only queries are answered, at /query")
    if method not in ("GET", "HEAD", "POST"):
        raise Refusal(405, "Method Not Allowed", f"{method} is not supported", [("Allow", "GET, HEAD, POST")])


class _Checks:
    """The pool that runs the front's query checks (each parses the query in a child process: up to
    PARSE_SECONDS): at most `running` at once and `waiting` more in line, so the wait for a check is bounded
    (about PARSE_SECONDS for each `running` ahead); room() says whether one more may join."""

    def __init__(self, running: int, waiting: int) -> None:
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=running, thread_name_prefix="kg-serve-check")
        self.limit = running + waiting
        self.pending = 0

    def room(self) -> bool:
        return self.pending < self.limit

    async def run(self, job: Callable[..., object], *args: object):
        self.pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.pool, job, *args)
        finally:
            self.pending -= 1

    def stop(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


# --------------------------------------------------------------------------------------------------------------


class Front:
    """The listening server: checks each request, then relays it to an idle worker under the time limit."""

    def __init__(self, binary: str, store: Path, limits: Limits, hosts: HostCheck | None = None) -> None:
        self.binary, self.store, self.limits, self.hosts = binary, store, limits, hosts
        self.idle: asyncio.Queue[Worker | None] = asyncio.Queue()  # None: kg serve is stopping
        self.workers: set[Worker] = set()
        self.connections = 0
        self.counts = Counts()
        self.tasks: set[asyncio.Task] = set()
        self.generation = 0
        self.identity: tuple[int, ...] | None = None
        self.switching = asyncio.Lock()
        self.warned_gone = False
        self.stopping = False  # SIGTERM or Ctrl-C: no worker is replaced any more
        self.handlers: set[asyncio.Task] = set()  # the connections being answered
        # the query checks that parse in a child process: as many at once as workers, as many more waiting
        self.checks = _Checks(limits.workers, limits.workers)
        # large requests read (decoded, tokenised) off the event loop: each takes at most about a second, and
        # --max-connections already bounds how many wait, so none is turned away
        self.reads = _Checks(limits.workers, limits.max_connections)

    async def start_workers(self) -> None:
        self.identity = store_identity(self.store)
        for _ in range(self.limits.workers):
            await self._add_worker()

    async def _new_worker(self, generation: int) -> Worker:
        worker = Worker(self.binary, self.store, self.limits.max_memory, generation)
        await worker.start()
        return worker

    async def _add_worker(self) -> None:
        generation = self.generation
        worker = await self._new_worker(generation)
        if generation != self.generation or worker.identity != self.identity:
            await worker.kill()  # it opened another store than the current generation's: not one of them
            return
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    async def _follow_store(self) -> None:
        """When the build has swapped in a new store, start a generation of workers on it; the old workers
        are stopped (idle ones now, busy ones when done), so no answer comes from the old store after this."""
        identity = store_identity(self.store)
        if identity == self.identity:
            return
        if identity is None:
            if not self.warned_gone:
                self.warned_gone = True
                print(
                    f"kg serve: {self.store} is gone; answering from the store as it was until a build puts one back",
                    file=sys.stderr,
                    flush=True,
                )
            return
        async with self.switching:
            identity = store_identity(self.store)
            if identity is None or identity == self.identity:
                return
            started = await asyncio.gather(
                *(self._new_worker(self.generation + 1) for _ in range(self.limits.workers)), return_exceptions=True
            )
            fresh = [worker for worker in started if isinstance(worker, Worker)]
            failed = [err for err in started if isinstance(err, BaseException)]
            # every one on this store, or none: a swap while they started, or a store that will not open, keeps
            # the old generation answering (and the next request tries again)
            if failed or any(worker.identity != identity for worker in fresh):
                for worker in fresh:
                    await worker.kill()
                if failed:
                    print(
                        f"kg serve: cannot open the new store ({failed[0]}); still answering from the old one",
                        file=sys.stderr,
                        flush=True,
                    )
                return
            self.generation += 1
            self.identity = identity
            self.warned_gone = False
            self.counts.generations += 1
            while not self.idle.empty():
                old = self.idle.get_nowait()
                if old is not None:
                    self.workers.discard(old)
                    await old.kill()
            for worker in fresh:
                self.workers.add(worker)
                self.idle.put_nowait(worker)
            print(f"kg serve: {self.store} was rebuilt; answering from the new build", file=sys.stderr, flush=True)

    async def _acquire(self) -> Worker:
        await self._follow_store()
        while True:
            worker = await self.idle.get()
            if worker is None or self.stopping:
                self.idle.put_nowait(None)  # the next one waiting learns it too
                raise Refusal(503, "Service Unavailable", "kg serve is stopping; this query was not answered")
            if not worker.alive():  # it ended while idle: its port may be another process's by now
                self._release(worker, healthy=False)
                continue
            if worker.generation == self.generation:
                return worker
            self.workers.discard(worker)  # an old generation's: stopped, never used again
            await worker.kill()

    def _release(self, worker: Worker, healthy: bool) -> None:
        # stopping: never replaced (a replacement started after stop_workers kept kg serve from exiting)
        if self.stopping or worker.generation != self.generation:
            self.workers.discard(worker)
            self._later(worker.kill())
        elif healthy:
            self.idle.put_nowait(worker)
        else:
            self._later(self._replace(worker))

    async def _replace(self, worker: Worker) -> None:
        """Kill a worker that ran out of time or memory (or died) and start another in its place."""
        self.workers.discard(worker)
        await worker.kill()
        for attempt in range(3):
            try:
                await self._add_worker()
                return
            except RuntimeError as err:
                print(f"kg serve: {err} (attempt {attempt + 1} of 3)", file=sys.stderr, flush=True)
                await asyncio.sleep(1)

    def _later(self, job) -> None:
        task = asyncio.create_task(job)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def stop_workers(self, grace: float = 2.0) -> None:
        """Stop for SIGTERM or Ctrl-C: the workers end (a query they were answering gets 503 "kg serve is
        stopping"), the connections being answered are given `grace` seconds to get that answer, and every task
        of kg's ends before the event loop does. A worker replaced while it stopped (the killed worker's query
        took it for a failed one) was started after the stop and kept asyncio.run waiting for ever: kg serve
        did not exit on SIGTERM."""
        self.stopping = True
        self.checks.stop()
        self.reads.stop()
        for task in list(self.tasks):
            task.cancel()
        for worker in list(self.workers):
            await worker.kill()
        self.idle.put_nowait(None)  # the requests waiting for a worker get their 503
        if self.handlers:
            await asyncio.wait(list(self.handlers), timeout=grace)
        for task in [*self.handlers, *self.tasks]:
            task.cancel()
        await asyncio.gather(*self.handlers, *self.tasks, return_exceptions=True)
        for worker in list(self.workers):
            await worker.kill()

    # ----------------------------------------------------------------------------------------------------------

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection, one request: HTTP keep-alive is not offered, so no client holds a slot between
        requests (browsers and HTTP libraries simply open another connection)."""
        self.connections += 1
        head_only = False
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
        try:
            if self.connections > self.limits.max_connections:
                raise Refusal(
                    503, "Service Unavailable", "too many connections; try again shortly", [("Retry-After", "1")]
                )
            try:
                async with asyncio.timeout(self.limits.request_timeout):
                    request = await read_request(
                        reader,
                        writer,
                        max_body=self.limits.max_body,
                        hosts=self.hosts,
                        body_option="kg serve --max-body",
                        screen=_screen,
                    )
            except TimeoutError:
                raise Refusal(
                    408, "Request Timeout", f"the request did not arrive within {self.limits.request_timeout:g} s"
                ) from None
            head_only = request.method == "HEAD"
            await self._answer(request, writer)
        except Refusal as refusal:
            self.counts.count(refusal.status)
            with contextlib.suppress(OSError, TimeoutError):
                writer.write(refusal.response(head_only))
                async with asyncio.timeout(1):
                    await writer.drain()
        except (OSError, ClientGone, TimeoutError):
            self.counts.dropped += 1  # the client went away, or would not read what it was sent
        except Exception:  # a fault of kg's own: the client gets a 500, the terminal no traceback
            # (asyncio would print one per request, so any client could fill the user's terminal or log)
            self.counts.count(500)
            with contextlib.suppress(OSError, TimeoutError):
                writer.write(Refusal(500, "Internal Server Error", "kg serve could not answer this request").response())
                async with asyncio.timeout(1):
                    await writer.drain()
        except asyncio.CancelledError:
            # kg serve is stopping and this connection's grace is over: closed, not a warning about a cancelled
            # task (asyncio's stream callback reports one) on the user's terminal
            writer.transport.abort()
        finally:
            self.connections -= 1
            self.handlers.discard(task)
            if not writer.transport.is_closing():
                await _let_go(writer)

    async def _answer(self, request: Request, writer: asyncio.StreamWriter) -> None:
        path, method = request.path, request.method
        if path == "/" and method in ("GET", "HEAD"):
            await self._page(method, writer)
        elif path == "/query":
            text, dataset = await self._read(request)
            await self._check_reaching_out(text)
            target = "/query" + ("?" + urllib.parse.urlencode(dataset) if dataset else "")
            upstream = h11.Request(
                method="POST",
                target=target,
                headers=[
                    ("Host", "127.0.0.1"),
                    ("Connection", "close"),
                    ("Content-Type", QUERY_TYPE + "; charset=utf-8"),
                    *_forwarded(request),
                    ("Content-Length", str(len(text.encode("utf-8")))),
                ],
            )
            relay = _Relay(
                writer, _wants_a_page(request.headers.get("accept", "")), method == "HEAD", request.http_version
            )
            await self._forward(upstream, text.encode("utf-8"), relay)
        elif path.startswith("/store") and method in ("GET", "HEAD"):
            # the Graph Store Protocol's read: ?graph=IRI or ?default, no body
            upstream = h11.Request(
                method=method,
                target=request.target,
                headers=[("Host", "127.0.0.1"), ("Connection", "close"), *_forwarded(request)],
            )
            await self._forward(upstream, b"", _Relay(writer, False, method == "HEAD", request.http_version))
        else:
            raise Refusal(404, "Not Found", "nothing here: the query page is at /, the SPARQL endpoint at /query")

    async def _read(self, request: Request) -> tuple[str, list[tuple[str, str]]]:
        """The query and its dataset parameters, checked (_read_query). A large request (up to --max-body: 1 MiB
        of form to decode, a 1 MiB query to tokenise, about a second here) is read on a pool of its own, not on the
        event loop, which every other request waits for; a form of too many fields is refused first."""
        if len(request.body) + len(request.target) <= LARGE_REQUEST:
            return _read_query(request)
        _count_fields(request.query, "URL's query string")
        if _media_type(request.headers.get("content-type", "")) == FORM_TYPE:
            _count_fields(request.body, "form body")
        return await self.reads.run(_read_query, request)

    async def _check_reaching_out(self, text: str) -> None:
        """Refuse a query with a SERVICE clause (400), found by parsing it in a child process (a few seconds for
        a large query), on a bounded pool: every query once went through asyncio's default pool of six threads
        with no bound on its queue, so 30 slow-to-parse queries holding the word "service" kept a plain ASK
        waiting 50 s behind them. Now a query without the word is not queued at all, and when every check slot
        and waiting place is taken a query holding it gets 503 with Retry-After at once."""
        from kg.store.syntax import mentions_service

        if not mentions_service(text):
            return
        if not self.checks.room():
            raise Refusal(
                503,
                "Service Unavailable",
                "too many queries that mention SERVICE are waiting to be checked; try again shortly",
                [("Retry-After", "2")],
            )
        await self.checks.run(_refuse_reaching_out, text)

    async def _page(self, method: str, writer: asyncio.StreamWriter) -> None:
        """kg's own query page (kg/serve/page.py), answered by the front: Oxigraph's built-in page fetches
        prefix suggestions from the internet, and kg's pages load nothing from outside."""
        from kg.serve import page as serve_page

        writer.write(serve_page.response(head_only=method == "HEAD"))
        async with asyncio.timeout(self.limits.request_timeout):
            await writer.drain()
        self.counts.count(200)

    async def _forward(self, upstream: h11.Request, body: bytes, relay: _Relay) -> None:
        timeout = self.limits.query_timeout
        try:
            # behind at most a round or two of long queries: a bounded wait, then a clear 503
            async with asyncio.timeout(2 * timeout):
                worker = await self._acquire()
        except TimeoutError:
            raise Refusal(
                503, "Service Unavailable", "every worker is busy; try again shortly", [("Retry-After", "1")]
            ) from None
        client = h11.Connection(h11.CLIENT)
        payload = client.send(upstream) + (client.send(h11.Data(data=body)) if body else b"")
        payload += client.send(h11.EndOfMessage())
        status = 502
        complete = False
        healthy = False
        kg_error: str | None = None
        try:
            async with asyncio.timeout(timeout):
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", worker.port)
                try:
                    upstream_writer.write(payload)
                    await upstream_writer.drain()
                    buffered = bytearray()
                    events: list | None = [] if relay.unchunked else None
                    while not complete and (chunk := await upstream_reader.read(65536)):
                        client.receive_data(chunk)
                        status, complete = _progress(client, status, complete, events)
                        if events is not None:  # an HTTP/1.0 client: the answer as h11 read it, not chunked
                            chunk = _unchunked(events)
                        if relay.sent or len(buffered) + len(chunk) > RESPONSE_BUFFER:
                            await relay.send(bytes(buffered) + chunk)
                            buffered.clear()
                        else:
                            buffered += chunk
                    if not complete:
                        client.receive_data(b"")  # the worker closed: the end of an answer sent without a length
                        status, complete = _progress(client, status, complete, events)
                        if events:
                            tail = _unchunked(events)
                            if relay.sent:
                                await relay.send(tail)
                            else:
                                buffered += tail
                    if not complete:
                        raise ConnectionResetError("the worker closed the connection before its answer was whole")
                    if status == 400 and not relay.sent and self.checks.room():
                        # Oxigraph's error, replaced by kg's where kg says more (with every check slot taken,
                        # Oxigraph's stands: a better message is no reason to wait)
                        kg_error = await self.checks.run(_kg_error_message, body)
                    if buffered and kg_error is None:
                        await relay.send(bytes(buffered))
                finally:
                    upstream_writer.close()
            healthy = True
        except TimeoutError:
            self.counts.stopped_queries += 1
            if not relay.sent:
                raise Refusal(
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
        except (OSError, h11.RemoteProtocolError):
            if worker.process is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(1):
                        await worker.process.wait()
            if self.stopping and not relay.sent:
                raise Refusal(503, "Service Unavailable", "kg serve is stopping; this query was not answered") from None
            if worker.ran_out_of_memory():
                self.counts.memory_stopped += 1
                if not relay.sent:
                    raise Refusal(
                        503,
                        "Service Unavailable",
                        f"the query needed more than {self.limits.max_memory} MiB of memory "
                        "(kg serve --max-memory) and was stopped",
                    ) from None
            if not relay.sent:
                raise Refusal(502, "Bad Gateway", "the query worker failed; it is being restarted") from None
            self.counts.dropped += 1
            return
        finally:
            self._release(worker, healthy)
        if kg_error is not None:
            raise Refusal(400, "Bad Request", kg_error)
        self.counts.count(status)


def _kg_error_message(query: bytes) -> str | None:
    """kg's message for a query Oxigraph refused with 400, where kg's says more: a prefix the query uses and does
    not declare (Oxigraph answers with a list of the characters it expected). None: Oxigraph's answer stands."""
    from kg.errors import UsageError
    from kg.store.syntax import parse_error, undeclared_prefix_message

    # parsed in a child process, never evaluated: a query whose every binding is inline (VALUES) runs as long
    # on an empty store as on the real one, and this process is the whole server
    try:
        text = query.decode("utf-8")
        if "Prefix not found" in parse_error(text, kg_prefixes=False, isolated=True):
            return undeclared_prefix_message(text, "query", kg_prefixes_given=False)
    except (UnicodeDecodeError, UsageError):
        pass
    return None


def _forwarded(request: Request) -> list[tuple[str, str]]:
    if _wants_a_page(request.headers.get("accept", "")):
        # a browser opening a query URL: results as tab-separated text (or N-Triples for a graph), shown as text
        return [("accept", READABLE_ACCEPT)]
    # as h11 can send them: ASCII (a Latin-1 byte in Accept made h11 raise while the front wrote the worker's
    # request); a value that is not is left out, as if not sent
    return [
        (name, request.headers[name])
        for name in FORWARDED_HEADERS
        if name in request.headers and request.headers[name].isascii() and request.headers[name].isprintable()
    ]


def _wants_a_page(accept: str) -> bool:
    """Whether the client's first choice is an HTML page (a browser's address bar), which Oxigraph cannot give
    (it answers 406 to Accept: text/html, and a browser's full Accept header gets XML it shows as a tree)."""
    best, best_q = "", -1.0
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = kind.lower(), q
    return best in ("text/html", "application/xhtml+xml")


def _as_text(head: bytes) -> bytes:
    """The answer's head with its Content-Type made plain text, so a browser shows the answer."""
    lines = head.split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith((b"content-type:", b"x-content-type-options:"))]
    plain = [b"Content-Type: text/plain; charset=utf-8", b"X-Content-Type-Options: nosniff"]
    return b"\r\n".join(kept[:1] + plain + kept[1:])


def _unchunked(events: list) -> bytes:
    """The answer's head and body from h11's events, for an HTTP/1.0 client: the worker answers in HTTP/1.1 and
    chunks what it streams (a /store read, a large result), which RFC 9112 forbids sending to a 1.0 client (a
    strict one shows the chunk sizes inside the data). The body goes as it is, its end being the connection's
    close (kg serve closes every connection after one answer); the events are consumed."""
    out = bytearray()
    for event in events:
        if isinstance(event, h11.Response):
            out += b"HTTP/1.1 %d %s\r\n" % (event.status_code, event.reason)
            for name, value in event.headers:
                if name not in (b"transfer-encoding", b"connection"):
                    out += name + b": " + value + b"\r\n"
            out += b"Connection: close\r\n\r\n"
        else:
            out += event.data
    events.clear()
    return bytes(out)


def _closing(head: bytes) -> bytes:
    """The worker's head with `Connection: close`: kg serve closes every connection after one answer, and RFC
    9112 requires a server that does so to say it in every answer. Without it a client that keeps connections
    (requests.Session, http.client) sent its next request on the closed one: 29 of 100 POSTs through a
    requests.Session failed with ConnectionError, every second one through http.client."""
    lines = head.split(b"\r\n")
    kept = [line for line in lines if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*kept[:1], b"Connection: close", *kept[1:]])


class _Relay:
    """Sends the worker's answer to the client: as it is, as plain text for a browser, or its head alone for
    HEAD. The head is in the first bytes sent (they are at least the first read of the answer). For an
    HTTP/1.0 client (`unchunked`) the bytes given are _unchunked's."""

    def __init__(self, writer: asyncio.StreamWriter, as_text: bool, head_only: bool, version: str = "1.1") -> None:
        self.writer, self.as_text, self.head_only = writer, as_text, head_only
        self.unchunked = version == "1.0"
        self.sent = 0
        self.head_sent = False

    async def send(self, data: bytes) -> None:
        if not self.head_sent:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                raise ConnectionResetError("the worker's answer has no head")
            head, rest = data[: end + 4], data[end + 4 :]
            if self.as_text and head[9:12] == b"200":
                head = _as_text(head)
            if not self.unchunked:
                head = _closing(head)
            data = head + (b"" if self.head_only else rest)
            self.head_sent = True
        elif self.head_only:
            return
        await _to_client(self.writer, data)
        self.sent += len(data)


def _progress(client: h11.Connection, status: int, complete: bool, events: list | None = None) -> tuple[int, bool]:
    """Read what h11 has of the worker's answer: its status, and whether the answer is whole; its head and body
    are added to `events` when given."""
    while True:
        event = client.next_event()
        if event is h11.NEED_DATA or event is h11.PAUSED:
            return status, complete
        if events is not None and isinstance(event, h11.Response | h11.Data):
            events.append(event)
        if isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.EndOfMessage):
            # whole: what follows is no part of it (Oxigraph sends its error's body after the head of an answer to
            # HEAD, which h11 then refused; the front took that for a failed worker, answered 502 and restarted it)
            return status, True
        elif isinstance(event, h11.ConnectionClosed):
            return status, complete


class _ClientGone(Exception):
    """The client closed its connection while its answer was being relayed: no fault of the worker."""


async def _let_go(writer: asyncio.StreamWriter, grace: float = 1.0) -> None:
    """Close a client's connection, for good within `grace` seconds. asyncio's close() waits to send what is
    still buffered first, for ever if the client never reads (it then held the socket and up to a few MiB of
    answer, outside --max-connections, as long as the client liked); past the grace the rest is dropped."""
    writer.close()
    try:
        async with asyncio.timeout(grace):
            await writer.wait_closed()
    except TimeoutError:
        writer.transport.abort()
    except OSError:
        pass


async def _to_client(writer: asyncio.StreamWriter, data: bytes) -> None:
    try:
        writer.write(data)
        await writer.drain()
    except OSError as err:
        raise _ClientGone from err


class _OneLine:
    """asyncio's exception handler while kg serve runs: what asyncio would print as a traceback (one per failed
    accept() when the open files run out: a flood of connections faster than they close printed 4,414
    tracebacks, 34,000 lines, in 5 s) is said in one line, at most once per `every` seconds for each kind, with
    how many more there were. Any client could otherwise fill the user's terminal or log."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self.last: dict[str, float] = {}
        self.more: dict[str, int] = {}

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        from kg.errors import visible

        message = str(context.get("message") or "an error in the event loop")
        err = context.get("exception")
        now = loop.time()
        if now - self.last.get(message, -self.every) < self.every:
            self.more[message] = self.more.get(message, 0) + 1
            return
        self.last[message] = now
        more = self.more.pop(message, 0)
        if isinstance(err, OSError) and message.startswith("socket.accept() out of system resource"):
            soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
            line = (
                f"cannot accept connections: {err.strerror or err} (ulimit -n {soft}); they wait until others "
                "close. Too many clients at once: lower --max-connections, or raise the limit"
            )
        else:
            line = message + (f": {type(err).__name__}: {err}" if err is not None else "")
        if more:
            line += f" ({more} more since the last such line)"
        print(f"kg serve: warning: {visible(line)}", file=sys.stderr, flush=True)


async def _serve(
    binary: str,
    store: Path,
    host: str,
    port: int,
    limits: Limits,
    announce: Callable[[], None],
    hosts: HostCheck | None = None,
) -> tuple[int, Counts]:
    front = Front(binary, store, limits, hosts if hosts is not None else HostCheck(host, port))
    stop = asyncio.Event()
    how = {"code": 0}
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_OneLine())

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
    binary: str,
    store: Path,
    host: str,
    port: int,
    limits: Limits,
    announce: Callable[[], None],
    hosts: HostCheck | None = None,
) -> tuple[int, Counts]:
    """Serve until SIGTERM (exit 0) or Ctrl-C (exit 130); returns the exit code and what was done."""
    try:
        return asyncio.run(_serve(binary, store, host, port, limits, announce, hosts))
    except RuntimeError as err:
        from kg.errors import UsageError

        raise UsageError(str(err)) from None
