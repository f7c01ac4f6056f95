"""`kg push`: upload the dataset to any SPARQL 1.1 Graph Store Protocol server.

`kg push` sends each graph of the dataset with an HTTP PUT (Graph Store Protocol, "indirect graph
identification": `?graph=<IRI>` or `?default`). PUT replaces the graph, so pushing twice leaves the server
exactly as after one push; a source's graph is never duplicated. The graphs it pushed are listed in a graph of
their own on the server, one list per corpus base (`<base>pushed`), so the next push of that corpus deletes those
whose article was removed since, and never a graph another corpus pushed. Credentials come from the environment
(KG_PUSH_USER / KG_PUSH_PASSWORD) or a netrc file, never from the command line (which other users can read in
the process list); they go to the endpoint's own scheme, host and port only, and are never printed.

The HTTP client is httpx: it keeps one connection for a whole push, drops credentials on a redirect to another
origin, times out per request, and ships HTTP Digest authentication (Virtuoso's /sparql-graph-crud-auth).
kg keeps its own retry loop (which statuses and breaks are worth repeating, Retry-After, messages that say what
holds on the server after a push stopped half-way).

`kg serve` (the local endpoint) is kg/serve/endpoint.py.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import decimal
import email.utils
import hashlib
import html
import ipaddress
import json
import netrc
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg.errors import KgError, UsageError
from kg.ingest import encoding, inflate, tls
from kg.ingest.tls import is_loopback
from kg.model import DEFAULT_BASE, VERSION
from kg.read.articles import climbs

USER_VARIABLE = "KG_PUSH_USER"
_MEMBER = "http://www.w3.org/ns/prov#hadMember"
# in kg's list on the server: the SHA-256 of the facts a push put in the server's default graph, so that a later
# push of the facts to a named graph (--facts-graph) removes them there, and only while they are still kg's
_DEFAULT_DIGEST = "https://kg.example.org/ontology#pushedDefaultGraph"
_FACTS_GRAPH = "https://kg.example.org/ontology#pushedFactsGraph"  # the --facts-graph a push put the facts in
PASSWORD_VARIABLE = "KG_PUSH_PASSWORD"


class EndpointError(KgError):
    """The remote endpoint could not be reached or refused the request (exit 2: the tool could not run as asked)."""

    exit_code = 2


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


def list_graph(base: str) -> str:
    """The graph on the server where kg lists the named graphs it pushed for the corpus under `base`: one list
    per base, so that the push of one corpus never reads (and deletes) what another corpus pushed to the same
    server. No IRI kg mints under the base can be this one: those all have a folder (`graph/`, `organisation/`)."""
    return base + "pushed"


def ontology_graph(base: str) -> str:
    """The graph on the server that holds the ontology a corpus was built with: one per corpus base, as its list
    is. Every corpus pushed the one graph <https://kg.example.org/ontology>, so two corpora built with different
    ontologies (another --ontology, another kg version) replaced each other's on a shared server, and the
    subclass inference of one ran on the other's terms. For kg build's default base the name is the same as
    before (<https://kg.example.org/ontology>, the ontology's own IRI)."""
    return base + "ontology"


# the list of the default base (kg build's default): until this version one fixed list was shared by every corpus
PUSHED_GRAPH = list_graph(DEFAULT_BASE)


_climbs = climbs  # kg/pipeline/rdf.py: the same rule kg build applies to its base


def _another_corpus(name: str, base: str) -> bool:
    """Whether a graph name may be another kg corpus's article graph (`.../graph/slug`, `...#graph/slug`) or its
    list of what it pushed (`.../pushed`, `...#pushed`), and not one of this corpus's own (`<base>graph/slug`, `<base>pushed`). Another corpus's
    base may lie under this one's (https://kg.example.org/team-b/ under https://kg.example.org/), so a name under
    this corpus's base is no proof that it is its own: such a name is never taken as a facts graph, nor deleted."""
    articles = base + "graph/"
    if name.startswith(articles):
        return "/" in name[len(articles) :]  # a slug has no slash: this is no article graph of this corpus
    if name in (list_graph(base), ontology_graph(base)):
        return False
    try:
        parts = urllib.parse.urlsplit(name)
    except ValueError:
        return True
    # a base may end in # as well as in / (https://kg.example.org/news#graph/slug, .../news#pushed)
    tail = parts.path + ("#" + parts.fragment if parts.fragment else "")
    return "/graph/" in tail or "#graph/" in tail or tail.endswith(("/pushed", "#pushed", "/ontology", "#ontology"))


def _may_be_ours(name: str) -> bool:
    """Whether a name in kg's list on the server could be one kg pushed: printable, no space, no dot segment."""
    return name.isprintable() and " " not in name and not _climbs(name)


def check_base(base: str) -> None:
    """Refuse a --base no build could have used (the build refuses the same ones)."""
    try:
        parts = urllib.parse.urlsplit(base) if base.isprintable() and " " not in base else None
    except ValueError:  # an unclosed IPv6 bracket (https://[::1/): urlsplit's ValueError was a traceback
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or not base.endswith(("/", "#")):
        raise UsageError(
            f"--base {base!r}: give the base IRI the build was made with (an http(s) address ending in / or #; "
            f"kg build's default is {DEFAULT_BASE})"
        )
    if _climbs(base):
        raise UsageError(
            f"--base {base}: a . or .. segment in its path; a server may resolve it, and the graphs under it, to "
            "another place (another corpus's): rebuild with a base without them (kg build --base)"
        )
    if "/graph/" in parts.path:
        raise UsageError(
            f"--base {base}: kg's list of what this corpus pushed would be <{list_graph(base)}>, a name under "
            "another corpus's graph/ folder (an article's graph there); give a base outside any graph/ folder"
        )


def read_graphs(build: str | Path, facts_graph: str | None = None, base: str = DEFAULT_BASE) -> list[Graph]:
    """The dataset's graphs in a stable order: the default graph (the facts) first, then the named graphs by IRI.
    With `facts_graph` the facts go to that named graph instead of the server's default graph.

    Every article graph must be under `base` (`<base>graph/<slug>`): the base decides which list of pushed graphs
    the push reads and which graphs it may delete, so a push with another corpus's base is refused. A facts graph
    that takes the name of kg's list or of an article's graph (now or after a later `kg add`) is refused too: one
    PUT would replace the other."""
    from kg.ontology import ONTOLOGY_IRI  # here: rdflib, which it loads, is not needed by kg serve

    path = dataset_file(build)
    fmt = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG
    groups: dict[str | None, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            groups.setdefault(name, []).append(quad.triple)
    except (OSError, SyntaxError) as err:
        # the parser's message quotes the character it refused, a control character included
        raise UsageError(
            f"{path}: cannot read the dataset ({_printable(str(err))}); rebuild it with `kg build`"
        ) from err
    if str(ONTOLOGY_IRI) in groups:
        # pushed under the corpus's base: another corpus's push (another ontology) no longer replaces it
        groups[ontology_graph(base)] = groups.pop(str(ONTOLOGY_IRI))
    articles = base + "graph/"
    for name in sorted(n for n in groups if n is not None and n != ontology_graph(base)):
        if not name.startswith(articles):
            built = name.rsplit("graph/", 1)[0] if "graph/" in name else None
            raise UsageError(
                f"--base {base}: the build's graph <{name}> is not under it; "
                + (f"push with the base the build was made with: --base {built}" if built else "rebuild it with kg")
            )
    if facts_graph is not None:
        try:
            ox.NamedNode(facts_graph)
        except ValueError as err:
            # Oxigraph's message quotes the character it refused: an escape sequence given in the option would
            # reach the terminal as it is
            raise UsageError(f"--facts-graph {facts_graph!r}: not an IRI ({_printable(str(err))})") from None
        if facts_graph == list_graph(base):
            raise UsageError(
                f"--facts-graph {facts_graph}: this is where kg lists the graphs it pushed for --base {base}; "
                "give the facts a graph of their own"
            )
        if _climbs(facts_graph):
            raise UsageError(
                f"--facts-graph {facts_graph}: a . or .. segment in its path; a server may resolve it to another "
                "graph (another corpus's): give a name without them"
            )
        if facts_graph in groups:
            raise UsageError(f"--facts-graph {facts_graph}: the dataset already has a graph with this name")
        if facts_graph.startswith(articles):
            raise UsageError(
                f"--facts-graph {facts_graph}: names under {articles} are the articles' graphs; "
                "give the facts a graph outside it"
            )
        if _another_corpus(facts_graph, base):
            raise UsageError(
                f"--facts-graph {facts_graph}: may be another kg corpus's article graph, its list of what it "
                "pushed or its ontology (a name under graph/ or ending in /pushed or /ontology); one PUT would "
                "replace it: give the facts a graph of their own"
            )
        if None in groups:
            groups[facts_graph] = groups.pop(None)
    ordered = sorted(groups, key=lambda n: (n is not None, n or ""))
    return [Graph(name, tuple(groups[name])) for name in ordered]


_USE = (
    "give the server's Graph Store Protocol URL, such as http://localhost:7878/store (Oxigraph) or "
    "http://localhost:3030/kg/data (Fuseki)"
)


def _userinfo(url: str) -> str:
    """What comes before the last @ of a URL's authority (user:password), found even in a URL that cannot be
    parsed; "" when there is none."""
    rest = url.split("://", 1)[1] if "://" in url else url.split(":", 1)[-1].lstrip("/")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    return authority.rpartition("@")[0]


def _shown_endpoint(endpoint: str) -> str:
    """--endpoint as a message about it may show it: its user name and password, if any, as ***, and the values
    of its query parameters hidden (as _safe_url does), even when the URL cannot be parsed."""
    userinfo = _userinfo(endpoint)
    if userinfo:
        endpoint = endpoint.replace(userinfo + "@", "***@", 1)
    path, question, query = endpoint.partition("?")
    if not question:
        return endpoint
    query, hash_, fragment = query.partition("#")
    shown = []
    for item in query.split("&"):
        name, equals, _value = item.partition("=")
        shown.append(item if name in ("graph", "default") or not equals else f"{name}=***")
    return path + "?" + "&".join(shown) + hash_ + fragment


def _check_endpoint(endpoint: str) -> httpx.URL:
    """The endpoint as a URL, or a UsageError saying what is wrong with it (never a traceback from deep inside
    the HTTP stack: a host name part too long for DNS, an unclosed IPv6 bracket, a port out of range). The URL is
    shown without the user name and password it may hold, and without its query's values (a key)."""
    shown = _shown_endpoint(endpoint)
    try:
        return _parsed_endpoint(endpoint, shown)
    except UsageError as err:
        userinfo = _userinfo(endpoint)
        if not userinfo:
            raise
        text = str(err)  # a message of urllib's or httpx's may quote part of the URL
        password = userinfo.partition(":")[2]
        for form in sorted({userinfo, password, repr(userinfo)[1:-1], repr(password)[1:-1]}, key=len, reverse=True):
            if len(form) >= 3:
                text = text.replace(form, "***")
        raise UsageError(text) from None


def _parsed_endpoint(endpoint: str, shown: str) -> httpx.URL:
    if not endpoint.isprintable() or any(c.isspace() for c in endpoint):
        raise UsageError(f"--endpoint {shown!r}: a URL has no spaces or control characters; {_USE}")
    try:
        parts = urllib.parse.urlsplit(endpoint)
        port = parts.port
    except ValueError as err:  # "Invalid IPv6 URL", "Port out of range 0-65535", a port that is not a number
        raise UsageError(f"--endpoint {shown!r}: not a usable URL ({err}); {_USE}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint {shown!r}: {_USE}")
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "--endpoint: remove the user name and password from the URL (a command line is visible to every user "
            f"of the machine); set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add the host to ~/.netrc"
        )
    if parts.fragment:
        raise UsageError(f"--endpoint {shown!r}: remove the #fragment")
    named = sorted(
        {name for name, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)} & {"graph", "default"}
    )
    if named:
        # kg adds ?graph=IRI or ?default to each request: with one in the URL too, a server that reads the first
        # (Java's getParameter does) would write every graph over that one, and delete it
        raise UsageError(
            f"--endpoint {shown!r}: remove ?{named[0]} from it: kg names the graph of each request itself; give the "
            "Graph Store Protocol URL alone, such as http://localhost:7878/store"
        )
    if port == 0:
        raise UsageError(f"--endpoint {shown!r}: a port is a number from 1 to 65535")
    host = parts.hostname
    if "[" in parts.netloc and not re.fullmatch(r"\[[0-9A-Fa-f:.]+(%[\w.-]+)?\](:[0-9]*)?", parts.netloc):
        raise UsageError(
            f"--endpoint {shown!r}: an IPv6 address goes in brackets, then :PORT if any (http://[::1]:7878/store)"
        )
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # DNS limits: each part between dots 1 to 63 characters (once encoded as IDNA), the whole name 253
        try:
            encoded = host.rstrip(".").encode("idna")
        except UnicodeError:
            encoded = b""
        labels = encoded.split(b".")
        if not encoded or len(encoded) > 253 or not all(0 < len(label) <= 63 for label in labels):
            raise UsageError(
                f"--endpoint {shown!r}: {host!r} is not a host name (each part between dots has 1 to 63 "
                f"characters, the whole at most 253); {_USE}"
            ) from None
    try:
        url = httpx.URL(endpoint)
        url.host  # noqa: B018 -- decoded here: an IDNA label that does not decode ("xn--a") raised in the client
    except (httpx.InvalidURL, UnicodeError) as err:
        raise UsageError(f"--endpoint {shown!r}: not a usable URL ({err}); {_USE}") from None
    return url


