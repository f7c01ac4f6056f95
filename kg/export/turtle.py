"""Turtle of the default graph: what most users load first, readable by any RDF tool.

Written here from the dataset's sorted triples rather than by rdflib (32 s for a million triples, DESIGN.md)
or by pyoxigraph (fast to write, but turning a million triples into its Python objects takes 6 s). The text is
plain Turtle: prefixes, one block per subject, `;` between predicates and `,` between objects, literals in
their canonical N-Triples form (valid Turtle, every character escaped by kg.rdf.nt). Triples arrive sorted
by their N-Triples line, so a subject's triples are contiguous and the output is byte-stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import RDF, XSD

from kg import fsutil
from kg.rdf import PREFIXES, Dataset, Lit, Term, Triple, nt

_RDF_TYPE = str(RDF.type)
_XSD = str(XSD)
# Local names written as prefix:name only when plainly safe for every Turtle reader (rapper, serdi, rdflib).
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NAMESPACES = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def prefix_lines() -> list[str]:
    return [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(PREFIXES.items())]


_CACHE: dict[str, str] = {}


def term(value: Term) -> str:
    """A term in Turtle: prefixed name when safe, else its N-Triples form (IRIs are looked up once)."""
    if value.__class__ is not Lit:
        text = _CACHE.get(value)  # type: ignore[call-overload]
        if text is None:
            if len(_CACHE) > 100_000:
                _CACHE.clear()
            text = _CACHE[value] = _term(value)  # type: ignore[index]
        return text
    return _term(value)


def _term(value: Term) -> str:
    if isinstance(value, Lit):
        if value.datatype.startswith(_XSD) and not value.language and _LOCAL.match(value.datatype[len(_XSD) :]):
            text = nt(Lit(value.value))
            return text if value.datatype == f"{_XSD}string" else f"{text}^^xsd:{value.datatype[len(_XSD) :]}"
        return nt(value)
    if value.startswith("_:"):
        return value
    for namespace, prefix in _NAMESPACES:
        if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
            return f"{prefix}:{value[len(namespace) :]}"
    return nt(value)


def blocks(triples: Iterable[Triple], indent: str = "") -> Iterator[str]:
    """Subject blocks: `s p o1, o2 ;` lines, each block ending with ` .` and a blank line."""
    subject: str | None = None
    predicate: str | None = None
    out: list[str] = []
    for s, p, o in triples:
        if s != subject:
            if out:
                yield "".join(out) + " .\n\n"
            out = [f"{indent}{term(s)} {'a' if p == _RDF_TYPE else term(p)} {term(o)}"]
            subject, predicate = s, p
        elif p != predicate:
            out.append(f" ;\n{indent}    {'a' if p == _RDF_TYPE else term(p)} {term(o)}")
            predicate = p
        else:
            out.append(f" ,\n{indent}        {term(o)}")
    if out:
        yield "".join(out) + " .\n\n"


def write(ds: Dataset, path: Path) -> None:
    with fsutil.text_writer(path) as out:
        out.write("\n".join(prefix_lines()) + "\n\n")
        out.writelines(blocks(ds.default))
