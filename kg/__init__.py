"""kg: knowledge graphs of organisations, people, regions and policies from news articles.

Python API:
    >>> import kg
    >>> dataset = kg.build("data")          # rdflib Dataset, checked against ontology/
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import DataError, KgError, Problem, UsageError

__all__ = ["DataError", "KgError", "Problem", "UsageError", "build"]
__version__ = "0.1.0"


def build(data_dir: str | Path = "data", base: str | None = None):
    """Read and check the facts under data_dir and return the RDF dataset (default graph + provenance)."""
    from kg import pipeline
    from kg.rdf import DEFAULT_BASE

    return pipeline.load(data_dir, base=base or DEFAULT_BASE).dataset