def credentials(host: str, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """(user, password) from KG_PUSH_USER / KG_PUSH_PASSWORD, else from the netrc file ($NETRC or ~/.netrc)."""
    env = os.environ if environ is None else environ
    user, password = env.get(USER_VARIABLE), env.get(PASSWORD_VARIABLE)
    if user is not None or password is not None:
        if user is None or password is None:
            raise UsageError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        if not _utf8(password):  # the password itself never shown
            raise UsageError(
                f"{PASSWORD_VARIABLE}: the password is not UTF-8 text (a byte of another encoding, such as Latin-1); "
                "set it in UTF-8"
            )
        return _checked_user(user, USER_VARIABLE), password
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
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read the netrc file (it is not UTF-8 text; save it as UTF-8)") from None
    if entry is None:
        return None
    login, _account, secret = entry
    return _checked_user(login or "", f"the login in {path}"), secret or ""


def _checked_user(user: str, where: str) -> str:
    """A user name that can go in a header: a line break or other control character in it made httpx refuse the
    Digest header with a message quoting it whole, the response computed from the password included."""
    if not _utf8(user):
        raise UsageError(f"{where}: the user name is not UTF-8 text (a byte of another encoding); give it in UTF-8")
    if not user.isprintable():
        raise UsageError(f"{where}: the user name holds a line break or another control character; remove it")
    return user


def _utf8(text: str) -> bool:
    """Whether text read from the environment is UTF-8: bytes of another encoding arrive as lone surrogates,
    which no header can carry (encoding them was a UnicodeEncodeError traceback)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def graph_url(endpoint: str, name: str | None) -> str:
    """The Graph Store Protocol URL of one graph: ?default, or ?graph= with the IRI percent-encoded."""
    query = "default" if name is None else "graph=" + urllib.parse.quote(name, safe="")
    return endpoint + ("&" if urllib.parse.urlsplit(endpoint).query else "?") + query


RETRY_STATUSES = {408, 429, 502, 503, 504}
MAX_RETRY_AFTER = 120.0
MAX_TIMEOUT = 86400  # seconds: --timeout, as kg serve's --query-timeout
# how much of a server's answer to a failed request is read, and shown: enough for any error page's reason
# (Virtuoso's "Error 22023 ... not configured to have default graph" comes after a long preamble), not a
# runaway page
READ_LIMIT = 65536
# the slowest a server may take an upload, past --timeout: 128 kbit/s, a poor mobile uplink; a 100 MB graph then
# has 1.7 hours
MIN_UPLOAD_RATE = 16 * 1024
SHOW_LIMIT = 2000
HTML_LIMIT = 8192  # characters of an HTML error page that are parsed for its text
# the most kg reads of kg's list of what a corpus pushed (a line of about 150 bytes per graph: some 400,000
# graphs); a larger or endless answer is not a list kg wrote
LIST_LIMIT = 64 * 1024 * 1024


class _Unread(Exception):
    """A server's answer kg stopped reading: larger than what kg asked for can be, or never ending."""


class _TooLarge(_Unread):
    """An answer larger than kg reads: whatever it holds, it is not empty."""


def _read_body(response: httpx.Response, limit: int, seconds: float) -> tuple[bytes, bool | None]:
    """At most `limit` bytes of an answer's body, read for at most `seconds` (httpx's timeout bounds each read,
    not the whole body: a server dripping a byte now and then, or streaming without end, would hold kg and grow
    its memory for ever); and whether that was the whole body (None: it inflates past the limit)."""
    if response.is_stream_consumed:  # read ahead, before httpx followed a redirect or answered a challenge
        return response.content[:limit], True
    deadline = time.monotonic() + seconds
    raw = bytearray()
    try:  # inflated within the limit: httpx's decoders inflate each chunk whole (kg/ingest/inflate.py)
        decoder = inflate.Decoder(response.headers.get("Content-Encoding", ""), limit)
        for chunk in response.iter_raw():
            raw += decoder.decode(chunk)
            if len(raw) > limit or time.monotonic() > deadline:
                return bytes(raw[:limit]), False
        raw += decoder.end()
    except inflate.TooLarge:  # what was inflated before the last chunk is less than the limit: None says why
        return bytes(raw[:limit]), None
    except inflate.Unreadable as err:
        raise _Unread(f"its answer cannot be read: {err}") from None
    return bytes(raw), True


def _read_ahead(response: httpx.Response, seconds: float) -> None:
    """Read the body of an answer httpx is about to read itself, within kg's bounds: httpx reads a redirect's body
    whole before following it, and a Digest challenge's before answering it, so a server answering 307 or 401
    with a body without end took 1.3 GB of kg push's memory per GiB sent, without end. What was read stands as
    the body (httpx's read() then reads nothing more; _read_body gives it back for a refusal's text)."""
    try:
        raw, _ = _read_body(response, READ_LIMIT, seconds)
    except _Unread:
        raw = b""
    response._content = raw  # httpx's own attribute for a body already read (Response.read() returns it)


class _SlowUpload(Exception):
    """A server that did not take an upload within its deadline (_Deadlines)."""

    def __init__(self, size: int, seconds: float) -> None:
        super().__init__(size, seconds)
        self.size, self.seconds = size, seconds


class _Deadlines:
    """httpcore's trace hook, bounding what httpx's timeout does not: it bounds each read and each send() only.

    The answer's head must come within `seconds` of the upload's end: a server sending `100 Continue` every 0.1
    s, or its head a line at a time, held the push as long as it liked (41 s for two requests under --timeout 2,
    and without end for a server that kept on).

    The upload itself must be taken within `seconds` plus a second per MIN_UPLOAD_RATE bytes: a send() returns as
    soon as the kernel's send buffer has room, which over a network path is some tens of KB, so a server reading
    a few KB a second kept every send() within --timeout and held the push for as long as the upload lasted at
    that rate (a 220 KB graph read at 8 KB/s: 30 s; a 100 MB graph read at 0.5 KB/s: days).

    When a deadline passes, the connection's socket is shut down, which ends the read or write in progress; the
    request then fails as one with no answer in time (retried as such), or as an upload too slow (not retried:
    sending it again would be as slow)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.sock: socket.socket | None = None
        self.timer: threading.Timer | None = None
        self.upload_timer: threading.Timer | None = None
        self.size = 0  # of the upload of the request being sent
        self.fired = False
        self.upload_fired = False

    def upload_seconds(self, size: int) -> float:
        return self.seconds + size / MIN_UPLOAD_RATE

    def __call__(self, event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete" and info.get("return_value") is not None:
            self.sock = info["return_value"].get_extra_info("socket")
        elif event == "http11.send_request_headers.started":
            self.upload_fired = False
        elif event == "http11.send_request_body.started":
            self.upload_timer = threading.Timer(self.upload_seconds(self.size), self._fire_upload)
            self.upload_timer.daemon = True
            self.upload_timer.start()
        elif event.startswith("http11.send_request_body.") and self.upload_timer is not None:
            self.upload_timer.cancel()
            self.upload_timer = None
        elif event == "http11.receive_response_headers.started":
            self.fired = False
            if self.upload_fired:  # the socket is shut down: the head cannot come, and is not waited for
                return
            self.timer = threading.Timer(self.seconds, self._fire)
            self.timer.daemon = True
            self.timer.start()
        elif event.startswith("http11.receive_response_headers.") and self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _fire(self) -> None:
        self.fired = True
        self._shut()

    def _fire_upload(self) -> None:
        self.upload_fired = True
        self._shut()

    def _shut(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)


def _safe_url(url: str) -> str:
    """The URL as it may be printed: the values of the endpoint's own query parameters (a token, a key) hidden;
    the graph's name, which kg chose, kept."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # a Location that is no URL (http://[::1/x): hidden the same way, by hand
        return _shown_endpoint(url)
    if not parts.query:
        return url
    shown = []
    for item in parts.query.split("&"):
        name, equals, _value = item.partition("=")
        shown.append(item if name in ("graph", "default") or not equals else f"{name}=***")
    return urllib.parse.urlunsplit(parts._replace(query="&".join(shown)))


def _secret_forms(login: tuple[str, str] | None) -> tuple[str, ...]:
    """The password in every form a server may echo it in: as sent (the Basic token), percent-encoded (as in a
    URL or a form), base64, HTML- and JSON-escaped, and as it is."""
    if login is None:
        return ()
    user, password = login
    forms = {
        password,
        base64.b64encode(f"{user}:{password}".encode()).decode("ascii"),
        base64.b64encode(password.encode()).decode("ascii").rstrip("="),
        base64.urlsafe_b64encode(password.encode()).decode("ascii").rstrip("="),
        urllib.parse.quote(password, safe=""),
        urllib.parse.quote(password),
        urllib.parse.quote_plus(password),
        html.escape(password),
        json.dumps(password)[1:-1],
        json.dumps(password, ensure_ascii=False)[1:-1],
        password.encode().hex(),
        f"{user}:{password}".encode().hex(),
    }
    return tuple(sorted(forms, key=len, reverse=True))


# one escaped character as a server may echo it: JSON/JavaScript \\uXXXX (a surrogate pair too) and \\xHH, an
# HTML character reference, or a run of percent-encoded bytes (decoded as UTF-8 together); hex digits of any case
_ESCAPED = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\\"/]"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|(?:%[0-9a-fA-F]{2})+"
)


