"""Model objects -> the RDF dataset: plain triples in the default graph, evidence in per-source graphs.

Every fact is asserted twice (DESIGN.md, Provenance): as a plain triple so simple SPARQL stays simple, and
in the named graph of its article with a statement node that carries the quote, its offsets and the
qualifiers. IRIs come from curated ids and content, never from run order.

The dataset is held as plain Python tuples and their canonical N-Triples lines, not as an rdflib Dataset:
adding a million triples to rdflib takes 16 s and 1.2 GB (DESIGN.md, measured traps), while the writers of
kg.nt, kg.nq, kg.ttl, kg.trig and the store need nothing but sorted lines. `Dataset.rdflib` gives the
friendly rdflib object to whoever wants one (pySHACL, the Python API, tests), parsed from those lines.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from rdflib import RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib import Dataset as RdflibDataset
from rdflib.compare import to_canonical_graph
from rdflib.term import BNode
from rdflib.term import Literal as RdflibLiteral

from kg.model import DEFAULT_BASE, FOLDERS, OTHER_FOLDER, Entity, Facts, Source, Statement
from kg.ontology import KG, ONTOLOGY_IRI, Ontology
from kg.read import dates
from kg.read.articles import front_matter_facts, name_key

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


_UNESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\\"nrtbf\'])')
_UNESCAPED = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _unescape_match(match: re.Match) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code[0] in "uU" else _UNESCAPED[code]


def parse_term(text: str) -> Term:
    """A term from its canonical N-Triples form (as kg.pipeline.rdf.nt writes it)."""
    if text[0] == "<":
        return text[1:-1]
    if text[0] == "_":
        return text
    end = text.rindex('"')
    value = text[1:end]
    if "\\" in value:
        value = _UNESCAPE.sub(_unescape_match, value)
    rest = text[end + 1 :]
    if rest.startswith("@"):
        return Lit(value, rest[1:])
    if rest.startswith("^^<"):
        return Lit(value, "", rest[3:-1])
    return Lit(value)


def split_line(text: str) -> tuple[str, str, str]:
    """Subject, predicate and object of a canonical N-Triples line, still in N-Triples form. Subjects and
    predicates hold no space (IRIs are checked, blank labels are words), so two splits find them."""
    s, p, o = text[:-2].split(" ", 2)
    return s, p, o


def parse_line(text: str) -> Triple:
    s, p, o = split_line(text)
    return parse_term(s), p[1:-1], parse_term(o)  # type: ignore[return-value]


def sorted_unique(lines: Iterable[str]) -> list[str]:
    """The lines sorted, each once. Sorted as they come, not through a set (whose order is random): Python's sort
    runs in about linear time over the sorted runs the sources' lines arrive in (emit_source sorts them),
    about 0.15 s for a million lines against 0.65 s from a set's order."""
    out = sorted(lines)
    if any(map(operator.eq, out, itertools.islice(out, 1, None))):
        out = [text for text, _ in itertools.groupby(out)]
    return out


class Dataset:
    """The emitted dataset: per graph, its unique canonical N-Triples lines, sorted.

    The default graph is named "" (DEFAULT_GRAPH); the others by IRI. Sorting by the canonical line is what
    makes every writer's output byte-identical across runs, machines and hash seeds. Lines are the form the
    heavy writers need (kg.nt, kg.nq, the store, Turtle and TriG); `graphs` gives the same triples as kg terms
    for the writers that need values (the view, JSON-LD), parsed on first use."""

    def __init__(self, lines: dict[str, Iterable[str]]):
        self._lines: dict[str, list[str]] = {name: sorted_unique(lines[name]) for name in sorted(lines)}
        self.repeated: dict[str, int] = {}  # default-graph lines more than one source gives, and how many give them

    @cached_property
    def graphs(self) -> dict[str, list[Triple]]:
        return {name: [parse_line(text) for text in lines] for name, lines in self._lines.items()}

    @cached_property
    def default(self) -> list[Triple]:
        return [parse_line(text) for text in self._lines.get(DEFAULT_GRAPH, [])]

    def triples(self, name: str) -> list[Triple]:
        """One graph's triples as kg terms."""
        if name == DEFAULT_GRAPH:
            return self.default
        return [parse_line(text) for text in self._lines.get(name, [])]

    @property
    def names(self) -> list[str]:
        """Every graph's name, the default graph ("") first."""
        return list(self._lines)

    @property
    def named(self) -> list[str]:
        """Names of the named graphs, sorted."""
        return [name for name in self._lines if name != DEFAULT_GRAPH]

    def lines(self, name: str = DEFAULT_GRAPH) -> list[str]:
        """The graph's N-Triples lines (no line breaks), sorted and unique."""
        return self._lines.get(name, [])

    def nquads(self, graphs: list[str] | None = None) -> Iterator[str]:
        """Every quad as an N-Quads line: the default graph first, then each named graph in name order."""
        for name in self._lines if graphs is None else graphs:
            if name == DEFAULT_GRAPH:
                yield from self._lines[name]
            else:
                suffix = f"<{name}> ."
                for text in self._lines[name]:
                    yield text[:-1] + suffix

    def __len__(self) -> int:
        """Quads in all graphs."""
        return sum(len(lines) for lines in self._lines.values())

    @cached_property
    def rdflib(self) -> RdflibDataset:
        """The same dataset as an rdflib Dataset (parsed from the N-Quads; slow at scale, built on demand)."""
        ds = RdflibDataset()
        for prefix, namespace in PREFIXES.items():
            ds.bind(prefix, namespace, override=True, replace=True)
        ds.parse(data="".join(text + "\n" for text in self.nquads()), format="nquads")
        return ds


