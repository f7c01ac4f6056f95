"""JSON-LD of the default graph (the same triples as kg.ttl), compacted with a context of readable keys.

Keys are the local names users already know from the ontology (`coFoundedBy`, `projectCount`) plus `id`,
`type`, `label`, `altLabel`, `comment`, `title` and `url`; classes are terms too (`"type": "Company"`).
Object properties are `@type: @id` so their values are plain IRI strings; datatype properties carry their
range datatype so their values are plain strings or numbers; labels, aliases, comments and titles are
language maps (`"label": {"en": "Shanghai", "zh": "上海市"}`).

The document is built here from the graph and the ontology instead of by rdflib's JSON-LD serializer:
rdflib's output order follows its hash sets (not byte-stable), and it is slow at scale (DESIGN.md, traps).
The JSON itself is written by the json module, which escapes every string. A value that does not fit its
key's term (a `2020-03` gYearMonth under a key whose range is xsd:date, a label without a language tag)
is written as an explicit value object or under its compact IRI, so nothing is lost or retyped: the file
round-trips to a graph isomorphic to the default graph (tests/test_jsonld.py checks with pyoxigraph, rdflib
and pyld).
"""

from __future__ import annotations

import json
from itertools import groupby
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, URIRef

from kg.ontology import ONTOLOGY_IRI, Ontology
from kg.rdf import DCTERMS, PREFIXES, SCHEMA, SKOS, Dataset, Lit, Term, Triple, rdflib_term

ID = "@id"
TYPE = "@type"
LANGUAGE_MAP = {"@container": "@language"}

# Terms for the non-kg properties kg writes into the default graph: (term, IRI, term definition extras).
COMMON_TERMS: tuple[tuple[str, URIRef, dict], ...] = (
    ("label", RDFS.label, LANGUAGE_MAP),
    ("altLabel", SKOS.altLabel, LANGUAGE_MAP),
    ("comment", RDFS.comment, LANGUAGE_MAP),
    ("title", DCTERMS.title, LANGUAGE_MAP),
    ("url", SCHEMA.url, {TYPE: ID}),
)

# Datatypes written as native JSON numbers when the lexical form is canonical (JSON-LD reads a native
# integer back as the canonical xsd:integer). Decimals stay strings: a JSON number would become xsd:double.
NATIVE_INTEGER = str(XSD.integer)
_STRING = str(XSD.string)
_TYPE = str(RDF.type)


class Context:
    """The @context (term definitions) and the reverse lookup used to compact IRIs and values."""

    def __init__(self, ontology: Ontology) -> None:
        self.prefixes = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
        self.terms: dict[str, dict] = {}
        self.by_iri: dict[str, tuple[str, dict]] = {}
        for term, iri, extra in COMMON_TERMS:
            self._add(term, iri, extra)
        for name, prop in ontology.properties.items():
            if prop.is_object:
                extra = {TYPE: ID}
            elif len(prop.range) == 1 and prop.range[0] != XSD.string:
                extra = {TYPE: self.compact_iri(prop.range[0])}
            else:
                extra = {}
            self._add(name, prop.iri, extra)
        self.classes = {str(iri): name for name, iri in sorted(ontology.classes.items())}

    def _add(self, term: str, iri: URIRef, extra: dict) -> None:
        if term in self.terms:  # a kg property named like a common term keeps its compact IRI as key
            return
        definition = {ID: self.compact_iri(iri), **extra}
        self.terms[term] = definition if extra else definition[ID]  # a bare compact IRI when nothing to coerce
        self.by_iri[str(iri)] = (term, definition)

    def compact_iri(self, iri: URIRef | str) -> str:
        """`kg:projectCount` for an IRI under a bound prefix, the IRI itself otherwise."""
        text = str(iri)
        best, choice = "", text
        for prefix, namespace in self.prefixes.items():
            local = text[len(namespace) :]
            usable = local and ":" not in local and not local.startswith("//")
            if text.startswith(namespace) and usable and len(namespace) > len(best):
                best, choice = namespace, f"{prefix}:{local}"
        return choice

    def as_json(self) -> dict:
        """The @context object: `id` and `type` first, then prefixes, class terms and property terms, sorted."""
        context: dict[str, object] = {"id": ID, "type": TYPE}
        context.update(self.prefixes)
        context.update({name: self.compact_iri(iri) for iri, name in sorted(self.classes.items(), key=lambda x: x[1])})
        context.update(dict(sorted(self.terms.items())))
        return context


