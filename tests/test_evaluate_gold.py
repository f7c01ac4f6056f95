"""`kg extract --evaluate --gold DIR`: the scorer over a directory of articles with hand-written facts.

The figures are checked on drafts written by hand against the fictional gold files of tests/fixtures/gold/, so
every expected number below was counted by hand from the two files (and does not move when the rules change);
the command line is run for real over the same directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.extract import evaluate
from kg.extract.model import Draft, DraftEntity, DraftStatement
from kg.ontology import Ontology
from tests.conftest import run_kg

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
WIRE = "harbour-wire-qiaoshan-hydrogen-park"
LEDGER = "southern-ledger-fenghe-digital-farming"


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load()


def entity(cls: str, label: str, *aliases: str) -> DraftEntity:
    return DraftEntity(cls, label, cls, "hand", 1.0, aliases=list(aliases))


def statement(subject, predicate, obj=None, *, value=None, date="") -> DraftStatement:
    return DraftStatement(subject, predicate, "hand", 1.0, [(0, 1)], object=obj, value=value, date=date)


def wire_draft() -> Draft:
    """A draft of the wire story with every kind of hit and error the scorer tells apart."""
    article = DraftEntity("Article", "Qiaoshan opens hydrogen park", "Article", "front-matter", 1.0)
    a = entity("Person", "Wen Lijia")
    b = entity("MediaOutlet", "Harbour Wire")
    c = entity("SpecialEconomicZone", "Qiaoshan Hydrogen Industrial Park")  # gold: IndustrialPark (family hit)
    d = entity("City", "Qiaoshan")
    e = entity("Province", "Donghai")  # not in the gold (a false alarm); Mingjiang province is missed
    f = entity("Person", "Mr. Tang")  # the gold alias "Mr Tang"
    g = entity("Fund", "Qiaoshan Green Energy Fund")
    h = entity("Organisation", "Lanfeng Motors")  # gold: Company (family hit)
    i = entity("Person", "Xu Mingyao (许明瑶)")
    j = entity("University", "Mingjiang University of Technology")
    k = entity("Company", "Fuel Cell Laboratory")  # not in the gold
    lg = entity("GovernmentBody", "the Qiaoshan Municipal Government")
    statements = [
        statement(article, "author", a),
        statement(c, "partOf", d),
        statement(d, "partOf", e),  # false alarm: e matched nothing
        statement(g, "investedIn", c, date="2023-05-12"),  # right date
        statement(f, "holdsPostIn", lg),
        statement(f, "quotedIn", article, date="2023-05-11"),  # right statement, wrong date
        statement(i, "quotedIn", article),
        statement(i, "holdsPostIn", h),
        statement(j, "partnerOf", h),  # the gold states it the other way round: symmetric
        statement(g, "foundedBy", lg),
        statement(k, "locatedIn", c),  # false alarm
        statement(article, "mentions", e),  # mentions: counted apart, not as relations
        statement(article, "mentions", b),
        statement(lg, "quotedIn", article, date="2023-05-12"),  # a body quoted; the gold gives no date
    ]
    return Draft(WIRE, "", "hand", [a, b, c, d, e, f, g, h, i, j, k, lg], statements, article)


def counts(score: evaluate.Score) -> tuple[int, int, int]:
    return (score.tp, score.fp, score.fn)


def test_scores_counted_by_hand(ontology: Ontology) -> None:
    gold = evaluate.read_gold(GOLD / f"{WIRE}.yaml", ontology, self_contained=True)
    assert len(gold.entities) == 14 and len(gold.statements) == 16
    r = evaluate.evaluate(wire_draft(), gold, ontology)
    # 8 exact matches; 2 family-only (a false alarm for the proposed class, a miss for the gold class); 2 proposals
    # that match nothing; 4 gold entities nobody proposed (Mingjiang province, China, the group, the commission)
    assert counts(r.entities) == (8, 4, 6)
    assert counts(r.families) == (10, 2, 4)
    assert {k: counts(v) for k, v in r.by_family.items()} == {
        "Organisation": (5, 1, 2),
        "Person": (3, 0, 0),
        "Region": (2, 1, 2),
    }
    assert {k: counts(v) for k, v in r.by_class.items()} == {
        "City": (1, 0, 0),
        "Company": (0, 1, 2),
        "Country": (0, 0, 1),
        "Fund": (1, 0, 0),
        "GovernmentBody": (1, 0, 1),
        "IndustrialPark": (0, 0, 1),
        "MediaOutlet": (1, 0, 0),
        "Organisation": (0, 1, 0),
        "Person": (3, 0, 0),
        "Province": (0, 1, 1),
        "SpecialEconomicZone": (0, 1, 0),
        "University": (1, 0, 0),
    }
    # 12 relation statements proposed (the two mentions apart), 10 of them in the gold's 16
    assert counts(r.statements) == (10, 2, 6)
    assert {k: counts(v) for k, v in r.by_predicate.items()} == {
        "author": (1, 0, 0),
        "foundedBy": (1, 0, 1),
        "holdsPostIn": (2, 0, 0),
        "investedIn": (1, 0, 0),
        "jurisdiction": (0, 0, 1),
        "locatedIn": (0, 1, 0),
        "managedBy": (0, 0, 1),
        "partOf": (1, 1, 2),
        "partnerOf": (1, 0, 0),
        "publisher": (0, 0, 1),
        "quotedIn": (3, 0, 0),
    }
    # dated gold facts: the investment (right date) and the mayor's quote (proposed 05-11); the body's quote has a
    # date in the draft but none in the gold
    assert counts(r.dates) == (1, 2, 1)
    assert counts(r.quoted_people) == (2, 0, 0)  # the government body's quote is not a person's
    assert counts(r.mentions) == (1, 1, 13)
    assert counts(r.reached) == (10, 0, 4)
    assert counts(r.proposals) == (18, 6, 12)
    assert r.proposals.precision == 0.75
    assert "class  hydrogen-park is IndustrialPark, proposed as SpecialEconomicZone 'Qiaoshan Hydrogen Industrial " in (
        "\n".join(r.wrong)
    )
    assert any(w.startswith("date   tang-yuhan quotedIn") and "proposed 2023-05-11" in w for w in r.wrong)
    assert "statement ?Fuel Cell Laboratory locatedIn hydrogen-park" in r.false_alarms
    assert "entity Province 'Mingjiang province' (mingjiang, line 17)" in r.misses


def test_totals_add_articles_up(ontology: Ontology) -> None:
    wire = evaluate.evaluate(wire_draft(), evaluate.read_gold(GOLD / f"{WIRE}.yaml", ontology), ontology)
    empty = Draft(LEDGER, "", "hand", [], [], DraftEntity("Article", "x", "Article", "front-matter", 1.0))
    ledger = evaluate.evaluate(empty, evaluate.read_gold(GOLD / f"{LEDGER}.yaml", ontology), ontology)
    assert counts(ledger.entities) == (0, 0, 12) and counts(ledger.statements) == (0, 0, 15)
    assert counts(ledger.dates) == (0, 0, 3)  # issuedBy and quotedIn with a date, and the dateIssued value
    assert counts(ledger.quoted_people) == (0, 0, 1)
    both = evaluate.total([wire, ledger])
    assert counts(both.entities) == (8, 4, 18) and counts(both.statements) == (10, 2, 21)
    assert counts(both.by_class["Person"]) == (3, 0, 3)
    assert counts(both.by_predicate["quotedIn"]) == (3, 0, 2)
    figures = json.loads(evaluate.as_json([wire, ledger], ["a warning"]))
    assert figures["total"]["entities"] == {
        "tp": 8,
        "fp": 4,
        "fn": 18,
        "given": 0,
        "precision": 0.6667,
        "recall": 0.3077,
        "f1": 0.4211,
    }
    assert [a["article"] for a in figures["articles"]] == [WIRE, LEDGER]
    assert figures["warnings"] == ["a warning"]
    # each article's misses, false alarms and wrong classes or dates, as the report lists them
    for article, result in zip(figures["articles"], [wire, ledger], strict=True):
        assert article["misses"] == result.misses and article["false_alarms"] == result.false_alarms
        assert article["wrong"] == result.wrong and article["misses"], "the wire article has misses"
    text = evaluate.table([wire, ledger])
    assert "| TOTAL | 0.67 | 0.31 | 0.42 | 0.83 | 0.32 | 0.47 |" in text
    assert "| quotedIn | 3 | 0 | 2 | 1.00 | 0.60 | 0.75 |" in text
    assert "| Fund | 1 | 0 | 1 | 1.00 | 0.50 | 0.67 |" in text


def test_front_matter_facts_count_as_found_and_apart(tmp_path: Path, ontology: Ontology) -> None:
    # kg build makes the author/publisher statements (and their Person/MediaOutlet entities) from the front matter,
    # so a draft does not propose them: the scorer counts them as found, apart, and never as proposals
    gold = evaluate.read_gold(GOLD / f"{LEDGER}.yaml", ontology)
    empty = Draft(LEDGER, "", "hand", [], [], DraftEntity("Article", "x", "Article", "front-matter", 1.0))
    article = tmp_path / f"{LEDGER}.md"
    text = (GOLD / f"{LEDGER}.md").read_text(encoding="utf-8")
    article.write_text(text.replace("author: Gao Shan", "author: [Gao Shan, Li Wenhui]"), encoding="utf-8")
    front = evaluate.front_matter(article)
    assert front == {"author": ["Gao Shan", "Li Wenhui"], "publisher": ["Southern Ledger"]}
    r = evaluate.evaluate(empty, gold, ontology, front)
    assert counts(r.front_matter) == (3, 0, 0) and r.front_matter_entities.tp == 3
    assert counts(r.statements) == (0, 0, 12) and r.statements.given == 3  # 15 gold: 3 given, 12 missed
    assert r.statements.recall == 3 / 15 and r.statements.precision == 1.0  # nothing proposed, nothing false
    assert counts(r.entities) == (0, 0, 9) and r.entities.given == 3
    assert (r.by_predicate["author"].given, r.by_predicate["publisher"].given) == (2, 1)
    assert "| author | 0 (+2 from the front matter) | 0 | 0 | 1.00 | 1.00 | 1.00 |" in evaluate.table([r])
    assert "3 from the front matter" in evaluate.summary(r)
    # one author in the front matter: the other author statement is a miss, and counted as one
    alone = evaluate.evaluate(empty, gold, ontology, evaluate.front_matter(GOLD / f"{LEDGER}.md"))
    assert counts(alone.front_matter) == (2, 0, 1)
    assert "statement southern-ledger-fenghe-digital-farming author li-wenhui (line 48)" in alone.misses
    # without the front matter nothing is given
    assert counts(evaluate.evaluate(empty, gold, ontology).front_matter) == (0, 0, 3)


@pytest.mark.parametrize(
    ("gold", "proposed", "family", "same"),
    [
        ("Mr Tang", "Tang", "Person", True),
        ("Mr Tang", "Mr. Tang", "Person", True),
        ("Xu Mingyao", "Xu Mingyao (许明瑶)", "Person", True),
        ("许明瑶", "Xu Mingyao (许明瑶)", "Person", True),
        ("Xu Mingyao", "Xu Ming-yao", "Person", True),
        ("Qiaoshan municipal government", "the Qiaoshan Municipal Government's", "Organisation", True),
        ("Harbour Wire", "“Harbour Wire”", "Organisation", True),
        ("Ministry of Agricultural Informatics (MAI)", "MAI", "Organisation", True),
        ("Mingjiang province", "Mingjiang", "Region", True),
        ("Qiaoshan", "Qiaoshan City", "Region", True),
        ("Mingjiang province", "Mingjiang", "Organisation", False),  # only a region's kind is left out
        ("Lanfeng Motors Co., Ltd.", "Lanfeng Motors", "Organisation", True),
        ("Lanfeng Motors Corp.", "Lanfeng Motors Corporation", "Organisation", True),
        ("U.S.", "US", "Region", True),  # the gold of real news writes "U.S."
        ("Province", "Province of Mingjiang", "Region", False),
        ("Fenghe County", "Fenghe District", "Region", True),  # both are "Fenghe": the class tells them apart
        ("Tang Yuhan", "Tang", "Person", False),
        ("Dr Lanfeng", "Lanfeng Motors", "Organisation", False),
    ],
)
def test_names_match_after_normalising(gold: str, proposed: str, family: str, same: bool) -> None:
    assert bool(evaluate.name_keys(gold, family) & evaluate.name_keys(proposed, family)) == same


# -- the command line -------------------------------------------------------------------------------------------


def test_cli_scores_a_directory(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    result = run_kg("extract", "--evaluate", "--gold", str(GOLD), "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "rule leakage" not in result.stderr  # the rules hold no name of these articles
    text = result.stdout
    assert text.startswith("| article | entities P | R | F1 | statements P | R | F1 |\n")
    for row in (f"| {WIRE} | ", f"| {LEDGER} | ", "| TOTAL | ", "| family | TP |", "| class | TP |", "| relation |"):
        assert row in text
    assert "| quoted people found |" in text and "| dated facts with the right date |" in text
    assert f"\n{WIRE}: " in text and "  miss         " in text
    figures = json.loads(out.read_text(encoding="utf-8"))
    gold_entities = 14 + 12
    total = figures["total"]
    family = total["entities_by_family"]
    assert family["tp"] + family["given"] + family["fn"] == gold_entities
    statements = total["statements"]
    assert statements["tp"] + statements["given"] + statements["fn"] == 16 + 15
    assert statements["given"] == total["front_matter"]["tp"] > 0  # the authors and publishers: kg build's
    assert total["quoted_people"]["tp"] + total["quoted_people"]["fn"] == 3
    assert total["dates"]["tp"] + total["dates"]["fn"] == 2 + 3
    again = tmp_path / "again.json"
    quiet = run_kg("extract", "--evaluate", "--gold", str(GOLD), "--json", str(again), "--quiet")
    assert quiet.returncode == 0 and "  miss  " not in quiet.stdout and "| TOTAL | " in quiet.stdout
    assert again.read_bytes() == out.read_bytes()  # deterministic


def test_cli_skips_notes_and_warns_of_articles_without_gold(tmp_path: Path) -> None:
    gold = tmp_path / "dev"
    shutil.copytree(GOLD, gold)
    (gold / f"{WIRE}.notes.md").write_text("Outlet: a wire. Dateline: CITY, Month D (Agency) --\n", encoding="utf-8")
    shutil.copy(GOLD / f"{WIRE}.md", gold / "lonely-article.md")
    (gold / "DONE-A").write_text("", encoding="utf-8")
    result = run_kg("extract", "--evaluate", "--gold", str(gold), "--quiet")
    assert result.returncode == 0, result.stderr
    assert f"kg: warning: {gold / 'lonely-article.md'}: no lonely-article.yaml beside it; not scored" in result.stderr
    assert "notes" not in result.stdout and "lonely" not in result.stdout


BAD_GOLD = [
    (
        "  - id: wen-lijia\n    class: Person\n",
        "  - id: wen-lijia\n    class: Persn\n",
        6,
        "class 'Persn' is not a class",
        "did you mean Person?",
    ),
    (
        "    predicate: partnerOf\n",
        "    predicate: partneredWith\n",
        102,
        "predicate 'partneredWith' is not a property",
        "partnerOf",
    ),
    (
        "    object: mingjiang-tech\n",
        "    object: mingjiang-tec\n",
        103,
        "object 'mingjiang-tec' is not an entity",
        "did you mean mingjiang-tech?",
    ),
    ("    date: 2023-05-12\n    evidence", "    date: 2023-05-32\n    evidence", 69, "date '2023-05-32' is not", ""),
    ("  - id: harbour-wire\n", "  - id: harbour-wire\n  - id: harbour-wire\n", 9, "entity id 'harbour-wire' again", ""),
    (
        "  - subject: lanfeng-motors\n    predicate: partnerOf\n    object: mingjiang-tech\n",
        "  - lanfeng-motors partnerOf mingjiang-tech\n",
        101,
        "an item of 'statements' must be a mapping",
        "",
    ),
    ("    label: Harbour Wire\n", '    label: "Harbour Wire\n', 10, "YAML syntax error", ""),
    ("article: harbour-wire-qiaoshan-hydrogen-park\n", "article: another-article\n", 3, "names another article", ""),
]


@pytest.mark.parametrize(("old", "new", "line", "message", "hint"), BAD_GOLD, ids=[b[3][:24] for b in BAD_GOLD])
def test_bad_gold_files_are_named_with_their_line(tmp_path: Path, old, new, line, message, hint) -> None:
    gold = tmp_path / "dev"
    shutil.copytree(GOLD, gold)
    path = gold / f"{WIRE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "figures.json"
    result = run_kg("extract", "--evaluate", "--gold", str(gold), "--json", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("kg: error: ") and "Traceback" not in result.stderr
    where = f"{path}:{line}: " if line else f"{path}:"
    assert where in result.stderr and message in result.stderr and hint in result.stderr, result.stderr
    assert not out.exists() and result.stdout == ""


def test_usage_errors(tmp_path: Path) -> None:
    result = run_kg("extract", "--evaluate", "--gold", str(tmp_path / "missing"))
    assert result.returncode == 2 and "not a directory" in result.stderr
    result = run_kg("extract", "--evaluate", "--gold", str(tmp_path))
    assert result.returncode == 2 and "no <slug>.md article with a <slug>.yaml" in result.stderr
    result = run_kg("extract", "--evaluate", "--gold", str(GOLD), str(GOLD / f"{WIRE}.md"))
    assert result.returncode == 2 and "give no ARTICLE" in result.stderr
    result = run_kg("extract", str(GOLD / f"{WIRE}.md"), "--json", str(tmp_path / "x.json"), "-o", "-")
    assert result.returncode == 2 and "go with --evaluate" in result.stderr


def test_a_gold_statement_no_draft_can_propose_is_a_warning(tmp_path: Path) -> None:
    gold = tmp_path / "dev"
    shutil.copytree(GOLD, gold)
    path = gold / f"{WIRE}.yaml"
    extra = "  - subject: qiaoshan\n    predicate: holdsPostIn\n    object: harbour-wire\n"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = run_kg("extract", "--evaluate", "--gold", str(gold), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "qiaoshan holdsPostIn harbour-wire is outside the ontology's domain or range" in result.stderr


def test_rule_leakage_is_reported(tmp_path: Path, ontology: Ontology) -> None:
    gold = evaluate.read_gold(GOLD / f"{WIRE}.yaml", ontology, self_contained=True)
    rule = tmp_path / "lexicon.py"
    rule.write_text(
        'KNOWN = {"lanfeng motors": "Company", "China": "Country", "the party": "x"}\n'
        "# He said US dollars flowed to CHINA; the Mingjiang university of technology\n"
        'CITY = "Qiaoshan"\n',
        encoding="utf-8",
    )
    gold.entities[0].names += ["the party", "He", "US", "CHINA"]
    found = evaluate.leaked_names([gold], [rule])
    # a name as written or as a lower-case key, case-sensitively: not library names (China, CHINA), common words
    # (He, US), lower-case phrases, nor a name that only differs in case ("Mingjiang University of Technology")
    assert found == [
        f"rule leakage: 'Lanfeng Motors' of {gold.path} is in {rule}:1",
        f"rule leakage: 'Qiaoshan' of {gold.path} is in {rule}:3",
    ]
    assert evaluate.leaked_names([gold]) == []  # the shipped rules hold none of them


def test_an_article_kg_extract_refuses_is_left_out_with_a_warning(tmp_path: Path) -> None:
    gold = tmp_path / "dev"
    shutil.copytree(GOLD, gold)
    article = gold / f"{LEDGER}.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("author: Gao Shan\n", "author: {name: Gao Shan}\n"), encoding="utf-8")
    out = tmp_path / "figures.json"
    result = run_kg("extract", "--evaluate", "--gold", str(gold), "--quiet", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert f"kg: warning: not scored: kg extract cannot read the article: {article}:3: front-matter key 'author'" in (
        result.stderr
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert [a["article"] for a in figures["articles"]] == [WIRE]
    assert any(w.startswith("not scored: ") for w in figures["warnings"])
