"""Writers side by side in forked processes (kg.pipeline.parallel): each runs once, failures surface, output unchanged."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kg.pipeline import outputs, parallel
from kg.pipeline import run as pipeline

ROOT = Path(__file__).resolve().parent.parent


def _writer(directory: Path, name: str, seconds: float = 0.0):
    def write() -> None:
        time.sleep(seconds)
        (directory / f"{name}.{os.getpid()}").write_text(name)

    return write


def test_each_writer_runs_once_across_processes(tmp_path: Path) -> None:
    here: list[int] = []
    finished: list[int] = []

    class Here:
        def __init__(self, i: int) -> None:
            here.append(i)

        def __enter__(self) -> None:
            return None

        def __exit__(self, *exc: object) -> None:
            return None

    writers = [_writer(tmp_path, f"w{i}", 0.2) for i in range(6)]
    parallel.run(writers, 3, here=Here, finished=finished.append)
    names = sorted(path.name.split(".")[0] for path in tmp_path.iterdir())
    assert names == [f"w{i}" for i in range(6)]  # each once
    pids = {path.name.split(".")[1] for path in tmp_path.iterdir()}
    assert str(os.getpid()) in pids and len(pids) >= 2  # this process and forked ones
    assert sorted(here + finished) == list(range(6))  # ours entered here, theirs reported here
    assert here and finished


def test_one_process_runs_them_here_in_order(tmp_path: Path) -> None:
    order: list[int] = []
    parallel.run([lambda i=i: order.append(i) for i in range(4)], 1)
    assert order == [0, 1, 2, 3]


def test_a_failing_writer_in_another_process_is_raised_here(tmp_path: Path) -> None:
    parent = os.getpid()

    def failing() -> None:
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        time.sleep(1)  # here: slow, so the other process takes this writer's twin

    with pytest.raises(OSError, match="No space left"):
        parallel.run([failing, failing, _writer(tmp_path, "late", 0.1)], 2)


def test_a_process_that_dies_is_an_error_not_a_hang(tmp_path: Path) -> None:
    parent = os.getpid()

    def dies() -> None:
        if os.getpid() != parent:
            os._exit(9)
        time.sleep(0.5)

    with pytest.raises(RuntimeError, match="stopped before finishing"):
        parallel.run([dies, dies], 2)


def test_a_build_side_by_side_writes_the_same_bytes_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = pipeline.load(ROOT / "data")
    formats = ["turtle", "trig", "ntriples", "nquads", "jsonld", "graphml", "html", "neo4j", "sheets"]
    monkeypatch.setattr(outputs, "SIDE_BY_SIDE_FROM", 0)  # the shipped data is far smaller than a real corpus
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    pipeline.write(build, tmp_path / "one", formats)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    pipeline.write(build, tmp_path / "four", formats)
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    four = {p.relative_to(tmp_path / "four"): p.read_bytes() for p in (tmp_path / "four").rglob("*") if p.is_file()}
    assert one == four and len(one) >= 12


def test_every_format_written_elsewhere_counts_as_a_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib

    class Stages:  # what the build tells its progress bar
        def __init__(self) -> None:
            self.names: list[str] = []

        @contextlib.contextmanager
        def stage(self, name: str):
            yield
            self.names.append(name)

        def describe(self, name: str) -> None:
            pass

    build = pipeline.load(ROOT / "data")
    formats = ["turtle", "trig", "graphml", "neo4j", "sheets"]
    stages = Stages()
    monkeypatch.setattr(outputs, "SIDE_BY_SIDE_FROM", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pipeline.write(build, tmp_path / "out", formats, progress=stages)  # type: ignore[arg-type]
    assert len(stages.names) == pipeline.write_stages(formats)
    assert sorted(n for n in stages.names if n.startswith("writing")) == sorted(
        f"writing {name}" for name in ("kg.ttl", "kg.trig", "kg.graphml", "neo4j", "tables")
    )


def test_a_small_build_writes_everything_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below SIDE_BY_SIDE_FROM quads a writer takes less time than starting a process for it."""
    from kg.export import graphml, turtle

    build = pipeline.load(ROOT / "data")
    assert len(build.rdf) < outputs.SIDE_BY_SIDE_FROM
    pids: list[int] = []
    for module in (turtle, graphml):
        original = module.write
        monkeypatch.setattr(
            module, "write", lambda data, path, original=original: (pids.append(os.getpid()), original(data, path))
        )
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    pipeline.write(build, tmp_path / "out", ["turtle", "graphml", "neo4j"])
    assert pids == [os.getpid(), os.getpid()]
