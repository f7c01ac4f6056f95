"""The tutorial (docs/tutorial.md) as a reader follows it: every command run in order in a scratch folder, every
output it shows found in what the command really printed. A tutorial whose commands or outputs drift from kg
fails here, not in front of a new user."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

from tests.conftest import ROOT, run_kg

TUTORIAL = ROOT / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
# Commands a test cannot follow as a reader does: installing, opening a browser, the review page's server (its
# own tests drive it in Chromium: tests/test_review.py).
NOT_RUN = ("pip install", "xdg-open", "kg review")


def _commands(block: str) -> list[str]:
    """A bash block's commands, continuation lines joined."""
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _shown(block: str) -> list[str]:
    """The lines of an output block the reader is promised, "..." (left out) dropped, a timing made general."""
    return [_general(line) for line in block.splitlines() if line.strip() and line.strip() != "..."]


def _general(line: str) -> str:
    return re.sub(r"\(\d+(\.\d+)? s\)", "(N s)", line.rstrip())


def _in_order(shown: list[str], printed: str) -> list[str]:
    """The shown lines missing from the printed ones, taken in order."""
    lines = iter(_general(line) for line in printed.splitlines())
    return [line for line in shown if not any(line == got for got in lines)]


def test_the_tutorial_runs_as_written(tmp_path):
    text = TUTORIAL.read_text(encoding="utf-8")
    printed = ""  # what the last block's commands printed
    wrote = ""  # the last file a command said it wrote ("wrote PATH:")
    ran = checked = 0
    shutil.copytree(ROOT / "data", tmp_path / "data")  # the reader is in the repository's folder
    for match in BLOCK.finditer(text):
        kind, body = match.group(1), match.group(2)
        before = text[: match.start()].rstrip().rsplit("\n\n", 1)[-1]  # the paragraph that introduces it
        if kind == "bash":
            printed = ""
            for command in _commands(body):
                if command.startswith(NOT_RUN):
                    continue
                if command.startswith("kg "):
                    done = run_kg(*shlex.split(command)[1:], cwd=tmp_path)
                else:  # cp, ls: what the reader's shell does
                    done = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True)
                assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
                printed += done.stdout + done.stderr
                found = re.search(r"^wrote (\S+):", done.stdout, re.M)
                wrote = found.group(1) if found else wrote
                ran += 1
        elif kind == "text" and (name := re.search(r"Save this text as `([^`]+)`", before)):
            (tmp_path / name.group(1)).write_text(body, encoding="utf-8")
        elif kind == "yaml" and "replace the file" in before:
            assert wrote, "the tutorial replaces a file before any command wrote one"
            (tmp_path / wrote).write_text(body, encoding="utf-8")
        elif kind == "" and printed:
            missing = _in_order(_shown(body), printed)
            assert not missing, f"the tutorial shows lines kg did not print:\n{missing}\n--- printed:\n{printed}"
            checked += 1
    assert ran >= 10 and checked >= 6, (ran, checked)  # the tutorial's steps, not an empty walk
