"""An answer and the ways it is written out: the Result of a query, its terms as plain Python values, and the
formats of `kg query --format` (an aligned table, Markdown, SPARQL 1.1 CSV, TSV and JSON results, Turtle and
N-Triples for graphs).

Kept apart from running queries because the writers read nothing but the Result: how a query runs can change
without touching them, and a new format is one function here. Table cells escape control characters
and Markdown cells escape `|` and HTML, so a hostile label cannot break the layout or drive the terminal.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store.vocabulary import _INTEGER_TYPES, _PREFIXED, PREFIXES, RDF_LANG_STRING, XSD, Term

FORMATS = ("table", "csv", "tsv", "json", "md", "turtle", "ntriples")


@dataclass
class Result:
    """The answer to one query: rows for SELECT, a boolean for ASK, triples for CONSTRUCT and DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (see `plain`)."""
        return [dict(zip(self.variables, (plain(t) for t in row), strict=True)) for row in self.rows]


def plain(term: Term | None) -> Any:
    """An RDF term as a plain Python value: IRIs as str, numbers as int/Decimal/float, dates as date/datetime,
    booleans as bool, other literals as their lexical form; None for an unbound variable."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        value = term.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(value)
            if datatype == XSD + "decimal":
                return Decimal(value)
            if datatype in (XSD + "double", XSD + "float"):
                return float(value)
            if datatype == XSD + "boolean":
                return value in ("true", "1")
            if datatype == XSD + "date":
                return datetime.date.fromisoformat(value)
            if datatype == XSD + "dateTime":
                return datetime.datetime.fromisoformat(value)
        except (ValueError, InvalidOperation):
            return value  # an ill-typed literal keeps its text rather than failing the whole answer
        return value
    return str(term)


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _PREFIXED.fullmatch(prefix + ":" + iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


# Unicode's control characters (category Cc), the line and paragraph separators, and the invisible characters
# that reorder or hide text at a terminal (bidirectional overrides and isolates, marks, zero-width space, BOM);
# the joiners a script needs (U+200C, U+200D) stay, measured as zero columns wide
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(text: str) -> str:
    """Control characters (newlines, tabs, terminal escapes) shown as escapes, so a hostile label cannot
    break a table's layout or drive the terminal."""
    if _CONTROL.search(text) is None:  # nearly every cell: one scan in C, not a call per character
        return text
    return _CONTROL.sub(lambda m: _ESCAPES.get(m[0], _escape(m[0])), text)


def _escape(char: str) -> str:
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


# What a terminal acts on that the SPARQL results and RDF writers leave raw (they escape C0 controls only): DEL,
# the C1 controls (U+009B is CSI, U+009D OSC), the line and paragraph separators, and the bidirectional
# overrides, isolates and marks and the invisible characters. kg build refuses them, so kg's own stores hold
# none; a store kg did not build (a data repository shipping its build/, an older kg's) may. Each is written as a
# \u escape, which JSON strings, N-Triples and Turtle strings and IRIs (and TSV, whose terms are Turtle) read back
# as the same character: the answer is the same data. None of these can be in a prefixed name or a blank node
# label (U+061C and U+FEFF can: those two are left to JSON, whose strings are all there is to escape).
_UNSEEN = re.compile("[\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069]")
_UNSEEN_JSON = re.compile("[\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# what a terminal acts on in a CSV value, which has no escapes: the C0 controls but the tab and line ends a
# quoted field may hold, and the C1 controls; kg build refuses all of them (DEL and the bidirectional controls,
# which it allows, are left as they are); and a carriage return but in a CR LF line end: alone, it sends the
# terminal back to the line's start and what follows is printed over what came before (kg build refuses it too)
_CSV_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]|\r(?!\n)")


def _unseen_escaped(text: str, pattern: re.Pattern[str] = _UNSEEN) -> str:
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda m: f"\\u{ord(m[0]):04X}", text)


def display(term: Term | None) -> str:
    """A term as a table cell shows it: IRIs shortened with the known prefixes, literals by their text, control
    characters escaped (a hostile label cannot break the layout or drive the terminal)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _visible(_short(term.value))
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return _visible(term.value)
    return _visible(str(term))


@functools.cache
def _char_width(c: str) -> int:
    if unicodedata.east_asian_width(c) in "WF":
        return 2
    return 0 if unicodedata.combining(c) or unicodedata.category(c) == "Cf" else 1


def _width(text: str) -> int:
    """Columns the text takes at a terminal: wide CJK characters two, combining marks none."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def to_table(result: Result) -> str:
    """Aligned columns for a person at a terminal (wide CJK characters count as two), with a row count."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    header = [(h, _width(h)) for h in result.variables]
    cells = [[(text, _width(text)) for text in map(display, row)] for row in result.rows]  # each measured once
    widths = [max([header[i][1]] + [r[i][1] for r in cells]) for i in range(len(header))]

    def line(row: list[tuple[str, int]]) -> str:
        return "  ".join(text + " " * (w - used) for (text, used), w in zip(row, widths, strict=True)).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace("|", "\\|").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )


def to_markdown(result: Result) -> str:
    """A Markdown table to paste into notes or issues; `|` and HTML in cells are escaped so no cell breaks out."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    lines = [
        "| " + " | ".join(_md_cell(v) for v in result.variables) + " |",
        "|" + "|".join(" --- " for _ in result.variables) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(display(t)) for t in row) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def to_csv(result: Result) -> str:
    """SPARQL 1.1 Query Results CSV: header of names, IRIs and literals as plain text, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if result.form == "ASK":
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for number, row in enumerate(result.rows, 1):
        values = [
            ""
            if t is None
            else "_:" + t.value
            if isinstance(t, ox.BlankNode)
            else str(t.value)
            if isinstance(t, ox.NamedNode | ox.Literal)
            else str(t)
            for t in row
        ]
        for name, value in zip(result.variables, values, strict=True):
            found = _CSV_REFUSED.search(value)
            if found is not None:
                raise UsageError(
                    f"row {number}, ?{name}: the value holds the control character U+{ord(found[0]):04X}, which a "
                    "terminal acts on and CSV cannot escape (kg build never writes one: this store was not built by "
                    "this kg); use --format tsv or json, which escape it"
                )
        writer.writerow(values)
    return out.getvalue()


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    # N-Triples syntax is valid Turtle; tabs inside literals must be escaped in TSV.
    return str(term).replace("\t", "\\t")


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: header of ?names, terms in Turtle syntax."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
    return _unseen_escaped("\n".join(lines) + "\n")


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD + "string", RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows
    ]
    text = json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)
    return _unseen_escaped(text, _UNSEEN_JSON) + "\n"


def to_rdf(result: Result, fmt: str) -> str:
    """CONSTRUCT and DESCRIBE answers as Turtle (with the known prefixes) or N-Triples, written by pyoxigraph."""
    rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "ntriples" else ox.RdfFormat.TURTLE
    prefixes = PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None
    return _unseen_escaped(ox.serialize(result.triples, format=rdf_format, prefixes=prefixes).decode("utf-8"))


def render(result: Result, fmt: str = "table") -> str:
    """The result in one of FORMATS; SELECT and ASK answers as tables or SPARQL results, graphs as RDF."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        if fmt in ("table", "turtle", "ntriples"):
            return to_rdf(result, fmt)
        raise UsageError(f"a {result.form} query answers with RDF: use --format turtle (the default) or ntriples")
    writers = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "md": to_markdown}
    if fmt not in writers:
        raise UsageError(f"a {result.form} query answers with rows: use --format {', '.join(writers)}")
    return writers[fmt](result)
