"""Findings of the sixth outside review of `kg serve`, `kg push` and the build (issue 21), each reproduced with
real parts: the real CLI, a real `oxigraph serve`, real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.serve import endpoint
from kg.serve.front import Worker
from tests.conftest import run_kg

# (file, text replaced, its replacement, what the message names, line): each a YAML escape, so the file itself
# holds only printable characters; U+009B is CSI and U+009D OSC to a terminal, U+0085 a line break
HOSTILE_TEXTS = [
    (
        "articles/mini-news.md",
        'title: "Fictional test: Qinglan province backs a ledger institute"',
        'title: "Fictional test \\u009b2J\\u009d0;pwned\\u009c"',
        "article title contains the control character U+009B",
        2,
    ),
    ("articles/mini-news.md", "author: Mei Tan", 'author: "Mei \\u009b31m Tan"', "author contains the control", 3),
    (
        "articles/mini-news.md",
        "publisher: Harbour Daily",
        'publisher: "Harbour \\u0085Daily"',
        "publisher contains the control character U+0085",
        4,
    ),
    (
        "articles/mini-news.md",
        "author: Mei Tan",
        'author: "Mei \\e[31m Tan"',
        "author contains the character U+001B",
        3,
    ),
    (
        "articles/mini-news.md",
        "publisher: Harbour Daily",
        'publisher: "Harbour \\e]0;pwned\\a Daily"',
        "publisher contains the character U+001B",
        4,
    ),
    ("facts/mini-news.yaml", "label: Ada Wu", 'label: "Ada \\u009b2J Wu"', "label contains the control", 15),
    ("facts/mini-news.yaml", "role: chief scientist", 'role: "chief \\x9d scientist"', "role contains the control", 46),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "said", "line"),
    HOSTILE_TEXTS,
    ids=["title-CSI", "author-CSI", "publisher-NEL", "author-ESC", "publisher-ESC", "label-CSI", "role-OSC"],
)
def test_a_control_character_a_terminal_acts_on_never_reaches_the_graph(
    mini_data: Path, tmp_path: Path, file: str, old: str, new: str, said: str, line: int
) -> None:
    """Before: DEL and the C1 controls passed the check (it refused only what XML cannot hold), so a label, title,
    quote or role holding U+009B (CSI) went into the store, and `kg query --format csv` (tsv, json, turtle) and
    kg serve's answers printed it raw: a terminal cleared its screen or took a new title. The front matter's
    author and publisher were not checked at all: an escape sequence there ended `kg build` in a ValueError
    traceback from the GraphML writer, and `--formats store` put it in the graph."""
    path = mini_data / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    out = tmp_path / "build"
    for formats in ("store", "all"):
        args = ["build", "--data", str(mini_data), "--out", str(out), "--no-cache"]
        done = run_kg(*args, *(["--formats", "store"] if formats == "store" else []))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert f"{path.relative_to(mini_data.parent)}:{line}: {said}" in done.stderr.replace(
            str(mini_data.parent) + "/", ""
        )
        assert not out.exists()
        assert not any(0x80 <= ord(c) <= 0x9F or c == "\x1b" for c in done.stdout + done.stderr)


def test_a_c1_control_in_the_body_may_stay_where_no_quote_takes_it(mini_data: Path, tmp_path: Path) -> None:
    """The body is kept as published (evidence offsets index it): a control character outside every quote is
    not refused, since no output carries the body's text but its quotes."""
    path = mini_data / "articles/mini-news.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Author: Mei Tan", "Author: Mei Tan \u009b"), "utf-8")
    done = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "\u009b" not in (tmp_path / "build/kg.nt").read_text(encoding="utf-8")


