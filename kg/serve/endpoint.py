"""`kg serve`: a local read-only SPARQL endpoint over the build's store.

`kg serve` runs Oxigraph's own server (the `oxigraph` package from PyPI, a compiled binary) in read-only mode on
build/store: a full SPARQL 1.1 Protocol implementation is better than any endpoint written here, and the store it
reads is the one `kg query` uses. It runs behind kg's own front (kg/serve/front.py), which reads each request
with h11 (kg/serve/http_guard.py), answers only its own host names, refuses SERVICE, limits request size, request and
query time, connections and each worker's memory, none of which Oxigraph's server bounds, follows a rebuilt
store, and serves kg's own query page (kg/serve/page.py; Oxigraph's asks prefix.cc for prefixes when online).

`kg push` (upload to any SPARQL 1.1 Graph Store Protocol server) is kg/serve/push.py.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import sys
import sysconfig
from pathlib import Path

from kg.errors import UsageError
from kg.ingest.tls import is_loopback
from kg.serve import front as serve_front
from kg.serve.http_guard import HostCheck
from kg.store import store_path


def oxigraph_binary() -> str:
    """The `oxigraph` server binary: the one installed beside this Python first, then any on PATH."""
    places = [Path(sysconfig.get_path("scripts")), Path(sys.executable).parent]
    with contextlib.suppress(KeyError):  # `pip install --user` puts it in the user scheme's scripts (~/.local/bin)
        places.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")))
    for candidate in (place / "oxigraph" for place in places):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise UsageError("kg serve needs Oxigraph's server: pip install oxigraph (it is a dependency of kg)")


def bind_address(host: str, port: int) -> str:
    """host:port as Oxigraph's --bind wants it (IPv6 in brackets), after checking both."""
    if not 0 < port < 65536:
        raise UsageError(f"--port {port}: a port is a number from 1 to 65535")
    if not host or any(c.isspace() or c in "/[]" for c in host):
        raise UsageError(f"--host {host!r}: give an IP address or a host name, such as 127.0.0.1")
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as the server does: connections of an earlier server waiting to close (TIME_WAIT) do not hold the port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as err:  # before: "pick another port", about a host that is no address at all
            raise UsageError(
                f"--host {host}: not an IP address, nor a name this machine resolves ({err.strerror or err}); "
                "give one of this machine's addresses, such as 127.0.0.1, or 0.0.0.0 for every one"
            ) from None
        except OSError as err:
            if err.errno in (errno.EADDRNOTAVAIL, errno.EINVAL):  # an address, but none of this machine's
                raise UsageError(
                    f"cannot listen on {bind_address(host, port)} ({err.strerror or err}): {host} is not an "
                    "address of this machine (`ip address` lists them); give one that is, such as 127.0.0.1, "
                    "or 0.0.0.0 for every one"
                ) from None
            raise UsageError(
                f"cannot listen on {bind_address(host, port)} ({err.strerror or err}); "
                "pick another port with --port, or stop what is using it"
            ) from None


