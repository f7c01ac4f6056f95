"""A draft -> the text of a facts file, in the format the loader reads, and the merge into an existing file.

The YAML is written by hand, one entry at a time, so that it reads like a curated file (a reviewer edits it)
and so that --merge can add new entries as text without touching a single byte of the reviewed ones.
Strings are written as JSON strings, which are YAML double-quoted scalars: any text round-trips.
"""

from __future__ import annotations

import re

from kg.errors import DataError, Problem, visible
from kg.extract.model import Draft, DraftEntity, DraftStatement
from kg.read import regions, yamlsafe
from kg.read.yamlsafe import q

LITERAL = re.compile(r"^(?:-?\d+|\d{4}(?:-\d{2}(?:-\d{2})?)?)$")

HEADER = """\
# Draft facts proposed by `kg extract` ({backend} backend) from {path}.
# Nothing here is curated yet. Review every entry against the article: fix or delete it, then delete its
# `draft:` line; entries without `draft:` count as reviewed and `kg extract --merge` never touches them.
# `draft.resolved` lists mentions that were taken to be entities already in data/facts/: to undo one,
# declare a new entity and point the statements at it. `draft.unlinked` lists names no rule linked to
# anything: add a statement with evidence to keep one, or ignore it.
"""


def _value(value: str) -> str:
    return value if LITERAL.match(value) else q(value)


def _draft_map(rule: str, confidence: float, **extra: str) -> str:
    parts = [f"rule: {rule}", f"confidence: {confidence:.2f}"]
    parts += [f"{key}: {q(value)}" for key, value in extra.items() if value]
    return "{" + ", ".join(parts) + "}"


def entity_block(e: DraftEntity) -> str:
    """One entity as YAML text, indented as an item of `entities:`."""
    lines = [f"  - id: {e.id}", f"    class: {e.cls}", f"    label: {q(e.label)}"]
    if e.aliases:
        lines.append("    aliases: [" + ", ".join(q(a) for a in e.aliases) + "]")
    if e.iso3166:
        lines.append(f"    iso3166: {e.iso3166}")
    if e.note:
        lines.append(f"    note: {q(e.note)}")
    region = regions.lookup(e.iso3166) if e.iso3166 else None
    zh = region.name_zh if region else ""  # pycountry's Chinese name, which kg build adds as the @zh label
    lines.append(f"    draft: {_draft_map(e.rule, e.confidence, merged=e.resolution, zh=zh)}")
    return "\n".join(lines) + "\n"


def _evidence(body: str, span: tuple[int, int], first: dict[str, int] | None = None) -> str:
    """A quote, with its start when the same text occurs earlier. `first` remembers where each quote first
    occurs: a draft quotes the same sentences many times, and each search reads the body from its start."""
    quote = body[span[0] : span[1]]
    if first is None:
        first = {}
    if quote not in first:
        first[quote] = body.find(quote)
    if first[quote] == span[0]:
        return q(quote)
    return "{quote: " + q(quote) + f", start: {span[0]}" + "}"


def statement_block(st: DraftStatement, body: str, first: dict[str, int] | None = None) -> str:
    """One statement as YAML text, indented as an item of `statements:`."""
    assert st.subject.id and (st.object is None or st.object.id)
    lines = [f"  - subject: {st.subject.id}", f"    predicate: {st.predicate}"]
    lines.append(f"    object: {st.object.id}" if st.object is not None else f"    value: {_value(st.value or '')}")
    if st.date:
        lines.append(f"    date: {st.date}")
    if st.role:
        lines.append(f"    role: {q(st.role)}")
    if st.note:
        lines.append(f"    note: {q(st.note)}")
    spans = sorted(set(st.evidence))
    if len(spans) == 1:
        lines.append(f"    evidence: {_evidence(body, spans[0], first)}")
    else:
        lines.append("    evidence:")
        lines += [f"      - {_evidence(body, span, first)}" for span in spans]
    lines.append(f"    draft: {_draft_map(st.rule, st.confidence)}")
    return "\n".join(lines) + "\n"


def linked(draft: Draft) -> tuple[list[DraftEntity], list[DraftEntity]]:
    """Entities that some statement names (declared), and the rest (listed for the reviewer only): the loader
    refuses an entity no statement traces to the text."""
    used = {id(st.subject) for st in draft.statements} | {id(st.object) for st in draft.statements if st.object}
    declared = [e for e in draft.entities if id(e) in used and not e.resolved]
    unlinked = [e for e in draft.entities if id(e) not in used and not e.resolved]
    return declared, unlinked


def _sorted_statements(draft: Draft) -> list[DraftStatement]:
    order = {id(e): i for i, e in enumerate(draft.entities)}
    return sorted(
        draft.statements,
        key=lambda st: (
            -1 if st.subject is draft.article else order.get(id(st.subject), 0),
            st.predicate,
            st.object.id if st.object else "",
            st.value or "",
        ),
    )


