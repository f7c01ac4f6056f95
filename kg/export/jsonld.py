"""JSON-LD of the default graph (the same triples as kg.ttl), compacted with a context of readable keys.

Keys are the local names users already know from the ontology (`coFoundedBy`, `projectCount`) plus `id`,
`type`, `label`, `altLabel`, `comment`, `title` and `url`; classes are terms too (`"type": "Company"`).
Object properties are `@type: @id` so their values are plain IRI strings; datatype properties carry their
range datatype so their values are plain strings or numbers; labels, aliases, comments and titles are
language maps (`"label": {"en": "Shanghai", "zh": "上海市"}`).

The document is built here from the graph and the ontology instead of by rdflib's JSON-LD serializer:
rdflib's output order follows its hash sets (not byte-stable), and it is slow at scale (DESIGN.md, traps).
The JSON itself is written by the json module, which escapes every string. A value that does not fit its
key's term (a `2020-03` gYearMonth under a key whose range is xsd:date, a label without a language tag)
is written as an explicit value object or under its compact IRI, so nothing is lost or retyped: the file
round-trips to a graph isomorphic to the default graph (tests/test_jsonld.py checks with pyoxigraph, rdflib
and pyld).

`update` is the incremental build's writer: it rewrites the node objects of the subjects that changed in an
old kg.jsonld and copies the rest byte for byte, giving the same bytes as `write` (tests/test_jsonld_update.py).
"""

from __future__ import annotations

import json
import mmap
import os
from itertools import groupby, pairwise
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, URIRef

from kg.ontology import ONTOLOGY_IRI, Ontology
from kg.pipeline.rdf import (
    DCTERMS,
    PREFIXES,
    SCHEMA,
    SKOS,
    Dataset,
    Lit,
    Term,
    Triple,
    parse_line,
    parse_term,
    rdflib_term,
)
from kg.pipeline.splice import Changes

ID = "@id"
TYPE = "@type"
LANGUAGE_MAP = {"@container": "@language"}

# Terms for the non-kg properties kg writes into the default graph: (term, IRI, term definition extras).
COMMON_TERMS: tuple[tuple[str, URIRef, dict], ...] = (
    ("label", RDFS.label, LANGUAGE_MAP),
    ("altLabel", SKOS.altLabel, LANGUAGE_MAP),
    ("comment", RDFS.comment, LANGUAGE_MAP),
    ("title", DCTERMS.title, LANGUAGE_MAP),
    ("url", SCHEMA.url, {TYPE: ID}),
)

# Datatypes written as native JSON numbers when the lexical form is canonical (JSON-LD reads a native
# integer back as the canonical xsd:integer). Decimals stay strings: a JSON number would become xsd:double.
NATIVE_INTEGER = str(XSD.integer)
_STRING = str(XSD.string)
_TYPE = str(RDF.type)


class Context:
    """The @context (term definitions) and the reverse lookup used to compact IRIs and values."""

    def __init__(self, ontology: Ontology) -> None:
        self.prefixes = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
        self.terms: dict[str, dict] = {}
        self.by_iri: dict[str, tuple[str, dict]] = {}
        for term, iri, extra in COMMON_TERMS:
            self._add(term, iri, extra)
        for name, prop in ontology.properties.items():
            if prop.is_object:
                extra = {TYPE: ID}
            elif len(prop.range) == 1 and prop.range[0] != XSD.string:
                extra = {TYPE: self.compact_iri(prop.range[0])}
            else:
                extra = {}
            self._add(name, prop.iri, extra)
        self.classes = {str(iri): name for name, iri in sorted(ontology.classes.items())}

    def _add(self, term: str, iri: URIRef, extra: dict) -> None:
        if term in self.terms:  # a kg property named like a common term keeps its compact IRI as key
            return
        definition = {ID: self.compact_iri(iri), **extra}
        self.terms[term] = definition if extra else definition[ID]  # a bare compact IRI when nothing to coerce
        self.by_iri[str(iri)] = (term, definition)

    def compact_iri(self, iri: URIRef | str) -> str:
        """`kg:projectCount` for an IRI under a bound prefix, the IRI itself otherwise."""
        text = str(iri)
        best, choice = "", text
        for prefix, namespace in self.prefixes.items():
            if len(namespace) > len(best) and text.startswith(namespace):
                local = text[len(namespace) :]
                if local and ":" not in local and not local.startswith("//"):
                    best, choice = namespace, f"{prefix}:{local}"
        return choice

    def as_json(self) -> dict:
        """The @context object: `id` and `type` first, then prefixes, class terms and property terms, sorted."""
        context: dict[str, object] = {"id": ID, "type": TYPE}
        context.update(self.prefixes)
        context.update({name: self.compact_iri(iri) for iri, name in sorted(self.classes.items(), key=lambda x: x[1])})
        context.update(dict(sorted(self.terms.items())))
        return context


