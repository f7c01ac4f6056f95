"""`kg validate`: the loader's checks, then SHACL (pySHACL) over the emitted graph.

SHACL sees facts and provenance together (the union of all graphs but the ontology's) with the ontology as the
class hierarchy, so a shape on kg:Organisation also covers companies and government bodies.

The data reaches SHACL through one function, `data_lines(build)`: N-Triples lines, one triple a line. Every graph
handed to pySHACL is parsed from those lines.

At scale the validation is partitioned by focus node, and the result is the same as one whole-graph run:
`plan()` (planning.py) reads the shapes and accepts them only if each focus node's verdict depends on nothing but

  * the focus node's own outgoing triples (every sh:path is a single predicate, no sh:node, no nested
    sh:property, no target but sh:targetClass),
  * the rdf:type triples of the values of the predicates a sh:class constraint checks (with the ontology's
    subclass hierarchy, mixed into every chunk as pySHACL mixes it into the whole graph),
  * for each sh:sparql constraint, the focus node's outgoing triples when every pattern is `$this <iri> ?x`, and
    otherwise every triple of each predicate the query mentions (e.g. all kg:partOf triples for `$this kg:partOf+
    $this`), which then goes into every chunk.

The focus nodes (subjects whose rdf:type is a target class or a subclass of one) are split into chunks
(partition.py); each chunk's pySHACL run (engine.py) gets exactly those triples, and only the results whose focus
node belongs to the chunk are kept (a value whose type triple came along is a focus node too there, but with a
partial neighbourhood, so its results in that chunk are dropped; it is validated in its own chunk). Chunks run in a
process pool (--jobs). Anything `plan()` does not understand (blank nodes, property paths, sh:node, other targets,
...) falls back to one whole-graph run.

Before the chunks are made, a screen (`screen()`, screening.py) clears the focus nodes that certainly conform: for
each constraint component the shapes use it applies pySHACL's own test to the same rdflib terms, and answers
"conforms" only where it can decide (anything else flags the node); a sh:sparql constraint made of joins, unions
and filters of graph patterns is run once with $this free, and the nodes it returns are flagged. Only the flagged
nodes go to pySHACL, which writes every finding; a flagged node that conforms costs time, never a finding.
`--no-screen` gives pySHACL every node (the same findings; the tests hold both runs to plain pySHACL on injected
violations).

pySHACL parses a sh:sparql query's text again for every focus node; `_sparql_cache()` (engine.py) parses each text
once (same query, same algebra, same answers), which is most of the speed-up at 10k triples.

`--sample` validates a deterministic subset of the focus nodes, chosen by a seeded hash of each IRI (independent
of order and of the corpus size; partition.py): each chosen node is validated exactly as in the full run, and the
findings are exactly the full run's findings restricted to the chosen nodes.

This module holds what callers use (`validate`, `shacl`, `Finding`, `Report`, `data_lines`, the shapes) and the run
that ties the parts together; each part is a module of its own:

  * planning.py: which triples a focus node's verdict depends on (`plan()`, `Plan`),
  * screening.py: which focus nodes can have a finding at all (`screen()`),
  * partition.py: splitting the data into chunks of focus nodes with their triples; `--sample`,
  * engine.py: running pySHACL on a chunk, in this process or in each worker of the pool,
  * ntriples.py: reading the N-Triples lines (a line's predicate, the rdflib graph of lines), shared by the others.

Part of kg/check/: may import kg/read/, the dataset (kg/pipeline/rdf.py's Minter, gcpause.py) and the base
modules; the Build it validates is a type hint only.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib import URIRef as URIRef  # re-exported: the tests make terms with it

from kg.check.shacl.engine import _init_worker, _run_chunk
from kg.check.shacl.ntriples import _graph as _graph  # re-exported: the tests compare it to rdflib
from kg.check.shacl.partition import _chunks, parse_sample, sample_nodes
from kg.check.shacl.planning import Plan, _Deep, plan
from kg.check.shacl.screening import screen
from kg.errors import UsageError
from kg.ontology import DEFAULT_DIR, ONTOLOGY_IRI
from kg.pipeline import gcpause
from kg.pipeline.rdf import Minter

if TYPE_CHECKING:  # SHACL validates a build; the build itself sits above the checks
    from kg.pipeline.run import Build

__all__ = [
    "Finding",
    "Plan",
    "Report",
    "data_lines",
    "parse_sample",
    "plan",
    "sample_nodes",
    "screen",
    "shacl",
    "shapes",
    "shapes_path",
    "validate",
]


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


@dataclass
class Report:
    """What a validation run found and how it ran."""

    findings: list[Finding]
    focus_nodes: int = 0  # focus nodes in the data (0 when the whole-graph run counted none)
    validated: int = 0  # focus nodes validated: all of them unless sampled
    pyshacl_nodes: int = 0  # of which the screen left this many to pySHACL (the others certainly conform)
    chunks: int = 1
    partitioned: bool = False
    sample: str = ""  # the --sample argument, when sampled
    seed: int = 0
    fallback: str = ""  # why the run was whole-graph, when it was
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step; CPU time summed over chunks


def data_lines(build: Build) -> Iterable[str]:
    """N-Triples lines (one triple a line, no graph term, duplicates allowed) of the union of every graph of the
    build except the ontology's. The only way validation reads the emitted data."""
    ontology = str(ONTOLOGY_IRI)
    for name in build.rdf.names:
        if name != ontology:
            for text in build.rdf.lines(name):
                yield text + "\n"


