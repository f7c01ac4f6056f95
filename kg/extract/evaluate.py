"""Score a draft against the curated facts file of the same article: precision, recall and F1.

Matching is strict and documented in the README, so the numbers mean what they say:
- an entity matches a curated one when the classes are equal and one name (label or alias) of each is the
  same after ignoring case, spacing, a leading "the" and a trailing possessive (for people also spaces and
  hyphens inside the name); each curated entity matches at most one proposal, in the draft's order;
- a statement matches when subject, predicate and object are the same (entities compared through the entity
  matching above; values compared as text after integers and dates are written canonically). Qualifiers
  (date, role), notes and evidence quotes are not compared.
Entities the draft resolved to entities of other facts files are left out on both sides (the curated file
does not declare them either).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg import yamlsafe
from kg.errors import UsageError
from kg.extract.entities import norm, person_key
from kg.extract.model import Draft, DraftEntity
from kg.sources import read_text


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class Evaluation:
    slug: str
    entities: Score = field(default_factory=Score)
    by_class: dict[str, Score] = field(default_factory=dict)
    statements: Score = field(default_factory=Score)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)


@dataclass
class Gold:
    entities: list[dict]
    statements: set[tuple[str, str, str]]


def read_gold(path: Path) -> Gold:
    """The curated facts file as the scorer needs it: entities with their names, statement keys."""
    if not path.is_file():
        raise UsageError(f"{path}: no curated facts file to compare with")
    doc = yamlsafe.load(read_text(path, str(path)), str(path)) or {}
    entities = []
    for item in doc.get("entities") or []:
        aliases = item.get("aliases") or []
        aliases = aliases if isinstance(aliases, list) else [aliases]
        entities.append(
            {"id": str(item["id"]), "class": str(item["class"]), "names": [str(item["label"]), *map(str, aliases)]}
        )
    statements = set()
    for item in doc.get("statements") or []:
        target = str(item["object"]) if "object" in item else canonical(str(item.get("value")))
        statements.add((str(item["subject"]), str(item["predicate"]), target))
    return Gold(entities, statements)


def canonical(value: str) -> str:
    """A literal as text that compares equal when the values are equal ("086" and "86")."""
    text = value.strip()
    if text.lstrip("+-").isdigit():
        return str(int(text))
    return text


def _keys(names: list[str], person: bool) -> set[str]:
    return {person_key(n) if person else norm(n) for n in names}


def evaluate(draft: Draft, gold: Gold) -> Evaluation:
    """Match the draft against the curated file and count; see the module docstring for the rules."""
    result = Evaluation(draft.slug)
    proposed = [e for e in draft.entities if not e.resolved]
    matched: dict[int, str] = {}  # id(draft entity) -> curated id
    free = list(gold.entities)
    for e in proposed:
        mine = _keys([e.label, *e.aliases], e.cls == "Person")
        for g in free:
            if g["class"] == e.cls and mine & _keys(g["names"], e.cls == "Person"):
                matched[id(e)] = g["id"]
                free.remove(g)
                break
    for e in proposed:
        score = result.by_class.setdefault(e.cls, Score())
        if id(e) in matched:
            score.tp += 1
        else:
            score.fp += 1
            result.false_alarms.append(f"entity {e.cls} {e.label!r} ({e.rule})")
    for g in free:
        result.by_class.setdefault(g["class"], Score()).fn += 1
        result.misses.append(f"entity {g['class']} {g['names'][0]!r} ({g['id']})")
    for score in result.by_class.values():
        result.entities.add(score)
    result.by_class = dict(sorted(result.by_class.items()))

    def ref(e: DraftEntity) -> str:
        if e is draft.article:
            return draft.slug
        if e.resolved:
            return e.resolved
        return matched.get(id(e), f"?{e.label}")

    predicted = Counter()
    for st in draft.statements:
        target = ref(st.object) if st.object is not None else canonical(str(st.value))
        predicted[(ref(st.subject), st.predicate, target)] += 1
    for key in sorted(predicted):
        if key in gold.statements:
            result.statements.tp += 1
        else:
            result.statements.fp += 1
            result.false_alarms.append("statement " + " ".join(key))
    for key in sorted(gold.statements - set(predicted)):
        result.statements.fn += 1
        result.misses.append("statement " + " ".join(key))
    return result


def table(results: list[Evaluation]) -> str:
    """A Markdown table: one row per article for entities and statements, then entities by class."""
    lines = [
        "| article | entities P | R | F1 | statements P | R | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        e, s = r.entities, r.statements
        lines.append(
            f"| {r.slug} | {e.precision:.2f} | {e.recall:.2f} | {e.f1:.2f} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |"
        )
    lines += [
        "",
        "| article | class | TP | FP | FN | P | R | F1 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for cls, sc in r.by_class.items():
            lines.append(
                f"| {r.slug} | {cls} | {sc.tp} | {sc.fp} | {sc.fn} | {sc.precision:.2f} | {sc.recall:.2f} | {sc.f1:.2f} |"
            )
    return "\n".join(lines) + "\n"


def report(results: list[Evaluation]) -> str:
    """The table, then every miss and false alarm, for a person improving the rules."""
    out = [table(results)]
    for r in results:
        out.append(f"\n{r.slug}: {len(r.misses)} misses, {len(r.false_alarms)} false alarms\n")
        out += [f"  miss         {m}\n" for m in r.misses]
        out += [f"  false alarm  {f}\n" for f in r.false_alarms]
    return "".join(out)
