"""Every RDF file of the build read by three parsers that are not its writer (rdflib wrote it), compared
for isomorphism with the dataset in memory: Debian's `rapper` (Raptor, C), Debian's `serdi` (Serd, C) and
pyoxigraph (Rust). A file that parses but lost, added or altered one triple fails here.

The readers' output is N-Quads, which rdflib only reads back to compare graphs with `isomorphic` (blank
node aware). The matrix is built from the registry: a new RDF format must say here how it is read.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg import export
from tests.conftest import need_tool

# format name -> (syntax name for rapper, for serdi, pyoxigraph format, holds named graphs)
SYNTAX = {
    "turtle": ("turtle", "turtle", ox.RdfFormat.TURTLE, False),
    "trig": ("trig", "trig", ox.RdfFormat.TRIG, True),
    "ntriples": ("ntriples", "ntriples", ox.RdfFormat.N_TRIPLES, False),
    "nquads": ("nquads", "nquads", ox.RdfFormat.N_QUADS, True),
}
RDF_FILES = [name for name, fmt in export.FORMATS.items() if fmt.input == "rdf" and fmt.name != "store"]
READERS = ["rapper", "serdi", "pyoxigraph"]


def test_every_rdf_file_format_has_readers() -> None:
    assert set(SYNTAX) <= set(RDF_FILES)
    missing = set(RDF_FILES) - set(SYNTAX) - {"jsonld"}  # JSON-LD has its own readers: tests/test_jsonld.py
    assert not missing, f"say in SYNTAX how rapper, serdi and pyoxigraph read: {', '.join(sorted(missing))}"


def read(reader: str, path: Path, name: str) -> str:
    """The file as N-Quads text, parsed by `reader`; a parse error fails the test with the reader's message."""
    rapper_syntax, serdi_syntax, ox_format, _ = SYNTAX[name]
    if reader == "pyoxigraph":
        return ox.serialize(ox.parse(path=str(path), format=ox_format), format=ox.RdfFormat.N_QUADS).decode("utf-8")
    if reader == "rapper":
        command = [need_tool("rapper"), "--quiet", "-i", rapper_syntax, "-o", "nquads", str(path)]
    else:
        command = [need_tool("serdi"), "-i", serdi_syntax, "-o", "nquads", str(path)]
    result = subprocess.run(command, capture_output=True, check=False)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr.decode("utf-8", "replace")
    return result.stdout.decode("utf-8")


def graphs_of(nquads: str) -> dict[str, Graph]:
    """Non-empty graphs by name ("" for the default graph)."""
    ds = Dataset()
    ds.parse(data=nquads, format="nquads")
    out = {}
    for graph in ds.graphs():
        if len(graph):
            name = "" if graph.identifier == DATASET_DEFAULT_GRAPH_ID else str(graph.identifier)
            copy = Graph()
            for triple in graph:
                copy.add(triple)
            out[name] = copy
    return out


def expected_graphs(dataset: Dataset, named: bool) -> dict[str, Graph]:
    out = {}
    for graph in dataset.graphs():
        if not len(graph):
            continue
        is_default = graph.identifier == DATASET_DEFAULT_GRAPH_ID
        if not named and not is_default:
            continue
        copy = Graph()
        for triple in graph:
            copy.add(triple)
        out["" if is_default else str(graph.identifier)] = copy
    return out


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", sorted(SYNTAX))
def test_reader_gives_back_the_dataset(shipped_build: Path, shipped, name: str, reader: str) -> None:
    path = shipped_build / export.FORMATS[name].filename
    got = graphs_of(read(reader, path, name))
    want = expected_graphs(shipped.dataset, named=SYNTAX[name][3])
    assert sorted(got) == sorted(want)
    if SYNTAX[name][3]:
        assert len(want) >= 3, "default graph, the article's named graph and the ontology"
    assert len(want[""]) > 200
    for graph_name, graph in want.items():
        assert len(got[graph_name]) == len(graph), graph_name
        assert isomorphic(got[graph_name], graph), graph_name


def test_a_changed_triple_is_caught(shipped_build: Path, shipped, tmp_path: Path) -> None:
    """The comparison above is not vacuous: one altered literal in kg.nt makes the graphs differ."""
    text = (shipped_build / "kg.nt").read_text("utf-8")
    assert '"Hai Yu"@en' in text
    broken = tmp_path / "kg.nt"
    broken.write_text(text.replace('"Hai Yu"@en', '"Hai  Yu"@en'), encoding="utf-8")
    got = graphs_of(read("serdi", broken, "ntriples"))
    want = expected_graphs(shipped.dataset, named=False)
    assert len(got[""]) == len(want[""]) and not isomorphic(got[""], want[""])


@pytest.mark.parametrize("name", ["ntriples", "nquads"])
def test_lines_are_sorted_and_unique(shipped_build: Path, name: str) -> None:
    lines = (shipped_build / export.FORMATS[name].filename).read_text("utf-8").split("\n")
    assert lines[-1] == "" and all(lines[:-1])
    body = lines[:-1]
    assert len(body) > 200
    # kg.nq: the default graph's lines first, then each named graph's, graphs in IRI order; sorted within each
    quads = [next(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) for line in body]
    graphs = ["" if q.graph_name == ox.DefaultGraph() else q.graph_name.value for q in quads]
    named = [g for g in graphs if g]
    assert graphs == sorted(graphs, key=lambda g: (g != "", g)) and (name == "ntriples" or len(set(named)) >= 2)
    for graph in set(graphs):
        part = [line for line, g in zip(body, graphs, strict=True) if g == graph]
        assert part == sorted(set(part)), graph
