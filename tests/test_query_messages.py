"""Messages of kg query and the Python API for what issue 22 found (items 10 and 13): every SPARQL update is refused
as an update, a month parameter is checked against its declared kind, the API names keyword arguments, the
"no article" hint names the --data folder, and `kg validate --quiet` prints only findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from tests.conftest import MINI, ROOT, run_kg

UPDATE = "kg query only reads: this is a SPARQL update, and the store is read-only"
UPDATES = [
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://example.org/g>",
    "DROP GRAPH <http://example.org/g>",
    "DROP SILENT ALL",
    "CREATE GRAPH <http://example.org/g>",
    "COPY DEFAULT TO <http://example.org/g>",
    "MOVE <http://example.org/a> TO <http://example.org/b>",
    "ADD DEFAULT TO <http://example.org/g>",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_every_sparql_update_is_refused_as_an_update(shipped_build, update):
    with pytest.raises(kg.UsageError) as caught:
        kg.query(update, shipped_build)
    assert str(caught.value) == UPDATE


def test_an_update_on_the_command_line_gets_the_update_message(shipped_build):
    result = run_kg("query", "CLEAR ALL", "--build", str(shipped_build))
    assert result.returncode == 2
    assert result.stderr == f"kg: error: {UPDATE}\n"


def test_a_query_file_named_like_an_update_is_still_a_file(shipped_build, tmp_path):
    path = tmp_path / "copy of people.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?x a kg:Person }\n", encoding="utf-8")
    result = run_kg("query", "copy of people.rq", "--build", str(shipped_build), "--format", "csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "6"]


@pytest.mark.parametrize("month", ["March", "2020-3", "2020-13", "2020-03-01", "2020"])
def test_a_month_parameter_must_be_a_month(shipped_build, month):
    result = run_kg("query", "policies-by-province-month", "--param", f"month={month}", "--build", str(shipped_build))
    assert result.returncode == 2
    assert result.stderr == f"kg: error: --param month={month}: expected a month as YYYY-MM (2020-03)\n"
    assert result.stdout == ""


def test_a_month_parameter_in_the_right_form_still_filters(shipped_build):
    rows = kg.query("policies-by-province-month", shipped_build, month="2020-03")
    assert rows and {r["yearMonth"] for r in rows} == {"2020-03"}
    with pytest.raises(kg.UsageError, match=r"^keyword argument month=March: expected a month as YYYY-MM"):
        kg.query("policies-by-province-month", shipped_build, month="March")


def test_the_api_names_the_keyword_argument_a_question_needs(shipped_build):
    with pytest.raises(kg.UsageError) as caught:
        kg.query("organisations-in-region", shipped_build)
    message = str(caught.value)
    assert "--param" not in message
    assert message == (
        "organisations-in-region needs the keyword argument region= (ID|<IRI>): "
        "the region, as a kg id (shanghai) or an <IRI>"
    )
    with pytest.raises(kg.UsageError) as caught:
        kg.query("organisations-in-region", shipped_build, region="shanghaj")
    assert str(caught.value).startswith("keyword argument region=shanghaj: no entity with this id in the store")
    # the command line keeps naming its flag
    result = run_kg("query", "organisations-in-region", "--build", str(shipped_build))
    assert "needs --param region=ID|<IRI>" in result.stderr


def _news(tmp_path: Path) -> Path:
    data = tmp_path / "news"
    shutil.copytree(ROOT / "tests" / "fixtures" / "places", data)
    return data


def test_the_no_article_hint_names_the_data_folder(tmp_path):
    data = _news(tmp_path)
    facts = data / "facts" / "harbour-measures.yaml"
    facts.write_text("article: harbour-measure\n" + facts.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"))
    assert result.returncode == 1  # a problem in the input
    assert f"hint: add {(data / 'articles').as_posix()}/harbour-measure.md or set 'article:'" in result.stderr
    assert "data/articles" not in result.stderr


def test_an_id_taken_by_an_article_names_the_data_folder(tmp_path):
    data = _news(tmp_path)
    facts = data / "facts" / "harbour-measures.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("harbour-ledger-measures", "harbour-measures"), encoding="utf-8"
    )
    result = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"))
    assert result.returncode == 1  # a problem in the input
    assert f"is taken by the article {(data / 'articles').as_posix()}/harbour-measures.md" in result.stderr


def test_validate_quiet_prints_nothing_when_valid_and_the_findings_when_not(tmp_path):
    result = run_kg("validate", "--data", str(MINI), "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    loud = run_kg("validate", "--data", str(MINI))
    assert loud.returncode == 0 and "valid: all checks and SHACL shapes pass" in loud.stdout
    # a fictional province without its ISO 3166 code is a SHACL finding, printed under --quiet too
    failing = run_kg("validate", "--data", str(ROOT / "tests" / "fixtures" / "places"), "--quiet")
    assert failing.returncode == 1
    assert failing.stdout.startswith("1 SHACL finding:\n")
    assert "needs its ISO 3166 code" in failing.stdout


def test_an_undeclared_prefix_gets_kgs_message_in_kg_query(shipped_build):
    result = run_kg("query", "SELECT ?x WHERE {\n  ?x a foo:Company }", "--build", str(shipped_build))
    assert result.returncode == 2
    assert result.stderr == (
        "kg: error: query:2:8: the prefix foo: of foo:Company is not declared; declare it before the query: "
        "PREFIX foo: <namespace IRI>\n    2 |   ?x a foo:Company }\n"
    )


DEEP = [
    "SELECT * WHERE { BIND(" + "(" * 20000 + "1" + ")" * 20000 + " AS ?x) }",
    "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "SELECT * WHERE { BIND(" + "!" * 30000 + "true AS ?x) }",
]


@pytest.mark.parametrize("text", DEEP, ids=["parentheses", "braces", "negations"])
def test_a_query_nested_thousands_deep_is_refused_not_a_crash(shipped_build, tmp_path, text):
    """pyoxigraph's parser recurses: each of these killed `kg query` with a segmentation fault (exit 139)."""
    query = tmp_path / "deep.rq"
    query.write_text(text, encoding="utf-8")
    result = run_kg("query", str(query), "--build", str(shipped_build))
    assert result.returncode == 2, result.stderr
    assert f"{query}: the query nests" in result.stderr and "up to 1000 deep" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_query_nested_a_few_hundred_deep_still_runs(shipped_build):
    text = "SELECT ?x WHERE { BIND(" + "(" * 300 + "1" + ")" * 300 + " AS ?x) }"
    rows = kg.query(text, shipped_build)
    assert [str(row["x"]) for row in rows] == ["1"]
