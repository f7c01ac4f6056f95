"""The build: read and check data/, emit the RDF dataset, write every requested export atomically."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
from rdflib import Dataset as RdflibDataset

from kg import export
from kg import files as fsutil
from kg.check import loader as check
from kg.errors import DataError, UsageError, visible
from kg.export import projection as view
from kg.model import Facts
from kg.ontology import DEFAULT_DIR, Ontology
from kg.pipeline import corpus, gcpause, increment, outputs
from kg.pipeline.outputs import fix_modes, refuse_foreign, remove, staged, summary, write_side_by_side
from kg.pipeline.progress import Progress, describe, stage
from kg.pipeline.rdf import DEFAULT_BASE, Dataset, assemble
from kg.read.articles import climbs, iri_problem


@dataclass
class Build:
    """A checked build in memory: the facts, the dataset emitted from them, and the shared view."""

    facts: Facts
    ontology: Ontology
    rdf: Dataset
    base: str = DEFAULT_BASE
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks
    cache: corpus.Cache | None = None  # what the per-source stage read (kg.pipeline.increment records it)

    @cached_property
    def view(self) -> nx.MultiDiGraph:
        return view.project(self.rdf, self.ontology)

    @property
    def dataset(self) -> RdflibDataset:
        """The dataset as an rdflib Dataset, for pySHACL and Python users (parsed on first use: slow at scale)."""
        return self.rdf.rdflib

    def summary(self) -> str:
        by_class = Counter(e.cls for e in self.facts.entities.values() if e.cls != "Article")
        return summary(by_class, len(self.facts.statements), len(self.facts.sources))


def load(
    data_dir: Path | str = "data",
    ontology_dir: Path | None = None,
    base: str = DEFAULT_BASE,
    progress: Progress | None = None,
    jobs: int = 1,
    dask: str | None = None,
    cache: Path | None = None,
) -> Build:
    """Read, check and emit; raises DataError listing every problem, before anything is written.

    The per-source stage (reading each facts file with its article and its own checks) runs in `jobs`
    processes (0: one per CPU for a large corpus), or on the Dask scheduler at `dask`, and keeps its results in `cache` (see kg.pipeline.corpus).
    `progress` (the CLI's bar) is told of each of the progress.LOAD_STAGES stages."""
    if iri_problem(base) is not None or not base.endswith(("/", "#")):
        raise UsageError(f"--base {base!r} is not usable as a base IRI; give an http(s) address ending in / or #")
    if climbs(base):
        raise UsageError(
            f"--base {base!r}: a . or .. segment in its path; a reader that resolves IRIs would take the entities "
            "and graphs under it for names elsewhere (kg push refuses it): give a base without them"
        )
    if jobs < 0:
        raise UsageError(f"--jobs {jobs}: give 1 or more processes")
    with gcpause.paused():
        return _load(Path(data_dir), ontology_dir, base, progress, jobs, dask, cache)


def _load(
    data_dir: Path,
    ontology_dir: Path | None,
    base: str,
    progress: Progress | None,
    jobs: int,
    dask: str | None,
    cache: Path | None,
) -> Build:
    ontology = Ontology.load(ontology_dir)
    with stage(progress, "reading sources"):
        started = time.perf_counter()
        results = corpus.Cache(cache)
        checked, problems, emitted = corpus.read(
            Path(data_dir), Path(ontology_dir or DEFAULT_DIR), jobs, dask, results, base
        )
        per_source = time.perf_counter() - started
    with stage(progress, "checking facts"):
        problems.extend(check.check_global(checked, ontology))
        if problems:
            raise DataError(problems)
        results.commit()
    with stage(progress, "emitting RDF"):
        dataset = assemble(emitted, checked, ontology, base)
    build = Build(checked, ontology, dataset, base, cache=results)
    build.timings["per-source stage"] = per_source
    return build


def _own_cache(cache: Path | str | None) -> Path | None:
    """The cache directory, or None when it is a symbolic link or resolves elsewhere than where it is named.

    A data repository can ship `.build.kg-cache` as a link to any folder of the user's: followed, the cache's
    pruning deletes that folder's 64-hex-named files and the build writes its entries there. The seal keeps
    such a cache from running code, but not from deleting files, so the build goes without a cache."""
    if cache is None:
        return None
    path = Path(cache)
    named = Path(os.path.abspath(path))  # '..' and '.' taken as written, not followed
    try:
        elsewhere = named.is_symlink() or (named.exists() and named.resolve() != named.parent.resolve() / named.name)
    except OSError:
        elsewhere = True
    if elsewhere:
        print(
            f"kg: warning: {visible(str(path))} is a symbolic link (or resolves to another place): building without a cache; "
            "remove it, or pass --cache DIR of your own",
            file=sys.stderr,
        )
        return None
    from kg.pipeline.corpus import key_trouble

    trouble = key_trouble()
    if trouble is not None:
        print(f"kg: warning: {trouble}; building without a cache", file=sys.stderr)
        return None
    return path


def build(
    data_dir: Path | str = "data",
    out: Path | str = "build",
    formats: list[str] | None = None,
    ontology_dir: Path | None = None,
    base: str = DEFAULT_BASE,
    progress: Progress | None = None,
    jobs: int = 0,
    dask: str | None = None,
    cache: Path | None = None,
) -> increment.Outcome:
    """`kg build`: update the previous build in place when only a few sources changed since (kg.pipeline.increment, which
    needs `cache`), else read, check and write everything and record what the next build needs for that."""
    data_dir, out = Path(data_dir), output_dir(out)
    if cache is not None and Path(cache).exists() and not Path(cache).is_dir():
        raise UsageError(f"--cache {cache}: is not a directory; pass a directory for the cache, or --no-cache")
    cache = _own_cache(cache)
    refuse_foreign(out)  # before anything is read or made beside it (and again under the build's lock)
    if dask:  # checked here, not only when a source is sent to it: an up-to-date build sends none
        corpus.check_dask(dask)
    updated = increment.update(data_dir, out, formats, cache, ontology_dir, base)
    if updated is not None:
        return updated
    # one pause of the garbage collector over reading and writing: resumed between them, it walked every object
    # of the build at once (0.8 s at a million quads) just before the writers paused it again
    with gcpause.paused():
        built = load(data_dir, ontology_dir, base, progress, jobs, dask, cache)
        written = write(
            built,
            out,
            formats,
            progress,
            done=lambda: increment.record(built, data_dir, out, formats, cache, ontology_dir),
        )
        return increment.Outcome(built.summary(), written)


def output_dir(out: Path | str) -> Path:
    """The directory a build goes to, checked before anything is read: a symbolic link stands for the directory it
    names (the build replaces a directory, which would otherwise replace the link), and neither the current
    directory nor one that holds it can be replaced while in use; a file on the way is no directory to make."""
    out = Path(out)
    if out.is_symlink():
        out = out.resolve()
    here = Path.cwd().resolve()
    if out.resolve() == here or out.resolve() in here.parents:
        raise UsageError(f"--out {out}: is the current directory or holds it; pass a directory of its own, e.g. build")
    for step in (out, *out.parents):
        if step.exists() or step.is_symlink():
            if not step.is_dir():
                raise UsageError(f"--out {out}: {step} exists and is not a directory; pass another --out")
            break
    return out


def write_stages(formats: list[str] | None = None) -> int:
    """How many stages `write` reports to its progress: one per format, plus the projection if one needs it."""
    chosen = [export.get(name) for name in (formats or list(export.FORMATS))]
    return len(chosen) + any(fmt.input != "rdf" for fmt in chosen)


def write(
    build: Build,
    out_dir: Path | str = "build",
    formats: list[str] | None = None,
    progress: Progress | None = None,
    done: Callable[[], None] | None = None,
) -> list[Path]:
    """Write the chosen formats (all by default) into out_dir, replacing the directory in one atomic step
    (see `staged`: outputs of formats not chosen this time are removed, so nothing stale stays beside the new
    ones; `done` runs once it is in place)."""
    out_dir = Path(out_dir)
    chosen = [export.get(name) for name in (formats or list(export.FORMATS))]
    keep = {fmt.filename for fmt in chosen}
    with gcpause.paused(), staged(out_dir, done=done, keep=keep) as staging:  # the writers make millions of objects too
        for fmt in chosen:
            remove(staging / fmt.filename)  # never write through a hard link into the old build
        background = [fmt for fmt in chosen if fmt.background]
        # what a background writer reuses is written first, here, while that writer reads it as it grows (the
        # store loads kg.nq's first lines while the rest is written: 0.5 s at a million quads)
        early = {fmt: fsutil.Growing(staging / fmt.filename) for fmt in chosen if fmt.name in reuses(background)}
        loaded = {fmt: threading.Event() for fmt in background if fmt.cores}
        with concurrent.futures.ThreadPoolExecutor(max(1, len(background))) as pool, _abandoned(early.values()):
            running = {
                fmt: pool.submit(
                    fmt.load().write,
                    build.rdf,
                    staging / fmt.filename,
                    **{f"{r.name}_file": growing for r, growing in early.items() if r.name == fmt.reuses},
                    **({"loaded": loaded[fmt].set} if fmt in loaded else {}),
                )
                for fmt in background
            }
            for fmt, growing in early.items():
                with stage(progress, f"writing {fmt.filename}"):
                    fmt.load().write(build.rdf, growing.path)
                growing.close()
            if any(fmt.input != "rdf" for fmt in chosen):  # while the store loads: no core sits idle meanwhile
                with stage(progress, "projecting the property graph"):
                    build.view  # noqa: B018 - computed once here, so each export's stage times only itself
            if len(build.rdf) >= outputs.SIDE_BY_SIDE_FROM and sum(fmt.cores for fmt in loaded) >= (
                os.cpu_count() or 1
            ):
                # every core is loading the store: the writers below would only slow its loads down, and they
                # run as fast while it compacts (one core), so they wait for that (the loads took 8 s, not 10, at 1M)
                for fmt, event in loaded.items():
                    describe(progress, f"loading {fmt.filename}")
                    while not event.wait(0.05) and not running[fmt].done():
                        pass
            rest = [fmt for fmt in chosen if not (fmt.background or fmt in early)]
            write_side_by_side(rest, build, staging, progress, len(build.rdf))
            for fmt, future in running.items():
                with stage(progress, f"writing {fmt.filename}"):
                    future.result()
    return [out_dir / fmt.filename for fmt in chosen]


def reuses(formats: list[export.Format]) -> set[str]:
    """The formats whose files `formats` read (kg.nq for the store)."""
    return {fmt.reuses for fmt in formats if fmt.reuses}


@contextlib.contextmanager
def _abandoned(files: Iterable[fsutil.Growing]) -> Iterator[None]:
    """Whatever stops the block, the files' readers stop waiting for them (a whole file is not abandoned)."""
    try:
        yield
    finally:
        for growing in files:
            growing.abandon()


def export_one(build: Build, name: str, path: Path, progress: Progress | None = None) -> Path:
    """Write one format to one path, atomically: readers see the old output or the new one, never half.

    A directory format (neo4j, store) is written beside `path` and swapped in; it replaces only an empty
    directory or an earlier output of the same format, never a directory holding anything else.
    """
    fmt = export.get(name)
    path = Path(path)
    try:
        with gcpause.paused():
            if fmt.input != "rdf":
                with stage(progress, "projecting the property graph"):
                    build.view  # noqa: B018 - computed once, in its own stage
            data = build.rdf if fmt.input == "rdf" else build.view
            with stage(progress, f"writing {path.name}"):
                if fmt.is_directory:
                    return _export_directory(fmt, data, path)
                if path.is_dir():
                    raise UsageError(f"{path}: is a directory; give a file name, e.g. --out {path / fmt.filename}")
                with fsutil.atomic_path(path) as tmp:
                    fmt.load().write(data, tmp)
    except OSError as err:  # permission denied, read-only, full or pseudo file system, a file where a directory must be
        raise fsutil.cannot_write(path, err) from err
    return path


def _export_directory(fmt: export.Format, data: object, path: Path) -> Path:
    if path.exists() and not fmt.is_earlier_output(path):
        kind = "a directory holding other files" if path.is_dir() else "not a directory"
        raise UsageError(
            f"{path}: {kind}; the {fmt.name} format writes a directory and replaces only an earlier "
            f"{fmt.name} output or an empty directory; pass a new --out"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        staging.rmdir()  # the writer creates its directory
        fmt.load().write(data, staging)
        fix_modes(staging)
        fsutil.exchange(staging, path)  # afterwards `staging` holds the earlier output, if there was one
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path
