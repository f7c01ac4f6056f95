"""Outputs updated in place (kg.pipeline.splice and each format's `update`) equal a clean write of the changed dataset:
subjects changed, added and removed anywhere in the default graph, named graphs changed, added and removed."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.export import nquads, ntriples, store, trig, turtle
from kg.pipeline import run as pipeline
from kg.pipeline.rdf import DEFAULT_GRAPH, Dataset, split_line
from kg.pipeline.splice import Changes
from tests.conftest import MINI, run_kg

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> list:
    data = tmp_path_factory.mktemp("synth") / "data"
    assert run_kg("synth", "--statements", "300", "--seed", "3", "--out", str(data)).returncode == 0
    return [pipeline.load(MINI), pipeline.load(data)]


def _edit(ds: Dataset, seed: int) -> tuple[Dataset, Changes]:
    """A changed copy of the dataset, and the changes that lead to it."""
    rng = random.Random(seed)
    lines = {name: list(ds.lines(name)) for name in ds.names}
    by_subject: dict[str, list[str]] = {}
    for text in lines[DEFAULT_GRAPH]:
        by_subject.setdefault(split_line(text)[0], []).append(text)
    subjects = sorted(by_subject)
    changes = Changes()
    default = set(lines[DEFAULT_GRAPH])
    for subject in {*rng.sample(subjects, min(6, len(subjects))), subjects[0], subjects[-1]}:
        old = by_subject[subject]
        new = rng.choice([[], old[:-1], [*old, f'{subject} {COMMENT} "added \\" <b> & \\u00E9" .'], [*old[1:], old[0]]])
        default = (default - set(old)) | set(new)
        changes.subjects[subject] = (old, sorted(set(new)))
    for subject in ("<https://kg.example.org/a/new>", "<https://kg.example.org/m/new>", "<urn:zz:new>"):
        new = [f'{subject} {LABEL} "New" .']
        default |= set(new)
        changes.subjects[subject] = ([], new)
    lines[DEFAULT_GRAPH] = sorted(default)
    named = [name for name in ds.named if not name.endswith("/ontology")]
    for name in {*rng.sample(named, min(3, len(named))), named[0], named[-1]}:
        old = lines[name]
        new = rng.choice([[], old[1:], old[:-1]])
        changes.graphs[name] = (old, sorted(new))
        if new:
            lines[name] = new
        else:
            del lines[name]
    for name in ("https://kg.example.org/graph/0-first", "https://kg.example.org/graph/zz-last"):
        new = [f'<{name}> {LABEL} "G" .']
        changes.graphs[name] = ([], new)
        lines[name] = new
    return Dataset(lines), changes


def _store_quads(path: Path) -> tuple[int, list[str]]:
    lines = ox.Store.read_only(str(path)).dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    return len(lines), sorted(line for line in lines if "_:" not in line)  # Oxigraph relabels blank nodes


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("which", [0, 1], ids=["mini", "synthetic"])
def test_update_equals_a_clean_write(builds: list, tmp_path: Path, which: int, seed: int) -> None:
    build = builds[which]
    changed, changes = _edit(build.rdf, seed)
    for module, name in ((ntriples, "nt"), (nquads, "nq"), (turtle, "ttl"), (trig, "trig")):
        module.write(build.rdf, tmp_path / f"old.{name}")
        module.write(changed, tmp_path / f"clean.{name}")
        module.update(tmp_path / f"old.{name}", tmp_path / f"new.{name}", changes, build.ontology)
        assert (tmp_path / f"new.{name}").read_bytes() == (tmp_path / f"clean.{name}").read_bytes(), name
    store.write(build.rdf, tmp_path / "old-store")
    before = _store_quads(tmp_path / "old-store")
    store.write(changed, tmp_path / "clean-store")
    store.update(tmp_path / "old-store", tmp_path / "new-store", changes, build.ontology)
    assert _store_quads(tmp_path / "new-store") == _store_quads(tmp_path / "clean-store")
    assert before != _store_quads(tmp_path / "new-store")
    assert _store_quads(tmp_path / "old-store") == before, "the old store (its files hard-linked) is untouched"
