"""The Neo4j bundle loaded into a real embedded property-graph database (ladybug, the maintained Kuzu fork).

Ladybug speaks Cypher but is schema-first: tables are declared before loading, a node has one table (no
extra labels), and it has no constraints. So the tests declare an `Entity` node table from the typed header
of nodes.csv, then load the bundle two ways:

- COPY FROM the two CSV files (relationships into one table with the `:TYPE` column as a property);
- every statement of import.cypher as written, except the one kind ladybug cannot run and that is checked by
  shape instead: the `MATCH ... SET n:Label` lines (ladybug has no multiple labels; kuzu.cypher, tested with
  the other databases in tests/test_cypher_databases.py, keeps them as a list). Relationship types become one
  ladybug table each.

Both must give the same nodes and properties, and the same answers as SPARQL over kg.ttl / kg.trig. List
columns (`aliases:string[]`, a relationship's `date`, `evidence`, `sources`, ...) hold their items joined by
U+001F, neo4j-admin's `--array-delimiter=U+001F`: ladybug's COPY reads lists in its own `[a,b]` syntax only, so
the CSV route loads them as text and the tests split them on that character, as neo4j-admin does; the Cypher
route declares them STRING[] and sets them from import.cypher's list literals.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import ladybug
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export import neo4j
from kg.pipeline import run as pipeline
from tests.conftest import MINI

INSTITUTE = "https://kg.example.org/organisation/lingang-blockchain-institute"
LADYBUG_TYPES = {"": "STRING", "long": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN", "string[]": "STRING[]"}
ARRAY = neo4j.ARRAY_DELIMITER
UNSUPPORTED = (re.compile(r"^MATCH \(n:`Entity` \{`iri`: '(?:[^'\\\n]|\\.)*'\}\) SET n(?::`[A-Za-z]+`)+;$"),)
HOSTILE = [
    "O'Brien \"the\" \\ backslash \\' \\\\'",
    "line one\nline two\r\nthree\ttab",
    "'; MATCH (n) DETACH DELETE n; //",
    "`backtick` } ) ] , :LABEL",
    "شركة بينانس \u202eRTL override\u202c and \u200fmark",
    "emoji 🧱⛓ and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, zero\u200bwidth, BOM\ufeff, NEL\x85, LS\u2028",
    'a,b;c|d "e" <f> &g',
    "\\u0041 is not A \\n is not a newline",
]


# -- helpers -----------------------------------------------------------------------------------------


def connect(directory: Path) -> ladybug.Connection:
    return ladybug.Connection(ladybug.Database(str(directory / "db")))


def rows(conn: ladybug.Connection, query: str) -> list[list]:
    result = conn.execute(query)
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle))
    return header, body


def node_table(conn: ladybug.Connection, header: list[str], lists: bool = False) -> list[str]:
    """Declare `Entity` from nodes.csv's header, in file order; return the property names. List columns are
    STRING (the CSV route) or STRING[] (lists=True, the Cypher route)."""
    columns, names = [], []
    for field in header:
        if field == neo4j.ID_COLUMN:
            columns.append("iri STRING PRIMARY KEY")
            continue
        if field == neo4j.LABEL_COLUMN:
            columns.append("labels STRING")
            continue
        name, _, kind = field.partition(":")
        columns.append(f"`{name}` {LADYBUG_TYPES[kind] if lists or kind != 'string[]' else 'STRING'}")
        names.append(name)
    rows(conn, f"CREATE NODE TABLE Entity({', '.join(columns)})")
    return names


def rel_props(header: list[str], lists: bool = False) -> str:
    return ", ".join(
        f"`{h.partition(':')[0]}` {'STRING[]' if lists and h.endswith(':string[]') else 'STRING'}" for h in header[3:]
    )


def as_lists(value: object) -> object:
    """A list field as the CSV route reads it (its items joined by U+001F) -> its items; anything else as it is."""
    return value.split(ARRAY) if isinstance(value, str) and value else (None if value in ("", None) else value)


def load_csv(directory: Path, bundle: Path) -> ladybug.Connection:
    conn = connect(directory)
    node_table(conn, read_csv(bundle / "nodes.csv")[0])
    rel_header = read_csv(bundle / "relationships.csv")[0]
    assert rel_header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    rows(conn, f"CREATE REL TABLE Fact(FROM Entity TO Entity, type STRING, {rel_props(rel_header)})")
    rows(conn, f"COPY Entity FROM '{bundle / 'nodes.csv'}' (header=true, parallel=false)")
    rows(conn, f"COPY Fact FROM '{bundle / 'relationships.csv'}' (header=true, parallel=false)")
    return conn


def statements(bundle: Path, name: str = "import.cypher") -> list[str]:
    """One statement per line: split on "\n" only, as a text may hold U+2028 or NEL (written as they are)."""
    lines = (bundle / name).read_bytes().decode("utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("//")]


def load_cypher(directory: Path, bundle: Path, times: int = 1) -> tuple[ladybug.Connection, list[str]]:
    """Run import.cypher `times` times; return the connection and the statements ladybug could not run."""
    conn = connect(directory)
    node_table(conn, read_csv(bundle / "nodes.csv")[0], lists=True)
    rel_header, rels = read_csv(bundle / "relationships.csv")
    props = rel_props(rel_header, lists=True)
    for rel_type in sorted({row[2] for row in rels}):
        rows(conn, f"CREATE REL TABLE `{rel_type}`(FROM Entity TO Entity, {props})")
    skipped = []
    for _ in range(times):
        skipped = []
        for statement in statements(bundle):
            if any(pattern.match(statement) for pattern in UNSUPPORTED):
                skipped.append(statement)
                continue
            rows(conn, statement)
    return conn, skipped


def sparql(path: Path, fmt: ox.RdfFormat, query: str) -> list[tuple[str, ...]]:
    store = ox.Store()
    store.load(path=str(path), format=fmt)
    prefixes = (
        "PREFIX kg: <https://kg.example.org/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
    )
    solutions = store.query(prefixes + query)
    names = [v.value for v in solutions.variables]
    return sorted(tuple(s[n].value for n in names) for s in solutions)


def all_nodes(conn: ladybug.Connection, names: list[str], lists: set[str] = frozenset()) -> dict[str, tuple]:
    """Every node's properties; the `lists` columns read as the CSV route holds them are split into items."""
    fields = ", ".join(f"n.`{name}`" for name in names)
    return {
        row[0]: tuple(as_lists(v) if name in lists else v for name, v in zip(names, row[1:], strict=True))
        for row in rows(conn, f"MATCH (n:Entity) RETURN n.iri, {fields}")
    }


