"""build/store/: an on-disk pyoxigraph store of the whole dataset, for `kg query`, `kg serve` and `kg push`.

Queries then open a ready index instead of re-parsing kg.trig. What goes in, and why, is described in
kg/store/__init__.py: the store's default graph is the query view (facts + ontology + the RDFS entailment of
the facts), the named graphs are the articles, the ontology, the entailed triples on their own and the
classes the facts assert.

The entailment is the subclass and subproperty closure (RDFS rules 7 and 9, with 5 and 11 applied to the
hierarchy first), computed in Python from the ontology's small hierarchy: one pass over the facts, no
reasoner (DESIGN.md measures owlrl at 125 s for 100k triples). Domain and range rules are left out on
purpose: the loader already refuses a subject or object whose class does not fit, so they would only repeat
types the subclass closure gives. RocksDB files are not byte-stable, so this output is not compared between
builds.
"""

from __future__ import annotations

import functools
import itertools
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS

from kg.errors import UsageError
from kg.export import ASSERTED_CLASSES_GRAPH, ENTAILED_GRAPH
from kg.files import Growing
from kg.ontology import ONTOLOGY_IRI, Ontology
from kg.pipeline.rdf import DEFAULT_GRAPH, Dataset, Lit, Triple, line, nt, ontology_triples, split_line
from kg.pipeline.splice import Changes

_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _closure(ontology: list[Triple], relation: str) -> dict[str, frozenset[str]]:
    """Every term's strict ancestors along `relation` (rdfs:subClassOf or rdfs:subPropertyOf), cycles tolerated."""
    direct: dict[str, set[str]] = {}
    for sub, pred, sup in ontology:
        usable = not isinstance(sup, Lit) and not sub.startswith("_:") and not sup.startswith("_:")
        if pred == relation and usable and sub != sup:
            direct.setdefault(sub, set()).add(sup)
    closure: dict[str, frozenset[str]] = {}
    for start in direct:
        seen: set[str] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        seen.discard(start)
        closure[start] = frozenset(seen)
    return closure


def entailment(facts: list[Triple], ontology: list[Triple]) -> list[Triple]:
    """Triples the ontology's class and property hierarchy entails from `facts` that `facts` does not hold,
    sorted by their N-Triples line."""
    supers_of_class = _closure(ontology, str(RDFS.subClassOf))
    supers_of_property = _closure(ontology, str(RDFS.subPropertyOf))
    out: set[Triple] = set()
    for s, p, o in facts:
        if p == _TYPE and o in supers_of_class:
            out.update((s, _TYPE, sup) for sup in supers_of_class[o])
        for sup in supers_of_property.get(p, ()):
            out.add((s, sup, o))
    out.difference_update(facts)
    return sorted(out, key=line)


def derived_lines(lines: list[str], ontology: list[Triple]) -> tuple[list[str], list[str]]:
    """What the store adds from the facts' lines, in one pass over them and without parsing a term: the lines
    of the triples `entailment` gives (the dataset's own form), and the lines that assert a class (`rdf:type`,
    each entity's own), both sorted."""
    classes = {nt(c): [nt(s) for s in sups] for c, sups in _closure(ontology, str(RDFS.subClassOf)).items()}
    properties = {nt(p): [nt(s) for s in sups] for p, sups in _closure(ontology, str(RDFS.subPropertyOf)).items()}
    a = nt(_TYPE)
    out: set[str] = set()
    typed: list[str] = []
    for text in lines:
        s, p, o = split_line(text)
        if p == a:
            typed.append(text)
            if o in classes:
                out.update(f"{s} {a} {sup} ." for sup in classes[o])
        if p in properties:
            out.update(f"{s} {sup} {o} ." for sup in properties[p])
    out.difference_update(lines)
    return sorted(out), sorted(typed)


def nquads(ds: Dataset) -> Iterator[str]:
    """The store's content as N-Quads lines: default graph = facts + ontology + entailment; named = articles,
    ontology, entailed, asserted classes. Not sorted, and a quad may come twice: the store keeps a set."""
    yield from ds.nquads()
    yield from extra_nquads(ds)


