"""`kg push` against a flaky Graph Store server written here: a real HTTP server on a free port of 127.0.0.1 that
follows a script (answer, 503, 502, 429 with Retry-After, reset the connection halfway through the body) and,
like a conforming server, replaces a graph only with a body it received whole. Shows that transient failures
are retried and refusals are not, that a push stopped for good leaves every graph either old or new with a
clear message and exit 2, that a second push finishes the job, and that credentials never reach the output,
not even when the server echoes them."""

from __future__ import annotations

import base64
import contextlib
import http.server
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterator

import pytest
import rdflib

from kg.serve import push as kg_push
from tests.conftest import run_kg, serving
from tests.test_push import ARTICLE_GRAPH, ONTOLOGY_GRAPH, expected_counts

OLD = b"<urn:old> <urn:old> <urn:old> .\n"
PASSWORD = "s3cret pw"
TOKEN = base64.b64encode(f"analyst:{PASSWORD}".encode()).decode()
ENV = {kg_push.USER_VARIABLE: "analyst", kg_push.PASSWORD_VARIABLE: PASSWORD, "NETRC": "/nonexistent"}


class _Flaky(http.server.BaseHTTPRequestHandler):
    """PUT per the server's script: request n gets script[n], or `then` once the script is used up."""

    protocol_version = "HTTP/1.1"

    def do_PUT(self) -> None:
        server = self.server
        with server.lock:
            action = server.script[server.count] if server.count < len(server.script) else server.then
            server.count += 1
        length = int(self.headers.get("Content-Length", 0))
        if action == "reset":  # half the body read, then the connection dropped with a TCP reset
            self.rfile.read(length // 2)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        body = self.rfile.read(length)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query, keep_blank_values=True)
        name = "default" if "default" in query else query["graph"][0]
        if action == "ok":
            with server.lock:
                server.graphs[name] = body  # whole bodies only: the graph is replaced at once
            self._answer(204)
        elif action == "echo-401":  # a careless server that repeats the credentials in its error page
            auth = self.headers.get("Authorization", "")
            self._answer(401, f"bad credentials {auth} ({base64.b64decode(auth[6:]).decode()})".encode())
        elif action == "429":
            self._answer(429, b"slow down", {"Retry-After": "1"})
        else:
            self._answer(int(action), b"try later")

    def do_GET(self) -> None:  # kg's list of the graphs it pushed: none yet (or GET is not served at all)
        self._answer(self.server.get_status)

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # the scripted resets are not errors
        pass


@contextlib.contextmanager
def flaky_server(script: list[str], then: str = "ok") -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Flaky)
    server.script, server.then, server.count, server.lock = script, then, 0, threading.Lock()
    server.get_status = 404
    server.graphs = {"default": OLD, ARTICLE_GRAPH: OLD, ONTOLOGY_GRAPH: OLD}
    with serving(server):
        yield server


def state(server: _Server, build) -> dict[str, str]:
    """Each graph on the server: 'old', 'new' (exactly the build's triples, read by rdflib) or 'mixed'."""
    expected = expected_counts(build)
    found = {}
    for name, body in server.graphs.items():
        if name == kg_push.PUSHED_GRAPH:  # kg's list of the graphs it pushed, put last
            continue
        if body == OLD:
            found[name] = "old"
            continue
        graph = rdflib.Graph().parse(data=body.decode(), format="nt")
        found[name] = (
            "new" if len(graph) == expected[name] and (rdflib.URIRef("urn:old"),) * 3 not in graph else "mixed"
        )
    return found


def push(build, server: _Server, *more: str, env: dict | None = None, query: str = ""):
    url = f"http://127.0.0.1:{server.server_address[1]}/store{query}"
    return run_kg("push", "--build", str(build), "--endpoint", url, "--retry-wait", "0.05", *more, env=env or ENV)


def test_transient_failures_are_retried(shipped_build):
    # default graph: fine; the article's graph: 503, reset mid-body, 429 (Retry-After: 1), then fine;
    # the ontology: 502, then fine
    with flaky_server(["ok", "503", "reset", "429", "ok", "502", "ok"]) as server:
        result = push(shipped_build, server)
        assert result.returncode == 0, result.stderr
        assert server.count == 8  # 7 for the graphs, then kg's list of them
        assert state(server, shipped_build) == {"default": "new", ARTICLE_GRAPH: "new", ONTOLOGY_GRAPH: "new"}
    assert result.stderr.splitlines() == [
        f"kg: PUT <{ARTICLE_GRAPH}>: HTTP 503 Service Unavailable; sending it again in 0.05 s (retry 1 of 4)",
        f"kg: PUT <{ARTICLE_GRAPH}>: the connection was reset; sending it again in 0.1 s (retry 2 of 4)",
        f"kg: PUT <{ARTICLE_GRAPH}>: HTTP 429 Too Many Requests; sending it again in 1 s (retry 3 of 4)",
        f"kg: PUT <{ONTOLOGY_GRAPH}>: HTTP 502 Bad Gateway; sending it again in 0.05 s (retry 1 of 4)",
    ]
    assert result.stdout.endswith(" triples to " + f"http://127.0.0.1:{server.server_address[1]}/store\n")
    assert PASSWORD not in result.stdout + result.stderr and TOKEN not in result.stdout + result.stderr
    print("\nkg push: 4 transient failures (503, reset mid-body, 429 with Retry-After, 502) retried; 3 graphs new")


