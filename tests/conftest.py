"""Shared fixtures: the shipped data built once per session, and helpers to run the CLI for real."""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection": =, +, -, @, tab, carriage return),
# and the full-width forms of the first four, which Excel and LibreOffice read as the same (U+FF1D, U+FF0B,
# U+FF0D, U+FF20). Written here from that list: a test must not take its expected answer from kg.export.sheets.
SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


if os.environ.get("KG_MUTATION_RUN"):
    # tests/mutation/run.py: a planted bug is caught or missed; hypothesis need not shrink the failing example
    from hypothesis import Phase, settings

    settings.register_profile("mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("mutation")


def long_run(config: pytest.Config) -> bool:
    """Whether this is the long run (`python3 -m pytest -m long`): the README's command leaves out the tests marked
    `long` (pyproject's addopts give `-m "not long"`), and CI runs them next."""
    chosen = config.getoption("markexpr", "")
    return "long" in chosen and "not long" not in chosen


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A property test marked `fewer_examples(N)` runs N examples in the README's command and its full count in the
    long run: there it is marked `long` too, before `-m` selects (so it runs in both, with the same assertions)."""
    from hypothesis import settings

    for item in items:
        marker = item.get_closest_marker("fewer_examples")
        if marker is None:
            continue
        if long_run(config):
            item.add_marker(pytest.mark.long)
            continue
        test = item.obj
        full = test._hypothesis_internal_use_settings
        if full.max_examples > marker.args[0]:
            test._hypothesis_internal_use_settings = settings(full, max_examples=marker.args[0])


def need_tool(name: str) -> str:
    """Path of an external program the test needs. In CI a missing tool fails the test instead of skipping it,
    so a broken install step can never turn into a green run that tested nothing."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed; .ci/run must install it")
    pytest.skip(f"{name} not installed")


def run_kg(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `kg` command in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=cwd or ROOT, env=full_env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ of the shipped data, written once by the real CLI."""
    out = tmp_path_factory.mktemp("shipped") / "build"
    result = run_kg("build", "--data", str(DATA), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def shipped():
    from kg.pipeline import run as pipeline

    return pipeline.load(DATA)


@pytest.fixture()
def mini_data(tmp_path: Path) -> Path:
    """A private copy of the small fictional data set, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(MINI, target)
    return target


@contextlib.contextmanager
def serving(server: http.server.HTTPServer) -> Iterator[http.server.HTTPServer]:
    """A real HTTP server of a test, answering on its own thread until the block ends, then closed."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