def _unescaped(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with its common escape layers decoded and lower-cased, for comparison with a password, and for
    each of its characters the span of `text` it came from (an escape's whole span)."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []

    def add(decoded: str, start: int, end: int) -> None:
        for char in decoded:
            for low in char.lower():
                chars.append(low)
                spans.append((start, end))

    position = 0
    for match in _ESCAPED.finditer(text):
        for index in range(position, match.start()):
            add(text[index], index, index + 1)
        token = match.group()
        if token[0] == "%":
            data = bytes.fromhex(token.replace("%", ""))
            offset = 0
            while offset < len(data):  # one UTF-8 character at a time, so each keeps its own span
                lead = data[offset]
                size = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
                piece = data[offset : offset + size]
                add(
                    piece.decode("utf-8", "replace"),
                    match.start() + 3 * offset,
                    match.start() + 3 * (offset + len(piece)),
                )
                offset += len(piece)
        elif token[0] == "&":
            add(html.unescape(token), match.start(), match.end())
        elif len(token) == 2:  # an escaped backslash, quote or slash: the layer under it is decoded next
            add(token[1], match.start(), match.end())
        elif token[1] == "x" or len(token) == 6:
            add(chr(int(token[2:6], 16)), match.start(), match.end())
        else:  # a surrogate pair: one character outside the Basic Multilingual Plane
            high, low = int(token[2:6], 16), int(token[8:12], 16)
            add(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), match.start(), match.end())
        position = match.end()
    for index in range(position, len(text)):
        add(text[index], index, index + 1)
    return "".join(chars), spans


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove every credential, in every form of _secret_forms, from text about to be printed (a server may echo
    them). The text is compared with its escape layers decoded (JSON \\u and \\x escapes, HTML character
    references, percent-encoding) and without regard to case, so a password escaped in any of those ways, with
    hex digits of either case, or a base64 or hex form upper-cased, is found; the whole span it came from goes.
    Matching without case may hide a little more than the password: never less."""
    needles = {secret.lower() for secret in secrets if len(secret) >= 3}
    if not needles or not text:
        return text
    cuts = [found.span() for needle in needles for found in re.finditer(re.escape(needle), text, re.IGNORECASE)]
    layer, spans = text, [(index, index + 1) for index in range(len(text))]
    for _depth in range(4):  # JSON inside JSON, an entity inside a percent-encoded form: each layer in turn
        decoded, inner = _unescaped(layer)
        spans = [(spans[start][0], spans[end - 1][1]) for start, end in inner]
        for needle in needles:
            for found in re.finditer(re.escape(needle), decoded):
                cuts.append((spans[found.start()][0], spans[found.end() - 1][1]))
        if decoded == layer:
            break
        layer = decoded
    if not cuts:
        return text
    cuts.sort()
    merged = [cuts[0]]
    for start, end in cuts[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    parts, position = [], 0
    for start, end in merged:
        parts.append(text[position:start] + "***")
        position = end
    parts.append(text[position:])
    return "".join(parts)


# terminal escape sequences: CSI (ESC [ ... or the 8-bit CSI), OSC (ESC ] ... BEL or ST, window titles,
# hyperlinks, clipboard writes), DCS/SOS/PM/APC strings, then any other ESC and the character after it
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b.?",
    re.DOTALL,
)


def _printable(text: str) -> str:
    """Text from a server (or from kg's list on it) made safe to print on a terminal: escape sequences removed,
    every other control or invisible formatting character (bidirectional overrides too) made a space."""
    return "".join(c if c.isprintable() else " " for c in _ESCAPES.sub("", text))


def _safe(message: str, secrets: tuple[str, ...]) -> str:
    """A message as it may be printed: no credential, nothing a terminal would act on; kg's own line breaks kept."""
    return "\n".join(_printable(_scrub(line, secrets)) for line in _scrub(message, secrets).split("\n"))


class _HtmlText(HTMLParser):
    """The text of an error page, as a reader of it in a browser sees it (no markup, no script, no style)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style", "head"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def server_text(raw: bytes, content_type: str, secrets: tuple[str, ...], limit: int | None = SHOW_LIMIT) -> str:
    """What a server said in the body of a refusal, as one printable line: credentials scrubbed first (before the
    text is cut or its spaces collapsed, so no part of a password survives), then again after each change that
    could make a password appear (markup or escape sequences removed, spaces collapsed); cut last, at `limit`."""
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value.strip('"'):
            # a name Python knows as a document's encoding: `charset=undefined` or `idna` was a traceback
            charset = encoding.codec(value.strip('"')) or "utf-8"
    text = raw.decode(charset, "replace")
    text = _scrub(text, secrets)
    if "html" in content_type.lower() or text.lstrip()[:1] == "<":
        # Python's html.parser takes quadratic time on unclosed tags (CVE-2025-6069, fixed in 3.11.13): a 64 KiB
        # page of `<a ` took 47 s; of its first HTML_LIMIT characters, well under a second. Cut after the scrub,
        # so no password is cut in two
        text = text[:HTML_LIMIT]
        parser = _HtmlText()
        with contextlib.suppress(AssertionError, ValueError):
            parser.feed(text)
            parser.close()
        text = _scrub(" ".join(parser.parts), secrets) if parser.parts else text
    text = _scrub(_printable(text), secrets)
    text = _scrub(" ".join(text.split()), secrets)
    return text if limit is None else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    return text[:limit] + f" [... {len(text) - limit} more characters]" if len(text) > limit else text


# what Virtuoso's Graph Store endpoint (/sparql-graph-crud) answers to any request for ?default: `Error 22023 ...
# contains "default" param but the endpoint is not configured to have default graph`
_NO_DEFAULT_GRAPH = "not configured to have default graph"


@dataclass(frozen=True)
class _Refusal:
    """A server's answer other than success: its status, its reason phrase and what its body said (both made
    printable and scrubbed of credentials), and the pause it asked for."""

    status: int
    reason: str
    said: str
    retry_after: float | None
    challenge: str = ""  # the scheme the server asks for in WWW-Authenticate (Basic, Digest), on a 401
    no_default_graph: bool = False  # the server said it has no default graph (Virtuoso's Graph Store endpoint)


def _refusal(response: httpx.Response, secrets: tuple[str, ...], seconds: float = 60.0) -> _Refusal:
    raw = b""
    with contextlib.suppress(httpx.HTTPError, _Unread):
        raw, _ = _read_body(response, READ_LIMIT, seconds)
    whole = server_text(raw[:READ_LIMIT], response.headers.get("Content-Type", ""), secrets, limit=None)
    said = _cut(whole, SHOW_LIMIT)  # the same text, read once: a page is costly to parse
    reason = _printable(_scrub(response.reason_phrase, secrets)).strip()
    challenge = response.headers.get("WWW-Authenticate", "").strip().split(" ", 1)[0]
    return _Refusal(
        response.status_code,
        reason,
        said,
        _retry_after(response.headers.get("Retry-After", "")),
        challenge if challenge.isalnum() else "",
        _NO_DEFAULT_GRAPH in whole.lower(),  # markup gone and spaces collapsed: said in any case, over any lines
    )


def _retry_after(value: str) -> float | None:
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date), capped; None if it did not, or
    said it in no form kg can read. Delay-seconds are ASCII digits: str.isdigit() also takes `²` (0xB2, as httpx
    decodes a header in Latin-1), which float() refuses, and a date in the year 10^20 overflows the date parser;
    both were tracebacks in the middle of a push."""
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, min((when - datetime.datetime.now(datetime.UTC)).total_seconds(), MAX_RETRY_AFTER))


