"""The build's embedded SPARQL store (build/store/) and everything needed to ask it questions.

What the store holds (written by kg/export/store.py from the build's dataset):

- **Its default graph is the query view**: the build's default graph (entities, types, labels, every fact as a
  plain triple), the ontology, and the RDFS entailment of the facts under the ontology's class and property
  hierarchy — an `rdf:type` triple for every superclass and a triple for every superproperty. So
  `?x a kg:Organisation` finds the government bodies, `?x kg:locatedIn ?r` finds where an organisation is
  registered or headquartered, and `?x schema:founder ?y` finds co-founders. It is a set: each triple once,
  so no query sees duplicates because a fact is both asserted and entailed.
- **Named graphs**: one per article (statement nodes with evidence, exactly as in kg.trig), the ontology
  (`<https://kg.example.org/ontology>`), `<https://kg.example.org/ontology/entailed>` holding exactly the
  entailed triples, so a query can keep to what a source asserted
  (`FILTER NOT EXISTS { GRAPH <https://kg.example.org/ontology/entailed> { ?x ?p ?y } }`), and
  `<https://kg.example.org/ontology/asserted-classes>` holding the `rdf:type` triples the facts assert, each
  entity's own class: `GRAPH <https://kg.example.org/ontology/asserted-classes> { ?x a ?class }` reads it
  directly, instead of filtering every class the store gives the entity (the saved questions do).

Why materialise instead of teaching property paths: an analyst's first query is `?x a kg:Organisation`, and
queries written for schema.org, W3C ORG or PROV should work unchanged, in `kg query`, behind `kg serve` and on
any server `kg push` feeds. The closure is computed from the small class and property hierarchy only
(DESIGN.md: owlrl's full closure takes minutes at 100k triples); the cost is linear in the facts.

Parameters (`--param name=value`, or keyword arguments of `kg.query`) become RDF terms and are bound with a
VALUES block placed at the start of the query's WHERE group, written from the terms by pyoxigraph's own
N-Triples serialisation: a value is never pasted into query text, so it cannot change the query's shape.

The package has one module per job: `saved` (the saved questions in kg/store/queries/*.rq and query files),
`syntax` (reading a query's text: its tokens, its shape, its syntax errors), `values` (parameter values -> RDF
terms), `binding` (the VALUES block), `ordering` (a final ORDER BY applied in Python), `answers` (the Result
and its formats) and `vocabulary` (the prefixes and datatypes they share). This module opens the store, runs
queries (`execute`, `run`, `query`) and keeps every name reachable as `kg.store.<name>`.

May import kg/export/ (the store format: its named graphs) and the base modules (model, errors, ontology, files).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store import engine
from kg.store.answers import (
    FORMATS,
    Result,
    display,
    plain,
    render,
    to_csv,
    to_json,
    to_markdown,
    to_rdf,
    to_table,
    to_tsv,
)
from kg.store.binding import bind, prepare
from kg.store.ordering import _order_by, _sort, _term_key, _Unordered, _variables
from kg.store.ordering import _order_key as _order_key  # reachable as kg.store._order_key, as before the split
from kg.store.saved import (
    MAX_QUERY_BYTES,
    Param,
    QueryText,
    is_query_file,
    parse_query_file,
    read_query_bytes,
    resolve,
    saved_queries,
)
from kg.store.syntax import Shape, _orders, shape, syntax_message
from kg.store.values import parse_value, to_term, utf8_text
from kg.store.vocabulary import (
    ASSERTED_CLASSES_GRAPH,
    ENTAILED_GRAPH,
    ONTOLOGY_GRAPH,
    PREFIXES,
    RDF_LANG_STRING,
    XSD,
    Term,
)

# The names kg.store offers, wherever in the package they are defined.
__all__ = [
    "ASSERTED_CLASSES_GRAPH",
    "ENTAILED_GRAPH",
    "FORMATS",
    "MAX_QUERY_BYTES",
    "ONTOLOGY_GRAPH",
    "PREFIXES",
    "RDF_LANG_STRING",
    "STORE_DIR",
    "XSD",
    "Param",
    "QueryText",
    "Result",
    "Shape",
    "Term",
    "bind",
    "display",
    "execute",
    "is_query_file",
    "open_store",
    "parse_query_file",
    "parse_value",
    "plain",
    "prepare",
    "query",
    "read_query_bytes",
    "render",
    "resolve",
    "run",
    "saved_queries",
    "shape",
    "store_path",
    "syntax_message",
    "to_csv",
    "to_json",
    "to_markdown",
    "to_rdf",
    "to_rdflib",
    "to_table",
    "to_term",
    "to_tsv",
]

STORE_DIR = "store"


# --------------------------------------------------------------------------------------------------------------
# Opening the store


def store_path(build: str | Path = "build") -> Path:
    """Where `kg build` writes the store inside a build directory (one place, so query, serve and push agree)."""
    return Path(build) / STORE_DIR


def open_store(build: str | Path = "build") -> ox.Store:
    """The build's store, opened read-only so any number of readers (kg query, kg serve) can share it."""
    path = store_path(build)
    if not (path / "CURRENT").is_file():
        raise UsageError(
            f"{path}: no SPARQL store here; run `kg build` first (or `kg build --formats store`), "
            "or pass --build DIR of a build that has one"
        )
    try:
        return ox.Store.read_only(str(path))
    except OSError as err:
        raise UsageError(f"{path}: cannot open the store ({err}); rebuild it with `kg build`") from err


