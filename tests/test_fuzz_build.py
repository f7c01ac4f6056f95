"""Fuzzing the whole build: hypothesis writes whole data directories, valid and near-valid, and builds them.

Each example is an article (front matter and a body of generated sentences) and a facts file for it:
entities of random ontology classes (misspelt now and then), statements whose subject and object fit the
property's domain and range or do not, literal values of the right datatype or not, evidence quotes cut
from the body (with the right offset, a wrong one, or mutated so they are no longer in the text), ids that
collide, qualifiers that are malformed. The facts file is written by yaml.safe_dump, and sometimes the YAML
text itself is then damaged (a line dropped, doubled or re-indented, a character inserted).

Every example must end in one of exactly two ways:

- `pipeline.load` raises a KgError whose problems each name the facts file or the article, a line inside
  that file, and a fix; or
- every registered export is written, parses in a reader other than its writer (pyoxigraph for the RDF
  formats, lxml and networkx for GraphML, lxml and json for the HTML page, csv and the ladybug graph
  database for the Neo4j bundle, json and pyoxigraph for JSON-LD, pyoxigraph for the store) and gives back
  exactly what was built: the same quads, the same nodes, edges and attributes.

Any other exception fails the test. CI runs 60 derandomised examples (the same ones every
run); `KG_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_build.py` runs a long, random campaign.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg import export
from kg.errors import DataError, KgError
from kg.export import neo4j
from kg.export.projection import JOIN, QUOTE_JOIN, split_list
from kg.ontology import Ontology
from kg.pipeline import run as pipeline
from tests.conftest import SPREADSHEET_FORMULA_STARTS
from tests.test_neo4j import load_cypher, rows

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "60"))
LONG_RUN = "KG_FUZZ_EXAMPLES" in os.environ
ONTOLOGY = Ontology.load(None)
CLASSES = sorted(c for c in ONTOLOGY.classes if c not in ("Article", "Statement", "Evidence"))
PROPERTIES = sorted(ONTOLOGY.properties)
SLUG = "fuzz-news"
OUTCOMES = {"built": 0, "refused": 0}

# Import every writer now: pyvis pulls in jedi, which changes the recursion limit on import, and hypothesis
# warns when that happens inside an example.
for _fmt in export.FORMATS.values():
    _fmt.load()

WORDS = [
    "Qinglan",
    "Northwind",
    "Ledger",
    "Institute",
    "province",
    "issued",
    "a",
    "plan",
    "on",
    "2020",
    "北京",
    "上海市",
    "O'Brien",
    '"quoted"',
    "<b>bold</b>",
    "&amp;",
    "café",
    "🧱",
    "\u202eevil",
    "back\\slash",
    "=SUM(A1)",
    "@handle",
    "-1",
    "+86",
    "a;b",
    "`tick`",
    "{x}",
    "ＦＵＬＬ",
    "zero\u200bwidth",
]


# -- strategies --------------------------------------------------------------------------------------


@st.composite
def bodies(draw) -> str:
    sentences = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12), min_size=2, max_size=8))
    separators = draw(st.lists(st.sampled_from([" ", "\n", "\n\n"]), min_size=len(sentences), max_size=len(sentences)))
    return "".join(" ".join(words) + "." + sep for words, sep in zip(sentences, separators, strict=True))


GOOD_IDS = st.from_regex(r"[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
BAD_IDS = st.sampled_from([SLUG, "Bad Id", "../../x", "a--b", "<x>", "", "ünï", "a b", "ada-wu"])

NOT_XML = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
C1 = [chr(c) for c in range(0x80, 0xA0)]  # refused by the loader (a terminal acts on them): BAD_TEXT holds one
CR = ["\r"]  # refused without a line feed after it (a terminal prints what follows over what came before)
GOOD_TEXT = st.one_of(
    st.sampled_from(WORDS),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters=NOT_XML + C1 + CR), min_size=1, max_size=30
    ),
    st.text(alphabet="<>&'\"\\\n\t;,|`{}=+-@ \u202e\u2028é", min_size=1, max_size=12),
).filter(lambda text: text.strip() != "")
BAD_TEXT = st.sampled_from(["bad\x01char", "  ", "nul\x00", "\ufffe", "", "csi\x9b2J"])

GOOD_VALUES = {
    "integer": st.integers(-(2**63) + 1, 2**63 - 1).map(str),
    "decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12).map(
        str
    ),
    "date": st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(["2020", "2020-03"])),
    "string": GOOD_TEXT,
}
BAD_VALUES = {
    "integer": st.sampled_from(["1e3", "ten", "99999999999999999999", "1.5", ""]),
    "decimal": st.sampled_from(["5.889e11", "1" + "0" * 400, "NaN", "1,5"]),
    "date": st.sampled_from(["2020-02-30", "2020-13", "March 2020", "20-03-01", "2020-03-01T10:00"]),
    "string": BAD_TEXT,
}


def _range_kind(name: str) -> str:
    prop = ONTOLOGY.properties[name]
    if prop.is_object:
        return "object"
    text = str(prop.range[0]) if prop.range else ""
    for kind in ("integer", "decimal", "date"):
        if text.endswith("#" + kind):
            return kind
    return "string"


def _fitting(targets: tuple) -> list[str]:
    """Classes (entities may have) that fit a domain or range; all of them when it is open."""
    return [c for c in CLASSES if not targets or ONTOLOGY.is_a(c, targets)]


@st.composite
def quotes(draw, body: str, bad: bool):
    """A quote cut from the body, plain or with its offset; when `bad`, a wrong offset or a mutated copy."""
    start = draw(st.integers(0, max(0, len(body) - 2)))
    end = draw(st.integers(start + 1, min(len(body), start + 80)))
    while end < len(body) and not body[start:end].strip():
        end += 1
    quote = body[start:end]
    if bad:
        how = draw(st.sampled_from(["wrong-offset", "mutated", "nested"]))
        if how == "wrong-offset":
            return {"quote": quote, "start": draw(st.sampled_from([start + 1, len(body) + 5, -1, "ten"]))}
        if how == "mutated":
            position = draw(st.integers(0, len(quote)))
            return quote[:position] + draw(st.sampled_from(["X", "’", "  ", "\n"])) + quote[position:]
        return [[quote]]
    how = draw(st.sampled_from(["plain", "plain", "offset", "list"]))
    if how == "offset":
        return {"quote": quote, "start": start}
    if how == "list":
        return [quote, {"quote": quote, "start": start}]
    return quote


@st.composite
def datasets(draw) -> tuple[str, str]:
    """(article text, facts file text). One draw sets how often a field is near-valid: never in about half
    the examples (so that most of those build), up to four times in ten in the others."""
    rate = draw(st.sampled_from([0, 0, 0, 2, 10, 40]))

    def bad() -> bool:
        return rate > 0 and draw(st.integers(0, 99)) < rate

    def pick(good, worse):
        return draw(worse if bad() else good)

    body = draw(bodies())
    front = {
        "title": pick(
            st.one_of(st.sampled_from(["Qinglan backs an institute", "<script>alert(1)</script>"]), GOOD_TEXT), BAD_TEXT
        ),
        "author": draw(st.sampled_from(["Mei Tan", "=cmd|' /C calc'!A0", "O'Brien"])),
        "date": pick(st.sampled_from(["2020-04-02", "2020", "2020-04"]), st.sampled_from(["2020-02-30", "soon"])),
        "language": pick(st.sampled_from(["en", "zh-Hans"]), st.sampled_from(["english", "e"])),
    }
    article = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body

    entities: list[dict] = []
    by_class: dict[str, list[str]] = {}

    def entity_of(classes: list[str]) -> str:
        """An entity of one of `classes`: an existing one now and then, else a new one."""
        existing = [i for c in classes for i in by_class.get(c, [])]
        if existing and draw(st.booleans()):
            return draw(st.sampled_from(existing))
        cls = draw(st.sampled_from(classes))
        if bad():
            cls = draw(st.sampled_from(["Compnay", "Thing", *CLASSES]))
        eid = pick(GOOD_IDS, BAD_IDS)
        if eid in {e["id"] for e in entities} and not bad():
            eid = f"{eid}-{len(entities)}"
        entity: dict = {"id": eid, "class": cls, "label": pick(GOOD_TEXT, BAD_TEXT)}
        if draw(st.booleans()):
            entity["aliases"] = draw(st.lists(GOOD_TEXT, max_size=3)) + ([draw(BAD_TEXT)] if bad() else [])
        if draw(st.integers(0, 3)) == 0:
            entity["note"] = pick(GOOD_TEXT, BAD_TEXT)
        entities.append(entity)
        by_class.setdefault(cls, []).append(eid)
        return eid

    statements = []
    for _ in range(draw(st.integers(1, 9))):
        predicate = pick(st.sampled_from(PROPERTIES), st.sampled_from(["locatedAt", "rdfs:label", ""]))
        prop = ONTOLOGY.properties.get(predicate)
        domain = _fitting(prop.domain) if prop else CLASSES
        if not domain:
            continue
        subject = entity_of(domain if not bad() else CLASSES)
        if bad():
            subject = draw(st.sampled_from([SLUG, "nobody", "../../etc/passwd"]))
        statement: dict = {"subject": subject, "predicate": predicate}
        kind = _range_kind(predicate) if prop else "object"
        if kind == "object":
            if prop and prop.range and not _fitting(prop.range):
                statement["object"] = SLUG  # only an article fits (author, publisher, quotedIn ...)
            else:
                statement["object"] = entity_of(_fitting(prop.range) if prop and not bad() else CLASSES)
                if statement["object"] == subject and predicate == "partOf" and not bad():
                    continue  # a region within itself: the loader refuses it, rightly; keep this example valid
            if bad():
                statement["object"] = draw(st.sampled_from(["nobody", SLUG]))
        else:
            statement["value"] = pick(GOOD_VALUES[kind], BAD_VALUES[kind])
        if bad():
            statement["value" if "object" in statement else "object"] = "both"
        if draw(st.integers(0, 3)) == 0:
            statement["date"] = pick(GOOD_VALUES["date"], BAD_VALUES["date"])
        if draw(st.integers(0, 3)) == 0:
            statement["role"] = pick(GOOD_TEXT, BAD_TEXT)
        if draw(st.integers(0, 5)) == 0:
            statement["note"] = pick(GOOD_TEXT, BAD_TEXT)
        if not (bad() and draw(st.booleans())):
            statement["evidence"] = draw(quotes(body, bad()))
        statements.append(statement)

    doc: dict = {"entities": entities, "statements": statements}
    if bad():
        doc["article"] = draw(st.sampled_from(["other-news", "../" + SLUG, SLUG]))
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=draw(st.sampled_from([80, 10_000])))
    if bad():
        text = _damage(text, draw(st.randoms(use_true_random=False)))
    return article, text


def _damage(text: str, rng: random.Random) -> str:
    """Near-valid YAML: the edits a hurried hand makes."""
    lines = text.split("\n")
    at = rng.randrange(len(lines))
    edit = rng.choice(["drop", "double", "indent", "dedent", "insert", "tab"])
    if edit == "drop":
        del lines[at]
    elif edit == "double":
        lines.insert(at, lines[at])
    elif edit == "indent":
        lines[at] = " " + lines[at]
    elif edit == "dedent":
        lines[at] = lines[at][1:]
    elif edit == "tab":
        lines[at] = "\t" + lines[at].lstrip(" ")
    else:
        position = rng.randrange(len(lines[at]) + 1)
        lines[at] = lines[at][:position] + rng.choice(":-[{&*!#'\"%@`|>") + lines[at][position:]
    return "\n".join(lines)


# -- checks of the two allowed outcomes --------------------------------------------------------------


def check_refusal(err: KgError, files: dict[str, str]) -> None:
    """Each problem names one of our files, a line inside it, and a fix."""
    assert isinstance(err, DataError), f"{type(err).__name__}: {err}"
    assert err.problems
    for problem in err.problems:
        assert problem.path in files, problem
        lines = files[problem.path].count("\n") + 1
        assert 1 <= problem.line <= lines + 1, (problem, lines)
        assert problem.message and problem.hint, problem
    assert "Traceback" not in str(err)


def _ox_term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise AssertionError(f"unexpected term {term!r}")


def _built_quads(build: pipeline.Build) -> set:
    """The dataset built in memory, as pyoxigraph quads; blank nodes (the ontology's lists) left out."""
    out = set()
    for s, p, o, g in build.dataset.quads((None, None, None, None)):
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue
        name = getattr(g, "identifier", g)  # a graph or its name, depending on the rdflib version
        graph = ox.DefaultGraph() if name in (None, DATASET_DEFAULT_GRAPH_ID) else ox.NamedNode(str(name))
        out.add(ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), graph))
    return out


