"""N-Triples of the default graph, one sorted line per triple, for bulk loaders and diffs."""

from __future__ import annotations

from pathlib import Path

from kg import fsutil
from kg.rdf import Dataset


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.writelines(text + "\n" for text in ds.lines())
