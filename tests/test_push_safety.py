"""`kg push` where a server, or another corpus on it, works against it (issue 21): credentials never leave the
endpoint's own scheme, host and port on a redirect; nothing a server sends is printed with a password in any form
or with a terminal escape sequence; two corpora with their own bases share one triple store without deleting each
other's graphs; a facts graph may not take the name of kg's list or of an article's graph; malformed endpoints
are refused cleanly. Real servers on 127.0.0.1: `oxigraph serve`, and small HTTP servers written here."""

from __future__ import annotations

import base64
import contextlib
import html
import http.server
import json
import os
import shutil
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from kg import DEFAULT_BASE
from kg.serve import push as kg_push
from tests.conftest import run_kg, serving
from tests.test_push import (
    ARTICLE_GRAPH,
    NO_PROXY,
    ONTOLOGY_GRAPH,
    expected_counts,
    oxigraph_server,
    server_counts,
)

PASSWORD = 'pa ss"wörd/+%&<x>'
ENV = {kg_push.USER_VARIABLE: "analyst", kg_push.PASSWORD_VARIABLE: PASSWORD, "NETRC": "/nonexistent"}
TOKEN = base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Records every request (method, path, Host, Authorization), then answers as `server.answer(handler)` says."""

    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        with self.server.lock:
            self.server.seen.append(
                (self.command, self.path, self.headers.get("Host"), self.headers.get("Authorization"))
            )
        status, reason, headers, content = self.server.answer(self, body)
        self.send_response_only(status, reason)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_PUT = do_DELETE = _handle

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


def scripted(answer) -> _Server:
    server = _Server(("127.0.0.1", 0), _Scripted)
    server.seen, server.lock, server.answer = [], threading.Lock(), answer
    return server


def _ok(handler, body):
    if handler.command == "GET":
        return 404, "Not Found", {}, b""
    return 204, "No Content", {}, b""


def push(build, url: str, *more: str, env: dict | None = None):
    return run_kg("push", "--build", str(build), "--endpoint", url, "--retry-wait", "0.05", *more, env=env or ENV)


# ---------------------------------------------------------------------------------------------------------------
# 4. credentials stay with the endpoint's origin


def test_a_redirect_to_another_origin_gets_neither_credentials_nor_graphs(shipped_build):
    """The endpoint redirects the read of kg's list to another port, then (second push) every PUT to another host
    name of the same server: nothing reaches the other origin, the push says why; a redirect within the origin
    is followed, with the credentials."""
    elsewhere = scripted(_ok)
    with serving(elsewhere):
        other = f"http://127.0.0.1:{elsewhere.server_address[1]}"

        def home_answer(handler, body):
            if handler.headers.get("Host", "").startswith("localhost"):
                return 204, "No Content", {}, b""  # the same server under another name: another origin
            if handler.command == "GET":  # kg's list: "it is over there" (urllib used to follow with the password)
                return 302, "Found", {"Location": other + handler.path}, b""
            if handler.path.startswith("/old/"):  # moved within the origin: followed, credentials kept
                return 308, "Permanent Redirect", {"Location": handler.path.removeprefix("/old")}, b""
            if handler.server.refer_put:
                port = handler.server.server_address[1]
                return 307, "Temporary Redirect", {"Location": f"http://localhost:{port}{handler.path}"}, b""
            return 204, "No Content", {}, b""

        home = scripted(home_answer)
        home.refer_put = False
        with serving(home):
            port = home.server_address[1]
            first = push(shipped_build, f"http://127.0.0.1:{port}/old/store")
            assert first.returncode == 0, first.stderr
            quoted = urllib.parse.quote(kg_push.PUSHED_GRAPH, safe="")
            assert first.stderr == (
                f"kg: cannot read kg's list of the graphs it pushed before (GET http://127.0.0.1:{port}/old/store?graph="
                f"{quoted}: redirected to {other}/old/store?graph={quoted}, where kg sends nothing); graphs of sources no "
                "longer in the build, if any, were not removed\n"
            )
            puts = [(method, path.split("?")[0], auth) for method, path, _, auth in home.seen if method == "PUT"]
            assert puts == [("PUT", "/old/store", "Basic " + TOKEN), ("PUT", "/store", "Basic " + TOKEN)] * 3

            home.refer_put, home.seen[:] = True, []
            second = push(shipped_build, f"http://127.0.0.1:{port}/store")
            assert second.returncode == 2
            assert second.stderr == (
                f"kg: error: the endpoint redirected PUT http://127.0.0.1:{port}/store?default to "
                f"http://localhost:{port}/store?default; kg sends credentials and graphs only to the scheme, host and "
                "port of --endpoint, so nothing was sent there: if that is the server's address, give it as "
                "--endpoint? No graph was changed.\n"
            )
            assert [host for _, _, host, _ in home.seen] == [f"127.0.0.1:{port}"] * 2  # the GET and one PUT
        assert elsewhere.seen == []
    assert PASSWORD not in first.stderr + second.stderr and TOKEN not in first.stderr + second.stderr


# ---------------------------------------------------------------------------------------------------------------
# 5. what a server says is printed without credentials and without terminal escape sequences


ECHOES = [
    PASSWORD,
    urllib.parse.quote_plus(PASSWORD),
    urllib.parse.quote(PASSWORD, safe="").lower(),
    base64.b64encode(PASSWORD.encode()).decode(),
    html.escape(PASSWORD),
    json.dumps(PASSWORD),
    TOKEN,
]
# 8-bit CSI, OSC setting the window title, CSI colour, a bidirectional override, a bell, a backspace
HOSTILE = "\x9b2J \x1b]0;owned\x07 \x1b[31mred\x1b[0m \u202eevil \x07\x08"


@pytest.mark.parametrize(
    "location", ["data:text/plain,hello", "javascript:alert(1)", "file:///etc/passwd", "/store?x=\x1b[31mred"]
)
def test_a_redirect_to_no_http_url_is_refused_cleanly(shipped_build, location):
    """A redirect to `data:` or `javascript:` made httpx raise InvalidURL, which is no HTTPError: kg push ended in
    a traceback (exit 1). Every redirect is now looked at before it is followed; none of these is."""

    def answer(handler, body):
        if handler.command == "GET":
            return 404, "Not Found", {}, b""
        return 302, "Found", {"Location": location}, b""

    server = scripted(answer)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    assert (
        result.stderr.startswith("kg: error: the endpoint redirected PUT ") and "No graph was changed." in result.stderr
    )
    assert [method for method, *_ in server.seen] == ["GET", "PUT"]


def _echo(handler, body):
    if handler.command == "GET":
        return 404, "Not Found", {}, b""
    # the password at the place the old code cut the text (200 characters), then in every form a page may hold
    page = "x" * 195 + " | ".join(ECHOES) + HOSTILE
    return 401, "Unauthorized \x9b31m", {"Content-Type": "text/plain; charset=utf-8"}, page.encode()


def test_an_echoed_password_and_escape_sequences_are_not_printed(shipped_build):
    server = scripted(_echo)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 2
    printed = result.stdout + result.stderr
    assert "HTTP 401 Unauthorized 31m for PUT" in printed and "server said: 'xxxxx" in printed
    for form in ECHOES:
        assert form not in printed
    assert PASSWORD[:5] not in printed  # not even the part left where a cut once fell
    for code in ("\x1b", "\x9b", "\x07", "\x08", "\u202e", "owned\x07"):
        assert code not in printed
    assert "red" in printed and "evil" in printed  # the words stay, their effects go


# the second review's forms: escapes a server may echo a password in that the exact forms did not catch
UMLAUT_PASSWORD = "pässwörd=1"
UMLAUT_TOKEN = base64.b64encode(f"analyst:{UMLAUT_PASSWORD}".encode()).decode()
ESCAPED_ECHOES = {
    "JSON escapes, upper-case hex": r"p\u00E4ssw\u00F6rd\u003D1",
    "JSON escapes of every character": "".join(f"\\u{ord(c):04x}" for c in UMLAUT_PASSWORD),
    "hex": UMLAUT_PASSWORD.encode().hex(),
    "upper-case hex": UMLAUT_PASSWORD.encode().hex().upper(),
    "upper-case base64 of user:password": UMLAUT_TOKEN.upper(),
    "lower-case base64 of user:password": UMLAUT_TOKEN.lower(),
    "HTML entities in plain text": "p&auml;ssw&ouml;rd&#61;1",
    "mixed-case percent-encoding": "p%C3%a4ssw%c3%B6rd%3d1",
    "a surrogate pair": r"p\uD83D\uDE00ss",
}


@pytest.mark.parametrize("why", list(ESCAPED_ECHOES))
def test_a_password_echoed_in_an_escaped_form_is_not_printed(why):
    password = "p\U0001f600ss" if "surrogate" in why else UMLAUT_PASSWORD
    secrets = kg_push._secret_forms(("analyst", password))
    echo = ESCAPED_ECHOES[why]
    said = kg_push.server_text(f"denied: {echo} (try again)".encode(), "text/plain", secrets)
    assert said == "denied: *** (try again)", said


def test_a_password_echoed_in_escaped_forms_by_a_server_is_not_printed(shipped_build):
    def answer(handler, body):
        if handler.command == "GET":
            return 404, "Not Found", {}, b""
        page = json.dumps({"error": " | ".join(v for k, v in ESCAPED_ECHOES.items() if "surrogate" not in k)})
        return 401, "Unauthorized", {"Content-Type": "application/json"}, page.encode()

    server = scripted(answer)
    env = {**ENV, kg_push.PASSWORD_VARIABLE: UMLAUT_PASSWORD}
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", env=env)
    assert result.returncode == 2
    printed = result.stdout + result.stderr
    assert "HTTP 401 Unauthorized" in printed and "error" in printed
    for why, form in ESCAPED_ECHOES.items():
        assert form not in printed and json.dumps(form)[1:-1] not in printed, why
    assert "ssw" not in printed.split("server said:")[1].lower()


def test_a_status_line_with_an_escape_sequence_is_not_printed(shipped_build):
    class Raw(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))  # all of it: else a reset races the answer
            # an HTTP/1.1 answer says it closes the connection, as this one-request-a-connection handler does; without
            # it the client may reuse the connection for the PUT just as the server closes it (seen under load)
            self.wfile.write(b"HTTP/1.1 404 \x1b]0;owned\x07\x1b[2J\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        do_PUT = do_GET

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", 0), Raw)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--retries", "0")
    assert result.returncode == 2
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stderr
    assert result.stderr.startswith(
        f"kg: error: the endpoint refused the upload: HTTP 404 for PUT http://127.0.0.1:{server.server_address[1]}/"
    )
    assert "Traceback" not in result.stderr


def test_the_servers_reason_is_shown_in_full(shipped_build):
    """Virtuoso says why it refused after a long preamble; the old code cut the text at 200 characters, before it."""
    reason = "Error 22023: The graph store is not configured to have default graph"

    def virtuoso(handler, body):
        if handler.command == "GET":
            return 404, "Not Found", {}, b""
        page = "<html><head><title>Error</title><style>p{}</style></head><body><h3>Virtuoso 22023 Error</h3>"
        page += "<p>" + "SR601: the request could not be completed. " * 6 + f"</p><pre>{reason}</pre></body></html>"
        return 500, "Internal Server Error", {"Content-Type": "text/html"}, page.encode()

    server = scripted(virtuoso)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 2
    said = result.stderr.splitlines()[-1]
    assert said.startswith("    server said: 'Virtuoso 22023 Error SR601: the request could not be completed.")
    assert said.endswith(f"{reason}'")
    assert "<" not in said and "p{}" not in said


@pytest.mark.parametrize(
    ("status", "reason", "content_type", "page"),
    [
        (  # Virtuoso 7's /sparql-graph-crud, as text
            400,
            "Bad Request",
            "text/plain",
            'Virtuoso 22023 Error SR601: The request contains "default" param but the endpoint is not configured '
            "to have default graph\n\nSPARQL query:\n...",
        ),
        (  # an error page, the sentence broken over lines and set in other case
            500,
            "Internal Server Error",
            "text/html; charset=utf-8",
            "<html><body><h3>Error 22023</h3><p>"
            + "SR601: the request could not be completed. " * 60
            + 'The URI contains "default" param but the endpoint is NOT configured\n   to have <b>default</b>  graph'
            "</p></body></html>",
        ),
    ],
    ids=["text", "html-page"],
)
def test_a_server_without_a_default_graph_gets_the_facts_graph_advice(
    shipped_build, status, reason, content_type, page
):
    """Issue 22 item 1: Virtuoso's Graph Store endpoint has no default graph and refuses the first PUT, that of the
    facts (?default); kg says to put the facts in a named graph with --facts-graph, and the push so advised works."""

    def virtuoso(handler, body):
        if handler.command == "GET":
            return 404, "Not Found", {}, b""
        if handler.path.endswith("?default"):
            return status, reason, {"Content-Type": content_type}, page.encode()
        return 201, "Created", {}, b""

    server = scripted(virtuoso)
    with serving(server):
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud"
        result = push(shipped_build, url)
        assert result.returncode == 2
        headline, said = result.stderr.splitlines()
        assert headline == (
            f"kg: error: the endpoint refused the upload: HTTP {status} {reason} for PUT {url}?default; the server "
            "has no default graph (like Virtuoso's Graph Store endpoint): push the facts to a named graph with "
            f"--facts-graph IRI, e.g. --facts-graph {DEFAULT_BASE}facts. No graph was changed."
        )
        assert said.startswith("    server said: ") and "Traceback" not in result.stderr
        assert [method for method, *_ in server.seen] == ["GET", "PUT"]

        advised = push(shipped_build, url, "--facts-graph", f"{DEFAULT_BASE}facts")
        assert advised.returncode == 0, advised.stderr
        assert not any(path.endswith("?default") for _, path, *_ in server.seen[2:])


# ---------------------------------------------------------------------------------------------------------------
# 7. corpora with their own bases share a triple store


def _corpus(tmp_path, name: str, *build_options: str):
    data, build = tmp_path / name / "data", tmp_path / name / "build"
    synth = run_kg("synth", "--statements", "80", "--per-article", "40", "--out", str(data))
    assert synth.returncode == 0, synth.stderr
    built = run_kg("build", "--data", str(data), "--out", str(build), "--formats", "nquads", *build_options)
    assert built.returncode == 0, built.stderr
    return data, build


def test_two_corpora_share_a_server_without_deleting_each_others_graphs(tmp_path):
    """Team A (default base) and team B (its own base), each with its own facts graph, push to one server; B
    removes an article and pushes again: B's article graph goes, every graph of A stays. Each corpus has its own
    list of what it pushed."""
    b_base = "https://b.example.org/kg/"
    _, build_a = _corpus(tmp_path, "a")
    data_b, build_b = _corpus(tmp_path, "b", "--base", b_base)
    facts_a, facts_b = "https://a.example.org/facts", "https://b.example.org/facts"
    counts_a = {facts_a if n == "default" else n: c for n, c in expected_counts(build_a, "kg.nq").items()}
    counts_b = {facts_b if n == "default" else n: c for n, c in expected_counts(build_b, "kg.nq").items()}
    # each corpus's ontology in a graph of its own, under its base (the default base's is ONTOLOGY_GRAPH)
    counts_b[kg_push.ontology_graph(b_base)] = counts_b.pop(ONTOLOGY_GRAPH)
    own_a = {n: c for n, c in counts_a.items() if n != ONTOLOGY_GRAPH}
    list_a, list_b = kg_push.list_graph(DEFAULT_BASE), kg_push.list_graph(b_base)
    assert (list_a, list_b) == ("https://kg.example.org/pushed", "https://b.example.org/kg/pushed")
    with oxigraph_server(tmp_path) as (port, _):
        url = f"http://127.0.0.1:{port}/store"
        assert push(build_a, url, "--facts-graph", facts_a).returncode == 0
        pushed_b = push(build_b, url, "--facts-graph", facts_b, "--base", b_base)
        assert pushed_b.returncode == 0, pushed_b.stderr
        both = counts_a | counts_b | {list_a: len(counts_a) + 1, list_b: len(counts_b) + 1}  # + its facts graph
        assert server_counts(port) == both

        removed = sorted(n for n in counts_b if n.startswith(b_base + "graph/"))[-1]
        slug = removed.rsplit("/", 1)[1]
        (data_b / "articles" / f"{slug}.md").unlink()
        (data_b / "facts" / f"{slug}.yaml").unlink()
        built = run_kg("build", "--data", str(data_b), "--out", str(build_b), "--formats", "nquads", "--base", b_base)
        assert built.returncode == 0, built.stderr
        again = push(build_b, url, "--facts-graph", facts_b, "--base", b_base)
        assert again.returncode == 0, again.stderr
        assert [line for line in again.stdout.splitlines() if line.startswith("DELETE")] == [
            f"DELETE <{removed}>: no longer in the build"
        ]
        found = server_counts(port)
        assert {n: found.get(n) for n in own_a} == own_a  # team A's facts and articles, all there
        assert removed not in found and found[list_b] == len(counts_b) and found[list_a] == len(counts_a) + 1

        # B pushing without its base is refused before anything is sent: it would read A's list
        wrong = push(build_b, url, "--facts-graph", facts_b)
        assert wrong.returncode == 2
        assert wrong.stderr.startswith(f"kg: error: --base {DEFAULT_BASE}: the build's graph <{b_base}graph/")
        assert wrong.stderr.endswith(f"is not under it; push with the base the build was made with: --base {b_base}\n")
        assert server_counts(port) == found


@pytest.mark.parametrize(
    ("graph", "why"),
    [
        ("https://kg.example.org/pushed", "this is where kg lists the graphs it pushed for --base "),
        (ARTICLE_GRAPH, "the dataset already has a graph with this name"),
        ("https://kg.example.org/graph/a-later-article", "names under https://kg.example.org/graph/ are the articles'"),
    ],
)
def test_a_facts_graph_may_not_take_the_name_of_kgs_list_or_an_article(shipped_build, graph, why):
    server = scripted(_ok)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--facts-graph", graph)
    assert result.returncode == 2
    assert result.stderr.startswith(f"kg: error: --facts-graph {graph}: {why}")
    assert server.seen == []  # refused before anything was sent


# ---------------------------------------------------------------------------------------------------------------
# malformed endpoints: a clean message and exit 2, never a traceback


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://" + "a" * 64 + ".example/store", "is not a host name (each part between dots has 1 to 63"),
        ("http://[::1/store", "not a usable URL (Invalid IPv6 URL)"),
        ("http://127.0.0.1:99999/store", "not a usable URL (Port out of range 0-65535)"),
        ("http://127.0.0.1:0/store", "a port is a number from 1 to 65535"),
        ("http://127.0.0.1:x/store", "not a usable URL (Port could not be cast to integer value as 'x')"),
        ("http://[::1]x/store", "an IPv6 address goes in brackets, then :PORT if any"),
        ("http://ex ample/store", "a URL has no spaces or control characters"),
        ("http://" + "abc." * 64 + "org/store", "is not a host name"),
        ("http://xn--a.example/store", "not a usable URL (Codepoint U+0080"),  # fourth review: an IDNA traceback
    ],
)
def test_a_malformed_endpoint_is_refused_cleanly(shipped_build, url, why):
    result = push(shipped_build, url)
    assert result.returncode == 2
    assert result.stderr.startswith(f"kg: error: --endpoint {url!r}: ")
    assert why in result.stderr.splitlines()[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://alice:S3cretPW@127.0.0.1:99999/store",
        "ftp://alice:S3cretPW@127.0.0.1/store",
        "http://alice:S3cretPW@127.0.0.1/store x",
        "http://alice:S3cretPW@[::1/store",
        "http://alice:S3cretPW@127.0.0.1:x/store?key=T0kenValue",
        "http:alice:S3cretPW@127.0.0.1/store",
        "http://127.0.0.1:0/store?key=T0kenValue",
    ],
)
def test_a_malformed_endpoint_is_refused_without_showing_its_password(shipped_build, url):
    """A password (or a key) in an --endpoint refused for another fault was printed with it (four of these
    showed `alice:S3cretPW`): a CI log keeps it. Now the message shows *** in its place, and still the rest."""
    result = push(shipped_build, url)
    assert result.returncode == 2
    assert "S3cretPW" not in result.stderr and "T0kenValue" not in result.stderr, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("kg: error: --endpoint ") and "***" in first and ("127.0.0.1" in first or "::1" in first)
    assert "Traceback" not in result.stderr


def test_the_endpoint_printed_at_the_end_hides_its_key(shipped_build):
    server = scripted(_ok)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store?key=topsecret")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(f"to http://127.0.0.1:{server.server_address[1]}/store?key=***\n")
    assert "topsecret" not in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------------------------
# issue 22: HTTP Digest authentication (Virtuoso's /sparql-graph-crud-auth)


class _Digest(http.server.BaseHTTPRequestHandler):
    """A Graph Store endpoint that demands Digest authentication (RFC 7616, MD5, qop=auth), as Virtuoso's
    /sparql-graph-crud-auth does; checks each answer itself (hashlib), not with the client's code."""

    protocol_version = "HTTP/1.1"
    realm, nonce = "SPARQL", "dcd98b7102dd2f0e8b11d0f600bfb0c093"

    def _handle(self) -> None:
        import hashlib
        import re

        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        header = self.headers.get("Authorization", "")
        self.server.seen.append(header)
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.removeprefix("Digest ")))

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5(f"analyst:{self.realm}:{PASSWORD}")
        ha2 = md5(f"{self.command}:{fields.get('uri', '')}")
        expected = md5(":".join([ha1, self.nonce, fields.get("nc", ""), fields.get("cnonce", ""), "auth", ha2]))
        good = (
            header.startswith("Digest ")
            and fields.get("username") == "analyst"
            and fields.get("uri") == self.path
            and fields.get("response") == expected
        )
        if good:
            status = 404 if self.command == "GET" else 204
            self.send_response(status)
        else:
            self.send_response(401)
            self.send_header(
                "WWW-Authenticate", f'Digest realm="{self.realm}", nonce="{self.nonce}", qop="auth", algorithm="MD5"'
            )
        self.send_header("Content-Length", "0")
        self.end_headers()
        if good and self.command == "PUT":
            self.server.accepted += 1

    do_GET = do_PUT = do_DELETE = _handle

    def log_message(self, *args) -> None:
        pass