def _sort_key(node: Term) -> tuple:
    if isinstance(node, Lit):
        return (1, node.value, node.language, node.datatype)
    return (0, node, "", "")


def _node_ref(node: str) -> str:
    return node  # blank nodes are already written "_:label", as JSON-LD writes them


def _value_object(value: Term, context: Context) -> dict:
    """A value in expanded form, which any key accepts whatever its term's coercion."""
    if not isinstance(value, Lit):
        return {ID: _node_ref(value)}
    out: dict[str, object] = {"@value": value.value}
    if value.language:
        out["@language"] = value.language
    elif value.datatype and value.datatype != _STRING:
        out[TYPE] = context.compact_iri(value.datatype)
    return out


def _compact_value(value: Term, definition: dict, context: Context) -> object:
    """The shortest form of `value` that the term `definition` expands back to exactly the same RDF term."""
    coercion = definition.get(TYPE)
    if coercion == ID:
        if not isinstance(value, Lit):
            return _node_ref(value)
        return _value_object(value, context)
    if not isinstance(value, Lit):
        return {ID: _node_ref(value)}
    if coercion is not None:
        if not value.language and value.datatype and context.compact_iri(value.datatype) == coercion:
            lexical = value.value
            if value.datatype == NATIVE_INTEGER and lexical.lstrip("-").isdigit() and str(int(lexical)) == lexical:
                return int(lexical)
            return lexical
        return _value_object(value, context)
    if not value.language and value.datatype in ("", _STRING):
        return value.value
    return _value_object(value, context)


def _one_or_many(values: list) -> object:
    return values[0] if len(values) == 1 else values


def _node_object(subject: str, triples: list[Triple], context: Context) -> dict:
    """One node of @graph: id, type, then every property under its term (or compact IRI), values sorted."""
    out: dict[str, object] = {"id": _node_ref(subject)}
    objects: dict[str, list[Term]] = {}
    for _, predicate, value in triples:
        objects.setdefault(predicate, []).append(value)
    types = sorted(objects.pop(_TYPE, []), key=_sort_key)
    if types:
        out["type"] = _one_or_many([context.classes.get(str(t)) or context.compact_iri(str(t)) for t in types])
    entries: dict[str, list] = {}
    language_maps: dict[str, dict[str, object]] = {}
    for predicate in sorted(objects):
        values = sorted(objects[predicate], key=_sort_key)
        term, definition = context.by_iri.get(predicate, (None, {}))
        fallback = context.compact_iri(predicate)
        if term is not None and definition.get("@container") == "@language":
            by_language: dict[str, list[str]] = {}
            for value in values:
                if isinstance(value, Lit) and value.language:
                    by_language.setdefault(value.language, []).append(value.value)
                else:  # no language tag: a language map cannot hold it, its compact IRI can
                    entries.setdefault(fallback, []).append(_value_object(value, context))
            if by_language:
                language_maps[term] = {lang: _one_or_many(texts) for lang, texts in sorted(by_language.items())}
        elif term is not None:
            entries[term] = [_compact_value(v, definition, context) for v in values]
        else:
            entries[fallback] = [_value_object(v, context) for v in values]
    merged: dict[str, object] = {key: _one_or_many(values) for key, values in entries.items()}
    merged.update(language_maps)
    for key in sorted(merged):
        out[key] = merged[key]
    return out


def document(triples: list[Triple], ontology: Ontology) -> dict:
    """The whole JSON-LD document for `triples`: the context and one node object per subject, sorted by id."""
    context = Context(ontology)
    by_subject = {s: list(group) for s, group in groupby(sorted(triples, key=lambda t: t[0]), key=lambda t: t[0])}
    subjects = sorted(by_subject, key=lambda s: (s.startswith("_:"), s))
    return {"@context": context.as_json(), "@graph": [_node_object(s, by_subject[s], context) for s in subjects]}


