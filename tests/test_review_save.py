"""kg review's save without a browser: the round trip keeps every untouched byte, decisions from the page are
checked as the loader checks ids before anything is applied, and the loader's problems are located on entries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.ontology import Ontology
from kg.serve.review import model, save

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
        assert model.dump(model.yaml().load(text), text) == text, path


def test_escapes_a_person_wrote_come_back_as_written() -> None:
    # a hand-written file spells values in its own escapes (tests/fixtures/golden's "Ada\x7fWu"): an entry the
    # review did not touch keeps them; an edited value is written as kg extract writes it
    text = (
        'entities:\n  - id: a\n    class: Company\n    label: "Ada\\x7fWu"\n'
        '    aliases: ["caf\\u00e9", "\\x41\\U0001F600", "tab\\there"]\n'
    )
    doc = model.yaml().load(text)
    assert doc["entities"][0]["label"] == "Ada\x7fWu" and doc["entities"][0]["aliases"][1] == "A\U0001f600"
    assert model.dump(doc, text) == text
    doc["entities"][0]["label"] = "Ada\x7fLi"
    assert model.dump(doc, text) == text.replace('"Ada\\x7fWu"', '"Ada\\u007fLi"')


# -- entities added from a selection ------------------------------------------------------------------------

A_NEW_ENTITY = {"key": "ne1", "decision": "accept", "id": "harbor-valley", "class": "City", "label": "Harbor Valley"}


def test_an_added_entity_is_written_after_the_others_without_draft_and_can_be_named(
    target: model.Target, ontology: Ontology
) -> None:
    data = model.page_data(target, ontology)
    before = target.facts.read_text(encoding="utf-8")
    body = data["body"]
    quote = "Harbor Valley Battery Institute was officially established"
    located = {
        "key": "n1",
        "decision": "accept",
        "subject": "harbor-valley-battery-institute",
        "predicate": "locatedIn",
        "object": "harbor-valley",
        "evidence": [{"quote": quote, "start": body.find(quote)}],
    }
    added = dict(A_NEW_ENTITY, aliases=['Harbor "Valley"'])
    outcome = save.save(target, {"version": data["version"], "entities": [added], "statements": [located]}, ontology)
    assert outcome.written, outcome.problems
    text = target.facts.read_text(encoding="utf-8")
    # the entity goes at the end of the entities, its label and aliases double-quoted as the draft's are
    entity = (
        '  - id: harbor-valley\n    class: City\n    label: "Harbor Valley"\n    aliases: ["Harbor \\"Valley\\""]\n'
    )
    last = before.index("    draft: {rule: org-head, confidence: 0.40}\n") + len(
        "    draft: {rule: org-head, confidence: 0.40}\n"
    )
    statement = (
        "  - subject: harbor-valley-battery-institute\n    predicate: locatedIn\n    object: harbor-valley\n"
        f"    evidence: {quote}\n"
    )
    assert text == before[:last] + entity + before[last:] + statement
    # read back, it is an entity of the file like any other, accepted (no draft)
    again = model.page_data(target, ontology)
    assert again["entities"][-1] == {
        "key": "e10",
        "id": "harbor-valley",
        "class": "City",
        "label": "Harbor Valley",
        "aliases": ['Harbor "Valley"'],
        "iso3166": "",
        "note": "",
        "draft": None,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "Harbor Valley"}, "is not an id"),
        ({"id": "../x"}, "is not an id"),
        ({"class": "Town"}, "not a class of the ontology"),
        ({"label": " "}, "label is empty"),
        ({"aliases": ["ok", ""]}, "alias is empty"),
        ({"key": "ne0"}, "unknown entry"),
        ({"key": "nex"}, "unknown entry"),
    ],
)
def test_an_added_entity_is_checked_before_anything_is_applied(
    target: model.Target, ontology: Ontology, change: dict, message: str
) -> None:
    before = target.facts.read_bytes()
    data = model.page_data(target, ontology)
    with pytest.raises(save.Refused, match=message):
        save.save(target, {"version": data["version"], "entities": [dict(A_NEW_ENTITY, **change)]}, ontology)
    assert target.facts.read_bytes() == before


@pytest.mark.parametrize("taken", ["keltra-holdings", "keltra-profile"])
def test_an_added_entity_may_not_take_another_files_id_or_an_articles(
    target: model.Target, ontology: Ontology, taken: str
) -> None:
    # the loader would report keltra-holdings on keltra-profile.yaml (read after this file), not on the new entry
    before = target.facts.read_bytes()
    data = model.page_data(target, ontology)
    with pytest.raises(save.Refused, match=f"the id '{taken}' is taken by") as refused:
        save.save(target, {"version": data["version"], "entities": [dict(A_NEW_ENTITY, id=taken)]}, ontology)
    assert refused.value.key == "ne1"
    assert target.facts.read_bytes() == before


def test_an_added_entity_with_an_id_of_this_file_is_the_loaders_problem_on_it(
    target: model.Target, ontology: Ontology
) -> None:
    before = target.facts.read_bytes()
    data = model.page_data(target, ontology)
    added = dict(A_NEW_ENTITY, id="mira-castell")
    outcome = save.save(target, {"version": data["version"], "entities": [added]}, ontology)
    assert not outcome.written
    assert [(p["key"], p["message"]) for p in outcome.problems] == [("ne1", "duplicate id 'mira-castell'")]
    assert target.facts.read_bytes() == before


def test_a_renamed_entity_may_not_take_another_files_id(target: model.Target, ontology: Ontology) -> None:
    data = model.page_data(target, ontology)
    renamed = dict(data["entities"][5], decision="accept", id="keltra-holdings")  # keltra-group: merge, not rename
    with pytest.raises(save.Refused, match=r"taken by 'Keltra Holdings' of .*keltra-profile\.yaml: merge into it"):
        save.save(target, {"version": data["version"], "entities": [renamed]}, ontology)


@pytest.mark.parametrize("decision", ["reject", "merge"])
def test_an_added_entity_rejected_or_merged_writes_nothing(
    target: model.Target, ontology: Ontology, decision: str
) -> None:
    before = target.facts.read_bytes()
    data = model.page_data(target, ontology)
    dropped = dict(A_NEW_ENTITY, decision=decision, into="keltra-holdings")
    assert save.save(target, {"version": data["version"], "entities": [dropped]}, ontology).written
    assert target.facts.read_bytes() == before


def test_page_data_lists_the_article_slugs_an_added_entity_may_not_take(
    target: model.Target, ontology: Ontology
) -> None:
    assert model.page_data(target, ontology)["articles"] == ["harbor-valley-battery", "keltra-profile"]


@pytest.mark.parametrize("alias", ["? x", ":x", "? - x", "?"])
def test_aliases_a_plain_file_cannot_write_plain_are_quoted(tmp_path: Path, ontology: Ontology, alias: str) -> None:
    # a curated file's lists are plain ([Keltra]); ruamel wrote these plain too, which kg's loader reads as a mapping
    # or refuses as a syntax error, so the save failed on the file's own text
    shutil.copytree(FIXTURE, tmp_path / "data")
    target = model.resolve(tmp_path / "data", "keltra-profile")
    data = model.page_data(target, ontology)
    entities = [dict(e, decision="accept") for e in data["entities"]]
    entities[0]["aliases"] = ["Keltra", alias]
    outcome = save.save(target, {"version": data["version"], "entities": entities}, ontology)
    assert outcome.written, outcome.problems
    assert model.page_data(target, ontology)["entities"][0]["aliases"] == ["Keltra", alias]
    assert f'    aliases: [Keltra, "{alias}"]\n' in target.facts.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("code", "outcome"),
    [("cn-zj", "    iso3166: CN-ZJ\n"), ("CN-SC", "Sichuan"), ("CN-Z!", "not an ISO 3166 code")],
)
def test_an_added_place_may_carry_its_iso_3166_code(
    target: model.Target, ontology: Ontology, code: str, outcome: str
) -> None:
    data = model.page_data(target, ontology)
    quote = "The Zhejiang Provincial Government issued"
    governs = {
        "key": "n1",
        "decision": "accept",
        "subject": "zhejiang-provincial-government",
        "predicate": "jurisdiction",
        "object": "zhejiang",
        "evidence": [{"quote": quote, "start": data["body"].find(quote)}],
    }
    place = {"key": "ne1", "decision": "accept", "id": "zhejiang", "class": "Province", "label": "Zhejiang"}
    decisions = {"version": data["version"], "entities": [dict(place, iso3166=code)], "statements": [governs]}
    if outcome.startswith("not"):
        with pytest.raises(save.Refused, match=outcome):
            save.save(target, decisions, ontology)
        return
    result = save.save(target, decisions, ontology)
    if outcome.startswith("    "):
        assert result.written, result.problems
        assert outcome in target.facts.read_text(encoding="utf-8")
    else:  # a code of another place: the loader's problem, on the added entity
        assert not result.written
        assert [p["key"] for p in result.problems] == ["ne1"] and outcome in result.problems[0]["message"]


def test_an_iso_3166_code_is_for_an_added_place_only(target: model.Target, ontology: Ontology) -> None:
    data = model.page_data(target, ontology)
    company = dict(A_NEW_ENTITY, **{"class": "Company", "iso3166": "CN"})
    with pytest.raises(save.Refused, match="for places only"):
        save.save(target, {"version": data["version"], "entities": [company]}, ontology)
