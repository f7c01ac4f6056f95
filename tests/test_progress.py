"""Progress of `kg build`: a bar over its stages on a terminal, and no progress text at all when standard error
is captured (pipes, logs, CI) or with --quiet. The terminal is a real pseudo-terminal with a window size, so
the positive test sees exactly what a user sees, and the silence tests can fail."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from kg.pipeline import run as pipeline
from kg.pipeline.progress import LOAD_STAGES
from tests.conftest import ROOT, run_kg


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus whose build takes a few seconds: longer than the bar's one-second delay."""
    out = tmp_path_factory.mktemp("progress") / "data"
    result = run_kg("synth", "--statements", "600", "--seed", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def build_on_a_terminal(*args: str) -> tuple[int, str, str]:
    return on_a_terminal("build", *args)


def on_a_terminal(command: str, *args: str) -> tuple[int, str, str]:
    """Run `kg COMMAND` with standard error on a pseudo-terminal (100 columns) and standard output piped.
    Returns the exit status, what reached the terminal and what reached standard output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", command, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, text=True
    )
    os.close(slave)
    terminal = bytearray()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    stdout = process.communicate(timeout=300)[0]
    return process.returncode, terminal.decode("utf-8"), stdout


def test_a_terminal_shows_the_stages(corpus: Path, tmp_path: Path) -> None:
    status, terminal, stdout = build_on_a_terminal("--data", str(corpus), "--out", str(tmp_path / "build"))
    assert status == 0
    assert "kg build: " in terminal and " stages [" in terminal
    total = LOAD_STAGES + pipeline.write_stages()  # read, check, emit; the projection; one per format
    assert "writing kg.html" in terminal and f"/{total} stages" in terminal, terminal[-500:]
    assert terminal.endswith("\r"), "the bar is cleared before the summary is printed"
    assert stdout.startswith(f"{stdout.split()[0]} entities, ") and "wrote " in stdout
    print(f"\nterminal saw {terminal.count(chr(13))} redraws; last: {terminal.rstrip().split(chr(13))[-2].strip()!r}")


def test_quiet_on_a_terminal_prints_nothing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    status, terminal, stdout = build_on_a_terminal("--data", str(corpus), "--out", str(out), "--quiet")
    assert (status, terminal, stdout) == (0, "", "")
    assert (out / "kg.html").is_file() and (out / "kg.ttl").is_file(), "quiet, but the build was written"


def test_captured_output_has_no_progress_text(corpus: Path, tmp_path: Path) -> None:
    result = run_kg("build", "--data", str(corpus), "--out", str(tmp_path / "build"))
    assert result.returncode == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].endswith(" sources") and lines[-1].startswith("wrote ")
    assert "stages" not in result.stdout and "\r" not in result.stdout


def test_quiet_with_captured_output_prints_nothing_but_errors(corpus: Path, tmp_path: Path, mini_data: Path) -> None:
    result = run_kg("build", "--data", str(corpus), "--out", str(tmp_path / "build"), "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    (mini_data / "facts" / "mini-news.yaml").write_text("entities: [\n", encoding="utf-8")
    broken = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "other"), "--quiet")
    assert broken.returncode == 1 and "mini-news.yaml" in broken.stderr and broken.stdout == ""


@pytest.mark.long
def test_export_and_validate_show_their_stages_and_are_quiet_when_asked(corpus: Path, tmp_path: Path) -> None:
    """`kg export` and `kg validate` read the whole corpus too (seconds at scale): the same bar, named after the
    command, with their own stages; nothing with --quiet but what they exist to print. (The HTML page's layout
    and a 5,000-statement corpus's SHACL run take over the bar's one-second delay.)"""
    out = tmp_path / "kg.html"
    status, terminal, stdout = on_a_terminal("export", "--data", str(corpus), "--format", "html", "--out", str(out))
    assert status == 0 and stdout == f"wrote {out}\n"
    assert "kg export: " in terminal and f"/{LOAD_STAGES + 2} stages" in terminal, terminal[-500:]
    assert "writing kg.html" in terminal, terminal[-500:]
    out.unlink()
    quiet = on_a_terminal("export", "--data", str(corpus), "--format", "html", "--out", str(out), "--quiet")
    assert quiet == (0, "", "") and out.is_file()

    larger = tmp_path / "larger"
    assert run_kg("synth", "--statements", "5000", "--seed", "2", "--out", str(larger)).returncode == 0
    status, terminal, stdout = on_a_terminal("validate", "--data", str(larger))
    assert status == 0 and "kg validate: " in terminal and f"/{LOAD_STAGES + 1} stages" in terminal, terminal[-500:]
    quiet = on_a_terminal("validate", "--data", str(corpus), "--quiet")  # quiet needs no bar-sized run
    assert quiet == (0, "", "") and "valid: all checks" in stdout  # the exit code says it passed (issue 22)