def dumps(doc: dict) -> str:
    """Stable text: key order as built (already sorted), two-space indent, UTF-8 kept readable."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def ontology_of(ds: Dataset) -> Ontology:
    """The ontology this dataset was built with (--ontology), read back from its ontology graph."""
    graph = Graph()
    for s, p, o in ds.triples(str(ONTOLOGY_IRI)):
        graph.add((rdflib_term(s), URIRef(p), rdflib_term(o)))
    return Ontology(graph)


def write(ds: Dataset, path: Path) -> None:
    """Write the default graph as compacted JSON-LD to `path`."""
    Path(path).write_text(dumps(document(ds.default, ontology_of(ds))), encoding="utf-8", newline="\n")


# The layout `dumps` gives a document, which `update` relies on: the header (`{`, the @context, `"@graph": [`),
# then each node object of @graph starting with the line `    {` and ending with the line `    }`, the nodes
# separated by `,` + line break, then the lines `  ]` and `}`. JSON escapes a line break inside a string, so
# every line break in the file is structure, and only the nodes of @graph open or close at an indent of 4
# (the @context's entries are `    "key": {`, deeper objects are indented more).
_NODE_START = b"\n    {\n"
_NODE_END = b"\n    }"
_ID_LINE = b'      "id": '
_SEPARATOR = b",\n"
_TAIL = b"\n  ]\n}\n"
_COPY_CHUNK = 1 << 30


def _header(context: Context) -> bytes:
    """The document's text up to and including `"@graph": [`, as `dumps` writes it."""
    text = json.dumps({"@context": context.as_json(), "@graph": None}, ensure_ascii=False, indent=2)
    return text[: -len("null\n}")].encode("utf-8") + b"["


def _node_text(node: dict) -> bytes:
    """One node object as `dumps` writes it inside @graph: every line indented by 4 more spaces."""
    return ("    " + json.dumps(node, ensure_ascii=False, indent=2).replace("\n", "\n    ")).encode("utf-8")


def _order(subject: str) -> tuple[bool, str]:
    return (subject.startswith("_:"), subject)


class _Nodes:
    """The node objects of an old kg.jsonld, found by binary search over byte offsets (never all parsed)."""

    def __init__(self, data: mmap.mmap | bytes, first: int, end: int, path: Path) -> None:
        self.data, self.first, self.end, self.path = data, first, end, path

    def _start_at_or_after(self, offset: int) -> int:
        """The offset of the first node starting at or after `offset`, or `end` if none does."""
        found = self.data.find(_NODE_START, offset - 1, self.end + 1)
        return self.end if found < 0 else found + 1

    def key(self, start: int) -> tuple[bool, str]:
        """The sort key of the node starting at `start` (from its first line, `"id": ...`)."""
        line_start = start + len(_NODE_START) - 1
        line_end = self.data.find(b"\n", line_start, self.end)
        line = self.data[line_start:line_end]
        if not line.startswith(_ID_LINE):
            raise self.unexpected(start, 'a node object whose first key is not "id"')
        value = line[len(_ID_LINE) :].rstrip(b",")
        if len(value) < 2 or value[:1] != b'"' or value[-1:] != b'"':
            raise self.unexpected(start, "a node id that is not a string")
        text = value[1:-1].decode("utf-8")
        return _order(json.loads(value) if "\\" in text else text)  # ids rarely hold an escape

    def lower_bound(self, target: tuple[bool, str], low: int) -> int:
        """The start of the first node at or after byte `low` whose key is >= target (`end` if none): the
        smallest byte offset x in [low, end] whose next node start holds such a key, found by bisection."""
        high = self.end
        while low < high:
            middle = (low + high) // 2
            start = self._start_at_or_after(middle)
            if start < self.end and self.key(start) < target:
                low = start + 1
            else:
                high = middle
        return self._start_at_or_after(low) if low < self.end else self.end

    def after(self, start: int) -> int:
        """The offset just past the node starting at `start`, and past the separator if another node follows."""
        found = self.data.find(_NODE_END, start, self.end + 1)
        if found < 0:
            raise self.unexpected(start, "a node object that does not end")
        stop = found + len(_NODE_END)
        if stop == self.end:
            return stop
        if self.data[stop : stop + len(_SEPARATOR) + len(_NODE_START) - 1] != _SEPARATOR + _NODE_START[1:]:
            raise self.unexpected(stop, "no separator between two node objects")
        return stop + len(_SEPARATOR)

    def unexpected(self, offset: int, what: str) -> ValueError:
        return ValueError(f"{self.path}: not a kg.jsonld as kg writes it ({what} at byte {offset}); do a full build")


def _copy(data: mmap.mmap | bytes, start: int, stop: int, out) -> None:
    view = memoryview(data)
    try:
        while start < stop:
            start += out.write(view[start : min(stop, start + _COPY_CHUNK)])
    finally:
        view.release()


