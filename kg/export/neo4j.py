"""The Neo4j bundle: a directory with nodes.csv, relationships.csv and import.cypher, all from the shared view.

- `nodes.csv` and `relationships.csv` follow the header format of `neo4j-admin database import full`:
  `iri:ID` (the IRI is the node id and is stored as the `iri` property), `:LABEL` (`Entity` plus every kg
  class of the node, joined by `;`, the importer's default array delimiter), typed property columns
  (`projectCount:long`, `totalInvestmentYuan:double`; text columns carry no type, which means string), and
  `:START_ID`, `:END_ID`, `:TYPE` for relationships. The relationship type is the kg property name
  (`coFoundedBy`), the same name the property has in SPARQL, GraphML, JSON-LD and a neosemantics import, so
  one name works everywhere.
- List values are arrays (`aliases:string[]`, `evidence:string[]`, `sources:string[]`, an edge's `date`,
  `role` and `note`, a value's `<property>_evidence`, `_date`, `_role` and `_note`), their items joined by
  U+001F (ARRAY_DELIMITER, the ASCII unit separator), which no text of kg's can hold (the loader refuses
  every character XML cannot carry), so an alias or a quote may hold `;`, `|` or a line break and comes back
  exactly: import with `--array-delimiter=U+001F`. The `:LABEL` column uses the same delimiter, as
  neo4j-admin reads both with that one option. import.cypher writes lists as Cypher list literals and
  load-csv.cypher splits the fields on the same character. A property of the facts with several text values
  (two founding dates from two articles) stays one text, the view's escaped list (kg.export.projection.split_list reads it),
  so that its column keeps one type; with one value it is that value.
- An empty view value (no date, no aliases) is an empty, unquoted CSV field, which the importer treats as
  "no property"; import.cypher leaves the property out too, so both routes give the same graph.
- Text may span lines (a quote may span paragraphs): the importer needs `--multiline-fields=true`.
- `import.cypher` holds one statement per line: a `MERGE` on the IRI per node with its properties, a
  `MATCH ... SET n:Label` per node for its classes, and a `MERGE` per relationship between two matched nodes;
  Neo4j 5, Memgraph and FalkorDB run it unchanged. Running it again changes nothing. Every string literal goes
  through `cypher_string`, every name through `cypher_name`; a line break never appears inside a statement.
- `schema-neo4j.cypher`, `schema-memgraph.cypher`, `schema-falkordb.cypher`: the key on `Entity.iri` in each
  database's own syntax (no two agree), run before import.cypher or load-csv.cypher.
- `load-csv.cypher`: the same graph through LOAD CSV over the two CSV files, for Neo4j and FalkorDB.
- `kuzu.cypher`: for Kuzu and LadybugDB, which need tables declared and give a node one table: the tables,
  then the same MERGEs with the node's labels as a `labels` list, and strings as Kuzu reads them.

CSV is written by the csv module (RFC 4180: quotes doubled, never backslash-escaped).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.errors import KgError
from kg.export.projection import QUALIFIERS, QUOTE_JOIN, split_list

ENTITY_LABEL = "Entity"  # on every node: the label of the uniqueness constraint and of every MERGE
ID_COLUMN = "iri:ID"
LABEL_COLUMN = ":LABEL"
ARRAY_DELIMITER = "\x1f"  # neo4j-admin --array-delimiter=U+001F: between labels, and between array items
LABEL_DELIMITER = ARRAY_DELIMITER

# Node attributes of the view that become structure rather than properties.
NODE_STRUCTURE = {"iri", "classes"}
# Edge attributes that become structure: the kg property name is the relationship type.
EDGE_STRUCTURE = {"name"}
# Leading property columns, in this order; the rest follow sorted by name.
NODE_FIRST = ("id", "label", "class", "group", "aliases", "label_zh", "note")
EDGE_FIRST = ("predicate", "label", "date", "role", "note", "evidence", "sources")

CSV_TYPES = {bool: "boolean", int: "long", float: "double", str: "", list: "string[]"}
# The view's list values (kg.export.projection.join_list): node keys, edge keys, and the qualifiers of a node's values.
NODE_LISTS = {"aliases"}
EDGE_LISTS = {"date", "role", "note", "evidence", "sources"}
QUOTE_LISTS = {"evidence"}  # joined with kg.export.projection.QUOTE_JOIN


class Neo4jExportError(KgError):
    """The view holds a value the bundle cannot represent (a bug upstream, never user text)."""


# The escapes every target reads alike: Neo4j 5, Memgraph, FalkorDB and LadybugDB take \\ \' \n \r \t \b \f, but
# FalkorDB keeps \uXXXX as those six characters, so every other character is written as it is (UTF-8).
_ESCAPES = {ord("\\"): "\\\\", ord("'"): "\\'", 10: "\\n", 13: "\\r", 9: "\\t", 8: "\\b", 12: "\\f"}
# Kuzu 0.11 reads only \\ and \' (it takes \n for n and \u0041 for u0041): kuzu.cypher writes line breaks as they are.
_KUZU_ESCAPES = {ord("\\"): "\\\\", ord("'"): "\\'"}
_PLAIN = re.compile(r"[^\\'\n\r\t\b\f]*")


def cypher_string(text: str, dialect: str = "neo4j") -> str:
    """A single-quoted Cypher string literal that evaluates to exactly `text` in every target database:
    dialect "neo4j" for Neo4j 5, Memgraph, FalkorDB and LadybugDB, "kuzu" for Kuzu 0.11 (and LadybugDB).

    Only the escapes all of them read are used: a backslash, a quote and (but for Kuzu) line breaks, tabs,
    backspace and form feed. Every other character is written as it is, `;` and format characters
    included, since FalkorDB and Kuzu keep a `\\uXXXX` escape as text. So an import.cypher statement stays on
    one line (split on "\\n", not on every Unicode line separator) but holds a `;` inside a string when the
    text does: run it with a client that parses statements (cypher-shell, mgconsole, a driver per line).
    """
    if dialect == "kuzu":
        return "'" + text.translate(_KUZU_ESCAPES) + "'"
    if _PLAIN.fullmatch(text):
        return f"'{text}'"
    return "'" + text.translate(_ESCAPES) + "'"


def cypher_name(name: str) -> str:
    """A backtick-quoted Cypher name (label, relationship type or property key); backticks are doubled."""
    if not name:
        raise Neo4jExportError("empty label, type or property name")
    return "`" + name.replace("`", "``") + "`"


def cypher_value(value: str | int | float | bool | list[str], dialect: str = "neo4j") -> str:
    """A Cypher literal for one plain view value, or a list literal for a list of texts."""
    if isinstance(value, list):
        return "[" + ", ".join(cypher_string(item, dialect) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Neo4jExportError(f"cannot write the non-finite number {value!r}")
        return repr(value)
    return cypher_string(str(value), dialect)


def _present(value: object) -> bool:
    return value is not None and value != "" and value != []


def _node_attrs(attrs: dict) -> dict:
    """A node's properties as the bundle writes them: the view's list values as lists of their exact items
    (kg.export.projection.split_list), a value's text as it is when it holds one item."""
    out = {}
    for key, value in attrs.items():
        base, _, what = key.rpartition("_")
        if key in NODE_LISTS or (base in attrs and what in ("evidence", *QUALIFIERS)):
            out[key] = split_list(str(value), QUOTE_JOIN if what == "evidence" else " | ")
        elif key not in ("iri", "id", "label", "class", "classes", "group", "label_zh", "note") and isinstance(
            value, str
        ):
            items = split_list(value)  # a property's values (kg.export.projection joins text values as a list)
            out[key] = items[0] if len(items) == 1 else value
        else:
            out[key] = value
    return out