# -- the shipped bundle ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(shipped_build: Path) -> Path:
    return shipped_build / "neo4j"


def test_bundle_is_four_files_in_the_import_header_format(bundle: Path, shipped) -> None:
    assert sorted(p.name for p in bundle.iterdir()) == [
        "import.cypher",
        "kuzu.cypher",
        "load-csv.cypher",
        "nodes.csv",
        "relationships.csv",
        "schema-falkordb.cypher",
        "schema-memgraph.cypher",
        "schema-neo4j.cypher",
    ]
    view = shipped.view
    header, nodes = read_csv(bundle / "nodes.csv")
    assert header[:2] == ["iri:ID", ":LABEL"]
    assert {
        "projectCount:long",
        "totalInvestmentYuan:double",
        "sessionNumber:long",
        "label",
        "aliases:string[]",
    } <= set(header)
    assert len(nodes) == view.number_of_nodes()
    assert [row[0] for row in nodes] == sorted(view.nodes)
    for row in nodes:
        labels = row[1].split(ARRAY)
        attrs = view.nodes[row[0]]
        assert labels[0] == "Entity" and attrs["class"] in labels and attrs["group"] in labels
    rel_header, rels = read_csv(bundle / "relationships.csv")
    assert rel_header == [
        ":START_ID",
        ":END_ID",
        ":TYPE",
        "predicate",
        "label",
        "date:string[]",
        "role:string[]",
        "note:string[]",
        "evidence:string[]",
        "sources:string[]",
    ]
    assert len(rels) == view.number_of_edges()
    assert {(s, o, t) for s, o, t, *_ in rels} == {(s, o, k) for s, o, k in view.edges(keys=True)}
    assert set(row[2] for row in rels) <= set(shipped.ontology.properties)


