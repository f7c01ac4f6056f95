"""Model objects -> the RDF dataset: plain triples in the default graph, evidence in per-source graphs.

Every fact is asserted twice (DESIGN.md, Provenance): as a plain triple so simple SPARQL stays simple, and
in the named graph of its article with a statement node that carries the quote, its offsets and the
qualifiers. IRIs come from curated ids and content, never from run order.

The dataset is held as plain Python tuples and their canonical N-Triples lines, not as an rdflib Dataset:
adding a million triples to rdflib takes 16 s and 1.2 GB (DESIGN.md, measured traps), while the writers of
kg.nt, kg.nq, kg.ttl, kg.trig and the store need nothing but sorted lines. `Dataset.to_rdflib()` gives the
friendly rdflib object to whoever wants one (pySHACL, the Python API, tests), parsed from those lines.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from rdflib import RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib import Dataset as RdflibDataset
from rdflib.compare import to_canonical_graph
from rdflib.term import BNode
from rdflib.term import Literal as RdflibLiteral

from kg import dates
from kg.model import Entity, Facts, Source, Statement
from kg.ontology import KG, ONTOLOGY_IRI, Ontology

DEFAULT_BASE = "https://kg.example.org/"

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
OA = Namespace("http://www.w3.org/ns/oa#")

PREFIXES = {
    "kg": KG,
    "schema": SCHEMA,
    "org": ORG,
    "foaf": FOAF,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "oa": OA,
    "xsd": XSD,
    "rdfs": RDFS,
}

FOLDERS = {
    "Organisation": "organisation",
    "Person": "person",
    "Region": "region",
    "Policy": "policy",
    "Article": "article",
    "Event": "event",
}

DEFAULT_GRAPH = ""  # the name under which Dataset.graphs keeps the default graph


class Lit(NamedTuple):
    """An RDF literal: lexical form, language tag or datatype IRI ("" for a plain xsd:string)."""

    value: str
    language: str = ""
    datatype: str = ""


# A term is an IRI (str), a blank node ("_:label", which no IRI can start with) or a Lit.
Term = str | Lit
Triple = tuple[str, str, Term]

# Canonical N-Triples escapes (RDF 1.1 / 1.2): the five ECHARs, \uXXXX for the other C0 controls and DEL.
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if c not in _ESCAPES and c not in (0x08, 0x0C)})
_ESCAPES.update({0x08: "\\b", 0x0C: "\\f"})
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def nt(term: Term) -> str:
    """The canonical N-Triples form of a term; literal text is escaped here, IRIs are checked, never trusted."""
    if isinstance(term, Lit):
        text = '"' + term.value.translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != str(XSD.string):
            return f"{text}^^<{term.datatype}>"
        return text
    if term.startswith("_:"):
        return term
    if _IRI_FORBIDDEN.search(term):
        raise ValueError(f"not an IRI kg can write: {term!r}")
    return f"<{term}>"


def line(triple: Triple) -> str:
    """One N-Triples line, without the line break."""
    return f"{nt(triple[0])} {nt(triple[1])} {nt(triple[2])} ."


class Dataset:
    """The emitted dataset: per graph, its unique triples sorted by their N-Triples line.

    The default graph is named "" (DEFAULT_GRAPH); the others by IRI. Sorting by the canonical line is what
    makes every writer's output byte-identical across runs, machines and hash seeds."""

    def __init__(self, graphs: dict[str, list[Triple]]):
        self.graphs: dict[str, list[Triple]] = {}
        self._lines: dict[str, list[str]] = {}
        encoded: dict[str, str] = {}  # IRIs repeat (predicates, entities): encode each once

        def term(value: Term) -> str:
            if value.__class__ is Lit:
                return nt(value)
            text = encoded.get(value)  # type: ignore[call-overload]
            if text is None:
                text = encoded[value] = nt(value)  # type: ignore[index]
            return text

        for name in sorted(graphs):
            unique = {f"{term(t[0])} {term(t[1])} {term(t[2])} .": t for t in graphs[name]}
            keys = sorted(unique)
            self._lines[name] = keys
            self.graphs[name] = [unique[k] for k in keys]

    @property
    def default(self) -> list[Triple]:
        return self.graphs.get(DEFAULT_GRAPH, [])

    @property
    def named(self) -> list[str]:
        """Names of the named graphs, sorted."""
        return [name for name in self.graphs if name != DEFAULT_GRAPH]

    def lines(self, name: str = DEFAULT_GRAPH) -> list[str]:
        """The graph's N-Triples lines (no line breaks), sorted and unique."""
        return self._lines.get(name, [])

    def nquads(self, graphs: list[str] | None = None) -> Iterator[str]:
        """Every quad as an N-Quads line: the default graph first, then each named graph in name order."""
        for name in self.graphs if graphs is None else graphs:
            if name == DEFAULT_GRAPH:
                yield from self._lines[name]
            else:
                suffix = f"<{name}> ."
                for text in self._lines[name]:
                    yield text[:-1] + suffix

    def __len__(self) -> int:
        """Quads in all graphs."""
        return sum(len(triples) for triples in self.graphs.values())

    @cached_property
    def rdflib(self) -> RdflibDataset:
        """The same dataset as an rdflib Dataset (parsed from the N-Quads; slow at scale, built on demand)."""
        ds = RdflibDataset()
        for prefix, namespace in PREFIXES.items():
            ds.bind(prefix, namespace, override=True, replace=True)
        ds.parse(data="".join(text + "\n" for text in self.nquads()), format="nquads")
        return ds

    def to_rdflib(self) -> RdflibDataset:
        return self.rdflib