def _edge_attrs(attrs: dict) -> dict:
    """An edge's properties as the bundle writes them: its list values as lists of their exact items."""
    return {
        key: split_list(str(value), QUOTE_JOIN if key in QUOTE_LISTS else " | ") if key in EDGE_LISTS else value
        for key, value in attrs.items()
    }


def _columns(records: Iterable[dict], skip: set[str], first: tuple[str, ...]) -> list[tuple[str, type]]:
    """(name, type) of every property column: the leading names that occur, then the rest sorted.

    A column whose values disagree in type is written as text, so the file stays loadable.
    """
    types: dict[str, set[type]] = {}
    for attrs in records:
        for key, value in attrs.items():
            if key in skip or not _present(value):
                continue
            if type(value) not in CSV_TYPES:
                raise Neo4jExportError(f"property {key!r} has a value of type {type(value).__name__}")
            types.setdefault(key, set()).add(type(value))
    ordered = [k for k in first if k in types] + sorted(k for k in types if k not in first)
    return [(k, next(iter(types[k])) if len(types[k]) == 1 else str) for k in ordered]


def _header(name: str, kind: type) -> str:
    suffix = CSV_TYPES[kind]
    return f"{name}:{suffix}" if suffix else name


def _csv_field(value: object, kind: type) -> str:
    if not _present(value):
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return repr(float(value))  # type: ignore[arg-type]
    if kind is list:
        return ARRAY_DELIMITER.join(value)  # type: ignore[arg-type]
    return str(value)