def test_csv_in_ladybug_answers_like_sparql(tmp_path: Path, bundle: Path, shipped_build: Path, shipped) -> None:
    conn = load_csv(tmp_path, bundle)
    assert rows(conn, "MATCH (n:Entity) RETURN count(n)") == [[shipped.view.number_of_nodes()]]
    assert rows(conn, "MATCH ()-[r:Fact]->() RETURN count(r)") == [[shipped.view.number_of_edges()]]

    founders = rows(
        conn,
        f"MATCH (i:Entity {{iri: '{INSTITUTE}'}})-[r:Fact]->(o:Entity) WHERE r.type = 'coFoundedBy' "
        "RETURN o.label, r.date ORDER BY o.label",
    )
    in_ttl = sparql(
        shipped_build / "kg.ttl",
        ox.RdfFormat.TURTLE,
        f'SELECT ?label WHERE {{ <{INSTITUTE}> kg:coFoundedBy ?o . ?o rdfs:label ?label FILTER(lang(?label) = "en") }}',
    )
    with_dates = sparql(
        shipped_build / "kg.trig",
        ox.RdfFormat.TRIG,
        f"""SELECT ?label ?date WHERE {{ GRAPH ?g {{ ?st rdf:subject <{INSTITUTE}> ; rdf:predicate kg:coFoundedBy ;
            rdf:object ?o ; kg:date ?date }} ?o rdfs:label ?label FILTER(lang(?label) = "en") }}""",
    )
    assert [(label,) for label, _ in founders] == in_ttl
    assert (
        [tuple(row) for row in founders]
        == with_dates
        == [
            ("Binance China", "2020-03-27"),
            ("Lingang Innovation Management College", "2020-03-27"),
            ("Lingang Xinyefang", "2020-03-27"),
        ]
    )

    posts = rows(
        conn,
        "MATCH (p:Entity)-[r:Fact]->(o:Entity) WHERE r.type = 'holdsPostIn' RETURN p.label, r.role, o.label",
    )
    expected_posts = sparql(
        shipped_build / "kg.trig",
        ox.RdfFormat.TRIG,
        """SELECT ?person ?role ?org WHERE { ?p kg:holdsPostIn ?o .
             OPTIONAL { GRAPH ?g { ?st rdf:subject ?p ; rdf:predicate kg:holdsPostIn ; rdf:object ?o ; kg:role ?role } }
             ?p rdfs:label ?person . ?o rdfs:label ?org FILTER(lang(?person) = "en" && lang(?org) = "en") }""",
    )
    assert sorted(tuple(r) for r in posts) == expected_posts
    assert ("Hai Yu", "head of Binance's China blockchain technology business", "Binance") in expected_posts

    typed = rows(
        conn,
        "MATCH (n:Entity {id: 'jiangxi-key-projects-2020'}) RETURN n.projectCount, n.totalInvestmentYuan, n.labels",
    )
    assert typed == [[395, 588900000000.0, ARRAY.join(["Entity", "Policy", "ProjectList"])]]


def test_import_cypher_in_ladybug_matches_the_csv_and_is_idempotent(tmp_path: Path, bundle: Path, shipped) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    from_csv = load_csv(tmp_path / "a", bundle)
    conn, skipped = load_cypher(tmp_path / "b", bundle, times=2)
    view = shipped.view
    # What ladybug cannot run is exactly one label statement per node with classes.
    assert len(skipped) == view.number_of_nodes()
    for statement in skipped:
        iri = re.search(r"\{`iri`: '([^']*)'\}", statement).group(1)
        classes = re.findall(r":`([A-Za-z]+)`", statement.split(" SET ", 1)[1])
        assert classes == neo4j.node_labels(view.nodes[iri])[1:]

    # Ran twice, MERGE created nothing new.
    assert rows(conn, "MATCH (n:Entity) RETURN count(n)") == [[view.number_of_nodes()]]
    count = sum(
        rows(conn, f"MATCH ()-[r:`{t}`]->() RETURN count(r)")[0][0] for t in {k for *_, k in view.edges(keys=True)}
    )
    assert count == view.number_of_edges()

    names = node_table_names(bundle)
    csv_nodes, cypher_nodes = all_nodes(from_csv, names, list_columns(bundle)), all_nodes(conn, names)
    assert cypher_nodes == csv_nodes
    founders = rows(
        conn,
        f"MATCH (i:Entity {{iri: '{INSTITUTE}'}})-[r:coFoundedBy]->(o:Entity) RETURN o.label, r.date ORDER BY o.label",
    )
    assert founders == [
        ["Binance China", ["2020-03-27"]],
        ["Lingang Innovation Management College", ["2020-03-27"]],
        ["Lingang Xinyefang", ["2020-03-27"]],
    ]


def node_table_names(bundle: Path) -> list[str]:
    header = read_csv(bundle / "nodes.csv")[0]
    return [h.partition(":")[0] for h in header if h not in (neo4j.ID_COLUMN, neo4j.LABEL_COLUMN)]


def list_columns(bundle: Path) -> set[str]:
    return {h.partition(":")[0] for h in read_csv(bundle / "nodes.csv")[0] if h.endswith(":string[]")}


def test_import_cypher_is_one_statement_per_line(bundle: Path) -> None:
    for statement in statements(bundle):
        assert statement.endswith(";"), statement[:120]
        assert statement.startswith(("MERGE (n:`Entity`", "MATCH (n:`Entity`", "MATCH (s:`Entity`"))


