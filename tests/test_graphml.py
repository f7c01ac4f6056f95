"""GraphML read back by two independent readers (networkx, python-igraph) with the projection's counts."""

from __future__ import annotations

from pathlib import Path

import networkx as nx


def test_networkx_reads_graphml(shipped_build: Path, shipped) -> None:
    view = shipped.view
    graph = nx.read_graphml(shipped_build / "kg.graphml", force_multigraph=True)
    assert graph.number_of_nodes() == view.number_of_nodes() >= 45
    assert graph.number_of_edges() == view.number_of_edges() >= 50
    hai = graph.nodes["https://kg.example.org/person/hai-yu"]
    assert (hai["label"], hai["class"], hai["aliases"], hai["color"]) == ("Hai Yu", "Person", "Haiyu", "#d62728")
    jiangxi = graph.nodes["https://kg.example.org/policy/jiangxi-key-projects-2020"]
    assert jiangxi["projectCount"] == 395 and jiangxi["totalInvestmentYuan"] == 588900000000.0
    edges = graph.get_edge_data("https://kg.example.org/person/hai-yu", "https://kg.example.org/organisation/binance")
    assert edges["holdsPostIn"]["role"] == "head of Binance's China blockchain technology business"
    assert "Hai Yu, head of Binance's China blockchain technology business" in edges["holdsPostIn"]["evidence"]


def test_igraph_reads_graphml(shipped_build: Path, shipped) -> None:
    import igraph

    graph = igraph.Graph.Read_GraphML(str(shipped_build / "kg.graphml"))
    assert graph.vcount() == shipped.view.number_of_nodes()
    assert graph.ecount() == shipped.view.number_of_edges()
    assert graph.is_directed()
    labels = set(graph.vs["label"])
    assert {"Hai Yu", "Shanghai", "Digital Shandong 2020 Action Plan"} <= labels


def test_view_leaves_out_schema_and_provenance(shipped) -> None:
    for node in shipped.view.nodes:
        assert "/statement/" not in node and "/evidence/" not in node and "ontology" not in node
    groups = {attrs["group"] for _, attrs in shipped.view.nodes(data=True)}
    assert groups == {"Organisation", "Person", "Region", "Policy", "Event", "Article"}