@pytest.mark.parametrize("failure", ["503", "reset"])
def test_a_push_stopped_midway_leaves_each_graph_old_or_new(shipped_build, failure):
    """The server fails for good after the first graph: exit 2, a message naming what was replaced and what
    was not, every graph whole (old or new, never mixed), and a second push, once the server is well, finishes."""
    with flaky_server(["ok"], then=failure) as server:
        port = server.server_address[1]
        result = push(shipped_build, server, "--retries", "2", query="?key=topsecret")
        assert result.returncode == 2
        assert server.count == 1 + 3  # the first graph, then three tries of the second
        assert state(server, shipped_build) == {"default": "new", ARTICLE_GRAPH: "old", ONTOLOGY_GRAPH: "old"}
        why = (
            f"the endpoint kept failing: HTTP 503 Service Unavailable for PUT http://127.0.0.1:{port}/store?key=***"
            f"&graph={urllib.parse.quote(ARTICLE_GRAPH, safe='')}"
            if failure == "503"
            else f"cannot reach http://127.0.0.1:{port}: the connection was reset"
        )
        said = ["    server said: 'try later'"] if failure == "503" else []  # what the server said, in full
        assert result.stderr.splitlines()[-1 - len(said) :] == [
            f"kg: error: {why} (tried 3 times). 1 of 3 graphs were replaced; <{ARTICLE_GRAPH}> and the 1 after it "
            "keep their previous content (each PUT replaces one graph whole). Run `kg push` again to finish.",
            *said,
        ]
        assert "Traceback" not in result.stderr
        assert "topsecret" not in result.stdout + result.stderr

        server.then = "ok"
        again = push(shipped_build, server, query="?key=topsecret")
        assert again.returncode == 0, again.stderr
        assert state(server, shipped_build) == {"default": "new", ARTICLE_GRAPH: "new", ONTOLOGY_GRAPH: "new"}


def test_a_server_that_cannot_list_what_was_pushed_keeps_every_graph(shipped_build):
    """No GET on the server (405): every graph is still pushed, nothing is deleted, kg's list is not written,
    and a warning says that graphs of removed sources were not looked for."""
    with flaky_server([]) as server:
        server.get_status = 405
        result = push(shipped_build, server)
        assert result.returncode == 0, result.stderr
        assert server.count == 3 and kg_push.PUSHED_GRAPH not in server.graphs
        assert state(server, shipped_build) == {"default": "new", ARTICLE_GRAPH: "new", ONTOLOGY_GRAPH: "new"}
    port = server.server_address[1]
    quoted = urllib.parse.quote(kg_push.PUSHED_GRAPH, safe="")
    assert result.stderr == (
        f"kg: cannot read kg's list of the graphs it pushed before (GET http://127.0.0.1:{port}/store?graph={quoted}: "
        "HTTP 405 Method Not Allowed); graphs of sources no longer in the build, if any, were not removed\n"
    )


def test_refusals_are_not_retried_and_echoed_credentials_are_not_printed(shipped_build):
    with flaky_server([], then="echo-401") as server:
        result = push(shipped_build, server)
        assert server.count == 1
        assert state(server, shipped_build) == {"default": "old", ARTICLE_GRAPH: "old", ONTOLOGY_GRAPH: "old"}
    assert result.returncode == 2
    assert "HTTP 401 Unauthorized" in result.stderr and "server said: 'bad credentials Basic *** (analyst:***)'" in (
        result.stderr
    )
    assert PASSWORD not in result.stderr and TOKEN not in result.stderr


def test_a_malformed_netrc_is_named_without_its_content(shipped_build, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login analyst s3cretword\n", encoding="utf-8")  # "password" left out
    netrc.chmod(0o600)
    with flaky_server([]) as server:
        result = push(shipped_build, server, env={"NETRC": str(netrc), "HOME": str(tmp_path)})
        assert server.count == 0
    assert result.returncode == 2
    assert result.stderr == (
        f"kg: error: {netrc}: cannot read the netrc file "
        "(expected `machine HOST login USER password SECRET` on each line)\n"
    )


def test_retry_options_out_of_range_are_refused(shipped_build):
    with flaky_server([]) as server:
        few = push(shipped_build, server, "--retries", "-1")
        slow = push(shipped_build, server, "--retry-wait", "1000")
        assert server.count == 0
    assert (few.returncode, few.stderr) == (2, "kg: error: --retries -1: give a number from 0 to 100\n")
    assert (slow.returncode, slow.stderr) == (
        2,
        "kg: error: --retry-wait 1000.0: give a number of seconds from 0 to 600\n",
    )
