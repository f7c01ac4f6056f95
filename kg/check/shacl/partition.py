"""Splitting the data: the lines are read once into each subject's triples (of the predicates some
shape reads), the focus nodes are found and, with --sample, sampled; the screen clears those that certainly
conform, and the rest are cut into chunks, each with the triples its focus nodes' verdicts depend on (the Plan).
A sample is chosen by a seeded hash of each IRI, so it is the same whatever the order and the size of the corpus.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, RDFS, Graph, URIRef

from kg.check.shacl.ntriples import _LINE
from kg.check.shacl.planning import Plan, _Deep
from kg.check.shacl.screening import _screen_in_parallel
from kg.errors import UsageError


def _iri(token: str) -> str | None:
    """The IRI of an N-Triples IRI token, None for a literal; _Deep for anything needing more care."""
    if token.startswith("<") and token.endswith(">") and "\\" not in token:
        return token[1:-1]
    if token.startswith('"'):
        return None
    raise _Deep(f"the term {token[:40]} (blank node or escaped IRI)")


def _rank(iri: str, seed: int) -> int:
    return int.from_bytes(hashlib.blake2b(f"{seed}\0{iri}".encode(), digest_size=8).digest(), "big")


def parse_sample(text: str) -> float | int:
    """--sample: a fraction in (0, 1] ("0.05") or a count of focus nodes ("5000")."""
    try:
        value = float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        raise UsageError(f"--sample {text!r}: give a fraction like 0.05 or a number of focus nodes like 5000") from None
    if (isinstance(value, float) and not 0 < value <= 1) or (isinstance(value, int) and value < 1):
        raise UsageError(f"--sample {text!r}: a fraction must be in (0, 1], a count at least 1")
    return value


def sample_nodes(nodes: Iterable[str], sample: float | int, seed: int) -> set[str]:
    """The focus nodes a sample validates: those whose seeded hash ranks lowest. A fraction f keeps the nodes whose
    hash falls in the lowest f of the hash range (so a node's membership does not depend on the others); a count
    N keeps the N lowest-ranked nodes."""
    if isinstance(sample, float):
        limit = sample * 2**64
        return {n for n in nodes if _rank(n, seed) < limit}
    return set(sorted(nodes, key=lambda n: (_rank(n, seed), n))[:sample])


def _chunks(
    lines: Iterable[str],
    the_plan: Plan,
    ontology: Graph,
    jobs: int,
    sample,
    seed: int,
    chunk_lines: int | None = None,
    use_screen: bool = True,
    seconds: dict[str, float] | None = None,
):
    """Split the data: (chunks of (lines, focus nodes), focus nodes, validated (sampled) nodes, nodes for pySHACL)."""
    rdf_type = str(RDF.type)
    sub_class = str(RDFS.subClassOf)
    global_preds = {str(p) for p in the_plan.global_predicates} | {sub_class}
    class_checked = {str(p) for p in the_plan.class_checked}
    by_subject: dict[str, list[str]] = defaultdict(list)
    type_lines: dict[str, list[str]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    refs: dict[str, list[str]] = defaultdict(list)
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    global_lines: list[str] = []
    sub_classes: list[tuple[str, str]] = [(str(s), str(o)) for s, o in ontology.subject_objects(RDFS.subClassOf)]
    read = {str(p) for p in the_plan.read}
    seen: set[str] = set()
    for line in lines:
        if line in seen:
            continue  # the same triple in several graphs
        seen.add(line)
        parts = line.split(" ", 2)
        if (
            len(parts) == 3
            and parts[0][:1] == "<"
            and parts[0][-1:] == ">"
            and parts[1][:1] == "<"
            and parts[1][-1:] == ">"
            and parts[2].endswith(" .\n")
            and "\\" not in parts[0]
            and "\\" not in parts[1]
        ):  # the usual `<s> <p> o .` line
            s, p, o_tok = parts[0][1:-1], parts[1][1:-1], parts[2][:-3]
            o = _iri(o_tok) if o_tok[:1] != '"' else None
        else:
            if not line.strip():
                continue
            match = _LINE.match(line)
            if match is None:
                raise _Deep(f"cannot split the N-Triples line {line[:80]!r}")
            s_tok, p_tok, o_tok = match.groups()
            s, p, o = _iri(s_tok), _iri(p_tok), _iri(o_tok)
            if s is None or p is None:
                raise _Deep(f"cannot split the N-Triples line {line[:80]!r}")
            line = line if line.endswith("\n") else line + "\n"
        if p not in read:
            continue  # no shape looks at it
        by_subject[s].append(line)
        pairs[s].append((p, o_tok))
        if p == rdf_type and o is not None:
            types[s].add(o)
            type_lines[s].append(line)
        if p in class_checked and o is not None:
            refs[s].append(o)
        if p in global_preds:
            global_lines.append(line)
            if p == sub_class and o is not None:
                sub_classes.append((s, o))
    # the target classes and their subclasses, as pySHACL finds them in the data graph mixed with the ontology
    children: dict[str, set[str]] = defaultdict(set)
    for child, parent in sub_classes:
        children[parent].add(child)
    closure: set[str] = set()
    todo = [str(t) for t in the_plan.targets]
    while todo:
        cls = todo.pop()
        if cls not in closure:
            closure.add(cls)
            todo.extend(children[cls])
    if any((None, RDF.type, URIRef(cls)) in ontology for cls in closure):
        raise _Deep("the ontology has instances of a target class")
    focus = sorted(s for s, ts in types.items() if ts & closure)
    chosen = focus if sample is None else sorted(sample_nodes(focus, sample, seed))
    validated = len(chosen)
    if use_screen:
        started = time.perf_counter()
        flagged = _screen_in_parallel(
            chosen, jobs, pairs, by_subject, global_lines, types, children, the_plan, ontology
        )
        chosen = [n for n in chosen if n in flagged]
        if seconds is not None:
            seconds["screen"] = time.perf_counter() - started
    chosen_set = set(chosen)
    # order the nodes so that a node and the values its sh:class constraints look at tend to share a chunk
    # (start from the nodes no chosen node points at: statements before their evidence, evidence before articles)
    referenced = {value for node in chosen for value in refs.get(node, ())}
    order: list[str] = []
    placed: set[str] = set()
    for start in [n for n in chosen if n not in referenced] + [n for n in chosen if n in referenced]:
        stack = [start]
        while stack:
            node = stack.pop()
            if node in placed or node not in chosen_set:
                continue
            placed.add(node)
            order.append(node)
            stack.extend(reversed(refs.get(node, ())))
    size = sum(len(by_subject[n]) for n in order)
    per_chunk = chunk_lines or max(20_000, size // (4 * max(jobs, 1)) + 1)
    chunks: list[tuple[list[str], frozenset[str]]] = []
    current: list[str] = []
    count = 0
    for node in order:
        current.append(node)
        count += len(by_subject[node])
        if count >= per_chunk:
            chunks.append(_chunk(current, by_subject, type_lines, refs, global_lines))
            current, count = [], 0
    if current:
        chunks.append(_chunk(current, by_subject, type_lines, refs, global_lines))
    return chunks, len(focus), validated, len(chosen)


def _chunk(nodes, by_subject, type_lines, refs, global_lines) -> tuple[list[str], frozenset[str]]:
    keep = frozenset(nodes)
    lines = list(global_lines)
    for node in nodes:
        lines.extend(by_subject[node])
        for value in refs.get(node, ()):
            if value not in keep:
                lines.extend(type_lines.get(value, ()))
    return lines, keep
