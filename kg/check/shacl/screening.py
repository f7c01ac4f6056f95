"""The screen: which focus nodes can have a finding at all.

pySHACL costs about a millisecond a focus node, whatever it finds. The screen reads the same shapes and the same
lines and clears the focus nodes that certainly conform, so pySHACL runs only on the rest, over the same chunk
neighbourhoods, and writes every finding itself. The screen may flag a node that turns out to conform (pySHACL
then finds nothing); it must never clear one that does not. So each check below is pySHACL's own test for the
component (value_constraints.py, string_based_constraints.py, ...) on the same rdflib terms, answering "certainly
conforms" only in the cases it can decide; any other component, flag, or term flags the node.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from kg.check.shacl.engine import _sparql_cache
from kg.check.shacl.ntriples import _graph, _predicate
from kg.check.shacl.planning import Plan, _algebra_nodes


def _string(term) -> str:
    """pySHACL's string of a value node (StringBasedConstraintBase.value_node_to_string)."""
    if isinstance(term, Literal) and term.value is not None and term.datatype in (None, *_STRINGS):
        return str(term.value)
    return str(term)


_STRINGS = (URIRef(XSD.string), URIRef(RDF.langString))
_KINDS = {
    URIRef(XSD.integer): int,
    URIRef(XSD.float): float,
    URIRef(XSD.decimal): Decimal,
    URIRef(XSD.boolean): bool,
    URIRef(XSD.date): date,
    URIRef(XSD.time): clock,
    URIRef(XSD.dateTime): datetime,
}
_NODE_KINDS = {  # (IRI, literal) -> matches
    URIRef(SH.Literal): lambda iri, literal: literal,
    URIRef(SH.IRI): lambda iri, literal: iri,
    URIRef(SH.BlankNodeOrIRI): lambda iri, literal: iri,
    URIRef(SH.IRIOrLiteral): lambda iri, literal: True,
}
_RDFS_LITERAL, _RDFS_DATATYPE, _LANG_STRING = URIRef(RDFS.Literal), URIRef(RDFS.Datatype), URIRef(RDF.langString)


def _actual_datatype(term, rule) -> bool:
    """pySHACL's DatatypeConstraintComponent._assert_actual_datatype."""
    value = term.value
    if rule in _STRINGS:
        return isinstance(value, (str, bytes))
    kind = _KINDS.get(rule)
    return isinstance(value, kind) if kind is not None else True


def _value_ok(kind: str, arg, token: str, term, screen: _Screen) -> bool:
    """True only if pySHACL certainly finds nothing for this value under this constraint."""
    if kind == "class":
        return token[:1] == "<" and bool(screen.types_of(token[1:-1]) & screen.down(arg))
    if kind == "datatype":
        if not isinstance(term, Literal):
            return False
        if term.datatype == arg:
            return getattr(term, "ill_typed", None) is not True and _actual_datatype(term, arg)
        if arg == _RDFS_LITERAL:
            return True
        if arg == _RDFS_DATATYPE and term.datatype:
            return True
        if term.datatype is None and term.language is None and arg == XSD_STRING:
            return _actual_datatype(term, arg)
        if arg == _LANG_STRING and term.language:
            return _actual_datatype(term, arg)
        return False
    if kind == "nodeKind":
        return _NODE_KINDS[arg](token[:1] == "<", token[:1] == '"')
    if kind == "pattern":
        return arg.search(_string(term)) is not None
    if kind == "minLength":
        return arg == 0 or len(_string(term)) >= arg
    if kind == "minInclusive":
        return isinstance(term, Literal) and type(term.value) in (int, Decimal) and term.value >= arg
    if kind == "or":
        return any(all(_value_ok(k, a, token, term, screen) for k, a in member) for member in arg)
    return False  # "unknown", and property-level kinds inside sh:or


XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


