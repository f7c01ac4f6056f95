"""GraphML of the shared view, with a label and a colour per node that Gephi, yEd and Cytoscape show.

Three things networkx's writer leaves to us, each of which some reader trips over:
- Edge ids: for a multigraph networkx writes the edge key as the GraphML edge id, so every `partOf` edge
  would be `id="partOf"`; Gephi and yEd keep the first edge of each id and drop the rest (networkx issues
  #4347, #7732). Every edge gets a unique, stable id instead: `<subject id>/<predicate>/<object id>`.
- Key ids: `named_key_ids` makes a key's id its attribute name, so the node `label` key and the edge `label`
  key would share one id, which the GraphML schema forbids (key ids are unique in a document) and which
  makes a reader that looks keys up by id give edges the node key's type. A clash keeps the name for the
  node key and gives the edge key the id `edge.<name>`; `attr.name` stays the plain name in both.
- The node attribute `id` (the curated id) is left out: a GraphML node already has an id, the IRI, and igraph
  and Gephi read a data key called `id` as a second, conflicting node id.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriterLxml

from kg import style

EDGE_ID = "edge_id"  # the edge attribute written as the GraphML edge id


def edge_ids(view: nx.MultiDiGraph) -> dict[tuple[str, str, str], str]:
    """A unique, stable id per edge: `<subject id>/<predicate>/<object id>`, or the full IRIs if two collide."""
    short = {
        (s, o, k): f"{view.nodes[s].get('id', s)}/{k}/{view.nodes[o].get('id', o)}" for s, o, k in view.edges(keys=True)
    }
    if len(set(short.values())) == len(short):
        return short
    return {(s, o, k): f"{s} {k} {o}" for s, o, k in view.edges(keys=True)}


def prepared(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the view as written: colour attributes (hex `color`, and `r`/`g`/`b` that Gephi reads),
    no `id` attribute on nodes, and a unique `edge_id` on edges."""
    graph = view.copy()
    for _, attrs in graph.nodes(data=True):
        attrs.pop("id", None)
        red, green, blue = style.rgb(attrs.get("group", ""))
        attrs.update(color=style.colour(attrs.get("group", "")), r=red, g=green, b=blue)
    for (s, o, k), eid in edge_ids(view).items():
        graph.edges[s, o, k][EDGE_ID] = eid
    return graph


class _Writer(GraphMLWriterLxml):
    """networkx's streaming writer with key ids that are attribute names yet unique in the document."""

    def get_key(self, name: str, attr_type: str, scope: str, default: object) -> str:
        if (name, attr_type, scope) in self.keys:
            return self.keys[(name, attr_type, scope)]
        new_id = super().get_key(name, attr_type, scope, default)
        if sum(1 for key_id in self.keys.values() if key_id == new_id) > 1:
            taken = set(self.keys.values())
            unique = f"{scope}.{name}"
            while unique in taken:
                unique += "_"
            self.keys[(name, attr_type, scope)] = unique
            self.xml[0].set("id", unique)  # the key element the base class just inserted
            return unique
        return new_id


def write(view: nx.MultiDiGraph, path: Path) -> None:
    with open(path, "wb") as stream:
        writer = _Writer(stream, encoding="utf-8", prettyprint=True, named_key_ids=True, edge_id_from_attribute=EDGE_ID)
        writer.add_graph_element(prepared(view))
        writer.dump()
