"""The shipped article as a knowledge graph: parsed by independent readers, queried with SPARQL on
pyoxigraph, with every quote found verbatim at its recorded offsets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pycountry
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import kg
from kg.read.regions import lookup
from tests.conftest import DATA, need_tool, run_kg

ARTICLE = "https://kg.example.org/article/china-times-blockchain-lingang"
PREFIXES = """
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


@pytest.fixture(scope="module")
def store(shipped_build: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(shipped_build / "kg.trig"), format=ox.RdfFormat.TRIG)
    return store


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """Rows of plain strings, sorted, so answers compare exactly."""
    solutions = store.query(PREFIXES + query)
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        rows.append(tuple("" if solution[n] is None else solution[n].value for n in names))
    return sorted(rows)


def test_build_writes_outputs_and_summary(shipped_build: Path) -> None:
    for name in ("kg.ttl", "kg.trig", "kg.nt", "kg.nq", "kg.graphml", "kg.html"):
        assert (shipped_build / name).stat().st_size > 0
    # the build writes into a staging directory beside build/ (.build.staging-*, kg/pipeline/run.py `staged`) and
    # swaps it in: none may be left there, nor inside
    staging = f".{shipped_build.name}.staging-*"
    beside = sorted(p.name for p in shipped_build.parent.iterdir() if p.name != shipped_build.name)
    assert beside == [f".{shipped_build.name}.kg-cache", f".{shipped_build.name}.kg-lock"], beside
    assert not list(shipped_build.parent.glob(staging)) and not list(shipped_build.rglob(staging))


def test_summary_counts(shipped) -> None:
    entities = [e for e in shipped.facts.entities.values() if e.cls != "Article"]
    assert len(entities) >= 45
    assert len(shipped.facts.statements) > 40
    summary = shipped.summary()
    assert summary.startswith(f"{len(entities)} entities, {len(shipped.facts.statements)} statements, 1 sources")