def update_subjects(old: Path, new: Path, subjects: dict[str, list[str]], ontology: Ontology) -> None:
    """Write `new` = kg.jsonld of the default graph in which each subject in `subjects` has exactly the given
    triples (N-Triples lines, sorted; an empty list: the subject is gone), all other subjects as in `old`.

    The incremental build's writer: `old` (a kg.jsonld that `write` wrote) is mapped, never parsed whole; each
    changed subject's node object is found by binary search over byte offsets (nodes are sorted by
    `(id.startswith("_:"), id)`), the unchanged byte ranges between them are copied and the changed nodes
    written in their place, so the result is byte-identical to `write` of the changed dataset. Keys of
    `subjects` are subjects in N-Triples form (`<https://...>`, `_:label`); a subject may be new, changed or
    removed. An old file with an empty @graph is fine (the new graph is then the given subjects alone).

    Raises ValueError, having written nothing to `new`, when `old` does not have the layout `write` gives, when
    its @context is not the one `ontology` gives (it was built with another ontology), when a line of
    `subjects` belongs to another subject, or when `new` is `old`: the caller must then do a full build."""
    old, new = Path(old), Path(new)
    if new.exists() and os.path.samefile(old, new):
        raise ValueError(f"{new}: the output is the old file itself; write the update elsewhere")
    context = Context(ontology)
    changed: list[tuple[tuple[bool, str], bytes | None]] = []
    for key, lines in subjects.items():
        subject = parse_term(key)
        if not isinstance(subject, str):
            raise ValueError(f"{key!r}: a literal cannot be a subject")
        triples = [parse_line(text) for text in sorted(set(lines))]
        strays = [triple for triple in triples if triple[0] != subject]
        if strays:
            raise ValueError(f"{key}: its lines must have it as subject, not {strays[0][0]!r}")
        changed.append((_order(subject), _node_text(_node_object(subject, triples, context)) if triples else None))
    changed.sort(key=lambda item: item[0])
    for (first, _), (second, _) in pairwise(changed):
        if first == second:
            raise ValueError(f"{first[1]!r} is given twice in `subjects`")
    header = _header(context)
    with open(old, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        if size == 0:
            raise ValueError(f"{old}: an empty file, not a kg.jsonld; do a full build")
        with mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(header)] != header:
                raise ValueError(
                    f"{old}: its @context is not the one of this ontology (or it is no kg.jsonld); do a full build"
                )
            pieces = _pieces(data, len(header), size, changed, old)
            with open(new, "wb") as out:
                out.write(header)
                if not pieces:
                    out.write(b"]\n}\n")
                    return
                out.write(b"\n")
                for index, piece in enumerate(pieces):
                    if index:
                        out.write(_SEPARATOR)
                    if isinstance(piece, bytes):
                        out.write(piece)
                    else:
                        _copy(data, piece[0], piece[1], out)
                out.write(_TAIL)


def _pieces(
    data: mmap.mmap, header: int, size: int, changed: list[tuple[tuple[bool, str], bytes | None]], path: Path
) -> list[bytes | tuple[int, int]]:
    """The new @graph as a list of node texts and (start, stop) byte ranges of runs of unchanged old nodes."""
    if data[header:size] == b"]\n}\n":  # an empty @graph
        return [text for _, text in changed if text is not None]
    if data[header : header + len(_NODE_START)] != _NODE_START or data[size - len(_TAIL) : size] != _TAIL:
        raise ValueError(f"{path}: @graph is not laid out as kg writes it; do a full build")
    nodes = _Nodes(data, header + 1, size - len(_TAIL), path)
    pieces: list[bytes | tuple[int, int]] = []
    run = nodes.first  # the start of the unchanged old nodes not yet placed
    for key, text in changed:
        start = nodes.lower_bound(key, run)
        if start > run:  # old nodes [run, start) come first; the range stops before the separator
            stop = start if start == nodes.end else start - len(_SEPARATOR)
            pieces.append((run, stop))
        run = nodes.after(start) if start < nodes.end and nodes.key(start) == key else start
        if text is not None:
            pieces.append(text)
    if run < nodes.end:
        pieces.append((run, nodes.end))
    return pieces


def update(old: Path, new: Path, changes: Changes, ontology: Ontology) -> None:
    """kg.jsonld of the changed dataset from the previous one (kg.pipeline.increment): see update_subjects."""
    update_subjects(old, new, changes.new_subjects(), ontology)
