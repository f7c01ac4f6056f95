"""Every check of the loader, each with a broken facts file: the error names the file, the line, the
offending id or value and a hint; the exit status is 1; no traceback; build/ is left exactly as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import MINI, run_kg

FACTS = "facts/mini-news.yaml"


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text[:index].count("\n") + 1


# (name, old text, new text, expected message part, expected hint part, line-finder needle in the NEW text)
CASES = [
    (
        "unknown subject id",
        "  - subject: ada-wu\n    predicate: holdsPostIn",
        "  - subject: ada-wuu\n    predicate: holdsPostIn",
        "unknown entity id 'ada-wuu' as subject",
        "did you mean 'ada-wu'",
        "subject: ada-wuu",
    ),
    (
        "unknown object id",
        "object: shanghai",
        "object: shang-hai",
        "unknown entity id 'shang-hai' as object",
        "did you mean 'shanghai'",
        "object: shang-hai",
    ),
    (
        "unknown class",
        "class: Company",
        "class: Compnay",
        "unknown class 'Compnay' for 'northwind'",
        "did you mean 'Company'",
        "class: Compnay",
    ),
    (
        "unknown property",
        "predicate: locatedIn",
        "predicate: locatedAt",
        "unknown property 'locatedAt'",
        "did you mean 'locatedIn'",
        "predicate: locatedAt",
    ),
    (
        "domain violation",
        "  - subject: ada-wu\n    predicate: holdsPostIn",
        "  - subject: shanghai\n    predicate: holdsPostIn",
        "holdsPostIn needs a subject of class Person, but 'shanghai' is a Municipality",
        "change the subject",
        "subject: shanghai\n    predicate: holdsPostIn",
    ),
    (
        "range violation",
        "object: shanghai",
        "object: ada-wu",
        "locatedIn needs an object of class Region, but 'ada-wu' is a Person",
        "change the object",
        "object: ada-wu\n    evidence: opened",
    ),
    (
        "quote not in article",
        "evidence: opened in Shanghai",
        "evidence: opened in Beijing",
        "evidence quote not found in",
        "then the article has 'Shanghai",
        "evidence: opened in Beijing",
    ),
    (
        "duplicate id",
        "  - id: mei-tan\n",
        "  - id: ada-wu\n",
        "duplicate id 'ada-wu'",
        "first defined at",
        "id: ada-wu\n    class: Person\n    label: Mei Tan",
    ),
    ("missing label", "    label: Ada Wu\n", "", "label is missing", "add 'label: ...'", "id: ada-wu"),
    (
        "malformed date qualifier",
        "date: 2020-04-01\n    evidence: jointly established by Northwind Technology and Qinglan Polytechnic College\n  - subject: ledger-institute\n    predicate: coFoundedBy\n    object: polytechnic",
        "date: 2020-02-30\n    evidence: jointly established by Northwind Technology and Qinglan Polytechnic College\n  - subject: ledger-institute\n    predicate: coFoundedBy\n    object: polytechnic",
        "malformed date '2020-02-30'",
        "YYYY-MM-DD",
        "date: 2020-02-30",
    ),
    (
        "malformed date value",
        "value: 2020-04-01",
        "value: 1 April 2020",
        "malformed date '1 April 2020' for foundingDate",
        "YYYY-MM-DD",
        "value: 1 April 2020",
    ),
    (
        "malformed YAML",
        "  - id: polytechnic\n    class: College",
        "  - id: polytechnic\n   class: College",
        "YAML syntax error",
        "check indentation",
        "   class: College",
    ),
    (
        "unknown key",
        "    role: chief scientist",
        "    rol: chief scientist",
        "unknown key 'rol' in a statement",
        "did you mean 'role'",
        "rol: chief scientist",
    ),
    (
        "literal for object property",
        "object: shanghai",
        "value: Shanghai",
        "locatedIn links to an entity",
        "",
        "value: Shanghai",
    ),
    (
        "wrong ISO code",
        "iso3166: CN-SH",
        "iso3166: CN-BJ",
        "CN-BJ is 'Beijing Shi', which does not match 'Shanghai'",
        "check the code",
        "iso3166: CN-BJ",
    ),
    (
        "unknown ISO code",
        "iso3166: CN-SH",
        "iso3166: CN-XX",
        "unknown ISO 3166 code 'CN-XX'",
        "pycountry",
        "iso3166: CN-XX",
    ),
    (
        "python object tag",
        "label: Northwind Technology",
        "label: !!python/object/apply:os.system ['true']",
        "unsupported YAML tag",
        "remove the tag",
        "!!python",
    ),
    (
        "YAML alias",
        "  - id: mei-tan\n    class: Person\n    label: Mei Tan",
        "  - id: mei-tan\n    class: Person\n    label: &x Mei Tan\n    note: *x",
        "YAML aliases (*name) are not allowed",
        "",
        "note: *x",
    ),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the fixture, copied into each case (a build per case would double this file's time)."""
    out = tmp_path_factory.mktemp("good") / "build"
    first = run_kg("build", "--data", str(MINI), "--out", str(out))
    assert first.returncode == 0, first.stderr
    return out


