"""kg's own query page of `kg serve` in headless Chromium (Debian's, driven by Playwright), with the network cut
off: the page loads from the local server alone and asks nothing of the internet, runs a saved question and
shows its rows, shows a hostile label as text (no script runs, no element is made), and shows a syntax error as
the server's message."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest

from kg.serve import page as serve_page
from kg.store import PREFIXES, QueryText, saved_queries
from tests.browser import CHROMIUM_ARGS
from tests.conftest import need_tool
from tests.test_serve import free_port, kg_serve

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'
ORG = "https://kg.example.org/organisation/"
KG, RDFS, SKOS = PREFIXES["kg"], PREFIXES["rdfs"], PREFIXES["skos"]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """`kg serve` on a store with two entities: one whose label is written to run script if pasted as HTML, and
    one organisation with an English label, an alias and a Chinese name (what the saved question `aliases` finds)."""
    build = tmp_path_factory.mktemp("page") / "build"
    build.mkdir()
    store = ox.Store(str(build / "store"))
    hostile, acme = ox.NamedNode(ORG + "hostile"), ox.NamedNode(ORG + "acme")
    label, alt, kind = (
        ox.NamedNode(RDFS + "label"),
        ox.NamedNode(SKOS + "altLabel"),
        ox.NamedNode(PREFIXES["rdf"] + "type"),
    )
    for quad in [
        ox.Quad(hostile, label, ox.Literal(HOSTILE)),
        ox.Quad(acme, kind, ox.NamedNode(KG + "Organisation")),
        ox.Quad(acme, label, ox.Literal("Acme Holdings", language="en")),
        ox.Quad(acme, label, ox.Literal("阿克米控股", language="zh")),
        ox.Quad(acme, alt, ox.Literal("Acme")),
    ]:
        store.add(quad)
    store.flush()
    del store  # closes RocksDB before the server opens it
    port = free_port()
    with kg_serve(build, port):
        yield f"http://127.0.0.1:{port}/"


@dataclass
class Log:
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def query_page(origin: str) -> Iterator[tuple[object, Log]]:
    """The page at `origin` in headless Chromium; any request that leaves the local server is logged and aborted."""
    executable = os.environ.get("KG_CHROMIUM") or need_tool("chromium")
    from playwright.sync_api import sync_playwright

    log = Log()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def route(request_route) -> None:
                if request_route.request.url.startswith(origin):
                    request_route.continue_()
                else:  # the network is cut off: only the local server answers
                    log.outside.append(request_route.request.url)
                    request_route.abort()

            page.route("**/*", route)
            page.on("dialog", lambda dialog: (log.dialogs.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda err: log.errors.append(str(err)))
            # a script or style the policy refused would be reported here
            page.on("console", lambda msg: log.csp.append(msg.text) if "Content Security Policy" in msg.text else None)
            response = page.goto(origin)
            assert response is not None and response.status == 200
            log.response_headers = response.headers
            page.wait_for_selector("#saved option[value='aliases']", state="attached")  # the page's script ran
            yield page, log
        finally:
            browser.close()


def assert_clean(log: Log) -> None:
    """Nothing asked of the network, nothing refused by the policy, no script error, no dialog."""
    assert log.outside == []
    assert log.csp == [] and log.errors == [] and log.dialogs == []


def results(page) -> list[list[str]]:
    page.wait_for_selector("#results:not([hidden])", timeout=30_000)  # filled before it is shown
    return [row.locator("td").all_inner_texts() for row in page.locator("#results tbody tr").all()]


def test_page_loads_nothing_from_outside_and_runs_its_example(served):
    with query_page(served) as (page, log):
        example = page.input_value("#query")
        page.click("#run")
        rows = results(page)
        headers = page.locator("#results thead th").all_inner_texts()
    assert example == serve_page.EXAMPLE
    assert headers == ["?organisation", "?name"]
    assert rows == [[f"<{ORG}acme>", "Acme Holdings"]]
    policy = log.response_headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", policy)
    assert_clean(log)


def test_page_runs_a_saved_question(served):
    question = saved_queries()["aliases"]
    with query_page(served) as (page, log):
        page.select_option("#saved", "aliases")
        text = page.input_value("#query")
        description = page.inner_text("#description")
        params = page.inner_text("#params")
        page.click("#run")
        rows = results(page)
    assert text == question.text
    assert description == question.description
    assert "?entity (optional)" in params
    # ORDER BY ?entityLabel ?kind ?name: "Chinese name" sorts before "alias" (upper case first)
    assert rows == [["Acme Holdings", "Chinese name", "阿克米控股"], ["Acme Holdings", "alias", "Acme"]]
    assert_clean(log)


def test_page_shows_a_hostile_label_as_text_and_shortens_iris(served):
    # rdfs: is not declared: the page adds kg's prefixes a query uses, as `kg query` allows
    query = "SELECT ?label ?class WHERE { ?x rdfs:label ?label . OPTIONAL { ?x a ?class } } ORDER BY ?label"
    with query_page(served) as (page, log):
        page.fill("#query", query)
        page.click("#run")
        rows = results(page)
        made = page.locator("#results img, #results script, #results b").count()
        pwned = page.evaluate("window.__pwned")
        title = page.locator("#results td", has_text="kg:Organisation").first.get_attribute("title")
    assert sorted(rows) == sorted(
        [[HOSTILE, ""], ["Acme Holdings", "kg:Organisation"], ["阿克米控股", "kg:Organisation"]]
    )  # the hostile label shown as the text it is, the class IRI shortened with kg's prefix
    assert title == KG + "Organisation"
    assert made == 0
    assert pwned is None
    assert_clean(log)


def test_page_shows_a_syntax_error_as_the_servers_message(served):
    with query_page(served) as (page, log):
        page.fill("#query", "SELEC ?x WHERE { ?x ?p ?o }")
        page.press("#query", "Control+Enter")  # the keyboard shortcut runs the query too
        page.wait_for_selector("#error:not([hidden])", timeout=30_000)
        message = page.inner_text("#error")
        rows = page.locator("#results tbody tr").count()
    assert message.startswith("HTTP 400")
    assert "SELEC" in message or "expected" in message.lower(), message
    assert rows == 0
    assert_clean(log)


def test_saved_questions_cannot_break_out_of_the_data_block():
    """A question whose text closes the data block and opens a script stays data: the JSON in the page decodes
    to the text exactly, and nothing in it can end the <script type="application/json"> element."""
    evil = "</script><script>alert(1)</script><!-- & </SCRIPT >\u2028"
    page = serve_page.render({"evil": QueryText(text=evil, origin="test", name="evil", description=evil)})
    start = page.index('<script type="application/json" id="kg-data">') + len(
        '<script type="application/json" id="kg-data">'
    )
    block = page[start : page.index("</script>", start)]
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["saved"] == [{"name": "evil", "description": evil, "text": evil, "params": []}]
    assert data["prefixes"] == PREFIXES
    # only the page's own script is executable, and the policy names exactly its hash
    assert len(re.findall(r"<script>", page)) == 1
    assert serve_page.content_security_policy(page).count("'sha256-") == 2  # one script, one style


def _page_error(served: str, query: str) -> str:
    with query_page(served) as (page, log):
        page.fill("#query", query)
        page.click("#run")
        page.wait_for_selector("#error:not([hidden])", timeout=30_000)
        message = page.inner_text("#error")
    assert_clean(log)
    return message


def test_page_reports_an_error_column_in_the_text_as_written(served):
    """The page puts kg's PREFIX declarations before line 1 of the text it sends; the server's line:column is
    given back as a position in the user's text, the column pyoxigraph reports for that text (issue 22, item 11)."""
    query = "SELECT ?x WHERE { ?x rdfs:label ?l . FILTR (?x) }"
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(query, prefixes=PREFIXES)
    expected = re.match(r"error at (\d+:\d+):", str(caught.value))[1]
    assert expected.startswith("1:")
    message = _page_error(served, query)
    assert message.startswith("HTTP 400")
    assert f"error at {expected}:" in message, message
    assert "PREFIX rdfs:" not in message


