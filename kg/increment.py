"""Incremental builds: after a few sources changed, update the previous build instead of making a new one.

A full build of a million triples takes tens of seconds, most of it in work whose result did not change: every
other source read and checked again, a million lines sorted, every file and the store written again. After a
build, `record` keeps what the next one needs to skip that work (in the cache directory, beside the per-source
results of kg.corpus): each input file's status and content hash (as git's index does: a file whose size,
times and inode are unchanged is not read), each source's result, every entity's class, how many statements
name each entity, which default-graph lines several sources give, and the status of every output.

`update` then:
1. finds the changed files (status first, hash when the status differs) and reads and checks only their sources;
2. runs the checks across files on the changed statements only, with the recorded classes and counts;
3. computes the changed lines: the changed sources' named graphs, and each changed subject of the default graph;
4. updates each output in place (kg.splice; the store by difference), staged beside the build and swapped in.

It declines (and the caller runs a full build) whenever the shortcut could differ from a full build: no record,
other kg version, base, ontology or formats, an output changed since, a file added or removed, a changed
source that declares different entities or partOf links, any problem found (the full build reports it exactly
as always), or many changed sources (the parallel full build is then as quick). Its output is byte-identical
to a full build's (tests/test_increment.py, and the rebuild benchmark, check it).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import kg
from kg import check, corpus, export, fsutil
from kg.model import Facts, Statement
from kg.ontology import DEFAULT_DIR, Ontology
from kg.rdf import DEFAULT_BASE, Minter, resolver, split_line
from kg.splice import Changes, Splice

STATE = "state.pickle"
DEFAULT_LINES = "default.nt"  # the default graph's sorted lines: where old lines of a subject are looked up
FORMATS = ("turtle", "trig", "ntriples", "nquads", "jsonld", "store")  # the outputs updated in place
MAX_CHANGED = 64  # more changed sources than this: a full build, in parallel, is about as quick
_RACY_NS = 2_000_000_000  # a file modified this close to the record is hashed next time whatever its status


@dataclass
class State:
    """What a build leaves for the next one (see the module docstring)."""

    version: str
    data: str  # the data directory, resolved
    base: str
    ontology: str  # SHA-256 of the ontology's text
    formats: tuple[str, ...]
    out: str
    outputs: dict[str, object]  # file name -> its status after the build
    listing: tuple[tuple[str, ...], tuple[str, ...]]  # names in articles/ and facts/
    files: dict[str, tuple[corpus.Signature | None, bytes]]  # path -> (status, SHA-256) of every file read
    sources: dict[str, tuple[str, str, str]]  # slug -> facts file, article file, key of its result in the cache
    classes: dict[str, str]  # entity id (articles too) -> class
    usage: dict[str, int]  # entity id -> statements that name it
    repeated: dict[str, int]  # default-graph lines that several sources give -> how many
    summary: str
    statements: int


@dataclass
class Outcome:
    """What `kg build` did: the summary of the graph, the outputs, and the sources an update read again
    (None for a full build)."""

    summary: str
    written: list[Path]
    changed: list[str] | None = None


def _digest(raw: bytes | None) -> bytes:
    return hashlib.sha256(raw).digest() if raw is not None else b""


def _output_status(out: Path, formats: tuple[str, ...]) -> dict[str, object]:
    status: dict[str, object] = {}
    for name in formats:
        fmt = export.get(name)
        path = out / fmt.filename
        if fmt.is_directory:
            entries = sorted(os.listdir(path)) if path.is_dir() else []
            status[fmt.filename] = tuple(
                (entry, corpus.signature(path / entry))
                for entry in entries
                if entry.endswith(".sst") or entry.startswith(("CURRENT", "MANIFEST"))
            )
        else:
            status[fmt.filename] = corpus.signature(path)
    return status


def _usage(statements: list[Statement]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for st in statements:
        for eid in {st.subject, st.object} if st.object else {st.subject}:
            counts[eid] = counts.get(eid, 0) + 1
    return counts


def record(
    build,
    data_dir: Path,
    out: Path,
    formats: list[str] | None,
    cache_dir: Path | None,
    ontology_dir: Path | None = None,
) -> None:
    """Keep what the next build needs to update this one (after `pipeline.write` swapped it in)."""
    read = getattr(build, "cache", None)
    chosen = tuple(formats or export.FORMATS)
    if cache_dir is None or read is None or read.directory is None:
        return
    cache_dir = Path(cache_dir)
    remove(cache_dir)
    if not set(chosen) <= set(FORMATS) or not read.tasks:
        return  # other outputs need the whole projection: every build is a full one
    now = time.time_ns()
    files: dict[str, tuple[corpus.Signature | None, bytes]] = {}
    for path, status in read.signatures.items():
        if status is not None and now - status[1] < _RACY_NS:
            status = None
        files[path] = (status, b"")
    sources: dict[str, tuple[str, str, str]] = {}
    for task in read.tasks:
        sources[task.slug] = (task.facts_path, task.article_path, task.key())
        files[task.facts_path] = (files.get(task.facts_path, (None, b""))[0], _digest(task.facts_raw))
        if task.article_raw is not None:
            files[task.article_path] = (files.get(task.article_path, (None, b""))[0], _digest(task.article_raw))
    for path, (status, digest) in list(files.items()):
        if not digest:  # an article no facts file names: hashed here (few, small)
            try:
                files[path] = (status, _digest(Path(path).read_bytes()))
            except OSError:
                return
    facts = build.facts
    state = State(
        version=kg.__version__,
        data=str(Path(data_dir).resolve()),
        base=build.base,
        ontology=_ontology_digest(ontology_dir),
        formats=chosen,
        out=str(Path(out).resolve()),
        outputs=_output_status(Path(out), chosen),
        listing=read.listing,
        files=files,
        sources=sources,
        classes={eid: e.cls for eid, e in facts.entities.items()},
        usage=_usage(facts.statements),
        repeated=dict(build.rdf.repeated),
        summary=build.summary(),
        statements=len(facts.statements),
    )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with fsutil.atomic_path(cache_dir / DEFAULT_LINES) as tmp, open(tmp, "w", encoding="utf-8") as handle:
            handle.writelines(text + "\n" for text in build.rdf.lines())
        _save(state, cache_dir)
    except OSError:
        remove(cache_dir)  # without a record the next build is a full one: slower, never wrong


def remove(cache_dir: Path) -> None:
    for name in (STATE, DEFAULT_LINES):
        (Path(cache_dir) / name).unlink(missing_ok=True)


def _save(state: State, cache_dir: Path) -> None:
    with fsutil.atomic_path(cache_dir / STATE) as tmp:
        tmp.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _load(cache_dir: Path) -> State | None:
    try:
        state = pickle.loads((cache_dir / STATE).read_bytes())
    except Exception:  # missing, damaged or from another kg: a full build
        return None
    return state if isinstance(state, State) and state.version == kg.__version__ else None


def _ontology_digest(ontology_dir: Path | None) -> str:
    return hashlib.sha256((Path(ontology_dir or DEFAULT_DIR) / "kg.ttl").read_bytes()).hexdigest()


class _Declined(Exception):
    """The shortcut does not apply; a full build follows."""


def update(
    data_dir: Path,
    out: Path,
    formats: list[str] | None,
    cache_dir: Path | None,
    ontology_dir: Path | None = None,
    base: str = DEFAULT_BASE,
) -> Outcome | None:
    """Update the previous build in `out` for the sources that changed since; None when a full build is needed."""
    if cache_dir is None:
        return None
    cache_dir = Path(cache_dir)
    state = _load(cache_dir)
    chosen = tuple(formats or export.FORMATS)
    try:
        if state is None or state.base != base or state.formats != chosen:
            raise _Declined
        if state.data != str(Path(data_dir).resolve()):
            raise _Declined
        if state.out != str(Path(out).resolve()) or _output_status(Path(out), chosen) != state.outputs:
            raise _Declined
        if state.ontology != _ontology_digest(ontology_dir):
            raise _Declined
        return _update(state, Path(data_dir), Path(out), chosen, cache_dir, ontology_dir)
    except Exception:  # declined, or anything unforeseen: the full build that follows is right in any case
        return None


def _update(
    state: State, data_dir: Path, out: Path, formats: tuple[str, ...], cache_dir: Path, ontology_dir: Path | None
) -> Outcome | None:
    articles_dir, facts_dir = data_dir / "articles", data_dir / "facts"
    listing = (corpus._names(articles_dir), corpus._names(facts_dir))
    if listing != state.listing:
        raise _Declined
    raw: dict[str, bytes | None] = {}
    changed_files: list[str] = []
    files = dict(state.files)
    for path, (status, digest) in state.files.items():
        now = corpus.signature(path)
        if now is not None and now == status:
            continue
        try:
            raw[path] = Path(path).read_bytes()
        except OSError:
            raise _Declined from None
        if _digest(raw[path]) != digest:
            changed_files.append(path)
        files[path] = (now, _digest(raw[path]))
    by_path = {}
    for slug, (facts_path, article_path, _key) in state.sources.items():
        by_path[facts_path] = by_path[article_path] = slug
    changed = sorted({by_path.get(path, "") for path in changed_files})
    if "" in changed or len(changed) > MAX_CHANGED:
        raise _Declined  # an article no facts file names changed, or too many sources did
    if not changed:
        state.files = _settled(files)
        _save(state, cache_dir)
        return Outcome(state.summary, [out / export.get(name).filename for name in formats], [])

    ontology = Ontology.load(ontology_dir)
    ontology_text = (Path(ontology_dir or DEFAULT_DIR) / "kg.ttl").read_text("utf-8")
    results = corpus.Cache(cache_dir)
    mint = Minter(state.base, ontology)
    iri_of = _Iris(state.classes, mint)
    resolve = resolver(iri_of)
    entities = Facts()
    entities.entities = {eid: _Entity(cls) for eid, cls in state.classes.items()}  # type: ignore[misc]
    usage = dict(state.usage)
    repeated = dict(state.repeated)
    statements = state.statements
    before: dict[str, set[str]] = {}  # subject -> its lines in the previous build's default graph
    now_lines: dict[str, set[str]] = {}
    graphs: dict[str, tuple[list[str], list[str]]] = {}
    sources = dict(state.sources)
    new_units: list[tuple[str, corpus.Unit]] = []
    with Splice(cache_dir / DEFAULT_LINES) as default_lines:

        def lines_of(subject: str) -> set[str]:
            found = now_lines.get(subject)
            if found is None:
                start, end = default_lines.subject_lines(0, default_lines.size, subject)
                text = bytes(default_lines.mm[start:end]).decode("utf-8")
                found = now_lines[subject] = set(text.splitlines())
                before[subject] = set(found)
            return found

        for slug in changed:
            facts_path, article_path, old_key = state.sources[slug]
            old = results.get(old_key)
            if old is None or old.emitted is None:
                raise _Declined
            facts_raw = raw.get(facts_path) or Path(facts_path).read_bytes()
            article_raw = raw.get(article_path)
            if article_raw is None and Path(article_path).is_file():
                article_raw = Path(article_path).read_bytes()
            task = corpus.Task(
                facts_path,
                facts_raw,
                slug,
                article_path,
                article_raw,
                ontology_text,
                state.base,
            )  # no article names: they serve the hint for a missing article, and that is a problem (declined)
            key = task.key()
            unit = results.get(key) or corpus.run(task)
            if unit.slug != slug or unit.read_problems or unit.check_problems or unit.emitted is None:
                raise _Declined
            if _declared(unit) != _declared(old) or _part_of(unit) != _part_of(old):
                raise _Declined
            problems = check.check_links(unit.statements, entities, ontology)
            if unit.source is not None:
                problems += check.check_articles([check.article_entity(slug, unit.source)], ontology)
            if problems:
                raise _Declined
            for eid, count in _usage(old.statements).items():
                usage[eid] = usage.get(eid, 0) - count
            for eid, count in _usage(unit.statements).items():
                usage[eid] = usage.get(eid, 0) + count
            statements += len(unit.statements) - len(old.statements)
            old_default = set(map(resolve, old.emitted.default))
            new_default = set(map(resolve, unit.emitted.default))
            for text in sorted(old_default - new_default):
                count = repeated.get(text, 1)
                if count > 2:
                    repeated[text] = count - 1
                elif count == 2:
                    del repeated[text]
                else:
                    lines_of(split_line(text)[0]).discard(text)
            for text in sorted(new_default - old_default):
                present = lines_of(split_line(text)[0])
                if text in present:
                    repeated[text] = repeated.get(text, 1) + 1
                else:
                    present.add(text)
            graph = str(mint.graph(slug))
            old_graph = sorted(set(map(resolve, old.emitted.graph)))
            new_graph = sorted(set(map(resolve, unit.emitted.graph)))
            if old_graph != new_graph:
                graphs[graph] = (old_graph, new_graph)
            sources[slug] = (facts_path, article_path, key)
            new_units.append((key, unit))
    if any(count <= 0 and state.classes.get(eid) != "Article" for eid, count in usage.items()):
        raise _Declined  # an entity no statement names any more: the full build reports it
    changes = Changes(graphs=graphs)
    for subject, lines in now_lines.items():
        if lines != before[subject]:
            changes.subjects[subject] = (sorted(before[subject]), sorted(lines))

    written = _write(out, formats, changes, ontology, cache_dir)
    for key, unit in new_units:
        results.put(key, unit)
    results.commit(prune=False)
    state.files = _settled(files)
    state.sources, state.usage, state.repeated, state.statements = sources, usage, repeated, statements
    state.summary = _summary(state.summary, statements)
    state.outputs = _output_status(out, formats)
    _save(state, cache_dir)
    return Outcome(state.summary, written, changed)


def _write(out: Path, formats: tuple[str, ...], changes: Changes, ontology: Ontology, cache_dir: Path) -> list[Path]:
    """Each output updated into a staging copy of the build, swapped in as one step (as pipeline.write does)."""
    from kg import pipeline
    from kg.export import ntriples

    default_lines = cache_dir / DEFAULT_LINES
    # default.nt is replaced after the build is swapped in (the outer block ends last), never before
    with fsutil.atomic_path(default_lines) as tmp, pipeline.staged(out) as staging:
        for name in formats:
            fmt = export.get(name)
            target = staging / fmt.filename
            pipeline.remove(target)
            fmt.load().update(out / fmt.filename, target, changes, ontology)
        ntriples.update(default_lines, tmp, changes)
    return [out / export.get(name).filename for name in formats]


class _Entity:
    """An entity as the checks across files see one from another source: its class."""

    __slots__ = ("cls",)

    def __init__(self, cls: str):
        self.cls = cls


class _Iris(dict):
    """Entity id -> IRI, minted on first use from the recorded classes."""

    def __init__(self, classes: dict[str, str], mint: Minter):
        super().__init__()
        self.classes, self.mint = classes, mint

    def __missing__(self, eid: str) -> str:
        iri = self[eid] = self.mint.iri(eid, self.classes[eid])
        return iri


def _declared(unit: corpus.Unit) -> list[tuple[str, str]]:
    return sorted((e.id, e.cls) for e in unit.entities)


def _part_of(unit: corpus.Unit) -> list[tuple[str, str]]:
    return sorted((st.subject, st.object or "") for st in unit.statements if st.predicate == "partOf")


def _settled(files: dict[str, tuple[corpus.Signature | None, bytes]]) -> dict:
    now = time.time_ns()
    return {
        path: (status if status is not None and now - status[1] >= _RACY_NS else None, digest)
        for path, (status, digest) in files.items()
    }


def _summary(summary: str, statements: int) -> str:
    """The build summary with the new number of statements (entities and sources are the same: see update)."""
    first, _, rest = summary.partition("\n")
    parts = first.split(", ")
    parts[1] = f"{statements} statements"
    return ", ".join(parts) + ("\n" + rest if rest else "")
