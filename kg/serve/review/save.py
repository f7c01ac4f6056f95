"""The page's decisions -> the facts file: applied to the round-trip document, checked by the loader, written.

Only what a decision changes is touched: an accepted entry loses its `draft:` line, a rejected one is removed, an
edited field is replaced (in the quoting the old value had), an entity the reviewer added from a selection is
appended to the entities; every other line, comments included, is written back as ruamel.yaml read it. Before
anything is written the whole data folder is read by the loader (kg.pipeline.corpus and the checks across files) with the
new text in place of the file, so the file on disk is only ever replaced by one that `kg build` accepts. The decisions come from a web page and are checked here first, as the loader would: ids,
classes and predicates by their rules, quotes against the article, and nothing names a path.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from kg import files as fsutil
from kg.check import loader as check
from kg.errors import DataError, Problem
from kg.ontology import DEFAULT_DIR, Ontology
from kg.pipeline import corpus
from kg.read.articles import decode, read_bytes, read_source
from kg.read.facts import ID
from kg.serve.review.model import Target, articles, dump, load_doc, others, version_of

DECISIONS = ("accept", "reject", "merge", "pending")
MAX_TEXT = 10_000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO3166 = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")


class Refused(Exception):
    """The decisions cannot be applied as sent: a sentence for the page, and the entry it concerns."""

    def __init__(self, text: str, key: str = "") -> None:
        super().__init__(text)
        self.text, self.key = text, key


class Stale(Exception):
    """The facts file changed on disk since the page read it."""


@dataclass
class Outcome:
    """A save's result: written, or the problems (each with the entry it concerns, when one) and nothing written."""

    written: bool
    problems: list[dict] = field(default_factory=list)


# -- the page's decisions, checked --------------------------------------------------------------------------


