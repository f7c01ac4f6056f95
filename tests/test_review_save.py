"""kg review's save without a browser: the round trip keeps every untouched byte, decisions from the page are
checked as the loader checks ids before anything is applied, and the loader's problems are located on entries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.ontology import Ontology
from kg.review import model, save

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "review"


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load()


@pytest.fixture()
def target(tmp_path: Path) -> model.Target:
    shutil.copytree(FIXTURE, tmp_path / "data")
    return model.resolve(tmp_path / "data", "harbor-valley-battery")


def test_escapes_round_trip_as_kg_extract_writes_them() -> None:
    # kg extract writes JSON strings with U+2028, U+0085 and DEL as \u escapes (kg/extract/draftfile.py q);
    # ruamel's own emitter would write \L, \N and \x7F, changing lines nobody touched
    text = 'entities:\n  - id: a\n    class: Company\n    label: "x\\u2028y\\u0085z\\u007f \\"q\\" \\\\ \\t é"\n'
    assert model.dump(model.yaml().load(text)) == text


def test_pending_decisions_leave_the_file_byte_for_byte(target: model.Target, ontology: Ontology) -> None:
    before = target.facts.read_bytes()
    data = model.page_data(target, ontology)
    decisions = {
        "version": data["version"],
        "entities": [dict(e, decision="pending") for e in data["entities"]],
        "statements": [dict(s, decision="pending") for s in data["statements"]],
    }
    assert save.save(target, decisions, ontology).written
    assert target.facts.read_bytes() == before


@pytest.mark.parametrize("bad", ["../../etc/passwd", "Keltra", "a--b", "", "x\u2028y"])
def test_ids_from_the_page_are_checked_as_the_loader_checks_them(
    target: model.Target, ontology: Ontology, bad: str
) -> None:
    before = target.facts.read_bytes()
    data = model.page_data(target, ontology)
    entities = [dict(e, decision="accept") for e in data["entities"]]
    entities[0]["id"] = bad
    with pytest.raises(save.Refused):
        save.save(target, {"version": data["version"], "entities": entities, "statements": []}, ontology)
    assert target.facts.read_bytes() == before


def test_a_path_as_the_target_is_refused(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "data")
    from kg.errors import UsageError

    with pytest.raises(UsageError):
        model.resolve(tmp_path / "data", "../articles/harbor-valley-battery")


def test_loader_problems_are_located_on_their_entries(target: model.Target, ontology: Ontology) -> None:
    data = model.page_data(target, ontology)
    statements = [dict(s, decision="pending") for s in data["statements"]]
    statements[7]["date"] = "2026-13"
    outcome = save.save(target, {"version": data["version"], "entities": [], "statements": statements}, ontology)
    assert not outcome.written
    assert [p["key"] for p in outcome.problems] == ["s7"]
    assert str(target.facts) in outcome.problems[0]["text"]


def test_a_stale_version_is_refused(target: model.Target, ontology: Ontology) -> None:
    with pytest.raises(save.Stale):
        save.save(target, {"version": "0" * 64, "entities": [], "statements": []}, ontology)


def test_a_statement_added_from_a_later_occurrence_keeps_its_start(target: model.Target, ontology: Ontology) -> None:
    data = model.page_data(target, ontology)
    body = data["body"]
    quote = "Norvane Energy"
    later = body.find(quote, body.find(quote) + 1)
    new = {
        "key": "n1",
        "decision": "accept",
        "subject": "lin-oduya",
        "predicate": "holdsPostIn",
        "object": "norvane-energy",
        "evidence": [{"quote": quote, "start": later}],
    }
    outcome = save.save(target, {"version": data["version"], "statements": [new]}, ontology)
    assert outcome.written, outcome.problems
    assert target.facts.read_text(encoding="utf-8").endswith(
        f"    evidence: {{quote: Norvane Energy, start: {later}}}\n"
    )
    moved = dict(new, evidence=[{"quote": quote, "start": later + 1}])
    data = model.page_data(target, ontology)
    with pytest.raises(save.Refused, match="not the article's text"):
        save.save(target, {"version": data["version"], "statements": [moved]}, ontology)


def test_every_facts_file_of_the_repo_round_trips_byte_for_byte() -> None:
    root = FIXTURE.parent.parent.parent
    paths = sorted([*root.glob("data/facts/*.yaml"), *root.glob("tests/fixtures/**/facts/*.yaml")])
    assert len(paths) >= 10
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert model.dump(model.yaml().load(text)) == text, path
