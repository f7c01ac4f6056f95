"""The facts file under review and its article, as the page's data.

The facts file is read with ruamel.yaml's round-trip loader, so that save.py can change only what the reviewer
decided and write every other byte (comments, quoting, order) back as it was. Entries are named by their place
in the file ("e3", "s7"): the page sends its decisions by those keys, and the file's hash (`version`) tells the
save whether the file is still the one those places refer to.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import YAMLError

from kg.errors import DataError, Problem, UsageError, visible
from kg.ontology import KG, Ontology
from kg.read import yamlsafe
from kg.read.articles import SLUG, decode, read_bytes, read_source

_DRAFT_LINE = re.compile(rb"^\s+draft:", re.M)


class _Emitter(RoundTripEmitter):
    """Double-quoted scalars written as `kg extract` writes them (kg.read.yamlsafe.q, as kg/extract/draftfile.py writes: a JSON string with the
    characters YAML would read as line breaks escaped), so a draft's untouched entries come back byte for byte;
    ruamel's own style writes U+2028 as \\L and other escapes in upper case."""

    spellings: ClassVar[dict[str, str]] = {}  # a value -> how the file under review wrote it, double-quoted

    def write_double_quoted(self, text: Any, split: Any = True) -> None:
        from kg.read.yamlsafe import q

        if self.root_context and self.requested_indent is not None:
            self.write_line_break()
            if self.requested_indent != 0:
                self.write_indent()
        self.write_indicator(self.spellings.get(str(text)) or q(str(text)), True)


def spellings(text: str) -> dict[str, str]:
    """Each double-quoted value of the file as the file spells it (`"Ada\\x7fWu"`, `"\\u00e9"`): ruamel keeps
    that a scalar was double-quoted but not its escapes, so an untouched entry a person wrote by hand would come
    back with other escapes (the same value, other bytes). The first spelling of a value wins."""
    found: dict[str, str] = {}
    try:
        for event in YAML().parse(text):
            if type(event).__name__ == "ScalarEvent" and event.style == '"' and event.value not in found:
                found[event.value] = text[event.start_mark.index : event.end_mark.index]
    except YAMLError:
        return {}
    return found


def yaml() -> YAML:
    """The round-trip YAML reader and writer, set to the layout `kg extract` and the curated files use."""
    y = YAML()
    y.Emitter = _Emitter
    y.preserve_quotes = True
    y.width = 1 << 20  # never fold a long line the file did not fold
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def dump(doc: Any, source: str = "") -> str:
    """The document as YAML; values `source` (the file as read) double-quoted are written as it spelled them."""
    out = io.StringIO()
    writer = yaml()
    writer.Emitter = type("_Spelled", (_Emitter,), {"spellings": spellings(source) if source else {}})
    writer.dump(doc, out)
    return out.getvalue()


def version_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Target:
    """The facts file under review, its article, and the data folder they are in."""

    data: Path
    slug: str

    @property
    def facts_dir(self) -> Path:
        return self.data / "facts"

    @property
    def facts(self) -> Path:
        return self.facts_dir / f"{self.slug}.yaml"


def resolve(data: Path, what: str | None) -> Target:
    """SLUG, data/articles/SLUG.md or data/facts/SLUG.yaml -> the facts file to review; with nothing, the one
    facts file that still has draft entries."""
    facts_dir = data / "facts"
    if not facts_dir.is_dir():
        raise UsageError(f"{facts_dir}: no facts folder; run `kg extract ARTICLE` first, or pass --data DIR")
    if what is None:
        drafts = sorted(p.stem for p in facts_dir.glob("*.yaml") if _DRAFT_LINE.search(_peek(p)))
        if len(drafts) != 1:
            listed = ", ".join(drafts) if drafts else "none"
            raise UsageError(f"name the draft to review: kg review SLUG (facts files with draft entries: {listed})")
        what = drafts[0]
    slug = Path(what).stem if what.endswith((".md", ".yaml", ".yml")) else what
    if not SLUG.match(slug):
        raise UsageError(
            f"{visible(what)}: not an article's slug (lower-case letters, digits, hyphens) nor a path to one"
        )
    target = Target(data, slug)
    if not target.facts.is_file():
        raise UsageError(
            f"{target.facts}: no facts file to review; run `kg extract {data / 'articles' / (slug + '.md')}` first"
        )
    return target


