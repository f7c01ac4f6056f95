"""TriG of the whole dataset: facts, one named graph of evidence per source article, and the ontology."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset
from rdflib.plugins.serializers.trig import TrigSerializer


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG writer with graphs in a fixed order (default first, then by IRI): byte-stable output."""

    def __init__(self, store: Dataset):
        super().__init__(store)
        default = self.default_context
        unique = {c.identifier: c for c in self.contexts}
        self.contexts = sorted(unique.values(), key=lambda c: (c.identifier != default, str(c.identifier)))


def write(ds: Dataset, path: Path) -> None:
    with open(path, "wb") as stream:
        _SortedTrigSerializer(ds).serialize(stream, encoding="utf-8")
