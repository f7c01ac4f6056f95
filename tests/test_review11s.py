"""The eleventh outside review of `kg serve` and `kg query`: the leads the tenth left open, and what this review
found. Each test runs the real CLI, the real Python API (in a child process, so an abort is seen as such) or the
real `kg serve` with real Oxigraph workers; each failed on main at c630771."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_kg

# Reduced by review10s from a random mix, one value at a time: Oxigraph's sort of these aborts (SIGABRT, "user-
# provided comparison function does not correctly implement a total order"), the order of the values matters.
MIXED = (
    '"00:00:00"^^xsd:time "2020-01-01Z"^^xsd:date "é" "-INF"^^xsd:double "PT24H"^^xsd:dayTimeDuration '
    '"P1Y"^^xsd:yearMonthDuration "10"^^xsd:integer "é" 1 "+5"^^xsd:int "P1Y"^^xsd:yearMonthDuration '
    '"-5"^^xsd:decimal "é" "P1Y"^^xsd:yearMonthDuration "+5"^^xsd:int "+5"^^xsd:int "-0.0"^^xsd:double '
    '"-0.0"^^xsd:double "00:00:00"^^xsd:time "0"^^xsd:float "-5"^^xsd:decimal "0"^^xsd:float '
    '"PT24H"^^xsd:dayTimeDuration "-0.0"^^xsd:double "-INF"^^xsd:double "00:00:00"^^xsd:time 1.0 '
    '"10"^^xsd:integer "0"^^xsd:float 1.0 "-INF"^^xsd:double "PT24H"^^xsd:dayTimeDuration "-5"^^xsd:decimal'
)
PREFIX = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
ORDERED_BY_KG = PREFIX + f"SELECT ?x WHERE {{ VALUES ?x {{ {MIXED} }} }}\nORDER BY ?x\n"
ORDERED_BY_ENGINE = {  # ORDER BYs kg does not apply itself: the engine sorts, in a child process
    "not-returned": PREFIX + f"SELECT (STR(?x) AS ?s) WHERE {{ VALUES ?x {{ {MIXED} }} }}\nORDER BY ?x\n",
    "sub-select": PREFIX + f"SELECT ?x WHERE {{ {{ SELECT ?x WHERE {{ VALUES ?x {{ {MIXED} }} }} ORDER BY ?x }} }}\n",
    "construct": PREFIX
    + f"CONSTRUCT {{ <http://example.org/s> <http://example.org/p> ?x }} WHERE {{ VALUES ?x {{ {MIXED} }} }}"
    + " ORDER BY ?x\n",
}


def _values(stdout: str) -> list[str]:
    return stdout.splitlines()[1:]


def test_a_query_ordering_mixed_literals_is_answered_in_a_total_order(shipped_build, tmp_path):
    """`kg query` of 33 mixed literals (times, a date with a zone, durations, numbers, strings) with ORDER BY ?x
    aborted inside Oxigraph's sort: exit 134, a 46-line Rust backtrace. kg now orders them itself with a total
    key (a linear extension of XSD's order): numbers by value, then strings, then dates, times, durations."""
    query = tmp_path / "mixed.rq"
    query.write_text(ORDERED_BY_KG, encoding="utf-8")
    result = run_kg("query", "--build", str(shipped_build), "--format", "tsv", str(query))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "panicked" not in result.stderr
    rows = _values(result.stdout)
    assert len(rows) == 33
    numbers = [r for r in rows if "XMLSchema#" in r and any(t in r for t in ("double", "float", "int", "decimal"))]
    assert rows[: len(numbers)] == numbers, rows  # the numbers first, together
    assert rows[0].startswith('"-INF"'), rows
    durations = [i for i, r in enumerate(rows) if "Duration" in r]
    assert [rows[i].split("^^")[0] for i in durations] == ['"P1D"'] * 3 + ['"P1Y"'] * 3, rows
    again = run_kg("query", "--build", str(shipped_build), "--format", "tsv", str(query))
    assert again.stdout == result.stdout


@pytest.mark.parametrize("name", sorted(ORDERED_BY_ENGINE))
def test_an_abort_in_the_engines_sort_is_a_message_not_a_backtrace(shipped_build, tmp_path, name):
    """ORDER BYs kg cannot apply itself (a variable not returned, a sub-SELECT's, a CONSTRUCT's) reach the engine,
    whose sort of these values aborts: `kg query` died with exit 134 and a Rust backtrace. Now the engine runs
    them in a child process, and its abort is one line, exit 2."""
    query = tmp_path / "engine.rq"
    query.write_text(ORDERED_BY_ENGINE[name], encoding="utf-8")
    result = run_kg("query", "--build", str(shipped_build), str(query))
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert result.stderr.startswith(f"kg: error: {query}: the query engine stopped while ordering the answer")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "panicked" not in result.stderr and "backtrace" not in result.stderr


def test_the_engines_sort_of_one_kind_is_still_answered(shipped_build, tmp_path):
    """What the child process answers is exactly the engine's answer (its terms read back from SPARQL JSON)."""
    query = tmp_path / "engine.rq"
    query.write_text(
        'SELECT (STR(?x) AS ?s) WHERE { VALUES ?x { 3 "b"@en 1 2 } } ORDER BY DESC(?x)\n', encoding="utf-8"
    )
    result = run_kg("query", "--build", str(shipped_build), "--format", "tsv", str(query))
    assert result.returncode == 0, result.stderr
    assert _values(result.stdout) == ['"b"', '"3"', '"2"', '"1"'], result.stdout


def test_the_python_api_caller_survives_an_abort_in_the_engines_sort(shipped_build):
    """`kg.query()` aborted its caller's process (a notebook's kernel) on these queries. The caller here is a
    child process, so that an abort fails the test instead of killing pytest."""
    code = (
        "import sys, kg\n"
        "from kg.errors import UsageError\n"
        f"build = {str(shipped_build)!r}\n"
        f"print(len(kg.query({ORDERED_BY_KG!r}, build)))\n"
        "try:\n"
        f"    kg.query({ORDERED_BY_ENGINE['not-returned']!r}, build)\n"
        "except UsageError as err:\n"
        "    print('refused:', str(err)[:60])\n"
        "print('alive')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.splitlines() == [
        "33",
        "refused: query: the query engine stopped while ordering the answer (O",
        "alive",
    ], done.stdout


def test_the_order_key_extends_xsds_order_to_mixed_kinds():
    """The key is total (no exception for zones, NaN, ill-typed values) and keeps XSD's strict orders."""
    import pyoxigraph as ox

    from kg import store

    def lit(value: str, datatype: str) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(store.XSD + datatype))

    key = store._order_key
    assert key(lit("2020-03-27T10:00:00+08:00", "dateTime")) < key(lit("2020-03-27T03:00:00Z", "dateTime"))
    assert key(lit("2020-01-01Z", "date")) < key(lit("2020-01-02", "date"))
    assert key(lit("P13M", "yearMonthDuration")) > key(lit("P1Y", "duration"))
    assert key(lit("P1M", "duration")) < key(lit("P32D", "dayTimeDuration"))
    assert key(lit("00:30:00+01:00", "time")) < key(lit("00:00:00Z", "time"))
    values = [lit("NaN", "double"), lit("abc", "integer"), lit("maybe", "boolean"), lit("2020-13", "gYear")]
    values += [lit("1", "integer"), lit("INF", "float"), lit("P", "duration"), ox.Literal("x", language="en")]
    assert len({key(v) for v in values}) == len(values)
    assert sorted(values, key=key)  # comparable with each other: no exception, no TypeError
