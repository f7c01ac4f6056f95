"""JSON-LD read back by three readers other than its writer (pyoxigraph, rdflib, pyld), with readable keys."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.export import jsonld
from kg.ontology import KG, Ontology
from kg.pipeline.rdf import SKOS, rdflib_graph, term_of

HAI_YU = "https://kg.example.org/person/hai-yu"
INSTITUTE = "https://kg.example.org/organisation/lingang-blockchain-institute"


@pytest.fixture(scope="module")
def document(shipped_build: Path) -> dict:
    return json.loads((shipped_build / "kg.jsonld").read_text("utf-8"))


@pytest.fixture(scope="module")
def expected(shipped) -> Graph:
    return rdflib_graph(shipped.rdf.default)


def _graph_from_nquads(text: str) -> Graph:
    graph = Graph()
    graph.parse(data=text, format="nt")
    return graph


def _read_with_pyoxigraph(data: bytes) -> Graph:
    quads = ox.serialize(ox.parse(data, format=ox.RdfFormat.JSON_LD), format=ox.RdfFormat.N_QUADS)
    return _graph_from_nquads(quads.decode("utf-8"))


def test_pyoxigraph_reads_a_graph_isomorphic_to_the_default_graph(shipped_build: Path, expected: Graph) -> None:
    got = _read_with_pyoxigraph((shipped_build / "kg.jsonld").read_bytes())
    assert len(got) == len(expected) > 200
    assert isomorphic(got, expected)


def test_rdflib_reads_a_graph_isomorphic_to_the_default_graph(shipped_build: Path, expected: Graph) -> None:
    got = Graph().parse(shipped_build / "kg.jsonld", format="json-ld")
    assert len(got) == len(expected)
    assert isomorphic(got, expected)


def test_pyld_reads_a_graph_isomorphic_to_the_default_graph(document: dict, expected: Graph) -> None:
    from pyld import jsonld as pyld

    got = _graph_from_nquads(pyld.to_rdf(document, {"format": "application/n-quads"}))
    assert len(got) == len(expected)
    assert isomorphic(got, expected)


def _node(document: dict, iri: str) -> dict:
    return next(node for node in document["@graph"] if node["id"] == iri)


def test_keys_are_readable_and_values_plain(document: dict) -> None:
    context = document["@context"]
    assert (context["id"], context["type"]) == ("@id", "@type")
    assert context["label"] == {"@id": "rdfs:label", "@container": "@language"}
    assert context["altLabel"] == {"@id": "skos:altLabel", "@container": "@language"}
    assert context["coFoundedBy"] == {"@id": "kg:coFoundedBy", "@type": "@id"}
    assert context["foundedBy"] == {"@id": "kg:foundedBy", "@type": "@id"}
    assert context["projectCount"] == {"@id": "kg:projectCount", "@type": "xsd:integer"}
    assert context["totalInvestmentYuan"] == {"@id": "kg:totalInvestmentYuan", "@type": "xsd:decimal"}
    assert context["iso3166Code"] == "kg:iso3166Code"

    hai = _node(document, HAI_YU)
    assert hai["type"] == "Person"
    assert hai["label"] == {"en": "Hai Yu"} and hai["altLabel"] == {"en": "Haiyu"}
    assert hai["holdsPostIn"] == "https://kg.example.org/organisation/binance"

    institute = _node(document, INSTITUTE)
    assert institute["coFoundedBy"] == [
        "https://kg.example.org/organisation/binance-china",
        "https://kg.example.org/organisation/lingang-innovation-management-college",
        "https://kg.example.org/organisation/lingang-xinyefang",
    ]
    assert institute["foundingDate"] == "2020-03-27"

    jiangxi = _node(document, "https://kg.example.org/policy/jiangxi-key-projects-2020")
    assert jiangxi["projectCount"] == 395  # a JSON number: reads back as the same xsd:integer
    assert jiangxi["totalInvestmentYuan"] == "588900000000.0"  # a string: a JSON number would become xsd:double

    shanghai = _node(document, "https://kg.example.org/region/shanghai")
    assert shanghai["label"] == {"en": "Shanghai", "zh": "上海市"}
    assert shanghai["iso3166Code"] == "CN-SH"


def test_every_kg_term_has_a_key(document: dict, shipped) -> None:
    context = document["@context"]
    for name, prop in shipped.ontology.properties.items():
        term = context[name]
        if prop.is_object:
            assert term == {"@id": f"kg:{name}", "@type": "@id"}, name
        else:
            assert (term if isinstance(term, str) else term["@id"]) == f"kg:{name}", name
    for name in shipped.ontology.classes:
        assert context[name] == f"kg:{name}"
    used = {key for node in document["@graph"] for key in node}
    assert used <= set(context), "a key without a term: a compact IRI leaked into the shipped graph"


def test_nodes_and_values_are_sorted(document: dict) -> None:
    ids = [node["id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    for node in document["@graph"]:
        keys = list(node)
        assert keys[:2] == ["id", "type"] and keys[2:] == sorted(keys[2:])
        for value in node.values():
            if isinstance(value, list):
                assert value == sorted(value, key=lambda v: json.dumps(v, sort_keys=True)), node["id"]


def test_values_that_do_not_fit_their_key_still_round_trip(shipped) -> None:
    """Edge cases the shipped data lacks: a gYearMonth under an xsd:date key, an untagged label, a
    language-tagged code, two labels in one language, a literal where an IRI is expected, and a property
    outside every vocabulary. (Language tags are lower case: pyoxigraph normalises them.)"""
    ontology: Ontology = shipped.ontology
    node = URIRef("https://kg.example.org/policy/odd")
    graph = Graph()
    for triple in [
        (node, RDF.type, KG.Policy),
        (node, RDF.type, KG.ActionPlan),
        (node, KG.dateIssued, Literal("2020-03", datatype=XSD.gYearMonth)),
        (node, KG.dateApproved, Literal("2020-03-05", datatype=XSD.date)),
        (node, RDFS.label, Literal("untagged")),
        (node, RDFS.label, Literal("Zweiter", lang="de")),
        (node, RDFS.label, Literal("Erster", lang="de")),
        (node, SKOS.altLabel, Literal("alias", lang="en-gb")),
        (node, KG.measureCount, Literal("12", datatype=XSD.integer)),
        (node, KG.iso3166Code, Literal("CN", lang="en")),
        (node, KG.appliesTo, Literal("not an IRI")),
        (node, URIRef("urn:example:odd#p"), Literal("x", datatype=URIRef("urn:example:type"))),
        (node, KG.totalInvestmentYuan, Literal("1.50", datatype=XSD.decimal)),
    ]:
        graph.add(triple)
    text = jsonld.dumps(jsonld.document([tuple(term_of(t) for t in triple) for triple in graph], ontology))
    got = _read_with_pyoxigraph(text.encode("utf-8"))
    assert isomorphic(got, graph), sorted(set(got) ^ set(graph))
    assert isomorphic(Graph().parse(data=text, format="json-ld"), graph)
    doc = json.loads(text)["@graph"][0]
    assert doc["type"] == ["ActionPlan", "Policy"]
    assert doc["label"] == {"de": ["Erster", "Zweiter"]} and doc["rdfs:label"] == {"@value": "untagged"}
    assert doc["dateIssued"] == {"@value": "2020-03", "@type": "xsd:gYearMonth"}
    assert doc["dateApproved"] == "2020-03-05" and doc["measureCount"] == 12
    assert doc["iso3166Code"] == {"@value": "CN", "@language": "en"} and doc["appliesTo"] == {"@value": "not an IRI"}
    assert doc["urn:example:odd#p"] == {"@value": "x", "@type": "urn:example:type"}


def test_output_is_stable_in_process(shipped, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonld", tmp_path / "b.jsonld"
    jsonld.write(shipped.rdf, first)
    jsonld.write(shipped.rdf, second)
    assert first.read_bytes() == second.read_bytes()


def test_pyld_round_trip_is_isomorphic_to_kg_ttl(document: dict, shipped_build: Path) -> None:
    """The issue's wording: kg.jsonld through pyld gives a graph isomorphic to the kg.ttl file (read by pyoxigraph)."""
    from pyld import jsonld as pyld

    ttl = ox.serialize(
        ox.parse(path=str(shipped_build / "kg.ttl"), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
    )
    want = _graph_from_nquads(ttl.decode("utf-8"))
    got = _graph_from_nquads(pyld.to_rdf(document, {"format": "application/n-quads"}))
    assert len(got) == len(want) > 200
    assert isomorphic(got, want)


def _normal(value: object) -> object:
    """JSON with arrays as sets (JSON-LD arrays are unordered unless @list)."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def test_the_document_is_in_compacted_form(document: dict) -> None:
    """pyld's own compaction of the expanded document with our context gives our document back, except that
    pyld moves a value which does not fit its term's type (the article's gYearMonth `datePublished`, whose
    term says xsd:date) under the compact IRI, where kg keeps the readable key and a value object."""
    from pyld import jsonld as pyld

    again = pyld.compact(pyld.expand(document), {"@context": document["@context"]})
    ours = {node["id"]: _normal(node) for node in document["@graph"]}
    theirs = {node["id"]: _normal(node) for node in again["@graph"]}
    assert set(ours) == set(theirs)
    differences = []
    for iri, node in ours.items():
        for key in sorted(set(node) | set(theirs[iri])):
            if node.get(key) != theirs[iri].get(key):
                differences.append((iri.rsplit("/", 1)[-1], key))
    assert differences == [
        ("china-times-blockchain-lingang", "datePublished"),
        ("china-times-blockchain-lingang", "kg:datePublished"),
    ]
    article = ours["https://kg.example.org/article/china-times-blockchain-lingang"]
    assert article["datePublished"] == {"@value": "2020-03", "@type": "xsd:gYearMonth"}