class _OffOrigin(Exception):
    """The endpoint redirected a request to another scheme, host or port, or to no URL kg can follow (`url` is
    then the Location as sent, `followable` False): kg stops before sending anything there."""

    def __init__(self, url: str, followable: bool = True) -> None:
        super().__init__(url)
        self.url, self.followable = url, followable


class _BadChallenge(Exception):
    """The server asked for Digest authentication in a form that cannot be answered (an unknown algorithm, qop
    auth-int, a challenge that does not parse)."""


class _Digest(httpx.DigestAuth):
    """httpx's Digest authentication, whose every failure to read the server's challenge is a _BadChallenge:
    httpx raised KeyError for an unknown algorithm, NotImplementedError for qop auth-int and ValueError for a
    challenge that does not parse (tracebacks), and a ProtocolError that kg reported as a server not reached."""

    def auth_flow(self, request: httpx.Request):
        flow = super().auth_flow(request)
        try:
            outgoing = next(flow)  # a challenge of an earlier request is answered here
            while True:
                response = yield outgoing
                if response.status_code == 401:
                    self.challenge = response.headers.get("WWW-Authenticate", "")
                outgoing = flow.send(response)
        except StopIteration:
            return
        except (httpx.ProtocolError, KeyError, ValueError, TypeError, IndexError, NotImplementedError) as err:
            raise _BadChallenge(f"WWW-Authenticate {getattr(self, 'challenge', '')[:200]!r}: {err}") from None


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _client(url: httpx.URL, timeout: float, login: tuple[str, str] | None, auth: str) -> httpx.Client:
    """The HTTP client of one push: one connection kept open for every request; credentials sent to the
    endpoint's own scheme, host and port only (httpx drops them on a redirect to another origin, and the hook
    below stops any request to another origin before it is sent: neither credentials nor graphs go there); a
    proxy from the environment (https_proxy, no_proxy) for remote servers, never for this machine, so that a
    local endpoint, and its credentials, do not travel through a corporate proxy by surprise."""
    home = _origin(url)

    def stay_home(request: httpx.Request) -> None:
        if _origin(request.url) != home:
            raise _OffOrigin(str(request.url))

    def redirect_home(response: httpx.Response) -> None:
        """A redirect is looked at before httpx follows it: one to a place that is no http(s) URL at all
        (`data:...`, `javascript:...`) made httpx raise InvalidURL, which is no HTTPError (a traceback)."""
        if response.has_redirect_location:
            location = response.headers["Location"]
            try:
                target = response.request.url.join(location)
                origin = _origin(target)  # decodes the host: an IDNA label that does not decode raises here
            except (httpx.InvalidURL, ValueError):
                raise _OffOrigin(location, followable=False) from None
            if origin != home:
                raise _OffOrigin(str(target))
            _read_ahead(response, timeout)
        elif response.status_code == 401 and isinstance(credentials_, _Digest):
            _read_ahead(response, timeout)

    verify = _tls_context(url)
    credentials_: httpx.Auth | None = None
    if login is not None:
        credentials_ = _Digest(*login) if auth == "digest" else httpx.BasicAuth(*login)
    try:
        return httpx.Client(
            auth=credentials_,
            verify=verify,
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            trust_env=not is_loopback(url.host),
            event_hooks={"request": [stay_home], "response": [redirect_home]},
            headers={"User-Agent": f"kg/{VERSION}", "Accept-Encoding": inflate.ACCEPT},
        )
    except (ImportError, ValueError, httpx.InvalidURL) as err:
        # a proxy variable httpx cannot use: a SOCKS proxy without httpx's socks extra (ImportError), another
        # scheme (ValueError), a URL that does not parse (InvalidURL); their messages may quote the proxy's URL
        names = sorted(name for name in os.environ if name.lower().endswith("_proxy") and name.lower() != "no_proxy")
        shown = ", ".join(f"{name}={_shown_endpoint(os.environ[name])!r}" for name in names) or "none set"
        why = (
            "a SOCKS proxy needs httpx's socks extra: pip install 'httpx[socks]'"
            if isinstance(err, ImportError)
            else "it is not an http://, https:// or socks5:// URL with a host and a port"
        )
        raise UsageError(
            f"cannot use the proxy the environment gives for {url.host} ({shown}): {why}; fix or unset it, or add "
            f"{url.host} to NO_PROXY"
        ) from None