def test_digest_authentication(shipped_build):
    server = _Server(("127.0.0.1", 0), _Digest)
    server.seen, server.accepted = [], 0
    with serving(server):
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql-graph-crud-auth"
        basic = push(shipped_build, url)
        assert basic.returncode == 2
        assert basic.stderr.startswith("kg: error: the endpoint refused the upload: HTTP 401 Unauthorized for PUT")
        assert "the server asks for Digest authentication: add --auth digest. No graph was changed." in basic.stderr

        server.seen[:] = []
        digest = push(shipped_build, url, "--auth", "digest")
        assert digest.returncode == 0, digest.stderr
        assert server.accepted == 4  # three graphs and kg's list of them
        assert all(not header.startswith("Basic") for header in server.seen)
        assert not any(PASSWORD in header or TOKEN in header for header in server.seen)
    assert PASSWORD not in basic.stderr + digest.stderr + digest.stdout


@pytest.mark.parametrize(
    "challenge",
    [
        'Digest realm="\x1b]0;owned\x07", nonce="y", algorithm=FOO',
        'Digest realm="x", nonce="y", qop="auth-int"',
        'Digest ,,,=,"',
        'Digest realm="x"',
    ],
)
def test_a_digest_challenge_kg_cannot_answer_is_a_message(shipped_build, challenge):
    """httpx's Digest authentication raised KeyError (an unknown algorithm), NotImplementedError (qop auth-int)
    and ValueError (a challenge that does not parse): kg push ended in a traceback, exit 1. Now exit 2, saying
    so; nothing of the challenge reaches the terminal as an escape sequence."""

    def answer(handler, body):
        return 401, "Unauthorized", {"WWW-Authenticate": challenge}, b""

    server = scripted(answer)
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--auth", "digest")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.startswith("kg: error: the endpoint asks for Digest authentication in a form kg cannot ")
    assert "No graph was changed." in result.stderr