def test_rapper_parses_turtle_and_trig(shipped_build: Path, shipped) -> None:
    rapper = need_tool("rapper")
    for name, syntax, expected in (
        ("kg.ttl", "turtle", len(shipped.dataset.default_graph)),
        ("kg.trig", "trig", sum(len(g) for g in shipped.dataset.graphs())),
    ):
        result = subprocess.run([rapper, "-i", syntax, "-c", str(shipped_build / name)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert f"returned {expected} triples" in result.stderr


def _ox_to_rdflib_dataset(path: Path, fmt: ox.RdfFormat) -> Dataset:
    """Parse with pyoxigraph (the independent reader); hand over as N-Quads only to compare graphs."""
    quads = ox.serialize(ox.parse(path=str(path), format=fmt), format=ox.RdfFormat.N_QUADS)
    ds = Dataset()
    ds.parse(data=quads.decode("utf-8"), format="nquads")
    return ds


@pytest.mark.parametrize("name,fmt", [("kg.ttl", ox.RdfFormat.TURTLE), ("kg.nt", ox.RdfFormat.N_TRIPLES)])
def test_default_graph_files_are_isomorphic_to_the_dataset(shipped_build: Path, shipped, name, fmt) -> None:
    parsed = _ox_to_rdflib_dataset(shipped_build / name, fmt)
    expected = Graph()
    for t in shipped.dataset.default_graph:
        expected.add(t)
    got = Graph()
    for t in parsed.default_graph:
        got.add(t)
    assert len(got) == len(expected) > 200
    assert isomorphic(got, expected)


@pytest.mark.parametrize("name,fmt", [("kg.trig", ox.RdfFormat.TRIG), ("kg.nq", ox.RdfFormat.N_QUADS)])
def test_quad_files_are_isomorphic_to_the_dataset(shipped_build: Path, shipped, name, fmt) -> None:
    parsed = _ox_to_rdflib_dataset(shipped_build / name, fmt)
    want = {g.identifier: g for g in shipped.dataset.graphs() if len(g)}
    got = {g.identifier: g for g in parsed.graphs() if len(g)}
    assert sorted(map(str, got)) == sorted(map(str, want))
    for identifier, graph in want.items():
        assert isomorphic(got[identifier], graph), identifier


def test_cofounders_of_the_lingang_institute(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?founder ?date WHERE {
          GRAPH ?g { ?st a kg:Statement ; rdf:subject ?inst ; rdf:predicate kg:coFoundedBy ;
                         rdf:object ?org ; kg:date ?date . }
          ?inst rdfs:label "Lingang Blockchain Technology Industry Research Institute"@en .
          ?org rdfs:label ?founder .
        }""",
    )
    assert rows == [
        ("Binance China", "2020-03-27"),
        ("Lingang Innovation Management College", "2020-03-27"),
        ("Lingang Xinyefang", "2020-03-27"),
    ]
    assert select(
        store,
        """
        SELECT ?date WHERE { <https://kg.example.org/organisation/lingang-blockchain-institute> kg:foundingDate ?date }
    """,
    ) == [("2020-03-27",)]


def test_policies_issued_in_march_2020(store: ox.Store) -> None:
    rows = select(
        store,
        """
        SELECT ?policy ?body ?province ?date WHERE {
          ?p (kg:dateIssued|kg:dateApproved) ?date ;
             (kg:issuedBy|kg:approvedBy) ?b ;
             kg:appliesTo ?r .
          ?r a kg:Province .
          FILTER (?date >= "2020-03-01"^^xsd:date && ?date <= "2020-03-31"^^xsd:date)
          ?p rdfs:label ?policy . ?b rdfs:label ?body . FILTER (lang(?body) = "en")
          ?r rdfs:label ?province . FILTER (lang(?province) = "en")
        }""",
    )
    assert rows == [
        (
            "2020 Hunan Province's Big Data and Blockchain Industry Development Key Projects",
            "Hunan Provincial Department of Industry and Information Technology",
            "Hunan",
            "2020-03-27",
        ),
        (
            "2020 Jiangxi Provincial Key Industry Investment Project",
            "Jiangxi Provincial Development and Reform Commission",
            "Jiangxi",
            "2020-03-29",
        ),
        (
            "Digital Shandong 2020 Action Plan",
            "Executive Meeting of the Shandong Provincial Government",
            "Shandong",
            "2020-03-23",
        ),
        (
            "Twelve measures to strengthen scientific and technological support services to prevent and control epidemics "
            "and economic and social development",
            "Fujian",
            "Fujian",
            "2020-03-23",
        ),
    ]


def test_who_is_quoted_with_post_and_organisation(store: ox.Store) -> None:
    rows = select(
        store,
        f"""
        SELECT ?person ?role ?organisation WHERE {{
          ?p kg:quotedIn <{ARTICLE}> ; rdfs:label ?person .
          OPTIONAL {{
            GRAPH ?g {{ ?st rdf:subject ?p ; rdf:predicate kg:holdsPostIn ; rdf:object ?o ; kg:role ?role . }}
            ?o rdfs:label ?organisation .
          }}
        }}""",
    )
    assert rows == [
        ("Don Tapscott", "Honorary President", "Lingang Blockchain Technology Industry Research Institute"),
        ("Hai Yu", "head of Binance's China blockchain technology business", "Binance"),
        ("Han Yongfei", "", ""),
        ("Sun Hui", "deputy director", "People's Bank of China Shanghai headquarters"),
        ("Wang Heng", "", ""),
    ]


def test_aliases_are_one_entity(store: ox.Store) -> None:
    assert select(store, 'SELECT ?who WHERE { ?p skos:altLabel "Haiyu"@en ; rdfs:label ?who }') == [("Hai Yu",)]


def test_every_fact_has_evidence_at_its_offsets(store: ox.Store) -> None:
    body = kg.pipeline.run.load(DATA).facts.sources["china-times-blockchain-lingang"].body
    facts = select(
        store,
        """
        SELECT ?s ?p ?o WHERE {
          ?s ?p ?o . FILTER (STRSTARTS(STR(?p), "https://kg.example.org/ontology#"))
          FILTER (?p NOT IN (kg:iso3166Code, kg:language, kg:translatedFrom, kg:datePublished))
        }""",
    )
    assert len(facts) == 81
    evidence = select(
        store,
        """
        SELECT ?s ?p ?o ?quote ?start ?end ?source WHERE {
          ?s ?p ?o .
          GRAPH ?g { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:evidence ?ev .
                     ?ev oa:exact ?quote ; oa:start ?start ; oa:end ?end ; dcterms:source ?source . }
        }""",
    )
    supported = {row[:3] for row in evidence}
    assert supported == set(facts)
    for _s, _p, _o, quote, start, end, source in evidence:
        assert source == ARTICLE
        assert body[int(start) : int(end)] == quote


def test_regions_carry_pycountry_codes_and_chinese_names(shipped) -> None:
    regions = [
        e
        for e in shipped.facts.entities.values()
        if e.cls in ("Province", "Municipality", "AutonomousRegion", "Country")
    ]
    assert len(regions) == 12
    for entity in regions:
        assert entity.iso3166
        official = lookup(entity.iso3166)
        expected = pycountry.subdivisions.get(code=entity.iso3166) or pycountry.countries.get(alpha_2=entity.iso3166)
        assert official is not None and expected is not None
        assert entity.label_zh == official.name_zh and entity.label_zh
    shanghai = shipped.facts.entities["shanghai"]
    assert (shanghai.iso3166, shanghai.label_zh) == ("CN-SH", "上海市")


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build{seed}"
        result = run_kg("build", "--out", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        outs.append(out)
    # every file but the store (RocksDB files are not byte-stable; its content is compared in the query tests)
    names = sorted(
        str(p.relative_to(outs[0]))
        for p in outs[0].rglob("*")
        if p.is_file() and not p.name.startswith(".") and "store" not in p.relative_to(outs[0]).parts
    )
    assert names == [
        "kg.graphml",
        "kg.html",
        "kg.jsonld",
        "kg.nq",
        "kg.nt",
        "kg.trig",
        "kg.ttl",
        "neo4j/import.cypher",
        "neo4j/kuzu.cypher",
        "neo4j/load-csv.cypher",
        "neo4j/nodes.csv",
        "neo4j/relationships.csv",
        "neo4j/schema-falkordb.cypher",
        "neo4j/schema-memgraph.cypher",
        "neo4j/schema-neo4j.cypher",
        "tables/entities.csv",
        "tables/facts.csv",
    ]
    for name in names:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_validate_passes_on_shipped_data() -> None:
    result = run_kg("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid: all checks and SHACL shapes pass" in result.stdout


def test_python_api_returns_the_dataset() -> None:
    ds = kg.build(DATA)
    assert isinstance(ds, Dataset)
    assert len(ds.default_graph) > 200
