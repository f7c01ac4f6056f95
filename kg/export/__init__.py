"""The registry of export formats: one module per format, one `write(data, path)` in each.

To add a format, write `kg/export/<name>.py` with `write(data, path)` and add one line to FORMATS.
`input` says what `write` takes: the RDF dataset ("rdf") or the shared property-graph view ("view").
A format that writes a directory (the Neo4j bundle, the store) names in `owns` the files it writes (glob
patterns): only an empty directory, or one that holds nothing but such files and at least one of the names
without a wildcard, is replaced, so `kg export --format neo4j --out ~/work` can never delete somebody's files.

May import the dataset (kg/pipeline/rdf.py, and splice.py for in-place updates) and the base modules (model,
errors, ontology, files); kg/pipeline/ runs these writers, kg/store/ reads the store format.
"""

from __future__ import annotations

import fnmatch
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from kg.errors import UsageError

# Named graphs of the store format (kg/export/store.py writes them, kg/store/ reads them): the entailed triples, and
# the rdf:type triples the facts assert
ENTAILED_GRAPH = "https://kg.example.org/ontology/entailed"
ASSERTED_CLASSES_GRAPH = "https://kg.example.org/ontology/asserted-classes"


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    filename: str  # default output name inside the build directory
    input: str  # "rdf" or "view"
    description: str
    owns: tuple[str, ...] = ()  # directory formats only: globs of the files this format writes in it
    # True when the writer spends its time in native code that releases the GIL (Oxigraph's bulk loader): the
    # build then runs it in a thread beside the other writers instead of after them
    background: bool = False
    # a format whose output this writer reads when the same build writes it first, instead of making the same
    # data again; it is then passed as `<reuses>_file` (the store reads the dataset's quads from kg.nq)
    reuses: str = ""
    # cores a background writer keeps busy until it calls its `loaded` argument (the store's bulk loads; its
    # compaction after uses one): on a machine with no more cores, the other writers wait for that, then run
    cores: int = 0
    # about how long the writer takes at a million quads (seconds, on a 2-core machine): the build starts the
    # heaviest writers first when it runs them side by side (kg.pipeline.parallel), so none is left alone at the end
    cost: float = 0.5

    @property
    def is_directory(self) -> bool:
        """True when `write` makes a directory rather than a file."""
        return bool(self.owns)

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)

    def is_earlier_output(self, path: Path) -> bool:
        """True for an empty directory or one holding only files this format writes (safe to replace)."""
        if not path.is_dir() or path.is_symlink():
            return False
        entries = list(path.iterdir())
        if not entries:
            return True
        exact = {pattern for pattern in self.owns if not any(c in pattern for c in "*?[")}
        names = {entry.name for entry in entries}
        return (
            bool(exact & names)
            and all(entry.is_file() and not entry.is_symlink() for entry in entries)
            and all(any(fnmatch.fnmatchcase(name, pattern) for pattern in self.owns) for name in names)
        )


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "turtle",
            "kg.export.turtle",
            "kg.ttl",
            "rdf",
            "default graph: entities, types, labels and facts (Turtle)",
            cost=0.3,
        ),
        Format(
            "trig",
            "kg.export.trig",
            "kg.trig",
            "rdf",
            "whole dataset with one named graph of evidence per article, and the ontology (TriG)",
            cost=2.0,
        ),
        Format(
            "ntriples",
            "kg.export.ntriples",
            "kg.nt",
            "rdf",
            "default graph as sorted N-Triples lines, for bulk loaders",
            cost=0.1,
        ),
        Format("nquads", "kg.export.nquads", "kg.nq", "rdf", "whole dataset as sorted N-Quads lines, for bulk loaders"),
        Format(
            "graphml",
            "kg.export.graphml",
            "kg.graphml",
            "view",
            "property graph for Gephi, yEd, Cytoscape, networkx, igraph (GraphML)",
            cost=1.0,
        ),
        Format("html", "kg.export.html", "kg.html", "view", "interactive graph page that works offline", cost=1.5),
        Format(
            "store",
            "kg.export.store",
            "store",
            "rdf",
            "SPARQL store (pyoxigraph) with RDFS entailment: kg query",
            owns=("CURRENT", "IDENTITY", "LOCK", "LOG", "LOG.old.*", "MANIFEST-*", "OPTIONS-*", "*.log", "*.sst"),
            background=True,
            reuses="nquads",
            cores=2,
        ),
        Format(
            "jsonld",
            "kg.export.jsonld",
            "kg.jsonld",
            "rdf",
            "default graph as compacted JSON-LD with readable keys (label, type, coFoundedBy, ...)",
            cost=1.0,
        ),
        Format(
            "neo4j",
            "kg.export.neo4j",
            "neo4j",
            "view",
            "directory for Neo4j, Memgraph, FalkorDB, Kuzu: nodes.csv, relationships.csv (neo4j-admin import), "
            "import.cypher, load-csv.cypher, schema-<database>.cypher, kuzu.cypher",
            owns=(
                "import.cypher",
                "load-csv.cypher",
                "nodes.csv",
                "relationships.csv",
                "schema-*.cypher",
                "kuzu.cypher",
            ),
            cost=3.0,
        ),
        Format(
            "sheets",
            "kg.export.sheets",
            "tables",
            "view",
            "spreadsheet tables entities.csv and facts.csv, formula-like cells neutralised (Excel, LibreOffice)",
            owns=("entities.csv", "facts.csv"),
            cost=1.4,
        ),
    )
}


def get(name: str) -> Format:
    """The format called `name`; an unknown name lists the valid ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; available formats: {', '.join(FORMATS)}") from None
