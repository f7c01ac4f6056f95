"""N-Triples of the default graph, one sorted line per triple, for bulk loaders and diffs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from kg.export.turtle import default_graph


def write(ds: Dataset, path: Path) -> None:
    text = default_graph(ds).serialize(format="nt", encoding="utf-8").decode("utf-8")
    # split on line feeds only: str.splitlines() also breaks at U+2028, U+0085 and other characters that
    # rdflib leaves unescaped inside literals, which cut a statement in two
    lines = sorted(set(line for line in text.split("\n") if line.strip()))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")
