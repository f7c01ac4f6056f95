"""The tenth outside review of `kg serve` (and `kg query`'s output): the leads earlier reviews left open, and what
this review found. Each test runs the real `kg serve` (real Oxigraph workers) or the real CLI; each failed on
main at 5943ac9."""

from __future__ import annotations

import contextlib
import http.client
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.conftest import ROOT, run_kg
from tests.test_serve import NO_PROXY, free_port, kg_serve, stop, wait_for_port


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("999.1.1.1", "--host 999.1.1.1: not an IP address, nor a name this machine resolves"),
        ("203.0.113.77", "203.0.113.77 is not an address of this machine"),
    ],
    ids=["no-address", "not-this-machines"],
)
def test_a_host_that_is_no_address_of_this_machine_is_named_as_such(shipped_build, host, words):
    """`kg serve --host 999.1.1.1` (no address at all) or an address of another machine said "cannot listen on
    ...; pick another port with --port, or stop what is using it": advice about the port, which was never the
    problem. Now it says what is wrong with the host; a port in use keeps its own advice (tests/test_serve.py)."""
    result = run_kg("serve", "--build", str(shipped_build), "--host", host, "--port", str(free_port()))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("kg: error: "), result.stderr
    assert words in result.stderr, result.stderr
    assert "pick another port" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def _ask(port: int) -> int:
    url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with NO_PROXY.open(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.long
def test_a_flood_past_the_open_files_is_said_in_one_line_not_a_traceback_each(shipped_build, tmp_path):
    """When kg serve's open files run out (here: its limit lowered while it runs, as a flood of connections
    faster than their 1 s grace, or another leak, would), every accept() that failed printed asyncio's
    traceback: 3,000 connections opened in 0.1 s gave 4,414 tracebacks, 34,196 lines of stderr, in 5 s. Now
    kg serve says it in one line (at most one per 10 s), and answers again once the connections are gone."""
    port = free_port()
    with open(tmp_path / "serve.err", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--build", str(shipped_build), "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,  # a file: thousands of lines would fill a pipe and stop the server
            start_new_session=True,
        )
        try:
            wait_for_port(port, process)
            time.sleep(1)
            opened = len(os.listdir(f"/proc/{process.pid}/fd"))
            resource.prlimit(process.pid, resource.RLIMIT_NOFILE, (opened + 20, opened + 20))
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 4000), hard), hard))
            held = []
            try:
                for _ in range(3000):
                    sock = socket.socket()
                    sock.setblocking(False)
                    with contextlib.suppress(BlockingIOError):
                        sock.connect(("127.0.0.1", port))
                    held.append(sock)
                time.sleep(4)
            finally:
                for sock in held:
                    sock.close()
                resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
            time.sleep(2)
            assert _ask(port) == 200
        finally:
            stop(process)
    errors = (tmp_path / "serve.err").read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in errors, errors[:2000]
    lines = errors.splitlines()
    assert 1 <= len(lines) <= 2, errors[:2000]
    assert lines[0].startswith("kg serve: warning: cannot accept connections: Too many open files (ulimit -n "), lines


