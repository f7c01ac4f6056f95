"""jsonld.update: the incremental rebuild's kg.jsonld, byte-identical to a clean `jsonld.write` of the changed data.

Each test builds real data (the mini fixture, a synthetic corpus), writes kg.jsonld, edits the default graph's
lines, and compares `update` of the old file with a clean write of a dataset holding the edited lines."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, Graph
from rdflib.compare import isomorphic

from kg.export import jsonld
from kg.ontology import Ontology
from kg.pipeline import run as pipeline
from kg.pipeline import synth
from kg.pipeline.rdf import DEFAULT_GRAPH, SKOS, Dataset, Lit, line, nt, rdflib_graph, split_line
from tests.conftest import MINI

LABEL = f"<{RDFS.label}>"
ALT_LABEL = str(SKOS.altLabel)


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load(None)


@pytest.fixture(scope="module")
def mini() -> Dataset:
    return pipeline.load(MINI).rdf


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    data = tmp_path_factory.mktemp("synth")
    synth.generate(data, 300)
    return pipeline.load(data).rdf


def _with_default(ds: Dataset, default: list[str]) -> Dataset:
    """The dataset with its default graph replaced (the ontology graph and the named graphs kept)."""
    return Dataset({**{name: ds.lines(name) for name in ds.names}, DEFAULT_GRAPH: default})


def _subjects(lines: list[str]) -> list[str]:
    return sorted({split_line(text)[0] for text in lines}, key=lambda s: (s.startswith("_:"), s))


def _lines_of(ds: Dataset, subjects: set[str] | list[str]) -> dict[str, list[str]]:
    """`update`'s argument: each subject's lines in `ds` (none: the subject is gone)."""
    out: dict[str, list[str]] = {subject: [] for subject in subjects}
    for text in ds.lines():
        subject = split_line(text)[0]
        if subject in out:
            out[subject].append(text)
    return out


def _check(old: Dataset, new_default: list[str], changed: set[str] | list[str], tmp: Path, ontology) -> bytes:
    """update(old kg.jsonld, ...) == write(changed dataset), byte for byte; returns the bytes."""
    old_file, got, want = tmp / "old.jsonld", tmp / "got.jsonld", tmp / "want.jsonld"
    jsonld.write(old, old_file)
    new = _with_default(old, new_default)
    jsonld.write(new, want)
    jsonld.update_subjects(old_file, got, _lines_of(new, changed), ontology)
    assert got.read_bytes() == want.read_bytes()
    return got.read_bytes()


def _relabel(lines: list[str], subject: str, text: str) -> list[str]:
    """Every rdfs:label of `subject` replaced by one English label `text`."""
    kept = [t for t in lines if not (t.startswith(subject + " ") and split_line(t)[1] == LABEL)]
    return [*kept, f"{subject} {LABEL} {nt(Lit(text, 'en'))} ."]


def _new_subject(iri: str) -> list[str]:
    return [
        line((iri, str(RDFS.label), Lit(f"New {iri.rsplit('/', 1)[-1]}", "en"))),
        line((iri, str(RDF.type), "https://kg.example.org/ontology#Company")),
    ]


def test_a_changed_subject(mini: Dataset, tmp_path: Path, ontology) -> None:
    lines = mini.lines()
    subjects = _subjects(lines)
    for subject in (subjects[0], subjects[len(subjects) // 2], subjects[-1]):
        _check(mini, _relabel(lines, subject, 'Renamed "quoted" \\ 名字\n'), [subject], tmp_path, ontology)
        added = line((subject[1:-1], ALT_LABEL, Lit("Another name", "en")))
        _check(mini, [*lines, added], [subject], tmp_path, ontology)
        removed = next(t for t in lines if t.startswith(subject + " ") and split_line(t)[1] != LABEL)
        _check(mini, [t for t in lines if t != removed], [subject], tmp_path, ontology)


def test_a_subject_passed_unchanged_changes_nothing(mini: Dataset, tmp_path: Path, ontology) -> None:
    lines = mini.lines()
    assert _check(mini, lines, _subjects(lines), tmp_path, ontology) == (tmp_path / "old.jsonld").read_bytes()
    assert _check(mini, lines, [], tmp_path, ontology) == (tmp_path / "old.jsonld").read_bytes()


@pytest.mark.parametrize(
    "iri",
    [
        "https://a.example.org/first",  # sorts before every kg IRI
        "https://kg.example.org/organisation/m-new",  # between two organisations
        "https://kg.example.org/zzz/last",  # after every IRI
    ],
)
def test_a_new_subject(mini: Dataset, tmp_path: Path, ontology, iri: str) -> None:
    lines = mini.lines()
    got = _check(mini, [*lines, *_new_subject(iri)], [f"<{iri}>"], tmp_path, ontology)
    ids = [node["id"] for node in json.loads(got)["@graph"]]
    assert iri in ids and ids == sorted(ids)


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_a_removed_subject(mini: Dataset, tmp_path: Path, ontology, where: str) -> None:
    lines = mini.lines()
    subjects = _subjects(lines)
    subject = {"first": subjects[0], "middle": subjects[len(subjects) // 2], "last": subjects[-1]}[where]
    got = _check(mini, [t for t in lines if not t.startswith(subject + " ")], [subject], tmp_path, ontology)
    assert len(json.loads(got)["@graph"]) == len(subjects) - 1


def test_blank_node_subjects(mini: Dataset, tmp_path: Path, ontology) -> None:
    """The default graph has no blank nodes today; they sort after every IRI, and `update` keeps that order."""
    lines = mini.lines()
    blanks = [line(("_:b1", str(RDFS.label), Lit("one", "en"))), line(("_:b2", str(RDFS.label), Lit("two", "en")))]
    with_blanks = _with_default(mini, [*lines, *blanks])
    _check(mini, with_blanks.lines(), ["_:b1", "_:b2"], tmp_path, ontology)  # added after the last IRI
    _check(with_blanks, [*lines, blanks[1]], ["_:b1"], tmp_path, ontology)  # the first blank node removed
    _check(with_blanks, [*lines, blanks[0]], ["_:b2"], tmp_path, ontology)  # the last node of the file removed
    _check(with_blanks, _relabel(with_blanks.lines(), "_:b1", "uno"), ["_:b1"], tmp_path, ontology)
    new_iri = _new_subject("https://zz.example.org/x")  # an IRI after every other one, still before blank nodes
    _check(with_blanks, [*with_blanks.lines(), *new_iri], ["<https://zz.example.org/x>"], tmp_path, ontology)


def test_several_subjects_at_once(synthetic: Dataset, tmp_path: Path, ontology) -> None:
    lines = synthetic.lines()
    subjects = _subjects(lines)
    gone = {subjects[0], subjects[7], subjects[8], subjects[-1]}  # the first, two neighbours and the last
    relabelled = {subjects[3], subjects[9], subjects[-2]}  # one right after a removed one, one before the last
    new = ["https://a.example.org/n", "https://kg.example.org/organisation/zz", "https://zzz.example.org/n"]
    edited = [t for t in lines if split_line(t)[0] not in gone]
    for subject in relabelled:
        edited = _relabel(edited, subject, f"relabelled {subject}")
    for iri in new:
        edited += _new_subject(iri)
    _check(synthetic, edited, gone | relabelled | {f"<{iri}>" for iri in new}, tmp_path, ontology)


def test_every_subject_replaced(synthetic: Dataset, tmp_path: Path, ontology) -> None:
    lines = synthetic.lines()
    subjects = _subjects(lines)
    others = [f"<https://other.example.org/{n}>" for n in range(5)]
    edited = [t for s in others for t in _new_subject(s[1:-1])]
    got = _check(synthetic, edited, [*subjects, *others], tmp_path, ontology)
    assert [node["id"] for node in json.loads(got)["@graph"]] == [s[1:-1] for s in others]


def test_to_and_from_an_empty_graph(mini: Dataset, tmp_path: Path, ontology) -> None:
    lines = mini.lines()
    got = _check(mini, [], _subjects(lines), tmp_path, ontology)
    assert json.loads(got)["@graph"] == [] and got.endswith(b'"@graph": []\n}\n')
    empty = _with_default(mini, [])
    _check(empty, [], ["<https://a.example.org/never-there>"], tmp_path, ontology)  # removing what is not there
    _check(empty, lines, _subjects(lines), tmp_path, ontology)  # an empty old graph: the new one is all given
    _check(empty, _new_subject("https://a.example.org/one"), ["<https://a.example.org/one>"], tmp_path, ontology)


def test_the_updated_file_is_json_ld_of_the_changed_graph(synthetic: Dataset, tmp_path: Path, ontology) -> None:
    lines = synthetic.lines()
    subjects = _subjects(lines)
    edited = _relabel([t for t in lines if not t.startswith(subjects[5] + " ")], subjects[10], "Ünïcode 名字")
    edited += _new_subject("https://kg.example.org/organisation/new-one")
    changed = {subjects[5], subjects[10], "<https://kg.example.org/organisation/new-one>"}
    got = _check(synthetic, edited, changed, tmp_path, ontology)
    quads = ox.serialize(ox.parse(got, format=ox.RdfFormat.JSON_LD), format=ox.RdfFormat.N_TRIPLES)
    read = Graph().parse(data=quads.decode("utf-8"), format="nt")
    expected = rdflib_graph(_with_default(synthetic, edited).default)
    assert len(read) == len(expected) == len(set(edited))
    assert isomorphic(read, expected)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits(synthetic: Dataset, tmp_path: Path, ontology, data: st.DataObject) -> None:
    lines = synthetic.lines()
    subjects = _subjects(lines)
    picked = data.draw(st.lists(st.sampled_from(subjects), unique=True, max_size=12), label="subjects")
    edited = list(lines)
    for subject in picked:
        action = data.draw(st.sampled_from(["drop", "relabel", "drop one triple", "add one triple"]), label=subject)
        own = [t for t in edited if t.startswith(subject + " ")]
        edited = [t for t in edited if not t.startswith(subject + " ")]
        if action == "relabel":
            own = _relabel(own, subject, f"new name of {subject}")
        elif action == "drop one triple":
            own.remove(data.draw(st.sampled_from(own), label="dropped"))
        elif action == "add one triple":
            own.append(line((subject[1:-1], ALT_LABEL, Lit(data.draw(st.text(max_size=8), label="alias"), "en"))))
        if action != "drop":
            edited += own
    _check(synthetic, edited, picked, tmp_path, ontology)


def test_the_shipped_ontology_gives_the_context_of_the_dataset(shipped) -> None:
    """`write` reads the ontology back from the dataset's ontology graph; `update` is given Ontology.load(None)."""
    from_dataset = jsonld.Context(jsonld.ontology_of(shipped.rdf))
    shipped_ontology = jsonld.Context(Ontology.load(None))
    assert from_dataset.as_json() == shipped_ontology.as_json()
    assert from_dataset.by_iri == shipped_ontology.by_iri and from_dataset.classes == shipped_ontology.classes


