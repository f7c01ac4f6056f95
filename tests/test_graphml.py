"""GraphML read back by two independent readers (networkx, python-igraph) with the projection's counts,
typed and uniquely named keys, unique edge ids, and a label and colour per class on every node."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from kg.export import style

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
HAI_YU = "https://kg.example.org/person/hai-yu"
BINANCE = "https://kg.example.org/organisation/binance"


@pytest.fixture(scope="module")
def graphml(shipped_build: Path) -> Path:
    return shipped_build / "kg.graphml"


def test_networkx_reads_graphml(graphml: Path, shipped) -> None:
    view = shipped.view
    graph = nx.read_graphml(graphml, force_multigraph=True)
    assert graph.number_of_nodes() == view.number_of_nodes() >= 45
    assert graph.number_of_edges() == view.number_of_edges() >= 50
    assert set(graph.nodes) == set(view.nodes)
    assert Counter((s, d["name"], o) for s, o, d in graph.edges(data=True)) == Counter(
        (s, k, o) for s, o, k in view.edges(keys=True)
    )
    hai = graph.nodes[HAI_YU]
    assert (hai["label"], hai["class"], hai["aliases"], hai["color"]) == ("Hai Yu", "Person", "Haiyu", "#d62728")
    assert hai["classes"] == view.nodes[HAI_YU]["classes"] and hai["iri"] == HAI_YU
    jiangxi = graph.nodes["https://kg.example.org/policy/jiangxi-key-projects-2020"]
    assert jiangxi["projectCount"] == 395 and jiangxi["totalInvestmentYuan"] == 588900000000.0
    shanghai = graph.nodes["https://kg.example.org/region/shanghai"]
    assert (shanghai["iso3166Code"], shanghai["label_zh"]) == ("CN-SH", "上海市")
    edge = graph.get_edge_data(HAI_YU, BINANCE)["hai-yu/holdsPostIn/binance"]
    assert edge["role"] == "head of Binance's China blockchain technology business"
    assert edge["label"] == "holds post in" and edge["predicate"] == "https://kg.example.org/ontology#holdsPostIn"
    assert "Hai Yu, head of Binance's China blockchain technology business" in edge["evidence"]
    assert edge["sources"] == "china-times-blockchain-lingang"


def test_igraph_reads_graphml(graphml: Path, shipped) -> None:
    import igraph

    view = shipped.view
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Could not add vertex ids, there is already an 'id' attribute"
        graph = igraph.Graph.Read_GraphML(str(graphml))
    assert graph.is_directed()
    assert graph.vcount() == view.number_of_nodes()
    assert graph.ecount() == view.number_of_edges()
    assert sorted(graph.vs["id"]) == sorted(view.nodes), "GraphML node ids are the IRIs"
    drawn = Counter((graph.vs[e.source]["id"], e["name"], graph.vs[e.target]["id"]) for e in graph.es)
    assert drawn == Counter((s, k, o) for s, o, k in view.edges(keys=True))
    labels = set(graph.vs["label"])
    assert {"Hai Yu", "Shanghai", "Digital Shandong 2020 Action Plan"} <= labels
    hai = graph.vs.find(id=HAI_YU)
    assert (hai["class"], hai["color"], hai["r"], hai["g"], hai["b"]) == ("Person", "#d62728", 214, 39, 40)
    jiangxi = graph.vs.find(id="https://kg.example.org/policy/jiangxi-key-projects-2020")
    assert jiangxi["projectCount"] == 395 and jiangxi["totalInvestmentYuan"] == 588900000000.0


def test_keys_are_typed_named_and_unique(graphml: Path, shipped) -> None:
    root = etree.parse(str(graphml)).getroot()
    keys = root.findall("g:key", NS)
    ids = [k.get("id") for k in keys]
    assert len(ids) == len(set(ids)), "key ids must be unique in a GraphML document"
    by_name = {(k.get("for"), k.get("attr.name")): (k.get("id"), k.get("attr.type")) for k in keys}
    for (scope, name), (key_id, _) in by_name.items():
        assert key_id in (name, f"{scope}.{name}"), "stable, readable key ids (named_key_ids)"
    assert by_name[("node", "label")] == ("label", "string")
    assert by_name[("edge", "label")] == ("edge.label", "string")
    assert by_name[("node", "projectCount")] == ("projectCount", "long")
    assert by_name[("node", "totalInvestmentYuan")] == ("totalInvestmentYuan", "double")
    assert by_name[("node", "sessionNumber")][1] == "long"
    assert {by_name[("node", c)][1] for c in "rgb"} == {"long"}
    # every data element refers to a declared key of its own scope
    declared = {(k.get("for"), k.get("id")) for k in keys}
    for scope in ("node", "edge"):
        for data in root.iterfind(f".//g:{scope}/g:data", NS):
            assert (scope, data.get("key")) in declared
    # every view attribute is written with the type of its values (no str of a number)
    for _, attrs in shipped.view.nodes(data=True):
        for name, value in attrs.items():
            if name == "id":
                continue
            want = {str: "string", int: "long", float: "double", bool: "boolean"}[type(value)]
            assert by_name[("node", name)][1] == want, name


def test_edge_ids_are_unique_and_stable(graphml: Path, shipped) -> None:
    root = etree.parse(str(graphml)).getroot()
    ids = [e.get("id") for e in root.iterfind(".//g:edge", NS)]
    assert len(ids) == shipped.view.number_of_edges() == len(set(ids))
    assert "hai-yu/holdsPostIn/binance" in ids


def test_every_node_has_a_label_and_the_colour_of_its_class(graphml: Path, shipped) -> None:
    graph = nx.read_graphml(graphml, force_multigraph=True)
    colours: dict[str, set[str]] = {}
    for node, attrs in graph.nodes(data=True):
        group = shipped.view.nodes[node]["group"]
        assert attrs["label"] and attrs["label"] == shipped.view.nodes[node]["label"]
        assert attrs["color"] == style.colour(group)
        assert "#{:02x}{:02x}{:02x}".format(attrs["r"], attrs["g"], attrs["b"]) == attrs["color"]
        colours.setdefault(group, set()).add(attrs["color"])
    assert all(len(c) == 1 for c in colours.values()), "one colour per class"
    assert len({next(iter(c)) for c in colours.values()}) == len(colours) == 6, "a different colour for each class"


def test_view_leaves_out_schema_and_provenance(shipped) -> None:
    for node in shipped.view.nodes:
        assert "/statement/" not in node and "/evidence/" not in node and "ontology" not in node
    groups = {attrs["group"] for _, attrs in shipped.view.nodes(data=True)}
    assert groups == {"Organisation", "Person", "Region", "Policy", "Event", "Article"}


# -- the same bytes as networkx's writer ---------------------------------------------------------------


class _NetworkxWriter(nx.readwrite.graphml.GraphMLWriterLxml):
    """The writer kg used before writing GraphML as text: networkx's streaming writer, with key ids that are
    attribute names yet unique in the document. The reference the text writer must equal byte for byte."""

    def get_key(self, name: str, attr_type: str, scope: str, default: object) -> str:
        if (name, attr_type, scope) in self.keys:
            return self.keys[(name, attr_type, scope)]
        new_id = super().get_key(name, attr_type, scope, default)
        if sum(1 for key_id in self.keys.values() if key_id == new_id) > 1:
            taken = set(self.keys.values())
            unique = f"{scope}.{name}"
            while unique in taken:
                unique += "_"
            self.keys[(name, attr_type, scope)] = unique
            self.xml[0].set("id", unique)
            return unique
        return new_id


def _networkx_bytes(view: nx.MultiDiGraph, path: Path) -> bytes:
    from kg.export import graphml as writer

    graph = view.copy()
    for node, attrs in view.nodes(data=True):
        graph.nodes[node].clear()
        graph.nodes[node].update(writer.node_data(attrs))
    for (s, o, k), eid in writer.edge_ids(view).items():
        graph.edges[s, o, k][writer.EDGE_ID] = eid
    with open(path, "wb") as stream:
        out = _NetworkxWriter(
            stream, encoding="utf-8", prettyprint=True, named_key_ids=True, edge_id_from_attribute="edge_id"
        )
        out.add_graph_element(graph)
        out.dump()
    return path.read_bytes()


def _same_as_networkx(view: nx.MultiDiGraph, tmp_path: Path) -> None:
    from kg.export import graphml as writer

    expected = _networkx_bytes(view, tmp_path / "networkx.graphml")
    writer.write(view, tmp_path / "kg.graphml")
    assert (tmp_path / "kg.graphml").read_bytes() == expected


def test_the_shipped_view_is_written_as_networkx_writes_it(shipped, tmp_path: Path) -> None:
    _same_as_networkx(shipped.view, tmp_path)


def test_a_synthetic_corpus_is_written_as_networkx_writes_it(tmp_path: Path) -> None:
    from kg.pipeline import run as pipeline
    from kg.pipeline import synth

    synth.generate(tmp_path / "data", 600, seed=3, per_article=30)
    _same_as_networkx(pipeline.load(tmp_path / "data").view, tmp_path)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_VALUE = st.one_of(_TEXT, st.integers(-(10**12), 10**12), st.floats(allow_nan=False), st.booleans())
_NAME = st.sampled_from(["label", "note", "date", "class", "x", "node.x", "edge.note", "a&b", 'q"'])


@settings(max_examples=150, deadline=None)
@given(
    nodes=st.dictionaries(_TEXT, st.dictionaries(_NAME, _VALUE, max_size=4), min_size=1, max_size=5),
    edges=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), _TEXT, st.dictionaries(_NAME, _VALUE, max_size=4)), max_size=6
    ),
)
def test_any_view_is_written_as_networkx_writes_it_or_refused_alike(nodes, edges, tmp_path_factory) -> None:
    """Clashing key names across nodes and edges and across types, every kind of value, any text (control
    characters included: both refuse what XML cannot hold, with the same error)."""
    from kg.export import graphml as writer

    tmp_path = tmp_path_factory.mktemp("any")
    view = nx.MultiDiGraph()
    names = list(nodes)
    for node, attrs in nodes.items():
        view.add_node(node, **attrs)
    for s, o, key, attrs in edges:
        view.add_edge(names[s % len(names)], names[o % len(names)], key=key, **attrs)
    try:
        expected = _networkx_bytes(view, tmp_path / "networkx.graphml")
    except ValueError as err:
        with pytest.raises(ValueError, match="XML compatible"):
            writer.write(view, tmp_path / "kg.graphml")
        assert "XML compatible" in str(err)
        return
    writer.write(view, tmp_path / "kg.graphml")
    assert (tmp_path / "kg.graphml").read_bytes() == expected