class Minter:
    """Stable, readable IRIs: base + folder of the entity's top class + curated id."""

    def __init__(self, base: str, ontology: Ontology):
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.ontology = ontology
        self._folders: dict[str, str] = {}

    def entity(self, entity: Entity) -> URIRef:
        return URIRef(self.entity_iri(entity))

    def entity_iri(self, entity: Entity) -> str:
        return self.iri(entity.id, entity.cls)

    def iri(self, eid: str, cls: str) -> str:
        folder = self._folders.get(cls)
        if folder is None:
            folder = self._folders[cls] = FOLDERS.get(self.ontology.top_class(cls), OTHER_FOLDER)
        return f"{self.base}{folder}/{eid}"

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


PLACEHOLDER = "\x00"  # starts the stand-in IRI of an entity another facts file declares (see emit_source)
_PLACEHOLDERS = re.compile("<\x00([a-z0-9-]+)>")


@dataclass
class Emitted:
    """The lines one source contributes: to the default graph, and to its own named graph; each list sorted,
    each line once (two statements of one source can give the same fact: a person's two roles in one place)."""

    slug: str
    default: list[str]
    graph: list[str]


def emit_source(
    slug: str,
    source: Source | None,
    entities: list[Entity],
    statements: list[Statement],
    ontology: Ontology,
    base: str,
    iri_of: dict[str, str] | None = None,
) -> Emitted:
    """The N-Triples lines of one source: its article, the entities it declares, its statements with their
    evidence. This runs in the per-source stage (kg.pipeline.corpus), so it sees one facts file: an entity declared in
    another file gets the stand-in IRI <\x00id> (no IRI holds a NUL), which `assemble` replaces once all files
    are read. `iri_of` gives known IRIs instead (to_dataset, which sees every file)."""
    mint = Minter(base, ontology)
    local = {e.id: mint.entity_iri(e) for e in entities}
    local[slug] = f"{mint.base}article/{slug}"
    encoded: dict[str, str] = {}

    def iri(eid: str) -> str:
        """An entity's IRI in N-Triples form."""
        text = encoded.get(eid)
        if text is None:
            if eid in local:
                text = nt(local[eid])
            elif iri_of is not None:
                text = nt(iri_of[eid])
            else:
                text = f"<{PLACEHOLDER}{eid}>"
            encoded[eid] = text
        return text

    def term(value: str) -> str:
        text = encoded.get(value)
        if text is None:
            text = encoded[value] = nt(value)
        return text

    default: list[str] = []
    graph: list[str] = []
    article = iri(slug)
    if source is not None:
        lines = [f"{article} {term(p)} {nt(o)} ." for _, p, o in _source_triples("", source)]
        default += lines
        graph += lines
    lang = source.language.lower() if source is not None else ""
    for entity in entities:
        node = iri(entity.id)
        lines = [f"{node} {term(p)} {nt(o)} ." for _, p, o in _entity_triples("", entity, lang)]
        default += lines
        graph += lines

    properties = {
        name: (nt(str(p.iri)), str(p.range[0]) if p.range else None) for name, p in ontology.properties.items()
    }
    a, rdf_s, rdf_p, rdf_o = (nt(str(t)) for t in (RDF.type, RDF.subject, RDF.predicate, RDF.object))
    kg_statement, kg_evidence, kg_evidence_class = nt(str(KG.Statement)), nt(str(KG.evidence)), nt(str(KG.Evidence))
    kg_date, kg_role, kg_note = nt(str(KG.date)), nt(str(KG.role)), nt(str(KG.note))
    derived, exact, start, end, ev_source = (
        nt(str(t)) for t in (PROV.wasDerivedFrom, OA.exact, OA.start, OA.end, DCTERMS.source)
    )
    for st in statements:
        prop, datatype = properties[st.predicate]
        subject = iri(st.subject)
        obj = iri(st.object) if st.object else nt(_literal_for(st, datatype))
        fact = f"{subject} {prop} {obj} ."
        default.append(fact)
        node = nt(str(mint.statement(st)))
        graph += [
            fact,
            f"{node} {a} {kg_statement} .",
            f"{node} {rdf_s} {subject} .",
            f"{node} {rdf_p} {prop} .",
            f"{node} {rdf_o} {obj} .",
            f"{node} {derived} {article} .",
        ]
        if st.date:
            graph.append(f"{node} {kg_date} {nt(_date_literal(st.date))} .")
        if st.role:
            graph.append(f"{node} {kg_role} {nt(Lit(st.role))} .")
        if st.note:
            graph.append(f"{node} {kg_note} {nt(Lit(st.note))} .")
        for ev in st.evidence:
            ev_node = nt(str(mint.evidence(ev.source, ev.start, ev.end)))
            graph += [
                f"{node} {kg_evidence} {ev_node} .",
                f"{ev_node} {a} {kg_evidence_class} .",
                f"{ev_node} {exact} {nt(Lit(ev.quote))} .",
                f'{ev_node} {start} "{ev.start}"^^<{_NNI}> .',
                f'{ev_node} {end} "{ev.end}"^^<{_NNI}> .',
                f"{ev_node} {ev_source} {iri(ev.source)} .",
            ]
    if source is not None:
        for predicate, name, eid, cls in front_matter_facts(source, entities, statements, ontology):
            if eid is not None:
                node = iri(eid)
            else:  # no entity of the facts file has this name: a node of its own, named as the front matter does
                node = nt(mint.iri(name_id(name), cls))
                lines = [f"{node} {a} {nt(f'{KG}{cls}')} .", f"{node} {term(_LABEL)} {nt(Lit(name, lang))} ."]
                default += lines
                graph += lines
            fact = f"{article} {properties[predicate][0]} {node} ."
            default.append(fact)
            graph.append(fact)
    # each line once (two statements citing one quote give its evidence lines twice), so that the dataset counts
    # the sources of a fact, not its statements (Dataset.repeated); sorted here, in the per-source stage's
    # processes, so that the dataset's sort merges sorted runs instead of sorting from scratch
    return Emitted(slug, sorted(set(default)), sorted(set(graph)))


