"""Atomic file output: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def text_writer(path: Path):
    """A UTF-8, LF-only text stream with a large buffer, for writers that emit many short lines."""
    return open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(new: Path, target: Path) -> None:
    """Put directory `new` at `target` in one step; afterwards `new` holds the old target (if there was one).

    Linux's renameat2(RENAME_EXCHANGE) swaps two paths atomically, so readers and crashes see the old or the
    new directory, never none. Where it is unavailable, two renames leave a window of microseconds in which
    `target` is missing but never half-written.
    """
    if not target.exists():
        os.replace(new, target)
        new.mkdir()
        return
    if _renameat2(new, target):
        return
    aside = new.with_name(new.name + ".old")
    os.replace(target, aside)
    os.replace(new, target)
    os.replace(aside, new)


def _renameat2(a: Path, b: Path) -> bool:
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        func = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