def test_schema_files_hold_each_database_s_key_on_the_iri(bundle: Path) -> None:
    """import.cypher and load-csv.cypher hold no schema statement (each database spells it its own way)."""
    assert statements(bundle, "schema-neo4j.cypher") == [
        "CREATE CONSTRAINT kg_entity_iri IF NOT EXISTS FOR (n:`Entity`) REQUIRE n.`iri` IS UNIQUE;"
    ]
    assert statements(bundle, "schema-memgraph.cypher") == [
        "CREATE INDEX ON :`Entity`(`iri`);",
        "CREATE CONSTRAINT ON (n:`Entity`) ASSERT n.`iri` IS UNIQUE;",
    ]
    assert statements(bundle, "schema-falkordb.cypher") == ["CREATE INDEX FOR (n:`Entity`) ON (n.`iri`);"]
    for name in ("import.cypher", "load-csv.cypher"):
        assert not any(s.startswith("CREATE") for s in statements(bundle, name)), name


# -- hostile text ------------------------------------------------------------------------------------


def _evaluate(conn: ladybug.Connection, literal: str) -> str:
    return rows(conn, f"RETURN {literal}")[0][0]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> ladybug.Connection:
    return connect(tmp_path_factory.mktemp("ladybug"))


@pytest.mark.parametrize("text", HOSTILE)
def test_cypher_string_survives_hostile_text(scratch: ladybug.Connection, text: str) -> None:
    literal = neo4j.cypher_string(text)
    assert "\n" not in literal and "\r" not in literal  # one statement per line
    assert "\\u" not in literal.replace("\\\\", "")  # FalkorDB and Kuzu keep \uXXXX as text: never written
    assert _evaluate(scratch, literal) == text
    assert _evaluate(scratch, neo4j.cypher_string(text, "kuzu")) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_cypher_string_round_trips_any_text(scratch: ladybug.Connection, text: str) -> None:
    assert _evaluate(scratch, neo4j.cypher_string(text)) == text
    assert _evaluate(scratch, neo4j.cypher_string(text, "kuzu")) == text


def _reference_literal(text: str, dialect: str = "neo4j") -> str:
    """The escaping rule one character at a time, as cypher_string's docstring states it."""
    named = {"\\": "\\\\", "'": "\\'"}
    if dialect != "kuzu":
        named.update({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"})
    return "'" + "".join(named.get(char, char) for char in text) + "'"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60))
def test_cypher_string_escapes_each_character_by_the_rule(text: str) -> None:
    """The fast path (text with nothing to escape as it is) writes exactly what the rule applied character by
    character writes, surrogates and unassigned code points included; `;` and U+001F stay as they are."""
    assert neo4j.cypher_string(text) == _reference_literal(text)
    assert neo4j.cypher_string(text, "kuzu") == _reference_literal(text, "kuzu")
    assert neo4j.cypher_string("a;b\x1f\u202e") == "'a;b\x1f\u202e'"


def test_cypher_name_escapes_backticks() -> None:
    assert neo4j.cypher_name("a`b") == "`a``b`"
    with pytest.raises(neo4j.Neo4jExportError):
        neo4j.cypher_name("")


def test_hostile_labels_survive_both_routes(tmp_path: Path) -> None:
    """Every hostile string as a label, alias, note and role, through the bundle into ladybug both ways."""
    import yaml

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    facts_path = data / "facts" / "mini-news.yaml"
    facts = yaml.safe_load(facts_path.read_text("utf-8"))
    by_id = {e["id"]: e for e in facts["entities"]}
    by_id["ledger-institute"]["label"] = HOSTILE[0] + HOSTILE[1]
    by_id["northwind"]["aliases"] = HOSTILE[2:5]
    by_id["polytechnic"]["note"] = HOSTILE[5].replace("\x85", "") + HOSTILE[6]  # the loader refuses C1 controls
    post = next(s for s in facts["statements"] if s["predicate"] == "holdsPostIn")
    post["role"] = HOSTILE[7] + HOSTILE[3]
    facts_path.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build = pipeline.load(data)
    bundle = tmp_path / "bundle"
    neo4j.write(build.view, bundle)
    view = build.view

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    names = node_table_names(bundle)
    from_csv = load_csv(tmp_path / "a", bundle)
    from_cypher, _ = load_cypher(tmp_path / "b", bundle)
    assert all_nodes(from_csv, names, list_columns(bundle)) == all_nodes(from_cypher, names)
    aliases = sorted(a.strip() for a in HOSTILE[2:5])
    for conn in (from_csv, from_cypher):
        got = dict(rows(conn, "MATCH (n:Entity) RETURN n.iri, n.label"))
        assert got == {iri: attrs["label"] for iri, attrs in view.nodes(data=True)}
        northwind = rows(conn, "MATCH (n:Entity {id: 'northwind'}) RETURN n.aliases")[0][0]
        assert as_lists(northwind) == aliases  # each alias exactly, whatever delimiters it holds
    role = rows(from_csv, "MATCH ()-[r:Fact]->() WHERE r.type = 'holdsPostIn' RETURN r.role")[0][0]
    assert as_lists(role) == [(HOSTILE[7] + HOSTILE[3]).strip()]
    assert rows(from_cypher, "MATCH ()-[r:holdsPostIn]->() RETURN r.role")[0][0] == as_lists(role)


