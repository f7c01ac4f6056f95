"""Cases found by the eleventh outside review of kg push, the build cache and kg build/add/extract (issue 21):
each test fails on the code before its fix (main at 6bd2f1b)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_kg
from tests.test_review import FIXTURE as REVIEW_FIXTURE
from tests.test_review import SLUG as REVIEW_SLUG
from tests.test_review import kg_review, send

FIXTURES = ROOT / "tests" / "fixtures"


def test_thousands_of_wrong_quotes_get_a_hint_each_only_for_the_first_twenty(mini_data: Path, tmp_path: Path) -> None:
    """A hint (where a quote's copy diverges) costs about eight scans of the article: 2,000 wrong quotes against a
    5 MB article held kg build 36 s (20 MB and 10,000 quotes: minutes). Every wrong quote is still an error; only
    the first 20 of a file get the costly hint."""
    facts = mini_data / "facts" / "mini-news.yaml"
    wrong = "\n".join(
        f'      - "On April 1, the Qinglan Ledger Institute closed in a town number {i}"' for i in range(25)
    )
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text.replace("    evidence: opened in Shanghai", "    evidence:\n      - opened in Shanghai\n" + wrong, 1),
        encoding="utf-8",
    )
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--no-cache")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("evidence quote not found") == 25  # every wrong quote is reported
    assert result.stderr.count("the text matches up to") == 20
    assert result.stderr.count("no hint where it diverges: more than 20 quotes of this file are not found") == 5
    assert not (tmp_path / "build" / "kg.nq").exists()


def test_kg_review_saves_a_reviewed_draft_that_kg_build_then_builds(tmp_path: Path) -> None:
    """kg review checks a save by reading the data folder with the new text in place of the facts file. It did
    so through a scratch folder of links to the real files, which kg build's check of links leading out of a data
    directory (the tenth review) refused: every save answered "a link to ..., outside the data directory" and
    wrote nothing, so a reviewer's decisions could not be saved."""
    data = tmp_path / "data"
    shutil.copytree(REVIEW_FIXTURE, data)
    facts = data / "facts" / f"{REVIEW_SLUG}.yaml"
    before = facts.read_bytes()
    with kg_review(data) as url:
        port = re.search(r":(\d+)/", url).group(1)
        token = url.split("#token=", 1)[1]
        host = f"127.0.0.1:{port}"
        headers = {"Host": host, "X-KG-Token": token}
        status, body = send(url, "GET", "/data", headers)
        assert status == 200, body
        page = json.loads(body)
        decisions = {
            "version": page["version"],
            "entities": [dict(e, decision="reject") for e in page["entities"]],
            "statements": [dict(s, decision="reject") for s in page["statements"]],
        }
        good = dict(headers, Origin=f"http://{host}", **{"Content-Type": "application/json"})
        status, answer = send(url, "POST", "/save", good, json.dumps(decisions).encode())
    assert status == 200, answer
    assert b"outside the data directory" not in answer, answer
    assert json.loads(answer).get("saved") == str(facts), answer
    assert facts.read_bytes() != before  # every draft entry rejected: the file changed
    built = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--no-cache")
    assert built.returncode == 0, built.stderr


HOSTILE = "d\x1b]0;PWNED\x07\x1b[2J"  # sets the terminal's title, clears its screen


def test_kg_review_shows_a_hostile_data_folder_name_as_escapes(tmp_path: Path) -> None:
    """A data folder as a downloaded repository names it: kg review's first line printed it raw (its errors were
    escaped already)."""
    data = tmp_path / HOSTILE
    shutil.copytree(REVIEW_FIXTURE, data)
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "review", REVIEW_SLUG, "--data", str(data), "--no-browser"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(10)
    assert line.startswith("Reviewing "), line
    assert "\x1b" not in line and "\x07" not in line, repr(line)
    assert "d\\x1b]0;PWNED\\x07\\x1b[2J" in line


def test_kg_build_and_export_show_a_hostile_output_name_as_escapes(mini_data: Path, tmp_path: Path) -> None:
    """kg build's "wrote", "updated ... in place" and "nothing changed" lines, and kg export's "wrote", printed the
    output folder's name raw."""
    out = tmp_path / HOSTILE / "build"
    lines = []
    first = run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "nquads")
    article = mini_data / "articles" / "mini-news.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    second = run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "nquads")
    third = run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "nquads")
    exported = run_kg("export", "--format", "ntriples", "--data", str(mini_data), "--out", str(out / "x.nt"))
    for result in (first, second, third, exported):
        assert result.returncode == 0, result.stderr
        lines.append(result.stdout)
    assert "updated " in second.stdout and "nothing changed" in third.stdout, (second.stdout, third.stdout)
    for text in lines:
        assert "\x1b" not in text and "\x07" not in text, repr(text)
        assert "d\\x1b]0;PWNED\\x07\\x1b[2J" in text, text


