"""Turtle of the default graph: what most users load first, readable by any RDF tool.

Written here from the dataset's sorted N-Triples lines rather than by rdflib (32 s for a million triples, DESIGN.md)
or by pyoxigraph (fast to write, but turning a million triples into its Python objects takes 6 s). The text is
plain Turtle: prefixes, one block per subject, `;` between predicates and `,` between objects, literals in
their canonical N-Triples form (valid Turtle, every character escaped by kg.pipeline.rdf.nt). Lines arrive sorted,
so a subject's triples are contiguous and the output is byte-stable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rdflib import RDF, XSD

from kg import files as fsutil
from kg.pipeline.rdf import PREFIXES, Dataset, split_line
from kg.pipeline.splice import Changes, Splice, nt_subject

_RDF_TYPE = f"<{RDF.type}>"
_XSD = str(XSD)
# Local names written as prefix:name only when plainly safe for every Turtle reader (rapper, serdi, rdflib).
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NAMESPACES = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def prefix_lines() -> list[str]:
    return [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(PREFIXES.items())]


_CACHE: dict[str, str] = {}


def term(text: str) -> str:
    """A term, given in N-Triples form, in Turtle: a prefixed name where safe (IRIs are looked up once), an
    xsd datatype shortened, everything else as N-Triples writes it (which Turtle reads the same)."""
    if text[0] == "<":
        found = _CACHE.get(text)
        if found is None:
            if len(_CACHE) > 100_000:
                _CACHE.clear()
            found = _CACHE[text] = _iri(text[1:-1])
        return found
    if text[-1] == ">":  # a typed literal: "lexical"^^<datatype>
        at = text.rindex('"^^<')
        datatype = text[at + 4 : -1]
        if datatype.startswith(_XSD) and _LOCAL.match(datatype[len(_XSD) :]):
            return f"{text[: at + 1]}^^xsd:{datatype[len(_XSD) :]}"
    return text


# Every namespace kg binds ends with "/" or "#", and a local name holds neither: an IRI's only candidate
# namespace is then the text up to its last "/" or "#", found with one dict lookup instead of a scan.
_BY_NAMESPACE = {namespace: prefix for namespace, prefix in _NAMESPACES if namespace.endswith(("/", "#"))}


def _iri(value: str) -> str:
    if len(_BY_NAMESPACE) == len(_NAMESPACES):
        cut = max(value.rfind("/"), value.rfind("#")) + 1
        prefix = _BY_NAMESPACE.get(value[:cut])
        if prefix is not None and _LOCAL.match(value[cut:]):
            return f"{prefix}:{value[cut:]}"
        return f"<{value}>"
    for namespace, prefix in _NAMESPACES:
        if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
            return f"{prefix}:{value[len(namespace) :]}"
    return f"<{value}>"


def blocks(lines: Iterable[str], indent: str = "") -> Iterator[str]:
    """Subject blocks from sorted N-Triples lines: `s p o1, o2 ;` lines, each block ending with ` .` and a blank
    line. Lines sorted by text keep each subject's lines together (they share the prefix "<subject> ")."""
    subject: str | None = None
    predicate: str | None = None
    out: list[str] = []
    for text in lines:
        s, p, o = split_line(text)
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
        out.write(header())
        out.writelines(blocks(ds.lines()))


def header() -> str:
    return "\n".join(prefix_lines()) + "\n\n"


def block_at_least(splice: Splice, target: bytes) -> Callable[[int], bool]:
    """Predicate for Splice.first: the subject block starting here sorts at or after `target` (a subject in
    N-Triples form and a space, or "!" to sort after the subject)."""

    def holds(start: int) -> bool:
        if splice.mm[start : start + 4] == b"    ":  # a named graph's block (TriG) is indented
            start += 4
        return nt_subject(splice.mm[start : splice.mm.find(b" ", start)]) + b" " >= target

    return holds


def update_blocks(splice: Splice, lo: int, hi: int, changes: Changes, indent: str = "") -> None:
    """Replace the blocks of each changed subject in [lo, hi), the sorted blocks of one graph."""
    for subject, (_, lines) in sorted(changes.subjects.items()):
        key = subject.encode("utf-8")
        start = splice.first(lo, hi, b"\n\n", block_at_least(splice, key + b" "))
        end = splice.first(start, hi, b"\n\n", block_at_least(splice, key + b"!"))
        splice.replace(start, end, "".join(blocks(lines, indent)).encode("utf-8"))


def update(old: Path, new: Path, changes: Changes, ontology: object = None) -> None:
    """kg.ttl of the changed dataset from the previous kg.ttl: each changed subject's block replaced in place."""
    with Splice(old) as splice:
        update_blocks(splice, len(header().encode("utf-8")), splice.size, changes)
        splice.write(new)
