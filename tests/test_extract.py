"""kg extract: the targets through the real evaluation, the draft format through the real loader, --merge,
resolution, dates, and bad input through the real command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import cli
from kg.extract import draftfile, evaluate, extract, fit_ontology, when
from kg.extract.entities import Known, resolve
from kg.extract.model import DraftEntity, DraftStatement
from kg.ontology import Ontology
from kg.pipeline import run as pipeline
from kg.read import regions, yamlsafe
from tests.conftest import run_kg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHIPPED = DATA / "articles" / "china-times-blockchain-lingang.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract"
# The first two were written with the rules; the others later, to measure them on text they were not written
# for (their first, untuned scores are in docs/how-to/extract.md).
FICTIONAL = [
    "beishan-green-finance",
    "qinglan-digital-economy",
    "lanshui-hydrogen-corridor",
    "yunze-chip-summit",
    "tongya-logistics-hub",
    "lanbei-hydrogen-deal",  # real-news styles (issue 18), written with the rules
    "qiaoling-chip-fund",  # real-news styles, held out: first run untuned entities F1 0.70, statements F1 0.43
]


def kg(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def scores(article: Path, data: Path) -> evaluate.Evaluation:
    draft = extract(article, data, ignore_own=True)
    return evaluate.evaluate(draft, evaluate.read_gold(data / "facts" / f"{article.stem}.yaml"))


def workspace(tmp_path: Path, *articles: Path) -> Path:
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    for article in articles:
        shutil.copy(article, data / "articles" / article.name)
    return data


# -- targets, measured by the same evaluation `kg extract --evaluate` prints ---------------------------------


def test_shipped_article_meets_the_targets():
    result = scores(SHIPPED, DATA)
    assert result.entities.f1 >= 0.90, evaluate.report([result])
    assert result.statements.f1 >= 0.70, evaluate.report([result])


@pytest.mark.parametrize("slug", FICTIONAL)
def test_fictional_articles_meet_the_targets(slug):
    result = scores(FIXTURES / "articles" / f"{slug}.md", FIXTURES)
    assert result.entities.f1 >= 0.85, evaluate.report([result])
    assert result.statements.f1 >= 0.60, evaluate.report([result])


# Each repository article's figures as docs/how-to/extract.md's table gives them (precision, recall; entities then
# statements): a rule that costs any of them a point fails here even when F1 stays above its target.
KEPT_SCORES = {
    "china-times-blockchain-lingang": (0.98, 1.00, 0.97, 0.89),
    "beishan-green-finance": (1.00, 1.00, 1.00, 0.86),
    "qinglan-digital-economy": (1.00, 1.00, 1.00, 0.94),
    "lanshui-hydrogen-corridor": (0.94, 1.00, 0.96, 0.92),
    "yunze-chip-summit": (1.00, 1.00, 1.00, 0.78),
    "tongya-logistics-hub": (0.87, 1.00, 1.00, 0.87),
    "lanbei-hydrogen-deal": (1.00, 1.00, 0.97, 0.94),
    "qiaoling-chip-fund": (1.00, 1.00, 1.00, 0.93),
}


@pytest.mark.parametrize("slug", sorted(KEPT_SCORES))
def test_repository_articles_keep_their_scores(slug):
    article, data = (SHIPPED, DATA) if slug == SHIPPED.stem else (FIXTURES / "articles" / f"{slug}.md", FIXTURES)
    result = scores(article, data)
    measured = tuple(
        round(x, 2)
        for x in (
            result.entities.precision,
            result.entities.recall,
            result.statements.precision,
            result.statements.recall,
        )
    )
    kept = KEPT_SCORES[slug]
    assert all(m >= k for m, k in zip(measured, kept, strict=True)), (measured, kept, evaluate.report([result]))


def test_fictional_facts_files_build():
    build = pipeline.load(FIXTURES)
    assert set(build.facts.sources) == set(FICTIONAL)


def test_evaluate_command_prints_the_table_misses_and_false_alarms(capsys):
    code, out, _ = kg(capsys, "extract", "--evaluate", "--data", str(DATA))
    assert code == 0
    assert out.startswith("| article | entities P | R | F1 | statements P | R | F1 |")
    assert "| china-times-blockchain-lingang | " in out
    assert "  miss         statement " in out and "  false alarm  " in out


def test_scorer_is_strict_about_class_and_counts_both_errors():
    draft = extract(SHIPPED, DATA, ignore_own=True)
    gold = evaluate.read_gold(DATA / "facts" / "china-times-blockchain-lingang.yaml")
    before = evaluate.evaluate(draft, gold)
    linked = {st.subject.label for st in draft.statements if st.predicate != "mentions"}
    person = next(e for e in draft.entities if e.cls == "Person" and e.label in linked)
    person.cls = "Organisation"  # right name, wrong class: no longer a match
    after = evaluate.evaluate(draft, gold)
    assert after.entities.tp == before.entities.tp - 1
    assert after.entities.fp == before.entities.fp + 1
    assert after.entities.fn == before.entities.fn + 1
    assert after.statements.tp < before.statements.tp  # its statements no longer match either


def test_an_empty_draft_scores_nothing():
    draft = extract(SHIPPED, DATA, ignore_own=True)
    draft.entities, draft.statements = [], []
    result = evaluate.evaluate(draft, evaluate.read_gold(DATA / "facts" / "china-times-blockchain-lingang.yaml"))
    assert result.entities.recall == 0 and result.statements.recall == 0
    assert result.entities.fn == 52 and result.statements.fn > 70


# -- the draft file -----------------------------------------------------------------------------------------


def test_draft_is_written_in_the_loader_format_and_builds(tmp_path, capsys):
    data = workspace(tmp_path, SHIPPED, *(FIXTURES / "articles").glob("*.md"))
    for article in sorted((data / "articles").glob("*.md")):
        code, out, err = kg(capsys, "extract", str(article), "--data", str(data))
        assert code == 0, err
        assert out.startswith(f"wrote {data / 'facts' / article.stem}.yaml: ")
    build = pipeline.load(data)  # every check of kg build: ids, classes, domains, ranges, quotes, codes
    body = build.facts.sources["china-times-blockchain-lingang"].body
    statements = [s for s in build.facts.statements if s.source == "china-times-blockchain-lingang"]
    assert len(statements) > 60
    for statement in statements:
        for evidence in statement.evidence:
            assert body[evidence.start : evidence.end] == evidence.quote
    text = (data / "facts" / "china-times-blockchain-lingang.yaml").read_text(encoding="utf-8")
    entries = text.count("\n  - id: ") + text.count("\n  - subject: ")
    assert text.count("\n    draft: {rule: ") == entries  # every entry says it is a draft, with its rule
    assert "confidence: 0." in text


def test_draft_resolves_against_other_facts_files_and_records_how(tmp_path):
    draft = extract(FIXTURES / "articles" / "beishan-green-finance.md", FIXTURES, ignore_own=True)
    china = next(e for e in draft.entities if e.label == "China")
    assert china.resolved == "china"  # declared in qinglan-digital-economy.yaml
    assert "same ISO 3166 code CN" in china.resolution
    text = draftfile.render(draft, "beishan-green-finance.md")
    assert '- {mention: "China", id: china, how: "resolved to ' in text
    assert "\n  - id: china\n" not in text  # not declared twice
    assert "    object: china\n" in text


def test_same_thing_merges_and_different_things_stay_apart():
    draft = extract(SHIPPED, DATA, ignore_own=True)
    labels = {e.label: e for e in draft.entities}
    assert "Binance" in labels and "Binance China" in labels
    assert labels["Binance"] is not labels["Binance China"]
    assert labels["Hai Yu"].aliases == ["Haiyu"]  # apposition and speech spell the name two ways
    assert "merged 'Haiyu'" in labels["Hai Yu"].resolution
    assert labels["Hunan"].iso3166 == "CN-HN" and "Hunan Province" in labels["Hunan"].aliases


def test_resolution_rules_against_known_entities():
    known = [
        Known("acme", "Company", "Acme"),
        Known("mei-lan", "Person", "Mei Lan"),
        Known("xyz-government", "GovernmentBody", "People's Government of Xyz Province"),
    ]
    entities = [
        DraftEntity("Company", "Acme China", "Organisation", "org-slot", 0.6),
        DraftEntity("Company", "ACME", "Organisation", "org-slot", 0.6),
        DraftEntity("Person", "Meilan", "Person", "person-speech", 0.7),
        DraftEntity("GovernmentBody", "Xyz Provincial Government", "Organisation", "org-head", 0.8),
        DraftEntity("Province", "Acme", "Region", "region-head", 0.8),
    ]
    resolve(entities, known)
    assert [e.resolved for e in entities] == ["", "acme", "mei-lan", "xyz-government", ""]
    assert "case or spacing" in entities[1].resolution
    assert "without spaces or hyphens" in entities[2].resolution


def test_extraction_is_deterministic():
    first = draftfile.render(extract(SHIPPED, DATA, ignore_own=True), str(SHIPPED))
    second = draftfile.render(extract(SHIPPED, DATA, ignore_own=True), str(SHIPPED))
    assert first == second


def test_never_overwrites_without_force(tmp_path, capsys):
    data = workspace(tmp_path, SHIPPED)
    target = data / "facts" / "china-times-blockchain-lingang.yaml"
    target.parent.mkdir()
    target.write_text("# reviewed by a person\n", encoding="utf-8")
    code, _, err = kg(capsys, "extract", str(data / "articles" / SHIPPED.name), "--data", str(data))
    assert code == 2
    assert "exists; pass --merge" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "# reviewed by a person\n"
    code, _, err = kg(capsys, "extract", str(data / "articles" / SHIPPED.name), "--data", str(data), "--force")
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("# Draft facts proposed by `kg extract`")
    code, _, err = kg(capsys, "extract", str(SHIPPED), "-o", str(target), "--force", "--merge")
    assert code == 2 and "exclude each other" in err


def test_merge_keeps_every_reviewed_line_and_adds_only_new_proposals(tmp_path, capsys):
    data = workspace(tmp_path, SHIPPED)
    (data / "facts").mkdir()
    curated = (DATA / "facts" / "china-times-blockchain-lingang.yaml").read_text(encoding="utf-8")
    target = data / "facts" / "china-times-blockchain-lingang.yaml"
    target.write_text(curated, encoding="utf-8")
    code, out, err = kg(capsys, "extract", str(data / "articles" / SHIPPED.name), "--data", str(data), "--merge")
    assert code == 0, err
    merged = target.read_text(encoding="utf-8")
    # the curated file survives line for line, in order; what was added is marked as a draft
    lines = iter(merged.splitlines())
    assert all(any(line == other for other in lines) for line in curated.splitlines())
    added = len(merged.splitlines()) - len(curated.splitlines())
    assert 0 < added < 80 and "new statements" in out
    assert merged.count("draft: {rule: ") >= 1
    pipeline.load(data)  # still builds
    # a second merge finds nothing new and leaves the file byte for byte
    code, out, _ = kg(capsys, "extract", str(data / "articles" / SHIPPED.name), "--data", str(data), "--merge")
    assert code == 0 and "0 new entities, 0 new statements" in out
    assert target.read_text(encoding="utf-8") == merged


def test_merge_into_a_partly_reviewed_draft(tmp_path, capsys):
    data = workspace(tmp_path, SHIPPED)
    article = str(data / "articles" / SHIPPED.name)
    assert kg(capsys, "extract", article, "--data", str(data))[0] == 0
    target = data / "facts" / "china-times-blockchain-lingang.yaml"
    text = target.read_text(encoding="utf-8")
    head, statements = text.split("\nstatements:\n")
    blocks = statements.split("  - subject: ")[1:]
    kept = blocks[: len(blocks) // 2]
    reviewed = (
        head
        + "\nstatements:\n"
        + "".join("  - subject: " + b.replace("    draft: ", "    # reviewed, was: ") for b in kept)
    )
    target.write_text(reviewed, encoding="utf-8")
    code, out, err = kg(capsys, "extract", article, "--data", str(data), "--merge")
    assert code == 0, err
    merged = target.read_text(encoding="utf-8")
    assert merged.startswith(reviewed.split("\nstatements:\n")[0])
    assert reviewed.split("\nstatements:\n")[1] in merged  # the reviewed statements, untouched and in place
    assert f"{len(blocks) - len(kept)} new statements" in out
    pipeline.load(data)


# -- bad input -------------------------------------------------------------------------------------------------

FRONT = "---\ntitle: A headline\ndate: 2021-04\nlanguage: en\n---\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "front matter"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (FRONT.encode() + "Caf\u00e9 society".encode("latin-1"), "UTF-8"),
        (b"Just some text without any front matter.\n", "front matter"),
        (FRONT.encode() + b"Word after word. " * 700_000, "kg extract takes at most"),
        (b"\xff\xfe" + "---\ntitle: x\n---\ntext".encode("utf-16-le"), "UTF-16"),
    ],
    ids=["empty", "binary", "latin-1", "no-front-matter", "10-mb", "utf-16"],
)
def test_bad_articles_fail_cleanly_and_write_nothing(tmp_path, capsys, content, message):
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    article = data / "articles" / "bad-article.md"
    article.write_bytes(content)
    code, out, err = kg(capsys, "extract", str(article), "--data", str(data))
    assert code == 1
    assert err.startswith("kg: error: ") and message in err
    assert "Traceback" not in err and out == ""
    assert not (data / "facts").exists()  # no facts file, not even a temporary one


def test_usage_errors(tmp_path, capsys):
    code, _, err = kg(capsys, "extract", str(tmp_path / "missing.md"))
    assert code == 2 and "no such article file" in err
    code, _, err = kg(capsys, "extract")
    assert code == 2 and "exactly one ARTICLE" in err
    code, _, err = kg(capsys, "extract", "--evaluate", "--data", str(tmp_path))
    assert code == 2 and "no article" in err


# -- dates --------------------------------------------------------------------------------------------------


def test_dates_are_anchored_on_the_article_date():
    assert when.day_in("On March 27, the institute opened.", (2020, 3)) == "2020-03-27"
    assert when.day_in("On the afternoon of March 30th, at the forum", (2020, 3)) == "2020-03-30"
    assert when.normalise("December", "5", None, (2020, 3)) == "2019-12-05"  # last December, not next
    assert when.normalise("March", "5", "2018", (2020, 3)) == "2018-03-05"
    assert when.normalise("February", "30", None, (2020, 3)) == ""  # no such day: no date rather than a wrong one
    assert when.day_in("The plan mentions March 27 in passing.", (2020, 3)) == ""  # not the event's date


def test_same_day_and_same_event_inherit_the_date():
    draft = extract(SHIPPED, DATA, ignore_own=True)
    dates = {(s.subject.label, s.predicate): s.value for s in draft.statements if s.value and "-" in s.value}
    # "On March 23, ..." then "On the same day, Fujian Province issued twelve measures"
    measures = next(e for e in draft.entities if e.cls == "Measures")
    assert dates[(measures.label, "dateIssued")] == "2020-03-23"
    fund = extract(FIXTURES / "articles" / "beishan-green-finance.md", FIXTURES, ignore_own=True)
    founding = [s for s in fund.statements if s.predicate == "foundingDate"]
    assert [s.value for s in founding] == ["2022-05-20"]  # "At the same forum" -> the forum's date


# -- gazetteers ------------------------------------------------------------------------------------------------


def test_cities_come_from_geonames_with_their_id_for_the_reviewer(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    article = data / "articles" / "city-test.md"
    article.write_text(
        "---\ntitle: T\ndate: 2024-05\nlanguage: en\ntranslated_from: zh\n---\n"
        "Shenzhen and Chengdu are competing for chip plants, said Mei Lan, an analyst at Acme Group. "
        "Acme Group is headquartered in Dongxiao City.\n",
        encoding="utf-8",
    )
    draft = extract(article, data)
    cities = {e.label: e for e in draft.entities if e.cls == "City"}
    assert set(cities) == {"Shenzhen", "Chengdu", "Dongxiao City"}  # two by name alone, one by its head
    assert cities["Shenzhen"].geonames == "1795565" and cities["Shenzhen"].rule == "city-gazetteer"
    assert "check that the article means this place" in cities["Shenzhen"].note
    assert cities["Dongxiao City"].geonames == ""  # an invented city gets no identifier
    # the Chinese name of a province comes from pycountry at build time; the draft carries the code,
    hunan = next(e for e in extract(SHIPPED, DATA, ignore_own=True).entities if e.label == "Hunan")
    assert regions.lookup(hunan.iso3166).name_zh == "湖南省"
    # and the draft shows the reviewer the name kg build will add as the @zh label
    text = draftfile.render(extract(SHIPPED, DATA, ignore_own=True), "x")
    hunan_block = text[text.index("  - id: hunan\n") :].split("\n  - ")[0]
    assert "    iso3166: CN-HN\n" in hunan_block and hunan_block.endswith(', zh: "湖南省"}')


def test_merge_into_empty_lists(tmp_path, capsys):
    data = workspace(tmp_path, SHIPPED)
    (data / "facts").mkdir()
    target = data / "facts" / "china-times-blockchain-lingang.yaml"
    target.write_text(
        "# started by hand\narticle: china-times-blockchain-lingang\nentities: []\nstatements:\n", encoding="utf-8"
    )
    code, out, err = kg(capsys, "extract", str(data / "articles" / SHIPPED.name), "--data", str(data), "--merge")
    assert code == 0, err
    assert out.startswith(f"merged into {target}: ")
    merged = target.read_text(encoding="utf-8")
    assert merged.startswith("# started by hand\narticle: china-times-blockchain-lingang\nentities:\n  - id: ")
    assert pipeline.load(data).facts.statements


def test_help_shows_the_examples(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["extract", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "\nkg extract data/articles/x.md -o -            prints the draft\n" in out
    assert "--merge" in out and "--evaluate" in out


def test_proposals_outside_the_ontology_are_listed_not_written():
    draft = extract(SHIPPED, DATA, ignore_own=True)
    person = next(e for e in draft.entities if e.cls == "Person")
    region = next(e for e in draft.entities if e.cls == "Province")
    draft.statements.append(DraftStatement(region, "holdsPostIn", "test-rule", 0.5, [(0, 10)], object=person))
    fit_ontology(draft, Ontology.load(None))
    assert all(st.rule != "test-rule" for st in draft.statements)
    text = draftfile.render(draft, "x.md")
    assert "  refused:  # proposals the ontology does not allow" in text
    assert f'    - "{region.label} holdsPostIn {person.label} (test-rule: outside domain or range)"' in text


def test_same_bytes_in_fresh_processes_with_different_hash_seeds(tmp_path):
    outputs = []
    for seed in ("1", "2", "3"):
        result = run_kg("extract", str(SHIPPED), "--data", str(FIXTURES), "-o", "-", env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count("\n  - subject: ") > 60


@pytest.mark.parametrize("brk", ["\n", "\r", "\x85", "\u2028"])
def test_a_line_break_in_the_articles_directory_stays_in_the_header_comment(tmp_path, capsys, brk):
    """The draft's header comment names the article's path: a line break in a directory's name ended the
    comment and put YAML keys of the name's choosing into the draft (here a second 'article:')."""
    data = tmp_path / "data"
    (data / "facts").mkdir(parents=True)
    folder = tmp_path / f"x{brk}article: injected{brk}entities: [1]{brk}#"
    folder.mkdir()
    shutil.copy(SHIPPED, folder / SHIPPED.name)
    code, _, err = kg(capsys, "extract", str(folder / SHIPPED.name), "--data", str(data))
    assert code == 0, err
    text = (data / "facts" / f"{SHIPPED.stem}.yaml").read_text(encoding="utf-8")
    header = text[: text.index("\narticle: ") + 1]
    assert all(line.startswith("# ") for line in header.splitlines()), header
    escaped = brk.encode("unicode_escape").decode("ascii")
    assert f"x{escaped}article: injected{escaped}entities: [1]{escaped}#" in header
    facts = yamlsafe.load(text, "draft.yaml")
    assert facts["article"] == SHIPPED.stem and "injected" not in str(facts["entities"])
