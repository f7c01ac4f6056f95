"""The order of an answer's rows: a SELECT's final ORDER BY applied in Python, and the order of answers that do
not order themselves.

Oxigraph compares strings by reading both from its dictionary at every comparison, so sorting a large answer
by its labels takes seconds in the engine and milliseconds here (see kg.store.execute). What is applied here
must give exactly SPARQL's order: _order_by takes only conditions kg can evaluate (?var, STR, COALESCE, a
constant, ASC/DESC), and _order_key orders every term, a total order extending SPARQL's (time zones, NaN,
durations and mixed kinds included). Rows the ORDER BY leaves tied are ordered by their
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


_DATE_LIKE = {XSD + t for t in ("date", "dateTime", "gYearMonth", "gYear")}
_DURATIONS = {XSD + t for t in ("duration", "yearMonthDuration", "dayTimeDuration")}
_ZONE = r"(?P<zone>Z|[+-]\d{2}:\d{2})?"
_CLOCK = r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}(?:\.\d+)?)"
_CALENDAR = {
    XSD + "dateTime": re.compile(rf"(?P<year>-?\d{{4,}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})T{_CLOCK}{_ZONE}"),
    XSD + "date": re.compile(rf"(?P<year>-?\d{{4,}})-(?P<month>\d{{2}})-(?P<day>\d{{2}}){_ZONE}"),
    XSD + "gYearMonth": re.compile(rf"(?P<year>-?\d{{4,}})-(?P<month>\d{{2}}){_ZONE}"),
    XSD + "gYear": re.compile(rf"(?P<year>-?\d{{4,}}){_ZONE}"),
    XSD + "time": re.compile(rf"{_CLOCK}{_ZONE}"),
}
_DURATION = re.compile(
    r"(?P<sign>-?)P(?!$)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<D>\d+)D)?"
    r"(?:T(?!$)(?:(?P<H>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<S>\d+(?:\.\d+)?)S)?)?"
)
_DIGITS = 18  # digits of a year or a duration's count read as a value; longer ones are ill-typed (64 bits)
_REFERENCE_MONTH = 1696 * 12 + 8  # September 1696, the first of XSD's four reference instants for durations


def _days(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a day of the proleptic Gregorian calendar, for any year (H. Hinnant's formula)."""
    year -= month <= 2
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719468


def _instant(value: str, datatype: str) -> Decimal | None:
    """Seconds from 1970-01-01T00:00:00Z to a date, dateTime, gYearMonth or gYear (its first instant), or from
    midnight for a time; None for text that is none. A value without a time zone is read as UTC: XSD orders
    it before or after a zoned value only when they are more than 14 hours apart, and reading it as UTC keeps
    every such order, so the key extends XSD's partial order to a total one (SPARQL leaves the rest undefined)."""
    match = _CALENDAR[datatype].fullmatch(value.strip())
    if match is None or len(match.groupdict().get("year") or "") > _DIGITS:
        return None  # (a year past the engine's 64-bit range is ill-typed there; int() refuses 4,300 digits)
    parts = match.groupdict()
    seconds = Decimal(0)
    if parts.get("hour") is not None:
        seconds = int(parts["hour"]) * 3600 + int(parts["minute"]) * 60 + Decimal(parts["second"])
        if datatype == XSD + "time":
            seconds %= 86400  # 24:00:00 is 00:00:00
    if parts.get("year") is not None:
        day = _days(int(parts["year"]), int(parts.get("month") or 1), int(parts.get("day") or 1))
        seconds += day * 86400
    zone = parts["zone"]
    if zone and zone != "Z":
        offset = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        seconds -= offset if zone[0] == "+" else -offset
    return seconds


def _duration(value: str) -> Decimal | None:
    """A duration's length as seconds after XSD's first reference instant (1696-09-01T00:00:00Z) plus the
    duration; None for text that is none. XSD orders durations only partially (P1M and P30D are not ordered):
    a duration shorter than another from each of the four reference instants is shorter from the first, so
    this extends XSD's order to a total one."""
    match = _DURATION.fullmatch(value.strip())
    if match is None or any(len(match[part] or "") > _DIGITS for part in "YMDHm"):
        return None
    sign = -1 if match["sign"] else 1
    months = sign * (int(match["Y"] or 0) * 12 + int(match["M"] or 0))
    seconds = sign * (
        int(match["D"] or 0) * 86400
        + int(match["H"] or 0) * 3600
        + int(match["m"] or 0) * 60
        + Decimal(match["S"] or 0)
    )
    year, month = divmod(_REFERENCE_MONTH + months, 12)
    return _days(year, month + 1, 1) * 86400 + seconds


def _order_key(term: Term | str | None) -> tuple:
    """A sort key giving SPARQL's ORDER BY order (unbound, blank nodes, IRIs, literals; numbers by value across
    the numeric types, strings by their text, dates and times in time order, durations by length). Where SPARQL
    or XSD leave two terms unordered (a number and a string, two languages, a time without a zone and one with,
    P1M and P30D, NaN, ill-typed literals) the key still orders them, by kind then value then text: the key is
    total, a linear extension of the order SPARQL defines, so kg never hands the engine a sort of mixed kinds
    (Oxigraph's own comparison of them is no total order, and its sort aborted the process on one)."""
    if term is None:
        return (0,)
    if isinstance(term, str):
        return (3, 2, term, "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    if not isinstance(term, ox.Literal):
        return (4, str(term))  # a quoted triple (RDF-star): after every literal
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
            return (3, 5, datatype, value)
        if number.is_nan():
            return (3, 0, 1, Decimal(0), value) if datatype in _BINARY else (3, 5, datatype, value)
        if datatype not in _BINARY and not number.is_finite():
            return (3, 5, datatype, value)
        return (3, 0, 0, number, "")
    if datatype == XSD + "boolean":
        if value not in ("true", "false", "1", "0"):
            return (3, 5, datatype, value)
        return (3, 1, value in ("true", "1"))
    if datatype in _DATE_LIKE or datatype == XSD + "time":
        instant = _instant(value, datatype)
        if instant is None:
            return (3, 5, datatype, value)
        return (3, 3, datatype == XSD + "time", instant, value, datatype)
    if datatype in _DURATIONS:
        length = _duration(value)
        if length is None:
            return (3, 5, datatype, value)
        return (3, 6, length, value, datatype)
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