def draft_header(draft: Draft, unlinked: list[DraftEntity]) -> str:
    """The top-level `draft:` mapping: resolutions to undo and names no rule linked."""
    lines = ["draft:", f"  backend: {draft.backend}"]
    resolved = [e for e in draft.entities if e.resolved]
    if resolved:
        lines.append("  resolved:")
        for e in resolved:
            lines.append(f"    - {{mention: {q(e.label)}, id: {e.resolved}, how: {q(e.resolution)}}}")
    if unlinked:
        lines.append("  unlinked:")
        for e in unlinked:
            extra = f", iso3166: {e.iso3166}" if e.iso3166 else ""
            lines.append(
                f"    - {{label: {q(e.label)}, class: {e.cls}{extra}, rule: {e.rule}, confidence: {e.confidence:.2f}}}"
            )
    if draft.unused:
        lines.append("  refused:  # proposals the ontology does not allow (domain or range), not written as statements")
        lines += [f"    - {q(text)}" for text in draft.unused]
    return "\n".join(lines) + "\n"


def render(draft: Draft, article_path: str) -> str:
    """The whole draft facts file."""
    declared, unlinked = linked(draft)
    # the path is the user's (a directory's name may hold a line break, which would end the comment and start
    # YAML keys): escaped, as in every message of kg's, so the header stays comment lines
    header = HEADER.format(backend=visible(draft.backend), path=visible(article_path))
    out = [header, f"article: {draft.slug}\n", "\n"]
    out.append(draft_header(draft, unlinked))
    out.append("\nentities:\n" if declared else "\nentities: []\n")
    out += [entity_block(e) for e in declared]
    out.append("\nstatements:\n" if draft.statements else "\nstatements: []\n")
    first: dict[str, int] = {}
    out += [statement_block(st, draft.body, first) for st in _sorted_statements(draft)]
    return "".join(out)


# -- merge ------------------------------------------------------------------------------------------


def merge(existing: str, display: str, draft: Draft) -> tuple[str, int, int]:
    """The existing file with the draft's new entities and statements added as text; every existing line kept.

    An entity is new if no existing entity has its id or one of its names; a statement is new if no existing
    statement has its subject, predicate and object (or value). Returns the text and the counts added.
    """
    doc = yamlsafe.load(existing, display)
    if doc is None:
        doc = yamlsafe.YMap()
    if not isinstance(doc, dict):
        raise DataError([Problem(display, 1, "cannot merge: the facts file is not a mapping")])
    entities = doc.get("entities") or []
    statements = doc.get("statements") or []
    if not isinstance(entities, list) or not isinstance(statements, list):
        raise DataError([Problem(display, 1, "cannot merge: 'entities' and 'statements' must be lists")])
    names: dict[str, str] = {}
    for item in entities:
        if isinstance(item, dict) and item.get("id"):
            for name in [item.get("label"), *(item.get("aliases") or [])]:
                if isinstance(name, str):
                    names[name.casefold()] = str(item["id"])
            names[str(item["id"])] = str(item["id"])
    # point the draft's entities at existing ones with the same name, so new statements use reviewed ids
    for e in draft.entities:
        for name in (e.label, *e.aliases):
            if name.casefold() in names:
                e.id = names[name.casefold()]
                break
    keys = set()
    for item in statements:
        if isinstance(item, dict):
            keys.add((str(item.get("subject")), str(item.get("predicate")), str(item.get("object", item.get("value")))))
    declared, _ = linked(draft)
    existing_ids = set(names.values())
    new_entities = [e for e in declared if e.id not in existing_ids]
    new_statements = []
    for st in _sorted_statements(draft):
        key = (st.subject.id, st.predicate, st.object.id if st.object else str(st.value))
        if key not in keys:
            new_statements.append(st)
            keys.add(key)
    lines = existing.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    first: dict[str, int] = {}
    blocks = {
        "entities": [entity_block(e) for e in new_entities],
        "statements": [statement_block(st, draft.body, first) for st in new_statements],
    }
    top = sorted((doc.key_line(k), k) for k in doc)
    inserts: list[tuple[int, str]] = []
    tail = ""
    for key in ("entities", "statements"):
        if not blocks[key]:
            continue
        if key not in doc:
            tail += f"\n{key}:\n" + "".join(blocks[key])
            continue
        if not doc[key]:  # "key:" or "key: []": the items go right under a plain "key:" line
            line = doc.key_line(key) - 1
            if not re.match(rf"^{key}:\s*(?:\[\s*\])?\s*(?:#.*)?$", lines[line]):
                raise DataError(
                    [
                        Problem(
                            display,
                            line + 1,
                            f"cannot merge into '{key}' written this way",
                            f"write '{key}:' on its own line",
                        )
                    ]
                )
            lines[line] = f"{key}:\n"
            inserts.append((line + 1, "".join(blocks[key])))
            continue
        indent = _item_indent(lines, doc.key_line(key))
        text = "".join(_reindent(b, indent) for b in blocks[key])
        following = [line for line, k in top if line > doc.key_line(key)]
        at = following[0] - 1 if following else len(lines)
        while at > doc.key_line(key) and (not lines[at - 1].strip() or lines[at - 1].startswith("#")):
            at -= 1  # before the blank lines and unindented comments that introduce the next key
        inserts.append((at, text))
    for at, text in sorted(inserts, reverse=True):
        lines[at:at] = [text]
    merged = "".join(lines) + tail
    yamlsafe.load(merged, display)  # never write a file the loader cannot read
    return merged, len(new_entities), len(new_statements)


def _item_indent(lines: list[str], key_line: int) -> str:
    for line in lines[key_line:]:
        match = re.match(r"^( *)- ", line)
        if match:
            return match.group(1)
    return "  "


def _reindent(block: str, indent: str) -> str:
    if indent == "  ":
        return block
    return "".join(indent + line[2:] if line.startswith("  ") else line for line in block.splitlines(keepends=True))