def test_page_reports_an_undeclared_prefix_where_the_user_wrote_it(served):
    query = "SELECT ?x WHERE { ?x rdfs:label foo:bar }"
    message = _page_error(served, query)
    column = query.index("foo:bar") + 1
    assert f"query:1:{column}: the prefix foo: of foo:bar is not declared" in message, message
    assert f"    1 | {query}" in message


def test_an_undeclared_prefix_over_http_gets_kgs_message(served):
    """A client of /query that uses kg: undeclared is told which declaration to add, not Oxigraph's list of the
    characters it expected (issue 22, item 13)."""
    import urllib.error
    import urllib.request

    query = "SELECT ?x WHERE {\n  ?x a kg:Organisation }"
    request = urllib.request.Request(
        served + "query",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400
    body = caught.value.read().decode()
    assert body == (
        f"query:2:8: the prefix kg: of kg:Organisation is not declared; add PREFIX kg: <{KG}> before the query "
        "(kg query and the query page of kg serve add kg's prefixes; a SPARQL endpoint needs them declared)\n"
        "    2 |   ?x a kg:Organisation }\n"
    )
    # a declared prefix is answered as before
    declared = urllib.request.Request(
        served + "query",
        data=(f"PREFIX kg: <{KG}>\n" + query).encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(declared, timeout=30) as answer:
        assert len(json.load(answer)["results"]["bindings"]) == 1


def test_another_sites_page_cannot_make_the_server_run_queries(shipped_build):
    """A page of another site (here 127.0.0.2, another origin and site to the browser) loads query URLs of kg
    serve as an image, a frame and a no-cors fetch: GETs without Origin, which the Origin check let through, so
    any page the user had open could make the server run queries (a runaway one holds a worker for
    --query-timeout, a few of them the whole service). Chromium marks them Sec-Fetch-Site: cross-site; they
    get 403. A link on that page the user follows (a top-level navigation) still opens the answer."""
    import http.server

    from playwright.sync_api import sync_playwright

    from tests.conftest import serving

    executable = os.environ.get("KG_CHROMIUM") or need_tool("chromium")
    port = free_port()
    ask = f"http://127.0.0.1:{port}/query?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
    other = (
        f'<img src="{ask}&img"><iframe src="{ask}&frame"></iframe>'
        f'<script>fetch("{ask}&fetch", {{mode: "no-cors"}}).then(() => document.title = "fetched", '
        'e => document.title = "fetched")</script>'
        f'<a id="link" href="{ask}&link">the answer</a>'
    ).encode()

    class OtherSite(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(other)))
            self.end_headers()
            self.wfile.write(other)

        def log_message(self, *args) -> None:
            pass

    with (
        serving(http.server.HTTPServer(("127.0.0.2", 0), OtherSite)) as site,
        kg_serve(shipped_build, port) as process,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.2:{site.server_address[1]}/", wait_until="load")
            page.wait_for_function("document.title === 'fetched'", timeout=30_000)
            page.click("#link")
            page.wait_for_url("**&link", timeout=30_000)
            assert page.inner_text("body").strip().splitlines()[-1] == "true"
        finally:
            browser.close()
    summary = process.stdout.read()
    # the link's answer, and the three loads refused (the 404 is the browser's favicon.ico after the link)
    assert re.search(r"\(200: 1, 403: 3, 404: 1\)", summary), summary
