"""`kg serve` under abuse: the real command on a free port of 127.0.0.1, hit by a loopback client with 1,000 bad
or slow requests (malformed SPARQL, huge bodies, write and unknown methods, garbage bytes, oversized headers,
slow-loris heads and bodies, bodies cut short, unacceptable Accept headers, unknown paths, queries that would
run for days) interleaved with 100 good queries that must get exactly the right answer. The server must stay
up, answer each bad request with the status that names its fault, and account for all of them when stopped.

Counts are asserted, never wall-clock speed; the time limits are shortened by flags so the run stays short."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from kg.serve import endpoint
from tests.test_serve import PREFIX, free_port, kg_serve, port_is_closed, sparql

GOOD = PREFIX + "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name"
GOOD_ANSWER = ["Don Tapscott", "Hai Yu", "Han Yongfei", "Hu Jinhua", "Sun Hui", "Wang Heng"]
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIMITS = ("--query-timeout", "2", "--request-timeout", "1", "--workers", "4", "--max-connections", "64")

# kind of bad request -> (how many, the outcomes allowed)
RESET = "reset"  # the server closed a connection it had answered while the client was still sending
PLAN: dict[str, tuple[int, set]] = {
    "malformed-sparql": (200, {400}),
    "huge-body-declared": (80, {413}),
    "huge-body-sent": (20, {413, RESET}),
    "write-method": (100, {403}),
    "unknown-method": (50, {405}),
    "garbage-bytes": (150, {400}),
    "oversized-headers": (100, {431, RESET}),
    "slow-loris-head": (50, {408}),
    "slow-loris-body": (50, {408}),
    "body-cut-short": (100, {"hung up"}),
    "bad-accept": (50, {406}),
    "unknown-path": (40, {404}),
    "expensive-query": (10, {503}),
}


def _status(sock: socket.socket) -> int | str:
    """The status code of the answer on `sock`, or what happened instead."""
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return "closed without an answer"
            data += chunk
    except ConnectionResetError:
        return RESET
    except TimeoutError:
        return "no answer in time"
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", data)
    return int(match.group(1)) if match else f"not HTTP: {data[:40]!r}"


def _send(port: int, raw: bytes, *, stall: bool = False, hang_up: bool = False) -> int | str:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            return _status(sock) if not hang_up else RESET
        if hang_up:
            return "hung up"
        if not stall:
            with contextlib.suppress(OSError):  # already answered and closed: the answer is still there to read
                sock.shutdown(socket.SHUT_WR)
        return _status(sock)


def _get(target: str, accept: str = "text/csv") -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n\r\n".encode()


def bad_request(kind: str, i: int, port: int, rng: random.Random) -> int | str:
    """Send the i-th bad request of one kind; return the status or what happened."""
    if kind == "malformed-sparql":
        broken = ["SELEC ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { ?x ?p ", "ASK { <urn:a> }", "}}}{{{", "SELECT"]
        return _send(port, _get("/query?" + urllib.parse.urlencode({"query": broken[i % 5] + f" # {i}"})))
    if kind == "huge-body-declared":
        head = f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: {50_000_000 + i}\r\n\r\n"
        return _send(port, head.encode(), stall=True)
    if kind == "huge-body-sent":
        body = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 2_000_000
        head = f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: {len(body)}\r\n\r\n"
        return _send(port, head.encode() + body)
    if kind == "write-method":
        method = ["PUT", "DELETE", "PATCH", "POST", "POST"][i % 5]
        target = ["/store?default", "/store?graph=urn%3Ag", "/", "/update", "/store"][i % 5]
        body = b"INSERT DATA { <urn:a> <urn:b> <urn:c> }"
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-update\r\nContent-Length: {len(body)}\r\n\r\n"
        return _send(port, head.encode() + body)
    if kind == "unknown-method":
        method = ["OPTIONS", "TRACE", "BREW", "PROPFIND", "CONNECT"][i % 5]
        return _send(port, f"{method} /query HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    if kind == "garbage-bytes":
        noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000)))
        return _send(port, noise + b"\r\n\r\n")
    if kind == "oversized-headers":
        return _send(
            port, b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 70_000 + b"\r\n\r\n"
        )
    if kind == "slow-loris-head":
        return _send(port, b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", stall=True)
    if kind == "slow-loris-body":
        head = b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\n"
        return _send(port, head + b"ASK {", stall=True)
    if kind == "body-cut-short":
        head = b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\n"
        return _send(port, head + b"ASK {", hang_up=True)
    if kind == "bad-accept":
        return _send(port, _get("/query?" + urllib.parse.urlencode({"query": "ASK {}"}), accept="image/png"))
    if kind == "unknown-path":
        return _send(port, _get(f"/nothing-here/{i}"))
    if kind == "expensive-query":
        return _send(port, _get("/query?" + urllib.parse.urlencode({"query": EXPENSIVE})))
    raise AssertionError(kind)


def good_query(port: int) -> list[str]:
    doc = json.loads(sparql(port, GOOD, method="POST"))
    return [b["name"]["value"] for b in doc["results"]["bindings"]]


@pytest.mark.long
def test_serve_survives_a_thousand_bad_or_slow_requests(shipped_build):
    endpoint.oxigraph_binary()  # a dependency of kg: missing, the test fails rather than skips
    rng = random.Random(7)
    bad = [(kind, i) for kind, (count, _) in PLAN.items() for i in range(count)]
    assert len(bad) == 1000
    rng.shuffle(bad)
    # the ten long queries spread out, so they never hold every worker at once
    cheap = [item for item in bad if item[0] != "expensive-query"]
    expensive = [item for item in bad if item[0] == "expensive-query"]
    for n, item in enumerate(expensive):
        cheap.insert(95 * n + 50, item)
    work: list[tuple[str, int]] = []
    for n, item in enumerate(cheap):
        work.append(item)
        if n % 10 == 9:
            work.append(("good", n))
    assert len(work) == 1100

    port = free_port()
    started = time.monotonic()
    with kg_serve(shipped_build, port, *LIMITS) as process:
        for _ in range(4):
            process.stdout.readline()  # the lines that say where it listens and with which limits

        def one(item: tuple[str, int]) -> object:
            kind, i = item
            if kind == "good":
                return good_query(port)
            return bad_request(kind, i, port, random.Random(i))

        with ThreadPoolExecutor(max_workers=16) as pool:
            outcomes = list(pool.map(one, work))
        alive = process.poll() is None
        after = good_query(port)
    summary = process.stdout.read()
    elapsed = time.monotonic() - started

    assert alive and after == GOOD_ANSWER
    goods = [outcome for (kind, _), outcome in zip(work, outcomes, strict=True) if kind == "good"]
    assert goods == [GOOD_ANSWER] * 100
    seen: dict[str, Counter] = {}
    for (kind, _), outcome in zip(work, outcomes, strict=True):
        if kind != "good":
            seen.setdefault(kind, Counter())[outcome] += 1
    for kind, (count, allowed) in PLAN.items():
        assert sum(seen[kind].values()) == count
        assert set(seen[kind]) <= allowed, (kind, seen[kind])
    assert port_is_closed(port)

    # the server's own account, printed when it stopped, agrees with what the client saw
    match = re.search(r"stopped: (\d+) requests \((.*)\), (\d+) connections dropped, (\d+) queries stopped", summary)
    assert match, summary
    by_status = {int(k): int(v) for k, v in re.findall(r"(\d{3}): (\d+)", match.group(2))}
    assert by_status[408] == 100
    assert by_status[413] == 100  # every huge body refused, also those whose answer the client could not read
    assert by_status[431] == 100
    assert by_status[503] == 10 and int(match.group(4)) == 10
    assert by_status[200] == 101  # the good queries and the one after the storm
    assert by_status[403] == 100 and by_status[405] == 50 and by_status[406] == 50 and by_status[404] == 40
    assert by_status[400] == 200 + 150
    assert int(match.group(3)) >= 100  # the bodies cut short, at least
    print(
        f"\nkg serve: 1000 bad or slow requests survived, 101 good queries answered exactly, "
        f"10 runaway queries stopped and their workers replaced; client saw {dict(seen)}; "
        f"server: {summary.strip()}; {elapsed:.0f} s"
    )


def test_serve_refuses_connections_beyond_the_cap(shipped_build):
    """With --max-connections 8, eight idle connections fill the server; the ninth gets 503 at once, and once
    the idle ones are dropped (--request-timeout) good queries are answered again."""
    port = free_port()
    with kg_serve(shipped_build, port, "--max-connections", "8", "--request-timeout", "2") as process:
        assert good_query(port) == GOOD_ANSWER  # up, workers ready, the start-up probe long gone
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(8)]
        try:
            time.sleep(0.5)  # the server accepts the eight
            assert _send(port, _get("/query?query=ASK%7B%7D")) == 503
            statuses = [_status(sock) for sock in idle]
        finally:
            for sock in idle:
                sock.close()
        assert statuses == [408] * 8
        assert good_query(port) == GOOD_ANSWER
        assert process.poll() is None


def test_serve_refuses_bad_limits(shipped_build):
    from tests.conftest import run_kg

    result = run_kg("serve", "--build", str(shipped_build), "--port", str(free_port()), "--query-timeout", "0")
    assert result.returncode == 2
    assert result.stderr == "kg: error: --query-timeout 0: give a number of seconds above 0\n"
    result = run_kg("serve", "--build", str(shipped_build), "--port", str(free_port()), "--max-body", "10")
    assert result.returncode == 2
    assert result.stderr == "kg: error: --max-body 10: give a number of bytes from 1024 to 1073741824\n"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listing:
            found |= {int(child) for child in listing.read().split()}
    return found


def _gone(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = set()
        for pid in pids:
            with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                if stat.read().split(") ")[-1][0] != "Z":  # a zombie has exited; only its parent's wait is left
                    alive.add(pid)
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_no_worker_outlives_kg_serve(shipped_build, how):
    """Ctrl-C stops kg serve with exit 130, a summary and no traceback; even SIGKILL, which kg cannot catch,
    takes the Oxigraph workers with it (Linux's parent-death signal), so nothing is left holding the store."""
    if not os.path.exists("/proc/self/task"):
        pytest.skip("needs Linux's /proc")
    port = free_port()
    with kg_serve(shipped_build, port) as process:
        assert good_query(port) == GOOD_ANSWER
        workers = _children(process.pid)
        assert len(workers) == 2  # kg_serve asks for two
        process.send_signal(how)
        process.wait(10)
        assert _gone(workers)
        assert port_is_closed(port)
        if how == signal.SIGINT:
            assert process.returncode == 130
            out = process.stdout.read()
            assert "stopped: 1 requests (200: 1)" in out, (out, process.stderr.read())
            assert "Traceback" not in process.stderr.read()
