"""Incremental builds: after a few sources changed, update the previous build instead of making a new one.

A full build of a million triples takes tens of seconds, most of it in work whose result did not change: every
other source read and checked again, a million lines sorted, every file and the store written again. After a
build, `record` keeps what the next one needs to skip that work (in the cache directory, beside the per-source
results of kg.pipeline.corpus): each input file's status and content hash (as git's index does: a file whose size,
times and inode are unchanged is not read), each source's result, every entity's class, how many statements
name each entity, each source's partOf links, which default-graph lines several sources give, and the status
of every output.

`update` then:
1. finds the changed files (status first, hash when the status differs), and the sources added or removed
   (a facts file with its article, an article alone, a facts file for an article that was alone), and reads
   and checks only those sources;
2. runs the checks across files on their statements only, with the recorded classes, counts and links;
3. computes the changed lines: those sources' named graphs, and each touched subject of the default graph;
4. updates each RDF output in place (kg.pipeline.splice; the store by difference) and writes the projection's outputs
   (GraphML, HTML, Neo4j, tables) again from the updated kg.nq, all staged beside the build and swapped in.

It declines (and the caller runs a full build) whenever the shortcut could differ from a full build: no record,
other kg version, data directory, base, ontology or formats, projection outputs without kg.nq, an output
changed since, a facts file removed while its article stays, an entity that changed class, any problem found
(the full build reports it exactly as always), or many changed sources (the parallel full build is then as
quick). Its output is byte-identical to a full build's (tests/test_increment.py, and the rebuild benchmark,
check it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg import export
from kg import files as fsutil
from kg.check import loader as check
from kg.errors import DataError, UsageError
from kg.model import VERSION, Facts, Source, Statement
from kg.ontology import DEFAULT_DIR, Ontology
from kg.pipeline import corpus, gcpause, outputs
from kg.pipeline.rdf import DEFAULT_BASE, Emitted, Minter, emit_source, resolver, split_line
from kg.pipeline.splice import Changes, Splice, text_lines
from kg.read.articles import SLUG, front_matter_uses, read_bytes, read_source

STATE = "state.pickle"
DEFAULT_LINES = "default.nt"  # the default graph's sorted lines: where old lines of a subject are looked up
FORMATS = ("turtle", "trig", "ntriples", "nquads", "jsonld", "store")  # the outputs updated in place
MAX_CHANGED = 64  # more changed sources than this: a full build, in parallel, is about as quick
# bump when what a build writes changes shape (a format's layout, the store's graphs): the outputs of an earlier
# kg are then written again in full rather than updated (kg's version alone does not change between releases).
# 3: `repeated` counts the sources that give a default-graph line; before, a source that gave it twice counted
# twice, and an update that took the line from that source kept it. 4: a source is an article with every facts
# file that names it (before, the record kept one, and an update dropped the others' lines from its graph).
# 5: the front matter's author and publisher are facts of the article (kg.pipeline.rdf.front_matter_facts). 6: a text
# holding a C1 control is refused (kg.read.articles.character_problem): outputs written before may hold one, so they
# are written again in full, every source checked. 7: a text holding a carriage return is refused too
OUTPUTS_FORMAT = 7
_RACY_NS = 2_000_000_000  # a file modified this close to the record is hashed next time whatever its status


@dataclass
class State:
    """What a build leaves for the next one (see the module docstring)."""

    version: str
    data: str  # the data directory, resolved
    where: tuple[str, str]  # the data directory as given, and the working directory (file paths are relative to it)
    base: str
    ontology: str  # SHA-256 of the ontology's text
    formats: tuple[str, ...]
    out: str
    outputs: dict[str, object]  # file name -> its status after the build
    listing: tuple[tuple[str, ...], tuple[str, ...]]  # names in articles/ and facts/
    files: dict[str, tuple[corpus.Signature | None, bytes]]  # path -> (status, SHA-256) of every file read
    # slug -> its article file, and each facts file naming it (usually one) with the key of its result in the cache
    sources: dict[str, tuple[str, tuple[tuple[str, str], ...]]]
    loose: dict[str, tuple[str, list[str], list[str]]]  # articles no facts file names: slug -> file, lines
    classes: dict[str, str]  # entity id (articles too) -> class
    usage: dict[str, int]  # entity id -> statements that name it
    repeated: dict[str, int]  # default-graph lines that several sources give -> how many
    part_of: dict[str, list[tuple[str, str]]]  # slug -> the partOf links its statements make
    by_class: dict[str, int]  # entities (not articles) by class
    statements: int
    article_count: int
    status: corpus.Signature | None = None  # of the record's file when read (not saved)
    # of default.nt as this record left it: its lines go into the outputs, and unlike the record it carries no
    # seal, so a file put there since (by hand, or by a repository that shipped the cache) declines the update
    lines: corpus.Signature | None = None


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


def _usage(statements: list[Statement], front_matter: Iterable[str] = ()) -> dict[str, int]:
    """How many statements name each entity, and each entity an article's front matter names counts once too."""
    counts: dict[str, int] = {}
    for st in statements:
        for eid in {st.subject, st.object} if st.object else {st.subject}:
            counts[eid] = counts.get(eid, 0) + 1
    for eid in front_matter:
        counts[eid] = counts.get(eid, 0) + 1
    return counts


