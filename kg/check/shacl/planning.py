"""Which triples a focus node's verdict depends on: `plan()` reads the shapes, before any data, and
either returns what a chunk must hold for its focus nodes' results to equal the whole-graph run's (a `Plan`), or
raises `_Deep` with the reason partitioning would not be exact, and validation falls back to one whole-graph run.
While it reads the shapes it also records each node shape's constraints as the screen checks them (`_Spec`), so
the shapes are read in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

_ANNOTATIONS = {
    RDF.type,
    RDFS.comment,
    RDFS.label,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.deactivated,
}
# constraints on the value nodes themselves (never on their triples, except sh:class: their rdf:type)
_VALUE_CONSTRAINTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH["in"],
    SH.hasValue,
    SH.languageIn,
}
_LOGICAL = {SH["or"], SH["and"], SH.xone, SH["not"]}
_PROPERTY_ONLY = {SH.path, SH.minCount, SH.maxCount, SH.uniqueLang}
_NODE_ONLY = {SH.targetClass, SH.property, SH.sparql}


@dataclass
class Plan:
    """What a chunk must hold for its focus nodes' results to equal the whole-graph run's."""

    targets: set[URIRef]  # sh:targetClass values
    class_checked: set[URIRef]  # predicates whose values' rdf:type a sh:class looks at
    global_predicates: set[URIRef] = field(default_factory=set)  # all their triples go into every chunk
    read: set[URIRef] = field(default_factory=set)  # every predicate a shape reads (with rdf:type, subClassOf)
    specs: list[_Spec] = field(default_factory=list)  # the shapes, as the screen reads them


class _Deep(Exception):
    """The shapes look further than a focus node's neighbourhood: validate the whole graph."""


def _members(graph: Graph, node) -> list:
    from rdflib.collection import Collection

    return list(Collection(graph, node))


def _value_shape(graph: Graph, node) -> bool:
    """Check a shape used on value nodes (inside sh:or and friends); True if it has a sh:class anywhere."""
    has_class = False
    for p, o in graph.predicate_objects(node):
        if p in _LOGICAL:
            for member in [o] if p == SH["not"] else _members(graph, o):
                has_class |= _value_shape(graph, member)
        elif p == SH["class"]:
            has_class = True
        elif p not in _VALUE_CONSTRAINTS and p not in _ANNOTATIONS:
            raise _Deep(f"{p} in a nested shape")
    return has_class


def _sparql_predicates(text: str) -> tuple[set[URIRef], set[URIRef]]:
    """(predicates only read as `$this <p> ?x`, predicates read any other way) of a SELECT; _Deep if unsure."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, Path, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable

    local: set[URIRef] = set()
    other: set[URIRef] = set()

    def path_iris(path) -> Iterator[URIRef]:
        if isinstance(path, URIRef):
            yield path
        elif isinstance(path, (SequencePath, AlternativePath)):
            for arg in path.args:
                yield from path_iris(arg)
        elif isinstance(path, InvPath):
            yield from path_iris(path.arg)
        elif isinstance(path, MulPath):
            yield from path_iris(path.path)
        elif isinstance(path, (NegatedPath, Path)):
            raise _Deep("a negated property path in a SPARQL constraint")
        else:
            raise _Deep(f"predicate {path!r} in a SPARQL constraint")

    try:
        query = prepareQuery(text)
    except Exception as err:  # rdflib raises many types for bad SPARQL
        raise _Deep(f"cannot read a SPARQL constraint: {err}") from err
    for node in _algebra_nodes(query.algebra):
        if node.name in ("ServiceGraphPattern", "Graph"):
            raise _Deep(f"{node.name} in a SPARQL constraint")
        if node.name == "BGP":
            for s, p, _o in node.triples:
                if s == Variable("this") and isinstance(p, URIRef):
                    local.add(p)
                else:
                    other.update(path_iris(p))
    return local, other


def _algebra_nodes(node) -> Iterator:
    """Every operator of an rdflib SPARQL algebra tree (its CompValues), parents before their children."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _algebra_nodes(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _algebra_nodes(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _algebra_nodes(value)