@pytest.mark.parametrize(("name", "old", "new", "message", "hint", "needle"), CASES, ids=[c[0] for c in CASES])
def test_broken_facts_file(
    mini_data: Path, tmp_path: Path, good_build: Path, name, old, new, message, hint, needle
) -> None:
    out = tmp_path / "build"
    shutil.copytree(good_build, out)
    before = _snapshot(out)

    path = mini_data / FACTS
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test case {name!r} no longer matches the fixture"
    broken = text.replace(old, new, 1)
    path.write_text(broken, encoding="utf-8")

    result = run_kg("build", "--data", str(mini_data), "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = _line_of(broken, needle)
    assert f"{path}:{line}: " in result.stderr, result.stderr
    assert message in result.stderr, result.stderr
    assert hint in result.stderr, result.stderr
    assert _snapshot(out) == before, "a failed build changed build/"

    validated = run_kg("validate", "--data", str(mini_data))
    assert validated.returncode == 1 and message in validated.stderr


def test_every_problem_is_reported_at_once(mini_data: Path) -> None:
    path = mini_data / FACTS
    text = path.read_text(encoding="utf-8")
    text = text.replace("class: Company", "class: Compnay").replace("object: shanghai", "object: nowhere")
    path.write_text(text, encoding="utf-8")
    result = run_kg("build", "--data", str(mini_data), "--out", str(mini_data / "out"))
    assert result.returncode == 1
    assert "3 problems in the input" in result.stderr
    for part in (
        "unknown class 'Compnay'",
        "unknown entity id 'nowhere' as object",
        "entity 'shanghai' is in no statement",
    ):
        assert part in result.stderr
    assert not (mini_data / "out").exists()


def test_entity_without_statement_is_refused(mini_data: Path) -> None:
    path = mini_data / FACTS
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "entities:\n", "entities:\n  - id: lonely\n    class: Person\n    label: Lonely\n", 1
        ),
        encoding="utf-8",
    )
    result = run_kg("build", "--data", str(mini_data), "--out", str(mini_data / "out"))
    assert result.returncode == 1
    assert f"{path}:3: entity 'lonely' is in no statement" in result.stderr


def test_part_of_cycle(mini_data: Path) -> None:
    path = mini_data / FACTS
    extra = "\n  - {id: north, class: District, label: North}\nstatements_placeholder"
    text = path.read_text(encoding="utf-8").replace(
        "\nstatements:\n", extra.replace("statements_placeholder", "statements:\n"), 1
    )
    text += (
        "  - {subject: north, predicate: partOf, object: shanghai, evidence: Shanghai}\n"
        "  - {subject: shanghai, predicate: partOf, object: north, evidence: Shanghai}\n"
    )
    path.write_text(text, encoding="utf-8")
    result = run_kg("build", "--data", str(mini_data), "--out", str(mini_data / "out"))
    assert result.returncode == 1
    assert (
        "partOf forms a cycle: north -> shanghai -> north" in result.stderr
        or "partOf forms a cycle: shanghai -> north -> shanghai" in result.stderr
    )


