"""A mutation check: plant each known bug in a copy of the repository, one at a time, run the tests that
cover it, and say whether they caught it.

A test suite is only as good as the bugs it fails on. Each mutant in tests/mutation/mutants.py is one small
search-and-replace in one file (the text to find must occur exactly once, so a mutant that no longer applies
is reported, never silently skipped), with the tests that are meant to catch it. The copy is made once (the
files git tracks, in a temporary directory); each mutant is applied, its tests run there with PYTHONPATH
pointing at the copy, and the file is restored before the next one. The working tree is never touched.

    python3 -m tests.mutation.run                 # every mutant
    python3 -m tests.mutation.run ROLE DEL        # the mutants whose names are given
    python3 -m tests.mutation.run --list          # names and promises, nothing run
    python3 -m tests.mutation.run --baseline      # first run each mutant's tests on the unchanged copy
    python3 -m tests.mutation.run --repo DIR      # another checkout (e.g. an older commit's worktree)
    python3 -m tests.mutation.run NAME --tests tests/test_x.py::test_y   # other tests than the mutant's own

A mutant is `caught` when its tests fail (pytest exit code 1) and `missed` when they pass; a run that
collects no test, or errors out, is reported as such. Exit code 0 when every mutant run was caught, 1 if any
was missed, 2 on a mutant that no longer applies or a tool error. Add a mutant for every bug a review plants
or finds: it is the test of the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.mutation.mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parents[2]
OUTCOMES = {0: "missed", 1: "caught", 5: "no tests"}


def tracked_copy(repo: Path, target: Path) -> None:
    """The files git tracks in `repo`, uncommitted edits and new files included, copied to `target`: no build/,
    no ignored caches."""
    listed = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = repo / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def present(copy: Path, test: str) -> bool:
    """A test id of the mutant exists in this tree (an older commit may lack a newer test)."""
    path, _, name = test.partition("::")
    file = copy / path
    if not file.exists():
        return False
    base = name.split("::")[-1].split("[")[0]
    return not base or re.search(rf"\bdef {re.escape(base)}\b", file.read_text("utf-8")) is not None


def run_tests(copy: Path, tests: list[str], timeout: int) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "KG_MUTATION_RUN": "1"}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *tests],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return -1, time.monotonic() - started, "timed out"
    tail = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))][:1]
    return done.returncode, time.monotonic() - started, tail[0][:110] if tail else ""


def apply(copy: Path, mutant: Mutant) -> str:
    """Plant the mutant; return the original text of the file, to restore it."""
    path = copy / mutant.path
    original = text = path.read_text("utf-8")
    for search, replace in ((mutant.search, mutant.replace), *mutant.more):
        if text.count(search) != 1:
            raise LookupError(f"{mutant.path}: the text to replace occurs {text.count(search)} times, not once")
        text = text.replace(search, replace)
    path.write_text(text, "utf-8")
    return original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.mutation.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to copy (default: this one)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--baseline", action="store_true", help="run each mutant's tests unmutated first")
    parser.add_argument("--tests", nargs="+", help="run these test ids instead of each mutant's own")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per test run (default 900)")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTANTS}
    if unknown:
        print(f"no mutant named {', '.join(sorted(unknown))}; --list shows them", file=sys.stderr)
        return 2
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:16} {m.promise}\n{'':16} {m.path}: {m.bug}")
        return 0
    worst = 0
    with tempfile.TemporaryDirectory(prefix="kg-mutants-") as tmp:
        copy = Path(tmp)
        tracked_copy(args.repo.resolve(), copy)
        print(f"{'mutant':16} {'result':9} {'seconds':>7}  tests run / first failure")
        for mutant in chosen:
            tests = [t for t in (args.tests or mutant.tests) if present(copy, t)]
            if not tests:
                print(f"{mutant.name:16} {'no tests':9} {0:7.0f}  none of its tests is in this tree")
                worst = max(worst, 1)
                continue
            if args.baseline:
                code, _, first = run_tests(copy, tests, args.timeout)
                if code != 0:
                    print(f"{mutant.name:16} {'broken':9} {0:7.0f}  its tests fail unmutated: {first}")
                    worst = 2
                    continue
            try:
                original = apply(copy, mutant)
            except LookupError as err:
                print(f"{mutant.name:16} {'stale':9} {0:7.0f}  {err}")
                worst = 2
                continue
            try:
                code, seconds, first = run_tests(copy, tests, args.timeout)
            finally:
                (copy / mutant.path).write_text(original, "utf-8")
            result = OUTCOMES.get(code, "error" if code != -1 else "timeout")
            worst = max(worst, 0 if result == "caught" else 1 if result == "missed" else 2)
            shown = first if result == "caught" else f"{len(tests)} test ids: " + " ".join(tests)[:90]
            print(f"{mutant.name:16} {result:9} {seconds:7.0f}  {shown}", flush=True)
    return worst


if __name__ == "__main__":
    sys.exit(main())
