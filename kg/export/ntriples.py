"""N-Triples of the default graph, one sorted line per triple, for bulk loaders and diffs."""

from __future__ import annotations

from pathlib import Path

from kg import files as fsutil
from kg.pipeline.rdf import Dataset
from kg.pipeline.splice import Changes, Splice, lines_text


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.writelines(text + "\n" for text in ds.lines())


def update(old: Path, new: Path, changes: Changes, ontology: object = None) -> None:
    """kg.nt of the changed dataset from the previous kg.nt: each changed subject's lines replaced in place."""
    with Splice(old) as splice:
        for subject, (_, lines) in sorted(changes.subjects.items()):
            start, end = splice.subject_lines(0, splice.size, subject)
            splice.replace(start, end, lines_text(lines))
        splice.write(new)
