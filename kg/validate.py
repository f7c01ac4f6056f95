"""`kg validate`: the loader's checks, then SHACL (pySHACL) over the emitted graph.

SHACL sees facts and provenance together (the union of all graphs) with the ontology as the class
hierarchy, so a shape on kg:Organisation also covers companies and government bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from kg.errors import UsageError
from kg.ontology import DEFAULT_DIR, ONTOLOGY_IRI
from kg.pipeline import Build


@dataclass(frozen=True)
class Finding:
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.focus}{where}: {self.message}"


def shapes(ontology_dir: Path | None = None) -> Graph:
    path = Path(ontology_dir or DEFAULT_DIR) / "shapes.ttl"
    if not path.is_file():
        raise UsageError(f"{path}: SHACL shapes not found")
    try:
        return Graph().parse(path, format="turtle")
    except Exception as err:  # rdflib raises many types for bad Turtle
        raise UsageError(f"{path}: cannot parse the shapes: {err}") from err


def shacl(build: Build, ontology_dir: Path | None = None) -> list[Finding]:
    """SHACL findings for the build, sorted; an empty list means the graph conforms."""
    import pyshacl

    data = Graph()
    for graph in build.dataset.graphs():
        if graph.identifier != ONTOLOGY_IRI:
            for triple in graph:
                data.add(triple)
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes(ontology_dir), ont_graph=build.ontology.graph, advanced=True, allow_warnings=False
    )
    if conforms:
        return []
    findings = []
    for result in set(report.subjects(predicate=SH.focusNode)):
        findings.append(
            Finding(
                focus=str(report.value(result, SH.focusNode)),
                path=str(report.value(result, SH.resultPath) or ""),
                message=str(report.value(result, SH.resultMessage) or "violates a shape"),
            )
        )
    return sorted(findings, key=lambda f: (f.focus, f.path, f.message))