def _unit_usage(unit: corpus.Unit, ontology: Ontology) -> dict[str, int]:
    front = front_matter_uses(unit.source, unit.entities, unit.statements, ontology) if unit.source else []
    return _usage(unit.statements, front)


def record(
    build,  # a pipeline.Build
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
    try:
        remove(cache_dir)
    except OSError:  # the build is in place; a record that cannot go only means a full build next time
        return
    if not updatable(chosen) or not read.tasks:
        return
    now = time.time_ns()
    files: dict[str, tuple[corpus.Signature | None, bytes]] = {}
    for path, status in read.signatures.items():
        if status is not None and now - status[1] < _RACY_NS:
            status = None
        files[path] = (status, b"")
    sources: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    for task in read.tasks:  # in facts file name order, as the full build reads them
        named = sources.get(task.slug, (task.article_path, ()))[1]
        sources[task.slug] = (task.article_path, (*named, (task.facts_path, task.key())))
        files[task.facts_path] = (files.get(task.facts_path, (None, b""))[0], _digest(task.facts_raw))
        if task.article_raw is not None:
            files[task.article_path] = (files.get(task.article_path, (None, b""))[0], _digest(task.article_raw))
    for path, (status, digest) in list(files.items()):
        if not digest:  # an article no facts file names: hashed here (few, small), if unchanged since it was read
            try:
                raw = _data_bytes(path)
            except _Declined:
                return
            read_then = read.signatures.get(path)  # the status before it was read (not nulled as racy)
            unchanged = read_then is not None and corpus.signature(path) == read_then
            files[path] = (status, _digest(raw) if unchanged else b"unknown: changed while building")
    facts = build.facts
    state = State(
        version=_version(),
        data=str(Path(data_dir).resolve()),
        where=(str(data_dir), os.getcwd()),
        base=build.base,
        ontology=_ontology_digest(ontology_dir),
        formats=chosen,
        out=str(Path(out).resolve()),
        outputs=_output_status(Path(out), chosen),
        listing=read.listing,
        files=files,
        sources=sources,
        loose={
            slug: _loose(str(Path(data_dir) / "articles" / f"{slug}.md"), source, build.ontology, build.base)
            for slug, source in facts.sources.items()
            if slug not in sources
        },
        classes={eid: e.cls for eid, e in facts.entities.items()},
        usage=_usage(facts.statements, check.front_matter_uses_of(facts, build.ontology)),
        repeated=dict(build.rdf.repeated),
        part_of=_part_of_by_source(facts.statements),
        by_class=dict(Counter(e.cls for e in facts.entities.values() if e.cls != "Article")),
        statements=len(facts.statements),
        article_count=len(facts.sources),
    )
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with fsutil.atomic_path(cache_dir / DEFAULT_LINES) as tmp, open(tmp, "w", encoding="utf-8") as handle:
            handle.writelines(text + "\n" for text in build.rdf.lines())
        state.lines = corpus.signature(cache_dir / DEFAULT_LINES)
        _save(state, cache_dir)
    except OSError:
        with contextlib.suppress(OSError):
            remove(cache_dir)  # without a record the next build is a full one: slower, never wrong


def remove(cache_dir: Path) -> None:
    for name in (STATE, DEFAULT_LINES):
        (Path(cache_dir) / name).unlink(missing_ok=True)


def _save(state: State, cache_dir: Path) -> None:
    state.status = None
    payload = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    header = corpus.seal(STATE, payload)
    if header is None:
        raise OSError("no key to seal the record with")
    with fsutil.atomic_path(cache_dir / STATE) as tmp, open(tmp, "wb") as handle:
        handle.write(header)
        handle.write(payload)


def _load(cache_dir: Path) -> State | None:
    status = corpus.signature(cache_dir / STATE)
    try:
        payload = corpus.read_sealed(cache_dir / STATE, STATE)
        if payload is None:  # not sealed by this user's kg (shipped with the data, say): never unpickled
            return None
        state = pickle.loads(payload)
    except Exception:  # missing, damaged or from another kg: a full build
        return None
    if not isinstance(state, State) or state.version != _version():
        return None
    state.status = status
    return state


def _version() -> str:
    return f"kg {VERSION} outputs {OUTPUTS_FORMAT}"


def _ontology_digest(ontology_dir: Path | None) -> str:
    return hashlib.sha256((Path(ontology_dir or DEFAULT_DIR) / "kg.ttl").read_bytes()).hexdigest()


def updatable(formats: tuple[str, ...]) -> bool:
    """RDF outputs are updated in place; the others (GraphML, HTML, Neo4j, tables) need the whole projection,
    which an update makes from the updated kg.nq, so they are updatable only beside it."""
    return set(formats) <= set(FORMATS) or "nquads" in formats


def _data_bytes(path: str | Path) -> bytes:
    """A data file's bytes as the full build reads them (kg.read.articles.read_bytes: a regular file within the size
    limit); _Declined for anything else, so the full build that follows says what is wrong with it. Read as it
    was (Path.read_bytes), a facts file that a `git pull` had made a link to /dev/zero was read without end
    before the full build refused it (2.7 GB of memory in 2.5 s, until an allocation failed)."""
    try:
        return read_bytes(Path(path), str(path))
    except DataError:
        raise _Declined from None


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
        if state.data != str(Path(data_dir).resolve()) or state.where != (str(data_dir), os.getcwd()):
            raise _Declined
        if state.out != str(Path(out).resolve()) or _output_status(Path(out), chosen) != state.outputs:
            raise _Declined
        if state.ontology != _ontology_digest(ontology_dir):
            raise _Declined
        if state.lines is None or corpus.signature(cache_dir / DEFAULT_LINES) != state.lines:
            raise _Declined
        with gcpause.paused():
            return _update(state, Path(data_dir), Path(out), chosen, cache_dir, ontology_dir)
    except UsageError:  # another build is writing there: said as a full build would say it
        raise
    except Exception:  # declined, or anything unforeseen: the full build that follows is right in any case
        return None


def _update(
    state: State, data_dir: Path, out: Path, formats: tuple[str, ...], cache_dir: Path, ontology_dir: Path | None
) -> Outcome | None:
    found = _find(state, data_dir)
    if not found.slugs:
        with outputs.lock(out):  # a build running now may be about to change it: not up to date then
            if corpus.signature(cache_dir / STATE) != state.status or _output_status(out, formats) != state.outputs:
                raise _Declined
            state.files = _settled(found.files)
            with contextlib.suppress(OSError):  # a full disk: the files' new status is only a shortcut next time
                _save(state, cache_dir)
        return Outcome(_summary(state), [out / export.get(name).filename for name in formats], [])
    if len(found.slugs) > MAX_CHANGED:
        raise _Declined
    ontology = Ontology.load(ontology_dir)
    results = corpus.Cache(cache_dir)
    text = (Path(ontology_dir or DEFAULT_DIR) / "kg.ttl").read_text("utf-8")
    olds, news = _read(state, found, results, ontology, text)
    graph = _check(state, olds, news, ontology)
    changes = _changes(state, graph.classes, olds, news, ontology, cache_dir)
    recorded = state.status

    def verify() -> None:  # under the build lock: no other build came between reading the record and now
        if corpus.signature(cache_dir / STATE) != recorded or _output_status(out, formats) != state.outputs:
            raise _Declined

    def done() -> None:  # still under the lock, once the updated build is in place
        for files, _ in news.values():
            for _, key, unit in files:
                results.put(key, unit)
        results.commit(prune=False)
        kept = {key for files, _ in news.values() for _, key, _ in files}
        for slug in olds:  # results no record names any more: the cache stays the size of the corpus
            for _, key in state.sources[slug][1] if slug in state.sources else ():
                if key not in kept:
                    (cache_dir / key).unlink(missing_ok=True)
        for slug in [*found.removed, *found.removed_loose]:
            state.sources.pop(slug, None)
            state.loose.pop(slug, None)
        for slug, (files, unit) in news.items():
            if not files:  # an article alone
                assert unit.emitted is not None
                path = found.added_loose.get(slug) or state.loose[slug][0]
                state.loose[slug] = (path, unit.emitted.default, unit.emitted.graph)
                continue
            state.loose.pop(slug, None)
            article_path = found.added[slug][1] if slug in found.added else state.sources[slug][0]
            state.sources[slug] = (article_path, tuple((facts_path, key) for facts_path, key, _ in files))
        state.listing, state.files, state.classes = found.listing, _settled(found.files), graph.classes
        state.usage, state.repeated, state.part_of = graph.usage, changes.repeated, graph.part_of
        state.by_class, state.statements = graph.by_class, graph.statements
        state.article_count += len(found.added_loose) - len(found.removed) - len(found.removed_loose)
        state.article_count += sum(1 for slug in found.added if slug not in olds)
        state.outputs = _output_status(out, formats)
        state.lines = corpus.signature(cache_dir / DEFAULT_LINES)
        _save(state, cache_dir)

    written = _write(out, formats, changes.changes, ontology, cache_dir, verify, done)
    return Outcome(_summary(state), written, found.slugs)


@dataclass
class _Found:
    """What changed in data/ since the record: the sources to read again, and the files' new status."""

    listing: tuple[tuple[str, ...], tuple[str, ...]]
    files: dict[str, tuple[corpus.Signature | None, bytes]]
    raw: dict[str, bytes]  # the bytes of every file read to find out
    changed: list[str]
    added: dict[str, tuple[str, str]]  # slug -> facts file, article (new, or one no facts file named before)
    removed: list[str]
    added_loose: dict[str, str]  # articles that came without a facts file: slug -> file
    removed_loose: list[str]

    @property
    def slugs(self) -> list[str]:
        return sorted([*self.changed, *self.added, *self.removed, *self.added_loose, *self.removed_loose])


def _find(state: State, data_dir: Path) -> _Found:
    listing = (corpus._names(data_dir / "articles"), corpus._names(data_dir / "facts"))
    added, removed, added_loose, removed_loose = _added_and_removed(state, listing, data_dir)
    gone = {state.sources[slug][0] for slug in removed}
    gone |= {facts_path for slug in removed for facts_path, _ in state.sources[slug][1]}
    gone |= {state.loose[slug][0] for slug in removed_loose}
    raw: dict[str, bytes] = {}
    changed_files: list[str] = []
    files = {path: entry for path, entry in state.files.items() if path not in gone}
    for path, (status, digest) in list(files.items()):
        now = corpus.signature(path)  # before reading: a change made meanwhile shows next time
        if now is not None and now == status:
            continue
        raw[path] = _data_bytes(path)
        if _digest(raw[path]) != digest:
            changed_files.append(path)
        files[path] = (now, _digest(raw[path]))
    by_path = {article_path: slug for slug, (article_path, _, _) in state.loose.items()}
    for slug, (article_path, named) in state.sources.items():
        by_path[article_path] = slug
        for facts_path, _ in named:
            by_path[facts_path] = slug
    changed = sorted({by_path[path] for path in changed_files} - set(added))
    for path in [path for paths in added.values() for path in paths] + list(added_loose.values()):
        if path not in raw:  # its status first, then its bytes
            status = corpus.signature(path)
            raw[path] = _data_bytes(path)
            files[path] = (status, _digest(raw[path]))
    return _Found(listing, files, raw, changed, added, removed, added_loose, removed_loose)


# a source's new result: each facts file naming it (its path, the key of its result, the result; none for an
# article alone), and their results as one
New = tuple[list[tuple[str, str, corpus.Unit]], corpus.Unit]


def _read(
    state: State, found: _Found, results: corpus.Cache, ontology: Ontology, ontology_text: str
) -> tuple[dict[str, corpus.Unit], dict[str, New]]:
    """The previous result of each changed or removed source, and the new one of each changed or added source
    (from the cache when this very content was built before), each over every facts file that names the article
    (an article's named graph holds the lines of all of them); a source with any problem declines."""
    olds: dict[str, corpus.Unit] = {}
    news: dict[str, New] = {}
    for slug in [*found.changed, *found.removed, *found.removed_loose, *found.added]:
        if slug in state.loose:  # an article no facts file named: its recorded lines
            _, default, graph = state.loose[slug]
            olds[slug] = corpus.Unit(slug, None, emitted=Emitted(slug, default, graph))
        elif slug in state.sources:
            units = [results.get(key) for _, key in state.sources[slug][1]]
            if any(old is None or old.emitted is None for old in units):
                raise _Declined
            olds[slug] = _merge(slug, units)  # type: ignore[arg-type]
    for slug in [*found.changed, *found.added_loose]:
        if slug in state.loose or slug in found.added_loose:
            path = found.added_loose.get(slug) or state.loose[slug][0]
            source = read_source(Path(path), path)  # as kg.pipeline.corpus reads it; a problem declines
            article = _loose(path, source, ontology, state.base)
            news[slug] = ([], corpus.Unit(slug, source, emitted=Emitted(slug, article[1], article[2])))
    for slug in [*found.changed, *found.added]:
        if slug in news:
            continue
        if slug in found.added:
            article_path, named = found.added[slug][1], [found.added[slug][0]]
        else:
            article_path, named = state.sources[slug][0], [facts_path for facts_path, _ in state.sources[slug][1]]
        article_raw = found.raw[article_path] if article_path in found.raw else _data_bytes(article_path)
        files = []
        for facts_path in named:
            facts_raw = found.raw[facts_path] if facts_path in found.raw else _data_bytes(facts_path)
            # no article names in the task: they serve the hint for a missing article, and that is a problem
            task = corpus.Task(facts_path, facts_raw, slug, article_path, article_raw, ontology_text, state.base)
            key = task.key()
            unit = results.get(key) or corpus.run(task)
            if unit.slug != slug or unit.read_problems or unit.check_problems or unit.emitted is None:
                raise _Declined
            files.append((facts_path, key, unit))
        news[slug] = (files, _merge(slug, [unit for _, _, unit in files]))
    return olds, news


def _merge(slug: str, units: list[corpus.Unit]) -> corpus.Unit:
    """The results of the facts files that name one article, as one source's: their entities, statements and
    lines together (a default-graph line two of them give is there twice, as the full build counts it)."""
    if len(units) == 1:
        return units[0]
    merged = corpus.Unit(slug, next((unit.source for unit in units if unit.source is not None), None))
    for unit in units:
        merged.entities = [*merged.entities, *unit.entities]
        merged.statements = [*merged.statements, *unit.statements]
    default = [text for unit in units if unit.emitted for text in unit.emitted.default]
    graph = [text for unit in units if unit.emitted for text in unit.emitted.graph]
    merged.emitted = Emitted(slug, default, graph)
    return merged


@dataclass
class _Graph:
    """The recorded facts about the whole graph, after the update."""

    classes: dict[str, str]
    by_class: dict[str, int]
    usage: dict[str, int]
    part_of: dict[str, list[tuple[str, str]]]
    statements: int


def _check(state: State, olds: dict[str, corpus.Unit], news: dict[str, New], ontology: Ontology) -> _Graph:
    """The checks across files, for the new and changed statements, on the recorded graph with the old sources'
    entities, statements and links taken out and the new ones put in; any problem declines (the full build
    then reports it as always)."""
    classes = dict(state.classes)
    by_class = dict(state.by_class)
    for slug, old in olds.items():
        for eid, cls in _declared(old):
            del classes[eid]
            by_class[cls] -= 1
        if slug not in news:  # removed
            del classes[slug]
    for slug, (_, unit) in news.items():
        if slug not in olds:  # added
            if slug in classes:
                raise _Declined
            classes[slug] = "Article"
        for eid, cls in _declared(unit):
            # an id taken twice, or an entity that changed class (its IRI, and the checks of statements in
            # other files, depend on it)
            if eid in classes or state.classes.get(eid, cls) != cls:
                raise _Declined
            classes[eid] = cls
            by_class[cls] = by_class.get(cls, 0) + 1
    entities = Facts()
    entities.entities = {eid: _Entity(cls) for eid, cls in classes.items()}  # type: ignore[misc]
    usage = dict(state.usage)
    part_of = dict(state.part_of)
    statements = state.statements
    for slug, old in olds.items():
        for eid, count in _unit_usage(old, ontology).items():
            usage[eid] -= count
        statements -= len(old.statements)
        part_of.pop(slug, None)
    for slug, (_, unit) in news.items():
        problems = check.check_links(unit.statements, entities, ontology)
        if unit.source is not None:
            problems += check.check_articles([check.article_entity(slug, unit.source)], ontology)
        if problems:
            raise _Declined
        for eid, count in _unit_usage(unit, ontology).items():
            usage[eid] = usage.get(eid, 0) + count
        statements += len(unit.statements)
        part_of.update(_part_of_by_source(unit.statements))
    declared = {eid for _, unit in news.values() for eid, _ in _declared(unit)}
    for eid in declared.union(usage):
        used = usage.get(eid, 0) > 0
        if used != (eid in classes) and classes.get(eid) != "Article":
            raise _Declined  # an entity no statement names, or a statement naming an entity that is gone
    if part_of != state.part_of and _has_cycle(part_of):
        raise _Declined
    return _Graph(
        classes,
        {cls: n for cls, n in by_class.items() if n},
        {eid: count for eid, count in usage.items() if count > 0},
        part_of,
        statements,
    )


def _added_and_removed(
    state: State, listing: tuple[tuple[str, ...], tuple[str, ...]], data_dir: Path
) -> tuple[dict[str, tuple[str, str]], list[str], dict[str, str], list[str]]:
    """Sources whose facts file appeared with its article or for an article no facts file named before (slug ->
    their paths), sources whose facts file and article both went away (slugs), articles that came or went
    without a facts file; any other change to the files in data/ (a facts file gone but its article kept, a
    file kg would refuse) declines."""
    if listing == state.listing:
        return {}, [], {}, []
    articles_dir, facts_dir = data_dir / "articles", data_dir / "facts"
    new_articles = {n for n in set(listing[0]) - set(state.listing[0]) if not _ignored(articles_dir / n)}
    old_articles = {n for n in set(state.listing[0]) - set(listing[0]) if not n.startswith(".")}
    new_facts = {n for n in set(listing[1]) - set(state.listing[1]) if not _ignored(facts_dir / n)}
    old_facts = {n for n in set(state.listing[1]) - set(listing[1]) if not n.startswith(".")}
    added: dict[str, tuple[str, str]] = {}
    for name in sorted(new_facts):
        path = facts_dir / name
        if path.suffix not in (".yaml", ".yml") or not SLUG.match(path.stem) or path.is_dir():
            raise _Declined
        slug = corpus._guess_slug(_data_bytes(path), path.stem)
        article = f"{slug}.md"
        if slug in added or (article not in new_articles and slug not in state.loose):
            raise _Declined
        new_articles.discard(article)
        added[slug] = (str(path), str(articles_dir / article))
    by_facts = {Path(facts_path).name: slug for slug, (_, named) in state.sources.items() for facts_path, _ in named}
    removed: list[str] = []
    for name in sorted(old_facts):
        slug = by_facts.get(name)
        if slug in removed:
            continue
        # the source goes only with its article and every facts file naming it; else the full build says why
        if slug is None or Path(state.sources[slug][0]).name not in old_articles:
            raise _Declined
        if any(Path(facts_path).name not in old_facts for facts_path, _ in state.sources[slug][1]):
            raise _Declined
        old_articles.discard(Path(state.sources[slug][0]).name)
        removed.append(slug)
    added_loose: dict[str, str] = {}
    for name in sorted(new_articles):
        if not name.endswith(".md") or (articles_dir / name).is_dir():
            raise _Declined  # the full build names the file kg does not read
        added_loose[name[:-3]] = str(articles_dir / name)
    removed_loose = sorted(name[:-3] for name in old_articles if name[:-3] in state.loose)
    if len(removed_loose) != len(old_articles):
        raise _Declined  # the article of a facts file went away alone: a problem
    return added, removed, added_loose, removed_loose


def _loose(path: str, source: Source, ontology: Ontology, base: str) -> tuple[str, list[str], list[str]]:
    """An article no facts file names: its file and lines, as kg.pipeline.rdf.assemble emits them."""
    emitted = emit_source(source.slug, source, [], [], ontology, base, {})
    return path, emitted.default, emitted.graph


def _ignored(path: Path) -> bool:
    """A name in data/ that the build skips (hidden files and folders; any other folder is a problem it names)."""
    return path.name.startswith(".")


@dataclass
class _Changed:
    changes: Changes
    repeated: dict[str, int]


def _changes(
    state: State,
    classes: dict[str, str],
    olds: dict[str, corpus.Unit],
    news: dict[str, New],
    ontology: Ontology,
    cache_dir: Path,
) -> _Changed:
    """The changed lines: each source's named graph, and each touched subject's default-graph lines (a line that
    several sources give stays while one of them still does)."""
    mint = Minter(state.base, ontology)
    resolve = resolver(_Iris({**state.classes, **classes}, mint))
    repeated = dict(state.repeated)
    before: dict[str, set[str]] = {}  # subject -> its lines in the previous build's default graph
    now: dict[str, set[str]] = {}
    graphs: dict[str, tuple[list[str], list[str]]] = {}
    with Splice(cache_dir / DEFAULT_LINES) as default_lines:

        def lines_of(subject: str) -> set[str]:
            found = now.get(subject)
            if found is None:
                start, end = default_lines.subject_lines(0, default_lines.size, subject)
                found = now[subject] = set(text_lines(bytes(default_lines.mm[start:end])))
                before[subject] = set(found)
            return found

        for slug in sorted(set(olds) | set(news)):
            old = olds[slug].emitted if slug in olds else None
            new = news[slug][1].emitted if slug in news else None
            # how many of the source's facts files give each line (one, unless several name its article)
            old_default = Counter(resolve(old.default)) if old else Counter()
            new_default = Counter(resolve(new.default)) if new else Counter()
            for text in sorted(old_default.keys() | new_default.keys()):
                delta = new_default[text] - old_default[text]
                if not delta:
                    continue
                present = lines_of(split_line(text)[0])
                total = (repeated.get(text, 1) if text in present else 0) + delta
                if total > 1:
                    repeated[text] = total
                else:
                    repeated.pop(text, None)
                if total > 0:
                    present.add(text)
                else:
                    present.discard(text)
            old_graph = sorted(set(resolve(old.graph))) if old else []
            new_graph = sorted(set(resolve(new.graph))) if new else []
            if old_graph != new_graph:
                graphs[str(mint.graph(slug))] = (old_graph, new_graph)
    changes = Changes(graphs=graphs)
    for subject, lines in now.items():
        if lines != before[subject]:
            changes.subjects[subject] = (sorted(before[subject]), sorted(lines))
    return _Changed(changes, repeated)


def _write(
    out: Path,
    formats: tuple[str, ...],
    changes: Changes,
    ontology: Ontology,
    cache_dir: Path,
    verify: Callable[[], None],
    done: Callable[[], None],
) -> list[Path]:
    """Each output updated into a staging copy of the build, swapped in as one step (outputs.staged), and the
    record's default-graph lines with it."""
    from kg.export import nquads, ntriples
    from kg.export import projection as view

    default_lines = cache_dir / DEFAULT_LINES
    fd, name = tempfile.mkstemp(prefix=".default.", suffix=".tmp", dir=cache_dir)
    os.close(fd)
    updated = Path(name)

    def in_place() -> None:
        os.replace(updated, default_lines)
        done()

    try:
        keep = {export.get(name).filename for name in formats}
        with outputs.staged(out, check=verify, done=in_place, keep=keep) as staging:
            for fmt in map(export.get, formats):
                outputs.remove(staging / fmt.filename)
            for fmt in (export.get(name) for name in formats if name in FORMATS):
                fmt.load().update(out / fmt.filename, staging / fmt.filename, changes, ontology)
            others = [fmt for fmt in map(export.get, formats) if fmt.name not in FORMATS]
            if any(fmt.input != "view" for fmt in others):
                raise _Declined  # an RDF format this module cannot update (none today)
            if others:  # the projection of the updated dataset, read back from the updated kg.nq
                dataset = nquads.read(staging / export.get("nquads").filename)
                graph = view.project(dataset, ontology)
                outputs.write_side_by_side(others, graph, staging, None, len(dataset))
            ntriples.update(default_lines, updated, changes)
    finally:
        updated.unlink(missing_ok=True)
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


def _settled(files: dict[str, tuple[corpus.Signature | None, bytes]]) -> dict:
    now = time.time_ns()
    return {
        path: (status if status is not None and now - status[1] >= _RACY_NS else None, digest)
        for path, (status, digest) in files.items()
    }


def _summary(state: State) -> str:
    return outputs.summary(Counter(state.by_class), state.statements, state.article_count)


def _part_of_by_source(statements: list[Statement]) -> dict[str, list[tuple[str, str]]]:
    links: dict[str, list[tuple[str, str]]] = {}
    for st in statements:
        if st.predicate == "partOf" and st.object:
            links.setdefault(st.source, []).append((st.subject, st.object))
    return {slug: sorted(pairs) for slug, pairs in links.items()}


def _has_cycle(part_of: dict[str, list[tuple[str, str]]]) -> bool:
    """True if the partOf links of all sources form a cycle (the full build then names it)."""
    edges: dict[str, list[str]] = {}
    for pairs in part_of.values():
        for subject, obj in pairs:
            edges.setdefault(subject, []).append(obj)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(edges):
        if root in state:
            continue
        stack = [(root, iter(edges.get(root, ())))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                return True
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
    return False
