"""SPARQL over HTTP: `kg serve` (a local read-only endpoint over the build's store) and `kg push` (upload the
dataset to any SPARQL 1.1 Graph Store Protocol server).

`kg serve` runs Oxigraph's own server (the `oxigraph` package from PyPI, a compiled binary) in read-only mode on
build/store: a full SPARQL 1.1 Protocol implementation is better than any endpoint written here, and the store it
reads is the one `kg query` uses. It runs behind kg's own front (kg/serve_front.py), which reads each request
with h11 (kg/http_guard.py), answers only its own host names, refuses SERVICE, limits request size, request and
query time, connections and each worker's memory, none of which Oxigraph's server bounds, follows a rebuilt
store, and serves kg's own query page (kg/serve_page.py; Oxigraph's asks prefix.cc for prefixes when online).

`kg push` sends each graph of the dataset with an HTTP PUT (Graph Store Protocol, "indirect graph
identification": `?graph=<IRI>` or `?default`). PUT replaces the graph, so pushing twice leaves the server
exactly as after one push; a source's graph is never duplicated. The graphs it pushed are listed in a graph of
their own on the server, so the next push deletes those whose article was removed since. Credentials come from the environment
(KG_PUSH_USER / KG_PUSH_PASSWORD) or a netrc file, never from the command line (which other users can read in
the process list), and are never printed.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import email.utils
import http.client
import ipaddress
import netrc
import os
import shutil
import socket
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import serve_front
from kg.errors import KgError, UsageError
from kg.http_guard import HostCheck
from kg.store import store_path

USER_VARIABLE = "KG_PUSH_USER"
# kg's list of the named graphs it pushed, kept on the server as a graph of its own, so that the next push (from
# this machine or any other) deletes those no longer in the build: an article removed from data/ leaves no graph
PUSHED_GRAPH = "https://kg.example.org/ontology/pushed"
_MEMBER = "http://www.w3.org/ns/prov#hadMember"
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
    if not 64 <= limits.max_memory <= 1024 * 1024:
        raise UsageError(f"--max-memory {limits.max_memory}: give a number of MiB from 64 to 1048576")


def serve(
    build: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    limits: serve_front.Limits | None = None,
    allow_hosts: tuple[str, ...] = (),
) -> int:
    """Serve the store through the guarded front (kg/serve_front.py) until SIGTERM or Ctrl-C; returns the exit
    code. The Oxigraph workers die with this process, so stopping `kg serve` leaves nothing listening.
    Requests are answered only when addressed to the server's own names (and `allow_hosts`): see HostCheck."""
    limits = limits or serve_front.Limits()
    check_limits(limits)
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
        if not _is_loopback(host):
            print(f"note: listening on {host}: anyone who can reach this machine can query the graph", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()

    code, counts = serve_front.run(command[0], store_path(build), host, port, limits, announce, hosts)
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
    except netrc.NetrcParseError:
        # the file only: Python's message quotes the token it choked on, which may be a password, and its line
        # number is the lexer's, often the line after the fault
        raise UsageError(
            f"{path}: cannot read the netrc file (expected `machine HOST login USER password SECRET` on each line)"
        ) from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read the netrc file ({err.strerror or type(err).__name__})") from None
    if entry is None:
        return None
    login, _account, secret = entry
    return login or "", secret or ""


def graph_url(endpoint: str, name: str | None) -> str:
    """The Graph Store Protocol URL of one graph: ?default, or ?graph= with the IRI percent-encoded."""
    query = "default" if name is None else "graph=" + urllib.parse.quote(name, safe="")
    return endpoint + ("&" if urllib.parse.urlsplit(endpoint).query else "?") + query


RETRY_STATUSES = {408, 429, 502, 503, 504}
MAX_RETRY_AFTER = 120.0


def _safe_url(url: str) -> str:
    """The URL as it may be printed: the values of the endpoint's own query parameters (a token, a key) hidden;
    the graph's name, which kg chose, kept."""
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    shown = []
    for item in parts.query.split("&"):
        name, equals, _value = item.partition("=")
        shown.append(item if name in ("graph", "default") or not equals else f"{name}=***")
    return urllib.parse.urlunsplit(parts._replace(query="&".join(shown)))


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove every credential, and its Basic token, from text about to be printed (a server may echo them)."""
    for secret in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _describe_refusal(err: urllib.error.HTTPError, url: str, host: str, method: str = "PUT") -> str:
    try:
        body = err.read(400).decode("utf-8", "replace")
    except OSError:
        body = ""
    body = " ".join(body.split())[:200]
    what = "upload" if method == "PUT" else "request"
    text = f"the endpoint refused the {what}: HTTP {err.code} {err.reason} for {method} {_safe_url(url)}"
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


def _retry_after(err: urllib.error.HTTPError) -> float | None:
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date), capped; None if it did not."""
    value = (err.headers.get("Retry-After") or "").strip() if err.headers else ""
    if not value:
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, min((when - datetime.datetime.now(datetime.UTC)).total_seconds(), MAX_RETRY_AFTER))