@pytest.mark.parametrize(
    "variable, value",
    [
        ("ALL_PROXY", "socks5://proxyuser:pr0xyPW@127.0.0.1:1080"),
        ("HTTP_PROXY", "foo://proxyuser:pr0xyPW@127.0.0.1:3128"),
        ("http_proxy", "http://proxyuser:pr0xyPW@[::1"),
        ("HTTP_PROXY", ":::"),
    ],
)
def test_a_proxy_kg_cannot_use_is_a_message(shipped_build, variable, value):
    """A proxy variable httpx cannot use made kg push end in a traceback (exit 1): a SOCKS proxy without httpx's
    socks extra (ImportError), another scheme (ValueError), a URL that does not parse (InvalidURL). Now exit 2
    naming the variable, with the proxy's password hidden. (Proxies apply to remote endpoints only.)"""
    env = {name: text for name, text in os.environ.items() if not name.lower().endswith("_proxy")}
    env.update(ENV)
    env[variable] = value
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "push",
            "--build",
            str(shipped_build),
            "--endpoint",
            "http://kg-test.invalid/store",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "pr0xyPW" not in result.stderr
    assert result.stderr.startswith("kg: error: cannot use the proxy the environment gives for kg-test.invalid")
    assert f"{variable}=" in result.stderr


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_that_refuses_the_connection_is_named(shipped_build, variable):
    """A proxy from the environment that refuses the connection was not named: "cannot reach
    http://kg-test.invalid: Connection refused; is the server running, and is --endpoint right?", for a server
    kg never reached. Now the proxy is named (its password not shown), with how to go around it."""
    with socket.socket() as probe:  # a port of this machine where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {name: text for name, text in os.environ.items() if not name.lower().endswith("_proxy")}
    env.update(ENV)
    env[variable] = f"http://proxyuser:pr0xyPW@127.0.0.1:{port}"
    command = ["push", "--build", str(shipped_build), "--endpoint", "http://kg-test.invalid/store", "--retries", "0"]
    result = subprocess.run(
        [sys.executable, "-m", "kg", *command], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "pr0xyPW" not in result.stderr and "proxyuser" not in result.stderr
    said = f"\nkg: error: cannot reach http://kg-test.invalid through the proxy http://127.0.0.1:{port} ({variable}): "
    assert said in "\n" + result.stderr, result.stderr
    assert "NO_PROXY=kg-test.invalid" in result.stderr and "is the server running" not in result.stderr


def test_a_netrc_file_not_in_utf8_is_a_message(shipped_build, tmp_path):
    """A netrc file saved in Latin-1 (a password with an umlaut) made kg push end in a UnicodeDecodeError
    traceback (exit 1). Now exit 2 naming the file, and nothing of its content."""
    saved = tmp_path / "netrc"
    saved.write_bytes("machine 127.0.0.1 login analyst password Gep\u00e4ckT\u00fcr\n".encode("latin-1"))
    saved.chmod(0o600)
    result = run_kg(
        "push", "--build", str(shipped_build), "--endpoint", "http://127.0.0.1:9/store", env={"NETRC": str(saved)}
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"kg: error: {saved}: cannot read the netrc file (it is not UTF-8 text; save it as UTF-8)\n"


def test_a_user_name_with_a_line_break_is_refused_before_anything_is_sent(shipped_build):
    """KG_PUSH_USER with a line break (pasted with its newline), under --auth digest: httpx refused the header
    and kg printed its whole value, with the Digest response computed from the password (open to guessing it
    offline, from a CI log). Now it is refused up front, naming the variable only."""

    def answer(handler, body):
        if handler.headers.get("Authorization", "").startswith("Digest"):
            return 204, "No Content", {}, b""
        return 401, "Unauthorized", {"WWW-Authenticate": 'Digest realm="kg", nonce="abc", qop="auth"'}, b""

    server = scripted(answer)
    env = {**ENV, kg_push.USER_VARIABLE: "analyst\r\n"}
    with serving(server):
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--auth", "digest", env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"kg: error: {kg_push.USER_VARIABLE}: the user name holds a line break or another control character; "
        "remove it\n"
    )
    assert server.seen == []


def test_a_redirect_to_no_url_is_not_retried(shipped_build):
    server = scripted(lambda handler, body: (302, "Found", {"Location": "http://[::1/x"}, b""))
    with serving(server):
        port = server.server_address[1]
        result = push(shipped_build, f"http://127.0.0.1:{port}/store")
    assert result.returncode == 2
    # redirects are looked at before they are followed (third review): this one is no URL
    assert result.stderr == (
        f"kg: error: the endpoint redirected PUT http://127.0.0.1:{port}/store?default to 'http://[::1/x', which "
        "is no http(s) URL; nothing was sent there: is --endpoint right? No graph was changed.\n"
    )
    assert [method for method, *_ in server.seen] == ["GET", "PUT"]  # the PUT once: repeating cannot help


def test_the_docs_name_the_list_graph_kg_writes():
    """The push guide's advice for shared servers names the list graph the code writes (issue 21 item 13)."""
    from pathlib import Path

    guide = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "push.md"
    text = guide.read_text(encoding="utf-8")
    assert f"<{kg_push.list_graph(DEFAULT_BASE)}>" in text and "<BASE>pushed" in text


def test_another_corpus_cannot_take_or_delete_an_article_graph(shipped_build, tmp_path):
    """Second review F3 and F4 on a real `oxigraph serve`: corpus A (default base) has pushed; corpus B's facts
    graph named after A's article graph, or after A's list, is refused before anything is sent (it replaced A's
    graph, and B's next push deleted it); corpus C with a base under A's graph/ folder, whose list would be
    <.../graph/pushed> (an article's graph of A), is refused; and a list of B that names A's article graph (as
    an earlier kg wrote it) makes B's push delete nothing outside B's own base."""
    b_base = "https://b.example/"
    _, build_b = _corpus(tmp_path, "b", "--base", b_base)
    c_base = "https://kg.example.org/graph/"  # kg build takes it: C's articles are <.../graph/graph/slug>
    _, build_c = _corpus(tmp_path, "c", "--base", c_base)
    with oxigraph_server(tmp_path) as (port, _):
        url = f"http://127.0.0.1:{port}/store"
        assert push(shipped_build, url).returncode == 0
        a_graphs = server_counts(port)
        assert a_graphs[ARTICLE_GRAPH] > 0

        for crafted in (ARTICLE_GRAPH, kg_push.PUSHED_GRAPH, "https://elsewhere.example/kg/graph/x"):
            taken = push(build_b, url, "--base", b_base, "--facts-graph", crafted)
            assert taken.returncode == 2, taken.stdout
            assert taken.stderr.startswith(f"kg: error: --facts-graph {crafted}: may be another kg corpus's"), (
                taken.stderr
            )
        nested = push(build_c, url, "--base", c_base)
        assert nested.returncode == 2
        assert "<https://kg.example.org/graph/pushed>" in nested.stderr and "Traceback" not in nested.stderr
        assert server_counts(port) == a_graphs  # nothing was sent

        # B's list as an earlier kg left it after the crafted push: it names A's article graph
        b_list = kg_push.list_graph(b_base)
        old_list = f"<{b_list}> <http://www.w3.org/ns/prov#hadMember> <{ARTICLE_GRAPH}> .\n".encode()
        request = urllib.request.Request(
            kg_push.graph_url(url, b_list),
            data=old_list,
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        NO_PROXY.open(request, timeout=30).close()
        pushed = push(build_b, url, "--base", b_base, "--facts-graph", "https://b.example/facts")
        assert pushed.returncode == 0, pushed.stderr
        assert "DELETE" not in pushed.stdout
        found = server_counts(port)
        assert {name: found.get(name) for name in a_graphs} == a_graphs  # every graph of A, whole


# ---------------------------------------------------------------------------------------------------------------
# Third review: a server's answer that never ends


class _Endless(socketserver.ThreadingTCPServer):
    """A Graph Store server whose answers to `methods` have a body without end (chunked, until kg hangs up or
    `cap` bytes went), sent fast or, with `drip`, one line every `drip` seconds; other requests get 204. It
    counts the body bytes it managed to send, and answers each request on a connection of its own."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, methods: tuple[str, ...], drip: float = 0.0, cap: int = 256 * 1024 * 1024) -> None:
        super().__init__(("127.0.0.1", 0), _EndlessHandler)
        self.methods, self.drip, self.cap = methods, drip, cap
        self.sent: dict[str, int] = {}
        self.requests: list[str] = []
        self.lock = threading.Lock()


class _EndlessHandler(socketserver.BaseRequestHandler):
    LINE = b"<https://kg.example.org/pushed> <http://www.w3.org/ns/prov#hadMember> <https://kg.example.org/graph/x> .\n"

    def handle(self) -> None:
        server, sock = self.server, self.request
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        method = head.split(b" ", 1)[0].decode()
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
        )
        while len(body) < length:
            body += sock.recv(65536)
        with server.lock:
            server.requests.append(method)
        if method not in server.methods:
            sock.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            return
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\nTransfer-Encoding: chunked\r\n\r\n")
        piece = self.LINE if server.drip else self.LINE * 8000
        chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
        sent = 0
        with contextlib.suppress(OSError):
            while sent < server.cap:
                sock.sendall(chunk)
                sent += len(piece)
                with server.lock:
                    server.sent[method] = server.sent.get(method, 0) + len(piece)
                if server.drip:
                    time.sleep(server.drip)
            sock.sendall(b"0\r\n\r\n")


def test_an_endless_list_is_not_read_without_end(shipped_build):
    """kg read its list on the server whole, however large: a server streaming without end took kg push to 1.8 GB
    in 10 s. Now it reads at most 64 MiB of the list, and a larger one is not kg's list: nothing is deleted."""
    with serving(_Endless(("GET",))) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 0, result.stderr
    assert "its answer was larger than 64 MiB); graphs of sources no longer in the build, if any, were not removed" in (
        result.stderr
    )
    assert server.sent["GET"] < 100 * 1024 * 1024, server.sent
    # the build's 3 graphs; kg's list, which it could not read, is left as it was
    assert server.requests.count("PUT") == 3 and "DELETE" not in server.requests


def test_an_answer_dripping_without_end_is_given_up_after_the_timeout(shipped_build):
    """A line every 0.2 s never trips a 2 s timeout, which bounds each read, not the answer: kg waited as long as
    the server went on (here 30 s; for ever if it likes). Now the whole answer must come within --timeout."""
    with serving(_Endless(("GET",), drip=0.2, cap=150 * len(_EndlessHandler.LINE))) as server:
        started = time.monotonic()
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--timeout", "2")
        took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "its answer had not ended after 2 s (--timeout)" in result.stderr
    assert took < 20, took


def test_an_endless_answer_to_a_put_is_not_read(shipped_build):
    """The body of a PUT's success says nothing kg needs: only its first 64 KiB are read (before, all of it: a
    server answering without end held the push for ever)."""
    with serving(_Endless(("PUT",), cap=64 * 1024 * 1024)) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("PUT default graph:")
    assert server.requests.count("PUT") == 4
    assert server.sent["PUT"] < 4 * 8 * 1024 * 1024, server.sent


# ---------------------------------------------------------------------------------------------------------------
# Fourth review: an answer's head that never ends, an answer that inflates without end


class _Raw(socketserver.ThreadingTCPServer):
    """A server that reads each request whole and lets `answer(sock, method)` write whatever bytes it likes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer) -> None:
        super().__init__(("127.0.0.1", 0), _RawHandler)
        self.answer = answer
        self.requests: list[str] = []


class _RawHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock, data = self.request, b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
        )
        while len(body) < length:
            body += sock.recv(65536)
        method = head.split(b" ", 1)[0].decode()
        self.server.requests.append(method)
        with contextlib.suppress(OSError):
            self.server.answer(sock, method)


def _continue_for_ever(sock, method: str) -> None:
    """`100 Continue` every 0.1 s for 30 s, then nothing: httpx skips each, and each read is quick."""
    for _ in range(300):
        sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        time.sleep(0.1)


def _head_a_line_at_a_time(sock, method: str) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(300):
        time.sleep(0.1)
        sock.sendall(b"X-Drip: 1\r\n")


@pytest.mark.parametrize("answer", [_continue_for_ever, _head_a_line_at_a_time], ids=["100-continue", "head-drip"])
def test_an_answer_whose_head_never_ends_is_given_up_after_the_timeout(shipped_build, answer):
    """httpx's timeout bounds each read: `100 Continue` every 0.1 s, or a head sent a line at a time, held each
    request 30 s under --timeout 1 (and for ever, for a server that kept on). Now the head must come within
    --timeout of the upload's end; the request fails as one without an answer in time, and nothing is changed."""
    with serving(_Raw(answer)) as server:
        started = time.monotonic()
        result = push(
            shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--timeout", "1", "--retries", "0"
        )
        took = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert "no answer in time" in result.stderr and "No graph was changed" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert took < 20, took


def _gzip_bomb(size: int) -> bytes:
    """`size` bytes of N-Triples-looking spaces, gzipped twice (a few KB)."""
    import gzip
    import zlib

    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    layer = bytearray(inner.compress(b"<a> <b> <c> .\n"))
    for _ in range(size >> 20):
        layer += inner.compress(b" " * (1 << 20))
    layer += inner.flush()
    return gzip.compress(bytes(layer), 9)


def test_a_list_that_inflates_past_its_limit_is_not_inflated(shipped_build):
    """kg's list answered with 3 KB gzipped twice (`Content-Encoding: gzip, gzip`) that inflate to 512 MiB: httpx
    inflated each chunk whole before kg counted it (2.2 GB of memory for 1 GiB, terabytes for three layers). Now
    at most the list's limit (64 MiB) is inflated; the list is unreadable, nothing is deleted, the push is done."""
    import tracemalloc

    from kg.serve.push import push as push_graphs

    bomb = _gzip_bomb(512 << 20)

    def answer(sock, method: str) -> None:
        if method != "GET":
            sock.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            return
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\nContent-Encoding: gzip, gzip\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(bomb) + bomb
        )

    warnings: list[str] = []
    with serving(_Raw(answer)) as server:
        tracemalloc.start()
        try:
            push_graphs(
                shipped_build,
                f"http://127.0.0.1:{server.server_address[1]}/store",
                retry_wait=0.05,
                warn=warnings.append,
            )
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert any("its answer was larger than 64 MiB" in w for w in warnings), warnings
    assert server.requests.count("PUT") == 3 and "DELETE" not in server.requests
    assert peak < 300 * 1024 * 1024, f"{peak:,} bytes allocated"


def _endless_body(head: bytes, sent: list[int], cap: int = 256 * 1024 * 1024):
    def answer(sock, method: str) -> None:
        sock.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
        piece = b"x" * 65536
        chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
        while sent[0] < cap:
            sock.sendall(chunk)
            sent[0] += len(piece)

    return answer


@pytest.mark.parametrize(
    ("head", "auth"),
    [
        (b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /store\r\n", "basic"),
        (b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="kg", nonce="n1", qop="auth"\r\n', "digest"),
    ],
    ids=["redirect", "digest-challenge"],
)
def test_the_body_of_a_redirect_or_a_challenge_is_not_read_without_end(shipped_build, head, auth):
    """httpx reads a redirect's body whole before following it, and a Digest challenge's before answering it: a
    server answering with a body without end took 1.3 GB of memory per GiB it sent (without end). Now at most
    64 KiB of each is read; the push fails as it would on a short body, and nothing is changed."""
    sent = [0]
    with serving(_Raw(_endless_body(head, sent))) as server:
        result = push(
            shipped_build,
            f"http://127.0.0.1:{server.server_address[1]}/store",
            "--auth",
            auth,
            "--retries",
            "0",
            "--timeout",
            "5",
        )
    assert result.returncode == 2, result.stderr
    assert "No graph was changed" in result.stderr and "Traceback" not in result.stderr, result.stderr
    # what the server could send before kg hung up: the 64 KiB read and the sockets' buffers (some MB on loopback),
    # for each request (httpx follows the redirect 20 times); before, the whole 256 MiB to the first
    per_request = sent[0] / len(server.requests)
    assert per_request < 16 * 1024 * 1024, f"{sent[0]:,} bytes sent to kg push in {len(server.requests)} requests"


# ---------------------------------------------------------------------------------------------------------------
# fifth outside review: https endpoints


@contextlib.contextmanager
def _tls_server(tmp_path):
    """A real https server on 127.0.0.1 with a self-signed certificate (made by openssl here); yields its port,
    the certificate's path and the requests it saw."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days",
         "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    server = scripted(_ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server):
        yield server.server_address[1], cert, server.seen


def test_an_https_endpoint_is_checked_and_its_certificate_can_be_given(shipped_build, tmp_path):
    """A self-signed certificate is refused (nothing sent) with words that say so, not "is the server running?";
    SSL_CERT_FILE naming it makes the push pass (before: httpx read SSL_CERT_FILE only for remote hosts, so a local
    https server could not be trusted at all); an SSL_CERT_FILE that is missing or holds no certificate is exit 2
    naming it (before: FileNotFoundError or ssl.SSLError traceback, exit 1, for any remote endpoint)."""
    with _tls_server(tmp_path) as (port, cert, seen):
        url = f"https://127.0.0.1:{port}/store"
        refused = push(shipped_build, url)
        assert refused.returncode == 2, refused.stderr
        assert "TLS certificate is not trusted (self-signed certificate)" in refused.stderr
        assert "SSL_CERT_FILE" in refused.stderr and "is the server running" not in refused.stderr
        assert seen == []
        trusted = push(shipped_build, url, env={**ENV, "SSL_CERT_FILE": str(cert)})
        assert trusted.returncode == 0, trusted.stderr
        assert "PUT" in [method for method, *_ in seen]
    for endpoint_url in (url, "https://kg-test.invalid/store"):
        for value in (str(tmp_path / "missing.pem"), str(tmp_path / "key.pem")):
            result = push(shipped_build, endpoint_url, env={**ENV, "SSL_CERT_FILE": value})
            assert result.returncode == 2, result.stderr
            assert "Traceback" not in result.stderr
            assert result.stderr.startswith(f"kg: error: SSL_CERT_FILE={value!r}: cannot load the certificates")


def _own_network_address() -> str | None:
    """This machine's address on its network (not loopback), learnt from a UDP socket's route; nothing is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_a_password_sent_unencrypted_over_the_network_is_warned_of(shipped_build):
    """Basic authentication over http:// to a host that is not this machine sends the password as it is, to be
    read on the way: before, kg said nothing. Now a warning, before the first request; https, Digest and a
    loopback endpoint get none."""
    address = _own_network_address()
    if address is None:
        pytest.skip("no network address besides loopback")
    server = _Server((address, 0), _Scripted)
    server.seen, server.lock, server.answer = [], threading.Lock(), _ok
    env = {**ENV, "NO_PROXY": "*", "no_proxy": "*"}
    with serving(server):
        warned = push(shipped_build, f"http://{address}:{server.server_address[1]}/store", env=env)
    assert warned.returncode == 0, warned.stderr
    assert warned.stderr.startswith(
        f"kg: the password goes to http://{address}:{server.server_address[1]} unencrypted (http://, Basic"
    )
    assert PASSWORD not in warned.stderr
    with serving(scripted(_ok)) as local:
        quiet = push(shipped_build, f"http://127.0.0.1:{local.server_address[1]}/store")
    assert quiet.returncode == 0 and "unencrypted" not in quiet.stderr, quiet.stderr


def _list_answer(names: list[str]):
    """A scripted server's answer: kg's list on the server naming `names` (GET), 204 to everything else."""
    listing = "".join(
        f"<{kg_push.list_graph(DEFAULT_BASE)}> <http://www.w3.org/ns/prov#hadMember> <{name}> .\n" for name in names
    ).encode()

    def answer(handler, body):
        if handler.command == "GET":
            return 200, "OK", {"Content-Type": "application/n-triples"}, listing
        return 204, "No Content", {}, b""

    return answer


def test_a_listed_name_that_climbs_out_of_the_base_is_not_deleted(shipped_build):
    """A list on the server (anyone with write access there can edit it) naming <BASE../other/graph/x>: the name
    starts with BASE, so kg deleted it (before: DELETE sent), and a server resolving graph names by RFC 3986
    (remove_dot_segments) takes it for another corpus's graph. Now a name with a `.` or `..` segment, plain or
    percent-encoded, is never deleted; a stale name under the base still is. --base and --facts-graph with such
    segments: exit 2, nothing sent."""
    climbing = [f"{DEFAULT_BASE}../other/graph/x", f"{DEFAULT_BASE}%2E%2e/other/graph/y", f"{DEFAULT_BASE}./graph/z"]
    stale = f"{DEFAULT_BASE}graph/gone"
    answer = _list_answer([*climbing, stale])

    with serving(scripted(answer)) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 0, result.stderr
    deleted = [urllib.parse.parse_qs(path.partition("?")[2])["graph"][0] for method, path, *_ in server.seen
               if method == "DELETE"]  # fmt: skip
    assert deleted == [stale]
    for option in (["--base", "https://kg.example.org/a/../"], ["--facts-graph", f"{DEFAULT_BASE}../b/graph/x"]):
        with serving(scripted(answer)) as server:
            refused = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", *option)
        assert refused.returncode == 2, refused.stderr
        assert "a . or .. segment in its path" in refused.stderr and server.seen == []


def test_a_listed_name_with_control_characters_is_neither_deleted_nor_printed(shipped_build):
    """A list on the server naming graphs under the base with an escape sequence or a line break (N-Triples
    \\u escapes, which Oxigraph's lenient parser takes): kg deleted them and printed `DELETE <BASEgraph/red>` for
    <BASEgraph/ESC]0;title BEL ESC[31m red> (the sequences removed, another graph's name shown) and a line break
    as it was (a forged line). kg never pushes such names: now neither deleted nor printed."""
    names = [r"graph/\u001B]0;pwned\u0007\u001B[31mred", r"graph/\u009B31m", r"graph/a\u000APUT"]
    answer = _list_answer([f"{DEFAULT_BASE}{name}" for name in names])

    with serving(scripted(answer)) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
    assert result.returncode == 0, result.stderr
    assert [method for method, *_ in server.seen if method == "DELETE"] == []
    assert "DELETE" not in result.stdout and "pwned" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("variable", "said"),
    [
        (kg_push.PASSWORD_VARIABLE, "KG_PUSH_PASSWORD: the password is not UTF-8 text"),
        (kg_push.USER_VARIABLE, "KG_PUSH_USER: the user name is not UTF-8 text"),
    ],
)
def test_credentials_not_in_utf8_are_a_message(shipped_build, variable, said):
    """KG_PUSH_PASSWORD set in a Latin-1 terminal (the byte 0xFF, a lone surrogate to Python) ended kg push in a
    UnicodeEncodeError traceback (exit 1), Basic or Digest; the user name got "a control character". Now exit 2
    saying so, nothing sent, the value not shown."""
    with serving(scripted(_ok)) as server:
        for auth in ("basic", "digest"):
            env = {**ENV, variable: "pa\udcffss"}  # the environment's bytes: b"pa\xffss"
            result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", "--auth", auth, env=env)
            assert result.returncode == 2, result.stderr
            assert result.stderr.startswith(f"kg: error: {said}") and "Traceback" not in result.stderr
            assert "pa" not in result.stderr.replace("password", "")
        assert server.seen == []


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--base", "https://[::1/", "--base 'https://[::1/': give the base IRI the build was made with"),
        ("--facts-graph", "https://kg.example.org/\x1b]0;title\x07", "not an IRI (Invalid IRI code point"),
    ],
)
def test_a_base_or_facts_graph_kg_cannot_use_is_a_clean_message(shipped_build, option, value, said):
    """`--base https://[::1/` ended in urlsplit's ValueError traceback (exit 1); a --facts-graph holding an escape
    sequence was refused with Oxigraph's words quoting the escape character raw, to the terminal. Now exit 2,
    nothing sent, no control character printed."""
    with serving(scripted(_ok)) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store", option, value)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert server.seen == []


