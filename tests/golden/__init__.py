"""Golden outputs of a small fixture corpus (tests/fixtures/golden): what kg writes, committed byte for byte.

Byte-stability checked as "this run equals another run of the same code" cannot see a change that every run
makes alike; these files can. tests/test_golden.py builds the fixture under two hash seeds and compares each
output with its file here, and compares a `kg extract` draft of one article the same way.

The files change only through an explicit command, run from the repository root:

    python3 -m tests.golden            # compare, and list every file that differs (exit 1 if any)
    python3 -m tests.golden --update   # rewrite the files here, listing each one it changed

The tests never rewrite them. After --update, read `git diff tests/golden` and commit the change with the
reason for it: a diff here is a change every user of that format sees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path("tests/fixtures/golden")  # relative: the draft names its article by the path it was given
OUTPUTS = Path(__file__).resolve().parent / "outputs"
# every byte-stable output: not the store (RocksDB files), not kg.html (vis-network inside: 700 KB), not
# kg.nq (the N-Triples and the TriG hold its quads)
FORMATS = "turtle,trig,ntriples,graphml,jsonld,neo4j,sheets"
DRAFTED = "golden-alpha"


def produce(target: Path, seed: str = "0", extract: bool = True) -> dict[str, bytes]:
    """Build the fixture (and extract a draft) with the real CLI under PYTHONHASHSEED=seed; every output file by
    its path relative to `target` (built/... and extract/...; not build/, which git ignores)."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = target / "built"
    draft = target / "extract" / f"{DRAFTED}.yaml"
    draft.parent.mkdir(parents=True, exist_ok=True)
    runs = [["build", "--data", str(FIXTURE), "--out", str(out), "--formats", FORMATS, "--no-cache", "--quiet"]]
    if extract:
        runs.append(["extract", str(FIXTURE / "articles" / f"{DRAFTED}.md"), "--data", str(FIXTURE), "-o", str(draft)])
    for args in runs:
        done = subprocess.run(
            [sys.executable, "-m", "kg", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(f"kg {args[0]} failed:\n{done.stderr}")
    return files(target)


def files(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` but hidden ones (a lock, a staging directory beside the build)."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(directory).parts)
    }


def differences(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    """One line per file that is missing, extra, or different (with its first differing line)."""
    out = []
    for name in sorted(set(got) | set(want)):
        if name not in got:
            out.append(f"{name}: not written any more")
        elif name not in want:
            out.append(f"{name}: new, no golden file")
        elif got[name] != want[name]:
            old, new = want[name].split(b"\n"), got[name].split(b"\n")
            line = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
            shown = new[line][:160] if line < len(new) else b"(end of file)"
            out.append(f"{name}:{line + 1}: differs; now {shown!r}")
    return out