def node_labels(attrs: dict) -> list[str]:
    """`Entity` first, then the node's kg classes (the view's `classes`, already sorted)."""
    classes = split_list(str(attrs.get("classes", "")))
    if not classes and attrs.get("class"):
        classes = [str(attrs["class"])]
    return [ENTITY_LABEL, *(c for c in classes if c != ENTITY_LABEL)]


def _nodes(view: nx.MultiDiGraph) -> list[tuple[str, dict]]:
    return sorted(((node, _node_attrs(attrs)) for node, attrs in view.nodes(data=True)), key=lambda item: item[0])


def _edges(view: nx.MultiDiGraph) -> list[tuple[str, str, str, dict]]:
    rows = [
        (s, o, str(attrs.get("name") or key), _edge_attrs(attrs))
        for s, o, key, attrs in view.edges(keys=True, data=True)
    ]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def _writer(handle) -> csv.writer:  # type: ignore[valid-type]
    # CRLF, as RFC 4180 says: with a bare "\n" terminator the csv module leaves a field holding a lone "\r"
    # unquoted, and every reader then ends the record there
    return csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def write_nodes(view: nx.MultiDiGraph, path: Path) -> None:
    nodes = _nodes(view)
    columns = _columns((attrs for _, attrs in nodes), NODE_STRUCTURE, NODE_FIRST)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = _writer(handle)
        out.writerow([ID_COLUMN, LABEL_COLUMN, *(_header(name, kind) for name, kind in columns)])
        for node, attrs in nodes:
            labels = LABEL_DELIMITER.join(node_labels(attrs))
            out.writerow([node, labels, *(_csv_field(attrs.get(name), kind) for name, kind in columns)])


def write_relationships(view: nx.MultiDiGraph, path: Path) -> None:
    edges = _edges(view)
    columns = _columns((attrs for *_, attrs in edges), EDGE_STRUCTURE, EDGE_FIRST)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = _writer(handle)
        out.writerow([":START_ID", ":END_ID", ":TYPE", *(_header(name, kind) for name, kind in columns)])
        for start, end, rel_type, attrs in edges:
            out.writerow([start, end, rel_type, *(_csv_field(attrs.get(name), kind) for name, kind in columns)])


def _set_clause(variable: str, attrs: dict, columns: list[tuple[str, type]], dialect: str = "neo4j") -> str:
    items = [
        f"{variable}.{cypher_name(name)} = {cypher_value(attrs[name], dialect)}"
        for name, _ in columns
        if _present(attrs.get(name))
    ]
    return " SET " + ", ".join(items) if items else ""


