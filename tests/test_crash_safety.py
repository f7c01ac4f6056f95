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
import pytest

from tests.conftest import ROOT, run_kg

FORMATS = "turtle,trig,ntriples,nquads,graphml,html"


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.long
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


def test_partial_formats_leave_no_other_files(mini_data: Path, tmp_path: Path) -> None:
    """A build replaces its directory: the outputs of formats it did not write this time are gone, not left stale
    beside the new ones (issue 22, item 6; tests/test_build_outputs.py has the store and the update in place)."""
    out = tmp_path / "build"
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", FORMATS).returncode == 0
    before = _snapshot(out)
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("label: Ada Wu", "label: Ada C. Wu"), encoding="utf-8")
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "turtle").returncode == 0
    after = _snapshot(out)
    assert after["kg.ttl"] != before["kg.ttl"] and "Ada C. Wu" in (out / "kg.ttl").read_text(encoding="utf-8")
    assert set(after) == {"kg.ttl"} and len(before) > 1


def test_a_directory_kg_did_not_write_is_never_replaced(mini_data: Path, tmp_path: Path) -> None:
    """A build replaces its whole output directory (and sets its files' modes): an --out that holds anything a
    build does not write (a file of the user's, a same-named directory holding other files, the articles) is
    refused, left as it was; an empty directory and an earlier build are fine."""
    out = tmp_path / "mine"
    (out / "tables").mkdir(parents=True)
    (out / "secret.txt").write_text("secret", encoding="utf-8")
    (out / "secret.txt").chmod(0o600)
    (out / "tables" / "my-budget.csv").write_text("a,b\n", encoding="utf-8")
    before, beside = _snapshot(out), sorted(p.name for p in tmp_path.iterdir())
    result = run_kg("build", "--data", str(mini_data), "--out", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{out}: holds secret.txt, tables/, which kg build did not write" in result.stderr
    assert _snapshot(out) == before and (out / "secret.txt").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == beside, "nothing left beside it (no cache, no lock)"
    articles = mini_data / "articles"
    result = run_kg("build", "--data", str(mini_data), "--out", str(articles))
    assert result.returncode == 2 and "mini-news.md, which kg build did not write" in result.stderr
    (tmp_path / "empty").mkdir()
    for target in ("empty", "empty"):  # an empty directory, then the build made there
        assert run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / target)).returncode == 0


def test_unusable_out_and_cache_are_refused_and_a_link_is_followed(mini_data: Path, tmp_path: Path) -> None:
    """--out the current directory, under a file, or --cache a file: a message, no traceback, nothing made; an
    --out that is a symbolic link builds in the directory it names and stays a link."""
    (tmp_path / "afile").touch()
    cases = {
        ("--out", "."): "is the current directory or holds it",
        ("--out", "afile/sub"): "afile exists and is not a directory",
        ("--cache", "afile", "--out", "b"): "--cache afile: is not a directory",
    }
    for args, message in cases.items():
        result = run_kg("build", "--data", str(mini_data), *args, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, args
    assert not (tmp_path / "b").exists() and not (tmp_path / ".b.kg-cache").exists()
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    assert (
        run_kg("build", "--data", str(mini_data), "--out", "link", "--formats", "turtle", cwd=tmp_path).returncode == 0
    )
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "kg.ttl").is_file()
    assert not [p.name for p in tmp_path.iterdir() if "staging" in p.name]
