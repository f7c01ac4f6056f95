"""Node positions and edge-label places computed at build time, so the page draws at once and no two
labels overlap, node labels and edge labels alike.

A force layout (networkx, seeded) places connected entities near each other; then label boxes are pushed
apart until none overlap. Coordinates are rounded to whole pixels so the output is byte-stable.

Above FAST_ABOVE nodes networkx's force layout is too slow (45 s of a 51 s layout at 1,282 nodes: its
repulsion is a Python loop over every pair), so `plan` switches to `fast_positions`, a Fruchterman-Reingold
layout in numpy whose repulsion is computed on a grid by FFT (particle-mesh, O(n + cells log cells) per
step), then the same overlap-free placement of node labels; edges are drawn straight and their labels left
to the tooltip and the side panel (at thousands of nodes they would not be readable anyway).

vis-network draws an edge's label at the middle of the edge: the midpoint of a straight edge, or of the
quadratic curve of a `curvedCW`/`curvedCCW` edge, whose control point follows from the roundness
(`edge_label_point` reproduces vis-network 9.1's formula). So each edge gets the first curve, from straight
to ever rounder on either side, that puts its label where it overlaps no node label and no label already
placed. An edge whose label fits nowhere is drawn without it (its predicate stays in its tooltip and in the
side panel): a label drawn over another helps nobody.
"""

from __future__ import annotations

import functools
import math
import unicodedata

import networkx as nx
import numpy as np

FONT_PX = 13
CHAR_PX = 8.0  # generous average glyph width at FONT_PX, so estimated boxes contain the drawn text
NODE_PX = 12
GAP_PX = 6
MAX_LABEL = 40


def short_label(label: str, limit: int = MAX_LABEL) -> str:
    """The label drawn on the canvas: long titles are cut, the full text stays in the panel and tooltip."""
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def text_px(label: str, char_px: float, font_px: float) -> float:
    """Estimated drawn width of a label: a Chinese (full-width) character is one em wide, about twice a Latin
    one, so counting characters alone would make boxes too narrow for Chinese names and let them overlap."""
    return sum(font_px if unicodedata.east_asian_width(c) in "WF" else char_px for c in label)


def _padded(box: tuple[float, float, float], padding: float) -> tuple[float, float, float]:
    return box[0] + padding, box[1] + padding, box[2] + padding


def _box(label: str) -> tuple[float, float, float]:
    """(half width, height above centre, height below centre) of a node with its label drawn beneath it."""
    width = max(2 * NODE_PX, text_px(label, CHAR_PX, FONT_PX))
    return width / 2 + GAP_PX / 2, NODE_PX + GAP_PX / 2, NODE_PX + 4 + FONT_PX * 1.4 + GAP_PX / 2


def positions(
    view: nx.MultiDiGraph, seed: int = 7, padding: float = 0.0, stretch: float = 2.2
) -> dict[str, tuple[int, int]]:
    """Pixel positions for every node of the view, by node id; `padding` pixels of free space around every
    label box leave room between them for edge labels."""
    nodes = sorted(view.nodes)
    if not nodes:
        return {}
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from(sorted((u, v) for u, v in view.edges() if u != v))
    scale = 60.0 * math.sqrt(len(nodes))
    start = nx.circular_layout(nodes, scale=scale)
    raw = nx.spring_layout(simple, pos=start, seed=seed, iterations=300, scale=scale, k=1.6 / math.sqrt(len(nodes)))
    pos = {n: [float(raw[n][0]) * stretch, float(raw[n][1])] for n in nodes}  # wider than tall, like labels
    _gather(pos, [sorted(c) for c in nx.connected_components(simple)])
    boxes = {n: _padded(_box(short_label(view.nodes[n].get("label", n))), padding) for n in nodes}
    _spread(pos, boxes)
    _place(nodes, pos, boxes)
    return {n: (round(pos[n][0]), round(pos[n][1])) for n in nodes}