def test_article_problems(mini_data: Path) -> None:
    article = mini_data / "articles" / "mini-news.md"
    article.write_bytes(b"no front matter here\n")
    result = run_kg("build", "--data", str(mini_data), "--out", str(mini_data / "out"))
    assert result.returncode == 1
    assert f"{article}:1: article has no front matter" in result.stderr

    article.write_bytes(b"---\ntitle: x\n---\nbad \xff byte\n")
    result = run_kg("build", "--data", str(mini_data), "--out", str(mini_data / "out"))
    assert f"{article}:4: not valid UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_missing_data_dir_is_a_usage_error(tmp_path: Path) -> None:
    result = run_kg("build", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no such data directory" in result.stderr and "Traceback" not in result.stderr


def test_unknown_format_lists_the_valid_ones(tmp_path: Path) -> None:
    result = run_kg("build", "--formats", "turtle,gexf", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "unknown format 'gexf'; available formats: turtle, trig" in result.stderr


def test_a_fact_stated_twice_in_two_files_names_the_first_file(mini_data: Path) -> None:
    """Two facts files may speak for one article ('article:'); the hint named only the first one's line."""
    first = mini_data / FACTS
    second = mini_data / "facts" / "more-news.yaml"
    second.write_text(
        "article: mini-news\nentities: []\nstatements:\n"
        "  - subject: ledger-institute\n    predicate: locatedIn\n    object: shanghai\n"
        "    evidence: opened in Shanghai\n",
        encoding="utf-8",
    )
    result = run_kg("validate", "--data", str(mini_data))
    assert result.returncode == 1, result.stderr
    line = _line_of(first.read_text(encoding="utf-8"), "  - subject: ledger-institute\n    predicate: locatedIn")
    assert f"{second}:4: the same fact is stated twice (ledger-institute locatedIn shanghai)" in result.stderr
    assert f"hint: first at {first}:{line}; merge the two evidence lists" in result.stderr


def _article_body(path: Path) -> str:
    """The article's text after its front matter: what evidence offsets count in (cut here, not by kg)."""
    text = path.read_text(encoding="utf-8")
    return text[text.index("\n---\n", 3) + len("\n---\n") :]


@pytest.mark.parametrize(
    "evidence",
    [
        "OPENED IN SHANGHAI",
        "Opened in Shanghai",
        "opened in shanghai",
        {"quote": "OPENED IN SHANGHAI", "start": "at"},  # at the offset where "opened in Shanghai" is
    ],
    ids=["upper", "capitalised", "lower", "upper-at-its-offset"],
)
def test_a_quote_that_differs_only_in_case_is_not_in_the_article(mini_data: Path, evidence) -> None:
    """A quote is the article's text verbatim: one in another case is refused, never written as oa:exact at
    offsets that hold other text (issue 24: a case-insensitive search passed every test)."""
    import yaml

    from kg.errors import DataError
    from kg.pipeline import run as pipeline

    body = _article_body(mini_data / "articles" / "mini-news.md")
    assert "opened in Shanghai" in body and "OPENED IN SHANGHAI" not in body
    if isinstance(evidence, dict):
        evidence = {**evidence, "start": body.index("opened in Shanghai")}
    path = mini_data / FACTS
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    located = next(s for s in facts["statements"] if s["predicate"] == "locatedIn")
    located["evidence"] = [evidence]
    path.write_text(yaml.safe_dump(facts, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as refused:
        pipeline.load(mini_data)
    assert "evidence quote not found in" in str(refused.value)
    assert str(path) in str(refused.value)


def test_every_written_quote_is_the_article_text_at_its_offsets(tmp_path: Path) -> None:
    """oa:exact, oa:start and oa:end in kg.trig, read by pyoxigraph, against the article file cut by hand."""
    import pyoxigraph as ox

    from kg.pipeline import run as pipeline

    out = tmp_path / "build"
    pipeline.write(pipeline.load(MINI), out, formats=["trig"])
    body = _article_body(MINI / "articles" / "mini-news.md")
    store = ox.Store()
    store.load(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)
    found = list(
        store.query(
            "PREFIX oa: <http://www.w3.org/ns/oa#> "
            "SELECT ?exact ?start ?end WHERE { GRAPH ?g { ?e oa:exact ?exact ; oa:start ?start ; oa:end ?end } }"
        )
    )
    assert len(found) >= 6
    for row in found:
        start, end = int(row["start"].value), int(row["end"].value)
        assert body[start:end] == row["exact"].value, (start, end, row["exact"].value)