def name_id(name: str) -> str:
    """The id of a node made for a front-matter name: its letters and digits in ASCII, joined by hyphens
    (Mei Tan -> mei-tan, the id a facts file would give her); a name with none of them (胡金华) gets a digest."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_name))
    return slug or "name-" + hashlib.sha1(name_key(name).encode("utf-8")).hexdigest()[:12]


def assemble(emitted: Iterable[Emitted], facts: Facts, ontology: Ontology, base: str = DEFAULT_BASE) -> Dataset:
    """The dataset from every source's lines: stand-in IRIs replaced, articles that no facts file names added,
    the ontology graph added, every graph sorted."""
    mint = Minter(base, ontology)
    iri_of = {eid: mint.entity_iri(e) for eid, e in facts.entities.items()}
    resolve = resolver(iri_of)
    default: list[str] = []
    graphs: dict[str, list[str]] = {}
    seen: set[str] = set()
    for part in emitted:
        seen.add(part.slug)
        default.extend(resolve(part.default))
        graphs.setdefault(str(mint.graph(part.slug)), []).extend(resolve(part.graph))
    for slug, source in facts.sources.items():
        if slug not in seen:  # an article without a facts file is still an Article node with its metadata
            part = emit_source(slug, source, [], [], ontology, base, iri_of)
            default.extend(part.default)
            graphs.setdefault(str(mint.graph(slug)), []).extend(part.graph)
    graphs[DEFAULT_GRAPH] = default
    graphs[str(ONTOLOGY_IRI)] = [line(t) for t in ontology_triples(ontology)]
    dataset = Dataset(graphs)
    if len(default) > len(dataset.lines()):  # a fact several sources state: how many, for incremental builds
        dataset.repeated = {text: n for text, n in Counter(default).items() if n > 1}
    return dataset


def resolver(iri_of: Mapping[str, str]) -> Callable[[list[str]], list[str]]:
    """Replaces the stand-in IRIs of a source's lines (see emit_source) with the entities' IRIs: a function from
    lines to lines, so the test for a stand-in runs inline per line, not as a call (a million lines a build)."""

    class Written(dict):  # stand-in -> the IRI in N-Triples form, each written once
        def __missing__(self, placeholder: str) -> str:
            text = self[placeholder] = nt(iri_of[placeholder[2:-1]])
            return text

    written = Written()
    substitute = _PLACEHOLDERS.sub

    def replace(match: re.Match[str]) -> str:
        return written[match.group(0)]

    def resolve(lines: list[str]) -> list[str]:
        return [substitute(replace, text) if PLACEHOLDER in text else text for text in lines]

    return resolve


def to_dataset(facts: Facts, ontology: Ontology, base: str = DEFAULT_BASE) -> Dataset:
    """Emit checked facts (all files at once): default graph, one named graph per source, the ontology graph."""
    mint = Minter(base, ontology)
    iri_of = {eid: mint.entity_iri(e) for eid, e in facts.entities.items()}
    entities: dict[str, list[Entity]] = {}
    statements: dict[str, list[Statement]] = {}
    for entity in facts.entities.values():
        if entity.cls != "Article":
            entities.setdefault(entity.source, []).append(entity)
    for st in facts.statements:
        statements.setdefault(st.source, []).append(st)
    parts = [
        emit_source(slug, source, entities.get(slug, []), statements.get(slug, []), ontology, base, iri_of)
        for slug, source in facts.sources.items()
    ]
    return assemble(parts, facts, ontology, base)


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
