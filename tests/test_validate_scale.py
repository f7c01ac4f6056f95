"""`kg validate` at scale: the partitioned, parallel SHACL run gives exactly the findings of one plain pySHACL run
over the whole graph, and --sample gives exactly the full findings restricted to its (deterministic) sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import SH

from kg.check import shacl as validate
from kg.check.shacl import screening
from kg.errors import UsageError
from kg.pipeline import run as pipeline
from kg.pipeline import synth
from tests.conftest import run_kg

pytestmark = pytest.mark.long  # a 5,000-statement corpus validated many ways: minutes on two cores

KG = "https://kg.example.org/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> pipeline.Build:
    out = tmp_path_factory.mktemp("synth")
    synth.generate(out, 150, seed=3)
    return pipeline.load(out)


def _subjects(lines: list[str], kind: str) -> list[str]:
    """Subjects (as N-Triples tokens) whose IRI path starts with /kind/, in a stable order."""
    return sorted({line.split(" ")[0] for line in lines if line.startswith(f"<https://kg.example.org/{kind}/")})


def _inject(lines: list[str]) -> list[str]:
    """Violations the loader would not let through, written straight into the N-Triples, several of them needing
    triples that live in another chunk (types of values, cycles through other nodes)."""
    orgs, people, regions = _subjects(lines, "organisation"), _subjects(lines, "person"), _subjects(lines, "region")
    policies, statements, evidence = (
        _subjects(lines, "policy"),
        _subjects(lines, "statement"),
        _subjects(lines, "evidence"),
    )
    assert orgs and people and len(regions) > 3 and policies and len(statements) > 3 and evidence
    out = list(lines)
    org, person, policy = orgs[0], people[-1], policies[0]
    out += [
        f'{org} <{KG}foundingDate> "2019"^^<{XSD}gYear> .\n',  # two founding dates: maxCount
        f'{org} <{KG}foundingDate> "2020"^^<{XSD}gYear> .\n',
        f"{regions[0]} <{KG}partOf> {regions[-1]} .\n",  # a cycle through a node of another chunk
        f"{regions[-1]} <{KG}partOf> {regions[0]} .\n",
        f"{person} <{KG}holdsPostIn> {policies[-1]} .\n",  # an organisation or a region, but the value is a policy
        f"{orgs[5]} <{KG}partnerOf> {orgs[5]} .\n",  # SPARQL: an organisation its own partner
        f'{regions[2]} <{KG}iso3166Code> "cn-xx" .\n',  # pattern
        f'{policy} <{KG}projectCount> "-3"^^<{XSD}integer> .\n',  # minInclusive and maxCount
        f"{statements[0]} <{KG}evidence> {people[0]} .\n",  # evidence that is not kg:Evidence
    ]
    unlabelled, bare, stretched = people[0], statements[-1], evidence[len(evidence) // 2]
    out = [
        line
        for line in out
        if not (line.startswith(f"{unlabelled} {LABEL} "))  # minCount of rdfs:label
        and not (line.startswith(f"{bare} <{KG}evidence> "))  # a statement without evidence
        and not (line.startswith(f"{stretched} <http://www.w3.org/ns/oa#end> "))  # minCount of oa:end
    ]
    out.append(f'{evidence[0]} <http://www.w3.org/ns/oa#end> "99999"^^<{XSD}nonNegativeInteger> .\n')  # SPARQL
    # what only the datatype, node kind, length and language checks see
    out += [
        f'{evidence[1]} <http://www.w3.org/ns/oa#start> "-4"^^<{XSD}nonNegativeInteger> .\n',  # ill-typed
        f'{orgs[1]} <{KG}foundingDate> "2020-02-31"^^<{XSD}date> .\n',  # sh:or of datatypes, ill-typed date
        f'{orgs[2]} <{KG}foundingDate> "2020"^^<{XSD}integer> .\n',  # sh:or of datatypes, none matches
        f'{policies[1]} <{KG}projectCount> "3.5"^^<{XSD}decimal> .\n',  # datatype
        f"{people[1]} {LABEL} <https://kg.example.org/not-a-label> .\n",  # nodeKind
        f'{people[2]} {LABEL} "Another name"@EN .\n',  # uniqueLang (the entity has an @en label)
        f'{regions[3]} <{KG}iso3166Code> "CN"^^<{XSD}token> .\n',  # datatype xsd:string, and maxCount
        f'{statements[1]} <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> "text" .\n',  # nodeKind IRI
        f"{orgs[3]} <{KG}locatedIn> {orgs[4]} .\n",  # sh:class kg:Region on an organisation
        f"{policies[2]} <{KG}issuedBy> {people[3]} .\n",  # sh:or of classes, none matches
        f"{policies[3]} <{KG}issuedBy> {regions[1]} .\n",  # sh:or of classes, the second matches: no finding
        f"{policies[4]} <{KG}dateIssued> <{KG}Statement> .\n",  # the message names it with the ontology's prefix
    ]
    exact = [line for line in out if line.startswith(f"{evidence[2]} <http://www.w3.org/ns/oa#exact> ")]
    assert exact
    out = [line for line in out if line not in exact]
    out.append(f'{evidence[2]} <http://www.w3.org/ns/oa#exact> ""^^<{XSD}string> .\n')  # minLength and SPARQL
    return out


def _plain_pyshacl(build: pipeline.Build, lines: list[str]) -> list[tuple[str, str, str]]:
    """The validation as it was before partitioning: one pySHACL run over the whole graph, nothing cached."""
    import pyshacl

    data = Graph().parse(data="".join(lines), format="nt")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=validate.shapes(), ont_graph=build.ontology.graph, advanced=True, allow_warnings=False
    )
    found = [
        (
            str(report.value(r, SH.focusNode)),
            str(report.value(r, SH.resultPath) or ""),
            str(report.value(r, SH.resultMessage) or "violates a shape"),
        )
        for r in set(report.subjects(predicate=SH.focusNode))
    ]
    assert conforms == (not found)
    return sorted(found)


def _triples(findings: list[validate.Finding]) -> list[tuple[str, str, str]]:
    return [(f.focus, f.path, f.message) for f in findings]


@pytest.fixture(scope="module")
def broken(corpus: pipeline.Build) -> tuple[list[str], list[tuple[str, str, str]]]:
    lines = _inject(list(validate.data_lines(corpus)))
    return lines, _plain_pyshacl(corpus, lines)


def test_the_shipped_shapes_partition(corpus: pipeline.Build) -> None:
    the_plan = validate.plan(validate.shapes(), corpus.ontology.graph)
    assert the_plan.global_predicates == {validate.URIRef(KG + "partOf"), validate.URIRef(KG + "subOrganisationOf")}
    assert validate.URIRef(KG + "evidence") in the_plan.class_checked


@pytest.mark.parametrize("jobs", [1, 2])
def test_partitioned_findings_equal_the_whole_graph_run(
    corpus: pipeline.Build, broken, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    lines, expected = broken
    assert len(expected) >= 25, expected  # every injected violation was found
    assert any("Node kg:Statement must conform" in message for _, _, message in expected)
    assert any("cannot be its own partner" in message for _, _, message in expected)  # the SPARQL on a self-loop
    assert any(path.endswith("#holdsPostIn") for _, path, _ in expected)  # sh:or of classes, a policy fits neither
    monkeypatch.setattr(validate, "data_lines", lambda build: iter(lines))
    report = validate.validate(corpus, jobs=jobs, chunk_lines=300, use_screen=False)
    assert report.partitioned and report.chunks > 5 and report.pyshacl_nodes == report.focus_nodes, report
    assert _triples(report.findings) == expected
    monkeypatch.setattr(screening, "_SCREEN_IN_PARALLEL_FROM", 0)  # the screen forks too, with jobs=2
    screened = validate.validate(corpus, jobs=jobs, chunk_lines=300)
    assert screened.pyshacl_nodes < report.focus_nodes // 4, screened  # most nodes were cleared without pySHACL
    assert _triples(screened.findings) == expected
    whole = validate.validate(corpus, jobs=jobs, partition=False)
    assert not whole.partitioned and _triples(whole.findings) == expected


def test_sample_is_the_full_findings_on_the_sampled_nodes(
    corpus: pipeline.Build, broken, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines, expected = broken
    monkeypatch.setattr(validate, "data_lines", lambda build: iter(lines))
    for sample in (0.5, 200):
        report = validate.validate(corpus, jobs=2, sample=sample, seed=7, chunk_lines=300)
        again = validate.validate(corpus, jobs=1, sample=sample, seed=7)
        assert report.findings == again.findings  # deterministic, whatever the chunking
        chosen = validate.sample_nodes(
            {f for f, _, _ in expected} | {line.split(" ")[0][1:-1] for line in lines}, sample, 7
        )
        assert _triples(report.findings) == [f for f in expected if f[0] in chosen]
        assert 0 < report.validated < report.focus_nodes
    half = validate.sample_nodes([f"https://x/{i}" for i in range(2000)], 0.5, 1)
    assert 900 < len(half) < 1100
    assert validate.sample_nodes([f"https://x/{i}" for i in range(1000)], 0.5, 1) == {
        n for n in half if int(n.rsplit("/", 1)[1]) < 1000
    }  # a node's membership does not depend on the others


def test_deeper_shapes_fall_back_to_one_whole_graph_run(corpus: pipeline.Build, tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    shipped = Path(validate.DEFAULT_DIR)
    (ontology / "kg.ttl").write_text((shipped / "kg.ttl").read_text("utf-8"), encoding="utf-8")
    deep = (
        (shipped / "shapes.ttl")
        .read_text("utf-8")
        .replace(
            "sh:property [ sh:path kg:subOrganisationOf ; sh:class kg:Organisation ] ;",
            "sh:property [ sh:path kg:subOrganisationOf ; sh:node kgs:Organisation ] ;",
        )
    )
    assert "sh:node kgs:Organisation" in deep
    (ontology / "shapes.ttl").write_text(deep, encoding="utf-8")
    with pytest.raises(validate._Deep, match="node"):
        validate.plan(validate.shapes(ontology), corpus.ontology.graph)
    report = validate.validate(corpus, ontology, jobs=2)
    assert not report.partitioned and "node" in report.fallback and report.findings == []
    with pytest.raises(UsageError, match="--sample"):
        validate.validate(corpus, ontology, sample=0.5)


def test_cli_sample_and_jobs(mini_data: Path) -> None:
    result = run_kg("validate", "--data", str(mini_data), "--jobs", "1", "--no-screen")
    assert result.returncode == 0 and "valid: all checks and SHACL shapes pass" in result.stdout, result.stderr
    result = run_kg("validate", "--data", str(mini_data), "--jobs", "2", "--sample", "0.5", "--seed", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("sampled: validated ")
    assert "nodes outside the sample were not checked" in result.stdout.splitlines()[0]
    for bad in (["--sample", "1.5"], ["--sample", "many"], ["--jobs", "0"]):
        result = run_kg("validate", "--data", str(mini_data), *bad)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr


def test_chunk_graphs_are_what_rdflib_parses(corpus: pipeline.Build) -> None:
    from rdflib.compare import to_isomorphic

    tricky = [
        '<https://x/a> <https://x/p> "say \\"hi\\"\\n"@en-GB .\n',
        '<https://x/a> <https://x/p> "caf\\u00E9"^^<https://x/t> .\n',
        "<https://x/a> <https://x/p> _:b1 .\n",
        "_:b1 <https://x/p> <https://x/\\u00E9> .\n",
        '<https://x/a>\t<https://x/p>   "x_:y" .   \n',
        '<https://x/a> <https://x/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        '<https://x/a> <https://x/p> "Beijing"@zh-Latn .\n',
        "<https://x/a> <https://x/p> <https://x/b> . # a comment\n",
        "\n",
    ]
    lines = list(validate.data_lines(corpus)) + tricky
    fast = validate._graph(lines)
    slow = Graph().parse(data="".join(line if line.endswith("\n") else line + "\n" for line in lines), format="nt")
    assert len(fast) == len(slow) and to_isomorphic(fast) == to_isomorphic(slow)
    plain = {t for t in slow if not any(isinstance(x, BNode) for x in t)}
    assert plain <= set(fast)  # term for term, literal datatypes and languages included


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_damage_is_found_exactly(corpus: pipeline.Build, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Random edits of the lines (dropped triples, objects swapped for other objects of any kind, triples made of
    parts of others): the screened, partitioned run finds exactly what plain pySHACL finds."""
    import random

    rng = random.Random(seed)
    lines = list(dict.fromkeys(validate.data_lines(corpus)))
    split = [line[:-3].split(" ", 2) for line in lines]
    for _ in range(40):
        i = rng.randrange(len(split))  # an original line: the added ones have no split
        s, p, _ = split[i]
        kind = rng.choice(["drop", "object", "add"])
        if kind == "drop":
            lines[i] = ""
        elif kind == "object":
            lines[i] = f"{s} {p} {rng.choice(split)[2]} .\n"
        else:
            lines.append(f"{rng.choice(split)[0]} {p} {rng.choice(split)[2]} .\n")
    lines = [line for line in lines if line]
    expected = _plain_pyshacl(corpus, lines)
    assert expected  # the damage shows
    monkeypatch.setattr(validate, "data_lines", lambda build: iter(lines))
    monkeypatch.setattr(screening, "_SCREEN_IN_PARALLEL_FROM", 0)
    report = validate.validate(corpus, jobs=2, chunk_lines=300)
    assert report.partitioned and report.pyshacl_nodes < report.focus_nodes
    assert _triples(report.findings) == expected
