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
