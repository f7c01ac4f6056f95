r"""Spreadsheet tables of the shared view: entities.csv and facts.csv, safe to open in Excel, LibreOffice or
Google Sheets.

Why a second CSV next to the Neo4j bundle: `neo4j-admin database import` must read every value exactly as
it is, so neo4j/nodes.csv keeps a label such as `=HYPERLINK("http://evil.example","click")` byte for byte.
A spreadsheet that opens that file runs the formula (CSV injection, CWE-1236). These tables are for
people, so every text cell that a spreadsheet would read as a formula, that is one starting with `=`, `+`,
`-`, `@`, a tab or a carriage return (OWASP's list), or with their full-width forms, gets a leading
apostrophe: the spreadsheet shows the text (with the apostrophe) and evaluates nothing. Numbers stay
numbers: `-3` in a count column is a number, not a formula. The files are UTF-8 with a byte-order mark (so
Excel does not guess a legacy code page) and CRLF line ends (RFC 4180).

To neutralise is to change the value, so these tables are not for machines: load the graph from
kg.ttl, kg.graphml or the Neo4j bundle instead.

A list in one cell (aliases, a fact's dates and roles, its quotes) is written as in GraphML: items joined by
" | " (quotes by a line break), with `\\` and `\|` (in quotes `\\`, `\n`, `\r`) escaped inside an item, so an
alias that itself holds " | " stays one alias (kg.export.projection.split_list reads the items back).
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ENTITY_FIRST = ("iri", "id", "class", "label", "aliases", "label_zh", "note")
FACT_COLUMNS = ("subject", "predicate", "object", "subject_iri", "object_iri", "date", "role", "note", "evidence")
SKIP = {"classes", "group"}


def neutralise(value: object) -> object:
    """The cell as a spreadsheet should get it: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows(view: nx.MultiDiGraph) -> tuple[list[str], list[list[object]], list[list[object]]]:
    nodes = sorted(view.nodes(data=True))
    extra = sorted({k for _, attrs in nodes for k in attrs} - set(ENTITY_FIRST) - SKIP)
    header = [*ENTITY_FIRST, *extra]
    entities = [[attrs.get(column, "") for column in header] for _, attrs in nodes]
    facts = []
    for s, o, key, attrs in sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        facts.append(
            [
                view.nodes[s].get("label", s),
                attrs.get("name", key),
                view.nodes[o].get("label", o),
                s,
                o,
                attrs.get("date", ""),
                attrs.get("role", ""),
                attrs.get("note", ""),
                attrs.get("evidence", ""),
            ]
        )
    return header, entities, facts


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        out.writerow(header)
        for row in rows:
            out.writerow([neutralise(cell) for cell in row])


def write(view: nx.MultiDiGraph, path: Path) -> None:
    """Write entities.csv and facts.csv into the directory `path`."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    header, entities, facts = _rows(view)
    _write(path / "entities.csv", header, entities)
    _write(path / "facts.csv", list(FACT_COLUMNS), facts)
