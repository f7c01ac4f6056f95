"""GraphML of the shared view, with a label and a colour per node that Gephi, yEd and Cytoscape show."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg import style


def prepared(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the view with colour attributes (hex `color`, and `r`/`g`/`b` that Gephi reads)."""
    graph = view.copy()
    for _, attrs in graph.nodes(data=True):
        red, green, blue = style.rgb(attrs.get("group", ""))
        attrs.update(color=style.colour(attrs.get("group", "")), r=red, g=green, b=blue)
    return graph


def write(view: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml(prepared(view), str(path), encoding="utf-8", prettyprint=True, named_key_ids=True)
