r"""GraphML of the shared view, with a label and a colour per node that Gephi, yEd and Cytoscape show.

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

GraphML has no list type: a list value (aliases, sources, a fact's dates and roles, its quotes) is the view's
joined text, items separated by " | " (quotes by a line break) with `\\` and `\|` (in quotes `\\`, `\n`, `\r`)
escaped inside an item, so a reader gets the exact items back with kg.export.projection.split_list.

The file is the one networkx's streaming (lxml) writer makes with those three changes, byte for byte
(tests/test_graphml.py compares them), but written here as text: building an lxml element per value took
6.5 s for the projection of a million triples, and copying the view for the changes another second.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from kg import files as fsutil
from kg.export import style

EDGE_ID = "edge_id"  # the edge attribute written as the GraphML edge id

# GraphML's attr.type of each Python type of a view value, as networkx names them
_XML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
# what XML 1.0 cannot hold, which lxml refuses too (so this writer refuses what the networkx writer refused)
_NOT_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_NOT_XML = re.compile(f"[{_NOT_XML_CHARS}]")
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)
_HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def edge_ids(view: nx.MultiDiGraph) -> dict[tuple[str, str, str], str]:
    """A unique, stable id per edge: `<subject id>/<predicate>/<object id>`, or the full IRIs if two collide."""
    short = {
        (s, o, k): f"{view.nodes[s].get('id', s)}/{k}/{view.nodes[o].get('id', o)}" for s, o, k in view.edges(keys=True)
    }
    if len(set(short.values())) == len(short):
        return short
    return {(s, o, k): f"{s} {k} {o}" for s, o, k in view.edges(keys=True)}


def node_data(attrs: dict) -> dict:
    """A node's values as written: no `id`, then colour attributes (hex `color`, and `r`/`g`/`b` that Gephi
    reads)."""
    data = {k: v for k, v in attrs.items() if k != "id"}
    red, green, blue = style.rgb(data.get("group", ""))
    data.update(color=style.colour(data.get("group", "")), r=red, g=green, b=blue)
    return data


# what needs escaping or refusing: one search tells that most values go out as they are
_TEXT_SPECIAL = re.compile(f"[&<>\r{_NOT_XML_CHARS}]")
_ATTRIBUTE_SPECIAL = re.compile(f'[&<>"\n\r\t{_NOT_XML_CHARS}]')


def _escaped(text: str, table: dict, special: re.Pattern = _ATTRIBUTE_SPECIAL) -> str:
    """`text` in XML, as lxml writes it: most values need nothing, which one regex search tells."""
    if special.search(text) is None:
        return text
    if _NOT_XML.search(text):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return text.translate(table)


class _Keys:
    """The document's <key> declarations, one per (name, type, scope), in networkx's order (each new key goes
    first). A key's id is its attribute name, unless another key has that id already: then `scope.name`."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str, str], str] = {}
        self.escaped: dict[tuple[str, type, str], str] = {}  # (name, Python type, scope) -> the id as written
        self.declared: list[str] = []

    def declare(self, name: str, value: object, scope: str) -> None:
        if (name, type(value), scope) in self.escaped:
            return
        kind = _XML_TYPES.get(type(value))
        if kind is None:
            raise TypeError(f"GraphML does not support type {type(value)} as data values.")
        key_id = self.ids.get((name, kind, scope))
        if key_id is None:
            key_id = name
            taken = set(self.ids.values())
            if key_id in taken:
                key_id = f"{scope}.{name}"
                while key_id in taken:
                    key_id += "_"
            self.ids[(name, kind, scope)] = key_id
            self.declared.append(
                f'<key id="{_escaped(key_id, _ATTRIBUTE)}" for="{scope}" attr.name="{_escaped(name, _ATTRIBUTE)}" '
                f'attr.type="{kind}"/>\n'
            )
        self.escaped[(name, type(value), scope)] = _escaped(key_id, _ATTRIBUTE)


def _element(keys: dict[tuple[str, type, str], str], scope: str, head: str, data: dict) -> str:
    if not data:
        return f"<{head}/>\n"
    parts = [f"<{head}>\n"]
    for name, value in data.items():
        text = _escaped(value if type(value) is str else str(value), _TEXT, _TEXT_SPECIAL)
        parts.append(f'  <data key="{keys[str(name), type(value), scope]}">{text}</data>\n')
    parts.append(f"</{scope}>\n")
    return "".join(parts)


def write(view: nx.MultiDiGraph, path: Path) -> None:
    keys = _Keys()
    nodes = [(node, node_data(attrs)) for node, attrs in view.nodes(data=True)]
    ids = edge_ids(view)
    edges = [
        (s, o, ids[s, o, k], {**attrs, EDGE_ID: ids[s, o, k]}) for s, o, k, attrs in view.edges(keys=True, data=True)
    ]
    for _, data in nodes:  # the keys are declared before any element, nodes' first, as networkx does
        for name, value in data.items():
            keys.declare(str(name), value, "node")
    for *_, data in edges:
        for name, value in data.items():
            keys.declare(str(name), value, "edge")
    with fsutil.text_writer(path) as out:
        out.write(_HEADER)
        out.writelines(reversed(keys.declared))
        out.write('<graph edgedefault="directed">')
        out.writelines(
            _element(keys.escaped, "node", f'node id="{_escaped(str(n), _ATTRIBUTE)}"', data) for n, data in nodes
        )
        out.writelines(
            _element(
                keys.escaped,
                "edge",
                f'edge source="{_escaped(str(s), _ATTRIBUTE)}" target="{_escaped(str(o), _ATTRIBUTE)}" '
                f'id="{_escaped(str(eid), _ATTRIBUTE)}"',
                data,
            )
            for s, o, eid, data in edges
        )
        out.write("</graph></graphml>")
