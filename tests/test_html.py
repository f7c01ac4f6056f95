"""The HTML page in real headless Chromium (Debian's, driven by Playwright, every request but the file itself
aborted and logged): offline, complete, searchable, filterable, clickable, freezable, with no label drawn
over another, and inert to hostile text. Screenshots are kept in tests/artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import PageLog, open_page
from tests.conftest import ARTIFACTS, run_kg

READY = "body[data-ready='1']"
HAI_YU = "https://kg.example.org/person/hai-yu"


def quiet(log: PageLog) -> None:
    """Nothing went wrong and nothing left the page: no request, no console error, no exception, no dialog."""
    assert log.requests == [], "the page tried to reach the network"
    assert log.console_errors == [] and log.page_errors == [] and log.dialogs == []


def ready(page) -> None:
    page.wait_for_selector(READY, state="attached", timeout=60_000)


def test_page_works_offline_with_every_node_and_edge(shipped_build: Path, shipped) -> None:
    view = shipped.view
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        drawn = page.evaluate("[kg.network.body.nodeIndices.length, kg.network.body.edgeIndices.length]")
        assert drawn == [view.number_of_nodes(), view.number_of_edges()]
        # what is drawn is the projection: the same IRIs, the same (source, predicate, target) triples
        iris = page.evaluate("kg.network.body.nodeIndices.map(id => kg.data.nodes[id].iri)")
        assert sorted(iris) == sorted(view.nodes)
        edges = page.evaluate(
            """kg.network.body.edgeIndices.map(id => { const e = kg.network.body.edges[id];
                 return [kg.data.nodes[e.fromId].iri, kg.data.edges[id].name, kg.data.nodes[e.toId].iri]; })"""
        )
        assert sorted(map(tuple, edges)) == sorted((s, k, o) for s, o, k in view.edges(keys=True))
        # every edge is labelled by its predicate, on the canvas
        labels = page.evaluate("kg.network.body.edgeIndices.map(id => kg.network.body.edges[id].options.label)")
        assert sorted(labels) == sorted(attrs["label"] for *_, attrs in view.edges(keys=True, data=True))
        legend = [t.strip() for t in page.locator("#legend label").all_inner_texts()]
        groups = sorted({attrs["group"] for _, attrs in view.nodes(data=True)})
        assert (
            legend == [f"{g} ({sum(a['group'] == g for _, a in view.nodes(data=True))})" for g in groups]
            and "Person (6)" in legend
        )
        assert page.inner_text("#status") == f"{len(iris)} of {len(iris)} entities, {len(edges)} of {len(edges)} links"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "kg-html.png"))
        quiet(log)


LABEL_BOXES = """() => {
  const boxes = [];
  for (const id of kg.network.body.nodeIndices)
    boxes.push(['node ' + kg.data.nodes[id].label, kg.network.getBoundingBox(id)]);
  for (const id of kg.network.body.edgeIndices) {
    const e = kg.network.body.edges[id], s = e.labelModule.size;
    if (e.options.label) boxes.push(['edge ' + kg.data.edges[id].label + ' #' + id,
        {left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height}]);
  }
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i][1], b = boxes[j][1];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      hits.push([boxes[i][0], boxes[j][0]]);
  }
  return [boxes.length, hits];
}"""


def test_legend_shows_the_shape_and_colour_of_each_class(shipped_build: Path) -> None:
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        legend = page.evaluate(
            """[...document.querySelectorAll('#legend label')].map(l => [l.querySelector('input').value,
                 l.querySelector('svg').getAttribute('data-shape'), l.querySelector('svg > *').getAttribute('fill')])"""
        )
        drawn = page.evaluate(
            """() => { const seen = {}; for (const id of kg.network.body.nodeIndices) {
                 const n = kg.network.body.nodes[id].options;
                 const g = kg.data.nodes[id].group; (seen[g] = seen[g] || new Set()).add(n.shape + ' ' + n.color.background); }
               return Object.fromEntries(Object.entries(seen).map(([g, s]) => [g, [...s]])); }"""
        )
        assert len(legend) == 6
        for group, shape, colour in legend:
            assert drawn[group] == [f"{shape} {colour}"], group
        assert len({(shape, colour) for _, shape, colour in legend}) == 6, "each class looks different"
        quiet(log)


def test_no_label_is_drawn_over_another(shipped_build: Path, shipped) -> None:
    """Node labels (vis-network's bounding box of node and label) and edge labels, as Chromium measured them."""
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        count, overlaps = page.evaluate(LABEL_BOXES)
        assert count == shipped.view.number_of_nodes() + shipped.view.number_of_edges()
        assert overlaps == []
        quiet(log)


def test_the_overlap_check_sees_overlaps(shipped_build: Path) -> None:
    """The check above is not vacuous: two nodes moved onto each other are reported."""
    with open_page(shipped_build / "kg.html") as (page, _):
        ready(page)
        page.evaluate("kg.network.moveNode(kg.find('Hai Yu'), 0, 0); kg.network.moveNode(kg.find('Sun Hui'), 5, 5)")
        page.evaluate("kg.network.redraw()")
        _, overlaps = page.evaluate(LABEL_BOXES)
        assert ["node Hai Yu", "node Sun Hui"] in overlaps or ["node Sun Hui", "node Hai Yu"] in overlaps


@pytest.mark.parametrize(
    "typed,label",
    [
        ("Haiyu", "Hai Yu"),  # an alias
        ("Hai Yu", "Hai Yu"),  # the label
        ("Shanghai", "Shanghai"),  # an exact label wins over "Shanghai Municipal Government"
        ("上海市", "Shanghai"),  # the Chinese name
        ("binance china", "Binance China"),  # any case
        ("Xinyefang", "Lingang Xinyefang"),  # part of a name
    ],
)
def test_search_focuses_the_node(shipped_build: Path, typed: str, label: str) -> None:
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        page.fill("#search", typed)
        page.press("#search", "Enter")
        selected = page.evaluate("kg.network.getSelectedNodes().map(id => kg.data.nodes[id].label)")
        assert selected == [label]
        assert page.inner_text("#panel h2") == label
        centred = page.evaluate(
            """() => { const id = kg.network.getSelectedNodes()[0]; const p = kg.network.getPositions([id])[id];
                       const v = kg.network.getViewPosition(); return Math.hypot(p.x - v.x, p.y - v.y); }"""
        )
        assert centred < 1.0, "the view is centred on the node"
        assert abs(page.evaluate("kg.network.getScale()") - 1.3) < 0.01
        quiet(log)


def test_class_filter_hides_and_shows_a_class(shipped_build: Path, shipped) -> None:
    view = shipped.view
    people = {n for n, a in view.nodes(data=True) if a["group"] == "Person"}
    kept_edges = sum(1 for s, o in view.edges() if s not in people and o not in people)
    total_nodes, total_edges = view.number_of_nodes(), view.number_of_edges()
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        page.locator("#legend input[value='Person']").uncheck()
        drawn = page.evaluate("kg.network.body.nodeIndices.map(id => kg.data.nodes[id].iri)")
        assert len(drawn) == total_nodes - len(people) and not people & set(drawn)
        assert page.evaluate("kg.network.body.edgeIndices.length") == kept_edges < total_edges
        status = f"{total_nodes - len(people)} of {total_nodes} entities, {kept_edges} of {total_edges} links"
        assert page.inner_text("#status") == status
        page.fill("#search", "Hai Yu")
        page.press("#search", "Enter")
        assert page.evaluate("kg.network.getSelectedNodes()") == [], "a hidden entity is not focused"
        page.locator("#legend input[value='Person']").check()
        assert page.evaluate("kg.network.body.nodeIndices.length") == total_nodes
        assert page.evaluate("kg.network.body.edgeIndices.length") == total_edges
        quiet(log)


def test_freeze_button_stops_and_starts_the_layout(shipped_build: Path) -> None:
    positions = "JSON.stringify(kg.network.getPositions())"
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        button = page.locator("#freeze")
        assert (button.inner_text(), button.get_attribute("aria-pressed")) == ("Unfreeze layout", "true")
        start = page.evaluate(positions)
        page.wait_for_timeout(700)
        assert page.evaluate(positions) == start, "the build's layout is frozen on arrival"
        button.click()
        assert (button.inner_text(), button.get_attribute("aria-pressed")) == ("Freeze layout", "false")
        page.wait_for_timeout(1500)
        assert page.evaluate(positions) != start, "unfrozen, the physics engine moves the nodes"
        button.click()
        assert (button.inner_text(), button.get_attribute("aria-pressed")) == ("Unfreeze layout", "true")
        frozen = page.evaluate(positions)
        page.wait_for_timeout(1000)
        assert page.evaluate(positions) == frozen, "frozen again, nothing moves"
        quiet(log)


def test_click_shows_evidence(shipped_build: Path) -> None:
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
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
        assert page.inner_text("#panel .cls") == "Person"
        quotes = page.locator("#panel blockquote").all_inner_texts()
        assert "Sun Hui, deputy director of the People's Bank of China Shanghai headquarters" in quotes
        meta = page.locator("#panel .meta").all_inner_texts()
        assert "role: deputy director" in meta and "source: china-times-blockchain-lingang" in meta
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "kg-html-panel.png"))
        quiet(log)