def extra_nquads(ds: Dataset) -> Iterator[str]:
    """What the store holds beyond the dataset's own quads (kg.nq): the ontology and the entailed triples in the
    default graph, the entailed triples again in their named graph, and the asserted classes in theirs."""
    entailed, typed = derived_lines(ds.lines(DEFAULT_GRAPH), ds.triples(str(ONTOLOGY_IRI)))
    yield from ds.lines(str(ONTOLOGY_IRI))
    yield from entailed
    yield from _in_graph(entailed, ENTAILED_GRAPH)
    yield from _in_graph(typed, ASSERTED_CLASSES_GRAPH)


def _in_graph(lines: Iterable[str], graph: str) -> Iterator[str]:
    """N-Triples lines as N-Quads lines of `graph`."""
    suffix = f"<{graph}> ."
    return (text[:-1] + suffix for text in lines)


CHUNK = 250_000  # quads per bulk load: Oxigraph's loader then holds about 250 MB, not its 1 GB default target
LOADERS = 2  # bulk loads at once: one keeps about one core busy; two halve the time on two cores


CHUNK_BYTES = 36_000_000  # a chunk read from kg.nq: about CHUNK of its lines


def write(
    ds: Dataset,
    path: Path,
    nquads_file: Path | Growing | None = None,
    loaded: Callable[[], None] | None = None,
) -> None:
    """The store of `ds` at `path`. `nquads_file`, when given, is the dataset's kg.nq that this build has written,
    or is writing (a Growing file: the loads then start on its first lines, 0.5 s sooner at a million quads):
    the store then reads the dataset's quads from it rather than making and encoding the same lines again (about
    1.5 CPU-seconds at a million quads), and makes only what it adds to them. `loaded` is called once the quads
    are in, before the compaction (which keeps one core busy, where the loads kept LOADERS)."""
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        path.unlink()  # an empty placeholder from an atomic-write helper
    if path.exists():
        raise UsageError(f"{path}: exists; the store is written to a new directory and swapped in")
    # The quads go to Oxigraph's bulk loader in chunks: its memory stays bounded (one load of a million quads
    # holds 1.2 GB). Each load parses and sorts with the GIL released, in its own thread, so the build's other
    # writers run meanwhile, and two loads run at once (RocksDB ingests their files safely; the store is the
    # same, tests/test_store_load.py). optimize() then compacts the chunks' files (3 s at a million quads),
    # which makes the saved questions 30-50% faster than on the uncompacted store.
    if nquads_file is None:
        chunks = _chunks(nquads(ds))
    else:
        # the file's chunks first: the loaders start at once, and the additions are made while they load
        chunks = itertools.chain(_file_chunks(nquads_file), _chunks(extra_nquads(ds)))
    try:
        store = ox.Store(str(path))
        _load(store, chunks, min(LOADERS, os.cpu_count() or 1))
        if loaded is not None:
            loaded()
        store.optimize()
        store.flush()
    except OSError as err:
        raise UsageError(f"{path}: cannot write the store ({err})") from err
    del store  # closes RocksDB before the directory is renamed into place


