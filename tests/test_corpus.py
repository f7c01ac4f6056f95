"""The per-source stage (kg.pipeline.corpus): the same bytes from one process, N processes, a Dask cluster and the cache;
a rebuild after one source changed redoes that source only and equals a clean build; problems are reported the
same way whichever path found them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kg.errors import DataError
from kg.pipeline import corpus, synth
from kg.pipeline import run as pipeline
from tests.conftest import run_kg

FORMATS = ["turtle", "trig", "ntriples", "nquads", "jsonld", "graphml", "neo4j", "sheets"]


def _digests(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _build(data: Path, out: Path, **options) -> dict[str, str]:
    build = pipeline.load(data, **options)
    pipeline.write(build, out, FORMATS)
    return _digests(out)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "data"
    synth.generate(root, 300, seed=7, per_article=20)  # 15 articles and facts files
    return root


@pytest.fixture(scope="module")
def clean(data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _build(data, tmp_path_factory.mktemp("clean") / "build", jobs=1)


def test_the_corpus_has_many_sources_and_cross_file_references(data: Path) -> None:
    """Not vacuous: several tasks, and statements naming entities another facts file declares."""
    facts, problems, emitted = corpus.read(data, pipeline.DEFAULT_DIR, jobs=1)
    assert not problems and len(facts.sources) >= 10 and len(emitted) == len(facts.sources)
    declared_in = {e.id: e.source for e in facts.entities.values()}
    assert any(declared_in.get(st.object) not in (None, st.source) for st in facts.statements if st.object)
    # such entities are stand-ins in their source's lines until the build resolves them
    assert any("\x00" in line for part in emitted for line in part.graph)
    build = pipeline.load(data, jobs=1)
    assert not any("\x00" in line for line in build.rdf.nquads())


def test_two_processes_give_the_same_bytes(data: Path, clean: dict, tmp_path: Path) -> None:
    assert _build(data, tmp_path / "build", jobs=2) == clean


def test_workers_and_this_process_share_the_batches_in_order(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 3: two workers take batches from the front, this process from the back; every task's result
    comes back once, in task order, from both kinds of process (the workers' through their result files)."""
    import os

    tasks = [
        corpus._task(p, p.read_bytes(), p.stem, {}, {}, "", "https://kg.example.org/", [], corpus.Cache(None))
        for p in sorted((data / "facts").iterdir())
    ] * 8  # 120 tasks, 15 batches of 8 at --jobs 3
    original = corpus.run

    def run(task: corpus.Task) -> corpus.Unit:
        unit = original(task)
        unit.slug = f"{task.facts_path} {os.getpid()}"
        return unit

    monkeypatch.setattr(corpus, "run", run)  # forked workers inherit the patch
    units = corpus._execute(tasks, 3, None)
    assert [u.slug.split()[0] for u in units] == [t.facts_path for t in tasks]
    pids = [int(u.slug.split()[1]) for u in units]
    assert os.getpid() in pids and len(set(pids)) >= 2
    assert pids[-1] == os.getpid() and pids[0] != os.getpid()


