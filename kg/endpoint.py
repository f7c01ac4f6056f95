"""SPARQL over HTTP: `kg serve` (a local read-only endpoint over the build's store) and `kg push` (upload the
dataset to any SPARQL 1.1 Graph Store Protocol server).

`kg serve` runs Oxigraph's own server (the `oxigraph` package from PyPI, a compiled binary) in read-only mode on
build/store: a full SPARQL 1.1 Protocol implementation with a query page (YASGUI, served by the binary itself, so
it works offline) is better than any endpoint written here, and the store it reads is the one `kg query` uses.

`kg push` sends each graph of the dataset with an HTTP PUT (Graph Store Protocol, "indirect graph
identification": `?graph=<IRI>` or `?default`). PUT replaces the graph, so pushing twice leaves the server
exactly as after one push; a source's graph is never duplicated. Credentials come from the environment
(KG_PUSH_USER / KG_PUSH_PASSWORD) or a netrc file, never from the command line (which other users can read in
the process list), and are never printed.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import netrc
import os
import shutil
import socket
import sys
import sysconfig
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import serve_front
from kg.errors import KgError, UsageError
from kg.store import store_path

USER_VARIABLE = "KG_PUSH_USER"
PASSWORD_VARIABLE = "KG_PUSH_PASSWORD"


class EndpointError(KgError):
    """The remote endpoint could not be reached or refused the request (exit 2: the tool could not run as asked)."""

    exit_code = 2


# --------------------------------------------------------------------------------------------------------------
# kg serve


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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
        except OSError as err:
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


def serve(
    build: str | Path, host: str = "127.0.0.1", port: int = 7878, limits: serve_front.Limits | None = None
) -> int:
    """Serve the store through the guarded front (kg/serve_front.py) until SIGTERM or Ctrl-C; returns the exit
    code. The Oxigraph workers die with this process, so stopping `kg serve` leaves nothing listening."""
    limits = limits or serve_front.Limits()
    check_limits(limits)
    command = serve_command(build, host, port)
    url = f"http://{bind_address(host, port)}"

    def announce() -> None:
        print(f"serving {store_path(build)} read-only; Ctrl-C stops")
        print(f"query page:      {url}/")
        print(f"SPARQL endpoint: {url}/query")
        print(
            f"limits: {limits.query_timeout:g} s per query, {limits.max_body} bytes per request, "
            f"{limits.request_timeout:g} s to send it, {limits.max_connections} connections, "
            f"{limits.workers} workers"
        )
        if not _is_loopback(host):
            print(f"note: listening on {host}: anyone who can reach this machine can query the graph", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()

    code, counts = serve_front.run(command[0], store_path(build), host, port, limits, announce)
    print(counts.summary(), flush=True)
    return code


# --------------------------------------------------------------------------------------------------------------
# kg push


@dataclass(frozen=True)
class Graph:
    """One graph to upload: its IRI (None for the default graph) and its triples."""

    name: str | None
    triples: tuple[ox.Triple, ...]


def dataset_file(build: str | Path) -> Path:
    """The build's whole dataset: kg.nq (sorted N-Quads) or else kg.trig."""
    for name in ("kg.nq", "kg.trig"):
        path = Path(build) / name
        if path.is_file():
            return path
    raise UsageError(
        f"{build}: no kg.nq or kg.trig to push; run `kg build` (or `kg build --formats nquads`), "
        "or pass --build DIR of a build that has one"
    )


def read_graphs(build: str | Path, facts_graph: str | None = None) -> list[Graph]:
    """The dataset's graphs in a stable order: the default graph (the facts) first, then the named graphs by IRI.
    With `facts_graph` the facts go to that named graph instead of the server's default graph."""
    path = dataset_file(build)
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    groups: dict[str | None, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            groups.setdefault(name, []).append(quad.triple)
    except (OSError, SyntaxError) as err:
        raise UsageError(f"{path}: cannot read the dataset ({err}); rebuild it with `kg build`") from err
    if facts_graph is not None:
        try:
            ox.NamedNode(facts_graph)
        except ValueError as err:
            raise UsageError(f"--facts-graph {facts_graph!r}: not an IRI ({err})") from None
        if facts_graph in groups:
            raise UsageError(f"--facts-graph {facts_graph}: the dataset already has a graph with this name")
        if None in groups:
            groups[facts_graph] = groups.pop(None)
    ordered = sorted(groups, key=lambda n: (n is not None, n or ""))
    return [Graph(name, tuple(groups[name])) for name in ordered]


def _check_endpoint(endpoint: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--endpoint {endpoint!r}: give the server's Graph Store Protocol URL, such as "
            "http://localhost:7878/store (Oxigraph) or http://localhost:3030/kg/data (Fuseki)"
        )
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "--endpoint: remove the user name and password from the URL (a command line is visible to every user "
            f"of the machine); set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add the host to ~/.netrc"
        )
    if parts.fragment:
        raise UsageError(f"--endpoint {endpoint!r}: remove the #fragment")
    return parts


