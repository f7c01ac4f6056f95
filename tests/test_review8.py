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


@pytest.mark.long
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


# A label that, printed on a terminal, shows another: the carriage return sends the cursor back to the line's
# start and the rest is printed over "Mei Tan" (a CSV row showed `Ada Wu (verified)"`).
OVERWRITING = "Mei Tan\\rAda Wu (verified)"


@pytest.mark.parametrize(
    ("where", "old", "new"),
    [
        ("label", "    label: Mei Tan\n", f'    label: "{OVERWRITING}"\n'),
        ("alias", "    aliases: [Northwind]\n", f'    aliases: ["{OVERWRITING}"]\n'),
        ("note", "    label: Mei Tan\n", f'    label: Mei Tan\n    note: "{OVERWRITING}"\n'),
    ],
)
def test_a_carriage_return_in_a_text_is_refused_by_kg_build(where, old, new, mini_data, tmp_path):
    """kg build took a label (an alias, a note) holding a carriage return, written as the YAML escape "\\r":
    `kg query --format csv` then printed it raw, and the terminal showed `Ada Wu (verified)"` for the label
    "Mei Tan\\rAda Wu (verified)". Now refused with the file and line. (The front matter's author and publisher
    held: their whitespace, a CR included, is made single spaces.)"""
    path = next((mini_data / "facts").iterdir())
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "build"
    result = run_kg("build", "--data", str(mini_data), "--out", str(out), "--quiet")
    assert result.returncode == 1, result.stderr
    assert f"{path.name}:" in result.stderr
    assert "contains a carriage return (U+000D)" in result.stderr, result.stderr
    assert "\r" not in result.stderr
    assert not (out / "kg.nq").exists()


def test_files_with_crlf_line_ends_still_build(mini_data, tmp_path):
    """The rule above is about the "\\r" escape: a YAML file's own line ends, CR LF included, are read as line
    feeds, so facts and articles saved with Windows line ends build as before."""
    for path in [*(mini_data / "articles").iterdir(), *(mini_data / "facts").iterdir()]:
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    crlf = tmp_path / "crlf"
    result = run_kg("build", "--data", str(mini_data), "--out", str(crlf), "--quiet")
    assert result.returncode == 0, result.stderr
    assert b"\r" not in (crlf / "kg.nq").read_bytes()


def _store_holding(tmp_path, label: str):
    """A build whose store kg did not write (a data repository shipping its build/, an older kg's), holding one
    label."""
    import pyoxigraph as ox

    build = tmp_path / "planted"
    build.mkdir()
    store = ox.Store(str(build / "store"))
    store.add(
        ox.Quad(
            ox.NamedNode("https://kg.example.org/person/mei-tan"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal(label),
        )
    )
    store.flush()
    del store
    return build


QUERY = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def test_a_carriage_return_from_a_planted_store_is_refused_in_csv(tmp_path):
    """CSV has no escapes: a value holding a carriage return without a line feed printed it raw, and the
    terminal showed the text after it over the text before it. Now refused as the other controls are; TSV and
    JSON escape it."""
    build = _store_holding(tmp_path, OVERWRITING.replace("\\r", "\r"))
    result = run_kg("query", QUERY, "--build", str(build), "--format", "csv")
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert "row 1, ?l: the value holds the control character U+000D" in result.stderr, result.stderr
    tsv = run_kg("query", QUERY, "--build", str(build), "--format", "tsv")
    assert tsv.returncode == 0 and "\r" not in tsv.stdout and "Mei Tan\\rAda Wu" in tsv.stdout, tsv.stdout


def test_a_line_break_in_a_csv_value_is_still_written(tmp_path):
    """A CR LF or LF inside a quoted CSV field is CSV's own way to carry a line break, and overwrites nothing."""
    build = _store_holding(tmp_path, "first line\r\nsecond line")
    result = run_kg("query", QUERY, "--build", str(build), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'l\n"first line\nsecond line"\n'  # run_kg reads text: its CR LFs read as LFs


HOSTILE_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>F</title><link>http://127.0.0.1/</link>
<item><title>A</title><link>{base}/a\u009d0;PWNED\u009c.html</link></item>
<item><title>B</title><link>{base}/b\x1b]0;PWNED\x07\x1b[2J.html</link></item>
<item><title>C</title><link>{base}/c\u202egnp.exe</link></item>
</channel></rss>"""


class _Feed(http.server.BaseHTTPRequestHandler):
    """A feed whose item links hold an escape sequence, C1 controls and a right-to-left override; every other
    address is a 404."""

    def do_GET(self) -> None:
        if self.path != "/feed.xml":
            self.send_error(404)
            return
        body = HOSTILE_FEED.format(base=f"http://127.0.0.1:{self.server.server_address[1]}").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_feeds_links_cannot_drive_the_terminal(tmp_path):
    """`kg add --feed` printed each refused item's link as the feed gave it: ESC ] 0;PWNED BEL set the terminal's
    title, ESC [ 2J cleared it, U+009D (OSC) and U+202E (RLO) went out raw. Now shown as escapes."""
    (tmp_path / "data").mkdir()
    with serving(http.server.HTTPServer(("127.0.0.1", 0), _Feed)) as server:
        feed = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        result = run_kg("add", "--data", str(tmp_path / "data"), "--allow-private", "--feed", feed, env=NO_PROXY)
    assert result.returncode == 2, result.stderr
    printed = result.stdout + result.stderr
    assert "3 refused" in printed, printed
    for raw in ("\x1b", "\x07", "\x9d", "\u202e"):
        assert raw not in printed, repr(printed)
    assert "\\x1b]0;PWNED\\x07" in result.stderr and "\\u202egnp.exe" in result.stderr, result.stderr