def cypher_statements(view: nx.MultiDiGraph) -> list[str]:
    """Every statement of import.cypher, in file order, each ending with `;`.

    Only what Neo4j 5, Memgraph and FalkorDB all parse: no schema statement (their syntaxes differ; the
    schema-<database>.cypher files hold them), a MERGE per node, a SET of its labels, a MERGE per fact.
    """
    entity = cypher_name(ENTITY_LABEL)
    nodes = _nodes(view)
    edges = _edges(view)
    node_columns = _columns((attrs for _, attrs in nodes), NODE_STRUCTURE, NODE_FIRST)
    edge_columns = _columns((attrs for *_, attrs in edges), EDGE_STRUCTURE, EDGE_FIRST)
    statements = []
    for node, attrs in nodes:
        key = f"(n:{entity} {{`iri`: {cypher_string(node)}}})"
        statements.append(f"MERGE {key}{_set_clause('n', attrs, node_columns)};")
        labels = "".join(":" + cypher_name(label) for label in node_labels(attrs)[1:])
        if labels:
            statements.append(f"MATCH {key} SET n{labels};")
    for start, end, rel_type, attrs in edges:
        statements.append(
            f"MATCH (s:{entity} {{`iri`: {cypher_string(start)}}}) MATCH (o:{entity} {{`iri`: {cypher_string(end)}}}) "
            f"MERGE (s)-[r:{cypher_name(rel_type)}]->(o){_set_clause('r', attrs, edge_columns)};"
        )
    return statements


# The key on Entity.iri that makes each MERGE a look-up, in each database's own syntax; run before import.cypher
# or load-csv.cypher. Memgraph and FalkorDB have no IF NOT EXISTS here: a second run reports the index exists.
SCHEMA = {
    "neo4j": ["CREATE CONSTRAINT kg_entity_iri IF NOT EXISTS FOR (n:`Entity`) REQUIRE n.`iri` IS UNIQUE;"],
    "memgraph": ["CREATE INDEX ON :`Entity`(`iri`);", "CREATE CONSTRAINT ON (n:`Entity`) ASSERT n.`iri` IS UNIQUE;"],
    "falkordb": ["CREATE INDEX FOR (n:`Entity`) ON (n.`iri`);"],
}
SCHEMA_HEADER = """\
// kg: the uniqueness key on Entity.iri for {database}; run it once before import.cypher or load-csv.cypher
// (README.md, "Other tools"). Without it the import gives the same graph, each MERGE scanning every node.
"""
SCHEMA_NAMES = {"neo4j": "Neo4j 5", "memgraph": "Memgraph", "falkordb": "FalkorDB"}

KUZU_TYPES = {bool: "BOOLEAN", int: "INT64", float: "DOUBLE", str: "STRING", list: "STRING[]"}
KUZU_LABELS = "labels"  # Kuzu and LadybugDB give a node one table: its labels (Entity and its classes) as a list


def kuzu_statements(view: nx.MultiDiGraph) -> list[str]:
    """Every statement of kuzu.cypher: the tables Kuzu and LadybugDB need (one `Entity` node table keyed on the
    IRI, with the labels as a `labels` list; one relationship table per type), then the same MERGEs as
    import.cypher with strings as Kuzu 0.11 reads them (a line break is written as it is)."""
    entity = cypher_name(ENTITY_LABEL)
    nodes = _nodes(view)
    edges = _edges(view)
    node_columns = _columns((attrs for _, attrs in nodes), NODE_STRUCTURE, NODE_FIRST)
    edge_columns = _columns((attrs for *_, attrs in edges), EDGE_STRUCTURE, EDGE_FIRST)
    if any(name in ("iri", KUZU_LABELS) for name, _ in node_columns):
        raise Neo4jExportError(f"a node property is named {KUZU_LABELS!r} or 'iri', which kuzu.cypher uses itself")
    table = ", ".join(
        ["`iri` STRING PRIMARY KEY", f"{cypher_name(KUZU_LABELS)} STRING[]"]
        + [f"{cypher_name(name)} {KUZU_TYPES[kind]}" for name, kind in node_columns]
    )
    statements = [f"CREATE NODE TABLE IF NOT EXISTS {entity}({table});"]
    rel_table = "".join(f", {cypher_name(name)} {KUZU_TYPES[kind]}" for name, kind in edge_columns)
    for rel_type in sorted({rel for _, _, rel, _ in edges}):
        statements.append(
            f"CREATE REL TABLE IF NOT EXISTS {cypher_name(rel_type)}(FROM {entity} TO {entity}{rel_table});"
        )
    columns = [(KUZU_LABELS, list), *node_columns]
    for node, attrs in nodes:
        key = f"(n:{entity} {{`iri`: {cypher_string(node, 'kuzu')}}})"
        values = {KUZU_LABELS: node_labels(attrs), **attrs}
        statements.append(f"MERGE {key}{_set_clause('n', values, columns, 'kuzu')};")
    for start, end, rel_type, attrs in edges:
        statements.append(
            f"MATCH (s:{entity} {{`iri`: {cypher_string(start, 'kuzu')}}}) "
            f"MATCH (o:{entity} {{`iri`: {cypher_string(end, 'kuzu')}}}) "
            f"MERGE (s)-[r:{cypher_name(rel_type)}]->(o){_set_clause('r', attrs, edge_columns, 'kuzu')};"
        )
    return statements


