"""N-Quads of the whole dataset, for bulk loaders that keep named graphs: the default graph's lines first,
then each named graph's in IRI order, every graph's lines sorted (so the file is byte-stable and diffable)."""

from __future__ import annotations

from pathlib import Path

from kg import fsutil
from kg.rdf import Dataset


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.writelines(text + "\n" for text in ds.nquads())
