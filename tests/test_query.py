"""`kg query` on the real build of the shipped article: inputs (text, .rq file, saved name, stdin), every output
format, ASK / CONSTRUCT / DESCRIBE, safe parameter binding, syntax errors, `--list`, and the RDFS entailment
of the store. The exact answers of the saved questions are in tests/test_query_saved.py."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg import store
from tests.conftest import ROOT, run_kg

KG = "https://kg.example.org/"
HAI_YU = KG + "person/hai-yu"
PEOPLE = "SELECT ?person ?name WHERE { ?person a kg:Person ; rdfs:label ?name . FILTER (LANG(?name) = 'en') }"
PERSON_NAMES = ["Don Tapscott", "Hai Yu", "Han Yongfei", "Hu Jinhua", "Sun Hui", "Wang Heng"]


def query(build, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the real `kg query` in a subprocess; output is decoded without newline translation, so the CRLF line
    ends of SPARQL CSV are seen as written."""
    result = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--build", str(build), *args],
        cwd=ROOT,
        input=None if stdin is None else stdin.encode(),
        capture_output=True,
        timeout=120,
    )
    result.stdout = result.stdout.decode("utf-8")
    result.stderr = result.stderr.decode("utf-8")
    return result


# ---------------------------------------------------------------------------------------------------------------
# Where the query comes from


def test_query_string_prints_an_aligned_table(shipped_build):
    result = query(shipped_build, PEOPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "person                                      name\n"
        "------------------------------------------  ------------\n"
        "https://kg.example.org/person/don-tapscott  Don Tapscott\n"
        "https://kg.example.org/person/hai-yu        Hai Yu\n"
        "https://kg.example.org/person/han-yongfei   Han Yongfei\n"
        "https://kg.example.org/person/hu-jinhua     Hu Jinhua\n"
        "https://kg.example.org/person/sun-hui       Sun Hui\n"
        "https://kg.example.org/person/wang-heng     Wang Heng\n"
        "(6 rows)\n"
    )
    assert result.stderr == ""


def test_query_file_stdin_and_saved_name_give_the_same_answer(shipped_build, tmp_path):
    path = tmp_path / "people.rq"
    path.write_text("# the people\n" + PEOPLE + "\n", encoding="utf-8")
    from_text = query(shipped_build, PEOPLE, "--format", "tsv")
    from_file = query(shipped_build, str(path), "--format", "tsv")
    from_stdin = query(shipped_build, "-", "--format", "tsv", stdin=PEOPLE)
    assert from_text.returncode == from_file.returncode == from_stdin.returncode == 0
    assert from_text.stdout == from_file.stdout == from_stdin.stdout
    assert from_text.stdout.splitlines()[2] == f'<{HAI_YU}>\t"Hai Yu"@en'

    saved = query(shipped_build, "people-posts", "--format", "csv")
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.splitlines()[0] == "personLabel,role,organisationLabel"
    assert [row[0] for row in csv.reader(io.StringIO(saved.stdout))][1:] == PERSON_NAMES


def test_show_prints_a_saved_question_without_running_it(shipped_build):
    result = query(shipped_build, "founders", "--show")
    assert result.returncode == 0
    assert result.stdout == store.saved_queries()["founders"].text


def test_unknown_name_suggests_the_close_ones(shipped_build):
    result = query(shipped_build, "founder")
    assert result.returncode == 2
    assert result.stderr == (
        "kg: error: 'founder' is neither a saved question nor a file; did you mean founders? "
        "(`kg query --list` shows the saved questions)\n"
    )


def test_missing_store_says_to_build(tmp_path):
    result = query(tmp_path, "founders")
    assert result.returncode == 2
    assert "no SPARQL store here; run `kg build` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_shows_every_saved_question_with_one_line(shipped_build):
    result = run_kg("query", "--list")
    assert result.returncode == 0
    saved = store.saved_queries()
    assert len(saved) >= 12
    described = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in described] == sorted(saved)
    for line in described:
        name, description = line.split(None, 1)
        assert description == saved[name].description
        assert description.endswith(".") and "\n" not in description
    assert "organisations-in-region     Organisations in a region, including every region inside it" in result.stdout
    assert "    --param region=ID|<IRI>  the region, as a kg id (shanghai) or an <IRI>" in result.stdout
    assert "    [--param month=YYYY-MM]  a month as YYYY-MM (2020-03)" in result.stdout


