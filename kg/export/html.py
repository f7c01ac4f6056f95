"""One self-contained HTML page to explore the graph, with no network access at all.

vis-network is read from the copy that ships inside the pyvis package and inlined; nothing is loaded from
a CDN. Article text never reaches `innerHTML`: the graph travels as JSON inside a
`<script type="application/json">` block (with `<`, `>` and `&` escaped) and the page puts every string
into the DOM with `textContent`.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import UsageError
from kg.export import layout, style
from kg.export.projection import JOIN, QUALIFIERS, QUOTE_JOIN, split_list

VIS_VERSION = "9.1.2"


@lru_cache(maxsize=1)
def _vis_network() -> tuple[str, str]:
    """The vis-network script and stylesheet shipped in pyvis's package data.

    Found by the package's location, not by importing it: `import pyvis` loads pyvis.network, which imports
    IPython, a quarter of a second of CPU in every process that writes the page, for two files kg only reads."""
    try:
        spec = importlib.util.find_spec("pyvis")
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError("pyvis")
        lib = Path(next(iter(spec.submodule_search_locations))) / "lib" / f"vis-{VIS_VERSION}"
        return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise UsageError(
            f"vis-network {VIS_VERSION} not found in the pyvis package; reinstall kg's dependencies (pip install -e .)"
        ) from err


def _json_for_script(value: object) -> str:
    """JSON that cannot close its <script> element or open a comment, whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


NODE_LIMIT = 5000  # above this many entities the page is an overview: vis-network takes 8-12 s to draw 20k
OVERVIEW_NODES = 1500  # entities an overview page shows at most
FULL_GRAPH = "kg.graphml"  # what an overview page links to, in the same directory (as `kg build` writes it)


def overview(view: nx.MultiDiGraph, limit: int = OVERVIEW_NODES) -> tuple[nx.MultiDiGraph, int]:
    """The most connected entities and their neighbours, at most `limit` of them, and how many hubs that is.

    Why: a page of tens of thousands of nodes freezes the browser, and nobody reads it; the hubs and what
    they link to are what a reader of a large graph looks at first. Hubs are taken by degree (then by id, so
    the choice is deterministic) while they and their neighbours fit in `limit`.
    """
    degree = dict(view.degree())
    ranked = sorted(view.nodes, key=lambda n: (-degree[n], n))
    keep: set[str] = set()
    hubs = 0
    for hub in ranked:
        group = {hub} | set(view.predecessors(hub)) | set(view.successors(hub))
        if len(keep | group) > limit:
            if keep:
                break
            # one hub with more neighbours than the limit: its most connected neighbours
            group = {hub, *sorted(group - {hub}, key=lambda n: (-degree[n], n))[: limit - 1]}
        keep |= group
        hubs += 1
    return nx.MultiDiGraph(view.subgraph(keep)), hubs


SKIP_NODE_KEYS = {"iri", "id", "label", "class", "classes", "group", "aliases", "label_zh", "note"}


def _about_a_value(key: str, attrs: dict) -> bool:
    """An attribute that says something of another one's value (its evidence, date, role or note)."""
    base, _, what = key.rpartition("_")
    return bool(base) and base in attrs and what in ("evidence", *QUALIFIERS)


def _with_qualifiers(key: str, value: object, attrs: dict) -> str:
    """A value as the page shows it, its qualifiers after it: 86 (2020-03; deputy director)."""
    said = [", ".join(split_list(str(attrs[f"{key}_{q}"]))) for q in QUALIFIERS if f"{key}_{q}" in attrs]
    shown = JOIN.join(split_list(value)) if isinstance(value, str) else str(value)
    return f"{shown} ({'; '.join(said)})" if said else shown


