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
  (two founding dates from two articles) stays one text, the view's escaped list (kg.view.split_list reads it),
  so that its column keeps one type; with one value it is that value.
- An empty view value (no date, no aliases) is an empty, unquoted CSV field, which the importer treats as
  "no property"; import.cypher leaves the property out too, so both routes give the same graph.
- Text may span lines (a quote may span paragraphs): the importer needs `--multiline-fields=true`.
- `import.cypher` holds one statement per line: a uniqueness constraint on `Entity.iri`, a `MERGE` on the IRI
  per node with its properties, a `MATCH ... SET n:Label` per node for its classes, and a `MERGE` per
  relationship between two matched nodes. Running it again changes nothing. Every string literal goes through
  `cypher_string`, every name through `cypher_name`; a raw `;` or line break never appears inside a
  statement, so even a naive line- or semicolon-splitting runner reads it right.

CSV is written by the csv module (RFC 4180: quotes doubled, never backslash-escaped).
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.errors import KgError
from kg.view import QUALIFIERS, QUOTE_JOIN, split_list

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
# The view's list values (kg.view.join_list): node keys, edge keys, and the qualifiers of a node's values.
NODE_LISTS = {"aliases"}
EDGE_LISTS = {"date", "role", "note", "evidence", "sources"}
QUOTE_LISTS = {"evidence"}  # joined with kg.view.QUOTE_JOIN

# Named escapes of the Cypher string literal grammar; everything else invisible goes out as \uXXXX.
_NAMED_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Unicode categories escaped by code point: controls, format characters (bidi overrides, zero-width
# joiners: a reviewer reading import.cypher sees them), line/paragraph separators, private use, unassigned.
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}


class Neo4jExportError(KgError):
    """The view holds a value the bundle cannot represent (a bug upstream, never user text)."""


_CACHED = 65_536  # distinct characters remembered at most: a text of every code point cannot grow it further


class _Escapes(dict):
    """Code point -> its text in a Cypher string literal, for str.translate; each character is classified once
    (the bundle of a million-triple corpus has some 17 million characters and a few thousand distinct ones)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _NAMED_ESCAPES:
            text = _NAMED_ESCAPES[char]
        elif char == ";":
            text = "\\u003B"
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES:
            text = f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
        else:
            text = char
        if len(self) < _CACHED:
            self[code] = text
        return text


_ESCAPES = _Escapes()
_PLAIN = re.compile(r"[ !\"#$%&(-:<-\[\]-~]*")  # printable ASCII but for ' ; \ : written as it is


def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal that evaluates to exactly `text`.

    Quotes and backslashes are escaped; line breaks, tabs and every invisible or format character become
    escapes, so a literal never spans lines and never hides a right-to-left override; `;` becomes `\\u003B`
    so that statement splitters that do not parse strings still see one statement per line.
    """
    if _PLAIN.fullmatch(text):
        return f"'{text}'"
    return f"'{text.translate(_ESCAPES)}'"


def cypher_name(name: str) -> str:
    """A backtick-quoted Cypher name (label, relationship type or property key); backticks are doubled."""
    if not name:
        raise Neo4jExportError("empty label, type or property name")
    return "`" + name.replace("`", "``") + "`"


def cypher_value(value: str | int | float | bool | list[str]) -> str:
    """A Cypher literal for one plain view value, or a list literal for a list of texts."""
    if isinstance(value, list):
        return "[" + ", ".join(cypher_string(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Neo4jExportError(f"cannot write the non-finite number {value!r}")
        return repr(value)
    return cypher_string(str(value))


def _present(value: object) -> bool:
    return value is not None and value != "" and value != []


def _node_attrs(attrs: dict) -> dict:
    """A node's properties as the bundle writes them: the view's list values as lists of their exact items
    (kg.view.split_list), a value's text as it is when it holds one item."""
    out = {}
    for key, value in attrs.items():
        base, _, what = key.rpartition("_")
        if key in NODE_LISTS or (base in attrs and what in ("evidence", *QUALIFIERS)):
            out[key] = split_list(str(value), QUOTE_JOIN if what == "evidence" else " | ")
        elif key not in ("iri", "id", "label", "class", "classes", "group", "label_zh", "note") and isinstance(
            value, str
        ):
            items = split_list(value)  # a property's values (kg.view joins text values as a list)
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


def _set_clause(variable: str, attrs: dict, columns: list[tuple[str, type]]) -> str:
    items = [
        f"{variable}.{cypher_name(name)} = {cypher_value(attrs[name])}"
        for name, _ in columns
        if _present(attrs.get(name))
    ]
    return " SET " + ", ".join(items) if items else ""


def cypher_statements(view: nx.MultiDiGraph) -> list[str]:
    """Every statement of import.cypher, in file order, each ending with `;`."""
    entity = cypher_name(ENTITY_LABEL)
    nodes = _nodes(view)
    edges = _edges(view)
    node_columns = _columns((attrs for _, attrs in nodes), NODE_STRUCTURE, NODE_FIRST)
    edge_columns = _columns((attrs for *_, attrs in edges), EDGE_STRUCTURE, EDGE_FIRST)
    statements = [f"CREATE CONSTRAINT kg_entity_iri IF NOT EXISTS FOR (n:{entity}) REQUIRE n.`iri` IS UNIQUE;"]
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


HEADER = """\
// kg: the knowledge graph as idempotent Cypher for Neo4j 5 or later; running it twice creates nothing new.
// Run with: cypher-shell -u neo4j -p <password> -f import.cypher   (README.md, "Other tools")
// One statement per line: a constraint, then per node a MERGE on its IRI and a SET of its kg classes as
// labels, then per fact a MERGE of the relationship, typed by the kg property name.
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

    Plain Cypher for any Neo4j 4.4 or 5 (no APOC, no dynamic labels): labels and relationship types cannot
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
        f"CREATE CONSTRAINT kg_entity_iri IF NOT EXISTS FOR (n:{entity}) REQUIRE n.`iri` IS UNIQUE;",
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
// kg: the knowledge graph for Neo4j 4.4 or later through LOAD CSV, the same graph as import.cypher.
// Copy nodes.csv and relationships.csv into the import directory of the Neo4j server, then run:
//   cypher-shell -u neo4j -p <password> -f load-csv.cypher
// One statement per line; running it twice creates nothing new.
// The files quote as RFC 4180 does (a quote inside a field is doubled). LOAD CSV also reads \\" as a quote
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
