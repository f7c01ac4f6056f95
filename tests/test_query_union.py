"""Every saved question on a store whose default graph is the union of all graphs (Virtuoso's default, Oxigraph's
`--union-default-graph`), and on data where one policy applies to two places of one province (issue 22, items 3
and 5): the same rows as kg's own store, and no row twice.

Under a union default graph a triple that is in the default graph and in an article's graph (every fact), in the
ontology's graph, or in the entailment graphs matches once per graph; a question that reads the default graph must
not answer once per copy."""

from __future__ import annotations

import collections
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import store
from tests.conftest import ROOT, run_kg

PLACES = ROOT / "tests" / "fixtures" / "places"
SHIPPED_PARAMS = {"organisations-in-region": {"region": "shanghai"}, "policies-by-jurisdiction": {"region": "china"}}
PLACES_PARAMS = {"organisations-in-region": {"region": "qinglan"}, "policies-by-jurisdiction": {"region": "qinglan"}}


@pytest.fixture(scope="module")
def places_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ of the fixture whose policy applies to a city and the free-trade zone inside it."""
    out = tmp_path_factory.mktemp("places") / "build"
    result = run_kg("build", "--data", str(PLACES), "--out", str(out), "--formats", "nquads,store")
    assert result.returncode == 0, result.stderr
    return out


def _copy(build: Path) -> ox.Store:
    """Every quad of the build's store (default graph, articles' graphs, ontology and entailment graphs)."""
    copy = ox.Store()
    copy.extend(store.open_store(build).quads_for_pattern(None, None, None, None))
    return copy


def _rows(oxstore: ox.Store, text: str, union: bool) -> list[tuple]:
    answer = oxstore.query(text, prefixes=store.PREFIXES, use_default_graph_as_union=union)
    return sorted((tuple(None if t is None else str(t) for t in row) for row in answer), key=repr)


@pytest.mark.parametrize("name", sorted(store.saved_queries()))
@pytest.mark.parametrize("data", ["shipped", "places"])
def test_saved_question_answers_the_same_under_a_union_default_graph(shipped_build, places_build, data, name):
    build, params = (shipped_build, SHIPPED_PARAMS) if data == "shipped" else (places_build, PLACES_PARAMS)
    oxstore = _copy(build)
    text = store.prepare(store.saved_queries()[name], params.get(name, {}), oxstore)
    assert _rows(oxstore, text, union=True) == _rows(oxstore, text, union=False)


@pytest.mark.parametrize("name", sorted(store.saved_queries()))
def test_saved_question_answers_the_same_on_kg_nq_under_a_union_default_graph(places_build, name):
    """kg.nq loaded as a bulk loader loads it: where a question answers there at all, the union changes nothing.
    (kg.nq has neither the ontology in its default graph nor the entailment graphs, so questions that need them
    answer nothing there in either mode; they are compared on the store above.)"""
    oxstore = ox.Store()
    oxstore.load(path=str(places_build / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    text = store.prepare(store.saved_queries()[name], PLACES_PARAMS.get(name, {}), _copy(places_build))
    normal = _rows(oxstore, text, union=False)
    if normal:
        assert _rows(oxstore, text, union=True) == normal


@pytest.mark.parametrize("name", sorted(store.saved_queries()))
def test_no_saved_question_repeats_a_row_for_a_city_and_its_zone(places_build, name):
    oxstore = store.open_store(places_build)
    text = store.prepare(store.saved_queries()[name], PLACES_PARAMS.get(name, {}), oxstore)
    rows = [tuple(map(str, row)) for row in store.execute(oxstore, text, name).rows]
    repeated = [row for row, n in collections.Counter(rows).items() if n > 1]
    assert repeated == []


def test_policies_by_province_month_counts_a_policy_for_a_city_and_its_zone_once(places_build):
    import kg

    rows = kg.query("policies-by-province-month", places_build)
    assert [tuple(r.values()) for r in rows] == [
        ("Qinglan", "2020-03", "Harbour Ledger Measures", "Measures", "Qinglan Provincial Government")
    ]


def test_two_policies_of_one_name_stay_two_rows(tmp_path):
    """The questions group by the things, not by their labels: a second policy named like the first (another
    year's measures, say) is a second row, not merged away as SELECT DISTINCT over labels would."""
    import shutil

    import kg

    data = tmp_path / "data"
    shutil.copytree(PLACES, data)
    facts = data / "facts" / "harbour-measures.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace(
        "\nstatements:\n",
        "  - id: harbour-ledger-measures-2\n    class: Measures\n    label: Harbour Ledger Measures\n\nstatements:\n",
    )
    text += (
        "  - subject: harbour-ledger-measures-2\n    predicate: appliesTo\n    object: harbour-city\n"
        "    evidence: the Harbour Ledger Measures for Harbour City\n"
        "  - subject: harbour-ledger-measures-2\n    predicate: issuedBy\n    object: qinglan-government\n"
        "    evidence: the Qinglan Provincial Government issued the Harbour Ledger Measures\n"
        "  - subject: harbour-ledger-measures-2\n    predicate: dateIssued\n    value: 2020-03-20\n"
        "    evidence: On March 20, the Qinglan Provincial Government issued the Harbour Ledger Measures\n"
    )
    facts.write_text(text, encoding="utf-8")
    build = tmp_path / "build"
    result = run_kg("build", "--data", str(data), "--out", str(build), "--formats", "store")
    assert result.returncode == 0, result.stderr
    row = ("Qinglan", "2020-03", "Harbour Ledger Measures", "Measures", "Qinglan Provincial Government")
    assert [tuple(r.values()) for r in kg.query("policies-by-province-month", build)] == [row, row]
    figures = kg.query("most-named-entities", build)
    assert [r["entityLabel"] for r in figures].count("Harbour Ledger Measures") == 2