def _peek(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def load_doc(text: str, display: str) -> Any:
    """The round-trip document; a file the loader cannot read is refused with the loader's own message."""
    yamlsafe.load(text, display)  # the loader's syntax errors, located
    try:
        doc = yaml().load(text)
    except YAMLError as err:
        raise DataError([Problem(display, 1, f"cannot read the facts file: {err}")]) from None
    if not isinstance(doc, dict):
        raise DataError([Problem(display, 1, "a facts file must be a mapping with 'entities' and 'statements'")])
    for key in ("entities", "statements"):
        if not isinstance(doc.get(key) or [], list):
            raise DataError([Problem(display, 1, f"'{key}' must be a list")])
    return doc


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _draft(item: dict) -> dict | None:
    d = item.get("draft")
    if d is None:
        return None
    if not isinstance(d, dict):
        return {"rule": _text(d), "confidence": 0.0}
    try:
        confidence = float(d.get("confidence", 0))
    except (TypeError, ValueError):
        confidence = 0.0
    return {"rule": _text(d.get("rule")), "confidence": confidence, "merged": _text(d.get("merged"))}


# How many characters of the article the page's quote search may scan in all: a quote not in the article costs a
# scan of it whole. A planted draft of 5,000 such quotes against a 4.9 MB article held kg review 33 s before its page
# opened, and again on each load and save (20 MB and 50,000 quotes: about 20 minutes each). A draft kg extract made
# (articles of at most 100,000 characters) stays far below it; the bound costs at most a few seconds.
SEARCH_BUDGET = 2_000_000_000


class QuoteFinder:
    """Where each quote first occurs in the article, each distinct quote searched once, the scans bounded."""

    def __init__(self, body: str, display: str, budget: int = SEARCH_BUDGET) -> None:
        self.body = body
        self.display = display
        self.budget = budget
        self.spent = 0
        self.found: dict[str, int] = {}

    def find(self, quote: str) -> int:
        at = self.found.get(quote)
        if at is not None:
            return at
        if self.spent + len(self.body) > self.budget:
            raise DataError(
                [
                    Problem(
                        self.display,
                        0,
                        f"this draft's evidence quotes take more than kg review searches: {len(self.found):,} "
                        f"distinct quotes searched in an article of {len(self.body):,} characters, more to go "
                        "(a quote not in the article costs a scan of the whole article)",
                        "check the draft with `kg build` (it reports each quote not found), or review it in an editor",
                    )
                ]
            )
        at = self.body.find(quote)
        self.spent += len(self.body) if at < 0 else at + len(quote)
        self.found[quote] = at
        return at


def evidence_of(node: Any, finder: QuoteFinder) -> list[dict]:
    """Each quote with the offsets the loader gives it: its `start`, or its first occurrence."""
    body = finder.body
    quotes = node if isinstance(node, list) else [node] if node is not None else []
    out = []
    for q in quotes:
        start = None
        if isinstance(q, dict):
            start = q.get("start")
            q = q.get("quote")
        quote = _text(q)
        try:
            at = int(start) if start is not None else -1
        except (TypeError, ValueError):
            at = -1
        if at < 0 or body[at : at + len(quote)] != quote:
            # once: a quote without its start was searched twice, and each distinct quote is searched once
            at = finder.find(quote)
        out.append({"quote": quote, "start": at, "end": at + len(quote) if at >= 0 else -1})
    return out


def entities_of(doc: Any) -> list[dict]:
    out = []
    for i, item in enumerate(doc.get("entities") or []):
        if not isinstance(item, dict):
            continue
        aliases = item.get("aliases") or []
        out.append(
            {
                "key": f"e{i}",
                "id": _text(item.get("id")),
                "class": _text(item.get("class")),
                "label": _text(item.get("label")),
                "aliases": [_text(a) for a in aliases] if isinstance(aliases, list) else [_text(aliases)],
                "iso3166": _text(item.get("iso3166")),
                "note": _text(item.get("note")),
                "draft": _draft(item),
            }
        )
    return out


def statements_of(doc: Any, body: str, display: str = "the article") -> list[dict]:
    finder = QuoteFinder(body, display)
    out = []
    for i, item in enumerate(doc.get("statements") or []):
        if not isinstance(item, dict):
            continue
        out.append(
            {
                "key": f"s{i}",
                "subject": _text(item.get("subject")),
                "predicate": _text(item.get("predicate")),
                "object": _text(item.get("object")) if "object" in item else None,
                "value": _text(item.get("value")) if "value" in item else None,
                "date": _text(item.get("date")),
                "role": _text(item.get("role")),
                "note": _text(item.get("note")),
                "evidence": evidence_of(item.get("evidence"), finder),
                "draft": _draft(item),
            }
        )
    return out


def others(target: Target) -> list[dict]:
    """Entities of the other facts files, for merging a proposal into one (searched by name and alias)."""
    out = []
    for path in sorted(target.facts_dir.glob("*.yaml")):
        if path.name == target.facts.name:
            continue
        try:
            doc = yamlsafe.load(decode(read_bytes(path, str(path)), str(path)), str(path))
        except DataError:
            continue  # the loader reports that file's problems at save; its entities cannot be merged into
        if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
            continue
        for item in doc["entities"]:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                aliases = item.get("aliases") if isinstance(item.get("aliases"), list) else []
                out.append(
                    {
                        "id": str(item["id"]),
                        "class": _text(item.get("class")),
                        "label": _text(item.get("label")),
                        "aliases": [str(a) for a in aliases if isinstance(a, str)],
                        "file": path.name,
                    }
                )
    return out


def articles(target: Target) -> list[str]:
    """The slugs of the data folder's articles: each is the id of its article's node, so no entity may take one
    (the loader's id check); the page proposes a new entity's id outside them."""
    return sorted(p.stem for p in (target.data / "articles").glob("*.md") if SLUG.match(p.stem))


def ontology_data(ontology: Ontology) -> dict:
    """Classes with their descriptions and superclasses, properties with their domains and ranges, as the page
    filters its pickers: a class fits a domain or range when one of its superclasses is in it (the loader's rule)."""
    from rdflib import RDFS

    def comment(iri) -> str:
        value = ontology.graph.value(iri, RDFS.comment)
        return str(value) if value is not None else ""

    classes = [
        {
            "name": name,
            "label": ontology.label(iri),
            "description": comment(iri),
            "top": ontology.top_class(name),
            "supers": sorted(str(s) for s in ontology.superclasses(name)),
        }
        for name, iri in ontology.classes.items()
    ]
    properties = [
        {
            "name": name,
            "label": ontology.label(p.iri),
            "description": comment(p.iri),
            "object": p.is_object,
            "domain": [str(c) for c in p.domain],
            "range": [str(c) for c in p.range],
            "date": name in ontology.date_valued,
        }
        for name, p in ontology.properties.items()
    ]
    return {"classes": classes, "properties": properties, "namespace": str(KG)}


def page_data(target: Target, ontology: Ontology) -> dict:
    """Everything the page shows, read now: the article, the file's entries, the ontology, the merge targets."""
    raw = read_bytes(target.facts, str(target.facts))
    text = decode(raw, str(target.facts))
    doc = load_doc(text, str(target.facts))
    slug = _text(doc.get("article")) or target.slug
    if not SLUG.match(slug):
        raise DataError([Problem(str(target.facts), 1, f"'article: {visible(slug)}' is not an article's slug")])
    article = target.data / "articles" / f"{slug}.md"
    source = read_source(article, str(article))
    return {
        "version": version_of(raw),
        "file": str(target.facts),
        "slug": slug,
        "title": source.title,
        "body": source.body,
        "entities": entities_of(doc),
        "statements": statements_of(doc, source.body, str(target.facts)),
        "others": others(target),
        "articles": articles(target),
        **ontology_data(ontology),
    }