class Minter:
    """Stable, readable IRIs: base + folder of the entity's top class + curated id."""

    def __init__(self, base: str, ontology: Ontology):
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.ontology = ontology
        self._folders: dict[str, str] = {}

    def entity(self, entity: Entity) -> URIRef:
        return URIRef(self.entity_iri(entity))

    def entity_iri(self, entity: Entity) -> str:
        folder = self._folders.get(entity.cls)
        if folder is None:
            folder = self._folders[entity.cls] = FOLDERS.get(self.ontology.top_class(entity.cls), "thing")
        return f"{self.base}{folder}/{entity.id}"

    def graph(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}graph/{slug}")

    def statement(self, st: Statement) -> URIRef:
        content = "\x1f".join([st.subject, st.predicate, st.object or "", st.value or "", st.date, st.role])
        digest = hashlib.sha1(content.encode("utf-8")).hexdigest()[:12]
        return URIRef(f"{self.base}statement/{st.source}/{st.subject}.{st.predicate}.{digest}")

    def evidence(self, slug: str, start: int, end: int) -> URIRef:
        return URIRef(f"{self.base}evidence/{slug}/{start}-{end}")


def canonical_decimal(text: str) -> str:
    """XSD canonical decimal ("588900000000.0"): the form every Turtle writer and reader agrees on."""
    value = Decimal(text)
    plain = format(value, "f")
    if "." in plain:
        plain = plain.rstrip("0")
    return plain + "0" if plain.endswith(".") else plain if "." in plain else plain + ".0"


_XSD = str(XSD)
_INTEGER, _DECIMAL, _DATE, _NNI = f"{_XSD}integer", f"{_XSD}decimal", f"{_XSD}date", f"{_XSD}nonNegativeInteger"


def _literal_for(st: Statement, datatype: str | None) -> Lit:
    if datatype == _DATE:
        return _date_literal(st.value or "")
    if datatype == _INTEGER:
        return Lit(str(int(st.value or "0")), "", _INTEGER)
    if datatype == _DECIMAL:
        return Lit(canonical_decimal(st.value or "0"), "", _DECIMAL)
    return Lit(st.value or "")


@functools.lru_cache(maxsize=65536)
def _date_literal(text: str) -> Lit:
    lexical, datatype = dates.parse(text)  # checked already
    return Lit(lexical, "", str(datatype))


def term_of(node) -> Term:
    """An rdflib term as a kg term (for the ontology graph, which rdflib reads)."""
    if isinstance(node, RdflibLiteral):
        datatype = str(node.datatype) if node.datatype is not None else ""
        return Lit(str(node), node.language or "", "" if datatype == str(XSD.string) else datatype)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def rdflib_term(value: Term):
    """A kg term as an rdflib term."""
    if isinstance(value, Lit):
        if value.language:
            return RdflibLiteral(value.value, lang=value.language)
        return RdflibLiteral(value.value, datatype=URIRef(value.datatype) if value.datatype else None)
    if value.startswith("_:"):
        return BNode(value[2:])
    return URIRef(value)


def ontology_triples(ontology: Ontology) -> list[Triple]:
    """The ontology graph, with canonical blank-node labels (its owl:unionOf lists) so output is byte-stable."""
    return [(term_of(s), term_of(p), term_of(o)) for s, p, o in to_canonical_graph(ontology.graph)]


