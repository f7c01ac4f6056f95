"""kg: knowledge graphs of organisations, people, regions and policies from news articles.

Python API:
    >>> import kg
    >>> dataset = kg.build("data")          # rdflib Dataset, checked against ontology/
    >>> kg.query("founders")                 # rows of a saved question, from build/store (after `kg build`)
    >>> kg.query("SELECT ...", as_frame=True)  # a pandas DataFrame
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.errors import DataError, KgError, Problem, UsageError

__all__ = ["DataError", "KgError", "Problem", "UsageError", "build", "query"]
__version__ = "0.1.0"
# An entity's IRI is the base, the folder of its top class and its id (kg.rdf mints them; kg query finds an entity
# by its id the same way): here, so neither the CLI nor a query needs rdflib to know them.
DEFAULT_BASE = "https://kg.example.org/"  # unless --base
FOLDERS = {
    "Organisation": "organisation",
    "Person": "person",
    "Region": "region",
    "Policy": "policy",
    "Article": "article",
    "Event": "event",
}
OTHER_FOLDER = "thing"  # an entity whose top class has no folder of its own


def build(data_dir: str | Path = "data", base: str | None = None):
    """Read and check the facts under data_dir and return the RDF dataset (default graph + provenance)."""
    from kg import pipeline

    return pipeline.load(data_dir, base=base or DEFAULT_BASE).dataset


def query(
    sparql_or_name: str,
    build: str | Path = "build",
    *,
    as_frame: bool = False,
    params: Mapping[str, Any] | None = None,
    **bindings: Any,
):
    """Ask the build's SPARQL store a question: SPARQL text, a .rq file or a saved question's name
    (`kg query --list`).

    Keyword arguments bind the query's variables as RDF terms, never as text:
    `kg.query("organisations-in-region", region="shanghai")` (use `params={...}` for names such as `build`).
    SELECT returns a list of dicts of plain Python values (str, int, Decimal, date, None when unbound), or a
    pandas DataFrame with `as_frame=True` (pandas is optional: rows need nothing beyond kg itself, and the return
    type never depends on what happens to be installed). ASK returns a bool; CONSTRUCT and DESCRIBE return
    subject/predicate/object dicts. Errors are `kg.UsageError` with a message naming what to fix."""
    from kg import store

    return store.query(sparql_or_name, build, as_frame=as_frame, params={**(params or {}), **bindings})
