"""N-Quads of the whole dataset, for bulk loaders that keep named graphs: the default graph's lines first,
then each named graph's in IRI order, every graph's lines sorted (so the file is byte-stable and diffable)."""

from __future__ import annotations

from pathlib import Path

from kg import files as fsutil
from kg.pipeline.rdf import DEFAULT_GRAPH, Dataset
from kg.pipeline.splice import Changes, Splice, lines_text, text_lines


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.writelines(text + "\n" for text in ds.nquads())


def _graph(line: bytes) -> bytes:
    """The graph IRI of an N-Quads line as kg writes it (without brackets), b"" for the default graph."""
    rest = line.split(b" ", 2)[2]
    tail = rest[rest.rindex(b'"') :] if rest.startswith(b'"') else rest
    space = tail.find(b" <")
    return tail[space + 2 : tail.index(b">", space)] if space >= 0 else b""


def update(old: Path, new: Path, changes: Changes, ontology: object = None) -> None:
    """kg.nq of the changed dataset from the previous kg.nq: the default graph's changed subjects and the changed
    named graphs replaced in place (the file is the default graph's sorted lines, then each graph's in name order)."""
    with Splice(old) as splice:
        mm, size = splice.mm, splice.size

        def graph_at(start: int) -> bytes:
            return _graph(mm[start : mm.find(b"\n", start)])

        named = splice.first(0, size, b"\n", lambda start: graph_at(start) != b"")
        for subject, (_, lines) in sorted(changes.subjects.items()):
            start, end = splice.subject_lines(0, named, subject)
            splice.replace(start, end, lines_text(lines))
        for name, (_, lines) in sorted(changes.graphs.items()):
            key = name.encode("utf-8")
            start = splice.first(named, size, b"\n", lambda at: graph_at(at) >= key)  # noqa: B023 - used at once
            end = splice.first(start, size, b"\n", lambda at: graph_at(at) > key)  # noqa: B023
            suffix = f"<{name}> ."
            splice.replace(start, end, lines_text(text[:-1] + suffix for text in lines))
        splice.write(new)


def read(path: Path) -> Dataset:
    """The dataset back from a kg.nq that kg wrote (sorted sections: the default graph, then each graph): each
    graph's section found by binary search and cut into triples, so a million lines take about a second."""
    graphs: dict[str, list[str]] = {}
    with Splice(path) as splice:
        mm, size = splice.mm, splice.size

        def graph_at(start: int) -> bytes:
            return _graph(mm[start : mm.find(b"\n", start)])

        start = splice.first(0, size, b"\n", lambda at: graph_at(at) != b"")
        graphs[DEFAULT_GRAPH] = text_lines(bytes(mm[:start]))
        while start < size:
            name = graph_at(start)
            end = splice.first(start, size, b"\n", lambda at: graph_at(at) > name)  # noqa: B023 - used at once
            cut = len(name) + 4  # "<name> ." -> "."
            graphs[name.decode("utf-8")] = [text[:-cut] + "." for text in text_lines(bytes(mm[start:end]))]
            start = end
    return Dataset(graphs)
