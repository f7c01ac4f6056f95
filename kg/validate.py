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
from kg.rdf import Minter


@dataclass(frozen=True)
class Finding:
    """One SHACL result, pointed back at the facts file and line that produced its focus node, so the user
    edits the YAML they wrote rather than hunting for an IRI."""

    focus: str
    path: str
    message: str
    where: str = ""  # "data/facts/x.yaml:12", when the focus node is an entity or statement of the facts

    def __str__(self) -> str:
        prop = f" ({self.path})" if self.path else ""
        at = f"{self.where}: " if self.where else ""
        return f"{at}{self.focus}{prop}: {self.message}"


def _origins(build: Build) -> dict[str, str]:
    """IRI of every entity and statement node -> "file:line" where the facts file defines it."""
    mint = Minter(build.base, build.ontology)
    origins = {str(mint.entity(e)): f"{e.where.path}:{e.where.line}" for e in build.facts.entities.values()}
    origins.update({str(mint.statement(st)): f"{st.where.path}:{st.where.line}" for st in build.facts.statements})
    return origins


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
    origins = _origins(build)
    findings = []
    for result in set(report.subjects(predicate=SH.focusNode)):
        focus = str(report.value(result, SH.focusNode))
        findings.append(
            Finding(
                focus=focus,
                path=str(report.value(result, SH.resultPath) or ""),
                message=str(report.value(result, SH.resultMessage) or "violates a shape"),
                where=origins.get(focus, ""),
            )
        )
    return sorted(findings, key=lambda f: (f.focus, f.path, f.message))