def _no_blank(quads) -> set:
    return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def _default(quads: set) -> set:
    return {q for q in quads if q.graph_name == ox.DefaultGraph()}


def _parsed(path: Path, fmt: ox.RdfFormat) -> set:
    return _no_blank(set(ox.parse(path=str(path), format=fmt)))


def _triples_as_default(path: Path, fmt: ox.RdfFormat) -> set:
    return {ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in _parsed(path, fmt)}


def check_rdf(out: Path, build: pipeline.Build) -> None:
    built = _built_quads(build)
    assert _parsed(out / "kg.nq", ox.RdfFormat.N_QUADS) == built
    assert _parsed(out / "kg.trig", ox.RdfFormat.TRIG) == built
    assert _triples_as_default(out / "kg.ttl", ox.RdfFormat.TURTLE) == _default(built)
    assert _triples_as_default(out / "kg.nt", ox.RdfFormat.N_TRIPLES) == _default(built)
    assert _triples_as_default(out / "kg.jsonld", ox.RdfFormat.JSON_LD) == _default(built)
    json.loads((out / "kg.jsonld").read_text("utf-8"))
    # pyoxigraph's on-disk store keeps numbers as values (0.5.13): xsd:nonNegativeInteger (evidence offsets)
    # comes back as xsd:integer and a decimal in its canonical form ("0.0" as "0"); compare by value.
    store = ox.Store.read_only(str(out / "store"))
    named = {
        _retyped(q)
        for q in _no_blank(store.quads_for_pattern(None, None, None, None))
        if q.graph_name != ox.DefaultGraph()
    }
    del store
    assert {_retyped(q) for q in built if q.graph_name != ox.DefaultGraph()} <= named