class Squatter:
    """A local process's listener that watches for this process's Oxigraph workers and binds the port named on
    a worker's command line (/proc/PID/cmdline, readable by every user) before the worker does, answering any
    query with a forged row."""

    FORGED = b"?s\n<https://forged.example/answer>\n"

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.taken: list[int] = []
        self.sockets: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _workers(self) -> Iterator[list[bytes]]:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(f"/proc/{pid}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():  # only this test's workers
                    yield Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")

    def _watch(self) -> None:
        while not self.stopping.is_set():
            for argv in self._workers():
                if b"serve-read-only" not in argv or b"--bind" not in argv:
                    continue
                port = int(argv[argv.index(b"--bind") + 1].rpartition(b":")[2])
                if port == 0 or port in self.taken:
                    continue
                listener = socket.socket()
                try:
                    listener.bind(("127.0.0.1", port))
                    listener.listen(8)
                except OSError:
                    listener.close()
                    continue
                self.taken.append(port)
                self.sockets.append(listener)
                threading.Thread(target=self._answer, args=(listener,), daemon=True).start()
            time.sleep(0.001)

    def _answer(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    self.requests.append(conn.recv(65536))
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/tab-separated-values\r\nConnection: close\r\n"
                    conn.sendall(head + b"Content-Length: %d\r\n\r\n" % len(self.FORGED) + self.FORGED)

    def close(self) -> None:
        """Stop watching and free every port taken: a listener's close alone leaves the port bound while a
        thread waits in accept() on it."""
        self.stopping.set()
        self.thread.join(5)
        for listener in self.sockets:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()


def test_a_local_process_cannot_take_a_workers_port_before_it_listens(tmp_path: Path, shipped_build: Path) -> None:
    """Before: kg chose a free port, closed it and gave its number to `oxigraph serve-read-only --bind`; a local
    process that read the number from the worker's command line and bound it first was taken for the worker
    (the start check only connected), was sent every query and had its answers relayed as the graph's (measured
    on `kg serve`: a squatter polling /proc every millisecond took both workers' ports, 2 of 2, and answered 4
    of 4 queries). The worker here is the real Oxigraph started a second late (a large store on a slow disk
    takes that long to open), so the squatter is in time whenever the port is there to take."""
    real = endpoint.oxigraph_binary()
    late = tmp_path / "oxigraph-late"
    late.write_text(f'#!/bin/sh\nsleep 1\nexec "{real}" "$@"\n', encoding="utf-8")
    late.chmod(0o755)
    squatter = Squatter()
    query = "SELECT ?s WHERE { ?s a <https://kg.example.org/ontology#ResearchInstitute> } ORDER BY ?s LIMIT 1"

    async def ask() -> bytes:
        worker = Worker(str(late), shipped_build / "store", max_memory=1024)
        try:
            await worker.start()
            reader, writer = await asyncio.open_connection("127.0.0.1", worker.port)
            body = query.encode()
            writer.write(
                b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                b"Content-Type: application/sparql-query\r\nAccept: text/tab-separated-values\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), 30)
            writer.close()
            return answer
        finally:
            await worker.kill()

    try:
        answer = asyncio.run(ask())
    finally:
        squatter.close()
    assert squatter.requests == []
    assert b"forged.example" not in answer
    assert b"https://kg.example.org/organisation/" in answer


def _kg_build_measured(cwd: Path, *args: str, seconds: float = 120) -> tuple[int, str, int]:
    """(exit status, stderr, peak resident memory in MiB) of the real `kg build`, run with its address space
    capped at 3 GiB so that a build reading without end stops there rather than taking the machine."""
    import resource
    import subprocess
    import sys

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=cap,
    )
    timer = threading.Timer(seconds, process.kill)
    timer.start()
    try:
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        process.returncode = 0  # reaped here, by wait4
    code = os.waitstatus_to_exitcode(status)
    assert code != -9, f"kg build was still running after {seconds} s: {stderr}"
    return code, stderr, usage.ru_maxrss // 1024


@pytest.fixture()
def built_once(mini_data: Path) -> tuple[Path, Path, str]:
    """A project (data/ of the mini fixture) built once with the default cache: (project, cache, entry name)."""
    project = mini_data.parent
    code, stderr, _ = _kg_build_measured(project, "--data", "data", "--out", "build")
    assert code == 0, stderr
    cache = project / ".build.kg-cache"
    entries = [p.name for p in cache.iterdir() if len(p.name) == 64]
    assert len(entries) == 1 and (cache / "state.pickle").is_file()
    return project, cache, entries[0]


@pytest.mark.parametrize("planted", ["fifo", "link-to-dev-zero"])
def test_files_planted_in_the_cache_are_not_read_without_end(built_once, planted: str) -> None:
    """The cache beside the build can come with the data (a cloned repository brings links; an archive, FIFOs),
    under the names kg reads: state.pickle, and each entry's name, the SHA-256 of the sources, which anyone with
    the repository can compute. Sealing kept them from being unpickled, not from being read: a FIFO held
    `kg build` for ever (killed after 20 s), and a link to /dev/zero was read until an allocation failed (2.7 GB
    in 12 s here, under a 3 GB cap; without one, the machine's memory). Now such a file is no cache entry:
    a full build, its outputs those of a clean build."""
    project, cache, entry = built_once
    shutil.rmtree(project / "build")
    clean = project / "clean"
    assert run_kg("build", "--data", "data", "--out", str(clean), "--no-cache", cwd=project).returncode == 0
    for name in ("state.pickle", entry):
        (cache / name).unlink()
        if planted == "fifo":
            os.mkfifo(cache / name)
        else:
            (cache / name).symlink_to("/dev/zero")
    code, stderr, peak = _kg_build_measured(project, "--data", "data", "--out", "build", seconds=60)
    assert code == 0, stderr
    assert peak < 1024, f"{peak} MiB"
    for name in ("kg.nt", "kg.nq", "kg.graphml"):
        assert (project / "build" / name).read_bytes() == (clean / name).read_bytes(), name


def test_a_data_file_made_a_link_to_dev_zero_is_not_read_without_end(built_once) -> None:
    """An in-place build read a changed data file as it was (Path.read_bytes), not as the full build does (a
    regular file within the size limit): a facts file that a `git pull` made a link to /dev/zero was read until
    an allocation failed (2.7 GB in 2.5 s, under a 3 GB cap) before the full build refused it. Now it is
    refused at once, with the same message."""
    project, _, _ = built_once
    for facts in ("mini-news.yaml", "zz-new.yaml"):  # a file the record has, and one it does not
        path = project / "data" / "facts" / facts
        saved = path.read_bytes() if path.exists() else None
        path.unlink(missing_ok=True)
        path.symlink_to("/dev/zero")
        code, stderr, peak = _kg_build_measured(project, "--data", "data", "--out", "build", seconds=60)
        assert code == 1 and f"data/facts/{facts}: not a regular file" in stderr, stderr
        assert "Traceback" not in stderr
        assert peak < 1024, f"{peak} MiB"
        path.unlink()
        if saved is not None:
            path.write_bytes(saved)


@pytest.mark.parametrize("planted", ["link", "fifo"])
def test_a_planted_lock_file_empties_no_file_and_holds_no_build(mini_data: Path, tmp_path: Path, planted: str) -> None:
    """`kg build` opened its lock file beside the output, `.build.kg-lock`, with open(path, "w"): a data
    repository that ships it as a link to a file of the user's had that file emptied by the first build (a
    thesis of 21 bytes left with 0; ~/.bashrc alike), and one that ships it as a FIFO held the build for ever.
    Now neither is followed nor waited on: exit 2 saying what to remove, the file untouched."""
    project = mini_data.parent
    thesis = tmp_path / "outside" / "thesis.tex"
    thesis.parent.mkdir()
    thesis.write_text("precious thesis text\n", encoding="utf-8")
    lock = project / ".build.kg-lock"
    if planted == "link":
        lock.symlink_to(thesis)
    else:
        os.mkfifo(lock)
    code, stderr, _ = _kg_build_measured(project, "--data", "data", "--out", "build", seconds=60)
    assert thesis.read_text(encoding="utf-8") == "precious thesis text\n"
    assert code == 2, stderr
    assert ".build.kg-lock: is not the lock file kg build makes" in stderr and "remove it" in stderr
    assert "Traceback" not in stderr
    lock.unlink()
    code, stderr, _ = _kg_build_measured(project, "--data", "data", "--out", "build", seconds=60)
    assert code == 0, stderr
    assert lock.is_file() and not lock.is_symlink()


def _worker_ports(parent: int) -> list[int]:
    """The ports of 127.0.0.1 on which the Oxigraph workers of process `parent` listen (/proc, as `ss -ltnp`)."""
    listening = {}
    for row in Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]:
        fields = row.split()
        if fields[3] == "0A":
            listening[f"socket:[{fields[9]}]"] = int(fields[1].partition(":")[2], 16)
    ports = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) != parent:
                continue
            if b"serve-read-only" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link in listening:
                        ports.append(listening[link])
    return sorted(ports)


