"""TriG of the whole dataset: facts, one named graph of evidence per source article, and the ontology.

The default graph comes first, then each named graph in IRI order, each written as kg.export.turtle writes
the default graph (sorted triples, one block per subject), so the file is byte-stable.
"""

from __future__ import annotations

from pathlib import Path

from kg import fsutil
from kg.export.turtle import blocks, prefix_lines
from kg.rdf import Dataset, nt


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.write("\n".join(prefix_lines()) + "\n\n")
        out.writelines(blocks(ds.lines()))
        for name in ds.named:
            out.write(f"{nt(name)} {{\n\n")
            out.writelines(blocks(ds.lines(name), "    "))
            out.write("}\n\n")
