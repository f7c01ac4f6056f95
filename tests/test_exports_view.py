"""The one projection (kg/export/projection.py) that GraphML, HTML and the Neo4j bundle are written from: entities as
nodes with plain typed values, statements between entities as edges with their evidence, nothing else."""

from __future__ import annotations

from rdflib import RDF, Literal, URIRef

from kg.export.projection import JOIN, QUOTE_JOIN, split_list
from kg.ontology import KG

HAI_YU = "https://kg.example.org/person/hai-yu"
BINANCE = "https://kg.example.org/organisation/binance"
INSTITUTE = "https://kg.example.org/organisation/lingang-blockchain-institute"
PLAIN = (str, int, float, bool)


def test_nodes_are_exactly_the_entities(shipped) -> None:
    default = shipped.dataset.default_graph
    ours = set(shipped.ontology.classes.values())
    entities = {str(s) for s, o in default.subject_objects(RDF.type) if o in ours and isinstance(s, URIRef)}
    assert set(shipped.view.nodes) == entities
    assert len(entities) == len(shipped.facts.entities) == 53  # 52 entities and the article


def test_edges_are_exactly_the_facts_between_entities(shipped) -> None:
    default = shipped.dataset.default_graph
    object_props = {p.iri: name for name, p in shipped.ontology.properties.items() if p.is_object}
    facts = sorted(
        (str(s), object_props[p], str(o))
        for s, p, o in default
        if p in object_props and str(s) in shipped.view and str(o) in shipped.view
    )
    assert sorted((s, k, o) for s, o, k in shipped.view.edges(keys=True)) == facts
    assert len(facts) == 67


def test_values_are_plain_and_typed(shipped) -> None:
    view = shipped.view
    for _, attrs in view.nodes(data=True):
        assert all(type(v) in PLAIN for v in attrs.values()), attrs
        for key in ("iri", "id", "label", "class", "classes", "group", "aliases"):
            assert key in attrs
    for *_, attrs in view.edges(keys=True, data=True):
        assert all(type(v) in PLAIN for v in attrs.values()), attrs
        for key in ("predicate", "name", "label", "date", "role", "evidence", "sources"):
            assert key in attrs
    jiangxi = view.nodes["https://kg.example.org/policy/jiangxi-key-projects-2020"]
    assert type(jiangxi["projectCount"]) is int and type(jiangxi["totalInvestmentYuan"]) is float
    assert jiangxi["projectCount_evidence"]  # the quote that supports the number
    shanghai = view.nodes["https://kg.example.org/region/shanghai"]
    assert (shanghai["iso3166Code"], shanghai["label_zh"], shanghai["class"]) == ("CN-SH", "上海市", "Municipality")
    assert shanghai["classes"] == JOIN.join(sorted(shanghai["classes"].split(JOIN)))
    assert {"Municipality", "Region"} <= set(shanghai["classes"].split(JOIN))


def test_a_node_carries_label_class_aliases_and_an_edge_its_evidence(shipped) -> None:
    view = shipped.view
    hai = view.nodes[HAI_YU]
    assert (hai["label"], hai["class"], hai["group"], hai["aliases"], hai["id"]) == (
        "Hai Yu",
        "Person",
        "Person",
        "Haiyu",
        "hai-yu",
    )
    edge = view.edges[HAI_YU, BINANCE, "holdsPostIn"]
    assert edge["predicate"] == str(KG.holdsPostIn) and edge["label"] == "holds post in"
    assert edge["role"] == "head of Binance's China blockchain technology business"
    assert edge["evidence"] == "Hai Yu, head of Binance's China blockchain technology business"
    assert edge["sources"] == "china-times-blockchain-lingang"
    founders = sorted(o for _, o, k in view.out_edges(INSTITUTE, keys=True) if k == "coFoundedBy")
    assert len(founders) == 3
    for founder in founders:
        assert view.edges[INSTITUTE, founder, "coFoundedBy"]["date"] == "2020-03-27"


def test_lists_are_joined_in_sorted_order(shipped) -> None:
    """Aliases come out sorted and the quotes of one fact in article order, whatever order the dataset yields."""
    view = shipped.view
    for _, attrs in view.nodes(data=True):
        aliases = split_list(attrs["aliases"], JOIN)
        assert aliases == sorted(aliases)
    body = shipped.facts.sources["china-times-blockchain-lingang"].body
    multi = [a for *_, a in view.edges(keys=True, data=True) if QUOTE_JOIN in a["evidence"]]
    assert multi, "the shipped graph has facts supported by more than one quote"
    for attrs in multi:  # quotes in the order they appear in the article
        starts = [body.index(quote) for quote in split_list(attrs["evidence"], QUOTE_JOIN)]
        assert starts == sorted(starts), attrs["evidence"]


def test_schema_statement_and_evidence_nodes_stay_out(shipped) -> None:
    trig_subjects = {str(s) for g in shipped.dataset.graphs() for s in g.subjects() if isinstance(s, URIRef)}
    left_out = trig_subjects - set(shipped.view.nodes)
    assert any("/statement/" in s for s in left_out) and any("ontology" in s for s in left_out)
    for node in shipped.view.nodes:
        assert "/statement/" not in node and "/evidence/" not in node and "ontology" not in node
    assert not any(isinstance(v, Literal) for _, a in shipped.view.nodes(data=True) for v in a.values())


def test_a_values_qualifiers_reach_every_property_graph_export(mini_data, tmp_path) -> None:
    """A statement with a literal value may carry a date, role or note like any other: they were in kg.nq and
    kg.trig only. Now the projection carries them as <property>_date, _role and _note, so GraphML, the Neo4j
    bundle and the tables have them, and the page shows them after the value."""
    import csv
    import json
    import re

    import networkx as nx

    from tests.conftest import run_kg

    facts = mini_data / "facts" / "mini-news.yaml"
    text = facts.read_text("utf-8")
    old = '    value: 2020-04-01\n    evidence: "On April 1, the Qinglan Ledger Institute"\n'
    assert old in text
    facts.write_text(
        text.replace(old, old + '    date: 2020-04-02\n    note: the day only, "no year" | given\n'), "utf-8"
    )
    out = tmp_path / "build"
    formats = "graphml,neo4j,sheets,html"
    assert run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", formats).returncode == 0
    institute = "https://kg.example.org/organisation/ledger-institute"
    node = nx.read_graphml(out / "kg.graphml").nodes[institute]
    assert node["foundingDate_date"] == "2020-04-02"
    # a list of one note: its "|" escaped, so that the " | " inside is not read as two notes (kg.export.projection.join_list)
    assert split_list(node["foundingDate_note"]) == ['the day only, "no year" | given']
    with open(out / "tables" / "entities.csv", encoding="utf-8-sig", newline="") as table:
        rows = {row["iri"]: row for row in csv.DictReader(table)}
    assert split_list(rows[institute]["foundingDate_note"]) == ['the day only, "no year" | given']
    with open(out / "neo4j" / "nodes.csv", encoding="utf-8", newline="") as nodes:
        header = next(csv.reader(nodes))
    assert any(name.startswith("foundingDate_date") for name in header), header
    page = (out / "kg.html").read_text("utf-8")
    assert "foundingDate_date" not in page and "foundingDate_note" not in page
    shown = json.dumps('2020-04-01 (2020-04-02; the day only, "no year" | given)')[1:-1]
    assert shown in page or re.sub(r'"', r"\\u0022", shown) in page
