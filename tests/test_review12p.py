"""The twelfth outside review of kg push, the build cache and in-place builds, and the file handling of kg build /
add / extract / review: each case was reproduced on a4ba58a with the real parts (a real Dask scheduler, the real
kg CLI) and fails there."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"


def _dask_args(port: int) -> tuple[str, ...]:
    return ("--formats", "nquads", "--dask", f"tcp://127.0.0.1:{port}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(path: Path, text: str, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path} after {seconds} s:\n{path.read_text(errors='replace')}")


def test_a_dask_scheduler_that_stops_mid_build_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """A real `dask scheduler` with no workers: kg build sends its batches and waits for them; the scheduler then
    stops (a cluster shut down, a connection dropped). On a4ba58a kg build ended in a Python traceback
    (distributed.client.FutureCancelledError: ... scheduler-connection-lost), exit 1; now kg's own message, exit 2,
    nothing written."""
    pytest.importorskip("distributed")
    port = _free_port()
    log = tmp_path / "scheduler.log"
    with log.open("wb") as sink:
        scheduler = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                *("--host", "127.0.0.1", "--port", str(port), "--no-dashboard"),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        _wait_for(log, "Scheduler at:")
        out = tmp_path / "build"
        build = subprocess.Popen(
            [
                *(sys.executable, "-m", "kg", "build", "--data", str(MINI), "--out", str(out), "--no-cache"),
                *_dask_args(port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=os.environ,
        )
        try:
            _wait_for(log, "Receive client connection")
            time.sleep(1.0)  # the client has sent its batches; no worker will ever take them
            scheduler.send_signal(signal.SIGTERM)
            scheduler.wait(timeout=60)
            _, stderr = build.communicate(timeout=120)
        finally:
            if build.poll() is None:
                build.kill()
                build.wait()
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait()
    assert "Traceback" not in stderr, stderr
    assert build.returncode == 2, stderr
    assert f"kg: error: --dask tcp://127.0.0.1:{port}: the build's work on the Dask cluster did not finish" in stderr
    assert "nothing was written" in stderr
    assert not (out / "kg.nq").exists()


@pytest.mark.long
def test_kg_review_of_a_draft_of_many_quotes_not_in_a_large_article_says_so_instead_of_hanging(tmp_path: Path) -> None:
    """A planted draft: 500 evidence quotes that are not in a 4.9 MB article. kg review searched each quote twice
    through the whole article, before its page opened and again on each page load and save: 5,000 such quotes held
    it 33 s (measured on a4ba58a; 50,000 against 20 MB, about 20 minutes each time). Now each distinct quote is
    searched once, and a draft whose search would scan more than kg review's bound is refused with a message
    naming the file, exit 1. On a4ba58a this command starts serving (after seconds of search) and never exits."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "tests" / "fixtures" / "review", data)
    article = data / "articles" / "harbor-valley-battery.md"
    sentence = "The harbour zebra met again by the old pier and talked about batteries for hours. "
    article.write_text(article.read_text(encoding="utf-8") + sentence * 60_000, encoding="utf-8")
    facts = data / "facts" / "harbor-valley-battery.yaml"
    quotes = "".join(
        f'      - "The harbour zebra met again by the old pier and talked number {i}."\n' for i in range(500)
    )
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace('    evidence: "Author: Mira Castell"\n', "    evidence:\n" + quotes, 1))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kg", "review", "harbor-valley-battery", "--data", str(data), "--no-browser"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    except subprocess.TimeoutExpired as err:
        raise AssertionError(f"kg review kept running (it served the page): {err.stdout!r}") from None
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{facts}: this draft's evidence quotes take more than kg review searches" in result.stderr
    assert "check the draft with `kg build`" in result.stderr
    assert "Reviewing" not in result.stdout


def _pdf_of_fonts(pages: int, fonts: int) -> bytes:
    """A PDF whose every page shares `fonts` fonts, each with a /ToUnicode map of one 20-byte range that pypdf
    expands to 65,536 entries, for each font of each page it reads: a few kB that cost pypdf minutes."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /X def\n1 begincodespacerange\n"
        b"<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0041>\nendbfrange\nendcmap\nend\nend\n"
    )
    packed = zlib.compress(cmap, 9)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    cmap_id = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
    font_ids = [
        add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>" % cmap_id) for _ in range(fonts)
    ]
    resources = add(
        b"<< /Font << " + b" ".join(b"/F%d %d 0 R" % (i + 1, f) for i, f in enumerate(font_ids)) + b" >> >>"
    )
    text = b"BT /F1 12 Tf 72 700 Td (The harbour park opens on Monday with a new pier and gardens.) Tj ET"
    content = add(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
    parent = len(objects) + pages + 1
    kids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %d 0 R /Contents %d 0 R >>"
            % (parent, resources, content)
        )
        for _ in range(pages)
    ]
    assert (
        add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % pages) == parent
    )
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % parent)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


@pytest.mark.long
def test_a_small_pdf_of_costly_fonts_is_refused_within_kg_add_s_bounds(tmp_path: Path) -> None:
    """A 19 kB PDF, 50 pages each sharing 60 fonts whose /ToUnicode maps pypdf expands (65,536 entries each) for
    every font of every page: on a4ba58a kg add read it for about 10 minutes (a 3 kB PDF of 10 pages and 10 fonts:
    20 s, 1.2 GB), its content streams far under the 8 MiB bound; more pages or fonts, hours. Now the text layer
    is read in a process of its own limited to 120 s of CPU and 2 GiB, or to the user's own lower CPU limit: here
    `prlimit --cpu=15` (a real limit of the operating system, so the test does not wait 120 s): refused, exit 2,
    nothing written. (On a4ba58a the limit killed kg add itself: no message. A guard: 500 s.)"""
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(_pdf_of_fonts(pages=50, fonts=60))
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "facts").mkdir()
    try:
        result = subprocess.run(
            [
                "prlimit",
                "--cpu=15",
                sys.executable,
                "-m",
                "kg",
                "add",
                str(pdf),
                "--data",
                str(data),
                "--title",
                "Harbour notice",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=500,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("kg add was still reading the PDF after 500 s") from None
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "reading its text layer took more than kg add allows (15 s of CPU or 2 GiB of memory)" in result.stderr
    assert "add its text as a .txt file with --title" in result.stderr
    assert not list((data / "articles").iterdir())