EDGE_FONT_PX = 11  # graph.js EDGE_FONT: at the first view's readable zoom (12/13) about 10 px on screen
EDGE_CHAR_PX = 6.0  # generous for the page's label face (Arial metrics) at EDGE_FONT_PX (measured: 4.8 to 5.3)
# Candidate roundness per edge, in the order tried: positive is vis-network's curvedCW, negative curvedCCW.
ROUNDNESS = (0.0, *(sign * step / 10 for step in range(1, 11) for sign in (1, -1)))

Box = tuple[float, float, float, float]  # left, top, right, bottom


def edge_label_point(a: tuple[float, float], b: tuple[float, float], roundness: float) -> tuple[float, float]:
    """Where vis-network 9.1 centres the label of an edge from `a` to `b` drawn with this roundness."""
    if roundness == 0:
        return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    factor = abs(roundness)
    dx, dy = b[0] - a[0], a[1] - b[1]
    radius = math.hypot(dx, dy)
    turn = 0.5 * factor + 0.5 if roundness > 0 else -0.5 * factor + 0.5
    angle = (math.atan2(dy, dx) + turn * math.pi) % (2 * math.pi)
    via = (
        a[0] + (0.5 * factor + 0.5) * radius * math.sin(angle),
        a[1] + (0.5 * factor + 0.5) * radius * math.cos(angle),
    )
    return 0.25 * a[0] + 0.5 * via[0] + 0.25 * b[0], 0.25 * a[1] + 0.5 * via[1] + 0.25 * b[1]


def _edge_box(centre: tuple[float, float], label: str) -> Box:
    half_w = text_px(label, EDGE_CHAR_PX, EDGE_FONT_PX) / 2 + GAP_PX / 2
    half_h = EDGE_FONT_PX * 0.7 + GAP_PX / 2
    return centre[0] - half_w, centre[1] - half_h, centre[0] + half_w, centre[1] + half_h


def _hits(box: Box, others: list[Box]) -> bool:
    return any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in others)


def edge_curves(
    view: nx.MultiDiGraph, where: dict[str, tuple[int, int]], edges: list[tuple[str, str, str]]
) -> list[float | None]:
    """Per edge (source id, target id, label), in the given order: the roundness that gives its label a free
    place, or None when no candidate does (the edge is then drawn straight, without a label)."""
    placed: list[Box] = []
    for node in sorted(where):
        half_w, up, down = _box(short_label(view.nodes[node].get("label", node)))
        x, y = where[node]
        placed.append((x - half_w, y - up, x + half_w, y + down))
    # longest labels first: they have the fewest places to go
    order = sorted(range(len(edges)), key=lambda i: (-len(edges[i][2]), i))
    curves: list[float | None] = [None] * len(edges)
    for i in order:
        source, target, label = edges[i]
        if source == target:
            continue
        for roundness in ROUNDNESS:
            box = _edge_box(edge_label_point(where[source], where[target], roundness), label)
            if not _hits(box, placed):
                placed.append(box)
                curves[i] = roundness
                break
    return curves


# (padding, horizontal stretch) pairs tried: more padding leaves more room for edge labels between node
# labels; more stretch makes the drawing wider, like the screens it is shown on.
CANDIDATES = tuple((padding, stretch) for stretch in (2.2, 3.0, 4.0) for padding in (22.0, 26.0, 30.0))
SEARCH_LIMIT = 150  # above this many nodes one candidate only: each layout takes seconds
FAST_ABOVE = 400  # above this many nodes `fast_positions`, straight edges and no edge labels (see the module doc)
SCREEN = (1500.0, 1000.0)  # the canvas the first view is fitted to, roughly: a laptop screen minus the side panel


