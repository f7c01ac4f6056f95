"""Node positions computed at build time, so the page draws at once and no two labels overlap.

A force layout (networkx, seeded) places connected entities near each other; then label boxes are pushed
apart until none overlap. Coordinates are rounded to whole pixels so the output is byte-stable.
"""

from __future__ import annotations

import math

import networkx as nx

FONT_PX = 13
CHAR_PX = 8.0  # generous average glyph width at FONT_PX, so estimated boxes contain the drawn text
NODE_PX = 12
GAP_PX = 6
MAX_LABEL = 40


def short_label(label: str, limit: int = MAX_LABEL) -> str:
    """The label drawn on the canvas: long titles are cut, the full text stays in the panel and tooltip."""
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _box(label: str) -> tuple[float, float, float]:
    """(half width, height above centre, height below centre) of a node with its label drawn beneath it."""
    width = max(2 * NODE_PX, len(label) * CHAR_PX)
    return width / 2 + GAP_PX / 2, NODE_PX + GAP_PX / 2, NODE_PX + 4 + FONT_PX * 1.4 + GAP_PX / 2


def positions(view: nx.MultiDiGraph, seed: int = 7) -> dict[str, tuple[int, int]]:
    """Pixel positions for every node of the view, by node id."""
    nodes = sorted(view.nodes)
    if not nodes:
        return {}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(sorted((u, v) for u, v in view.edges() if u != v))
    scale = 60.0 * math.sqrt(len(nodes))
    start = nx.circular_layout(nodes, scale=scale)
    raw = nx.spring_layout(simple, pos=start, seed=seed, iterations=300, scale=scale, k=1.6 / math.sqrt(len(nodes)))
    pos = {n: [float(raw[n][0]) * 2.2, float(raw[n][1])] for n in nodes}  # wider than tall, like labels
    boxes = {n: _box(short_label(view.nodes[n].get("label", n))) for n in nodes}
    _separate(nodes, pos, boxes)
    return {n: (round(pos[n][0]), round(pos[n][1])) for n in nodes}


def _separate(nodes: list[str], pos: dict[str, list[float]], boxes: dict[str, tuple[float, float, float]]) -> None:
    """Push overlapping label boxes apart along the axis of least overlap until none overlap."""
    for _ in range(2000):
        moved = False
        order = sorted(nodes, key=lambda n: pos[n][0] - boxes[n][0])
        for i, a in enumerate(order):
            ax, ay = pos[a]
            aw, aup, adown = boxes[a]
            for b in order[i + 1 :]:
                bx, by = pos[b]
                bw, bup, bdown = boxes[b]
                if bx - bw >= ax + aw:
                    break  # sorted by left edge: no later box can overlap a horizontally
                dx = min(ax + aw, bx + bw) - max(ax - aw, bx - bw)
                dy = min(ay + adown, by + bdown) - max(ay - aup, by - bup)
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                if dx < dy:
                    shift = dx / 2 + 0.5
                    sign = 1 if (bx, b) >= (ax, a) else -1
                    pos[a][0] -= sign * shift
                    pos[b][0] += sign * shift
                else:
                    shift = dy / 2 + 0.5
                    sign = 1 if (by, b) >= (ay, a) else -1
                    pos[a][1] -= sign * shift
                    pos[b][1] += sign * shift
                ax, ay = pos[a]
        if not moved:
            return
