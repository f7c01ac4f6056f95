"""The one projection of the RDF dataset to a property graph, shared by GraphML, HTML and Neo4j exports.

Entities become nodes, statements between entities become edges with their evidence folded in, literal
facts become typed node attributes. Schema, statement and evidence nodes are not part of the view. All
values are plain str/int/float/bool (what GraphML and CSV can hold), and lists are joined in sorted order
so that every exporter writes the same bytes for the same input.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef

from kg.ontology import KG, ONTOLOGY_IRI, Ontology
from kg.rdf import DCTERMS, OA, PROV, SKOS

JOIN = " | "  # between list items in one attribute
QUOTE_JOIN = "\n"  # between evidence quotes


@dataclass
class Support:
    """What the sources say about one triple: quotes, sources and qualifiers, merged over sources."""

    sources: set[str] = field(default_factory=set)
    quotes: list[tuple[str, int, str]] = field(default_factory=list)  # (source slug, start, quote)
    dates: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)


def _local(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _plain(value: Literal) -> str | int | float | bool:
    if value.datatype in (XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long):
        return int(value)
    if value.datatype in (XSD.decimal, XSD.double, XSD.float):
        return float(value)
    if value.datatype == XSD.boolean:
        return bool(value.toPython())
    return str(value)


def supports(ds: Dataset) -> dict[tuple, Support]:
    """Evidence and qualifiers of every triple, read from the statement nodes of all source graphs."""
    out: dict[tuple, Support] = defaultdict(Support)
    for graph in ds.graphs():
        if graph.identifier in (ONTOLOGY_IRI,) or graph.identifier == ds.default_graph.identifier:
            continue
        for node in graph.subjects(RDF.type, KG.Statement):
            key = (graph.value(node, RDF.subject), graph.value(node, RDF.predicate), graph.value(node, RDF.object))
            support = out[key]
            source = graph.value(node, PROV.wasDerivedFrom)
            slug = _local(source) if source is not None else ""
            support.sources.add(slug)
            for value, bucket in ((KG.date, support.dates), (KG.role, support.roles), (KG.note, support.notes)):
                for literal in graph.objects(node, value):
                    bucket.add(str(literal))
            for ev in graph.objects(node, KG.evidence):
                quote = graph.value(ev, OA.exact)
                start = graph.value(ev, OA.start)
                src = graph.value(ev, DCTERMS.source)
                if quote is not None:
                    support.quotes.append((_local(src) if src is not None else slug, int(start or 0), str(quote)))
    for support in out.values():
        support.quotes = sorted(set(support.quotes))
    return out


def _label(ds_default, node: URIRef) -> tuple[str, str]:
    """The node's main label (first non-Chinese, by language then text) and its Chinese label."""
    labels = sorted((lit.language or "", str(lit)) for lit in ds_default.objects(node, RDFS.label))
    main = next((text for lang, text in labels if not lang.startswith("zh")), labels[0][1] if labels else _local(node))
    zh = next((text for lang, text in labels if lang.startswith("zh")), "")
    return main, zh


def project(ds: Dataset, ontology: Ontology) -> nx.MultiDiGraph:
    """Build the property-graph view of a dataset built by kg.rdf.to_dataset."""
    default = ds.default_graph
    view = nx.MultiDiGraph()
    support = supports(ds)
    ours = set(ontology.classes.values())
    typed = sorted({s for s, o in default.subject_objects(RDF.type) if o in ours and isinstance(s, URIRef)})
    object_props = {p.iri: p for p in ontology.properties.values() if p.is_object}
    data_props = {p.iri: p for p in ontology.properties.values() if not p.is_object}
    data_props_by_name = {p.name: p.iri for p in data_props.values()}

    for node in typed:
        classes = sorted(_local(c) for c in default.objects(node, RDF.type) if c in ours)
        cls = classes[0]
        supers = sorted({_local(c) for c in ontology.superclasses(cls) if str(c).startswith(str(KG))})
        label, label_zh = _label(default, node)
        attrs: dict[str, str | int | float | bool] = {
            "iri": str(node),
            "id": _local(node),
            "label": label,
            "class": cls,
            "classes": JOIN.join(supers),
            "group": ontology.top_class(cls),
            "aliases": JOIN.join(sorted(str(a) for a in default.objects(node, SKOS.altLabel))),
        }
        if label_zh:
            attrs["label_zh"] = label_zh
        comment = default.value(node, RDFS.comment)
        if comment is not None:
            attrs["note"] = str(comment)
        values: dict[str, list[Literal]] = {}
        for p, o in sorted(default.predicate_objects(node)):
            if p in data_props and isinstance(o, Literal):
                values.setdefault(data_props[p].name, []).append(o)
        for name, literals in values.items():
            # one value keeps its type; several (two founding dates from two articles) are all kept, as text
            plain = [_plain(o) for o in literals]
            attrs[name] = plain[0] if len(plain) == 1 else JOIN.join(str(v) for v in plain)
            quotes = [
                q for o in literals for _, _, q in support.get((node, data_props_by_name[name], o), Support()).quotes
            ]
            if quotes:
                attrs[f"{name}_evidence"] = QUOTE_JOIN.join(quotes)
        view.add_node(str(node), **attrs)

    for s, p, o in sorted(default.triples((None, None, None))):
        if p not in object_props or str(s) not in view or str(o) not in view:
            continue
        info = support.get((s, p, o), Support())
        prop = object_props[p]
        view.add_edge(
            str(s),
            str(o),
            key=prop.name,
            predicate=str(p),
            name=prop.name,
            label=ontology.label(p),
            date=JOIN.join(sorted(info.dates)),
            role=JOIN.join(sorted(info.roles)),
            note=JOIN.join(sorted(info.notes)),
            evidence=QUOTE_JOIN.join(q for _, _, q in info.quotes),
            sources=JOIN.join(sorted(info.sources)),
        )
    return view