def _transient(err: BaseException) -> str | None:
    """Why a failed PUT is worth repeating, or None when repeating cannot help (refusals, auth, bad requests,
    nothing listening). PUT replaces the graph, so sending it again is safe."""
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}" if err.code in RETRY_STATUSES else None
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, ConnectionRefusedError):
        return None
    if isinstance(reason, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return "the connection was reset"
    if isinstance(reason, http.client.RemoteDisconnected | http.client.IncompleteRead | http.client.BadStatusLine):
        return "the server closed the connection without an answer"
    if isinstance(reason, TimeoutError | socket.timeout):
        return "no answer in time"
    return None


def _partial(done: list[tuple[str | None, int]], graphs: list[Graph], failed: Graph) -> str:
    """What holds on the server after a push stopped at `failed`: each graph is whole, old or new."""
    if not done:
        return " No graph was changed."
    left = len(graphs) - len(done)
    return (
        f" {len(done)} of {len(graphs)} graphs were replaced; {_where(failed.name)} and the {left - 1} after it "
        "keep their previous content (each PUT replaces one graph whole). Run `kg push` again to finish."
    )


def _where(name: str | None) -> str:
    return "the default graph" if name is None else f"<{name}>"


def push(
    build: str | Path,
    endpoint: str,
    *,
    facts_graph: str | None = None,
    timeout: float = 60.0,
    retries: int = 4,
    retry_wait: float = 1.0,
    report: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[tuple[str | None, int]]:
    """PUT every graph of the build's dataset to a Graph Store Protocol endpoint; returns (graph, triples) pairs.

    Each PUT replaces that graph on the server, so a second push leaves the same triples, never twice as many,
    and a PUT that failed on the way (connection reset, 502, 503, 504, 408, 429) is sent again after a pause
    that doubles each time (retry_wait, 2 x retry_wait, ...; a 429 or 503's Retry-After is obeyed), up to
    `retries` more times. Refusals (401, 403, 404, other 4xx) are not repeated: repeating cannot change them.

    The named graphs pushed are listed in the server's graph PUSHED_GRAPH; a graph listed there by an earlier
    push and no longer in the build (its article was removed, --facts-graph changed) is deleted after every
    graph of the build is in place, then the list is replaced. Graphs kg did not push are never touched."""
    parts = _check_endpoint(endpoint)
    if not timeout > 0:
        raise UsageError(f"--timeout {timeout}: give a number of seconds above 0")
    if not 0 <= retries <= 100:
        raise UsageError(f"--retries {retries}: give a number from 0 to 100")
    if not 0 <= retry_wait <= 600:
        raise UsageError(f"--retry-wait {retry_wait}: give a number of seconds from 0 to 600")
    graphs = read_graphs(build, facts_graph)
    host = parts.hostname or ""
    login = credentials(host)
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    secrets: tuple[str, ...] = ()
    if login is not None:
        token = base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode("ascii")
        headers["Authorization"] = "Basic " + token
        secrets = (login[1], token, urllib.parse.quote(login[1], safe=""))
    # a proxy from the environment (https_proxy, no_proxy) is used for remote servers, never for this machine:
    # a local endpoint, and its credentials, must not travel through a corporate proxy by surprise
    proxies = urllib.request.ProxyHandler({}) if _is_loopback(host) else urllib.request.ProxyHandler()
    opener = urllib.request.build_opener(proxies)
    bodiless = {k: v for k, v in headers.items() if k != "Content-Type"}  # GET and DELETE send no body

    def send(method: str, name: str | None, body: bytes | None, left: Callable[[], str]) -> bytes | None:
        """One request, sent again after a transient failure; the answer's body, or None for a DELETE of a graph
        the server does not have (404). `left` says what holds on the server if it fails for good."""
        url = graph_url(endpoint, name)
        sent = headers if body is not None else bodiless
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=body, headers=sent, method=method)
            try:
                with opener.open(request, timeout=timeout) as response:
                    return response.read()
            except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
                if method == "DELETE" and isinstance(err, urllib.error.HTTPError) and err.code == 404:
                    err.close()
                    return None
                why = _transient(err)
                if why is None or attempt >= retries:
                    headline, _, said = _failure(err, url, parts, host, why, attempt, method).partition("\n")
                    message = (
                        headline.rstrip(".")
                        + ("" if headline.endswith("?") else ".")
                        + left()
                        + (f"\n{said}" if said else "")
                    )
                    raise EndpointError(_scrub(message, secrets)) from None
                pause = retry_wait * 2**attempt
                if isinstance(err, urllib.error.HTTPError):
                    pause = _retry_after(err) if _retry_after(err) is not None else pause
                    err.close()
                attempt += 1
                if warn is not None:
                    warn(
                        _scrub(
                            f"{method} {_where(name)}: {why}; sending it again in {pause:g} s "
                            f"(retry {attempt} of {retries})",
                            secrets,
                        )
                    )
                time.sleep(pause)

    # what kg pushed before, from its list on the server; a server that cannot say (no GET, a failure) keeps
    # every graph, and the list is then left as it is (a server that is down fails on the first PUT, as before)
    request = urllib.request.Request(
        graph_url(endpoint, PUSHED_GRAPH),
        headers={"Accept": "application/n-triples", **bodiless},
    )
    before: set[str] | None = set()
    unread = ""
    try:
        with opener.open(request, timeout=timeout) as response:
            before = _members(response.read())
    except urllib.error.HTTPError as err:
        if err.code != 404:
            before, unread = None, f"HTTP {err.code} {err.reason}"
        err.close()
    except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
        reason = getattr(err, "reason", err)
        before, unread = None, _transient(err) or str(getattr(reason, "strerror", None) or reason)
    done: list[tuple[str | None, int]] = []
    for graph in graphs:
        body = ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES)
        send("PUT", graph.name, body, lambda graph=graph: _partial(done, graphs, graph))
        done.append((graph.name, len(graph.triples)))
        if report is not None:
            where = "default graph" if graph.name is None else f"<{graph.name}>"
            report(f"PUT {where}: {len(graph.triples)} triples")
    if before is None:
        if warn is not None:
            warn(
                _scrub(
                    f"cannot read kg's list of the graphs it pushed before (GET {_safe_url(request.full_url)}: "
                    f"{unread}); graphs of sources no longer in the build, if any, were not removed",
                    secrets,
                )
            )
        return done
    current = sorted(graph.name for graph in graphs if graph.name is not None)
    for name in sorted(before - set(current) - {PUSHED_GRAPH}):
        send(
            "DELETE",
            name,
            None,
            lambda name=name: (
                f" Every graph of the build was replaced; <{name}> is still there: run `kg push` again to remove it."
            ),
        )
        if report is not None:
            report(f"DELETE <{name}>: no longer in the build")
    listing = "".join(f"<{PUSHED_GRAPH}> <{_MEMBER}> <{name}> .\n" for name in current).encode("utf-8")
    send(
        "PUT",
        PUSHED_GRAPH,
        listing,
        lambda: " Every graph of the build was replaced, but kg's list of them was not: run `kg push` again.",
    )
    return done


def _members(text: bytes) -> set[str]:
    """The graphs named in kg's list on the server (any other triple there is ignored)."""
    try:
        triples = ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        return {t.object.value for t in triples if t.predicate.value == _MEMBER and isinstance(t.object, ox.NamedNode)}
    except SyntaxError:
        return set()


def _failure(
    err: BaseException,
    url: str,
    parts: urllib.parse.SplitResult,
    host: str,
    why: str | None,
    attempt: int,
    method: str = "PUT",
) -> str:
    tried = f" (tried {attempt + 1} times)" if attempt else ""
    if isinstance(err, urllib.error.HTTPError):
        if why is not None:
            return f"the endpoint kept failing: {why} for {method} {_safe_url(url)}{tried}"
        return _describe_refusal(err, url, host, method)
    reason = getattr(err, "reason", err)
    if why is not None:
        return f"cannot reach {parts.scheme}://{parts.netloc}: {why}{tried}"
    return (
        f"cannot reach {parts.scheme}://{parts.netloc}: {getattr(reason, 'strerror', None) or reason}; "
        "is the server running, and is --endpoint right?"
    )