def plan(
    view: nx.MultiDiGraph, edges: list[tuple[str, str, str]]
) -> tuple[dict[str, tuple[int, int]], list[float | None]]:
    """Node positions and edge curves (see `edge_curves`) that give every edge label a place, if any
    candidate layout does, drawn as large as possible when fitted to a screen. Deterministic.

    The candidates differ in the free space around node labels and in width (CANDIDATES). Among those that
    place the most edge labels, the one that fits SCREEN at the largest scale wins, so text is readable
    without zooming as far as the graph allows.
    """
    if len(view) > FAST_ABOVE:
        return fast_positions(view), [None] * len(edges)
    best: tuple[tuple[int, float], dict[str, tuple[int, int]], list[float | None]] | None = None
    candidates = CANDIDATES if len(view) <= SEARCH_LIMIT else CANDIDATES[len(CANDIDATES) // 2 :][:1]
    for padding, stretch in candidates:
        where = positions(view, padding=padding, stretch=stretch)
        curves = edge_curves(view, where, edges)
        missing = sum(1 for (s, o, _), c in zip(edges, curves, strict=True) if c is None and s != o)
        xs, ys = [p[0] for p in where.values()], [p[1] for p in where.values()]
        scale = min(SCREEN[0] / (max(xs) - min(xs) + 400), SCREEN[1] / (max(ys) - min(ys) + 100)) if where else 1.0
        score = (missing, -scale)
        if best is None or score < best[0]:
            best = (score, where, curves)
    assert best is not None
    return best[1], best[2]


def _gather(pos: dict[str, list[float]], components: list[list[str]]) -> None:
    """Bring the smaller connected components next to the largest one.

    A force layout pushes unconnected parts far apart, so the fitted drawing is mostly empty space and
    every label small. Each smaller component keeps its shape and direction from the centre, but its
    centre moves to just outside the largest component (overlaps are resolved later by `_place`).
    """
    if len(components) < 2:
        return
    components = sorted(components, key=lambda c: (-len(c), c[0]))

    def centre_and_radius(members: list[str]) -> tuple[float, float, float]:
        cx = sum(pos[n][0] for n in members) / len(members)
        cy = sum(pos[n][1] for n in members) / len(members)
        return cx, cy, max(math.hypot(pos[n][0] - cx, pos[n][1] - cy) for n in members)

    mx, my, main_radius = centre_and_radius(components[0])
    for members in components[1:]:
        cx, cy, radius = centre_and_radius(members)
        distance = math.hypot(cx - mx, cy - my)
        if distance == 0:
            continue
        wanted = main_radius + radius
        if distance <= wanted:
            continue
        shift = (wanted - distance) / distance
        for n in members:
            pos[n][0] += (cx - mx) * shift
            pos[n][1] += (cy - my) * shift


FILL = 1.2  # boxes (padding included) over bounding box when the search for free spots starts


def _spread(pos: dict[str, list[float]], boxes: dict[str, tuple[float, float, float]], fill: float = FILL) -> None:
    """Scale the force layout about its centre so the padded label boxes add up to FILL times its area.

    The force layout spaces nodes for dots, not for labels tens of times wider; scaled like this, most
    nodes find a free spot near their own and the drawing keeps its shape. (Never scaled down.)
    """
    if len(pos) < 2:
        return
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    width, height = max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0
    covered = sum(2 * w * (up + down) for w, up, down in boxes.values())
    factor = math.sqrt(covered / (fill * width * height))
    if factor <= 1:
        return
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    for p in pos.values():
        p[0] = cx + (p[0] - cx) * factor
        p[1] = cy + (p[1] - cy) * factor


PLACE_STEP = 8.0  # pixels between the rings of candidate spots searched around a node's force-layout spot


def _place(
    nodes: list[str],
    pos: dict[str, list[float]],
    boxes: dict[str, tuple[float, float, float]],
    step: float = PLACE_STEP,
) -> None:
    """Move every label box to the free spot nearest its force-layout spot; afterwards none overlap.

    Nodes are placed one by one, from the centre of the drawing outwards (then by id): each takes the first
    spot, on rings of growing radius around where the force layout put it, where its box overlaps no box
    placed before. It always ends (far enough out every spot is free), keeps the shape of the force layout,
    and costs little: each ring is tested at once against the boxes near it (`_first_free`). (Pushing
    overlapping boxes apart pair by pair, the earlier method, oscillated on dense layouts: a minute for 200 nodes, and still
    overlaps after 2000 passes.)
    """
    if not nodes:
        return
    cx = sum(pos[n][0] for n in nodes) / len(nodes)
    cy = sum(pos[n][1] for n in nodes) / len(nodes)
    order = sorted(nodes, key=lambda n: (math.hypot(pos[n][0] - cx, pos[n][1] - cy), n))
    placed = np.empty((len(order), 4))  # left, top, right, bottom of the boxes placed so far, in placing order
    for done, node in enumerate(order):
        x0, y0 = pos[node]
        half_w, up, down = boxes[node]
        ring = 0
        while True:
            # rings PLACE_STEP apart near the spot, then ever wider apart (a crowded centre is left fast)
            radius = step * (ring if ring <= 16 else 16 * 1.12 ** (ring - 16))
            count = 1 if ring == 0 else min(64, max(8, int(2 * math.pi * radius / step)))
            first = _first_free(x0, y0, radius, count, half_w, up, down, placed[:done])
            if first is not None:
                break
            ring += 1
        x, y = first
        pos[node][0], pos[node][1] = x, y
        placed[done] = (x - half_w, y - up, x + half_w, y + down)


def _first_free(
    x0: float, y0: float, radius: float, count: int, half_w: float, up: float, down: float, placed: np.ndarray
) -> tuple[float, float] | None:
    """The first of a ring's `count` spots, in order round the ring, whose box overlaps no placed box.

    One ring is tested at once against the boxes near it (numpy), not spot by spot: on the shipped article the
    spot-by-spot search made 430,000 tests, most of a build's time. The spots come from math.cos and math.sin of
    the same angles as before, each coordinate one multiplication and one addition as before, and the overlap
    test is the same strict comparison of the same floats: the chosen spot, and every output written from it, is
    the same to the last bit."""
    cos, sin = _ring(count)
    x, y = x0 + radius * cos, y0 + radius * sin
    left, top, right, bottom = x - half_w, y - up, x + half_w, y + down
    near = placed[
        (placed[:, 0] < right.max())
        & (left.min() < placed[:, 2])
        & (placed[:, 1] < bottom.max())
        & (top.min() < placed[:, 3])
    ]
    if not len(near):
        return float(x[0]), float(y[0])
    overlaps = (
        (left[:, None] < near[:, 2])
        & (near[:, 0] < right[:, None])
        & (top[:, None] < near[:, 3])
        & (near[:, 1] < bottom[:, None])
    ).any(axis=1)
    free = np.flatnonzero(~overlaps)
    return (float(x[free[0]]), float(y[free[0]])) if len(free) else None


@functools.cache
def _ring(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Cosines and sines of a ring's `count` angles, by math.cos and math.sin of the same angles as always."""
    angles = [2 * math.pi * k / count for k in range(count)]
    return np.array([math.cos(a) for a in angles]), np.array([math.sin(a) for a in angles])


FAST_STEPS = 80  # force-layout steps of `fast_positions`
GRAVITY = 0.3  # pull of every node towards the centre, per unit of distance
FAST_FILL = 0.4  # looser than FILL: most labels then find a free spot at once, which keeps `_place` fast
FAST_STEP = 20.0  # coarser than PLACE_STEP: fewer spots tried per label, slightly less tight packing
FAST_ASPECT = 2.0  # width over height of one unit of `fast_positions` on the page
MESH = 128  # cells per side of the grid on which `fast_positions` computes repulsion


def fast_positions(view: nx.MultiDiGraph, seed: int = 7, padding: float = 6.0) -> dict[str, tuple[int, int]]:
    """Pixel positions for a large view in about a second per few thousand nodes, with no overlapping labels.

    Why not `positions`: networkx's spring layout costs O(n^2) Python work per step (minutes at 5,000
    nodes). Here attraction along edges is one vectorised pass over the edges, and repulsion between all
    nodes is a convolution of the node density on a MESH x MESH grid with the 1/r force kernel, done by
    FFT. Nodes in one grid cell do not repel each other; `_place` separates their labels afterwards.
    Deterministic: a seeded start, fixed step count, and positions rounded to whole pixels.
    """
    nodes = sorted(view.nodes)
    if not nodes:
        return {}
    n = len(nodes)
    number = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(number[u], number[v]) for u, v in view.edges() if u != v})
    edges = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    side = math.sqrt(n)  # unit ideal distance between neighbours: the drawing is about sqrt(n) units wide
    pos = rng.random((n, 2)) * side
    # the force kernel on a grid twice the mesh, so the circular convolution never wraps around
    size = 2 * MESH
    offsets = np.fft.fftfreq(size, d=1.0 / size)  # 0, 1, ..., MESH - 1, -MESH, ..., -1 (in cells)
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx * dx + dy * dy
    r2[0, 0] = 1.0
    kernel_x, kernel_y = np.fft.rfft2(dx / r2), np.fft.rfft2(dy / r2)
    temperature = side / 8
    for step in range(FAST_STEPS):
        # the mesh covers the bulk of the drawing (a few far nodes would make its cells coarse); nodes outside
        # it count in its border cells
        low, high = np.percentile(pos, 1, axis=0), np.percentile(pos, 99, axis=0)
        cell = max(float((high - low).max()), 1e-9) / (MESH - 1)
        index = np.clip(((pos - low) / cell).astype(np.int64), 0, MESH - 1)
        density = np.zeros((size, size))
        np.add.at(density, (index[:, 0], index[:, 1]), 1.0)
        spectrum = np.fft.rfft2(density)
        field_x = np.fft.irfft2(spectrum * kernel_x, s=(size, size))
        field_y = np.fft.irfft2(spectrum * kernel_y, s=(size, size))
        # repulsion k^2 / d with k = 1, d measured in units: the kernel is in cells, so divide by the cell size
        force = np.stack([field_x[index[:, 0], index[:, 1]], field_y[index[:, 0], index[:, 1]]], axis=1) / cell
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = delta * np.linalg.norm(delta, axis=1, keepdims=True)  # d^2 / k along the edge
            np.add.at(force, edges[:, 0], -pull)
            np.add.at(force, edges[:, 1], pull)
        force += (pos.mean(axis=0) - pos) * GRAVITY  # keeps unconnected parts near the rest
        length = np.linalg.norm(force, axis=1, keepdims=True)
        pos += force / np.maximum(length, 1e-9) * np.minimum(length, temperature)
        temperature = side / 8 * (1 - (step + 1) / FAST_STEPS) + 0.01
    boxes = {node: _padded(_box(short_label(view.nodes[node].get("label", node))), padding) for node in nodes}
    # one square unit (about one node's share of the layout) becomes FAST_ASPECT times wider than tall and
    # as large as an average label box over FAST_FILL: most labels are then free where the force layout put
    # them, and the drawing is wide like the screens it is shown on
    area = sum(2 * b[0] * (b[1] + b[2]) for b in boxes.values()) / n / FAST_FILL
    unit_x, unit_y = math.sqrt(area * FAST_ASPECT), math.sqrt(area / FAST_ASPECT)
    where = {node: [float(pos[i, 0]) * unit_x, float(pos[i, 1]) * unit_y] for i, node in enumerate(nodes)}
    # parts not connected to the rest sit where repulsion balances gravity, far out; fitted to a screen they
    # would shrink the whole drawing, so they are brought next to the largest part, as in `positions`
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    simple.add_edges_from((nodes[u], nodes[v]) for u, v in pairs)
    _gather(where, [sorted(c) for c in nx.connected_components(simple)])
    _place(nodes, where, boxes, FAST_STEP)
    return {node: (round(where[node][0]), round(where[node][1])) for node in nodes}
