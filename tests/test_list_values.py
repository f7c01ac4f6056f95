"""List values (aliases, quotes, roles, sources) come back item by item from every property-graph export, read by
each format's own reader: an alias holding " | " or ";" and a quote spanning two paragraphs were split in two by
the page, GraphML, the Neo4j bundle and the tables, which joined lists with those very characters."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import igraph
import networkx as nx
import pytest

from kg.export import neo4j
from kg.export.projection import QUOTE_JOIN, split_list
from tests.browser import open_page
from tests.conftest import MINI, run_kg
from tests.test_neo4j import as_lists, load_csv, load_cypher, rows

NORTHWIND = "https://kg.example.org/organisation/northwind"
INSTITUTE = "https://kg.example.org/organisation/ledger-institute"
ADA = "https://kg.example.org/person/ada-wu"
ALIASES = sorted(["Northwind | NW", "NW; Ltd", "back\\slash \\| pipe", "Northwind"])
ROLE = "chief scientist | acting"
# a quote across a paragraph break of the article, and a second quote of the same fact
PARAGRAPHS = 'opened in Shanghai.\n\n"Ledgers are the core of trust,"'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lists")
    data = root / "data"
    shutil.copytree(MINI, data)
    article = data / "articles" / "mini-news.md"
    text = article.read_text("utf-8")
    article.write_text(text.replace('opened in Shanghai. "Ledgers', 'opened in Shanghai.\n\n"Ledgers'), "utf-8")
    facts = data / "facts" / "mini-news.yaml"
    text = facts.read_text("utf-8")
    text = text.replace("    aliases: [Northwind]\n", f"    aliases: {json.dumps(ALIASES)}\n")
    text = text.replace("    role: chief scientist\n", f"    role: {json.dumps(ROLE)}\n")
    located = "    object: shanghai\n    evidence: opened in Shanghai\n"
    assert located in text
    text = text.replace(
        located, f"    object: shanghai\n    evidence:\n      - {json.dumps(PARAGRAPHS)}\n      - Shanghai\n"
    )
    facts.write_text(text, "utf-8")
    out = root / "build"
    result = run_kg("build", "--data", str(data), "--out", str(out), "--formats", "graphml,neo4j,sheets,html")
    assert result.returncode == 0, result.stderr
    return out


QUOTES = [PARAGRAPHS, "Shanghai"]


def test_graphml_read_by_networkx_and_igraph(built: Path) -> None:
    graph = nx.read_graphml(built / "kg.graphml", force_multigraph=True)
    assert split_list(graph.nodes[NORTHWIND]["aliases"]) == ALIASES
    located = graph.get_edge_data(INSTITUTE, "https://kg.example.org/region/shanghai")
    (edge,) = located.values()
    assert sorted(split_list(edge["evidence"], QUOTE_JOIN)) == sorted(QUOTES)
    (post,) = graph.get_edge_data(ADA, NORTHWIND).values()
    assert split_list(post["role"]) == [ROLE]
    other = igraph.Graph.Read_GraphML(str(built / "kg.graphml"))
    (vertex,) = other.vs.select(id=NORTHWIND)
    assert split_list(vertex["aliases"]) == ALIASES


def test_tables_read_by_csv(built: Path) -> None:
    with open(built / "tables" / "entities.csv", encoding="utf-8-sig", newline="") as handle:
        entities = {row["iri"]: row for row in csv.DictReader(handle)}
    assert split_list(entities[NORTHWIND]["aliases"]) == ALIASES
    with open(built / "tables" / "facts.csv", encoding="utf-8-sig", newline="") as handle:
        facts = {(row["subject_iri"], row["predicate"]): row for row in csv.DictReader(handle)}
    assert sorted(split_list(facts[(INSTITUTE, "locatedIn")]["evidence"], QUOTE_JOIN)) == sorted(QUOTES)
    assert split_list(facts[(ADA, "holdsPostIn")]["role"]) == [ROLE]


def test_neo4j_arrays_read_by_ladybug_both_routes(built: Path, tmp_path: Path) -> None:
    bundle = built / "neo4j"
    with open(bundle / "nodes.csv", encoding="utf-8", newline="") as handle:
        nodes = {row["iri:ID"]: row for row in csv.DictReader(handle)}
    assert nodes[NORTHWIND]["aliases:string[]"].split(neo4j.ARRAY_DELIMITER) == ALIASES
    (tmp_path / "csv").mkdir()
    (tmp_path / "cypher").mkdir()
    from_csv = load_csv(tmp_path / "csv", bundle)
    from_cypher, _ = load_cypher(tmp_path / "cypher", bundle)
    query = f"MATCH (n:Entity {{iri: '{NORTHWIND}'}}) RETURN n.aliases"
    assert as_lists(rows(from_csv, query)[0][0]) == ALIASES
    assert rows(from_cypher, query)[0][0] == ALIASES
    evidence = rows(from_csv, "MATCH ()-[r:Fact]->() WHERE r.type = 'locatedIn' RETURN r.evidence")[0][0]
    assert sorted(as_lists(evidence)) == sorted(QUOTES)
    assert sorted(rows(from_cypher, "MATCH ()-[r:locatedIn]->() RETURN r.evidence")[0][0]) == sorted(QUOTES)
    assert rows(from_cypher, "MATCH ()-[r:holdsPostIn]->() RETURN r.role")[0][0] == [ROLE]


def test_page_in_chromium_shows_each_item(built: Path) -> None:
    with open_page(built / "kg.html") as (page, log):
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
        data = page.evaluate("kg.data")
        node = next(n for n in data["nodes"] if n["iri"] == NORTHWIND)
        assert node["aliases"] == ALIASES
        located = next(e for e in data["edges"] if e["name"] == "locatedIn")
        assert sorted(located["evidence"]) == sorted(QUOTES)
        post = next(e for e in data["edges"] if e["name"] == "holdsPostIn")
        assert post["role"] == [ROLE]
        page.evaluate("kg.focus(kg.find('Qinglan Ledger Institute'))")
        quotes = page.locator("#panel blockquote").all_inner_texts()
        assert any("opened in Shanghai." in q and "Ledgers are the core of trust" in q for q in quotes), quotes
        assert log.page_errors == [] and log.requests == []