def credentials(host: str, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) from KG_PUSH_USER / KG_PUSH_PASSWORD, else from the netrc file ($NETRC or ~/.netrc)."""
    env = os.environ if environ is None else environ
    user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
    if user is not None or password is not None:
        if user is None or password is None:
            raise UsageError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        return user, password
    path = env.get("NETRC") or str(Path.home() / ".netrc")
    if not Path(path).is_file():
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as err:
        # the message names the file and line, never the file's content
        raise UsageError(f"{path}: cannot read the netrc file ({getattr(err, 'msg', err)})") from None
    if entry is None:
        return None
    login, _account, secret = entry
    return login or "", secret or ""


def graph_url(endpoint: str, name: str | None) -> str:
    """The Graph Store Protocol URL of one graph: ?default, or ?graph= with the IRI percent-encoded."""
    query = "default" if name is None else "graph=" + urllib.parse.quote(name, safe="")
    return endpoint + ("&" if urllib.parse.urlsplit(endpoint).query else "?") + query


def _describe_refusal(err: urllib.error.HTTPError, url: str, host: str) -> str:
    try:
        body = err.read(400).decode("utf-8", "replace")
    except OSError:
        body = ""
    body = " ".join(body.split())[:200]
    text = f"the endpoint refused the upload: HTTP {err.code} {err.reason} for PUT {url}"
    if err.code in (401, 403):
        text += (
            f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add `machine {host} login ... password ...` to "
            "~/.netrc, with a user allowed to write"
        )
    elif err.code in (404, 405):
        text += "; is --endpoint the server's Graph Store Protocol URL (Oxigraph: /store, Fuseki: /DATASET/data)?"
    if body:
        text += f"\n    server said: {body!r}"
    return text


def push(
    build: str | Path,
    endpoint: str,
    *,
    facts_graph: str | None = None,
    timeout: float = 60.0,
    report: Callable[[str], None] | None = None,
) -> list[tuple[str | None, int]]:
    """PUT every graph of the build's dataset to a Graph Store Protocol endpoint; returns (graph, triples) pairs.

    Each PUT replaces that graph on the server, so a second push leaves the same triples, never twice as many."""
    parts = _check_endpoint(endpoint)
    if not timeout > 0:
        raise UsageError(f"--timeout {timeout}: give a number of seconds above 0")
    graphs = read_graphs(build, facts_graph)
    host = parts.hostname or ""
    login = credentials(host)
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    if login is not None:
        token = base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode("ascii")
        headers["Authorization"] = "Basic " + token
    # a proxy from the environment (https_proxy, no_proxy) is used for remote servers, never for this machine:
    # a local endpoint, and its credentials, must not travel through a corporate proxy by surprise
    proxies = urllib.request.ProxyHandler({}) if _is_loopback(host) else urllib.request.ProxyHandler()
    opener = urllib.request.build_opener(proxies)
    done: list[tuple[str | None, int]] = []
    for graph in graphs:
        url = graph_url(endpoint, graph.name)
        body = ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(url, data=body, headers=headers, method="PUT")
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as err:
            raise EndpointError(_describe_refusal(err, url, host)) from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise EndpointError(
                f"cannot reach {parts.scheme}://{parts.netloc}: {getattr(reason, 'strerror', None) or reason}; "
                "is the server running, and is --endpoint right?"
                + (f" ({len(done)} of {len(graphs)} graphs were sent before this)" if done else "")
            ) from None
        done.append((graph.name, len(graph.triples)))
        if report is not None:
            where = "default graph" if graph.name is None else f"<{graph.name}>"
            report(f"PUT {where}: {len(graph.triples)} triples")
    return done