NON_NEGATIVE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


def _retyped(quad: ox.Quad) -> ox.Quad:
    obj = quad.object
    if isinstance(obj, ox.Literal) and obj.datatype in (NON_NEGATIVE, INTEGER):
        obj = ox.Literal(str(int(obj.value)), datatype=INTEGER)
    elif isinstance(obj, ox.Literal) and obj.datatype == DECIMAL:
        obj = ox.Literal(str(Decimal(obj.value).normalize()), datatype=DECIMAL)
    return ox.Quad(quad.subject, quad.predicate, obj, quad.graph_name)


def check_graphml(out: Path, view: nx.MultiDiGraph) -> None:
    """Every node and edge of the view, with every attribute and its type, read back by networkx; the writer
    may add presentation attributes (colours, edge ids) and leave out the curated `id` (the GraphML node id is
    the IRI), but may not lose or change anything else."""
    etree.parse(str(out / "kg.graphml"))
    read = nx.read_graphml(out / "kg.graphml", force_multigraph=True)
    assert set(read.nodes) == set(view.nodes)
    for node, attrs in view.nodes(data=True):
        got = read.nodes[node]
        want = {k: v for k, v in attrs.items() if k != "id"}  # the GraphML node id is the IRI
        assert {k: got.get(k) for k in want} == want, node
        assert set(got) - set(want) <= {"color", "r", "g", "b"}, "the writer adds more than the colours"
    want = sorted((s, o, sorted(a.items())) for s, o, a in view.edges(data=True))
    got = sorted((s, o, sorted((k, v) for k, v in a.items() if k in dict(w))) for (s, o, a), w in _pair(read, view))
    assert got == want


