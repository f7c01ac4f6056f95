"""Builds killed with SIGKILL at random moments leave the previous build/ whole; concurrent builds are refused."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import ROOT, run_kg

FORMATS = "turtle,trig,ntriples,nquads,graphml,html"


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_sigkill_at_random_points_leaves_a_whole_build(mini_data: Path, tmp_path: Path) -> None:
    """Full builds (no cache: an update in place, killed the same way, is tested in tests/test_increment.py)."""
    out, reference = tmp_path / "build", tmp_path / "reference"
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", FORMATS).returncode == 0
    version_a = _snapshot(out)
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: Ada Wu", "label: Ada B. Wu"), encoding="utf-8")
    started = time.monotonic()
    assert run_kg("build", "--data", str(mini_data), "--out", str(reference), "--formats", FORMATS).returncode == 0
    duration = time.monotonic() - started
    version_b = _snapshot(reference)
    assert version_a != version_b

    rng = random.Random(20200327)
    killed_mid_build = 0
    for _ in range(15):
        args = ["build", "--data", str(mini_data), "--out", str(out), "--formats", FORMATS, "--no-cache"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, duration * 1.1))
        if proc.poll() is None:
            killed_mid_build += 1
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        state = _snapshot(out)
        assert state in (version_a, version_b), "build/ is a mix of two builds or incomplete"
        ox.parse(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)
    assert killed_mid_build >= 5, "the kills did not land inside builds; the test proved nothing"
    print(f"\nkills: {killed_mid_build} of 15 builds killed mid-build, build/ whole after every one")
    # A later build cleans up the staging directories the killed ones left behind.
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", FORMATS).returncode == 0
    assert _snapshot(out) == version_b
    assert not list(tmp_path.glob(".build.staging-*"))


def test_second_concurrent_build_is_refused(mini_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert run_kg("build", "--data", str(mini_data), "--out", str(out)).returncode == 0
    before = _snapshot(out)
    with open(tmp_path / ".build.kg-lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        result = run_kg("build", "--data", str(mini_data), "--out", str(out))
    assert result.returncode == 2
    assert f"{out}: another kg build is writing here; wait for it to finish" in result.stderr
    assert _snapshot(out) == before
    assert run_kg("build", "--data", str(mini_data), "--out", str(out)).returncode == 0


def test_partial_formats_keep_the_other_files(mini_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", FORMATS).returncode == 0
    before = _snapshot(out)
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: Ada Wu", "label: Ada C. Wu"), encoding="utf-8")
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "turtle").returncode == 0
    after = _snapshot(out)
    assert after["kg.ttl"] != before["kg.ttl"] and "Ada C. Wu" in (out / "kg.ttl").read_text(encoding="utf-8")
    assert {k: v for k, v in after.items() if k != "kg.ttl"} == {k: v for k, v in before.items() if k != "kg.ttl"}
