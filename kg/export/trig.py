"""TriG of the whole dataset: facts, one named graph of evidence per source article, and the ontology.

The default graph comes first, then each named graph in IRI order, each written as kg.export.turtle writes
the default graph (sorted triples, one block per subject), so the file is byte-stable.
"""

from __future__ import annotations

from pathlib import Path

from kg import files as fsutil
from kg.export.turtle import blocks, header, update_blocks
from kg.pipeline.rdf import Dataset, nt
from kg.pipeline.splice import Changes, Splice


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.write(header())
        out.writelines(blocks(ds.lines()))
        for name in ds.named:
            out.write(f"{nt(name)} {{\n\n")
            out.writelines(blocks(ds.lines(name), "    "))
            out.write("}\n\n")


def update(old: Path, new: Path, changes: Changes, ontology: object = None) -> None:
    """kg.trig of the changed dataset from the previous kg.trig: the default graph's changed subject blocks and
    the changed named graphs' sections replaced in place."""
    with Splice(old) as splice:
        mm, size = splice.mm, splice.size

        def named_part(start: int) -> bool:  # the default graph's blocks come first, then the graph sections
            if mm[start : start + 4] == b"    " or mm[start : start + 2] == b"}\n":
                return True
            end = mm.find(b"\n", start)
            return mm[start : start + 1] == b"<" and mm[end - 2 : end] == b" {"

        top = len(header().encode("utf-8"))
        first = splice.first(top, size, b"\n\n", named_part)
        update_blocks(splice, top, first, changes)

        def next_section(pos: int) -> int:
            if pos <= first:
                return first
            at = mm.find(b"\n}\n\n", pos - 4)
            return at + 4 if at >= 0 else size

        def name(start: int) -> bytes:
            return mm[start + 1 : mm.find(b"> {\n", start)]

        for graph, (_, lines) in sorted(changes.graphs.items()):
            key = graph.encode("utf-8")
            lo, hi = first, size
            while lo < hi:  # the first position whose next section sorts at or after this graph
                mid = (lo + hi) // 2
                at = next_section(mid)
                if at >= size or name(at) >= key:
                    hi = mid
                else:
                    lo = mid + 1
            start = next_section(lo)
            end = next_section(start + 1) if start < size and name(start) == key else start
            text = f"{nt(graph)} {{\n\n" + "".join(blocks(lines, "    ")) + "}\n\n" if lines else ""
            splice.replace(start, end, text.encode("utf-8"))
        splice.write(new)
