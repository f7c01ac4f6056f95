"""The twelfth outside review of kg push, the build cache and in-place builds, and the file handling of kg build /
add / extract / review: each case was reproduced on a4ba58a with the real parts (a real Dask scheduler, the real
kg CLI) and fails there."""

from __future__ import annotations

import os
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