def plan(shapes_graph: Graph, ontology: Graph) -> Plan:
    """The plan for partitioned validation, or _Deep with the reason it would not be exact."""
    targets: set[URIRef] = set()
    class_checked: set[URIRef] = set()
    global_predicates: set[URIRef] = set()
    read: set[URIRef] = {RDF.type, RDFS.subClassOf}
    specs: list[_Spec] = []
    node_shapes = set(shapes_graph.subjects(RDF.type, SH.NodeShape))
    if set(shapes_graph.subjects(RDF.type, SH.PropertyShape)) - set(shapes_graph.objects(None, SH.property)):
        raise _Deep("a property shape with its own targets")
    for shape in node_shapes:
        if set(shapes_graph.objects(shape, RDF.type)) != {SH.NodeShape}:
            raise _Deep("a shape with a type besides sh:NodeShape (an implicit class target?)")
        spec = _Spec({str(t) for t in shapes_graph.objects(shape, SH.targetClass)})
        specs.append(spec)
        for p, o in shapes_graph.predicate_objects(shape):
            if p == SH.targetClass:
                if not isinstance(o, URIRef):
                    raise _Deep("a blank-node target class")
                targets.add(o)
            elif p == SH.property:
                path = shapes_graph.value(o, SH.path)
                read.add(path)
                if not isinstance(path, URIRef):
                    raise _Deep(f"the property path {path!r} is not a single predicate")
                for q, v in shapes_graph.predicate_objects(o):
                    if q == SH["class"]:
                        class_checked.add(path)
                    elif q in _LOGICAL:
                        for member in [v] if q == SH["not"] else _members(shapes_graph, v):
                            if _value_shape(shapes_graph, member):
                                class_checked.add(path)
                    elif q not in _PROPERTY_ONLY and q not in _VALUE_CONSTRAINTS and q not in _ANNOTATIONS:
                        raise _Deep(f"{q} in a property shape")
                spec.properties.append((str(path), _checks(shapes_graph, o)))
            elif p == SH.sparql:
                if shapes_graph.value(o, SH.prefixes) is not None:
                    raise _Deep("sh:prefixes in a SPARQL constraint")
                for q in shapes_graph.predicates(o):
                    if q not in (SH.select, SH.message, RDF.type, RDFS.comment, SH.deactivated):
                        raise _Deep(f"{q} in a SPARQL constraint")
                select = shapes_graph.value(o, SH.select)
                if select is None:
                    raise _Deep("a SPARQL constraint without sh:select")
                local, other = _sparql_predicates(str(select))
                global_predicates |= other
                read |= local | other
                spec.sparql.append((str(select), {str(q) for q in local | other}))
            elif p in _NODE_ONLY or p in _ANNOTATIONS:
                continue
            else:
                raise _Deep(f"{p} on a node shape")
    if RDF.type in global_predicates:
        raise _Deep("a SPARQL constraint reads rdf:type beyond the focus node")
    return Plan(targets, class_checked, global_predicates, read, specs)


@dataclass
class _Spec:
    """A node shape as the screen reads it."""

    targets: set[str]
    properties: list[tuple[str, list]] = field(default_factory=list)  # (predicate, checks)
    sparql: list[tuple[str, set[str]]] = field(default_factory=list)  # (SELECT, the predicates it reads)


def _checks(graph: Graph, node) -> list[tuple[str, object]]:
    """The constraints of a property shape (or of a member of its sh:or) as (kind, argument); a kind the screen
    does not decide comes out as ("unknown", ...), which flags every node the shape targets."""
    out: list[tuple[str, object]] = []
    flagged = (node, SH.flags, None) in graph
    for p, o in graph.predicate_objects(node):
        value = o.value if isinstance(o, Literal) else None
        if p in _ANNOTATIONS or p == SH.path:
            continue
        if p in (SH.minCount, SH.maxCount, SH.minLength) and type(value) is int and value >= 0:
            out.append((str(p).rsplit("#", 1)[1], value))
        elif p == SH["class"] and isinstance(o, URIRef):
            out.append(("class", str(o)))
        elif p == SH.datatype and isinstance(o, URIRef):
            out.append(("datatype", o))
        elif p == SH.nodeKind and o in (SH.Literal, SH.IRI, SH.BlankNodeOrIRI, SH.IRIOrLiteral):
            out.append(("nodeKind", o))
        elif p == SH.pattern and isinstance(o, Literal) and not flagged:
            text = str(o.value) if o.value is not None and len(o.value) > 1 else str(o)
            out.append(("pattern", re.compile(text)))
        elif p == SH.uniqueLang and value is True:
            out.append(("uniqueLang", True))
        elif p == SH.uniqueLang and value is False:
            continue
        elif p == SH.minInclusive and type(value) in (int, Decimal):
            out.append(("minInclusive", value))
        elif p == SH["or"]:
            out.append(("or", [_checks(graph, member) for member in _members(graph, o)]))
        else:
            out.append(("unknown", str(p)))
    return out