def _post_query(port: int, body: bytes, answers: list, name: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", "/query", body, {"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        response.read()
        answers.append((name, response.status, response.getheader("Retry-After")))
    finally:
        connection.close()


@pytest.mark.long
def test_queries_slow_to_check_for_service_neither_queue_without_bound_nor_hold_other_queries(shipped_build):
    """Every query went through asyncio's default pool of 6 threads before it reached a worker (a query holding
    the word "service" is parsed there in a child process, up to 10 s), and that pool's queue had no bound:
    30 queries of 60,000 projected variables and a "# service" comment (Oxigraph's parser is quadratic in
    them: 9 s each) kept a plain ASK waiting 49.9 s behind them, then each got its 400 after up to 51 s.
    Now a query without the word is not queued at all, and the checks run at most --workers at once with as
    many waiting: a query beyond that gets 503 with Retry-After at once."""
    slow = ("SELECT " + " ".join(f"?v{i}" for i in range(40000)) + " WHERE {} # service").encode()
    answers: list = []
    port = free_port()
    with kg_serve(shipped_build, port):
        flood = [threading.Thread(target=_post_query, args=(port, slow, answers, "slow")) for _ in range(12)]
        for thread in flood:
            thread.start()
        time.sleep(1)
        _post_query(port, b"ASK { ?s ?p ?o }", answers, "ask")
        for thread in flood:
            thread.join(300)
    order = [(name, status) for name, status, _ in answers]
    assert ("ask", 200) in order, answers
    checked = [status for name, status in order[: order.index(("ask", 200))] if name == "slow" and status != 503]
    assert checked == [], f"the ASK waited for {len(checked)} SERVICE checks: {answers}"
    refused = [(status, wait) for name, status, wait in answers if name == "slow" and status == 503]
    assert refused and all(wait for _, wait in refused), answers
    # the rest were checked: "# service" is a comment, so each is answered (200), or refused as not checked in
    # time (400) on a machine too busy to parse it within the check's 10 s
    slow = [status for name, status, _ in answers if name == "slow"]
    assert len(slow) == 12 and set(slow) <= {200, 400, 503} and slow.count(503) >= 4, answers


_CHAINS = {
    "plus-8000": ("SELECT (1" + " + 1" * 8000 + " AS ?x) WHERE {}", 2),
    "optional-4000": ("SELECT * WHERE { BIND(1 AS ?x) " + "OPTIONAL { BIND(1 AS ?y) } " * 4000 + "}", 0),
    "minus-4000": ("SELECT * WHERE { BIND(1 AS ?x) " + "MINUS { BIND(2 AS ?x) } " * 4000 + "}", 0),
}


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.long) if c == "optional-4000" else c for c in _CHAINS]
)
def test_a_query_chaining_thousands_of_clauses_is_no_segmentation_fault(shipped_build, tmp_path, case):
    """`kg query` of a 32 KB query, `SELECT (1 + 1 + ... (8,000 times) AS ?x) {}`, or of 4,000 `OPTIONAL {...}`
    in one group, ended in a segmentation fault: exit 139, nothing said (Oxigraph evaluates such a chain by
    recursion, on the 8 MiB stack of the thread that asks; the check of brackets nested 1,000 deep did not see
    chains). Now the query runs on a thread with a deep stack, and a chain longer than kg.store.syntax.MAX_CHAIN
    (5,000) is refused with a message: the first exits 2 saying so, the other two are answered."""
    text, code = _CHAINS[case]
    (tmp_path / "chain.rq").write_text(text, encoding="utf-8")
    result = run_kg("query", "--build", str(shipped_build), str(tmp_path / "chain.rq"))
    assert result.returncode == code, (result.returncode, result.stderr[-500:])
    if code == 2:
        assert result.stderr.startswith(f"kg: error: {tmp_path / 'chain.rq'}: the query chains 8001 operators"), (
            result.stderr
        )
    else:
        assert result.stdout.endswith("(1 row)\n"), result.stdout[-300:]


@pytest.mark.long
def test_the_python_api_runs_a_long_chain_without_dying(shipped_build):
    """The same through kg.query() (a notebook's kernel died with the process)."""
    text = _CHAINS["optional-4000"][0]
    program = f"import kg, sys\nprint(kg.query(sys.stdin.read(), build={str(shipped_build)!r}))"
    result = subprocess.run(
        [sys.executable, "-c", program], input=text, capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])
    assert "'x': 1" in result.stdout, result.stdout[-300:]


def _peak_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


@pytest.mark.long
def test_a_large_query_with_an_undeclared_prefix_costs_the_front_little_memory(shipped_build):
    """kg serve's front (the one process --max-memory does not cap) replaces Oxigraph's 400 for an undeclared
    prefix with kg's message, reading the query's tokens: it held them all as a list, so one 1 MB query (a
    VALUES of 500,000 numbers, then `?s a p:x`) took the front from 50 MB to 162 MB, and four at once (two
    workers) to 333 MB; the message then quoted the query's whole line, a 1 MB answer. Now the tokens are read
    one at a time and the line is cut around the column: the peak grows by tens of MB, the answer is short."""
    text = ("SELECT * WHERE { VALUES ?x { " + "1 " * 500000 + "} ?s a p:x }").encode()
    answers: list = []
    port = free_port()
    with kg_serve(shipped_build, port) as process:
        time.sleep(1)
        before = _peak_kib(process.pid)
        threads = [threading.Thread(target=_post_query, args=(port, text, answers, "prefix")) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        grown = (_peak_kib(process.pid) - before) // 1024
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("POST", "/query", text, {"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
    assert [status for _, status, _ in answers] == [400] * 4, answers
    assert grown < 120, f"the front's peak grew by {grown} MiB"
    assert response.status == 400
    assert body.startswith(b"query:1:1000037: the prefix p: of p:x is not declared"), body[:300]
    assert len(body) < 1000, len(body)
    assert body.rstrip().endswith(b"1 1 1 } ?s a p:x }"), body[-300:]
