"""The query page of `kg serve` in headless Chromium (Debian's, driven by Playwright): it loads from the local
server alone, runs a query, and shows a hostile label as text (no script runs, no element is made)."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

from tests.browser import CHROMIUM_ARGS
from tests.conftest import need_tool
from tests.test_serve import free_port, kg_serve

HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'


@pytest.fixture()
def hostile_build(tmp_path):
    """A build whose store holds one entity with a label written to run script if pasted as HTML."""
    build = tmp_path / "build"
    build.mkdir()
    store = ox.Store(str(build / "store"))
    store.add(
        ox.Quad(
            ox.NamedNode("https://kg.example.org/organisation/hostile"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal(HOSTILE),
        )
    )
    store.flush()
    del store  # closes RocksDB before the server opens it
    return build


def test_query_page_runs_a_query_and_escapes_results(hostile_build):
    executable = os.environ.get("KG_CHROMIUM") or need_tool("chromium")
    from playwright.sync_api import sync_playwright

    port = free_port()
    origin = f"http://127.0.0.1:{port}/"
    outside: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []
    with kg_serve(hostile_build, port), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def route(request_route) -> None:
                if request_route.request.url.startswith(origin):
                    request_route.continue_()
                else:  # the network is cut off: only the local server answers
                    outside.append(request_route.request.url)
                    request_route.abort()

            page.route("**/*", route)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.goto(origin)
            page.wait_for_selector(".CodeMirror")
            page.evaluate(
                "text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)",
                "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
            )
            page.click(".yasqe_queryButton")
            page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
            cells = page.locator(".yasr table tbody td").all_inner_texts()
            made = page.locator(".yasr table img, .yasr table script, .yasr table b").count()
            pwned = page.evaluate("window.__pwned")
        finally:
            browser.close()
    assert HOSTILE in cells  # shown as the text it is
    assert made == 0
    assert pwned is None
    assert dialogs == [] and errors == []
    # the page's scripts and styles all come from the server; only prefix suggestions are asked of prefix.cc
    assert all(url.startswith("http://prefix.cc/") for url in outside), outside