def test_a_web_page_cannot_reach_a_worker_behind_the_front(shipped_build: Path) -> None:
    """Each worker is plain Oxigraph on a port of 127.0.0.1, without the front's checks: it runs SERVICE clauses,
    answers any Host and has no time limit. Its port was an ephemeral one, which a web page can reach: here a
    page of another site (127.0.0.2) in Chromium sends each worker port a no-cors POST form (a "simple" request,
    sent without asking) holding `SERVICE <http://127.0.0.1:LISTENER/>`, and the worker sent the listener the
    query (before: 2 workers, 2 connections; a page that does not know the ports tries the 28,000 of the
    ephemeral range). Now the workers listen on ports every browser refuses to connect to (the Fetch standard's
    bad ports): Chromium says net::ERR_UNSAFE_PORT, and nothing reaches the listener."""
    import http.server

    from tests.browser import chromium
    from tests.conftest import serving
    from tests.test_serve import free_port, kg_serve

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    reached: list[bytes] = []

    def record() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    reached.append(conn.recv(4096))

    threading.Thread(target=record, daemon=True).start()
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.getsockname()[1]}/sparql> {{ ?s ?p ?o }} }}"
    port = free_port()
    with kg_serve(shipped_build, port) as process:
        for _ in range(100):  # both workers, once they listen
            ports = _worker_ports(process.pid)
            if len(ports) == 2:
                break
            time.sleep(0.1)
        assert len(ports) == 2, ports
        script = (
            (
                "<script>const body = new URLSearchParams({query: QUERY});"
                "Promise.allSettled(PORTS.map(p => fetch(`http://127.0.0.1:${p}/query`, "
                "{method: 'POST', mode: 'no-cors', body}))).then(r => document.title = "
                "r.map(x => x.status).join(','))</script>"
            )
            .replace("QUERY", json.dumps(query))
            .replace("PORTS", json.dumps(ports))
            .encode()
        )

        class OtherSite(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(script)))
                self.end_headers()
                self.wfile.write(script)

            def log_message(self, *args) -> None:
                pass

        with serving(http.server.HTTPServer(("127.0.0.2", 0), OtherSite)) as site, chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://127.0.0.2:{site.server_address[1]}/", wait_until="load")
            page.wait_for_function("document.title !== ''", timeout=30_000)
            settled = page.title()
        time.sleep(1)  # a SERVICE request the worker makes, given time to arrive
    listener.close()
    assert reached == [], reached
    assert settled == "rejected,rejected", settled


def test_every_port_a_worker_may_take_is_one_chromium_refuses() -> None:
    """The workers' ports are safe from web pages only if the browser refuses them: the Fetch standard's list
    held 4190 and 6679, which Debian's Chromium 156 still connects to (CI caught a worker on 6679 reached by a
    page). Each port kg may give a worker is tried from a page; each must fail as an unsafe port, not as a
    refused connection."""
    from kg.serve.front import BROWSER_BLOCKED_PORTS
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.new_page()
        reachable = []
        for port in BROWSER_BLOCKED_PORTS:
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=5000)
                reachable.append((port, "answered"))
            except Exception as error:  # Playwright's Error: the reason is in its message
                if "ERR_UNSAFE_PORT" not in str(error):
                    reachable.append((port, str(error).splitlines()[0]))
    assert reachable == []
