"""Arbitrary text through every registered writer, read back by a reader other than the writer.

Hypothesis puts unicode of every kind (quotes, backslashes, line breaks, angle brackets, right-to-left
text and bidi controls, emoji, line and paragraph separators) into a label, an alias, an entity
note, a role and a statement note of the small fixture, builds it in process, writes every format of
kg.export.FORMATS and checks that each file parses in an independent reader and gives the text back
exactly as the loader read it. A format registered without a checker here fails the suite
(like rdflib's test_serializer), so a new format is covered the moment it is added.

Characters XML 1.0 cannot hold at all (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF),
and the C1 controls (U+0080-U+009F, which XML holds but a terminal acts on when an answer prints them), are refused by the loader with the file, the line and a hint (kg.read.articles.character_problem), before
any writer runs: the last tests here pin that decision.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from kg import export
from kg.errors import DataError, blank
from kg.export import neo4j
from kg.export.projection import join_list, split_list
from kg.pipeline import run as pipeline
from tests.conftest import MINI, SPREADSHEET_FORMULA_STARTS, run_kg
from tests.test_neo4j import load_cypher, rows

BASE = "https://kg.example.org/"
INSTITUTE = BASE + "organisation/ledger-institute"
NORTHWIND = BASE + "organisation/northwind"
POLYTECHNIC = BASE + "organisation/polytechnic"
ADA = BASE + "person/ada-wu"
SHANGHAI = BASE + "region/shanghai"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
KG_ROLE = "https://kg.example.org/ontology#role"
KG_NOTE = "https://kg.example.org/ontology#note"

# Import every writer now, not inside the first example: pyvis pulls in jedi, which raises the recursion
# limit at import time, and hypothesis warns when that happens during a test.
for _fmt in export.FORMATS.values():
    _fmt.load()
export.FORMATS["html"].load()._vis_network()  # imports the pyvis package, to find vis-network inside it

# and a carriage return without a line feed after it (a terminal prints what follows over what came before)
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f\ud800-\udfff\ufffe\uffff]|\r(?!\n)")
HOSTILE = [
    "<img src=x onerror=alert(1)> </script><!-- \"quoted\" & 'single'",
    "back\\slash \\n \\u0041 \\' trailing\\",
    "line one\nline two\r\nthree\tfour",
    "שלום עולם \u202eRTL override\u202c العربية \u200f",
    "🧱⛓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 zero\u200bwidth BOM\ufeff LS\u2028 PS\u2029 DEL\x7f NBSP\xa0 soft\xadhyphen",
    "'; MATCH (n) DETACH DELETE n; // `tick` ]]> ${x} {{y}}",
    'a,b;c|d " | " \u00a0nbsp',
]


@dataclass(frozen=True)
class Expected:
    """The texts as the loader read them (it strips outer whitespace): what every file must give back."""

    label: str
    alias: str
    note: str
    role: str
    statement_note: str


def _clean(text: str) -> str:
    return REFUSED.sub("", text)


texts = st.one_of(
    st.text(min_size=1, max_size=40).map(_clean),
    st.sampled_from(HOSTILE),
    st.text(
        alphabet="<>&'\"\\\n\r\t;,|`{}()[]:/ \u05d0\u0627\u202e\u202c\u200f\u2028\u00e9\U0001f9f1", max_size=20
    ).map(_clean),
).filter(lambda s: not blank(s))  # what the loader takes as text, not as empty


def write_data(directory: Path, label: str, alias: str, note: str, role: str, statement_note: str) -> Path:
    """A copy of tests/fixtures/mini with the generated texts, written by yaml.safe_dump."""
    data = directory / "data"
    shutil.copytree(MINI, data)
    path = data / "facts" / "mini-news.yaml"
    facts = yaml.safe_load(path.read_text("utf-8"))
    entities = {e["id"]: e for e in facts["entities"]}
    entities["ledger-institute"]["label"] = label
    entities["northwind"]["aliases"] = [alias]
    entities["polytechnic"]["note"] = note
    for statement in facts["statements"]:
        if statement["predicate"] == "holdsPostIn":
            statement["role"] = role
        if statement["predicate"] == "locatedIn":
            statement["note"] = statement_note
    path.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def expected_of(build: pipeline.Build) -> Expected:
    entities = build.facts.entities
    by_predicate = {st.predicate: st for st in build.facts.statements}
    return Expected(
        label=entities["ledger-institute"].label,
        alias=entities["northwind"].aliases[0],
        note=entities["polytechnic"].note,
        role=by_predicate["holdsPostIn"].role,
        statement_note=by_predicate["locatedIn"].note,
    )


# -- one checker per format: parse with a reader other than the writer, give the texts back ----------


def _rdf_values(path: Path, fmt: ox.RdfFormat) -> dict[tuple[str, str], set[str]]:
    values: dict[tuple[str, str], set[str]] = {}
    for quad in ox.parse(path=str(path), format=fmt):
        values.setdefault((quad.subject.value, quad.predicate.value), set()).add(quad.object.value)
    return values


def _check_default_graph(values: dict, want: Expected) -> None:
    assert want.label in values[(INSTITUTE, RDFS_LABEL)]
    assert want.alias in values[(NORTHWIND, SKOS_ALT)]
    assert want.note in values[(POLYTECHNIC, RDFS_COMMENT)]


def _check_statements(values: dict, want: Expected) -> None:
    roles = {v for (_, p), vs in values.items() if p == KG_ROLE for v in vs}
    notes = {v for (_, p), vs in values.items() if p == KG_NOTE for v in vs}
    assert roles == {want.role} and notes == {want.statement_note}


def check_turtle(path: Path, want: Expected) -> None:
    _check_default_graph(_rdf_values(path, ox.RdfFormat.TURTLE), want)


def check_ntriples(path: Path, want: Expected) -> None:
    _check_default_graph(_rdf_values(path, ox.RdfFormat.N_TRIPLES), want)


def check_jsonld(path: Path, want: Expected) -> None:
    _check_default_graph(_rdf_values(path, ox.RdfFormat.JSON_LD), want)
    nodes = {node["id"]: node for node in json.loads(path.read_text("utf-8"))["@graph"]}
    assert nodes[INSTITUTE]["label"] == {"en": want.label}


def check_trig(path: Path, want: Expected) -> None:
    values = _rdf_values(path, ox.RdfFormat.TRIG)
    _check_default_graph(values, want)
    _check_statements(values, want)


def check_nquads(path: Path, want: Expected) -> None:
    values = _rdf_values(path, ox.RdfFormat.N_QUADS)
    _check_default_graph(values, want)
    _check_statements(values, want)


def check_graphml(path: Path, want: Expected) -> None:
    etree.parse(str(path))  # well-formed XML for lxml's parser too
    graph = nx.read_graphml(path, force_multigraph=True)
    assert graph.nodes[INSTITUTE]["label"] == want.label
    # list values are joined texts with their items escaped (kg.export.projection.join_list): split back, exactly
    assert split_list(graph.nodes[NORTHWIND]["aliases"]) == [want.alias]
    assert graph.nodes[POLYTECHNIC]["note"] == want.note
    assert split_list(graph.get_edge_data(ADA, NORTHWIND)["ada-wu/holdsPostIn/northwind"]["role"]) == [want.role]
    assert split_list(graph.get_edge_data(INSTITUTE, SHANGHAI)["ledger-institute/locatedIn/shanghai"]["note"]) == [
        want.statement_note
    ]


def check_html(path: Path, want: Expected) -> None:
    page = lxml_html.fromstring(path.read_text("utf-8"))
    scripts = page.xpath("//script[@id='kg-data']")
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)  # the HTML parser saw the block end where the writer put it
    nodes = {node["iri"]: node for node in data["nodes"]}
    assert nodes[INSTITUTE]["label"] == want.label
    assert nodes[NORTHWIND]["aliases"] == [want.alias]  # a JSON list: every item exactly
    assert nodes[POLYTECHNIC]["note"] == want.note
    roles = [edge["role"] for edge in data["edges"] if edge["name"] == "holdsPostIn"]
    assert roles == [[want.role]]


def check_neo4j(path: Path, want: Expected) -> None:
    with open(path / "nodes.csv", encoding="utf-8", newline="") as handle:
        nodes = {row["iri:ID"]: row for row in csv.DictReader(handle)}
    with open(path / "relationships.csv", encoding="utf-8", newline="") as handle:
        rels = {(r[":START_ID"], r[":TYPE"], r[":END_ID"]): r for r in csv.DictReader(handle)}
    assert nodes[INSTITUTE]["label"] == want.label
    array = neo4j.ARRAY_DELIMITER  # string[] columns: items joined by U+001F (--array-delimiter=U+001F)
    assert nodes[NORTHWIND]["aliases:string[]"].split(array) == [want.alias]
    assert nodes[POLYTECHNIC]["note"] == want.note
    assert rels[(ADA, "holdsPostIn", NORTHWIND)]["role:string[]"].split(array) == [want.role]
    assert rels[(INSTITUTE, "locatedIn", SHANGHAI)]["note:string[]"].split(array) == [want.statement_note]
    # import.cypher, statement by statement, in ladybug (what it cannot run is checked in tests/test_neo4j.py)
    db_dir = path.parent / "ladybug"
    db_dir.mkdir()
    conn, _ = load_cypher(db_dir, path)

    def one(query: str) -> str:
        return rows(conn, query)[0][0]

    assert one(f"MATCH (n:Entity {{iri: '{INSTITUTE}'}}) RETURN n.label") == want.label
    assert one(f"MATCH (n:Entity {{iri: '{NORTHWIND}'}}) RETURN n.aliases") == [want.alias]
    assert one(f"MATCH (n:Entity {{iri: '{POLYTECHNIC}'}}) RETURN n.note") == want.note
    assert one("MATCH ()-[r:holdsPostIn]->() RETURN r.role") == [want.role]
    assert one("MATCH ()-[r:locatedIn]->() RETURN r.note") == [want.statement_note]


def check_store(path: Path, want: Expected) -> None:
    store = ox.Store.read_only(str(path))
    values: dict[tuple[str, str], set[str]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        values.setdefault((quad.subject.value, quad.predicate.value), set()).add(quad.object.value)
    _check_default_graph(values, want)
    _check_statements(values, want)
    del store


def check_sheets(path: Path, want: Expected) -> None:
    def read(name: str) -> list[dict[str, str]]:
        with open(path / name, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    def shown(text: str) -> str:  # what a spreadsheet user sees: a formula-like text gets an apostrophe
        return "'" + text if text.startswith(SPREADSHEET_FORMULA_STARTS) else text

    entities = {row["iri"]: row for row in read("entities.csv")}
    assert entities[INSTITUTE]["label"] == shown(want.label)
    assert entities[NORTHWIND]["aliases"] == shown(join_list([want.alias]))
    assert entities[POLYTECHNIC]["note"] == shown(want.note)
    facts = {(row["subject_iri"], row["predicate"], row["object_iri"]): row for row in read("facts.csv")}
    assert facts[(ADA, "holdsPostIn", NORTHWIND)]["role"] == shown(join_list([want.role]))
    assert facts[(INSTITUTE, "locatedIn", SHANGHAI)]["note"] == shown(join_list([want.statement_note]))


CHECKERS: dict[str, Callable[[Path, Expected], None]] = {
    "turtle": check_turtle,
    "trig": check_trig,
    "ntriples": check_ntriples,
    "nquads": check_nquads,
    "graphml": check_graphml,
    "html": check_html,
    "jsonld": check_jsonld,
    "neo4j": check_neo4j,
    "store": check_store,
    "sheets": check_sheets,
}


def test_every_registered_format_has_a_round_trip_check() -> None:
    missing = sorted(set(export.FORMATS) - set(CHECKERS))
    assert not missing, f"add a checker to CHECKERS in {__file__} for: {', '.join(missing)}"
    assert not set(CHECKERS) - set(export.FORMATS), "a checker for a format that is no longer registered"


@pytest.mark.fewer_examples(10)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=texts, alias=texts, note=texts, role=texts, statement_note=texts)
@example(label=HOSTILE[0], alias=HOSTILE[3], note=HOSTILE[2], role=HOSTILE[1], statement_note=HOSTILE[4])
@example(label=HOSTILE[5], alias=HOSTILE[6], note=HOSTILE[4], role=HOSTILE[3], statement_note=HOSTILE[0])
def test_every_writer_round_trips_arbitrary_text(
    label: str, alias: str, note: str, role: str, statement_note: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        build = pipeline.load(write_data(directory, label, alias, note, role, statement_note))
        want = expected_of(build)
        out = directory / "build"
        pipeline.write(build, out)  # every registered format
        for name, fmt in export.FORMATS.items():
            checker = CHECKERS.get(name)
            assert checker is not None, f"no round-trip check for format {name!r}"
            checker(out / fmt.filename, want)


# -- characters XML cannot hold: refused by the loader, never half-written -------------------------


FIELDS = ("label", "alias", "note", "role", "statement_note")


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"])
@pytest.mark.parametrize("field", FIELDS)
def test_characters_xml_cannot_hold_are_refused_with_the_line(tmp_path: Path, field: str, char: str) -> None:
    values = dict.fromkeys(FIELDS, "plain")
    values[field] = f"bad{char}text"
    data = write_data(tmp_path, **values)
    with pytest.raises(DataError) as caught:
        pipeline.load(data)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    problem = problems[0]
    assert f"U+{ord(char):04X}" in problem.message and "XML" in problem.message and problem.hint
    lines = (data / "facts" / "mini-news.yaml").read_text("utf-8").split("\n")
    key = {"label": "label:", "alias": "aliases:", "note": "note:", "role": "role:", "statement_note": "note:"}[field]
    assert lines[problem.line - 1].strip().startswith(("- " + key, key)), (problem.line, lines[problem.line - 1])
    spelled = yaml.safe_dump(f"bad{char}text").strip().strip('"')[:6]  # how safe_dump wrote the value
    assert spelled in lines[problem.line - 1] + lines[problem.line], (problem.line, spelled)


def test_the_cli_refuses_them_without_a_traceback(tmp_path: Path) -> None:
    data = write_data(tmp_path, "bad\x01label", "plain", "plain", "plain", "plain")
    out = tmp_path / "build"
    result = run_kg("build", "--data", str(data), "--out", str(out))
    assert result.returncode == 1
    assert "U+0001" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=10), st.sampled_from(["\x02", "\x0e", "\x7f\x1d", "\uffff"]), st.text(max_size=10))
def test_any_text_with_such_a_character_is_refused(before: str, bad: str, after: str) -> None:
    label = "x" + before + bad + after + "x"
    with tempfile.TemporaryDirectory() as tmp:
        data = write_data(Path(tmp), label, "plain", "plain", "plain", "plain")
        with pytest.raises(DataError) as caught:
            pipeline.load(data)
    assert any("XML" in p.message for p in caught.value.problems)


@settings(max_examples=30, deadline=None)
@given(
    st.text(min_size=1, max_size=10), st.sampled_from(["\x80", "\x81", "\x9b", "\x9d", "\x9f"]), st.text(max_size=10)
)
def test_any_text_with_a_control_character_a_terminal_acts_on_is_refused(before: str, bad: str, after: str) -> None:
    label = "x" + _clean(before) + bad + _clean(after) + "x"
    with tempfile.TemporaryDirectory() as tmp:
        data = write_data(Path(tmp), label, "plain", "plain", "plain", "plain")
        with pytest.raises(DataError) as caught:
            pipeline.load(data)
    assert any(f"control character U+{ord(bad):04X}" in p.message for p in caught.value.problems)