def test_a_dask_cluster_gives_the_same_bytes(data: Path, clean: dict, tmp_path: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert _build(data, tmp_path / "build", dask=cluster.scheduler_address) == clean


def test_a_rebuild_redoes_only_the_changed_source_and_equals_a_clean_build(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    cache = tmp_path / "cache"
    first = _build(copy, tmp_path / "one", jobs=1, cache=cache)
    entries = sorted(p.name for p in cache.iterdir())
    assert len(entries) == len(list((copy / "facts").iterdir()))
    assert _build(copy, tmp_path / "two", jobs=1, cache=cache) == first  # all from the cache

    facts = sorted((copy / "facts").iterdir())[3]
    text = facts.read_text("utf-8")
    label = next(line for line in text.splitlines() if line.strip().startswith("label:"))
    facts.write_text(text.replace(label, label + " Renamed", 1), encoding="utf-8")
    rebuilt = _build(copy, tmp_path / "three", jobs=1, cache=cache)
    after = sorted(p.name for p in cache.iterdir())
    assert len(set(after) - set(entries)) == 1 and len(set(entries) - set(after)) == 1  # one source redone
    assert rebuilt != first
    assert rebuilt == _build(copy, tmp_path / "four", jobs=1)  # byte-identical to a build without cache


def test_a_damaged_cache_entry_is_recomputed(data: Path, clean: dict, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _build(data, tmp_path / "one", jobs=1, cache=cache)
    for entry in cache.iterdir():
        entry.write_bytes(b"not a pickle")
    assert _build(data, tmp_path / "two", jobs=1, cache=cache) == clean


def _problems(data: Path, **options) -> list[str]:
    with pytest.raises(DataError) as err:
        pipeline.load(data, **options)
    return [str(p) for p in err.value.problems]


def test_problems_are_the_same_in_one_process_and_in_two(data: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    files = sorted((copy / "facts").iterdir())
    for path, old, new in ((files[1], "predicate:", "predicate: x"), (files[5], "class:", "class: Nothing")):
        text = path.read_text("utf-8")
        path.write_text(text.replace(old + " ", new, 1).replace(old, new, 0), encoding="utf-8")
    serial = _problems(copy, jobs=1)
    assert len(serial) >= 2 and any(str(files[1]) in p for p in serial) and any(str(files[5]) in p for p in serial)
    assert _problems(copy, jobs=2) == serial
    assert _problems(copy, jobs=2, cache=tmp_path / "cache") == serial
    assert _problems(copy, jobs=1, cache=tmp_path / "cache") == serial  # never served from the cache


def test_an_article_key_the_quick_scan_misreads_still_builds(data: Path, clean: dict, tmp_path: Path) -> None:
    """`article:` written as a folded scalar: the scan guesses the file name, the reader corrects it."""
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    facts = sorted((copy / "facts").iterdir())[0]
    slug = facts.stem
    renamed = facts.with_name("renamed-facts.yaml")
    text = facts.read_text("utf-8").replace(f"article: {slug}\n", f"article: >-\n  {slug}\n", 1)
    assert text != facts.read_text("utf-8")
    facts.unlink()
    renamed.write_text(text, encoding="utf-8")
    build = pipeline.load(copy, jobs=1)
    assert slug in build.facts.sources and any(st.source == slug for st in build.facts.statements)


def test_cli_refuses_bad_jobs_and_unreachable_dask(tmp_path: Path) -> None:
    result = run_kg("build", "--out", str(tmp_path / "b"), "--jobs", "0")
    assert result.returncode == 2 and "--jobs '0'" in result.stderr and "Traceback" not in result.stderr
    result = run_kg("build", "--out", str(tmp_path / "b"), "--dask", "tcp://127.0.0.1:9")
    assert result.returncode == 2 and "cannot reach the Dask scheduler" in result.stderr
    assert "connection refused" in result.stderr  # said at once, not after Dask's 10 s of retries
    assert "Traceback" not in result.stderr and not (tmp_path / "b").exists()


def test_a_failure_in_this_process_stops_the_workers_taking_more(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error (or Ctrl-C) while this process runs its share cancels the batches no worker has started: it is
    raised at once, not after the workers have read the rest of the corpus."""
    import os
    import time

    parent = os.getpid()
    runs = tmp_path / "runs"
    runs.mkdir()
    original = corpus.run

    def run(task: corpus.Task) -> corpus.Unit:
        if os.getpid() == parent:
            raise RuntimeError("failed here")
        time.sleep(0.05)
        (runs / f"{os.getpid()}-{time.monotonic_ns()}").touch()
        return original(task)

    tasks = [
        corpus._task(p, p.read_bytes(), p.stem, {}, {}, "", "https://kg.example.org/", [], corpus.Cache(None))
        for p in sorted((data / "facts").iterdir())
    ] * 8
    monkeypatch.setattr(corpus, "run", run)
    with pytest.raises(RuntimeError, match="failed here"):
        corpus._execute(tasks, 2, None)
    assert len(list(runs.iterdir())) < len(tasks) // 2  # a few batches at most, not the other 100 tasks


def _tasks(data: Path, times: int) -> list[corpus.Task]:
    return [
        corpus._task(p, p.read_bytes(), p.stem, {}, {}, "", "https://kg.example.org/", [], corpus.Cache(None))
        for p in sorted((data / "facts").iterdir())
    ] * times


def test_a_busy_worker_holds_only_the_batch_it_runs(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No batch waits in a queue for a worker that is still busy: while the worker is slow on its first batch,
    this process runs every other batch itself (a process pool hands its worker a second batch in advance, and
    this process then sat idle waiting for it)."""
    import os
    import time

    parent = os.getpid()
    original = corpus.run
    slow = {"first": True}

    def run(task: corpus.Task) -> corpus.Unit:
        if os.getpid() != parent and slow["first"]:
            slow["first"] = False
            time.sleep(3)
        unit = original(task)
        unit.slug = f"{task.facts_path} {os.getpid()}"
        return unit

    monkeypatch.setattr(corpus, "run", run)
    tasks = _tasks(data, 8)  # 120 tasks, 40 batches of 3 at --jobs 2
    units = corpus._execute(tasks, 2, None)
    assert [u.slug.split()[0] for u in units] == [t.facts_path for t in tasks]
    by_worker = [i for i, u in enumerate(units) if int(u.slug.split()[1]) != parent]
    assert by_worker == [0, 1, 2]  # its first batch only


def test_a_failure_in_a_worker_is_raised_here(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    parent = os.getpid()
    original = corpus.run

    def run(task: corpus.Task) -> corpus.Unit:
        if os.getpid() != parent:
            raise ValueError(f"failed in a worker on {task.facts_path}")
        return original(task)

    monkeypatch.setattr(corpus, "run", run)
    with pytest.raises(ValueError, match=r"failed in a worker on .*yaml"):
        corpus._execute(_tasks(data, 8), 2, None)


def test_a_worker_that_dies_is_an_error_not_a_hang(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-batch (out of memory, a signal) never sends its results: the build stops with a
    message instead of waiting for them forever."""
    import os
    import time

    parent = os.getpid()
    original = corpus.run

    def run(task: corpus.Task) -> corpus.Unit:
        if os.getpid() != parent:
            os._exit(9)
        time.sleep(0.01)  # the worker claims its batch before this process has run them all
        return original(task)

    monkeypatch.setattr(corpus, "run", run)
    with pytest.raises(RuntimeError, match="worker process of --jobs stopped"):
        corpus._execute(_tasks(data, 8), 2, None)


def test_no_garbage_collection_runs_during_a_build(data: Path, tmp_path: Path) -> None:
    """kg.pipeline.gcpause: a collection walks every object the build holds (0.8 s at a million quads); none may run
    between reading and writing, where one ran when each paused on its own. Collection resumes afterwards."""
    import gc

    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        pipeline.build(data, tmp_path / "out", ["nquads", "turtle"], cache=None)
    finally:
        gc.callbacks.remove(seen)
    assert collections == []
    assert gc.isenabled()
    assert (tmp_path / "out" / "kg.nq").stat().st_size > 0


def test_an_unreachable_dask_is_refused_when_the_build_is_up_to_date(data: Path, tmp_path: Path) -> None:
    """Issue 22 item 13: with every source cached nothing is sent to the scheduler, and a build given a dead --dask
    used to exit 0 as if it had run there; the address is checked in every build given --dask, before anything."""
    out = tmp_path / "build"
    first = run_kg("build", "--data", str(data), "--out", str(out), "--formats", "rdf", "--quiet")
    assert first.returncode == 0, first.stderr
    before = _digests(out)
    result = run_kg("build", "--data", str(data), "--out", str(out), "--formats", "rdf", "--dask", "tcp://127.0.0.1:1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        "kg: error: --dask tcp://127.0.0.1:1: cannot reach the Dask scheduler (connection refused: nothing listens "
        "on that port); check the address\n"
    )
    assert result.stdout == "" and _digests(out) == before