def _proxy_of(client: httpx.Client, url: httpx.URL) -> str | None:
    """The proxy from the environment that httpx sends `url`'s requests through, shown without its password and
    with the variables that may name it; None when it connects directly. A proxy that refuses the connection
    made kg say "cannot reach ENDPOINT: Connection refused; is the server running", sending the user to look at
    a server that was never asked. httpx has no public way to ask which proxy it chose, so its transport is read,
    and None said where that is not there."""
    try:
        proxy = getattr(getattr(client._transport_for_url(url), "_pool", None), "_proxy_url", None)
        if proxy is None:
            return None
        host = proxy.host.decode("ascii")
        shown = f"{proxy.scheme.decode('ascii')}://{f'[{host}]' if ':' in host else host}:{proxy.port}"
    except (AttributeError, TypeError, ValueError):
        return None
    names = sorted(name for name in os.environ if name.lower().endswith("_proxy") and name.lower() != "no_proxy")
    return f"{_shown_endpoint(shown)} ({' or '.join(names) or 'the environment'})"


def _tls_context(url: httpx.URL) -> ssl.SSLContext:
    """kg/ingest/tls.py's context for an https endpoint; certifi's alone for http (nothing to check, nothing to load)."""
    import certifi

    if url.scheme != "https":
        return ssl.create_default_context(cafile=certifi.where())
    return tls.context(url.host)


def _untrusted(err: BaseException) -> str | None:
    """Why the server's TLS certificate was not accepted, or None for another failure."""
    for e in _cause(err):
        if isinstance(e, ssl.SSLCertVerificationError):
            return e.verify_message or "certificate verify failed"
    return None


