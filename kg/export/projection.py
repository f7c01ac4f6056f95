r"""The one projection of the RDF dataset to a property graph, shared by GraphML, HTML and Neo4j exports.

Entities become nodes, statements between entities become edges with their evidence folded in, literal
facts become typed node attributes. Schema, statement and evidence nodes are not part of the view. All
values are plain str/int/float/bool (what GraphML and CSV can hold), and lists are joined in sorted order
so that every exporter writes the same bytes for the same input.

A list is joined so that it can be split back exactly, whatever its items hold (an alias may contain " | ",
a quote may span paragraphs): items are joined with JOIN (" | "), and inside an item a backslash is written
`\\` and a `|` is written `\|`; evidence quotes are joined with QUOTE_JOIN (a line break), and inside a quote a
backslash is written `\\`, a line break `\n` and a carriage return `\r`. `split_list` reads either back.
GraphML and the tables carry these joined texts; the page and the Neo4j bundle split them into real lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from rdflib import RDF, RDFS, XSD

from kg.ontology import KG, ONTOLOGY_IRI, Ontology
from kg.pipeline.rdf import DCTERMS, OA, PROV, SKOS, Dataset, Lit, Term, parse_term, split_line

JOIN = " | "  # between list items in one attribute
QUALIFIERS = ("date", "role", "note")  # a literal value's, in attributes <property>_date, _role and _note
QUOTE_JOIN = "\n"  # between evidence quotes

_ITEM_ESCAPES = {JOIN: {"\\": "\\\\", "|": "\\|"}, QUOTE_JOIN: {"\\": "\\\\", "\n": "\\n", "\r": "\\r"}}
_ITEM_UNESCAPES = {JOIN: {}, QUOTE_JOIN: {"n": "\n", "r": "\r"}}


def join_list(items: Iterable[object], sep: str = JOIN) -> str:
    """The items as one text, each escaped so that `split_list` gives them back exactly (see the module doc)."""
    table = str.maketrans(_ITEM_ESCAPES[sep])
    return sep.join(str(item).translate(table) for item in items)


def split_list(text: str, sep: str = JOIN) -> list[str]:
    """The items of a text written by `join_list` (the empty text is the empty list): for readers of GraphML,
    the tables and the CSV files, and for the exporters that carry lists as lists."""
    if not text:
        return []
    unescape = _ITEM_UNESCAPES[sep]
    items: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(unescape.get(text[i + 1], text[i + 1]))
            i += 2
        elif text.startswith(sep, i):
            items.append("".join(current))
            current = []
            i += len(sep)
        else:
            current.append(char)
            i += 1
    items.append("".join(current))
    return items


_TYPE, _LABEL, _ALT, _COMMENT = str(RDF.type), str(RDFS.label), str(SKOS.altLabel), str(RDFS.comment)
_STATEMENT, _SUBJECT, _PREDICATE, _OBJECT = str(KG.Statement), str(RDF.subject), str(RDF.predicate), str(RDF.object)
_DERIVED, _EVIDENCE, _EXACT, _START, _SOURCE = (
    str(PROV.wasDerivedFrom),
    str(KG.evidence),
    str(OA.exact),
    str(OA.start),
    str(DCTERMS.source),
)
_QUALIFIERS = {str(KG.date): "dates", str(KG.role): "roles", str(KG.note): "notes"}
_INTEGERS = {str(XSD.integer), str(XSD.nonNegativeInteger), str(XSD.int), str(XSD.long)}
_FLOATS = {str(XSD.decimal), str(XSD.double), str(XSD.float)}


@dataclass
class Support:
    """What the sources say about one triple: quotes, sources and qualifiers, merged over sources."""

    sources: set[str] = field(default_factory=set)
    quotes: list[tuple[str, int, str]] = field(default_factory=list)  # (source slug, start, quote)
    dates: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _plain(value: Lit) -> str | int | float | bool:
    if value.datatype in _INTEGERS:
        return int(value.value)
    if value.datatype in _FLOATS:
        return float(value.value)
    if value.datatype == str(XSD.boolean):
        return value.value.strip() in ("true", "1")
    return value.value


def _by_subject(triples) -> dict[str, dict[str, list[Term]]]:
    out: dict[str, dict[str, list[Term]]] = {}
    for s, p, o in triples:
        out.setdefault(s, {}).setdefault(p, []).append(o)
    return out


def supports(ds: Dataset) -> dict[tuple, Support]:
    """Evidence and qualifiers of every triple, read from the statement nodes of all source graphs.

    Only the lines of the statement and evidence vocabulary are looked at, and only their values are parsed:
    most of a source graph repeats the entities' descriptions, which the view reads from the default graph."""
    wanted = {f"<{p}>" for p in (_TYPE, _SUBJECT, _PREDICATE, _OBJECT, _DERIVED, _EVIDENCE, _EXACT, _START, _SOURCE)}
    wanted.update(f"<{p}>" for p in _QUALIFIERS)
    type_iri, statement_iri = f"<{_TYPE}>", f"<{_STATEMENT}>"
    out: dict[tuple, Support] = defaultdict(Support)
    for name in ds.named:
        if name == str(ONTOLOGY_IRI):
            continue
        nodes: dict[str, dict[str, list[str]]] = {}
        statements: list[str] = []
        for text in ds.lines(name):
            s, p, o = split_line(text)
            if p not in wanted:
                continue
            if p == type_iri:
                if o == statement_iri:
                    statements.append(s)
                continue
            nodes.setdefault(s, {}).setdefault(p[1:-1], []).append(o)
        for node in statements:
            props = nodes.get(node, {})
            key = tuple(parse_term(props[p][0]) for p in (_SUBJECT, _PREDICATE, _OBJECT))
            support = out[key]
            slug = _local(props[_DERIVED][0][1:-1]) if _DERIVED in props else ""
            support.sources.add(slug)
            for predicate, bucket in _QUALIFIERS.items():
                values = (parse_term(o) for o in props.get(predicate, ()))
                getattr(support, bucket).update(v.value for v in values if isinstance(v, Lit))
            for ev in props.get(_EVIDENCE, ()):
                evidence = nodes.get(ev, {})
                if _EXACT in evidence:
                    start = int(parse_term(evidence[_START][0]).value) if _START in evidence else 0  # type: ignore[union-attr]
                    src = _local(evidence[_SOURCE][0][1:-1]) if _SOURCE in evidence else slug
                    support.quotes.append((src, start, parse_term(evidence[_EXACT][0]).value))  # type: ignore[union-attr]
    for support in out.values():
        support.quotes = sorted(set(support.quotes))
    return out


