"""The N-Triples lines validation reads (one triple a line, from `data_lines`): a line's predicate without
parsing it, and the rdflib graph of lines that pySHACL and the screen's SPARQL run on, built faster than rdflib's
parser builds it but term for term the same. The screen, the splitting and the pySHACL runs share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef

_LINE = re.compile(r"\s*(\S+)\s+(\S+)\s+(.*?)\s*\.\s*$")


def _predicate(line: str) -> str:
    parts = line.split(" ", 2)
    if len(parts) == 3 and parts[1][:1] == "<" and parts[1][-1:] == ">":
        return parts[1][1:-1]
    match = _LINE.match(line)
    return match.group(2)[1:-1] if match else ""


def _graph(lines: Iterable[str]) -> Graph:
    """The rdflib graph of N-Triples lines, term for term what `Graph().parse(format="nt")` makes of them: lines
    without a backslash or blank node are split here with rdflib's own N-Triples patterns (which then only strip
    the brackets and quotes), the others go through rdflib's parser, all into the one graph."""
    from rdflib.plugins.parsers.ntriples import r_literal, r_uriref

    uri, literal = r_uriref.pattern, r_literal.pattern
    simple = re.compile(rf"[ \t]*{uri}[ \t]+{uri}[ \t]+(?:{uri}|{literal})[ \t]*\.[ \t]*\r?\n?")
    graph = Graph()
    add = graph.add
    careful = []
    for line in lines:
        match = None if "\\" in line or "_:" in line else simple.fullmatch(line)
        if match is None:
            careful.append(line if line.endswith("\n") else line + "\n")
            continue
        s, p, o, lex, lang, datatype = match.groups()
        obj = URIRef(o) if o is not None else Literal(lex, lang or None, URIRef(datatype) if datatype else None)
        add((URIRef(s), URIRef(p), obj))
    if careful:
        graph.parse(data="".join(careful), format="nt")
    return graph
