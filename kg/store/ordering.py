"""The order of an answer's rows: a SELECT's final ORDER BY applied in Python, and the order of answers that do
not order themselves.

Oxigraph compares strings by reading both from its dictionary at every comparison, so sorting a large answer
by its labels takes seconds in the engine and milliseconds here (see kg.store.execute). What is applied here
must give exactly SPARQL's order: _order_by takes only conditions kg can evaluate (?var, STR, COALESCE, a
constant, ASC/DESC) and _order_key raises _Unordered for literals whose value order is not their text order
(time zones, NaN); the engine orders those answers. Rows the ORDER BY leaves tied are ordered by their
columns, so every answer is deterministic.
"""

from __future__ import annotations

import collections
import math
import re
import struct
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.store.syntax import _TOKEN
from kg.store.vocabulary import _INTEGER_TYPES, RDF_LANG_STRING, XSD, Term

_NUMERIC_TYPES = _INTEGER_TYPES | {XSD + "decimal", XSD + "double", XSD + "float"}
_BINARY = (XSD + "double", XSD + "float")


def _number(lexical: str, datatype: str) -> Decimal:
    """The exact value a numeric literal stands for. An xsd:double or xsd:float is the binary number nearest its
    text, not the text: "0.1"^^xsd:float is 0.100000001490116..., more than "0.1"^^xsd:double
    (0.1000000000000000055...), and SPARQL orders them so (it promotes the float to a double to compare). The
    exact values keep every strict order SPARQL's promotion gives (rounding never reverses one); pairs that
    promotion makes equal (0.1 as a decimal and as a double) stay distinct but adjacent. Raises
    InvalidOperation for text that is no number."""
    number = Decimal(lexical.strip())
    if datatype not in _BINARY or not number.is_finite():
        return number
    binary = float(number)  # the nearest double, correctly rounded
    if datatype == XSD + "float":
        try:
            binary = struct.unpack("<f", struct.pack("<f", binary))[0]  # the nearest single-precision number
        except OverflowError:
            binary = math.copysign(math.inf, binary)
    return Decimal(binary)


def _term_key(term: Term | None) -> tuple[int, Decimal, str, str]:
    """Unbound first, then numbers by value (86 before 395), then by the text a reader sees ("Binance" before
    "Binance China"), then by the full term, which makes the order total."""
    if term is None:
        return (0, Decimal(0), "", "")
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC_TYPES:
        try:
            number = _number(term.value, term.datatype.value)
            if number.is_finite():
                return (1, number, "", str(term))
        except InvalidOperation:
            pass
    return (2, Decimal(0), getattr(term, "value", ""), str(term))


class _Unordered(Exception):
    """The ORDER BY cannot be applied in Python exactly as SPARQL defines it: let the engine order the rows."""


_DATE_LIKE = {XSD + t for t in ("date", "dateTime", "gYearMonth", "gYear", "time")}
_NO_TIMEZONE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?:T?\d{2}:\d{2}:\d{2}(?:\.\d+)?)?")


