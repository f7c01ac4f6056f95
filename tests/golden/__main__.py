"""python3 -m tests.golden [--update]: compare kg's outputs of the golden fixture with tests/golden/outputs,
or rewrite them (see tests/golden/__init__.py)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.golden import OUTPUTS, differences, files, produce


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.golden", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the golden files with kg's outputs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-golden-") as tmp:
        got = produce(Path(tmp))
        changed = differences(got, files(OUTPUTS) if OUTPUTS.exists() else {})
        if not args.update:
            for line in changed:
                print(line)
            print(f"{len(changed)} golden files differ" if changed else f"all {len(got)} golden files match")
            return 1 if changed else 0
        if not changed:
            print(f"all {len(got)} golden files match; nothing rewritten")
            return 0
        for name in set(files(OUTPUTS)) - set(got):  # hidden files (.gitattributes) stay
            (OUTPUTS / name).unlink()
        for name, data in got.items():
            (OUTPUTS / name).parent.mkdir(parents=True, exist_ok=True)
            (OUTPUTS / name).write_bytes(data)
        for line in changed:
            print(f"rewrote {line}")
        print(f"{len(changed)} golden files rewritten in {OUTPUTS}: review `git diff tests/golden`, then commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