def _sort_key(node: Term) -> tuple:
    if isinstance(node, Lit):
        return (1, node.value, node.language, node.datatype)
    return (0, node, "", "")


def _node_ref(node: str) -> str:
    return node  # blank nodes are already written "_:label", as JSON-LD writes them


def _value_object(value: Term, context: Context) -> dict:
    """A value in expanded form, which any key accepts whatever its term's coercion."""
    if not isinstance(value, Lit):
        return {ID: _node_ref(value)}
    out: dict[str, object] = {"@value": value.value}
    if value.language:
        out["@language"] = value.language
    elif value.datatype and value.datatype != _STRING:
        out[TYPE] = context.compact_iri(value.datatype)
    return out


def _compact_value(value: Term, definition: dict, context: Context) -> object:
    """The shortest form of `value` that the term `definition` expands back to exactly the same RDF term."""
    coercion = definition.get(TYPE)
    if coercion == ID:
        if not isinstance(value, Lit):
            return _node_ref(value)
        return _value_object(value, context)
    if not isinstance(value, Lit):
        return {ID: _node_ref(value)}
    if coercion is not None:
        if not value.language and value.datatype and context.compact_iri(value.datatype) == coercion:
            lexical = value.value
            if value.datatype == NATIVE_INTEGER and lexical.lstrip("-").isdigit() and str(int(lexical)) == lexical:
                return int(lexical)
            return lexical
        return _value_object(value, context)
    if not value.language and value.datatype in ("", _STRING):
        return value.value
    return _value_object(value, context)


def _one_or_many(values: list) -> object:
    return values[0] if len(values) == 1 else values


def _node_object(subject: str, triples: list[Triple], context: Context) -> dict:
    """One node of @graph: id, type, then every property under its term (or compact IRI), values sorted."""
    out: dict[str, object] = {"id": _node_ref(subject)}
    objects: dict[str, list[Term]] = {}
    for _, predicate, value in triples:
        objects.setdefault(predicate, []).append(value)
    types = sorted(objects.pop(_TYPE, []), key=_sort_key)
    if types:
        out["type"] = _one_or_many([context.classes.get(str(t)) or context.compact_iri(str(t)) for t in types])
    entries: dict[str, list] = {}
    language_maps: dict[str, dict[str, object]] = {}
    for predicate in sorted(objects):
        values = sorted(objects[predicate], key=_sort_key)
        term, definition = context.by_iri.get(predicate, (None, {}))
        fallback = context.compact_iri(predicate)
        if term is not None and definition.get("@container") == "@language":
            by_language: dict[str, list[str]] = {}
            for value in values:
                if isinstance(value, Lit) and value.language:
                    by_language.setdefault(value.language, []).append(value.value)
                else:  # no language tag: a language map cannot hold it, its compact IRI can
                    entries.setdefault(fallback, []).append(_value_object(value, context))
            if by_language:
                language_maps[term] = {lang: _one_or_many(texts) for lang, texts in sorted(by_language.items())}
        elif term is not None:
            entries[term] = [_compact_value(v, definition, context) for v in values]
        else:
            entries[fallback] = [_value_object(v, context) for v in values]
    merged: dict[str, object] = {key: _one_or_many(values) for key, values in entries.items()}
    merged.update(language_maps)
    for key in sorted(merged):
        out[key] = merged[key]
    return out


def document(triples: list[Triple], ontology: Ontology) -> dict:
    """The whole JSON-LD document for `triples`: the context and one node object per subject, sorted by id."""
    context = Context(ontology)
    by_subject = {s: list(group) for s, group in groupby(sorted(triples, key=lambda t: t[0]), key=lambda t: t[0])}
    subjects = sorted(by_subject, key=lambda s: (s.startswith("_:"), s))
    return {"@context": context.as_json(), "@graph": [_node_object(s, by_subject[s], context) for s in subjects]}


def dumps(doc: dict) -> str:
    """Stable text: key order as built (already sorted), two-space indent, UTF-8 kept readable."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def ontology_of(ds: Dataset) -> Ontology:
    """The ontology this dataset was built with (--ontology), read back from its ontology graph."""
    graph = Graph()
    for s, p, o in ds.triples(str(ONTOLOGY_IRI)):
        graph.add((rdflib_term(s), URIRef(p), rdflib_term(o)))
    return Ontology(graph)


def write(ds: Dataset, path: Path) -> None:
    """Write the default graph as compacted JSON-LD to `path`."""
    Path(path).write_text(dumps(document(ds.default, ontology_of(ds))), encoding="utf-8", newline="\n")