class _Screen:
    """The data as the screen reads it."""

    def __init__(self, types: dict[str, set[str]], ontology: Graph, children: dict[str, set[str]]):
        self.types = types
        self.children = children
        self.ontology_types: dict[str, set[str]] = defaultdict(set)
        for s, o in ontology.subject_objects(RDF.type):
            self.ontology_types[str(s)].add(str(o))
        self._down: dict[str, set[str]] = {}
        self._terms: dict[str, object] = {}

    def types_of(self, iri: str) -> set[str]:
        extra = self.ontology_types.get(iri)
        return self.types.get(iri, set()) | extra if extra else self.types.get(iri, set())

    def down(self, cls: str) -> set[str]:
        """The class and its subclasses, through the data's and the ontology's rdfs:subClassOf."""
        if cls not in self._down:
            found: set[str] = set()
            todo = [cls]
            while todo:
                c = todo.pop()
                if c not in found:
                    found.add(c)
                    todo.extend(self.children.get(c, ()))
            self._down[cls] = found
        return self._down[cls]

    def term(self, token: str):
        """The rdflib term rdflib's N-Triples parser makes of an object token (no backslash, no blank node)."""
        term = self._terms.get(token)
        if term is None:
            from rdflib.plugins.parsers.ntriples import r_literal

            if token[:1] == "<":
                term = URIRef(token[1:-1])
            else:
                match = r_literal.fullmatch(token)
                if match is None:
                    return None
                lex, lang, datatype = match.groups()
                term = Literal(lex, lang or None, URIRef(datatype) if datatype else None)
            if len(self._terms) < 1_000_000:
                self._terms[token] = term
        return term

    def conforms(self, values: set[str], checks: list) -> bool:
        """True only if pySHACL certainly finds nothing for this property shape on a node with these values."""
        for kind, arg in checks:
            if kind == "unknown":
                return False  # (even without values: sh:hasValue, say, fails on none)
            if kind == "minCount":
                iris = sum(1 for v in values if v[:1] == "<")
                if iris + (1 if len(values) > iris else 0) < arg:
                    return False
            elif kind == "maxCount":
                if len(values) > arg:
                    return False
            elif kind == "uniqueLang":
                langs = [t.language.lower() for t in map(self.term, values) if getattr(t, "language", None)]
                if len(langs) != len(set(langs)):
                    return False
            else:
                for value in values:
                    if "\\" in value or value[:2] == "_:":
                        return False
                    term = self.term(value)
                    if term is None or not _value_ok(kind, arg, value, term, self):
                        return False
        return True


_NOT_MONOTONE = {
    "Minus",
    "LeftJoin",
    "Slice",
    "Group",
    "AggregateJoin",
    "Graph",
    "ServiceGraphPattern",
    "ToMultiSet",
    "values",
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
    "Builtin_RAND",
    "Builtin_NOW",
    "Builtin_UUID",
    "Builtin_STRUUID",
    "Builtin_BNODE",
}


def _batchable(text: str) -> bool:
    """Whether running the SELECT once with $this free gives, for every focus node f, a row with $this = f exactly
    when pySHACL's run with $this bound to f gives a row: true of joins, unions and filters of basic graph patterns
    that project $this (no OPTIONAL, MINUS, EXISTS, LIMIT, aggregates, VALUES, or random or time functions)."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable

    query = prepareQuery(text)
    found = {node.name for node in _algebra_nodes(query.algebra)}
    projected = query.algebra.get("PV") or []
    return not (found & _NOT_MONOTONE) and Variable("this") in projected


def screen(
    chosen: list[str],
    pairs: dict[str, list[tuple[str, str]]],
    by_subject: dict[str, list[str]],
    global_lines: list[str],
    types: dict[str, set[str]],
    children: dict[str, set[str]],
    the_plan: Plan,
    ontology: Graph,
) -> set[str]:
    """The chosen focus nodes pySHACL must see: all but those that certainly conform."""
    look = _Screen(types, ontology, children)
    about = {str(s) for s in ontology.subjects()}  # the ontology's own triples about a node: flag it
    flagged: set[str] = set()
    for spec in the_plan.specs:
        closure: set[str] = set()
        for target in spec.targets:
            closure |= look.down(target)
        targeted = [n for n in chosen if types.get(n, set()) & closure]
        for node in targeted:
            if node in flagged:
                continue
            values: dict[str, set[str]] = defaultdict(set)
            for p, o in pairs.get(node, ()):
                values[p].add(o)
            if node in about or not all(
                look.conforms(values.get(path, set()), checks) for path, checks in spec.properties
            ):
                flagged.add(node)
        for text, predicates in spec.sparql:
            if not _batchable(text):
                flagged.update(targeted)
                continue
            lines = [line for line in global_lines if _predicate(line) in predicates]
            for node in targeted:
                lines.extend(line for line in by_subject.get(node, ()) if _predicate(line) in predicates)
            graph = _graph(lines)
            for triple in ontology:
                if str(triple[1]) in predicates:
                    graph.add(triple)
            targeted_set = set(targeted)
            with _sparql_cache():
                for row in graph.query(text):
                    this = row["this"]
                    if this is None:
                        flagged.update(targeted)
                        break
                    if str(this) in targeted_set:
                        flagged.add(str(this))
    return flagged


_SCREEN: tuple = ()
_SCREEN_IN_PARALLEL_FROM = 5_000  # focus nodes; below that, forking costs more than it saves


def _screen_slice(nodes: list[str]) -> set[str]:
    return screen(nodes, *_SCREEN)


def _screen_in_parallel(chosen: list[str], jobs: int, *args) -> set[str]:
    """screen() over `jobs` interleaved slices of the nodes in forked processes, which read the split data the
    parent holds (copy-on-write) rather than receive it; in this process where fork is not available."""
    import multiprocessing

    if jobs == 1 or len(chosen) < _SCREEN_IN_PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return screen(chosen, *args)
    from concurrent.futures import ProcessPoolExecutor

    global _SCREEN
    _SCREEN = args
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return set().union(*pool.map(_screen_slice, [chosen[i::jobs] for i in range(jobs)]))
    finally:
        _SCREEN = ()
