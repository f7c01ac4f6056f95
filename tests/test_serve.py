"""`kg serve`: the real command, started on a free port of 127.0.0.1, answering SPARQL 1.1 Protocol requests
from a standard HTTP client (urllib), serving its query page, refusing updates, and gone when stopped."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from kg.serve import endpoint
from tests.conftest import ROOT, run_kg

PREFIX = "PREFIX kg: <https://kg.example.org/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}: {process.stderr.read()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def port_is_closed(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return False
    except OSError:
        return True


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL to the whole session if it lingers: no test leaves a server behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@contextlib.contextmanager
def kg_serve(build, port: int, *more: str) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--build", str(build), "--port", str(port), "--workers", "2", *more],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_port(port, process)
        yield process
    finally:
        stop(process)


def sparql(port: int, query: str, accept: str = "application/sparql-results+json", method: str = "GET") -> bytes:
    url = f"http://127.0.0.1:{port}/query"
    if method == "GET":
        request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}))
    else:
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    request.add_header("Accept", accept)
    with NO_PROXY.open(request, timeout=30) as response:
        assert response.status == 200
        return response.read()


@pytest.fixture(scope="module")
def server(shipped_build):
    endpoint.oxigraph_binary()  # a dependency of kg: missing, the test fails rather than skips
    port = free_port()
    with kg_serve(shipped_build, port) as process:
        yield port, process
    assert process.returncode is not None
    assert port_is_closed(port)  # the server itself stopped, not only the kg process


def test_serve_answers_sparql_over_http(server):
    port, _ = server
    text = PREFIX + "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name"
    doc = json.loads(sparql(port, text))
    assert [b["name"]["value"] for b in doc["results"]["bindings"]] == [
        "Don Tapscott",
        "Hai Yu",
        "Han Yongfei",
        "Hu Jinhua",
        "Sun Hui",
        "Wang Heng",
    ]


def test_serve_has_the_entailment_of_the_store(server):
    port, _ = server
    text = PREFIX + "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a kg:Organisation }"
    doc = json.loads(sparql(port, text, method="POST"))
    assert doc["results"]["bindings"][0]["n"]["value"] == "20"


def test_serve_speaks_the_sparql_results_formats(server):
    port, _ = server
    text = PREFIX + "SELECT ?n WHERE { ?x kg:projectCount ?n } ORDER BY ?n"
    assert sparql(port, text, accept="text/csv") == b"n\r\n86\r\n395\r\n"
    assert b"<sparql" in sparql(port, text, accept="application/sparql-results+xml")
    ask = json.loads(sparql(port, PREFIX + "ASK { ?x a kg:GovernmentBody }"))
    assert ask["boolean"] is True


def test_serve_has_a_query_page_that_needs_no_network(server):
    port, _ = server
    with NO_PROXY.open(f"http://127.0.0.1:{port}/", timeout=30) as response:
        page = response.read().decode()
        assert response.headers.get_content_type() == "text/html"
        policy = response.headers["Content-Security-Policy"]
    # kg's own page, not Oxigraph's (which asks prefix.cc for prefixes): its script and style are inline, it
    # names no file to load (no src, no href), and its policy lets it fetch from its own server only
    assert "<title>kg: SPARQL query</title>" in page and "prefix.cc" not in page
    assert not re.search(r"\b(src|href|action)\s*=", page, re.I)
    assert "connect-src 'self'" in policy and "default-src 'none'" in policy and "unsafe" not in policy
    request = urllib.request.Request(f"http://127.0.0.1:{port}/?x=1", method="HEAD")
    with NO_PROXY.open(request, timeout=30) as response:
        assert response.status == 200 and response.read() == b""
        assert int(response.headers["Content-Length"]) == len(page.encode())


def test_serve_is_read_only(server):
    port, _ = server
    update = urllib.request.Request(
        f"http://127.0.0.1:{port}/update",
        data=urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode(),
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        NO_PROXY.open(update, timeout=30)
    assert refused.value.code == 403
    put = urllib.request.Request(
        f"http://127.0.0.1:{port}/store?default", data=b"<urn:a> <urn:b> <urn:c> .", method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        NO_PROXY.open(put, timeout=30)
    assert refused.value.code == 403
    assert json.loads(sparql(port, "ASK { <urn:a> ?p ?o }"))["boolean"] is False


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on `port`, from the kernel's table (/proc/net/tcp, tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table, encoding="ascii") as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    raw = bytes.fromhex(address)
                    if len(raw) == 4:
                        found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                    else:
                        words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                        found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_serve_listens_on_loopback_only(server):
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("needs Linux's /proc/net/tcp")
    port, _ = server
    assert listening_addresses(port) == {"127.0.0.1"}


def test_serve_prints_where_it_listens(shipped_build):
    endpoint.oxigraph_binary()  # a dependency of kg: missing, the test fails rather than skips
    port = free_port()
    with kg_serve(shipped_build, port) as process:
        lines = [process.stdout.readline() for _ in range(4)]
    assert lines == [
        f"serving {shipped_build / 'store'} read-only; Ctrl-C stops\n",
        f"query page:      http://127.0.0.1:{port}/\n",
        f"SPARQL endpoint: http://127.0.0.1:{port}/query\n",
        "limits: 30 s per query, 1048576 bytes per request, 10 s to send it, 64 connections, 2 workers\n",
    ]
    assert port_is_closed(port)


def test_serve_refuses_a_busy_port(shipped_build):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kg("serve", "--build", str(shipped_build), "--port", str(port))
    assert result.returncode == 2
    assert result.stderr == (
        f"kg: error: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "pick another port with --port, or stop what is using it\n"
    )


def test_serve_without_a_store_says_to_build(tmp_path):
    result = run_kg("serve", "--build", str(tmp_path), "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr == (
        f"kg: error: {tmp_path / 'store'}: no SPARQL store here; run `kg build` first, or pass --build DIR\n"
    )


def test_serve_refuses_a_bad_port(shipped_build):
    result = run_kg("serve", "--build", str(shipped_build), "--port", "70000")
    assert result.returncode == 2
    assert result.stderr == "kg: error: --port 70000: a port is a number from 1 to 65535\n"


def test_serve_refuses_every_write_at_its_front(server):
    """Each write is refused by kg's front with its own 403 and message, before any worker sees it: Oxigraph's
    own 403 for a read-only store must not be what stands between a caller and the data (issue 24)."""
    port, _ = server
    update = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    triples = b"<urn:a> <urn:b> <urn:c> ."
    writes = [
        ("POST", "/update", update, "application/x-www-form-urlencoded"),
        ("POST", "/update", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
        ("POST", "/store?default", triples, "application/n-triples"),
        ("POST", "/store?graph=urn:g", triples, "application/n-triples"),
        ("POST", "/store", triples, "application/n-triples"),
        ("PUT", "/store?default", triples, "application/n-triples"),
        ("DELETE", "/store?graph=urn:g", None, None),
        ("PATCH", "/query", b"", "text/plain"),
    ]
    for method, path, body, kind in writes:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
        if kind:
            request.add_header("Content-Type", kind)
        with pytest.raises(urllib.error.HTTPError) as refused:
            NO_PROXY.open(request, timeout=30)
        said = refused.value.read().decode("utf-8", "replace")
        assert refused.value.code == 403, (method, path, refused.value.code, said)
        assert "the server is read-only: only queries are answered, at /query" in said, (method, path, said)
    assert json.loads(sparql(port, "ASK { <urn:a> ?p ?o }"))["boolean"] is False
