"""build/store/: an on-disk pyoxigraph store of the whole dataset, for `kg query`, `kg serve` and `kg push`.

Queries then open a ready index instead of re-parsing kg.trig. What goes in, and why, is described in
kg/store.py: the store's default graph is the query view (facts + ontology + the RDFS entailment of the facts),
the named graphs are the articles, the ontology and the entailed triples on their own.

The entailment is the subclass and subproperty closure (RDFS rules 7 and 9, with 5 and 11 applied to the
hierarchy first), computed in Python from the ontology's small hierarchy: one pass over the facts, no
reasoner (DESIGN.md measures owlrl at 125 s for 100k triples). Domain and range rules are left out on
purpose: the loader already refuses a subject or object whose class does not fit, so they would only repeat
types the subclass closure gives. RocksDB files are not byte-stable, so this output is not compared between
builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.errors import UsageError
from kg.ontology import ONTOLOGY_IRI
from kg.store import ENTAILED_GRAPH


def _closure(graph: Graph, relation: URIRef) -> dict[URIRef, frozenset[URIRef]]:
    """Every term's strict ancestors along `relation` (rdfs:subClassOf or rdfs:subPropertyOf), cycles tolerated."""
    direct: dict[URIRef, set[URIRef]] = {}
    for sub, sup in graph.subject_objects(relation):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef) and sub != sup:
            direct.setdefault(sub, set()).add(sup)
    closure: dict[URIRef, frozenset[URIRef]] = {}
    for start in direct:
        seen: set[URIRef] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        seen.discard(start)
        closure[start] = frozenset(seen)
    return closure


def entailment(facts: Graph, ontology: Graph) -> set[tuple]:
    """Triples the ontology's class and property hierarchy entails from `facts` that `facts` does not hold."""
    supers_of_class = _closure(ontology, RDFS.subClassOf)
    supers_of_property = _closure(ontology, RDFS.subPropertyOf)
    out: set[tuple] = set()
    for s, p, o in facts:
        if p == RDF.type and o in supers_of_class:
            out.update((s, RDF.type, sup) for sup in supers_of_class[o])
        for sup in supers_of_property.get(p, ()):
            out.add((s, sup, o))
    return {t for t in out if t not in facts}


def _converter():
    """rdflib term -> pyoxigraph term; one blank node per rdflib blank node, shared across graphs."""
    blanks: dict[BNode, ox.BlankNode] = {}

    def term(t):
        if isinstance(t, URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, BNode):
            if t not in blanks:
                blanks[t] = ox.BlankNode()
            return blanks[t]
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
            return ox.Literal(str(t))
        raise TypeError(f"unexpected RDF term {t!r}")

    return term


def quads(ds: Dataset) -> Iterator[ox.Quad]:
    """The store's content: default graph = facts + ontology + entailment; named = articles, ontology, entailed."""
    graphs = {g.identifier: g for g in ds.graphs()}
    facts = graphs.get(DATASET_DEFAULT_GRAPH_ID, Graph())
    ontology = graphs.get(ONTOLOGY_IRI, Graph())
    entailed = entailment(facts, ontology)
    term = _converter()
    default = ox.DefaultGraph()
    entailed_graph = ox.NamedNode(ENTAILED_GRAPH)
    seen_default: set[tuple] = set()
    for triple in [*facts, *ontology, *entailed]:
        if triple not in seen_default:
            seen_default.add(triple)
            yield ox.Quad(term(triple[0]), term(triple[1]), term(triple[2]), default)
    for identifier in sorted(graphs, key=str):
        if identifier == DATASET_DEFAULT_GRAPH_ID:
            continue
        name = ox.NamedNode(str(identifier))
        for s, p, o in graphs[identifier]:
            yield ox.Quad(term(s), term(p), term(o), name)
    for s, p, o in entailed:
        yield ox.Quad(term(s), term(p), term(o), entailed_graph)


def write(ds: Dataset, path: Path) -> None:
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        path.unlink()  # an empty placeholder from an atomic-write helper
    if path.exists():
        raise UsageError(f"{path}: exists; the store is written to a new directory and swapped in")
    try:
        store = ox.Store(str(path))
        store.bulk_extend(quads(ds))
        store.optimize()
        store.flush()
    except OSError as err:
        raise UsageError(f"{path}: cannot write the store ({err})") from err
    del store  # closes RocksDB before the directory is renamed into place
