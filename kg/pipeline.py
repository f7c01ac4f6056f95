"""The build: read and check data/, emit the RDF dataset, write every requested export atomically."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import networkx as nx
from rdflib import Dataset

from kg import check, export, facts, view
from kg.errors import UsageError
from kg.model import Facts
from kg.ontology import Ontology
from kg.rdf import DEFAULT_BASE, to_dataset


@dataclass
class Build:
    """A checked build in memory: the facts, the dataset emitted from them, and the shared view."""

    facts: Facts
    ontology: Ontology
    dataset: Dataset

    @cached_property
    def view(self) -> nx.MultiDiGraph:
        return view.project(self.dataset, self.ontology)

    def summary(self) -> str:
        by_class = Counter(e.cls for e in self.facts.entities.values() if e.cls != "Article")
        lines = [
            f"{sum(by_class.values())} entities, {len(self.facts.statements)} statements, {len(self.facts.sources)} sources"
        ]
        width = max((len(c) for c in by_class), default=0)
        for cls, count in sorted(by_class.items(), key=lambda x: (-x[1], x[0])):
            lines.append(f"  {cls:<{width}}  {count}")
        return "\n".join(lines)


def load(data_dir: Path | str = "data", ontology_dir: Path | None = None, base: str = DEFAULT_BASE) -> Build:
    """Read, check and emit; raises DataError listing every problem, before anything is written."""
    ontology = Ontology.load(ontology_dir)
    checked = check.check(facts.read(Path(data_dir)), ontology)
    return Build(checked, ontology, to_dataset(checked, ontology, base))


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """One build at a time per output directory; a second one gets a clear message instead of interleaving."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = open(out_dir / ".kg-build.lock", "w")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"{out_dir}: another kg build is writing here; wait for it to finish") from None
        yield
    finally:
        handle.close()


def write(build: Build, out_dir: Path | str = "build", formats: list[str] | None = None) -> list[Path]:
    """Write the chosen formats (all by default) into out_dir; every file is replaced whole or not at all."""
    out_dir = Path(out_dir)
    chosen = [export.get(name) for name in (formats or list(export.FORMATS))]
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a directory; pass another --out")
    written = []
    try:
        with _lock(out_dir):
            staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=out_dir))
            try:
                for fmt in chosen:
                    data = build.dataset if fmt.input == "rdf" else build.view
                    fmt.load().write(data, staging / fmt.filename)
                for fmt in chosen:
                    target = out_dir / fmt.filename
                    _replace(staging / fmt.filename, target, staging)
                    written.append(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except PermissionError as err:
        raise UsageError(f"{out_dir}: cannot write here ({err.strerror}); pass another --out") from err
    return written


def _replace(new: Path, target: Path, staging: Path) -> None:
    """Move a written file or directory over its target; a directory's old version is swapped out, not merged."""
    if new.is_dir():
        for path in [new, *new.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        if target.is_dir():
            old = staging / (".old-" + target.name)
            os.replace(target, old)
        os.replace(new, target)
        return
    os.chmod(new, 0o644)
    os.replace(new, target)


def export_one(build: Build, name: str, path: Path) -> Path:
    """Write one format to one path, atomically."""
    fmt = export.get(name)
    from kg.fsutil import atomic_path

    data = build.dataset if fmt.input == "rdf" else build.view
    with atomic_path(Path(path)) as tmp:
        fmt.load().write(data, tmp)
    return Path(path)