def _pair(read: nx.MultiDiGraph, view: nx.MultiDiGraph) -> list:
    """Each edge read back, paired with the view edge of the same ends and property name."""
    by_key = {(s, o, a["name"]): a for s, o, a in view.edges(data=True)}
    assert len(by_key) == view.number_of_edges(), "two view edges share ends and property"
    pairs = []
    for s, o, a in read.edges(data=True):
        assert (s, o, a.get("name")) in by_key, (s, o, a)
        pairs.append(((s, o, a), by_key[(s, o, a["name"])].items()))
    return pairs


def check_html(out: Path, view: nx.MultiDiGraph) -> None:
    page = lxml_html.fromstring((out / "kg.html").read_text("utf-8"))
    blocks = page.xpath("//script[@id='kg-data']")
    assert len(blocks) == 1
    data = json.loads(blocks[0].text)
    assert {n["iri"]: n["label"] for n in data["nodes"]} == {n: a.get("label", n) for n, a in view.nodes(data=True)}
    iri_of = {n["n"]: n["iri"] for n in data["nodes"]}
    drawn = sorted((iri_of[e["from"]], e["name"], iri_of[e["to"]]) for e in data["edges"])
    assert drawn == sorted((s, k, o) for s, o, k in view.edges(keys=True))
    scripts = page.xpath("//script")
    assert len(scripts) == 3, "only vis-network, the data block and the page's own script"