HEADER = """\
// kg: the knowledge graph as idempotent Cypher for Neo4j 5, Memgraph and FalkorDB; running it twice creates nothing new.
// First run schema-neo4j.cypher, schema-memgraph.cypher or schema-falkordb.cypher (the key on Entity.iri), then this:
//   cypher-shell -u neo4j -p <password> -f import.cypher        (Neo4j; mgconsole < import.cypher for Memgraph)
// One statement per line (a ; inside a string is text): per node a MERGE on its IRI and a SET of its kg classes
// as labels, then per fact a MERGE of the relationship, typed by the kg property name. README.md, "Other tools".
"""

KUZU_HEADER = """\
// kg: the knowledge graph for Kuzu 0.11 and LadybugDB: node and relationship tables, then idempotent MERGEs.
// A statement may span lines (Kuzu reads no \\n escape): run the whole file, e.g. in Python
//   conn.execute(open("kuzu.cypher", encoding="utf-8", newline="").read())
// A node's kg classes are its `labels` list: MATCH (n:Entity) WHERE 'Policy' IN n.labels. README.md, "Other tools".
"""


def write_cypher(view: nx.MultiDiGraph, path: Path) -> None:
    text = HEADER + "".join(statement + "\n" for statement in cypher_statements(view))
    path.write_text(text, encoding="utf-8", newline="\n")


# LOAD CSV reads every field as text (an empty field as null, which SET skips, as neo4j-admin does);
# the typed columns are converted back with the function for their header type.
LOAD_CONVERSIONS = {bool: "toBoolean", int: "toInteger", float: "toFloat", str: "", list: "split"}
NODES_URL = "file:///nodes.csv"
RELATIONSHIPS_URL = "file:///relationships.csv"


def _load_set(variable: str, columns: list[tuple[str, type]]) -> str:
    items = []
    for name, kind in columns:
        field = f"row.{cypher_name(_header(name, kind))}"
        convert = LOAD_CONVERSIONS[kind]
        if kind is list:  # split(null, ...) is null, so an empty field still sets nothing
            items.append(f"{variable}.{cypher_name(name)} = split({field}, {cypher_string(ARRAY_DELIMITER)})")
            continue
        items.append(
            f"{variable}.{cypher_name(name)} = {convert}({field})"
            if convert
            else f"{variable}.{cypher_name(name)} = {field}"
        )
    return " SET " + ", ".join(items) if items else ""