def test_a_missing_article_s_hint_names_a_few_articles_not_all(tmp_path: Path) -> None:
    """Each facts file naming a missing article got a hint naming every article: 5,000 such files beside 5,000
    articles (a 1 MB repository) took kg build to 2.3 GB and 520 MB of messages (memory and output grow with
    articles x facts files). Now each hint names the few articles nearest by name, and how many there are."""
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    (data / "facts").mkdir()
    count = 300
    for i in range(count):
        (data / "articles" / f"article-number-{i}.md").write_text(
            f"---\ntitle: Article {i}\ndate: 2020-01-01\nlanguage: en\n---\nBody {i}.\n", encoding="utf-8"
        )
        (data / "facts" / f"facts-number-{i}.yaml").write_text(
            f"article: article-number-{i}x\nentities: []\nstatements: []\n", encoding="utf-8"
        )
    result = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--no-cache")
    assert result.returncode == 1, result.stderr
    hints = [line for line in result.stderr.splitlines() if line.startswith("    hint: add ")]
    assert len(hints) == count  # every facts file is still reported
    for hint in hints:
        assert "one of the 300 articles there, such as (by name, nearest it): " in hint, hint
        assert hint.split("nearest it): ", 1)[1].count("article-number-") == 10, hint
    # a name mistyped near its end: the hint shows the name meant
    assert "article-number-299," in next(h for h in hints if "article-number-299x.md" in h)


def test_only_the_first_twenty_unknown_ids_get_a_suggestion(mini_data: Path, tmp_path: Path) -> None:
    """ "Did you mean" compares an unknown id with every entity id (up to half a second each among 10,000 similar
    ids): 300 unknown subjects in a 790 kB facts file held kg build 89 s, 20,000 of them hours. Every unknown id is
    still an error; the first 20 get a suggestion."""
    facts = mini_data / "facts" / "mini-news.yaml"
    wrong = "".join(
        f"  - subject: ada-wuu-{i}\n    predicate: locatedIn\n    object: shanghai\n    evidence: opened in Shanghai\n"
        for i in range(25)
    )
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("statements:\n", "statements:\n" + wrong, 1), encoding="utf-8")
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--no-cache")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("unknown entity id 'ada-wuu-") == 25
    assert result.stderr.count("hint: did you mean 'ada-wu'") == 20
    assert result.stderr.count("no suggestion: more than 20 ids here are unknown") == 5


def _chain(mini_data: Path, regions: int, closed: bool) -> None:
    facts = mini_data / "facts" / "mini-news.yaml"
    text = (FIXTURES / "mini" / "facts" / "mini-news.yaml").read_text(encoding="utf-8")
    entities = "".join(f"  - id: region-{i}\n    class: Municipality\n    label: Region {i}\n" for i in range(regions))
    links = [(i, i + 1) for i in range(regions - 1)] + ([(regions - 1, 0)] if closed else [])
    statements = "".join(
        f"  - subject: region-{a}\n    predicate: partOf\n    object: region-{b}\n    evidence: opened in Shanghai\n"
        for a, b in links
    )
    text = text.replace("entities:\n", "entities:\n" + entities, 1).replace(
        "statements:\n", "statements:\n" + statements, 1
    )
    facts.write_text(text, encoding="utf-8")


def test_a_long_chain_of_part_of_builds_and_a_long_cycle_is_named_briefly(mini_data: Path, tmp_path: Path) -> None:
    """The partOf cycle check recursed once per link: a chain of 1,500 regions (each partOf the next) ended kg
    build in a RecursionError traceback, exit 1."""
    _chain(mini_data, 1500, closed=False)
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--formats", "nquads")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    _chain(mini_data, 1500, closed=True)  # region-1499 partOf region-0 besides: one cycle through them all
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build2"), "--no-cache")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert (
        "partOf forms a cycle: region-0 -> region-1 -> region-2 -> region-3 -> region-4 -> region-5 -> "
        "... (1,489 more) ... -> region-1495 -> region-1496 -> region-1497 -> region-1498 -> region-1499 -> region-0"
    ) in result.stderr


def test_kg_add_of_a_page_with_deeply_nested_json_ld_is_no_traceback(tmp_path: Path) -> None:
    """kg add reads a page's JSON-LD blocks for its title and author; json's parser recurses per level, and only
    ValueError was caught: a block of 3,000 "[" (a 6 kB part of any page kg add reads or fetches) ended kg add in
    a RecursionError traceback, exit 1. Now the block is skipped as a broken one is."""
    text = "<p>" + "The park opened in Qiaoshan on a sunny day with many visitors. " * 20 + "</p>"
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><title>Park opens</title><script type="application/ld+json">'
        + "[" * 3000
        + "]" * 3000
        + f"</script></head><body><article><h1>Park opens</h1>{text}</article></body></html>",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    result = run_kg("add", str(page), "--data", str(data))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert (data / "articles" / "park-opens.md").is_file()


@pytest.mark.long
def test_an_ontology_with_a_deep_class_hierarchy_is_no_traceback(mini_data: Path, tmp_path: Path) -> None:
    """kg.ontology closed rdfs:subClassOf by recursion: an --ontology with a chain of 2,000 subclasses ended kg build
    in a RecursionError traceback; kg validate's pySHACL recurses the same way (now a clear message, exit 2)."""
    ontology = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", ontology)
    chain = "".join(
        f'kg:Deep{i} a owl:Class ; rdfs:label "Deep {i}"@en ; rdfs:comment "x"@en ; '
        f"rdfs:subClassOf kg:{f'Deep{i + 1}' if i < 1999 else 'Organisation'} .\n"
        for i in range(2000)
    )
    with (ontology / "kg.ttl").open("a", encoding="utf-8") as out:
        out.write("\n" + chain)
    built = run_kg(
        "build",
        "--data",
        str(mini_data),
        "--out",
        str(tmp_path / "b"),
        "--ontology",
        str(ontology),
        "--formats",
        "nquads",
    )
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr[-2000:]
    checked = run_kg("validate", "--data", str(mini_data), "--ontology", str(ontology))
    assert checked.returncode == 2 and "Traceback" not in checked.stderr, checked.stderr[-2000:]
    assert "nested too deep for the SHACL validator" in checked.stderr