def to_dataset(facts: Facts, ontology: Ontology, base: str = DEFAULT_BASE) -> Dataset:
    """Emit the checked facts: default graph, one named graph per source, the ontology graph."""
    mint = Minter(base, ontology)
    iri = {eid: mint.entity_iri(e) for eid, e in facts.entities.items()}
    default: list[Triple] = []
    graphs: dict[str, list[Triple]] = {str(mint.graph(slug)): [] for slug in facts.sources}
    graph_of = {slug: graphs[str(mint.graph(slug))] for slug in facts.sources}

    for slug, source in facts.sources.items():
        triples = _source_triples(iri[slug], source)
        default.extend(triples)
        graph_of[slug].extend(triples)

    for eid, entity in facts.entities.items():
        if entity.cls == "Article":
            continue
        triples = _entity_triples(iri[eid], entity, facts.sources[entity.source].language.lower())
        default.extend(triples)
        graph_of[entity.source].extend(triples)

    properties = {name: (str(p.iri), str(p.range[0]) if p.range else None) for name, p in ontology.properties.items()}
    rdf_type, rdf_s, rdf_p, rdf_o = str(RDF.type), str(RDF.subject), str(RDF.predicate), str(RDF.object)
    kg_statement, kg_evidence, kg_evidence_class = str(KG.Statement), str(KG.evidence), str(KG.Evidence)
    kg_date, kg_role, kg_note = str(KG.date), str(KG.role), str(KG.note)
    derived, exact, start, end, ev_source = (
        str(PROV.wasDerivedFrom),
        str(OA.exact),
        str(OA.start),
        str(OA.end),
        str(DCTERMS.source),
    )
    for st in facts.statements:
        prop, datatype = properties[st.predicate]
        subject = iri[st.subject]
        obj: Term = iri[st.object] if st.object else _literal_for(st, datatype)
        default.append((subject, prop, obj))
        g = graph_of[st.source]
        node = str(mint.statement(st))
        g += [
            (subject, prop, obj),
            (node, rdf_type, kg_statement),
            (node, rdf_s, subject),
            (node, rdf_p, prop),
            (node, rdf_o, obj),
            (node, derived, iri[st.source]),
        ]
        if st.date:
            g.append((node, kg_date, _date_literal(st.date)))
        if st.role:
            g.append((node, kg_role, Lit(st.role)))
        if st.note:
            g.append((node, kg_note, Lit(st.note)))
        for ev in st.evidence:
            ev_node = str(mint.evidence(ev.source, ev.start, ev.end))
            g += [
                (node, kg_evidence, ev_node),
                (ev_node, rdf_type, kg_evidence_class),
                (ev_node, exact, Lit(ev.quote)),
                (ev_node, start, Lit(str(ev.start), "", _NNI)),
                (ev_node, end, Lit(str(ev.end), "", _NNI)),
                (ev_node, ev_source, iri[ev.source]),
            ]

    graphs[DEFAULT_GRAPH] = default
    graphs[str(ONTOLOGY_IRI)] = ontology_triples(ontology)
    return Dataset(graphs)


def _source_triples(node: str, source: Source) -> list[Triple]:
    lang = source.language.lower()  # RDF language tags compare case-insensitively; rdflib and Oxigraph lower them
    out: list[Triple] = [
        (node, str(RDF.type), str(KG.Article)),
        (node, str(RDFS.label), Lit(source.title, lang)),
        (node, str(DCTERMS.title), Lit(source.title, lang)),
    ]
    if source.language:
        out.append((node, str(KG.language), Lit(source.language)))
    if source.translated_from:
        out.append((node, str(KG.translatedFrom), Lit(source.translated_from)))
    if source.date:
        out.append((node, str(KG.datePublished), _date_literal(source.date)))
    if source.url:
        out.append((node, str(SCHEMA.url), source.url))
    return out


_TYPE, _LABEL, _ALT, _ISO, _COMMENT = (
    str(RDF.type),
    str(RDFS.label),
    str(SKOS.altLabel),
    str(KG.iso3166Code),
    str(RDFS.comment),
)


def _entity_triples(node: str, entity: Entity, lang: str) -> list[Triple]:
    out: list[Triple] = [(node, _TYPE, f"{KG}{entity.cls}"), (node, _LABEL, Lit(entity.label, lang))]
    for alias in entity.aliases:
        out.append((node, _ALT, Lit(alias, lang)))
    if entity.label_zh:
        out.append((node, _LABEL, Lit(entity.label_zh, "zh")))
    if entity.iso3166:
        out.append((node, _ISO, Lit(entity.iso3166)))
    if entity.note:
        out.append((node, _COMMENT, Lit(entity.note, lang)))
    return out


def rdflib_graph(triples: list[Triple]) -> Graph:
    """A small rdflib Graph of kg triples with kg's prefixes bound (for tests and the JSON-LD round trip)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.parse(data="".join(line(t) + "\n" for t in triples), format="nt")
    return graph