def check_neo4j(out: Path, view: nx.MultiDiGraph) -> None:
    bundle = out / "neo4j"
    with open(bundle / "nodes.csv", encoding="utf-8", newline="") as handle:
        nodes = {row["iri:ID"]: row for row in csv.DictReader(handle)}
    with open(bundle / "relationships.csv", encoding="utf-8", newline="") as handle:
        rels = sorted((r[":START_ID"], r[":END_ID"], r[":TYPE"]) for r in csv.DictReader(handle))
    assert set(nodes) == set(view.nodes)
    for iri, attrs in view.nodes(data=True):
        written = neo4j._node_attrs(attrs)  # the view's lists as lists of their exact items
        for key, value in written.items():
            column = next((c for c in nodes[iri] if c.partition(":")[0] == key), None)
            if column is None:
                continue
            if isinstance(value, bool) and column.endswith(":boolean"):  # neo4j-admin reads `true` and `false`
                assert nodes[iri][column] == ("true" if value else "false"), (iri, key)
            elif isinstance(value, float) and column.endswith(":double"):  # reads back as the same double
                assert float(nodes[iri][column]) == value, (iri, key, nodes[iri][column])
            elif column.endswith(":string[]"):  # items joined by U+001F, neo4j-admin's --array-delimiter
                assert nodes[iri][column].split(neo4j.ARRAY_DELIMITER) == value or value == [], (iri, key)
                assert value == split_list(attrs[key], QUOTE_JOIN if key.endswith("_evidence") else JOIN), (iri, key)
            else:
                assert nodes[iri][column] == str(value), (iri, key)
    assert rels == sorted((s, o, k) for s, o, k in view.edges(keys=True))
    for line in (bundle / "import.cypher").read_bytes().decode("utf-8").split("\n"):  # U+2028 stays as it is
        assert not line or line.startswith("//") or line.endswith(";"), line[:200]
    db = out / "ladybug"
    db.mkdir()
    conn, _ = load_cypher(db, bundle)
    labels = dict(rows(conn, "MATCH (n:Entity) RETURN n.iri, n.label"))
    assert labels == {n: a["label"] for n, a in view.nodes(data=True)}
    types = sorted({k for *_, k in view.edges(keys=True)})
    count = sum(rows(conn, f"MATCH ()-[r:`{t}`]->() RETURN count(r)")[0][0] for t in types)
    assert count == view.number_of_edges()


def check_nothing_lost(build: pipeline.Build) -> None:
    """Every entity is a node of the property-graph view and every fact reaches it: an edge for a link, a node
    attribute with the same value for a literal (when the entity has one value for that property)."""
    view = build.view
    iri_of = {attrs.get("id", node.rsplit("/", 1)[-1]): node for node, attrs in view.nodes(data=True)}
    assert set(build.facts.entities) <= set(iri_of)
    edges = set(view.edges(keys=True))
    literals: dict[tuple[str, str], list[str]] = {}
    for statement in build.facts.statements:
        subject = iri_of[statement.subject]
        if statement.object is not None:
            assert (subject, iri_of[statement.object], statement.predicate) in edges, statement
        else:
            literals.setdefault((subject, statement.predicate), []).append(statement.value or "")
    for (subject, predicate), values in literals.items():
        got = view.nodes[subject].get(predicate)
        assert got is not None, (subject, predicate)
        if len(set(values)) == 1:
            kind = _range_kind(predicate)
            want = {"integer": int, "decimal": float}.get(kind, str)(values[0])
            assert got == want, (subject, predicate, got, values)


def check_sheets(out: Path, view: nx.MultiDiGraph) -> None:
    with open(out / "tables" / "entities.csv", encoding="utf-8-sig", newline="") as handle:
        entities = {row["iri"]: row for row in csv.DictReader(handle)}
    with open(out / "tables" / "facts.csv", encoding="utf-8-sig", newline="") as handle:
        facts = sorted((r["subject_iri"], r["object_iri"], r["predicate"]) for r in csv.DictReader(handle))
    assert set(entities) == set(view.nodes)
    for iri, attrs in view.nodes(data=True):
        label = attrs["label"]
        assert entities[iri]["label"] == ("'" + label if label.startswith(SPREADSHEET_FORMULA_STARTS) else label), iri
    assert facts == sorted((s, o, k) for s, o, k in view.edges(keys=True))