def test_a_dataset_kg_cannot_read_is_named_without_its_control_characters(tmp_path):
    """A kg.nq that does not parse (a build from elsewhere, cut or edited) was named with the parser's message,
    which quotes the character it refused: an ESC there reached the terminal raw. Now it is left out."""
    (tmp_path / "kg.nq").write_bytes(b"<https://kg.example.org/a> <https://kg.example.org/b> \x1b]0;pwned\x07 .\n")
    result = run_kg("push", "--build", str(tmp_path), "--endpoint", "http://127.0.0.1:9/store", env=ENV)
    assert result.returncode == 2, result.stderr
    assert "cannot read the dataset" in result.stderr and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_a_list_naming_far_more_graphs_than_the_build_costs_no_delete_each(shipped_build):
    """A list on the server naming 5,000 graphs under the base that the build does not hold (a 64 MiB list holds
    about 400,000): kg sent a DELETE for each, each allowed --timeout, so a server could hold the push for days.
    Now a push deletes at most the build's number of graphs and 1,000 more; past that none, and says so."""
    names = [f"{DEFAULT_BASE}graph/gone-{i:05d}" for i in range(5000)]
    answer = _list_answer(names)

    with serving(scripted(answer)) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
        deletes = [method for method, *_ in server.seen if method == "DELETE"]
    assert result.returncode == 0, result.stderr
    assert deletes == [] and "DELETE" not in result.stdout
    assert "kg's list on the server names 5,000 graphs of this base no longer in the build" in result.stderr
    assert "none was deleted" in result.stderr

    # a few stale graphs are still deleted, each said
    with serving(scripted(_list_answer(names[:3]))) as server:
        result = push(shipped_build, f"http://127.0.0.1:{server.server_address[1]}/store")
        deletes = [method for method, *_ in server.seen if method == "DELETE"]
    assert result.returncode == 0, result.stderr
    assert len(deletes) == 3 and result.stdout.count("DELETE <") == 3