def _chunks(quads: Iterable[str]) -> Iterator[bytes]:
    chunk: list[str] = []
    for quad in quads:
        chunk.append(quad)
        if len(chunk) == CHUNK:
            yield "".join(text + "\n" for text in chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(text + "\n" for text in chunk).encode("utf-8")


def _file_chunks(source: Path | Growing) -> Iterator[bytes]:
    """An N-Quads file, whole or still being written, in chunks of about CHUNK_BYTES, each ending at a line's
    end (a file still being written grows by the writer's buffer, which may end inside a line)."""
    path = source.path if isinstance(source, Growing) else Path(source)
    with open(path, "rb") as stream:
        read = functools.partial(source.read, stream) if isinstance(source, Growing) else stream.read
        parts: list[bytes] = []
        size = 0
        while block := read(CHUNK_BYTES):
            parts.append(block)
            size += len(block)
            if size >= CHUNK_BYTES:
                data = b"".join(parts)
                end = data.rfind(b"\n") + 1
                if end:
                    yield data[:end]
                parts, size = [data[end:]], len(data) - end
        if size:
            yield b"".join(parts)


def _load(store: ox.Store, chunks: Iterable[bytes], loaders: int) -> None:
    """Bulk-load every chunk, `loaders` at a time; the first error is raised once all loaders stopped."""
    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=loaders)  # bounds the chunks held at once
    errors: list[BaseException] = []

    def loader() -> None:
        while (data := waiting.get()) is not None:
            if not errors:
                try:
                    # lenient: the lines are kg's own canonical N-Quads, every IRI and literal checked when written
                    store.bulk_load(input=data, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException as err:  # handed to the writer's thread below
                    errors.append(err)

    threads = [threading.Thread(target=loader, name=f"kg-store-load-{i}", daemon=True) for i in range(loaders)]
    for thread in threads:
        thread.start()
    try:
        for data in chunks:
            if errors:
                break
            waiting.put(data)
    finally:
        for _ in threads:
            waiting.put(None)
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def _checkpoint(old: Path, new: Path) -> None:
    """A copy of a closed store that costs no data copying: RocksDB never changes an SST file once written (it
    deletes it after compaction instead), so they are hard-linked, as RocksDB's own checkpoints do; the small
    mutable files (CURRENT, MANIFEST, OPTIONS, the write-ahead log) are copied."""
    new.mkdir()
    for entry in sorted(old.iterdir()):
        if entry.is_dir():
            raise ValueError(f"{entry}: not a store kg wrote; rebuild it")
        if entry.name == "LOCK":  # RocksDB's lock of an open database: the copy makes its own
            continue
        if entry.suffix == ".sst":
            os.link(entry, new / entry.name)
        else:
            shutil.copy2(entry, new / entry.name)


def _quads(lines: Iterable[str]) -> list[ox.Quad]:
    text = "".join(text + "\n" for text in lines).encode("utf-8")
    return list(ox.parse(text, format=ox.RdfFormat.N_QUADS, lenient=True)) if text else []


def update(old: Path, new: Path, changes: Changes, ontology: Ontology) -> None:
    """The store of the changed dataset, from the previous build's: a checkpoint copy of it, with the quads of
    the changed subjects (their facts and what the hierarchy entails from them) and of the changed named
    graphs removed and added. Entailment works subject by subject (both rules keep the subject), so the
    changed subjects' old and new lines are all it needs."""
    hierarchy = ontology_triples(ontology)
    schema = {line(t) for t in hierarchy}
    removed: set[str] = set()
    added: set[str] = set()
    for old_lines, new_lines in changes.subjects.values():
        (before, old_typed), (after, new_typed) = (
            derived_lines(old_lines, hierarchy),
            derived_lines(new_lines, hierarchy),
        )
        old_view, new_view = set(old_lines).union(before), set(new_lines).union(after)
        removed |= old_view - new_view - schema
        added |= new_view - old_view
        removed.update(_in_graph(set(before) - set(after), ENTAILED_GRAPH))
        added.update(_in_graph(set(after) - set(before), ENTAILED_GRAPH))
        removed.update(_in_graph(set(old_typed) - set(new_typed), ASSERTED_CLASSES_GRAPH))
        added.update(_in_graph(set(new_typed) - set(old_typed), ASSERTED_CLASSES_GRAPH))
    for name, (old_lines, new_lines) in changes.graphs.items():
        removed.update(_in_graph(set(old_lines) - set(new_lines), name))
        added.update(_in_graph(set(new_lines) - set(old_lines), name))
    _checkpoint(Path(old), Path(new))
    store = ox.Store(str(new))
    for quad in _quads(sorted(removed)):
        store.remove(quad)
    store.extend(_quads(sorted(added)))
    store.flush()
    del store
