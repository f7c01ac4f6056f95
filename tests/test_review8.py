"""Eighth outside review of `kg serve`, `kg push`, `kg add` and the build cache (issue 21). Real parts only: real
sockets on 127.0.0.1, the real CLI in a subprocess."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
from typing import ClassVar

import pytest

from tests.conftest import run_kg, serving

NO_PROXY = {"NO_PROXY": "*", "no_proxy": "*"}


class _Counting(http.server.BaseHTTPRequestHandler):
    """A page server that counts the requests it was sent."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = b"<html><head><title>T</title></head><body><article><p>Short.</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("timeout", ["nan", "inf", "1e300", "86401", "0"])
def test_a_timeout_no_fetch_can_keep_is_a_usage_error(timeout, tmp_path):
    """`kg add --timeout nan` passed the `<= 0` check: every fetch failed at once with "no complete answer within
    nan s"; inf and 1e300 let a server hold the fetch for ever. Now the bound kg push has: refused, nothing fetched."""
    _Counting.seen = []
    with serving(http.server.HTTPServer(("127.0.0.1", 0), _Counting)) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        result = run_kg(
            "add", "--data", str(tmp_path / "data"), "--allow-private", "--timeout", timeout, url, env=NO_PROXY
        )
    assert result.returncode == 2, result.stderr
    assert "give a number of seconds above 0, at most 86400" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _Counting.seen == []


def _build_peak_memory(data, out) -> tuple[subprocess.CompletedProcess, int]:
    """`kg build` run as a user would, and the most memory (bytes) it held: measured by a parent of its own, whose
    RUSAGE_CHILDREN sees that build only."""
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'kg', 'build', '--data', sys.argv[1], '--out', sys.argv[2], "
        "'--quiet'], capture_output=True, text=True)\n"
        "sys.stderr.write(done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n"
        "sys.exit(done.returncode)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(data), str(out)], capture_output=True, text=True, timeout=300
    )
    return result, int(result.stdout.split()[-1])


@pytest.mark.parametrize("planted", ["state", "entry"])
def test_a_planted_cache_file_costs_a_read_not_its_size_in_memory(planted, mini_data, tmp_path):
    """A data repository can ship `.build.kg-cache/state.pickle` and the entries named for its sources: regular
    files of up to 1 GiB, which kg read whole before checking their seal (a 1000 MB state.pickle: 1.09 GB of
    memory for the build). The seal's header is no secret, so a planted file can carry it; its MAC cannot hold.
    Now the seal is checked a chunk at a time before the file is held in memory."""
    out = tmp_path / "build"
    first, _ = _build_peak_memory(mini_data, out)
    assert first.returncode == 0, first.stderr
    cache = tmp_path / ".build.kg-cache"
    names = [p.name for p in cache.iterdir() if re.fullmatch("[0-9a-f]{64}", p.name)]
    assert names, sorted(p.name for p in cache.iterdir())
    victim = cache / ("state.pickle" if planted == "state" else names[0])
    size = 600 * 1024 * 1024
    with open(victim, "r+b") as handle:  # the seal's header kept, its MAC now wrong for what follows
        handle.seek(0, os.SEEK_END)
        handle.truncate(size)
    if planted == "state":
        for article in (mini_data / "articles").iterdir():
            os.utime(article)  # an in-place build: it reads its record of the sources
    else:
        (cache / "state.pickle").unlink()  # a full build: it reads the entry of each source
    again, peak = _build_peak_memory(mini_data, out)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert peak < size // 2, f"the build held {peak // 2**20} MiB for a {size // 2**20} MiB planted {planted}"
    assert (out / "kg.nq").stat().st_size > 0
    if planted == "state":
        assert victim.stat().st_size < size  # replaced by the build