def _str(value: Any, what: str, key: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Refused(f"{what} must be text", key)
    if len(value) > MAX_TEXT:
        raise Refused(f"{what} is longer than {MAX_TEXT} characters", key)
    bad = _CONTROL.search(value)
    if bad:
        raise Refused(f"{what} holds the control character U+{ord(bad.group()):04X}; delete it", key)
    if required and not value.strip():
        raise Refused(f"{what} is empty", key)
    return value


def _id(value: Any, what: str, key: str) -> str:
    text = _str(value, what, key, required=True)
    if not ID.match(text):
        raise Refused(f"{what} {text!r} is not an id: use lower-case letters, digits and single hyphens", key)
    return text


def _key(value: Any, prefix: str, count: int) -> int:
    if not isinstance(value, str) or not re.fullmatch(rf"{prefix}(0|[1-9][0-9]{{0,8}})", value):
        raise Refused(f"unknown entry {str(value)[:40]!r}")
    index = int(value[1:])
    if index >= count:
        raise Refused(f"unknown entry {value!r}: reload the page")
    return index


def _decision(item: dict, key: str) -> str:
    decision = item.get("decision")
    if decision not in DECISIONS:
        raise Refused(f"unknown decision {str(decision)[:40]!r}", key)
    return decision


# -- applying them ------------------------------------------------------------------------------------------


def _set(item: CommentedMap, name: str, value: Any) -> None:
    """Set a field, keeping the quoting style its old value had; an unchanged value is left alone."""
    old = item.get(name)
    if old is not None and str(old) == str(value) and type(old) is not bool:
        return
    if isinstance(value, str) and isinstance(old, str) and type(old) is not str:
        value = type(old)(value)  # a double-quoted scalar stays double-quoted
    item[name] = value


def _drop(item: CommentedMap, name: str) -> None:
    if name in item:
        del item[name]


def _scalar(text: str) -> Any:
    """A date or number written plain, as the draft writes it."""
    match = _FULL_DATE.match(text)
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            return text
    if re.fullmatch(r"-?[0-9]{1,15}", text):
        return int(text)
    return text


# A text ruamel may write plain inside [a, b] and every YAML reader still reads as that text. ruamel writes "? x" and
# ":x" plain there, which PyYAML (kg's loader) reads as a mapping or refuses as a syntax error.
_FLOW_PLAIN = re.compile(r"[^\s?:,\[\]{}#&*!|>'\"%@`-](?:[^:,\[\]{}#]*[^\s:,\[\]{}#])?")


def _flow_item(text: str, kind: type) -> str:
    """One item of a flow list in the quoting `kind` asks for, double-quoted when plain would not read back."""
    if kind is str and not _FLOW_PLAIN.fullmatch(text):
        return DoubleQuotedScalarString(text)
    return kind(text)


def _flow_list(items: list[str], like: Any) -> CommentedSeq:
    """[a, b] in the quoting of `like`'s first item (the old aliases, else the label): a draft's stay JSON-like."""
    seq = CommentedSeq()
    kind = type(like[0]) if isinstance(like, list) and like and isinstance(like[0], str) else str
    seq.extend(_flow_item(a, kind) for a in items)
    seq.fa.set_flow_style()
    return seq


def apply(doc: Any, decisions: dict, body: str, ontology: Ontology, taken: dict[str, str] | None = None) -> list[str]:
    """Apply the decisions to the document in place; returns the keys of its statements in their new order
    (existing "sN", new "nN") followed by its entities' ("eN", then added "neN"), for locating the loader's
    problems. `taken`: ids of other files' entities and of articles, with what holds each; an entity the page
    adds or renames may not take one."""
    taken = taken or {}
    if not isinstance(decisions, dict):
        raise Refused("the request must be a JSON object")
    entities = doc.get("entities")
    statements = doc.get("statements")
    if entities is None:
        entities = doc["entities"] = CommentedSeq()
    if statements is None:
        statements = doc["statements"] = CommentedSeq()
    sent_entities = decisions.get("entities") or []
    sent_statements = decisions.get("statements") or []
    if not isinstance(sent_entities, list) or not isinstance(sent_statements, list):
        raise Refused("'entities' and 'statements' must be lists")
    properties = ontology.properties

    remove_entities: set[int] = set()
    new_entities: list[tuple[str, CommentedMap]] = []
    for sent in sent_entities:
        if not isinstance(sent, dict):
            raise Refused("each entity decision must be an object")
        if _is_new_entity(sent.get("key")):
            key = str(sent["key"])
            decision = _decision(sent, key)
            if decision == "merge":
                _id(sent.get("into"), "the entity to merge into", key)
            if decision in ("reject", "merge"):
                continue  # added on the page, then dropped or merged into another: nothing to write
            item = CommentedMap()
            _entity_fields(item, sent, key, ontology, taken, _label_style(entities))
            code = _str(sent.get("iso3166"), "the ISO 3166 code", key).strip().upper()
            if code:
                if ontology.top_class(str(item["class"])) != "Region":
                    raise Refused("an ISO 3166 code is for places only: choose a Region class, or leave it out", key)
                if not _ISO3166.fullmatch(code):
                    raise Refused(f"{code!r} is not an ISO 3166 code: write CN or CN-SC", key)
                item["iso3166"] = code  # that it names this place of this kind is the loader's check, shown here
            new_entities.append((key, item))
            continue
        i = _key(sent.get("key"), "e", len(entities))
        key = f"e{i}"
        item = entities[i]
        decision = _decision(sent, key)
        if decision in ("reject", "merge"):
            if decision == "merge":
                _id(sent.get("into"), "the entity to merge into", key)
            remove_entities.add(i)
            continue
        if not isinstance(item, CommentedMap):
            continue
        _entity_fields(item, sent, key, ontology, taken)
        if decision == "accept":
            _drop(item, "draft")

    remove_statements: set[int] = set()
    added: list[CommentedMap] = []
    for sent in sent_statements:
        if not isinstance(sent, dict):
            raise Refused("each statement decision must be an object")
        new = sent.get("key") is None or (isinstance(sent.get("key"), str) and sent["key"].startswith("n"))
        if new:
            key = str(sent.get("key") or "n")
            item = CommentedMap()
        else:
            i = _key(sent.get("key"), "s", len(statements))
            key = f"s{i}"
            item = statements[i]
        decision = _decision(sent, key)
        if decision in ("reject", "merge"):
            if not new:
                remove_statements.add(i)
            continue
        if not isinstance(item, CommentedMap):
            continue
        _set(item, "subject", _id(sent.get("subject"), "subject", key))
        predicate = _str(sent.get("predicate"), "predicate", key, required=True)
        if predicate not in properties:
            raise Refused(f"predicate {predicate!r} is not a property of the ontology", key)
        _set(item, "predicate", predicate)
        if properties[predicate].is_object:
            _set(item, "object", _id(sent.get("object"), "object", key))
            _drop(item, "value")
        else:
            _set(item, "value", _scalar(_str(sent.get("value"), "value", key, required=True)))
            _drop(item, "object")
        for name in ("date", "role"):
            text = _str(sent.get(name), name, key).strip()
            if text:
                _set(item, name, _scalar(text) if name == "date" else text)
            else:
                _drop(item, name)
        if new:
            item["evidence"] = _new_evidence(sent.get("evidence"), body, key)
            added.append(item)
            sent["_key"] = key
        elif decision == "accept":
            _drop(item, "draft")

    order_s = [f"s{i}" for i in range(len(statements)) if i not in remove_statements]
    order_s += [str(s.get("_key")) for s in sent_statements if isinstance(s, dict) and "_key" in s]
    order_e = [f"e{i}" for i in range(len(entities)) if i not in remove_entities]
    order_e += [key for key, _item in new_entities]
    for i in sorted(remove_statements, reverse=True):
        del statements[i]
    for i in sorted(remove_entities, reverse=True):
        del entities[i]
    statements.extend(added)
    if new_entities and not entities:
        entities.fa.set_block_style()  # `entities: []` becomes a list of entries, as the loader's files have
    entities.extend(item for _key, item in new_entities)
    return order_s + order_e


def taken_ids(target: Target) -> dict[str, str]:
    """Ids the file's entities may not take: the other facts files' entities and the articles' slugs."""
    taken = {slug: f"the article {target.data / 'articles' / slug}.md" for slug in articles(target)}
    for other in others(target):
        taken.setdefault(other["id"], f"{other['label']!r} of {target.facts_dir / other['file']}")
    return taken


def _is_new_entity(key: Any) -> bool:
    """An entity the reviewer added from a selection: the page names it "ne1", "ne2", ... (no place in the file yet)."""
    return isinstance(key, str) and re.fullmatch(r"ne[1-9][0-9]{0,8}", key) is not None


def _label_style(entities: Any) -> type:
    """The string type of the file's labels (a draft's are double-quoted, as `kg extract` writes them), so an
    added entity looks like its neighbours; plain when the file has none."""
    for item in entities:
        if isinstance(item, dict) and isinstance(item.get("label"), str):
            return DoubleQuotedScalarString if isinstance(item["label"], DoubleQuotedScalarString) else str
    return str


def _entity_fields(
    item: CommentedMap, sent: dict, key: str, ontology: Ontology, taken: dict[str, str], style: type | None = None
) -> None:
    """An entity's id, class, label and aliases from the page, checked as the loader checks them. A new entity
    (empty `item`) gets them in the order of the draft's entries, its label written in `style`.

    A new or renamed id that another file or an article holds is refused here, on this entry: the loader would
    report it too, but on the other file's line when that file comes later, where the page cannot show it."""
    eid = _id(sent.get("id"), "id", key)
    if eid != item.get("id") and eid in taken:
        raise Refused(f"the id {eid!r} is taken by {taken[eid]}: merge into it, or choose another id", key)
    _set(item, "id", eid)
    cls = _str(sent.get("class"), "class", key, required=True)
    if cls not in ontology.classes:
        raise Refused(f"class {cls!r} is not a class of the ontology", key)
    _set(item, "class", cls)
    if "iso3166" in item and ontology.top_class(cls) != "Region":
        _drop(item, "iso3166")  # a code only places have
    label = _str(sent.get("label"), "label", key, required=True)
    _set(item, "label", style(label) if style is not None else label)
    aliases = sent.get("aliases") or []
    if not isinstance(aliases, list):
        raise Refused("aliases must be a list", key)
    aliases = [_str(a, "alias", key, required=True) for a in aliases]
    old = item.get("aliases")
    if not aliases:
        _drop(item, "aliases")
    elif not isinstance(old, list) or [str(a) for a in old] != aliases:
        item["aliases"] = _flow_list(aliases, old if isinstance(old, list) else [item.get("label")])


def _new_evidence(node: Any, body: str, key: str) -> Any:
    """The quote of a statement added from a selection: the text at its offsets, written as the loader reads it."""
    if not isinstance(node, list) or not node:
        raise Refused("a new statement needs its evidence: select it in the article", key)
    out = []
    for q in node:
        if not isinstance(q, dict):
            raise Refused("evidence must be {quote, start}", key)
        quote = _str(q.get("quote"), "evidence", key, required=True)
        start = q.get("start")
        if not isinstance(start, int) or isinstance(start, bool) or not 0 <= start <= len(body):
            raise Refused("evidence needs its start in the article", key)
        if body[start : start + len(quote)] != quote:
            raise Refused("the evidence is not the article's text at its offsets: select it again", key)
        if body.find(quote) == start:
            out.append(quote)
        else:
            where = CommentedMap([("quote", quote), ("start", start)])
            where.fa.set_flow_style()
            out.append(where)
    if len(out) == 1:
        return out[0]
    return CommentedSeq(out)


# -- the loader's checks on the new text --------------------------------------------------------------------


def loader_problems(target: Target, text: str, ontology_dir: Path = DEFAULT_DIR) -> list[Problem]:
    """The problems `kg build` would report with `text` in place of the facts file, named by the real paths:
    the data folder is read as it is, with the new text given in place of that one file, so nothing is written
    beside the real files. (A scratch folder of links to them was refused by kg build's check of links that lead
    out of the data directory, so every save failed.)"""
    try:
        facts, problems, _ = corpus.read(
            target.data, Path(ontology_dir), replaced={target.facts.name: text.encode("utf-8")}
        )
        problems = problems + check.check_global(facts, Ontology.load(ontology_dir))
    except DataError as err:
        problems = err.problems
    return problems


def _lines_of(text: str) -> list[tuple[int, str]]:
    """(first line, key) of each statement and entity item of the new text, in file order."""
    doc = load_doc(text, "new")
    out = []
    for name in ("statements", "entities"):
        for item in doc.get(name) or []:
            line = item.lc.line + 1 if hasattr(item, "lc") and item.lc.line is not None else 0
            out.append((line, name))
    return out


def locate(problems: list[Problem], target: Target, text: str, keys: list[str]) -> list[dict]:
    """Each problem with the key of the entry its line falls in (an entry runs from its first line to the next's)."""
    starts = sorted((line, keys[n]) for n, (line, _name) in enumerate(_lines_of(text)) if n < len(keys))
    out = []
    for p in problems:
        key = ""
        if p.path == str(target.facts):
            for line, k in starts:
                if line <= p.line:
                    key = k
        out.append({"key": key, "path": p.path, "line": p.line, "message": p.message, "hint": p.hint, "text": str(p)})
    return out


# -- the save -----------------------------------------------------------------------------------------------


def save(target: Target, decisions: dict, ontology: Ontology, ontology_dir: Path = DEFAULT_DIR) -> Outcome:
    """Apply, check, write. Raises Stale when the file is not the one the page read, Refused for decisions
    that cannot be applied; returns the loader's problems (and writes nothing) when there are any."""
    raw = read_bytes(target.facts, str(target.facts))
    if decisions.get("version") != version_of(raw):
        raise Stale
    text = decode(raw, str(target.facts))
    doc = load_doc(text, str(target.facts))
    slug = str(doc.get("article") or target.slug)
    source = read_source(target.data / "articles" / f"{slug}.md", str(target.data / "articles" / f"{slug}.md"))
    keys = apply(doc, decisions, source.body, ontology, taken_ids(target))
    new = dump(doc, text)
    problems = loader_problems(target, new, ontology_dir)
    if problems:
        return Outcome(False, locate(problems, target, new, keys))
    if read_bytes(target.facts, str(target.facts)) != raw:  # changed while the checks ran
        raise Stale
    mode = os.stat(target.facts).st_mode & 0o777
    fsutil.write_text(target.facts, new)
    os.chmod(target.facts, mode)
    return Outcome(True)