def _order_key(term: Term | str | None) -> tuple:
    """A sort key giving SPARQL's ORDER BY order (unbound, blank nodes, IRIs, literals; numbers by value across
    the numeric types, strings by their text, dates in time order). Where SPARQL leaves two terms unordered
    (a number and a string, two languages) the key still orders them, by kind then text, so the order is total.
    A Python str stands for a plain literal (what STR() returns). Raises _Unordered for literals whose value
    order is not their text order (time zones, NaN, ill-typed numbers)."""
    if term is None:
        return (0,)
    if isinstance(term, str):
        return (3, 2, term, "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    if not isinstance(term, ox.Literal):
        raise _Unordered
    value = term.value
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return (3, 2, value, "")
    if datatype == RDF_LANG_STRING:
        return (3, 2, value, term.language)
    if datatype in _NUMERIC_TYPES:
        try:
            number = _number(value, datatype)
        except InvalidOperation:
            raise _Unordered from None
        if number.is_nan() or (datatype in _INTEGER_TYPES | {XSD + "decimal"} and not number.is_finite()):
            raise _Unordered
        return (3, 0, number)
    if datatype == XSD + "boolean":
        if value not in ("true", "false", "1", "0"):
            raise _Unordered
        return (3, 1, value in ("true", "1"))
    if datatype in _DATE_LIKE:
        if not _NO_TIMEZONE.fullmatch(value):
            raise _Unordered
        return (3, 3, value, datatype)
    return (3, 4, datatype, value)


# ORDER BY conditions kg applies itself: ?var, STR(...), COALESCE(..., "text"), (...), ASC(...) and DESC(...)
_OrderExpr = tuple  # ("var", name) | ("str", expr) | ("coalesce", (expr, ...)) | ("const", term)


_SLICE = re.compile(
    r"(?:LIMIT\s+(?P<limit>\d+)(?:\s+OFFSET\s+(?P<offset>\d+))?|OFFSET\s+(?P<offset2>\d+)(?:\s+LIMIT\s+(?P<limit2>\d+))?)(?:\s|#[^\n]*)*",
    re.IGNORECASE,
)


def _order_by(
    text: str,
) -> tuple[int, list[tuple[bool, _OrderExpr]], tuple[int, int | None]] | None:
    """Where a SELECT's final `ORDER BY` starts, its conditions as (descending, expression), and the rows a
    final LIMIT/OFFSET keeps as a slice (start, stop), when every condition is one kg can evaluate in Python
    and nothing else (VALUES, a comment) follows; else None."""
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
    tokens = [t for t in tokens if t[0] not in ("space", "comment")]
    depth = 0
    start = None
    for i, (kind, value, _) in enumerate(tokens):
        if kind == "brace":
            depth += 1 if value == "{" else -1
        elif depth == 0 and kind == "word" and value.upper() == "ORDER" and tokens[i + 1 : i + 2]:
            start = i if tokens[i + 1][1].upper() == "BY" else start
    if start is None or depth != 0:
        return None
    rest = tokens[start + 2 :]
    position = 0

    def peek() -> str:
        return rest[position][1] if position < len(rest) else ""

    def take(expected: str | None = None) -> tuple[str, str, int]:
        nonlocal position
        if position >= len(rest) or (expected is not None and rest[position][1].upper() != expected):
            raise _Unordered
        position += 1
        return rest[position - 1]

    def expression() -> _OrderExpr:
        kind, value, _ = take()
        if kind == "var":
            return ("var", value[1:])
        if kind == "string" and value[0] in "\"'" and value[:3] not in ('"""', "'''") and "\\" not in value:
            return ("const", value[1:-1])
        if value == "(":
            inner = expression()
            take(")")
            return inner
        if kind == "word" and value.upper() == "STR":
            take("(")
            inner = expression()
            take(")")
            return ("str", inner)
        if kind == "word" and value.upper() == "COALESCE":
            take("(")
            args = [expression()]
            while peek() == ",":
                take(",")
                args.append(expression())
            take(")")
            return ("coalesce", tuple(args))
        raise _Unordered

    conditions = []
    window: tuple[int, int | None] = (0, None)
    try:
        while position < len(rest):
            word = peek().upper()
            if word in ("LIMIT", "OFFSET"):
                match = _SLICE.fullmatch(text, rest[position][2])
                if not match:
                    return None
                offset = int(match["offset"] or match["offset2"] or 0)
                limit = match["limit"] or match["limit2"]
                window = (offset, None if limit is None else offset + int(limit))
                break
            if word in ("ASC", "DESC"):
                take()
                take("(")
                conditions.append((word == "DESC", expression()))
                take(")")
            else:
                conditions.append((False, expression()))
    except _Unordered:
        return None
    return (tokens[start][2], conditions, window) if conditions else None


def _evaluate(expression: _OrderExpr, binding: Mapping[str, Term | None]) -> Term | str | None:
    """An ORDER BY expression's value; a plain literal (STR's result, a constant) as a Python str."""
    kind, arg = expression
    if kind == "var":
        return binding[arg]
    if kind == "const":
        return arg
    if kind == "str":
        term = _evaluate(arg, binding)
        return term if isinstance(term, str) else term.value if isinstance(term, ox.NamedNode | ox.Literal) else None
    for inner in arg:  # COALESCE: the first that has a value
        term = _evaluate(inner, binding)
        if term is not None:
            return term
    return None


def _variables(expression: _OrderExpr) -> set[str]:
    kind, arg = expression
    if kind == "var":
        return {arg}
    if kind == "str":
        return _variables(arg)
    if kind == "coalesce":
        return set().union(*(_variables(e) for e in arg))
    return set()


def _sort(rows: list[tuple], variables: list[str], conditions: list[tuple[bool, _OrderExpr]]) -> None:
    """Sort rows in place by ORDER BY conditions, then rows equal on every condition by their columns in order
    (as an unordered answer is sorted): SPARQL leaves their order to the engine, which would make it depend on
    the query plan (a rewritten query, another Oxigraph version), and kg's answers are deterministic.

    Each condition is evaluated once per distinct value (an answer repeats its labels and classes), the
    values are ranked, and the rows sorted by their tuples of ranks (negated for DESC)."""
    columns = {name: i for i, name in enumerate(variables)}
    ranks = []
    for descending, expression in conditions:
        names = sorted(_variables(expression))
        indexes = [columns[name] for name in names]
        if expression[0] == "var":
            values = [row[indexes[0]] for row in rows]
            keys = {value: _order_key(value) for value in set(values)}
        else:
            values = [tuple(row[i] for i in indexes) for row in rows]
            keys = {
                value: _order_key(_evaluate(expression, dict(zip(names, value, strict=True)))) for value in set(values)
            }
        rank: dict[Any, int] = {}
        previous, number = None, 0
        for value in sorted(keys, key=keys.__getitem__):
            if keys[value] != previous:
                previous, number = keys[value], number + 1
            rank[value] = -number if descending else number
        ranks.append([rank[value] for value in values])
    keys = list(zip(*ranks, strict=True))
    tied = {key for key, count in collections.Counter(keys).items() if count > 1}
    if tied:  # rows equal on every condition are ordered by their columns, and only those need the longer key
        for i, row in enumerate(rows):
            if keys[i] in tied:
                keys[i] = (*keys[i], [_tie_key(term) for term in row])
    rows[:] = [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]


def _tie_key(term: Term | None) -> tuple[int, str, str, str]:
    """A total order on terms, only to order rows an ORDER BY leaves tied: cheap (no serialisation), stable."""
    if term is None:
        return (0, "", "", "")
    if isinstance(term, ox.Literal):
        return (3, term.value, term.language or "", term.datatype.value)
    return (1 if isinstance(term, ox.BlankNode) else 2, term.value, "", "")