def test_panel_lists_aliases_codes_and_statements_both_ways(shipped_build: Path, shipped) -> None:
    view = shipped.view
    shanghai = "https://kg.example.org/region/shanghai"
    with open_page(shipped_build / "kg.html") as (page, log):
        ready(page)
        page.evaluate("kg.focus(kg.find('Hai Yu'))")
        assert "Also written: Haiyu" in page.locator("#panel .meta").all_inner_texts()
        page.evaluate("kg.focus(kg.find('Shanghai'))")
        text = page.inner_text("#panel")
        assert "iso3166Code: CN-SH" in text and "上海市" in text
        headings = page.locator("#panel h3").all_inner_texts()
        out_count, in_count = view.out_degree(shanghai), view.in_degree(shanghai)
        assert [h.upper() for h in headings] == [
            "FACTS",
            f"STATEMENTS ({out_count} OUT)",
            f"STATEMENTS ({in_count} IN)",
        ]
        assert page.locator("#panel .statement").count() == 1 + out_count + in_count
        quiet(log)


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="window.__pwned=1;alert(1)"></script><script>window.__pwned=2</script>',
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_label_runs_no_script(mini_data: Path, tmp_path: Path, hostile: str) -> None:
    facts = mini_data / "facts" / "mini-news.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("label: Ada Wu", f"label: '{hostile}'\n    aliases: [Ada Wu]"),
        encoding="utf-8",
    )
    out = tmp_path / "build"
    result = run_kg("build", "--data", str(mini_data), "--out", str(out), "--formats", "html")
    assert result.returncode == 0, result.stderr
    html = (out / "kg.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and not re.search(r"<script>window\.__pwned", html)
    with open_page(out / "kg.html") as (page, log):
        ready(page)
        page.fill("#search", "Ada Wu")
        page.press("#search", "Enter")
        assert page.inner_text("#panel h2") == hostile
        # hover the node: vis-network shows its tooltip, which pyvis would have filled with innerHTML
        point = page.evaluate(
            """() => { const id = kg.find('Ada Wu'); const p = kg.network.getPositions([id])[id];
                       return kg.network.canvasToDOM(p); }"""
        )
        box = page.locator("#graph").bounding_box()
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        assert hostile in tooltip.inner_text()
        page.wait_for_timeout(300)  # an onerror handler would have fired by now
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("img").count() == 0
        quiet(log)


def _random_view(nodes: int, seed: int):
    import random

    import networkx as nx

    rng = random.Random(seed)
    view = nx.MultiDiGraph()
    for i in range(nodes):
        view.add_node(f"n{i:04d}", label=f"Entity {i} " + "w" * rng.randint(0, 30))
    for _ in range(int(nodes * 1.3)):
        a, b = rng.sample(range(nodes), 2)
        view.add_edge(f"n{a:04d}", f"n{b:04d}", key="p", label=rng.choice(["located in", "sub-organisation of", "p"]))
    return view


def test_layout_has_no_overlap_on_a_dense_graph_and_is_stable() -> None:
    """Beyond the shipped graph: 200 entities with long labels, no two boxes overlapping, every placed edge label
    clear of the rest, and the same result twice. (Its time is in benchmarks/run.py's html export, never asserted.)"""
    from kg.export import layout

    view = _random_view(200, seed=3)
    edges = [(s, o, a["label"]) for s, o, _, a in sorted(view.edges(keys=True, data=True))]
    where, curves = layout.plan(view, edges)
    boxes = []
    for node, (x, y) in where.items():
        half_w, up, down = layout._box(layout.short_label(view.nodes[node]["label"]))
        boxes.append((x - half_w, y - up, x + half_w, y + down))
    for (s, o, label), curve in zip(edges, curves, strict=True):
        if curve is not None:
            boxes.append(layout._edge_box(layout.edge_label_point(where[s], where[o], curve), label))
    assert sum(c is not None for c in curves) > len(edges) // 2
    hits = [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]
    assert hits == []
    assert layout.plan(view, edges) == (where, curves)
