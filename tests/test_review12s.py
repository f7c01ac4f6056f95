"""The twelfth outside review of `kg serve` and `kg query`: real `kg serve` with real Oxigraph workers and real
HTTP clients; each test failed on main at a4ba58a."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from tests.conftest import ROOT
from tests.test_serve import NO_PROXY, free_port, stop, wait_for_port

# a query that runs for seconds on the shipped build: a worker is busy with it when the signal comes
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _ask(port: int, query: str, answers: list) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/query",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    try:
        with NO_PROXY.open(request, timeout=30) as answer:
            answers.append((answer.status, answer.read()))
    except urllib.error.HTTPError as err:
        answers.append((err.code, err.read()))
    except OSError as err:
        answers.append((None, repr(err).encode()))


def test_serve_stops_on_sigterm_while_a_worker_answers(shipped_build):
    """SIGTERM while a worker answered a query: the front killed the workers, took the killed one's query for a
    failed worker (502 "the query worker failed"), started a replacement after the stop, and asyncio.run then
    waited for ever: **kg serve did not exit** (5 of 6 runs on a4ba58a; a service manager has to SIGKILL it),
    and printed "Exception in callback ... CancelledError". Now it exits 0 at once, the query gets 503 "kg serve
    is stopping", as do the queries waiting for a worker (they were cut off without an answer), and nothing
    about a cancelled task is printed."""
    for _ in range(3):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--build", str(shipped_build), "--port", str(port), "--workers", "2"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            wait_for_port(port, process)
            answers: list = []
            # two for the two workers, four waiting for one
            clients = [threading.Thread(target=_ask, args=(port, SLOW, answers)) for _ in range(6)]
            for client in clients:
                client.start()
            time.sleep(1.5)
            assert not answers, answers  # still running when the signal comes
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(10)
            except subprocess.TimeoutExpired:
                code = None
            for client in clients:
                client.join(30)
            assert code == 0, f"kg serve did not exit within 10 s of SIGTERM (answers: {answers})"
            assert time.monotonic() - started < 5
            err = process.stderr.read()
            assert "CancelledError" not in err and "Traceback" not in err, err
            assert len(answers) == 6 and all(status == 503 for status, _ in answers), answers
            assert all(b"kg serve is stopping" in body for _, body in answers), answers
        finally:
            stop(process)