def _cause(err: BaseException) -> Iterator[BaseException]:
    """The exception and those it came from (httpx wraps httpcore's, which wraps the socket's)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _transient(problem: _Refusal | BaseException) -> str | None:
    """Why a failed request is worth repeating, or None when repeating cannot help (refusals, auth, bad requests,
    nothing listening, an answer that is not HTTP). PUT replaces the graph and DELETE removes it, so sending
    either again is safe."""
    if isinstance(problem, _Refusal):
        return f"HTTP {problem.status} {problem.reason}".rstrip() if problem.status in RETRY_STATUSES else None
    if isinstance(problem, httpx.TimeoutException):
        return "no answer in time"
    chain = list(_cause(problem))
    if any(isinstance(e, ConnectionResetError | ConnectionAbortedError | BrokenPipeError) for e in chain):
        return "the connection was reset"
    if isinstance(problem, httpx.ConnectError):  # nothing listening, no such host: repeating will not help
        return None
    if isinstance(problem, httpx.RemoteProtocolError):
        if any(type(e).__module__.startswith("h11") or isinstance(e, httpx.InvalidURL) for e in chain):
            return None  # the answer broke HTTP's rules (a malformed status line, a redirect to no URL, ...)
        return "the server closed the connection without an answer"
    if isinstance(problem, httpx.ReadError | httpx.WriteError):
        return "the connection was reset"
    return None


def _reason(err: BaseException) -> str:
    """The most telling words for a failure to talk to the server: the system's (Connection refused, Name or
    service not known) where there are some."""
    for e in _cause(err):
        if isinstance(e, OSError) and e.strerror:
            return e.strerror
    if isinstance(err, httpx.RemoteProtocolError) and _transient(err) is None:
        return "its answer is not valid HTTP"
    return str(err) or type(err).__name__


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


DELETES_BEYOND_THE_BUILD = 1000  # graphs of removed sources one push deletes, beyond the build's own number


def push(
    build: str | Path,
    endpoint: str,
    *,
    base: str = DEFAULT_BASE,
    facts_graph: str | None = None,
    timeout: float = 60.0,
    retries: int = 4,
    retry_wait: float = 1.0,
    auth: str = "basic",
    report: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[tuple[str | None, int]]:
    """PUT every graph of the build's dataset to a Graph Store Protocol endpoint; returns (graph, triples) pairs.

    Each PUT replaces that graph on the server, so a second push leaves the same triples, never twice as many,
    and a PUT that failed on the way (connection reset, 502, 503, 504, 408, 429) is sent again after a pause
    that doubles each time (retry_wait, 2 x retry_wait, ...; a 429 or 503's Retry-After is obeyed), up to
    `retries` more times. Refusals (401, 403, 404, other 4xx) are not repeated: repeating cannot change them.

    The named graphs pushed are listed in the server's graph list_graph(base), one per corpus base; a graph
    listed there by an earlier push and no longer in the build (its article was removed, --facts-graph changed)
    is deleted after every graph of the build is in place, then the list is replaced. Graphs kg did not push
    for this base, those of another corpus included, are never touched.

    Requests go to the endpoint's own scheme, host and port only; a redirect elsewhere stops the push before
    anything (credentials, graphs) is sent there. Nothing a server says is printed before credentials and
    terminal escape sequences are removed from it."""
    url = _check_endpoint(endpoint)
    if not 0 < timeout <= MAX_TIMEOUT:
        # above it, the socket's timeout overflows the platform's time_t: --timeout inf or 1e10 was an
        # OverflowError traceback once connected
        raise UsageError(f"--timeout {timeout}: give a number of seconds above 0, at most {MAX_TIMEOUT} (a day)")
    if not 0 <= retries <= 100:
        raise UsageError(f"--retries {retries}: give a number from 0 to 100")
    if not 0 <= retry_wait <= 600:
        raise UsageError(f"--retry-wait {retry_wait}: give a number of seconds from 0 to 600")
    if auth not in ("basic", "digest"):
        raise UsageError(f"--auth {auth!r}: give basic or digest")
    check_base(base)
    listed = list_graph(base)
    graphs = read_graphs(build, facts_graph, base)
    parts = urllib.parse.urlsplit(endpoint)
    host = parts.hostname or ""
    login = credentials(host)
    secrets = _secret_forms(login)
    here = f"{parts.scheme}://{parts.netloc}"
    deadlines = _Deadlines(timeout)

    def say(text: str) -> str:
        return _safe(text, secrets)

    def exchange(
        client: httpx.Client, method: str, target: str, body: bytes | None, limit: int = LIST_LIMIT
    ) -> bytes | _Refusal:
        """One request and its answer: the body of a success, or the refusal (exceptions go up). A GET's answer
        is read up to `limit` bytes and --timeout seconds, else _Unread; the body of any other success is not
        needed, and only its first bytes are read."""
        headers = {"Content-Type": "application/n-triples; charset=utf-8"} if body is not None else {}
        if method == "GET":
            headers["Accept"] = "application/n-triples"
        deadlines.size = len(body or b"")
        try:
            with client.stream(
                method, target, content=body, headers=headers, extensions={"trace": deadlines}
            ) as response:
                if not response.is_success:
                    return _refusal(response, secrets, timeout)
                if method != "GET":
                    with contextlib.suppress(_Unread):  # a success's body is not needed
                        _read_body(response, READ_LIMIT, timeout)
                    return b""
                if response.status_code not in (200, 204):
                    # a 206 Partial Content (or a 203 from a transforming proxy) is not the whole graph: a part of
                    # kg's list that ended on a line boundary was read as the list, and the push then overwrote
                    # the list with it. A 204 says the graph holds nothing, as a 200 with an empty body does.
                    raise _Unread(
                        f"it answered HTTP {response.status_code} {_printable(response.reason_phrase)}".rstrip()
                        + ", not 200 with the whole graph"
                    )
                raw, whole = _read_body(response, limit, timeout)
                if not whole:
                    if whole is None or len(raw) >= limit:
                        raise _TooLarge(f"its answer was larger than {limit // (1024 * 1024)} MiB")
                    raise _Unread(f"its answer had not ended after {timeout:g} s (--timeout)")
                return raw
        except httpx.HTTPError:
            if deadlines.upload_fired:
                raise _SlowUpload(deadlines.size, deadlines.upload_seconds(deadlines.size)) from None
            if deadlines.fired:
                raise httpx.ReadTimeout(f"no answer within {timeout:g} s (--timeout)") from None
            raise

    def failure(
        problem: _Refusal | BaseException, target: str, method: str, why: str | None, attempt: int, name: str | None
    ) -> str:
        tried = f" (tried {attempt + 1} times)" if attempt else ""
        if isinstance(problem, _BadChallenge):
            return (
                f"the endpoint asks for Digest authentication in a form kg cannot answer ({problem}) for {method} "
                f"{_safe_url(target)}; is --auth digest right for this server?"
            )
        if isinstance(problem, _OffOrigin) and not problem.followable:
            return (
                f"the endpoint redirected {method} {_safe_url(target)} to {problem.url!r}, which is no http(s) URL; "
                "nothing was sent there: is --endpoint right?"
            )
        if isinstance(problem, _OffOrigin):
            return (
                f"the endpoint redirected {method} {_safe_url(target)} to {_safe_url(problem.url)}; kg sends "
                "credentials and graphs only to the scheme, host and port of --endpoint, so nothing was sent "
                "there: if that is the server's address, give it as --endpoint?"
            )
        if isinstance(problem, _SlowUpload):
            return (
                f"the server took the upload of {_where(name)} too slowly: {problem.size // 1024} KiB not taken "
                f"within {problem.seconds:.0f} s (--timeout, and a second per {MIN_UPLOAD_RATE // 1024} KiB); not "
                "sent again. Over a link that slow, give a larger --timeout"
            )
        if isinstance(problem, httpx.TooManyRedirects):
            return f"the endpoint redirected {method} {_safe_url(target)} in a loop; is --endpoint right?"
        if isinstance(problem, _Refusal):
            if why is not None:
                return f"the endpoint kept failing: {why} for {method} {_safe_url(target)}{tried}"
            return _describe_refusal(problem, target, host, method, auth)
        if proxy is not None and isinstance(problem, httpx.ConnectError | httpx.ConnectTimeout):
            return (
                f"cannot reach {here} through the proxy {proxy}: {why or _reason(problem)}{tried}; is the proxy "
                f"running and right? (NO_PROXY={host} connects to the endpoint directly)"
            )
        if why is not None:
            return f"cannot reach {here}: {why}{tried}"
        untrusted = _untrusted(problem)
        if untrusted is not None:
            return (
                f"cannot reach {here}: its TLS certificate is not trusted ({untrusted}); nothing was sent. If this "
                "is your server, set SSL_CERT_FILE to a PEM file of its certificate (or of the authority that "
                "signed it)"
            )
        return f"cannot reach {here}: {_reason(problem)}; is the server running, and is --endpoint right?"

    def send(client: httpx.Client, method: str, name: str | None, body: bytes | None, left: Callable[[], str]):
        """One request, sent again after a transient failure; the answer's body, or None for a DELETE of a graph
        the server does not have (404). `left` says what holds on the server if it fails for good."""
        target = graph_url(endpoint, name)
        attempt = 0
        while True:
            try:
                answer: bytes | _Refusal | BaseException = exchange(client, method, target, body)
            except (httpx.HTTPError, _OffOrigin, _BadChallenge, _SlowUpload) as err:
                answer = err
            if isinstance(answer, bytes):
                return answer
            if method == "DELETE" and isinstance(answer, _Refusal) and answer.status in (404, 410):
                return None
            why = _transient(answer)
            if why is None or attempt >= retries:
                headline = failure(answer, target, method, why, attempt, name)
                if name is None and isinstance(answer, _Refusal) and answer.no_default_graph:
                    headline += (
                        "; the server has no default graph (like Virtuoso's Graph Store endpoint): push the facts to a "
                        f"named graph with --facts-graph IRI, e.g. --facts-graph {base}facts"
                    )
                said = f"\n    server said: {answer.said!r}" if isinstance(answer, _Refusal) and answer.said else ""
                message = headline.rstrip(".") + ("" if headline.endswith("?") else ".") + left() + said
                raise EndpointError(say(message)) from None
            # doubled up to MAX_RETRY_AFTER, as a server's Retry-After is: --retries 20 waited 6 days before its
            # last try, and from the 64th time.sleep's OverflowError ended the push in a traceback
            pause = max(retry_wait, min(retry_wait * 2.0**attempt, MAX_RETRY_AFTER))
            if isinstance(answer, _Refusal) and answer.retry_after is not None:
                pause = answer.retry_after
            attempt += 1
            if warn is not None:
                warn(
                    say(
                        f"{method} {_where(name)}: {why}; sending it again in {pause:g} s "
                        f"(retry {attempt} of {retries})"
                    )
                )
            time.sleep(pause)

    def clear_default(client: httpx.Client, digest: str) -> None:
        """The facts now went to a named graph, and an earlier push of this corpus put them in the server's default
        graph: that copy is deleted, so the facts are not there twice, but only if the default graph still holds
        exactly what kg put there (no other push or update replaced or changed it since); else it is left, and said."""
        where = _where(facts_graph)
        # what kg put there has the size of the facts it now sends to the named graph; a default graph much
        # larger than that is not kg's alone, and is not read whole
        facts = next((graph.triples for graph in graphs if graph.name is not None and graph.name == facts_graph), ())
        limit = max(LIST_LIMIT, 4 * len(ox.serialize(facts, format=ox.RdfFormat.N_TRIPLES)))
        try:
            answer = exchange(client, "GET", graph_url(endpoint, None), None, limit)
            now = triples_digest(ox.parse(answer, format=ox.RdfFormat.N_TRIPLES)) if isinstance(answer, bytes) else None
        except (httpx.HTTPError, _OffOrigin, _Unread, _BadChallenge, _SlowUpload, SyntaxError):
            now = None
        if now == digest:
            send(
                client,
                "DELETE",
                None,
                None,
                lambda: (
                    f" Every graph of the build was replaced; the facts an earlier push put in the default graph are "
                    f"still there beside {where}: run `kg push` again to remove them."
                ),
            )
            if report is not None:
                report(say(f"DELETE default graph: an earlier push put the facts there; they are now in {where}"))
        elif warn is not None:
            warn(
                say(
                    "an earlier push put the facts in the server's default graph, which no longer holds just those "
                    f"(another push or an update changed it since, or kg could not read it); left as it is beside "
                    f"{where}: clear the default graph yourself if those facts should go"
                )
            )

    def claim_facts_graph(client: httpx.Client) -> None:
        """A --facts-graph that no earlier push of this corpus sent may be another corpus's (a name outside every
        base, such as urn:x:facts, that both were given): one PUT would replace that corpus's facts, and its next
        push, its list naming the graph, would delete this one's. The graph is taken only if the server has no
        such graph, an empty one, or one holding just these facts; else nothing is sent."""
        facts = next((graph.triples for graph in graphs if graph.name == facts_graph), ())
        limit = max(LIST_LIMIT, 4 * len(ox.serialize(facts, format=ox.RdfFormat.N_TRIPLES)))
        large = ""  # a graph too large to read is not empty, nor these facts (their size is a quarter of the bound)
        try:
            answer = exchange(client, "GET", graph_url(endpoint, facts_graph), None, limit)
            held = list(ox.parse(answer, format=ox.RdfFormat.N_TRIPLES)) if isinstance(answer, bytes) else None
        except _TooLarge as err:
            answer, held, large = err, None, f"more than {limit // (1024 * 1024)} MiB of triples"
        except (httpx.HTTPError, _OffOrigin, _Unread, _BadChallenge, _SlowUpload, SyntaxError) as err:
            answer, held = err, None
        if isinstance(answer, _Refusal) and answer.status in (404, 410):
            return  # no such graph: nothing to lose
        if held is None and not large:
            if warn is not None:
                warn(
                    say(
                        f"cannot check whether {_where(facts_graph)} already holds another corpus's facts (GET of it "
                        "failed); it is replaced"
                    )
                )
            return
        if held is not None and (not held or triples_digest(held) == triples_digest(facts)):
            return
        example = next((t.subject.value for t in held or () if isinstance(t.subject, ox.NamedNode)), None)
        raise EndpointError(
            say(
                f"--facts-graph {facts_graph}: the server already has this graph, with "
                f"{large or f'{len(held or ()):,} triples'} "
                f"no earlier push of this corpus put there (kg's list <{listed}> does not name it)"
                + (f", such as facts about <{example}>" if example else "")
                + ": another corpus's facts graph? One PUT would replace them, and that corpus's next push would "
                f"delete this one's. Give this corpus a facts graph of its own (such as --facts-graph {base}facts), "
                "or delete that graph first if its triples may go. Nothing was sent."
            )
        )

    done: list[tuple[str | None, int]] = []
    proxy: str | None = None
    with _client(url, timeout, login, auth) as client:
        proxy = _proxy_of(client, url)
        if login is not None and parts.scheme == "http" and auth == "basic" and not is_loopback(host) and warn:
            # said before the first request: Basic sends the password itself, readable by anyone on the way
            warn(
                f"the password goes to {_safe_url(here)} unencrypted (http://, Basic authentication): anyone on the "
                "network between can read it; give an https:// --endpoint, or --auth digest if the server offers it"
            )
        # what kg pushed before for this base, from its list on the server; a server that cannot say (no GET, a
        # failure) keeps every graph, and the list is then left as it is (a server that is down fails on the
        # first PUT, as before)
        before: set[str] | None = set()
        unread = ""
        try:
            answer = exchange(client, "GET", graph_url(endpoint, listed), None)
        except _OffOrigin as err:
            answer = err
            before, unread = None, f"redirected to {_safe_url(err.url)}, where kg sends nothing"
        except (_Unread, _BadChallenge, _SlowUpload) as err:
            answer = err
            before, unread = None, str(err)
        except httpx.HTTPError as err:
            answer = err
            before, unread = None, _transient(err) or _reason(err)
        pushed_default: str | None = None  # digest of the facts an earlier push put in the default graph
        members: set[str] = set()
        recorded: set[str] = set()
        if isinstance(answer, bytes):
            try:
                members, recorded, pushed_default = _read_list(answer)
            except SyntaxError as err:
                # an answer kg cannot read as N-Triples (Turtle from a server that ignores Accept, N-Quads, a body
                # cut short) was taken for an empty list: the list was then overwritten with this build's graphs
                # only, and a graph of a source removed earlier was never deleted by any push, without a word
                members, recorded, pushed_default = set(), set(), None
                before, unread = None, f"its answer is not N-Triples kg can read ({_cut(str(err), 160)})"
            # only what this corpus owns may go: its names under its base and the facts graph it recorded itself,
            # never another name a list holds (another corpus's graph that a crafted --facts-graph once took)
            # a name with . or .. segments is never one kg pushed (both options refuse them), and a server may
            # resolve <BASE../other/graph/x> to another corpus's graph; nor is one with a control character or
            # a space (printed, its escape sequences removed, it looked like another graph): never deleted
            if before is not None:
                recorded = {name for name in recorded if _may_be_ours(name)}
                before = {name for name in members if (name.startswith(base) or name in recorded)}
                before = {name for name in before if _may_be_ours(name) and not _another_corpus(name, base)}
        elif isinstance(answer, _Refusal) and answer.status != 404:
            before, unread = None, f"HTTP {answer.status} {answer.reason}".rstrip()
        if facts_graph is not None and before is not None and facts_graph not in members | recorded:
            claim_facts_graph(client)
        for graph in graphs:
            body = ox.serialize(graph.triples, format=ox.RdfFormat.N_TRIPLES)
            send(client, "PUT", graph.name, body, lambda graph=graph: _partial(done, graphs, graph))
            done.append((graph.name, len(graph.triples)))
            if report is not None:
                report(say(f"PUT {_where(graph.name).removeprefix('the ')}: {len(graph.triples)} triples"))
        if before is None:
            if warn is not None:
                warn(
                    say(
                        f"cannot read kg's list of the graphs it pushed before (GET "
                        f"{_safe_url(graph_url(endpoint, listed))}: {unread}); graphs of sources no longer in the "
                        "build, if any, were not removed"
                    )
                )
            return done
        current = sorted(graph.name for graph in graphs if graph.name is not None)
        stale = sorted(before - set(current) - {listed})
        if len(stale) > len(graphs) + DELETES_BEYOND_THE_BUILD:
            # a list kg wrote names at most what earlier pushes sent; one naming far more than the build holds
            # (up to 400,000 in its 64 MiB) would cost a DELETE each, each allowed --timeout: a server could hold
            # the push for days. Nothing is deleted, and the new list names this build's graphs only.
            if warn is not None:
                warn(
                    say(
                        f"kg's list on the server names {len(stale):,} graphs of this base no longer in the build, "
                        f"more than a push removes (the build's {len(graphs):,} graphs and "
                        f"{DELETES_BEYOND_THE_BUILD:,} more): none was deleted, and the new list names this build's "
                        "graphs only. If kg did push them, delete them by hand"
                    )
                )
            stale = []
        for name in stale:
            send(
                client,
                "DELETE",
                name,
                None,
                lambda name=name: (
                    f" Every graph of the build was replaced; <{name}> is still there: run `kg push` again to "
                    "remove it."
                ),
            )
            if report is not None:
                report(say(f"DELETE <{name}>: no longer in the build"))
        default = next((graph for graph in graphs if graph.name is None), None)
        if default is None and pushed_default is not None:
            clear_default(client, pushed_default)
        listing = "".join(f"<{listed}> <{_MEMBER}> <{name}> .\n" for name in current)
        if default is not None:
            listing += f'<{listed}> <{_DEFAULT_DIGEST}> "{triples_digest(default.triples)}" .\n'
        if facts_graph is not None and facts_graph in current:
            listing += f"<{listed}> <{_FACTS_GRAPH}> <{facts_graph}> .\n"
        listing = listing.encode("utf-8")
        send(
            client,
            "PUT",
            listed,
            listing,
            lambda: " Every graph of the build was replaced, but kg's list of them was not: run `kg push` again.",
        )
    return done


def _describe_refusal(refusal: _Refusal, url: str, host: str, method: str = "PUT", auth: str = "basic") -> str:
    what = "upload" if method == "PUT" else "request"
    text = f"the endpoint refused the {what}: HTTP {refusal.status} {refusal.reason}".rstrip()
    text += f" for {method} {_safe_url(url)}"
    if refusal.status in (401, 403):
        text += (
            f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or add `machine {host} login ... password ...` to "
            "~/.netrc, with a user allowed to write"
        )
        asked = refusal.challenge.lower()
        if refusal.status == 401 and asked in ("basic", "digest") and asked != auth:
            text += f"; the server asks for {refusal.challenge} authentication: add --auth {asked}"
    elif refusal.status in (404, 405):
        text += "; is --endpoint the server's Graph Store Protocol URL (Oxigraph: /store, Fuseki: /DATASET/data)?"
    return text


def triples_digest(triples: Iterable[ox.Triple]) -> str:
    """The SHA-256 of a graph's triples, whatever their order or repetition (a server answers in its own order)."""
    lines = sorted({_canonical(triple) for triple in triples})
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {
    _XSD + name
    for name in [
        "decimal",
        "integer",
        "double",
        "float",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}


def _canonical(triple: ox.Triple) -> str:
    """A triple as text, with a number in one form whatever the server made of it (Oxigraph stores the decimal
    588900000000.0 as 588900000000): the digest must tell kg's facts from changed ones, not from their spelling."""
    obj = triple.object
    if isinstance(obj, ox.Literal) and obj.datatype.value in _NUMBERS:
        with contextlib.suppress(decimal.InvalidOperation, ValueError):
            number = decimal.Decimal(obj.value.strip())
            return f"{triple.subject} {triple.predicate} {format(number.normalize(), 'f')}^^{obj.datatype}"
    return str(triple)


def _read_list(text: bytes) -> tuple[set[str], set[str], str | None]:
    """kg's list on the server: the graphs it names, the facts graph it recorded, and the digest of the default
    graph an earlier push put there (None: it put none). Raises SyntaxError for an answer that is not N-Triples
    kg can read whole: taking it for an empty list would forget every graph pushed before."""
    members: set[str] = set()
    recorded: set[str] = set()
    digest: str | None = None
    for triple in ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True):
        predicate, obj = triple.predicate.value, triple.object
        if predicate == _MEMBER and isinstance(obj, ox.NamedNode):
            members.add(obj.value)
        elif predicate == _FACTS_GRAPH and isinstance(obj, ox.NamedNode):
            recorded.add(obj.value)
        elif predicate == _DEFAULT_DIGEST and isinstance(obj, ox.Literal) and digest is None:
            digest = obj.value
    return members, recorded, digest