# ---------------------------------------------------------------------------------------------------------------
# Output formats


FIGURES = "SELECT ?policy ?n WHERE { ?policy kg:projectCount ?n } ORDER BY ?n"


def test_csv_is_sparql_results_csv(shipped_build):
    result = query(shipped_build, FIGURES, "--format", "csv")
    assert result.stdout == (
        "policy,n\r\n"
        "https://kg.example.org/policy/hunan-key-projects-2020,86\r\n"
        "https://kg.example.org/policy/jiangxi-key-projects-2020,395\r\n"
    )


def test_tsv_is_sparql_results_tsv_and_parses_as_rdf_terms(shipped_build):
    result = query(shipped_build, FIGURES, "--format", "tsv")
    lines = result.stdout.splitlines()
    assert lines[0] == "?policy\t?n"
    assert lines[1] == f"<{KG}policy/hunan-key-projects-2020>\t86" or lines[1] == (
        f'<{KG}policy/hunan-key-projects-2020>\t"86"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )
    # pyoxigraph's own reader of the SPARQL TSV format reads it back
    parsed = ox.parse_query_results(result.stdout.encode(), format=ox.QueryResultsFormat.TSV)
    assert [(s["policy"].value, int(s["n"].value)) for s in parsed] == [
        (KG + "policy/hunan-key-projects-2020", 86),
        (KG + "policy/jiangxi-key-projects-2020", 395),
    ]


def test_json_is_sparql_results_json(shipped_build):
    result = query(shipped_build, FIGURES, "--format", "json")
    doc = json.loads(result.stdout)
    assert doc == {
        "head": {"vars": ["policy", "n"]},
        "results": {
            "bindings": [
                {
                    "policy": {"type": "uri", "value": KG + "policy/hunan-key-projects-2020"},
                    "n": {"type": "literal", "value": "86", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
                },
                {
                    "policy": {"type": "uri", "value": KG + "policy/jiangxi-key-projects-2020"},
                    "n": {"type": "literal", "value": "395", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
                },
            ]
        },
    }
    parsed = ox.parse_query_results(result.stdout.encode(), format=ox.QueryResultsFormat.JSON)
    assert [int(s["n"].value) for s in parsed] == [86, 395]


def test_json_keeps_language_tags_and_omits_unbound(shipped_build):
    result = query(shipped_build, "people-posts", "--format", "json")
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert bindings[2] == {"personLabel": {"type": "literal", "value": "Han Yongfei", "xml:lang": "en"}}


def test_markdown_table_escapes_pipes_and_html(shipped_build):
    result = query(shipped_build, "SELECT ?text WHERE { VALUES ?text { 'a|b <i>x</i>' } }", "--format", "md")
    assert result.stdout == "| text |\n| --- |\n| a\\|b &lt;i&gt;x&lt;/i&gt; |\n"


def test_table_shows_control_characters_as_escapes(shipped_build):
    result = query(shipped_build, 'SELECT ?text WHERE { VALUES ?text { "line\\nbreak\\u001b[31m" } }')
    assert result.stdout.splitlines()[2] == "line\\nbreak\\x1b[31m"


def test_table_shows_reordering_and_invisible_characters_as_escapes(shipped_build):
    """A right-to-left override would show the rest of the line reversed, a line separator break it, a zero-width
    space or byte-order mark hide in it: each is shown as its escape, in a table as in a row."""
    text = "abc\\u202Edcba\\u2028x\\u200By\\uFEFFz\\u2066w"
    result = query(shipped_build, f'SELECT ?text ?n WHERE {{ VALUES (?text ?n) {{ ("{text}" 1) }} }}')
    assert result.stdout.splitlines()[2] == "abc\\u202edcba\\u2028x\\u200by\\ufeffz\\u2066w  1"


def test_table_measures_a_joiner_as_no_column(shipped_build):
    """A zero-width joiner (kept: scripts and emoji need it) takes no column, so the next column stays aligned."""
    result = query(shipped_build, 'SELECT ?t ?n WHERE { VALUES (?t ?n) { ("a\\u200Db" 1) ("abc" 2) } }')
    assert result.stdout.splitlines()[2:4] == ["abc  2", "a\u200db   1"]


def test_table_aligns_wide_and_combining_characters_and_escapes_every_control_character():
    """Columns line up at a terminal: a CJK character takes two columns, a combining mark none, and each of
    Unicode's 65 control characters (C0, DEL, C1) is shown as an escape that takes its own width."""
    rows = [
        (ox.Literal("中国"), ox.Literal("x")),
        (ox.Literal("e\u0301te\u0301"), ox.Literal("y")),  # "été" with combining accents: three columns
        (ox.Literal("a\tb\x85"), None),
        (ox.NamedNode("https://kg.example.org/ontology#Company"), ox.Literal("z")),
    ]
    table = store.to_table(store.Result("SELECT", variables=["name", "v"], rows=rows)).splitlines()
    assert table == [
        "name        v",
        "----------  -",
        "中国        x",
        "e\u0301te\u0301         y",
        "a\\tb\\x85",
        "kg:Company  z",
        "(4 rows)",
    ]
    controls = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
    shown = store.display(ox.Literal(controls))
    assert not any(c in shown for c in controls) and shown.count("\\") == 65


# ---------------------------------------------------------------------------------------------------------------
# ASK, CONSTRUCT, DESCRIBE


def test_ask(shipped_build):
    yes = query(shipped_build, f"ASK {{ <{HAI_YU}> kg:holdsPostIn ?org }}")
    no = query(shipped_build, f"ASK {{ <{HAI_YU}> kg:holdsPostIn <{KG}organisation/huobi> }}")
    assert (yes.returncode, yes.stdout, no.stdout) == (0, "true\n", "false\n")
    as_json = query(shipped_build, f"ASK {{ <{HAI_YU}> a kg:Person }}", "--format", "json")
    assert json.loads(as_json.stdout) == {"head": {}, "boolean": True}


def test_construct_prints_turtle_that_parses(shipped_build):
    text = "CONSTRUCT { ?org kg:foundedBy ?founder } WHERE { ?org kg:coFoundedBy ?founder }"
    result = query(shipped_build, text)
    assert result.returncode == 0, result.stderr
    triples = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    founders = sorted(t.object.value.rsplit("/", 1)[1] for t in triples)
    assert founders == ["binance-china", "lingang-innovation-management-college", "lingang-xinyefang"]
    assert "@prefix kg: <https://kg.example.org/ontology#> ." in result.stdout


def test_describe_prints_the_entity_as_turtle(shipped_build):
    result = query(shipped_build, f"DESCRIBE <{HAI_YU}>")
    assert result.returncode == 0, result.stderr
    triples = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    assert {t.subject.value for t in triples} == {HAI_YU}
    facts = {(t.predicate.value, str(t.object)) for t in triples}
    assert ("http://www.w3.org/2004/02/skos/core#altLabel", '"Haiyu"@en') in facts
    assert ("https://kg.example.org/ontology#holdsPostIn", f"<{KG}organisation/binance>") in facts


def test_rows_format_for_a_graph_is_refused(shipped_build):
    result = query(shipped_build, f"DESCRIBE <{HAI_YU}>", "--format", "csv")
    assert result.returncode == 2
    assert result.stderr == (
        "kg: error: a DESCRIBE query answers with RDF: use --format turtle (the default) or ntriples\n"
    )


def test_updates_are_refused(shipped_build):
    result = query(shipped_build, "DELETE WHERE { ?s ?p ?o }")
    assert result.returncode == 2
    assert result.stderr == "kg: error: kg query only reads: this is a SPARQL update, and the store is read-only\n"
    assert query(shipped_build, "ASK { ?s ?p ?o }").stdout == "true\n"


# ---------------------------------------------------------------------------------------------------------------
# Syntax errors


def test_syntax_error_shows_line_and_column(shipped_build, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?x\nWHERE {\n  ?x a kg:Person .\n  FILTR (?x)\n}\n", encoding="utf-8")
    result = query(shipped_build, str(path))
    assert result.returncode == 2
    assert result.stderr == (
        f"kg: error: {path}:4:11: SPARQL syntax error: expected OPTIONAL\n"  # pyoxigraph's parser's words
        "    4 |   FILTR (?x)\n"
    )
    assert "Traceback" not in result.stderr


def test_syntax_error_in_a_query_string(shipped_build):
    result = query(shipped_build, "SELECT ?x WHERE { ?x a kg:Person . FILTER( }")
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error: query:1:")
    assert result.stderr.splitlines()[1] == "    1 | SELECT ?x WHERE { ?x a kg:Person . FILTER( }"


# ---------------------------------------------------------------------------------------------------------------
# Parameters


LABELLED = "SELECT ?entity WHERE { ?entity rdfs:label ?label }"


def test_param_binds_a_literal(shipped_build):
    result = query(shipped_build, LABELLED, "--param", 'label="Hai Yu"@en', "--format", "csv")
    assert result.stdout == f"entity\r\n{HAI_YU}\r\n"


@pytest.mark.parametrize(
    "hostile",
    [
        '"Hai Yu"@en } UNION { ?entity ?p ?o',
        'x" } UNION { ?entity ?p ?o } #',
        "x' . ?entity ?p ?o . #",
        "<https://kg.example.org/person/hai-yu> } UNION { ?entity ?p ?o",
        "\\u0022 } UNION { ?entity ?p ?o",
    ],
)
def test_param_values_cannot_change_the_query(shipped_build, hostile):
    """A value is one RDF term: SPARQL in it stays text, so the query finds no label equal to it."""
    result = query(shipped_build, LABELLED, "--param", f"label={hostile}", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "entity\r\n"


def test_param_value_is_matched_as_text_exactly(shipped_build):
    """The hostile text is a real literal: put in the data with VALUES, it binds back to itself."""
    hostile = 'x" } UNION { ?s ?p ?o } #'
    text = "SELECT ?found WHERE { ?found ?p ?o }"
    result = query(shipped_build, text, "--param", f"found={hostile}", "--format", "tsv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "?found\n"
    direct = store.parse_value(hostile)
    assert isinstance(direct, ox.Literal) and direct.value == hostile


def test_entity_param_takes_a_kg_id_and_refuses_sparql(shipped_build):
    ok = query(shipped_build, "people-posts", "--param", "person=sun-hui", "--format", "csv")
    assert (
        ok.stdout
        == "personLabel,role,organisationLabel\r\nSun Hui,deputy director,People's Bank of China Shanghai headquarters\r\n"
    )
    bad = query(shipped_build, "people-posts", "--param", "person=sun-hui } UNION { ?person ?p ?o")
    assert bad.returncode == 2
    assert "--param person='sun-hui } UNION { ?person ?p ?o': expected a kg id (like shanghai), an <IRI>" in bad.stderr
    typo = query(shipped_build, "people-posts", "--param", "person=sun-hu")
    assert typo.returncode == 2
    assert "--param person=sun-hu: no entity with this id in the store; did you mean sun-hui?" in typo.stderr


@pytest.mark.parametrize("base", [None, "https://news.example.com/kg#"])
def test_an_entity_id_is_found_as_every_typed_subject_would_find_it(shipped_build, tmp_path, base):
    """A kg id is resolved by asking the store for the few IRIs kg mints for it (base, class folder, id)
    rather than by reading every typed subject: both ways give the same entity for every id, whatever the
    build's base (one ending in '#' too)."""
    from kg.pipeline import run as pipeline
    from kg.store.values import _Entities
    from tests.conftest import DATA

    build = shipped_build
    if base is not None:
        build = tmp_path / "build"
        pipeline.write(pipeline.load(DATA, base=base), build, ["store"])
    entities = _Entities(store.open_store(build))
    index = entities.index()
    assert len(index) > 50
    for name, iris in index.items():
        assert entities._minted(name) == sorted(iris), name
    assert entities._minted("no-such-entity") == []


def test_param_errors_are_usage_errors(shipped_build):
    cases = {
        ("organisations-in-region",): "organisations-in-region needs --param region=ID|<IRI>",
        ("founders", "--param", "region=china"): "founders takes no parameter 'region'; its parameters: organisation",
        ("founders", "--param", "nonsense"): "--param 'nonsense': write NAME=VALUE",
        (LABELLED, "--param", "nothere=1"): "--param nothere: the query has no variable ?nothere",
        (LABELLED, "--param", "label=1", "--param", "label=2"): "--param label is given twice",
    }
    for args, message in cases.items():
        result = query(shipped_build, *args)
        assert result.returncode == 2, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_param_typed_literals():
    assert store.parse_value("42") == ox.Literal("42", datatype=ox.NamedNode(store.XSD + "integer"))
    assert store.parse_value("2020-03-27") == ox.Literal("2020-03-27", datatype=ox.NamedNode(store.XSD + "date"))
    assert store.parse_value("2020-03") == ox.Literal("2020-03", datatype=ox.NamedNode(store.XSD + "gYearMonth"))
    assert store.parse_value("kg:Company") == ox.NamedNode("https://kg.example.org/ontology#Company")
    assert store.parse_value('"上海"@zh') == ox.Literal("上海", language="zh")
    assert store.parse_value("plain words") == ox.Literal("plain words")


def test_param_month_filters_policies(shipped_build):
    result = query(shipped_build, "policies-by-province-month", "--param", "month=2020-03", "--format", "csv")
    provinces = [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert provinces == ["Fujian", "Hunan", "Jiangxi", "Shandong"]
    none = query(shipped_build, "policies-by-province-month", "--param", "month=2020-04", "--format", "csv")
    assert none.stdout == "provinceLabel,yearMonth,policyLabel,typeLabel,issuerLabel\r\n"


# ---------------------------------------------------------------------------------------------------------------
# Entailment in the store: classes find their subclasses, properties their subproperties


def test_a_query_for_organisation_returns_the_government_bodies(shipped_build):
    text = "SELECT ?org WHERE { ?org a kg:Organisation }"
    result = query(shipped_build, text, "--format", "csv")
    found = {line.rsplit("/", 1)[1] for line in result.stdout.splitlines()[1:]}
    bodies = {
        "shandong-provincial-government",
        "shandong-executive-meeting",
        "shandong-information-office",
        "hunan-industry-it-department",
        "jiangxi-development-reform-commission",
        "shanghai-municipal-government",
        "peoples-bank-of-china",  # a central bank: GovernmentBody's subclass, two levels under Organisation
        "pboc-shanghai-headquarters",
    }
    assert bodies <= found
    assert len(found) == 20  # 2 asserted as Organisation, 18 through subclasses
    # schema.org terms the ontology aligns with work too
    aligned = query(shipped_build, "SELECT ?org WHERE { ?org a schema:Organization }", "--format", "csv")
    assert {line.rsplit("/", 1)[1] for line in aligned.stdout.splitlines()[1:]} >= bodies


def test_a_query_for_a_property_finds_its_subproperties(shipped_build):
    text = f"SELECT ?place WHERE {{ <{KG}organisation/binance> kg:locatedIn ?place }}"
    result = query(shipped_build, text, "--format", "csv")
    assert result.stdout == f"place\r\n{KG}region/lingang-new-area\r\n"  # asserted as kg:registeredIn


def test_entailed_triples_are_kept_apart_and_never_duplicated(shipped_build):
    st = store.open_store(shipped_build)
    entailed = ox.NamedNode(store.ENTAILED_GRAPH)
    body = ox.NamedNode(KG + "organisation/shandong-executive-meeting")
    rdf_type = ox.NamedNode(store.PREFIXES["rdf"] + "type")
    in_entailed = {q.object.value for q in st.quads_for_pattern(body, rdf_type, None, entailed)}
    assert KG + "ontology#Organisation" in in_entailed
    assert KG + "ontology#GovernmentBody" not in in_entailed  # asserted, so not entailed
    rows = store.execute(st, f"SELECT ?t WHERE {{ <{body.value}> a ?t }}").rows
    assert len(rows) == len({r[0] for r in rows})


def test_asserted_classes_are_each_entitys_own_class(shipped_build):
    """The asserted-classes graph holds exactly the rdf:type triples of kg.nq's default graph (each entity's
    own class, articles too): none entailed, none missing."""
    st = store.open_store(shipped_build)
    graph = ox.NamedNode(store.ASSERTED_CLASSES_GRAPH)
    rdf_type = ox.NamedNode(store.PREFIXES["rdf"] + "type")
    in_graph = {(q.subject, q.object) for q in st.quads_for_pattern(None, None, None, graph)}
    assert all(q.predicate == rdf_type for q in st.quads_for_pattern(None, None, None, graph))
    asserted = {
        (q.subject, q.object)
        for q in ox.parse(path=str(shipped_build / "kg.nq"), format=ox.RdfFormat.N_QUADS)
        if q.predicate == rdf_type and isinstance(q.graph_name, ox.DefaultGraph)
    }
    assert in_graph == asserted
    body = ox.NamedNode(KG + "organisation/shandong-executive-meeting")
    assert {o.value for s, o in in_graph if s == body} == {KG + "ontology#GovernmentBody"}


def test_unordered_rows_sort_numbers_by_value(shipped_build):
    text = "SELECT ?n WHERE { ?policy kg:projectCount|kg:measureCount ?n }"
    result = query(shipped_build, text, "--format", "csv")
    assert result.stdout == "n\r\n12\r\n86\r\n395\r\n"


def test_entailment_follows_chains_and_survives_cycles():
    from rdflib import RDF, RDFS

    from kg.export.store import entailment

    a, b, c, d, x, p, q = (f"urn:test:{n}" for n in "abcdxpq")
    sub_class, sub_property, rdf_type = str(RDFS.subClassOf), str(RDFS.subPropertyOf), str(RDF.type)
    ontology = [(a, sub_class, b), (b, sub_class, c), (c, sub_class, b), (p, sub_property, q)]  # b, c: a cycle
    facts = [(x, rdf_type, a), (x, p, d), (x, rdf_type, b)]  # (x a b) is asserted, so never entailed again
    assert set(entailment(facts, ontology)) == {(x, rdf_type, c), (x, q, d)}


def test_param_binds_through_a_subselect_that_returns_it(shipped_build):
    text = "SELECT ?n WHERE { SELECT ?cls (COUNT(*) AS ?n) WHERE { ?x a ?cls } GROUP BY ?cls }"
    result = query(shipped_build, text, "--param", "cls=kg:Person", "--format", "csv")
    assert result.stdout == "n\r\n6\r\n"


def test_param_hidden_inside_a_subselect_is_refused(shipped_build):
    """Bound outside a sub-SELECT that does not return it, the value would restrict nothing: the whole store
    would be counted. kg refuses instead of answering something else than was asked."""
    text = "SELECT ?n WHERE { SELECT (COUNT(*) AS ?n) WHERE { ?x a ?cls } }"
    result = query(shipped_build, text, "--param", "cls=kg:Person")
    assert result.returncode == 2
    assert result.stderr == (
        "kg: error: --param cls: ?cls is inside a sub-SELECT that does not return it; add it to the sub-SELECT's "
        "variables, or bind it in a query without the sub-SELECT\n"
    )