def _label(props: dict[str, list[Term]], node: str) -> tuple[str, str]:
    """The node's main label (first non-Chinese, by language then text) and its Chinese label."""
    labels = sorted((lit.language, lit.value) for lit in props.get(_LABEL, ()) if isinstance(lit, Lit))
    main = next((text for lang, text in labels if not lang.startswith("zh")), labels[0][1] if labels else _local(node))
    zh = next((text for lang, text in labels if lang.startswith("zh")), "")
    return main, zh


def project(ds: Dataset, ontology: Ontology) -> nx.MultiDiGraph:
    """Build the property-graph view of a dataset built by kg.pipeline.rdf.to_dataset."""
    view = nx.MultiDiGraph()
    support = supports(ds)
    ours = {str(c) for c in ontology.classes.values()}
    default = _by_subject(ds.default)
    object_props = {str(p.iri): p for p in ontology.properties.values() if p.is_object}
    data_props = {str(p.iri): p for p in ontology.properties.values() if not p.is_object}
    supers_of = {}

    for node in sorted(default):
        props = default[node]
        classes = sorted(_local(c) for c in props.get(_TYPE, ()) if c in ours)
        if not classes or node.startswith("_:"):
            continue
        cls = classes[0]
        if cls not in supers_of:
            supers_of[cls] = sorted({_local(c) for c in ontology.superclasses(cls) if str(c).startswith(str(KG))})
        label, label_zh = _label(props, node)
        attrs: dict[str, str | int | float | bool] = {
            "iri": node,
            "id": _local(node),
            "label": label,
            "class": cls,
            "classes": join_list(supers_of[cls]),
            "group": ontology.top_class(cls),
            "aliases": join_list(sorted(a.value for a in props.get(_ALT, ()) if isinstance(a, Lit))),
        }
        if label_zh:
            attrs["label_zh"] = label_zh
        comments = [c for c in props.get(_COMMENT, ()) if isinstance(c, Lit)]
        if comments:
            attrs["note"] = comments[0].value
        for predicate in sorted(props):
            prop = data_props.get(predicate)
            literals = [o for o in props[predicate] if isinstance(o, Lit)]
            if prop is None or not literals:
                continue
            # one number or boolean keeps its type; text, and several values (two founding dates from two
            # articles), are a list (join_list: one text item comes out as it is unless it holds | or \)
            plain = [_plain(o) for o in literals]
            attrs[prop.name] = plain[0] if len(plain) == 1 and not isinstance(plain[0], str) else join_list(plain)
            said = [support.get((node, predicate, o), Support()) for o in literals]
            quotes = [q for info in said for _, _, q in info.quotes]
            if quotes:
                attrs[f"{prop.name}_evidence"] = join_list(quotes, QUOTE_JOIN)
            # a value's qualifiers, as an edge carries its own: "86 projects" as of a date, in a role, with a note
            for qualifier in QUALIFIERS:
                values = sorted({v for info in said for v in getattr(info, f"{qualifier}s")})
                if values:
                    attrs[f"{prop.name}_{qualifier}"] = join_list(values)
        view.add_node(node, **attrs)

    for s, p, o in ds.default:
        prop = object_props.get(p)
        if prop is None or s not in view or isinstance(o, Lit) or o not in view:
            continue
        info = support.get((s, p, o), Support())
        view.add_edge(
            s,
            o,
            key=prop.name,
            predicate=p,
            name=prop.name,
            label=ontology.label(prop.iri),
            date=join_list(sorted(info.dates)),
            role=join_list(sorted(info.roles)),
            note=join_list(sorted(info.notes)),
            evidence=join_list((q for _, _, q in info.quotes), QUOTE_JOIN),
            sources=join_list(sorted(info.sources)),
        )
    return view