def check_build(out: Path, build: pipeline.Build) -> None:
    view = build.view
    check_nothing_lost(build)
    check_rdf(out, build)
    check_graphml(out, view)
    check_html(out, view)
    check_neo4j(out, view)
    check_sheets(out, view)


def test_every_format_is_checked_here() -> None:
    """A new export format must get a reader here too, or this file no longer covers every output."""
    assert set(export.FORMATS) == {
        "turtle",
        "trig",
        "ntriples",
        "nquads",
        "jsonld",
        "store",
        "graphml",
        "html",
        "neo4j",
        "sheets",
    }


# -- the fuzz test -------------------------------------------------------------------------------------


@pytest.mark.long
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(datasets())
@example(  # found by a long run: a decimal the store keeps in its canonical form
    (
        "---\ntitle: Qinglan backs an institute\nlanguage: en\n---\nQinglan Qinglan Qinglan. ",
        "entities:\n- id: a\n  class: ActionPlan\n  label: Qinglan\nstatements:\n- subject: a\n"
        "  predicate: totalInvestmentYuan\n  value: '0.00'\n  role: Qinglan\n  evidence: Q\n",
    )
)
def test_build_either_round_trips_or_refuses_cleanly(case: tuple[str, str]) -> None:
    article, facts = case
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        (data / "articles").mkdir(parents=True)
        (data / "facts").mkdir()
        article_path, facts_path = data / "articles" / f"{SLUG}.md", data / "facts" / f"{SLUG}.yaml"
        article_path.write_text(article, encoding="utf-8")
        facts_path.write_text(facts, encoding="utf-8")
        try:
            build = pipeline.load(data)
        except KgError as err:
            check_refusal(err, {str(article_path): article, str(facts_path): facts})
            OUTCOMES["refused"] += 1
            return
        out = Path(tmp) / "build"
        pipeline.write(build, out)
        check_build(out, build)
        OUTCOMES["built"] += 1


@pytest.mark.long
def test_fuzzing_reached_both_outcomes() -> None:
    """Runs after the fuzz test: a generator that only ever produced errors (or only valid files) proved little."""
    if OUTCOMES["built"] + OUTCOMES["refused"] == 0:
        pytest.skip("the fuzz test did not run in this session")
    print(f"\nfuzz examples: {OUTCOMES['built']} built and round-tripped, {OUTCOMES['refused']} refused cleanly")
    assert OUTCOMES["built"] >= EXAMPLES // 10, OUTCOMES
    assert OUTCOMES["refused"] >= EXAMPLES // 10, OUTCOMES


def test_a_clean_refusal_leaves_the_build_directory_alone(tmp_path: Path) -> None:
    """The CLI on a near-valid file: exit 1, and the previous build/ untouched (as the catalogue checks)."""
    from kg import cli
    from tests.conftest import MINI

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    out = tmp_path / "build"
    assert cli.main(["build", "--data", str(data), "--out", str(out), "--formats", "turtle"]) == 0
    before = (out / "kg.ttl").read_bytes()
    facts = data / "facts" / "mini-news.yaml"
    facts.write_text(_damage(facts.read_text("utf-8"), random.Random(3)) + "\n  - [", encoding="utf-8")
    assert cli.main(["build", "--data", str(data), "--out", str(out), "--formats", "turtle"]) == 1
    assert (out / "kg.ttl").read_bytes() == before


def test_two_values_of_one_property_both_reach_the_property_graph(tmp_path: Path) -> None:
    from tests.conftest import MINI

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    facts = data / "facts" / "mini-news.yaml"
    facts.write_text(
        facts.read_text("utf-8")
        + "  - subject: ledger-institute\n    predicate: foundingDate\n    value: 2020-04\n"
        + '    evidence: "On April 1"\n',
        encoding="utf-8",
    )
    build = pipeline.load(data)
    node = build.view.nodes["https://kg.example.org/organisation/ledger-institute"]
    assert "2020-04-01" in str(node["foundingDate"]) and "2020-04" in str(node["foundingDate"]).replace(
        "2020-04-01", ""
    )
