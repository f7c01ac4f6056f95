"""Running pySHACL on a chunk: the graph of its lines, with the shapes and the ontology each process parses
once (`_init_worker`, in this process or in each worker of the pool), keeping only the results whose focus node the
chunk owns. `_sparql_cache()` spares pySHACL parsing a sh:sparql query's text again for every focus node.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.check.shacl.ntriples import _graph


@contextlib.contextmanager
def _sparql_cache() -> Iterator[None]:
    """Parse and translate each SPARQL text once while pySHACL runs (it sends the same text for every focus node)."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    cache: dict = {}

    def query(self, query, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(query, str):
            key = (query, base, tuple(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(query), base, initNs)
            query = cache[key]
        return original(self, query, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


_WORKER: dict = {}


def _init_worker(shapes_text: str, ontology_text: str, prefixes: list[tuple[str, str]], worker: bool = False) -> None:
    if worker:
        gc.enable()  # (the parent paused it while splitting; its objects stay frozen here)
    _WORKER["shapes"] = Graph().parse(data=shapes_text, format="turtle")
    ontology = Graph().parse(data=ontology_text, format="nt")
    for prefix, namespace in prefixes:  # pySHACL writes IRIs in messages with the ontology's prefixes too
        ontology.namespace_manager.bind(prefix, URIRef(namespace), override=True, replace=True)
    _WORKER["ontology"] = ontology


def _run_chunk(lines: list[str], keep: frozenset[str] | None) -> tuple[list[tuple[str, str, str]], float, float]:
    """pySHACL over the graph of `lines`: (focus, path, message) of each result whose focus is in `keep` (all
    results when `keep` is None), and the seconds spent parsing and in pySHACL."""
    import pyshacl

    start = time.perf_counter()
    data = _graph(lines)
    parsed = time.perf_counter()
    with _sparql_cache():
        conforms, report, _ = pyshacl.validate(
            data,
            shacl_graph=_WORKER["shapes"],
            ont_graph=_WORKER["ontology"],
            advanced=True,
            allow_warnings=False,
            inplace=True,  # `data` is ours and thrown away: spare pySHACL the copy
        )
    results = []
    for result in [] if conforms else set(report.subjects(predicate=SH.focusNode)):
        focus = str(report.value(result, SH.focusNode))
        if keep is None or focus in keep:
            results.append(
                (
                    focus,
                    str(report.value(result, SH.resultPath) or ""),
                    str(report.value(result, SH.resultMessage) or "violates a shape"),
                )
            )
    return results, parsed - start, time.perf_counter() - parsed