def serve_command(build: str | Path, host: str = "127.0.0.1", port: int = 7878) -> list[str]:
    """The command line of one read-only Oxigraph server over the build's store, checked before anything starts
    (the front of `kg serve` runs several of these on private ports)."""
    location = store_path(build)
    if not (location / "CURRENT").is_file():
        raise UsageError(f"{location}: no SPARQL store here; run `kg build` first, or pass --build DIR")
    address = bind_address(host, port)
    _check_port_free(host, port)
    return [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", address]


def check_limits(limits: serve_front.Limits) -> None:
    """Refuse limits that would make the server useless or unbounded (exit 2, saying which flag)."""
    if not 0 < limits.query_timeout <= 86400:
        raise UsageError(f"--query-timeout {limits.query_timeout:g}: give a number of seconds above 0")
    if not 0 < limits.request_timeout <= 3600:
        raise UsageError(f"--request-timeout {limits.request_timeout:g}: give a number of seconds above 0")
    if not 1024 <= limits.max_body <= 1024**3:
        raise UsageError(f"--max-body {limits.max_body}: give a number of bytes from 1024 to 1073741824")
    if not 1 <= limits.max_connections <= 10000:
        raise UsageError(f"--max-connections {limits.max_connections}: give a number from 1 to 10000")
    if not 1 <= limits.workers <= 64:
        raise UsageError(f"--workers {limits.workers}: give a number from 1 to 64")
    if not 64 <= limits.max_memory <= 1024 * 1024:
        raise UsageError(f"--max-memory {limits.max_memory}: give a number of MiB from 64 to 1048576")
    total = serve_front.machine_memory()
    if total is not None and limits.workers * limits.max_memory > total:
        # each cap holds, but together they would not: a few heavy queries at once would exhaust the machine
        raise UsageError(
            f"--workers {limits.workers} x --max-memory {limits.max_memory} MiB is more than this machine's memory "
            f"({total} MiB): heavy queries at once would exhaust it; give fewer workers or less memory each "
            f"(--max-memory {serve_front.default_max_memory(limits.workers, total)} fits)"
        )


# open files kg serve needs: a socket to the client and one to a worker for each connection, and to spare: the
# listening socket, the workers' and a query check's pipes, the modules it reads, the connections over
# --max-connections while they get their 503
FILES_PER_CONNECTION = 2
FILES_PER_WORKER = 8
FILES_SPARE = 256


def ensure_open_files(limits: serve_front.Limits) -> None:
    """Make sure this process may open the files --max-connections needs: the soft limit raised up to the hard
    one, else a usage error. Past the limit, every connection asyncio could not accept printed a traceback
    (30,000 lines of stderr in 4 s from 1,200 idle connections to `--max-connections 5000` under the usual
    `ulimit -n 1024`), and a worker restarted then could not start."""
    import resource

    needed = FILES_PER_CONNECTION * limits.max_connections + FILES_PER_WORKER * limits.workers + FILES_SPARE
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard == resource.RLIM_INFINITY or hard >= needed:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
            return
    most = hard  # finite here: the soft limit could be raised that far
    allowed = (most - FILES_PER_WORKER * limits.workers - FILES_SPARE) // FILES_PER_CONNECTION
    hint = f"give --max-connections {allowed} at most" if allowed >= 1 else "give fewer --workers"
    raise UsageError(
        f"--max-connections {limits.max_connections}: kg serve would need about {needed} open files (a socket to "
        f"the client and one to a worker per connection) and may open {most} (ulimit -Hn); {hint}, or "
        f"raise the limit (ulimit -n {needed})"
    )


def serve(
    build: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: serve_front.Limits | None = None,
    allow_hosts: tuple[str, ...] = (),
) -> int:
    """Serve the store through the guarded front (kg/serve/front.py) until SIGTERM or Ctrl-C; returns the exit
    code. The Oxigraph workers die with this process, so stopping `kg serve` leaves nothing listening.
    Requests are answered only when addressed to the server's own names (and `allow_hosts`): see HostCheck."""
    if limits is None:
        workers = serve_front.Limits.workers
        limits = serve_front.Limits(max_memory=serve_front.default_max_memory(workers, serve_front.machine_memory()))
    check_limits(limits)
    ensure_open_files(limits)
    for name in allow_hosts:
        if not name or any(c.isspace() or c in "/@?#[]:" for c in name):
            raise UsageError(f"--allow-host {name!r}: give a host name, such as kg.internal (no port, no scheme)")
    command = serve_command(build, host, port)
    url = f"http://{bind_address(host, port)}"
    hosts = HostCheck(host, port, tuple(allow_hosts))

    def announce() -> None:
        print(f"serving {store_path(build)} read-only; Ctrl-C stops")
        print(f"query page:      {url}/")
        print(f"SPARQL endpoint: {url}/query")
        print(
            f"limits: {limits.query_timeout:g} s per query, {limits.max_body} bytes per request, "
            f"{limits.request_timeout:g} s to send it, {limits.max_connections} connections, "
            f"{limits.workers} workers"
        )
        print(
            f"memory: {limits.max_memory} MiB per worker; answers requests addressed to "
            + ", ".join(sorted(hosts.names()))
            + f" on port {port}"
        )
        if not is_loopback(host):
            print(f"note: listening on {host}: anyone who can reach this machine can query the graph", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()

    code, counts = serve_front.run(command[0], store_path(build), host, port, limits, announce, hosts)
    print(counts.summary(), flush=True)
    return code