# -- load-csv.cypher: LOAD CSV over the two files (no Neo4j here: checked against the files it reads) --------

LOAD_NODES = re.compile(
    r"^LOAD CSV WITH HEADERS FROM 'file:///nodes\.csv' AS row MERGE \(n:`Entity` \{`iri`: row\.`iri:ID`\}\) SET (.*);$"
)
LOAD_LABEL = re.compile(
    r"^LOAD CSV WITH HEADERS FROM 'file:///nodes\.csv' AS row WITH row WHERE '([A-Za-z]+)' IN "
    r"split\(row\.`:LABEL`, '\x1f'\) MATCH \(n:`Entity` \{`iri`: row\.`iri:ID`\}\) SET n:`\1`;$"
)
LOAD_RELS = re.compile(
    r"^LOAD CSV WITH HEADERS FROM 'file:///relationships\.csv' AS row WITH row WHERE row\.`:TYPE` = '([A-Za-z]+)' "
    r"MATCH \(s:`Entity` \{`iri`: row\.`:START_ID`\}\) MATCH \(o:`Entity` \{`iri`: row\.`:END_ID`\}\) "
    r"MERGE \(s\)-\[r:`\1`\]->\(o\) SET (.*);$"
)
CONVERSION = {
    "": "{}",
    "long": "toInteger({})",
    "double": "toFloat({})",
    "boolean": "toBoolean({})",
    "string[]": "split({}, '\x1f')",  # U+001F as it is: FalkorDB reads no \\u escape
}


def _expected_sets(variable: str, header: list[str]) -> str:
    items = []
    for field in header:
        name, _, kind = field.partition(":")
        items.append(f"{variable}.`{name}` = " + CONVERSION[kind].format(f"row.`{field}`"))
    return ", ".join(items)


def test_load_csv_reads_every_column_with_its_type_every_label_and_every_type(bundle: Path) -> None:
    loaded = statements(bundle, "load-csv.cypher")
    for statement in loaded:
        assert statement.endswith(";") and statement.count(";") == 1, statement[:120]
    node_header, nodes = read_csv(bundle / "nodes.csv")
    rel_header, rels = read_csv(bundle / "relationships.csv")
    node_set = LOAD_NODES.match(loaded[0])
    assert node_set, loaded[0][:200]
    assert node_set.group(1) == _expected_sets("n", node_header[2:])
    labels = sorted({label for row in nodes for label in row[1].split(ARRAY)} - {"Entity"})
    types = sorted({row[2] for row in rels})
    assert len(loaded) == 1 + len(labels) + len(types)
    assert [LOAD_LABEL.match(s).group(1) for s in loaded[1 : 1 + len(labels)]] == labels
    for statement, rel_type in zip(loaded[1 + len(labels) :], types, strict=True):
        match = LOAD_RELS.match(statement)
        assert match and match.group(1) == rel_type, statement[:200]
        assert match.group(2) == _expected_sets("r", rel_header[3:])


def test_load_csv_uses_the_same_names_as_import_cypher(bundle: Path) -> None:
    """Both Cypher routes make the same labels, relationship types and property keys."""
    load = (bundle / "load-csv.cypher").read_text("utf-8")
    imported = (bundle / "import.cypher").read_text("utf-8")
    labels = re.compile(r"SET n((?::`[A-Za-z]+`)+);")
    assert {x for group in labels.findall(load) for x in group.split(":") if x} == {
        x for group in labels.findall(imported) for x in group.split(":") if x
    }
    rel_types = re.compile(r"\[r:`([A-Za-z]+)`\]")
    assert set(rel_types.findall(load)) == set(rel_types.findall(imported))
    keys = re.compile(r"[nr]\.`([A-Za-z_0-9]+)` = ")
    assert set(keys.findall(load)) == set(keys.findall(imported))