def to_rdflib(store: ox.Store):
    """Every quad of the store, in an rdflib Dataset (default graph and named graphs kept apart).

    For what only rdflib offers (its plugins, pySHACL, its SPARQL engine as a second opinion): the tests and
    the benchmarks run each saved question through both engines on exactly the same quads."""
    import rdflib

    def term(t):
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    ds = rdflib.Dataset()
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = ds.default_graph if isinstance(quad.graph_name, ox.DefaultGraph) else ds.graph(term(quad.graph_name))
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return ds


# --------------------------------------------------------------------------------------------------------------
# Running a query


_SLICED_ROWS = 200_000  # a LIMIT over more rows than this is left to the engine (see execute)


def execute(store: ox.Store, text: str, origin: str = "query", path: Path | None = None) -> Result:
    """Run prepared query text; rows come sorted unless the query orders them itself.

    A SELECT's final ORDER BY over its own columns is applied here, in Python, rather than by the engine:
    Oxigraph compares strings by reading both from its dictionary at every comparison, which makes sorting
    a 60,000-row answer by its labels take seconds, while one pass over the rows here takes milliseconds. A
    final LIMIT/OFFSET is then a slice of the sorted rows. The order is SPARQL's (see _order_key); anything kg
    cannot order exactly so is left to the engine: when `path` (the store's directory) is given, in a child
    process (kg.store.engine), as Oxigraph's sort of mixed kinds of values can abort the process."""
    info = shape(text)

    def ask(sent: str) -> Any:
        if path is not None and _orders(sent):
            return engine.query(path, sent, origin)
        return store.query(sent, prefixes=PREFIXES)

    try:
        order = _order_by(text) if info.form == "SELECT" and info.ordered else None
        answer = ask(text if order is None else text[: order[0]])
        if isinstance(answer, ox.QueryBoolean):
            return Result("ASK", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            if order is not None and not set().union(*(_variables(e) for _, e in order[1])) <= set(variables):
                order = None  # it orders by a variable the SELECT does not return: the engine must do it
                answer = ask(text)
            if order is not None and order[2] != (0, None):
                # a LIMIT keeps a few rows of the whole answer: read at most _SLICED_ROWS of it, else let the
                # engine sort (it then reads only the strings its comparisons need)
                rows = list(itertools.islice((tuple(solution) for solution in answer), _SLICED_ROWS + 1))
                if len(rows) > _SLICED_ROWS:
                    order = None
                    rows = [tuple(solution) for solution in ask(text)]
            else:
                rows = [tuple(solution) for solution in answer]
            if order is not None:
                try:
                    _sort(rows, variables, order[1])
                    rows = rows[order[2][0] : order[2][1]]
                except _Unordered:
                    rows = [tuple(solution) for solution in ask(text)]
            elif not info.ordered:
                rows.sort(key=lambda row: [_term_key(t) for t in row])
            return Result("SELECT", variables=variables, rows=rows)
        triples = sorted(answer, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return Result(info.form, triples=triples)
    except SyntaxError as err:
        raise UsageError(syntax_message(str(err), text, origin)) from None
    except (OSError, RuntimeError, ValueError) as err:
        raise UsageError(f"{origin}: the query failed: {err}") from None


EVALUATION_STACK = 256 * 1024 * 1024  # bytes of address space; only what a query's depth touches is used


def run(
    query: str | QueryText, params: Mapping[str, Any] | None = None, build: str | Path = "build", api: bool = False
) -> Result:
    """Resolve, bind and run a query against the build's store (`api`: messages name keyword arguments).

    All of it on a thread of its own with a deep stack (EVALUATION_STACK), waited for here: Oxigraph evaluates a
    query by recursion through its algebra, on the calling thread's stack (the syntax check evaluates it too,
    on an empty store), and a chain of 4,000 OPTIONALs or 8,000 `+ 1` overflowed the usual 8 MiB and killed kg
    with a segmentation fault (exit 139, no message). The text is bounded first (kg.store.syntax: MAX_NESTING,
    MAX_CHAIN), and this stack holds many times what a text within those bounds needs."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            source = query if isinstance(query, QueryText) else resolve(utf8_text(query, "the query"))
            store = open_store(build)
            text = prepare(source, params or {}, store, api)
            outcome["value"] = execute(store, text, source.origin, store_path(build))
        except BaseException as err:  # raised again on the caller's thread
            if isinstance(err, UsageError):
                # a message needs no frames; theirs hold pyoxigraph's answers, which must be dropped on this thread
                chained: BaseException | None = err
                while chained is not None:
                    chained.__traceback__ = None
                    chained = chained.__cause__ or chained.__context__
            outcome["error"] = err

    previous = threading.stack_size(EVALUATION_STACK)
    try:
        worker = threading.Thread(target=target, name="kg-query-evaluation", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# --------------------------------------------------------------------------------------------------------------
# Python API


def query(
    sparql_or_name: str,
    build: str | Path = "build",
    *,
    as_frame: bool = False,
    params: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Ask the build's store a question: SPARQL text, a .rq file or a saved question's name.

    Keyword arguments (or `params=` for names that clash with these arguments) bind the query's variables:
    `kg.query("organisations-in-region", region="shanghai")`. Returns, for SELECT, a list of dicts of plain
    Python values (see `plain`), or a pandas DataFrame with `as_frame=True`; for ASK a bool; for CONSTRUCT and
    DESCRIBE a list of {"subject", "predicate", "object"} dicts."""
    bound = {**(params or {}), **kwargs}
    result = run(sparql_or_name, bound, build, api=True)
    if result.form == "ASK":
        if as_frame:
            raise UsageError("an ASK query answers true or false, not a table: drop as_frame=True")
        return bool(result.boolean)
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        records = [
            {"subject": plain(t.subject), "predicate": plain(t.predicate), "object": plain(t.object)}
            for t in result.triples
        ]
        columns = ["subject", "predicate", "object"]
    else:
        records = result.records()
        columns = result.variables
    if not as_frame:
        return records
    try:
        import pandas
    except ImportError:
        raise UsageError("as_frame=True needs pandas: pip install pandas") from None
    return pandas.DataFrame.from_records(records, columns=columns)
