"""The build directory and what is written into it, shared by the full build (build.py) and the in-place update
(increment.py): one writer at a time per directory (`lock`), every output staged beside the directory and
swapped in as one step (`staged`), the writers run side by side on every core (`write_side_by_side`), and the
summary `kg build` prints.

Here, below both, so that the update is a stage the build calls and never a caller of the build."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import shutil
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg import export
from kg import files as fsutil
from kg.errors import UsageError, first_names
from kg.pipeline import parallel
from kg.pipeline.progress import Progress, stage

if TYPE_CHECKING:
    from kg.pipeline.run import Build


def summary(by_class: Counter[str], statements: int, sources: int) -> str:
    """What `kg build` prints: entities by class, statements, sources."""
    lines = [f"{sum(by_class.values())} entities, {statements} statements, {sources} sources"]
    width = max((len(c) for c in by_class), default=0)
    for cls, count in sorted(by_class.items(), key=lambda x: (-x[1], x[0])):
        if count:
            lines.append(f"  {cls:<{width}}  {count}")
    return "\n".join(lines)


@contextlib.contextmanager
def lock(out_dir: Path) -> Iterator[None]:
    """One build at a time per output directory; a second one gets a clear message instead of interleaving.

    The lock file sits beside the output directory (not inside it), because the directory itself is swapped.
    It is opened without following a link, without truncating and without blocking: a data repository can ship
    `.build.kg-lock` as a link to any file of the user's, which `open(..., "w")` emptied (a thesis, ~/.bashrc),
    or as a FIFO, on which the open would wait for ever.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    path = out_dir.parent / f".{out_dir.name}.kg-lock"
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as err:
        if err.errno not in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            raise
        fd = -1
    if fd < 0 or not stat.S_ISREG(os.fstat(fd).st_mode):
        if fd >= 0:
            os.close(fd)
        raise UsageError(
            f"{path}: is not the lock file kg build makes (a link, a folder or a pipe; a data repository may have "
            "brought it); remove it, then build again"
        )
    handle = os.fdopen(fd, "w")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"{out_dir}: another kg build is writing here; wait for it to finish") from None
        yield
    finally:
        handle.close()


# quads from which the writers run side by side and wait for the store's loads: below, a writer's work is a few
# milliseconds, less than starting a process for it
SIDE_BY_SIDE_FROM = 100_000


def write_side_by_side(
    formats: list[export.Format],
    build: Build | nx.MultiDiGraph,
    staging: Path,
    progress: Progress | None,
    quads: int,
) -> None:
    """Write `formats` into `staging` in this process and forked ones, one per core, heaviest first (kg.pipeline.parallel):
    each writer is plain Python bound to one core, and each writes its own file. `build` is the build, or the
    projection alone when every format is a view format (an incremental update); `quads` the dataset's size."""
    ordered = sorted(formats, key=lambda fmt: -fmt.cost)

    def data(fmt: export.Format) -> Any:
        if isinstance(build, nx.MultiDiGraph):
            return build
        return build.rdf if fmt.input == "rdf" else build.view

    parallel.run(
        [functools.partial(_write_one, fmt, data(fmt), staging / fmt.filename) for fmt in ordered],
        (os.cpu_count() or 1) if quads >= SIDE_BY_SIDE_FROM else 1,
        here=lambda i: stage(progress, f"writing {ordered[i].filename}"),
        finished=lambda i: _count(progress, f"writing {ordered[i].filename}"),
    )


def _write_one(fmt: export.Format, data: Any, path: Path) -> None:
    fmt.load().write(data, path)


def _count(progress: Progress | None, name: str) -> None:
    with stage(progress, name):
        pass


@contextlib.contextmanager
def staged(
    out_dir: Path,
    check: Callable[[], None] | None = None,
    done: Callable[[], None] | None = None,
    keep: set[str] | None = None,
) -> Iterator[Path]:
    """A staging copy of out_dir to write the new build into, put in place of out_dir in one step when the block
    ends without error, and removed otherwise.

    The copy is beside out_dir, its files hard-linked from the build before (a writer removes a file before
    writing it, never writing through a link). The two directories are exchanged with one rename, so a build
    killed at any moment leaves the previous build/ whole: never a mix of old and new files. One build at a
    time per directory (`lock`): `check` runs first under the lock (an update verifies that the build it
    updates is still the one there), `done` last (a build records itself), so no other build comes between.
    `keep` names the outputs this build writes: any other output of the build before is left out of the copy,
    since a build replaces its directory and a stale file beside the new ones (a store answering `kg query` from
    old data) would disagree with them.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a directory; pass another --out")
    try:
        with lock(out_dir):
            if check is not None:
                check()
            refuse_foreign(out_dir)
            _remove_leftovers(out_dir)
            staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
            try:
                if out_dir.is_dir():
                    _link_tree(out_dir, staging, keep)
                yield staging
                fix_modes(staging)
                fsutil.exchange(staging, out_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            if done is not None:
                done()
    except OSError as err:  # not allowed, read-only file system, disk full: the build before stays as it was
        raise fsutil.cannot_write(out_dir, err, "write the build here") from err


def refuse_foreign(out_dir: Path) -> None:
    """An existing out_dir must hold nothing but a build's outputs: the build replaces the whole directory, so
    anything else in it (a file of the user's, the articles) would be lost, and the outputs' modes are set."""
    if not out_dir.is_dir():
        return
    outputs = {fmt.filename: fmt for fmt in export.FORMATS.values()}
    foreign = []
    for entry in sorted(out_dir.iterdir()):
        fmt = outputs.get(entry.name)
        ours = fmt is not None and not entry.is_symlink()
        if not (ours and (fmt.is_earlier_output(entry) if fmt.is_directory else entry.is_file())):
            foreign.append(f"{entry.name}/" if entry.is_dir() and not entry.is_symlink() else entry.name)
    if foreign:
        shown = first_names(foreign)
        raise UsageError(
            f"{out_dir}: holds {shown}, which kg build did not write; a build replaces the whole directory, "
            "so pass a new --out (or an empty directory)"
        )


def _remove_leftovers(out_dir: Path) -> None:
    """Staging directories of builds that were killed: safe to delete while we hold the lock."""
    for leftover in out_dir.parent.glob(f".{out_dir.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _link_tree(source: Path, target: Path, keep: set[str] | None = None) -> None:
    for entry in sorted(source.iterdir()):
        if keep is not None and entry.name not in keep:
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, copy_function=os.link)
        else:
            os.link(entry, target / entry.name)


def remove(path: Path) -> None:
    """Delete a file or directory output, if there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def fix_modes(root: Path) -> None:
    """The build's usual modes (directories 755, files 644): a staging directory is made private (mkdtemp's 700),
    and a build is meant to be read by others, as `kg build` into an empty folder leaves it."""
    os.chmod(root, 0o755)
    for path in root.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