def load_csv_statements(view: nx.MultiDiGraph) -> list[str]:
    """Every statement of load-csv.cypher: the same graph as import.cypher, read from the two CSV files.

    Plain Cypher that Neo4j 4.4 or 5 and FalkorDB both run (no APOC, no dynamic labels, no schema statement: the
    schema-<database>.cypher files hold those; the U+001F of split() is written as it is, since FalkorDB keeps a
    \\u001F escape as text and would never split the labels). Labels and relationship types cannot
    come from a CSV field in a static query, so there is one statement per kg class and per relationship
    type, each reading the file and keeping its rows. Idempotent like import.cypher.
    """
    entity = cypher_name(ENTITY_LABEL)
    nodes = _nodes(view)
    edges = _edges(view)
    node_columns = _columns((attrs for _, attrs in nodes), NODE_STRUCTURE, NODE_FIRST)
    edge_columns = _columns((attrs for *_, attrs in edges), EDGE_STRUCTURE, EDGE_FIRST)
    node_key = f"(n:{entity} {{`iri`: row.{cypher_name(ID_COLUMN)}}})"
    statements = [
        f"LOAD CSV WITH HEADERS FROM '{NODES_URL}' AS row MERGE {node_key}{_load_set('n', node_columns)};",
    ]
    labels = sorted({label for _, attrs in nodes for label in node_labels(attrs)[1:]})
    for label in labels:
        statements.append(
            f"LOAD CSV WITH HEADERS FROM '{NODES_URL}' AS row WITH row "
            f"WHERE {cypher_string(label)} IN split(row.{cypher_name(LABEL_COLUMN)}, {cypher_string(LABEL_DELIMITER)}) "
            f"MATCH {node_key} SET n:{cypher_name(label)};"
        )
    for rel_type in sorted({rel for _, _, rel, _ in edges}):
        statements.append(
            f"LOAD CSV WITH HEADERS FROM '{RELATIONSHIPS_URL}' AS row WITH row "
            f"WHERE row.`:TYPE` = {cypher_string(rel_type)} "
            f"MATCH (s:{entity} {{`iri`: row.`:START_ID`}}) MATCH (o:{entity} {{`iri`: row.`:END_ID`}}) "
            f"MERGE (s)-[r:{cypher_name(rel_type)}]->(o){_load_set('r', edge_columns)};"
        )
    return statements


LOAD_HEADER = """\
// kg: the knowledge graph for Neo4j 4.4 or later and FalkorDB through LOAD CSV, the same graph as import.cypher.
// Run schema-neo4j.cypher or schema-falkordb.cypher first. Put nodes.csv and relationships.csv in the server's
// import directory (Neo4j: server.directories.import; FalkorDB: the module's IMPORT_FOLDER), then run:
//   cypher-shell -u neo4j -p <password> -f load-csv.cypher      (FalkorDB: each line with GRAPH.QUERY)
// One statement per line; running it twice creates nothing new. split() on U+001F, written as it is.
// The files quote as RFC 4180 does (a quote inside a field is doubled). Neo4j's LOAD CSV also reads \\" as a quote
// unless the server sets dbms.import.csv.legacy_quote_escaping=false: set it if a text holds a backslash.
"""


def write_load_csv(view: nx.MultiDiGraph, path: Path) -> None:
    text = LOAD_HEADER + "".join(statement + "\n" for statement in load_csv_statements(view))
    path.write_text(text, encoding="utf-8", newline="\n")


def write(view: nx.MultiDiGraph, path: Path) -> None:
    """Write the bundle into the directory `path` (created; the pipeline moves it into place whole)."""
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        path.unlink()  # the empty placeholder a file-oriented atomic writer reserves for us (pipeline.export_one)
    path.mkdir(parents=True, exist_ok=True)
    write_nodes(view, path / "nodes.csv")
    write_relationships(view, path / "relationships.csv")
    write_cypher(view, path / "import.cypher")
    write_load_csv(view, path / "load-csv.cypher")
    for database, statements in SCHEMA.items():
        header = SCHEMA_HEADER.format(database=SCHEMA_NAMES[database])
        text = header + "".join(statement + "\n" for statement in statements)
        (path / f"schema-{database}.cypher").write_text(text, encoding="utf-8", newline="\n")
    text = KUZU_HEADER + "".join(statement + "\n" for statement in kuzu_statements(view))
    (path / "kuzu.cypher").write_text(text, encoding="utf-8", newline="\n")