def _origins(build: Build) -> dict[str, str]:
    """IRI of every entity and statement node -> "file:line" where the facts file defines it; and (entity IRI,
    property IRI) -> the line of the value, when one statement alone gives the entity that property, so that a
    finding on the value (a negative count) names it rather than the entity (several: the entity's line)."""
    mint = Minter(build.base, build.ontology)
    iri_of = {eid: str(mint.entity(e)) for eid, e in build.facts.entities.items()}
    origins: dict = {iri_of[eid]: f"{e.where.path}:{e.where.line}" for eid, e in build.facts.entities.items()}
    values: dict[tuple[str, str], list[str]] = {}
    for st in build.facts.statements:
        origins[str(mint.statement(st))] = f"{st.where.path}:{st.where.line}"
        prop = build.ontology.properties.get(st.predicate)
        if prop is not None and st.subject in iri_of:
            line = st.lines.get("value") or st.lines.get("object") or st.where.line
            values.setdefault((iri_of[st.subject], str(prop.iri)), []).append(f"{st.where.path}:{line}")
    origins.update({key: places[0] for key, places in values.items() if len(places) == 1})
    return origins


def shapes_path(ontology_dir: Path | None = None) -> Path:
    path = Path(ontology_dir or DEFAULT_DIR) / "shapes.ttl"
    if not path.is_file():
        raise UsageError(f"{path}: SHACL shapes not found")
    return path


def shapes(ontology_dir: Path | None = None) -> Graph:
    path = shapes_path(ontology_dir)
    try:
        return Graph().parse(path, format="turtle")
    except Exception as err:  # rdflib raises many types for bad Turtle
        raise UsageError(f"{path}: cannot parse the shapes: {err}") from err


def validate(
    build: Build,
    ontology_dir: Path | None = None,
    jobs: int | None = None,
    sample: float | int | None = None,
    seed: int = 0,
    partition: bool = True,
    chunk_lines: int | None = None,
    use_screen: bool = True,
) -> Report:
    """SHACL over the build: findings sorted, with how the run went. `partition=False` forces one whole-graph run
    (the reference the partitioned run is tested against); `chunk_lines` sets the size of a chunk (default: a
    quarter of each process's share, at least 20,000 lines); `use_screen=False` gives pySHACL every focus node."""
    try:
        with gcpause.paused():
            return _validate(build, ontology_dir, jobs, sample, seed, partition, chunk_lines, use_screen)
    except RecursionError:  # pySHACL and rdflib follow rdfs:subClassOf by recursion: a traceback before
        raise UsageError(
            "the ontology's classes or properties are nested too deep for the SHACL validator (pySHACL follows "
            "rdfs:subClassOf one call per level); give --ontology a flatter hierarchy"
        ) from None


def _validate(build, ontology_dir, jobs, sample, seed, partition, chunk_lines, use_screen) -> Report:
    jobs = max(1, jobs or os.cpu_count() or 1)
    clock = time.perf_counter()
    path = shapes_path(ontology_dir)
    shapes_text = path.read_text(encoding="utf-8")
    shapes_graph = shapes(ontology_dir)
    ontology = build.ontology.graph
    ontology_text = ontology.serialize(format="nt")
    prefixes = [(prefix, str(namespace)) for prefix, namespace in ontology.namespace_manager.namespaces()]
    lines = data_lines(build)
    report = Report([], sample=str(sample) if sample is not None else "", seed=seed)
    chunks = None
    try:
        if not partition:
            raise _Deep("asked for a whole-graph run")
        lines = list(lines)
        report.seconds["data_lines"] = time.perf_counter() - clock
        chunks, report.focus_nodes, report.validated, report.pyshacl_nodes = _chunks(
            lines, plan(shapes_graph, ontology), ontology, jobs, sample, seed, chunk_lines, use_screen, report.seconds
        )
        report.partitioned, report.chunks = True, len(chunks)
    except _Deep as why:
        if sample is not None:
            raise UsageError(
                f"--sample needs shapes that look only at a focus node's neighbourhood; here: {why}"
            ) from None
        report.fallback = str(why)
    if chunks is None:
        chunks = [(list(lines), None)]
    report.seconds["split"] = time.perf_counter() - clock - report.seconds.setdefault("data_lines", 0.0)
    clock = time.perf_counter()
    parts = []
    if not chunks:
        pass  # the screen cleared every focus node
    elif jobs == 1 or len(chunks) == 1:
        _init_worker(shapes_text, ontology_text, prefixes)
        parts = [_run_chunk(part_lines, keep) for part_lines, keep in chunks]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        del lines
        gc.freeze()  # forked workers then leave the parent's objects alone (no garbage-collector copy-on-write)
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(chunks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(shapes_text, ontology_text, prefixes, True),
        ) as pool:
            parts = list(pool.map(_run_chunk, *zip(*chunks, strict=True)))
    report.seconds["shacl"] = time.perf_counter() - clock
    report.seconds["parse_cpu"] = sum(part[1] for part in parts)
    report.seconds["pyshacl_cpu"] = sum(part[2] for part in parts)
    results = [result for part in parts for result in part[0]]
    origins = _origins(build) if results else {}
    report.findings = sorted(
        (
            Finding(focus, path, message, origins.get((focus, path)) or origins.get(focus, ""))
            for focus, path, message in results
        ),
        key=lambda f: (f.focus, f.path, f.message),
    )
    return report


def shacl(build: Build, ontology_dir: Path | None = None, jobs: int | None = None) -> list[Finding]:
    """SHACL findings for the build, sorted; an empty list means the graph conforms."""
    return validate(build, ontology_dir, jobs=jobs).findings