def test_what_update_refuses(mini: Dataset, tmp_path: Path, ontology) -> None:
    old = tmp_path / "old.jsonld"
    jsonld.write(mini, old)
    subject = _subjects(mini.lines())[0]
    other = _subjects(mini.lines())[1]
    stray = next(t for t in mini.lines() if t.startswith(other + " "))
    with pytest.raises(ValueError, match="must have it as subject"):
        jsonld.update_subjects(old, tmp_path / "new.jsonld", {subject: [stray]}, ontology)
    with pytest.raises(ValueError, match="given twice"):
        jsonld.update_subjects(old, tmp_path / "new.jsonld", {"_:b1": [], "<_:b1>": []}, ontology)
    with pytest.raises(ValueError, match="the old file itself"):
        jsonld.update_subjects(old, old, {subject: []}, ontology)
    narrower = Ontology(Graph())  # another ontology: another @context, so the old nodes' keys would not match
    with pytest.raises(ValueError, match="@context"):
        jsonld.update_subjects(old, tmp_path / "new.jsonld", {subject: []}, narrower)
    text = old.read_bytes()
    for broken in (
        text.replace(b'\n      "id": ', b'\n      "@id": ', 1),  # a node whose first key is not "id"
        text[: text.rindex(b"\n  ]")] + b"\n  ]\n}",  # the end cut off
        text.replace(b"},\n    {", b"}\n    {", 1),  # a separator missing
        b"",
    ):
        old.write_bytes(broken)
        with pytest.raises(ValueError, match="full build"):
            jsonld.update_subjects(old, tmp_path / "new.jsonld", {subject: [], other: []}, ontology)
