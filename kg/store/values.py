"""Parameter values -> RDF terms: the text of `--param name=value` and the Python values of `kg.query(...)`.

A value becomes a term (an IRI, a typed literal, an entity found by its kg id in the store) before it goes
near the query; binding then writes the term with pyoxigraph's own N-Triples serialisation, so no value is
ever pasted into query text. The typing rules (42 an integer, 2020-03 a gYearMonth, kg:Company an IRI) live
here, in one place, for the command line and the Python API alike.
"""

from __future__ import annotations

import datetime
import difflib
import re
import sys
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.model import FOLDERS, OTHER_FOLDER
from kg.store.vocabulary import _PREFIXED, ASSERTED_CLASSES_GRAPH, PREFIXES, XSD

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|^`\\]+")
_QUOTED = re.compile(r'"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(.+))?', re.DOTALL)
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_DOUBLE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_MONTH = re.compile(r"\d{4}-\d{2}")


class _Entities:
    """kg ids -> entity IRIs. An entity's IRI is the build's base, its class's folder and its id (kg.pipeline.rdf), so an
    id is found by asking the store for those few IRIs; only an id not found that way (a store of another
    layout, or a typo, whose hint needs every id) reads every typed subject, which takes a second at a
    million triples."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._index: dict[str, set[str]] | None = None
        self._type = ox.NamedNode(PREFIXES["rdf"] + "type")

    def index(self) -> dict[str, set[str]]:
        if self._index is None:
            index: dict[str, set[str]] = {}
            for quad in self.store.quads_for_pattern(None, self._type, None, ox.DefaultGraph()):
                subject, cls = quad.subject, quad.object
                if (
                    isinstance(subject, ox.NamedNode)
                    and isinstance(cls, ox.NamedNode)
                    and cls.value.startswith(PREFIXES["kg"])
                ):
                    tail = subject.value.rstrip("/").rsplit("/", 1)[-1]
                    if _ID.fullmatch(tail):
                        index.setdefault(tail, set()).add(subject.value)
            self._index = index
        return self._index

    def _minted(self, name: str) -> list[str]:
        """The entities whose IRI kg would mint for this id, from the base of one entity of the store."""
        folders = (*FOLDERS.values(), OTHER_FOLDER)
        graph = ox.NamedNode(ASSERTED_CLASSES_GRAPH)
        first = next(self.store.quads_for_pattern(None, self._type, None, graph), None)
        if first is None:
            return []
        iri = first.subject.value
        head = iri[: -len(iri.rsplit("/", 1)[-1]) - 1]  # without "/<id>"
        base = next((head[: -len(f)] for f in folders if head.endswith(f)), None)
        if base is None:
            return []
        found = []
        for folder in folders:
            candidate = ox.NamedNode(f"{base}{folder}/{name}")
            if next(self.store.quads_for_pattern(candidate, self._type, None, graph), None) is not None:
                found.append(candidate.value)
        return found

    def lookup(self, name: str, param: str) -> ox.NamedNode:
        found = self._minted(name) or sorted(self.index().get(name, ()))
        if len(found) == 1:
            return ox.NamedNode(found[0])
        if found:
            raise UsageError(
                f"--param {param}={name}: several entities have this id ({', '.join(found)}); pass the <IRI>"
            )
        hint = difflib.get_close_matches(name, list(self.index()), n=3)
        raise UsageError(
            f"--param {param}={name}: no entity with this id in the store"
            + (f"; did you mean {', '.join(hint)}?" if hint else "")
        )


def utf8_text(text: str, what: str) -> str:
    """`text`, refused if it holds a lone surrogate (U+D800 to U+DFFF): no RDF term or query can hold one, and
    Python makes them from bytes that were not UTF-8 (file names, argv, surrogateescape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise UsageError(
            f"{what}: character {err.start + 1} is a lone surrogate (U+{ord(text[err.start]):04X}), which is not "
            "text; was it decoded with surrogateescape from bytes that are not UTF-8?"
        ) from None
    return text


def _iri(text: str, param: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(text)
    except ValueError as err:
        raise UsageError(f"--param {param}: {text!r} is not a valid IRI ({err})") from err


def _prefixed(text: str) -> str | None:
    match = _PREFIXED.fullmatch(text)
    if match and (match[1] or "") in PREFIXES:
        return PREFIXES[match[1] or ""] + match[2]
    return None


def _typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


def parse_value(
    text: str, kind: str = "literal", name: str = "value", entities: _Entities | None = None
) -> ox.NamedNode | ox.Literal:
    """A parameter's text -> an RDF term.

    `<IRI>`, a prefixed name with a known prefix (kg:Company) or an absolute URL -> IRI; for entity parameters a
    kg id (shanghai) -> that entity's IRI; otherwise a literal typed from its form: 42 integer, 4.2 decimal,
    4e2 double, true/false boolean, 2020-03-27 date, 2020-03 gYearMonth, "text"@en or "1"^^xsd:gYear as
    written, anything else a plain string."""
    if text.startswith("<") and text.endswith(">"):
        return _iri(text[1:-1], name)
    if kind == "entity" and _ID.fullmatch(text):
        if entities is None:
            raise UsageError(f"--param {name}={text}: an entity id needs the store to resolve it")
        return entities.lookup(text, name)
    expanded = _prefixed(text)
    if expanded is not None:
        return _iri(expanded, name)
    if _URL.fullmatch(text):
        return _iri(text, name)
    if kind in ("entity", "iri"):
        what = "a kg id (like shanghai), " if kind == "entity" else ""
        raise UsageError(f"--param {name}={text!r}: expected {what}an <IRI> or a prefixed name (kg:Company)")
    quoted = _QUOTED.fullmatch(text)
    if quoted:
        lexical, language, datatype = quoted.groups()
        try:
            if language:
                return ox.Literal(lexical, language=language)
            if datatype:
                iri = datatype[1:-1] if datatype.startswith("<") and datatype.endswith(">") else _prefixed(datatype)
                if iri is None:
                    raise UsageError(f"--param {name}: unknown datatype {datatype!r}; write <IRI> or xsd:name")
                return ox.Literal(lexical, datatype=_iri(iri, name))
        except ValueError as err:
            raise UsageError(f"--param {name}: {err}") from err
        return ox.Literal(lexical)
    if text in ("true", "false"):
        return _typed(text, "boolean")
    if _INTEGER.fullmatch(text):
        return _typed(text, "integer")
    if _DECIMAL.fullmatch(text):
        return _typed(text, "decimal")
    if _DOUBLE.fullmatch(text):
        return _typed(text, "double")
    if _DATE.fullmatch(text):
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"--param {name}={text}: not a real date") from None
        return _typed(text, "date")
    if _YEAR_MONTH.fullmatch(text) and 1 <= int(text[5:]) <= 12:
        return _typed(text, "gYearMonth")
    return ox.Literal(text)


# The kinds a parameter may declare beyond entity, iri and literal: the datatype its term must have, and the form
# the message asks for. A month written "March" would otherwise be a plain string that matches no row.
_DATATYPED_KINDS = {"month": ("gYearMonth", "a month as YYYY-MM (2020-03)"), "date": ("date", "a date as YYYY-MM-DD")}


def to_term(
    value: Any, kind: str = "literal", name: str = "value", entities: _Entities | None = None
) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """A Python value (or a str in the command line's syntax) -> an RDF term, of the datatype its kind declares."""
    term = _to_term(value, "literal" if kind in _DATATYPED_KINDS else kind, name, entities)
    if kind in _DATATYPED_KINDS:
        datatype, form = _DATATYPED_KINDS[kind]
        if not (isinstance(term, ox.Literal) and term.datatype == ox.NamedNode(XSD + datatype)):
            shown = value if isinstance(value, str) else repr(value)
            raise UsageError(f"--param {name}={shown}: expected {form}")
    return term


def _to_term(
    value: Any, kind: str = "literal", name: str = "value", entities: _Entities | None = None
) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool):
        return _typed("true" if value else "false", "boolean")
    if isinstance(value, int):
        try:
            return _typed(str(value), "integer")
        except ValueError:  # Python writes at most sys.get_int_max_str_digits() digits
            digits = int(abs(value).bit_length() * 0.30103) + 1
            raise UsageError(
                f"parameter {name}: an integer of about {digits} digits is more than Python will write as text "
                f"({sys.get_int_max_str_digits()} digits); pass its digits as a str, or raise the limit with "
                "sys.set_int_max_str_digits()"
            ) from None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # XSD writes them NaN, INF, -INF
            return _typed("NaN" if value != value else ("INF" if value > 0 else "-INF"), "double")
        return _typed(repr(value), "double")
    if isinstance(value, Decimal):
        return _typed(format(value, "f"), "decimal")
    if isinstance(value, datetime.datetime):
        return _typed(value.isoformat(), "dateTime")
    if isinstance(value, datetime.date):
        return _typed(value.isoformat(), "date")
    module = type(value).__module__
    if isinstance(value, str):  # rdflib's terms are str too
        utf8_text(value, f"parameter {name}")
        utf8_text(str(getattr(value, "datatype", None) or ""), f"parameter {name}'s datatype")
    if module.startswith("rdflib"):  # URIRef, Literal, BNode without importing rdflib here
        from rdflib import BNode, Literal, URIRef

        if isinstance(value, URIRef):
            return _iri(str(value), name)
        if isinstance(value, BNode):
            return ox.BlankNode(str(value))
        if isinstance(value, Literal):
            if value.language:
                return ox.Literal(str(value), language=value.language)
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)) if value.datatype else None)
    if isinstance(value, str):
        return parse_value(value, kind, name, entities)
    raise UsageError(f"parameter {name}: cannot turn a {type(value).__name__} into an RDF term")
