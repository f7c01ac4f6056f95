"""Model objects -> an rdflib Dataset: plain triples in the default graph, evidence in per-source graphs.

Every fact is asserted twice (DESIGN.md, Provenance): as a plain triple so simple SPARQL stays simple, and
in the named graph of its article with a statement node that carries the quote, its offsets and the
qualifiers. IRIs come from curated ids and content, never from run order.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph

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


class Minter:
    """Stable, readable IRIs: base + folder of the entity's top class + curated id."""

    def __init__(self, base: str, ontology: Ontology):
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.ontology = ontology

    def entity(self, entity: Entity) -> URIRef:
        folder = FOLDERS.get(self.ontology.top_class(entity.cls), "thing")
        return URIRef(f"{self.base}{folder}/{entity.id}")

    def graph(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}graph/{slug}")

    def statement(self, st: Statement) -> URIRef:
        content = "\x1f".join([st.subject, st.predicate, st.object or "", st.value or "", st.date, st.role])
        digest = hashlib.sha1(content.encode("utf-8")).hexdigest()[:12]
        return URIRef(f"{self.base}statement/{st.source}/{st.subject}.{st.predicate}.{digest}")

    def evidence(self, slug: str, start: int, end: int) -> URIRef:
        return URIRef(f"{self.base}evidence/{slug}/{start}-{end}")


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def _literal_for(st: Statement, datatype) -> Literal:
    if datatype == XSD.date:
        lexical, actual = dates.parse(st.value or "")  # checked already
        return Literal(lexical, datatype=actual)
    if datatype == XSD.integer:
        return Literal(str(int(st.value or "0")), datatype=XSD.integer)
    if datatype == XSD.decimal:
        return Literal(canonical_decimal(st.value or "0"), datatype=XSD.decimal)
    return Literal(st.value)


def canonical_decimal(text: str) -> str:
    """XSD canonical decimal ("588900000000.0"): the form every Turtle writer and reader agrees on."""
    value = Decimal(text)
    plain = format(value, "f")
    if "." in plain:
        plain = plain.rstrip("0")
    return plain + "0" if plain.endswith(".") else plain if "." in plain else plain + ".0"


def _date_literal(text: str) -> Literal:
    lexical, datatype = dates.parse(text)  # checked already
    return Literal(lexical, datatype=datatype)


def to_dataset(facts: Facts, ontology: Ontology, base: str = DEFAULT_BASE) -> Dataset:
    """Emit the checked facts as a Dataset: default graph, one named graph per source, the ontology graph."""
    mint = Minter(base, ontology)
    ds = Dataset()
    _bind(ds)
    default = ds.default_graph
    iri = {eid: mint.entity(e) for eid, e in facts.entities.items()}
    graphs = {slug: ds.graph(mint.graph(slug)) for slug in sorted(facts.sources)}

    for slug, source in sorted(facts.sources.items()):
        for g in (default, graphs[slug]):
            _add_source(g, iri[slug], source)

    for eid, entity in sorted(facts.entities.items()):
        if entity.cls == "Article":
            continue
        lang = facts.sources[entity.source].language or None
        for g in (default, graphs[entity.source]):
            _add_entity(g, iri[eid], entity, lang)

    for st in facts.statements:
        prop = ontology.properties[st.predicate]
        obj = iri[st.object] if st.object else _literal_for(st, prop.range[0] if prop.range else None)
        triple = (iri[st.subject], prop.iri, obj)
        default.add(triple)
        g = graphs[st.source]
        g.add(triple)
        node = mint.statement(st)
        g.add((node, RDF.type, KG.Statement))
        g.add((node, RDF.subject, triple[0]))
        g.add((node, RDF.predicate, triple[1]))
        g.add((node, RDF.object, triple[2]))
        g.add((node, PROV.wasDerivedFrom, iri[st.source]))
        if st.date:
            g.add((node, KG.date, _date_literal(st.date)))
        if st.role:
            g.add((node, KG.role, Literal(st.role)))
        if st.note:
            g.add((node, KG.note, Literal(st.note)))
        for ev in st.evidence:
            ev_node = mint.evidence(ev.source, ev.start, ev.end)
            g.add((node, KG.evidence, ev_node))
            g.add((ev_node, RDF.type, KG.Evidence))
            g.add((ev_node, OA.exact, Literal(ev.quote)))
            g.add((ev_node, OA.start, Literal(ev.start, datatype=XSD.nonNegativeInteger)))
            g.add((ev_node, OA.end, Literal(ev.end, datatype=XSD.nonNegativeInteger)))
            g.add((ev_node, DCTERMS.source, iri[ev.source]))

    # Canonical blank-node labels (the ontology's owl:unionOf lists) keep TriG and N-Quads byte-stable.
    onto = ds.graph(ONTOLOGY_IRI)
    for triple in to_canonical_graph(ontology.graph):
        onto.add(triple)
    return ds


def _add_source(g: Graph, node: URIRef, source: Source) -> None:
    lang = source.language or None
    g.add((node, RDF.type, KG.Article))
    g.add((node, RDFS.label, Literal(source.title, lang=lang)))
    g.add((node, DCTERMS.title, Literal(source.title, lang=lang)))
    if source.language:
        g.add((node, KG.language, Literal(source.language)))
    if source.translated_from:
        g.add((node, KG.translatedFrom, Literal(source.translated_from)))
    if source.date:
        g.add((node, KG.datePublished, _date_literal(source.date)))
    if source.url:
        g.add((node, SCHEMA.url, URIRef(source.url)))


def _add_entity(g: Graph, node: URIRef, entity: Entity, lang: str | None) -> None:
    g.add((node, RDF.type, KG[entity.cls]))
    g.add((node, RDFS.label, Literal(entity.label, lang=lang)))
    for alias in entity.aliases:
        g.add((node, SKOS.altLabel, Literal(alias, lang=lang)))
    if entity.label_zh:
        g.add((node, RDFS.label, Literal(entity.label_zh, lang="zh")))
    if entity.iso3166:
        g.add((node, KG.iso3166Code, Literal(entity.iso3166)))
    if entity.note:
        g.add((node, RDFS.comment, Literal(entity.note, lang=lang)))
