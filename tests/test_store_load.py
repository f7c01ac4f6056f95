"""The store's bulk load in chunks, several at once: the same quads as one load at a time, errors surfaced."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import UsageError
from kg.export import store
from kg.pipeline import outputs
from kg.pipeline import run as pipeline
from tests.conftest import run_kg


def _digest(path: Path) -> tuple[int, str]:
    """How many quads, and a digest of those without blank nodes (Oxigraph relabels them on every load)."""
    lines = ox.Store.read_only(str(path)).dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    kept = sorted(line for line in lines if "_:" not in line)
    return len(lines), hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()


def test_concurrent_chunked_loads_hold_the_same_quads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    assert run_kg("synth", "--statements", "400", "--out", str(data)).returncode == 0
    build = pipeline.load(data)
    expected = {text for text in store.nquads(build.rdf)}
    monkeypatch.setattr(store, "CHUNK", 700)  # about 30 chunks, so loads overlap
    monkeypatch.setattr(store, "LOADERS", 1)
    store.write(build.rdf, tmp_path / "one")
    monkeypatch.setattr(store, "LOADERS", 3)
    store.write(build.rdf, tmp_path / "three")
    assert _digest(tmp_path / "one") == _digest(tmp_path / "three")
    assert _digest(tmp_path / "three")[0] == len(expected)


def test_a_failing_load_stops_the_others_and_is_raised(tmp_path: Path) -> None:
    target = ox.Store(str(tmp_path / "s"))
    good = b"<http://a.example/s> <http://a.example/p> <http://a.example/o> .\n"
    with pytest.raises(SyntaxError):
        store._load(target, [good, b"this is not N-Quads\n", good, good], 2)


def test_the_store_read_from_kg_nq_holds_the_same_quads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build writes kg.nq first and the store reads the dataset's quads from it (adding the ontology and the
    entailment itself): the same store as one made from the dataset's lines, with chunks cut at line ends
    whatever their size."""
    from kg.export import nquads

    data = tmp_path / "data"
    assert run_kg("synth", "--statements", "400", "--out", str(data)).returncode == 0
    build = pipeline.load(data)
    nquads.write(build.rdf, tmp_path / "kg.nq")
    store.write(build.rdf, tmp_path / "from-lines")
    monkeypatch.setattr(store, "CHUNK_BYTES", 65_537)  # 21 chunks of the 1.3 MB file, each ending inside a line
    monkeypatch.setattr(store, "CHUNK", 700)
    store.write(build.rdf, tmp_path / "from-file", nquads_file=tmp_path / "kg.nq")
    assert _digest(tmp_path / "from-file") == _digest(tmp_path / "from-lines")
    assert _digest(tmp_path / "from-file")[0] == len(set(store.nquads(build.rdf)))


def test_on_two_cores_the_other_writers_wait_for_the_stores_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the store's loads keep every core busy, the other writers start once its quads are in (they run
    during its compaction instead of slowing the loads); on more cores they start at once."""
    import os
    import time

    from kg.export import turtle

    build = pipeline.load(Path(__file__).resolve().parent.parent / "data")
    events: list[tuple[str, float]] = []
    original_write, original_turtle = store.write, turtle.write

    def slow_store(ds, path, nquads_file=None, loaded=None):
        def reported() -> None:
            events.append(("loaded", time.monotonic()))
            loaded()

        time.sleep(0.5)  # a store that takes a while to load
        original_write(ds, path, nquads_file=nquads_file, loaded=reported)

    def timed_turtle(ds, path):
        events.append(("turtle", time.monotonic()))
        original_turtle(ds, path)

    monkeypatch.setattr(store, "write", slow_store)
    monkeypatch.setattr(turtle, "write", timed_turtle)
    monkeypatch.setattr(outputs, "SIDE_BY_SIDE_FROM", 0)  # the shipped data is far smaller than a real corpus
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pipeline.write(build, tmp_path / "two", ["turtle", "nquads", "store"])
    assert [name for name, _ in events] == ["loaded", "turtle"]
    events.clear()
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    pipeline.write(build, tmp_path / "eight", ["turtle", "nquads", "store"])
    assert [name for name, _ in events] == ["turtle", "loaded"]
    assert (tmp_path / "two" / "kg.ttl").read_bytes() == (tmp_path / "eight" / "kg.ttl").read_bytes()


def test_a_store_that_fails_before_loading_does_not_keep_the_writers_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    build = pipeline.load(Path(__file__).resolve().parent.parent / "data")

    def failing(ds, path, nquads_file=None, loaded=None):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write", failing)
    monkeypatch.setattr(outputs, "SIDE_BY_SIDE_FROM", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # the build turns a write that fails into a message naming the directory (a full disk, here)
    with pytest.raises(UsageError, match="disk full"):
        pipeline.write(build, tmp_path / "out", ["turtle", "nquads", "store"])
    assert not (tmp_path / "out").exists()


@pytest.mark.long
def test_the_store_reads_kg_nq_while_it_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's store starts on kg.nq while this process still writes it (fsutil.Growing): it follows the file
    as it grows, in pieces that end anywhere, and holds the same quads as from the whole file; a writer that
    stops makes the store fail instead of waiting for lines that never come."""
    import threading
    import time

    from kg.export import nquads
    from kg.files import Growing

    data = tmp_path / "data"
    assert run_kg("synth", "--statements", "400", "--out", str(data)).returncode == 0
    build = pipeline.load(data)
    nquads.write(build.rdf, tmp_path / "kg.nq")
    whole = (tmp_path / "kg.nq").read_bytes()
    monkeypatch.setattr(store, "CHUNK_BYTES", 5_000)

    def write_slowly(growing: Growing, upto: int, finish: bool) -> None:
        with open(growing.path, "wb") as out:
            for at in range(0, upto, 3_001):  # pieces that end inside lines
                out.write(whole[at : min(at + 3_001, upto)])
                out.flush()
                time.sleep(0.001)
        growing.close() if finish else growing.abandon()

    growing = Growing(tmp_path / "growing.nq")
    writer = threading.Thread(target=write_slowly, args=(growing, len(whole), True))
    writer.start()
    store.write(build.rdf, tmp_path / "followed", nquads_file=growing)
    writer.join()
    store.write(build.rdf, tmp_path / "from-file", nquads_file=tmp_path / "kg.nq")
    assert _digest(tmp_path / "followed") == _digest(tmp_path / "from-file")

    stopped = Growing(tmp_path / "stopped.nq")
    writer = threading.Thread(target=write_slowly, args=(stopped, len(whole) // 2, False))
    writer.start()
    with pytest.raises(UsageError, match="stopped before the end"):
        store.write(build.rdf, tmp_path / "never", nquads_file=stopped)
    writer.join()
