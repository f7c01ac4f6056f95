"""Turtle of the default graph: what most users load first, readable by any RDF tool."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from kg.rdf import PREFIXES


def default_graph(ds: Dataset) -> Graph:
    """The default graph as a standalone Graph with our prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in ds.default_graph:
        graph.add(triple)
    return graph


def write(ds: Dataset, path: Path) -> None:
    default_graph(ds).serialize(destination=str(path), format="turtle", encoding="utf-8")