def page_data(view: nx.MultiDiGraph, title: str = "Knowledge graph") -> dict:
    """The JSON the page runs on: nodes, edges and the legend, in a stable order.

    Above NODE_LIMIT entities it describes an overview (see `overview`) and says so; above
    layout.FAST_ABOVE the page keeps physics off for good and draws edges without labels, so it stays
    responsive."""
    summary = None
    if view.number_of_nodes() > NODE_LIMIT:
        total_nodes, total_edges = view.number_of_nodes(), view.number_of_edges()
        view, hubs = overview(view)
        summary = {
            "hubs": hubs,
            "totalNodes": total_nodes,
            "totalEdges": total_edges,
            "limit": NODE_LIMIT,
            "full": FULL_GRAPH,
        }
    nodes = []
    ordered = sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1]))
    where, curves = layout.plan(view, [(s, o, attrs.get("label", key)) for s, o, key, attrs in ordered])
    for index, (node_id, attrs) in enumerate(sorted(view.nodes(data=True))):
        group = attrs.get("group", "")
        facts = {k: v for k, v in sorted(attrs.items()) if k not in SKIP_NODE_KEYS and not _about_a_value(k, attrs)}
        nodes.append(
            {
                "n": index,
                "iri": node_id,
                "label": attrs.get("label", node_id),
                "short": layout.short_label(attrs.get("label", node_id)),
                "x": where[node_id][0],
                "y": where[node_id][1],
                "labelZh": attrs.get("label_zh", ""),
                "cls": attrs.get("class", ""),
                "group": group,
                "aliases": split_list(attrs.get("aliases", "")),
                "note": attrs.get("note", ""),
                "facts": [
                    [k, _with_qualifiers(k, v, attrs), split_list(attrs.get(f"{k}_evidence", ""), QUOTE_JOIN)]
                    for k, v in facts.items()
                ],
            }
        )
    number = {n["iri"]: n["n"] for n in nodes}
    edges = []
    for index, (s, o, key, attrs) in enumerate(ordered):
        edges.append(
            {
                "n": index,
                "from": number[s],
                "to": number[o],
                "name": key,
                "label": attrs.get("label", key),
                "curve": curves[index],  # roundness that gives the label a free place; None: no room, no label
                "date": split_list(attrs.get("date", "")),
                "role": split_list(attrs.get("role", "")),
                "evidence": split_list(attrs.get("evidence", ""), QUOTE_JOIN),
                "sources": split_list(attrs.get("sources", "")),
            }
        )
    groups = sorted({n["group"] for n in nodes})
    legend = [
        {"group": g, "colour": style.colour(g), "shape": style.shape(g), "count": sum(n["group"] == g for n in nodes)}
        for g in groups
    ]
    return {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "large": len(nodes) > layout.FAST_ABOVE,
        "overview": summary,
    }


def render(view: nx.MultiDiGraph, title: str = "Knowledge graph") -> str:
    """The whole page as one string: vis-network, the app and the data inlined, nothing fetched."""
    script, css = _vis_network()
    template = (resources.files("kg.export") / "assets" / "graph.html").read_text("utf-8")
    app = (resources.files("kg.export") / "assets" / "graph.js").read_text("utf-8")
    parts = {
        "VIS_JS": _no_end_tag(script),
        "VIS_CSS": _no_end_tag(css),
        "APP_JS": _no_end_tag(app),
        "KG_DATA": _json_for_script(page_data(view, title)),
    }
    # The page's Content-Security-Policy allows exactly these two scripts, by hash: an injected inline
    # handler such as onerror=... cannot run even if some string ever reached the DOM as markup.
    parts["SCRIPT_HASHES"] = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(parts[k].encode("utf-8")).digest()).decode("ascii") + "'"
        for k in ("VIS_JS", "APP_JS")
    )
    # One pass over the template only: text inserted for one placeholder is never scanned for another.
    return re.sub(r"/\*(VIS_JS|VIS_CSS|APP_JS|KG_DATA|SCRIPT_HASHES)\*/", lambda m: parts[m.group(1)], template)


def _no_end_tag(code: str) -> str:
    return re.sub(r"</(script|style)", r"<\\/\1", code, flags=re.IGNORECASE)


def write(view: nx.MultiDiGraph, path: Path) -> None:
    """Write the page for `view` (an overview above NODE_LIMIT entities) to `path`."""
    Path(path).write_text(render(view), encoding="utf-8", newline="\n")
