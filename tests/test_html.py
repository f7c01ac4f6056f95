"""The HTML page in real headless Chromium: offline, complete, searchable, clickable, and inert to hostile text."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser import open_page
from tests.conftest import ARTIFACTS, run_kg

READY = "body[data-ready='1']"


def test_page_works_offline_with_every_node_and_edge(shipped_build: Path, shipped) -> None:
    view = shipped.view
    with open_page(shipped_build / "kg.html") as (page, log):
        page.wait_for_selector(READY, state="attached", timeout=60_000)
        drawn = page.evaluate("[kg.network.body.nodeIndices.length, kg.network.body.edgeIndices.length]")
        assert drawn == [view.number_of_nodes(), view.number_of_edges()]
        legend = page.locator("#legend label").all_inner_texts()
        assert "Person (6)" in [t.strip() for t in legend]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "kg-html.png"))
        assert log.requests == [], "the page tried to reach the network"
        assert log.console_errors == [] and log.page_errors == []


def test_labels_do_not_overlap(shipped_build: Path) -> None:
    with open_page(shipped_build / "kg.html") as (page, _):
        page.wait_for_selector(READY, state="attached", timeout=60_000)
        overlaps = page.evaluate(
            """() => {
            const ids = kg.network.body.nodeIndices;
            const boxes = ids.map(id => kg.network.getBoundingBox(id));
            const hits = [];
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i], b = boxes[j];
              if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                hits.push([kg.data.nodes[ids[i]].label, kg.data.nodes[ids[j]].label]);
            }
            return hits;
        }"""
        )
        assert overlaps == []


def test_search_focuses_the_node_by_alias(shipped_build: Path) -> None:
    with open_page(shipped_build / "kg.html") as (page, log):
        page.wait_for_selector(READY, state="attached", timeout=60_000)
        page.fill("#search", "Haiyu")
        page.press("#search", "Enter")
        selected = page.evaluate("kg.network.getSelectedNodes().map(id => kg.data.nodes[id].label)")
        assert selected == ["Hai Yu"]
        assert page.inner_text("#panel h2") == "Hai Yu"
        scale = page.evaluate("kg.network.getScale()")
        assert abs(scale - 1.3) < 0.01
        assert log.page_errors == []


def test_click_shows_evidence(shipped_build: Path) -> None:
    with open_page(shipped_build / "kg.html") as (page, log):
        page.wait_for_selector(READY, state="attached", timeout=60_000)
        page.evaluate("kg.focus(kg.find('Sun Hui'))")
        page.evaluate("kg.network.unselectAll(); document.getElementById('panel').replaceChildren()")
        point = page.evaluate(
            """() => { const id = kg.find('Sun Hui'); const p = kg.network.getPositions([id])[id];
                       return kg.network.canvasToDOM(p); }"""
        )
        box = page.locator("#graph").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        page.wait_for_selector("#panel h2")
        assert page.inner_text("#panel h2") == "Sun Hui"
        quotes = page.locator("#panel blockquote").all_inner_texts()
        assert "Sun Hui, deputy director of the People's Bank of China Shanghai headquarters" in quotes
        assert any(t == "role: deputy director" for t in page.locator("#panel .meta").all_inner_texts())
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "kg-html-panel.png"))
        assert log.page_errors == []


HOSTILE = '<img src=x onerror="window.__pwned=1;alert(1)"></script><script>window.__pwned=2</script>'


def test_hostile_label_runs_no_script(mini_data: Path, tmp_path: Path) -> None:
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("label: Ada Wu", f"label: '{HOSTILE}'\n    aliases: [Ada Wu]"),
        encoding="utf-8",
    )
    out = tmp_path / "build"
    result = run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "html")
    assert result.returncode == 0, result.stderr
    html = (out / "kg.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and not re.search(r"<script>window\.__pwned", html)
    with open_page(out / "kg.html") as (page, log):
        page.wait_for_selector(READY, state="attached", timeout=60_000)
        page.fill("#search", "Ada Wu")
        page.press("#search", "Enter")
        page.hover("#graph")
        assert page.inner_text("#panel h2") == HOSTILE
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("#panel img").count() == 0
        assert log.dialogs == [] and log.requests == []
