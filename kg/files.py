"""Atomic file output: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import UsageError


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


class Growing:
    """A file that another thread of this process is still writing in place, for a reader that starts on it at
    once rather than after it (the store loads kg.nq while kg.nq is written). The writer's side calls `close()`
    once the file is whole, or `abandon()` if it stopped: the reader then fails instead of waiting."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.touch()  # the reader may open it before the writer does; the writer's "w" keeps the inode
        self._ended = threading.Event()
        self._whole = False

    def close(self) -> None:
        self._whole = True
        self._ended.set()

    def abandon(self) -> None:
        """The writer stopped (no effect once `close()` was called)."""
        self._ended.set()

    def read(self, stream: BinaryIO, size: int) -> bytes:
        """Up to `size` bytes more of the file from `stream` (opened on `path`), waiting for the writer to add
        some: b"" once the whole file is read."""
        while True:
            ended = self._ended.is_set()  # before reading: what the writer wrote before it ended is read after
            block = stream.read(size)
            if block:
                return block
            if ended:
                if not self._whole:
                    raise OSError(f"{self.path}: its writer stopped before the end")
                return b""
            self._ended.wait(0.005)


def cannot_write(path: Path | str, err: OSError, what: str = "write here", option: str = "--out") -> UsageError:
    """The message for a write the file system refused (full, read-only, not allowed), with what to do about
    each: a build or a draft that cannot be written is an environment problem (exit 2), never a traceback."""
    reason = err.strerror or str(err)
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = f"free some space on that disk (or raise the quota), or pass another {option}"
    elif err.errno == errno.EROFS:
        fix = f"that file system is mounted read-only; pass an {option} on a writable one"
    else:
        fix = f"pass another {option}"
    return UsageError(f"{path}: cannot {what} ({reason}); {fix}")


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
