"""Mentions -> draft entities: group the spans that name one thing, pick its class and label, and resolve
it against the entities already curated in data/facts/.

Grouping is by a key that ignores what does not change the thing named: case, spacing and hyphens in a
person's name ("Mei Lan" / "Meilan"), the "Province" after a province's name, the word order of a Chinese
government's English name ("People's Government of X Province" / "X Provincial Government"). What does
change the thing is kept: "Acme China" and "Acme" have different keys and stay two entities.
Every merge and every resolution is written down, so a reviewer can see it and undo it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract import lexicon as lx
from kg.extract.gazetteer import Place
from kg.extract.model import DraftEntity, Mention
from kg.extract.spans import SpanIndex

_APOSTROPHE = str.maketrans({"’": "'", "‘": "'"})
# A company's legal form at the end of its name: "Xyz Group Co., Ltd." and "Xyz Group" are one company
LEGAL_FORM = re.compile(r"(?:,? (?:co\.?,? ?ltd|co|ltd|limited|inc|corp|ag|gmbh|plc|llc)\.?)+$")


@lru_cache(maxsize=1 << 16)
def norm(name: str) -> str:
    """Comparable form of a name: case, curly apostrophes, spacing, a leading "the" and a possessive ignored."""
    text = unicodedata.normalize("NFKC", name).translate(_APOSTROPHE).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"'s$", "", text)


def person_key(name: str) -> str:
    """A person's name without spaces and hyphens: romanised Chinese names are written "Mei Lan", "Meilan", "Mei-lan"."""
    return re.sub(r"[\s\-‐]", "", norm(name))


def government_key(name: str) -> str:
    """One form for the English names of a government in China: "People's Government of X Province",
    "X Provincial People's Government" and "X Provincial Government" are the same body."""
    text = norm(name)
    text = re.sub(r"people's government of (\w+(?: \w+)?) province\b", r"\1 provincial government", text)
    text = re.sub(r"people's government of (\w+(?: \w+)?) (?:city|municipality)\b", r"\1 municipal government", text)
    text = text.replace("provincial people's government", "provincial government").replace(
        "municipal people's government", "municipal government"
    )
    # "the government of X", "the municipal government of X province", "the X city government" and "the X
    # government" are one body: the level the text adds to a place's government changes nothing
    of = re.fullmatch(rf"(?:{_LEVELS} )?government of (?:the )?(.+?)(?: {_PLACE_KINDS})?", text)
    if of:
        return f"{of.group(1)} government"
    bare = re.fullmatch(rf"(.+?)(?: {_PLACE_KINDS})?(?: {_LEVELS})? government", text)
    if bare and bare.group(1) not in ("central", "state", "local", "national"):
        return f"{bare.group(1)} government"
    return text


_LEVELS = "(?:municipal|provincial|city|regional)"
_PLACE_KINDS = "(?:province|city|municipality)"


@dataclass
class Known:
    """An entity already curated in data/facts/, that a new mention may name again."""

    id: str
    cls: str
    label: str
    aliases: list[str] = field(default_factory=list)
    iso3166: str = ""
    path: str = ""

    @property
    def names(self) -> list[str]:
        return [self.label, *self.aliases]


# Kind (top class) of every class extraction proposes, to compare a draft entity with a curated one.
KIND_OF = {
    **{c: "Organisation" for c in (*lx.ORG_HEADS.values(), "CentralBank", "CentralBankBranch", "Organisation")},
    **{c: "Region" for c in (*lx.REGION_HEADS.values(), "Country", "Region")},
    **{c: "Policy" for c in (*lx.POLICY_HEADS.values(), "Policy")},
    **{c: "Event" for c in (*lx.EVENT_HEADS.values(), "Event")},
    "Person": "Person",
}

# Which rule's class wins when the mentions of one entity disagree: the more specific evidence first.
_CLASS_RULES = ("region-gazetteer", "org-branch", "org-head", "region-head", "policy-quoted-title", "policy-head")


class Grouper:
    """Builds draft entities from the mentions of one article."""

    def __init__(self, mentions: list[Mention], places: dict[str, Place]):
        self.mentions = mentions
        self.places = places
        self.entities: list[DraftEntity] = []

    # -- which mentions name something --------------------------------------------------------

    def _naming(self) -> list[Mention]:
        out = []
        index = SpanIndex(o for o in self.mentions if not o.descriptive)
        # a place named only inside companies' names ("<City> Xyz Technology", "Bank of <City>") is a word of
        # those names, not a place the article speaks of
        alone = {
            m.iso3166 or norm(m.text)
            for m in self.mentions
            if m.kind == "Region"
            and not any(o.kind == "Organisation" and o.cls == "Company" for o in index.covering(m.start, m.end))
        }
        for m in self.mentions:
            if m.descriptive:
                continue
            if m.kind == "Region" and (m.text[:1].isdigit() or (m.text[:1].islower() and m.rule != "zone-new-area")):
                continue  # "2021 Xyz Province": a year glued to a place inside a title
            if m.kind == "Region" and m.rule == "region-slot" and m.text.lower() in lx.STOP_WORDS:
                continue
            if m.kind == "Region" and (m.iso3166 or norm(m.text)) not in alone:
                continue
            if (
                m.kind in ("Policy", "Event")
                and m.rule != "policy-document-title"  # "Notice of X on Issuing the <Y>": Y is a document too
                and any(
                    o is not m and o.kind == m.kind and not (m.kind == "Event" and _part_of_event(o, m))
                    for o in index.covering(m.start, m.end)
                )
            ):
                continue  # a head inside a longer title names the same thing; the title is kept
            if m.kind == "Organisation" and any(
                o is not m and o.kind == m.kind and o.start == m.start and m.end < o.end and o.rule != "org-branch"
                for o in index.covering(m.start, m.end)
            ):
                continue  # "... Administration" inside "... Administration Bureau": a head word mid-name
            if m.kind == "Organisation" and any(
                o.kind == m.kind
                and o.end == m.end
                and o.start < m.start
                and o.text[: m.start - o.start].endswith(" and ")
                for o in index.covering(m.start, m.end)
            ):
                continue  # "Abc Bank of X" inside "Xyz and Abc Bank of X": the second half of one name
            out.append(m)
        return out

    def _nested_aliases(self) -> dict[int, list[Mention]]:
        """Events that end a longer event name ("Forum" in "3rd ... Forum"): aliases of the outer one; an event
        named inside another ("Xyz Forum of the Abc Conference") is an event of its own."""
        out: dict[int, list[Mention]] = {}
        events = [m for m in self.mentions if m.kind == "Event" and not m.descriptive]
        index = SpanIndex(events)
        for m in events:
            for o in index.covering(m.start, m.end):
                if o is not m and not _part_of_event(o, m):
                    out.setdefault(id(o), []).append(m)
        return out

    def _core(self, m: Mention) -> str:
        """A region's name without its head ("Abc City" -> "abc") and a zone's without the places before it."""
        name = norm(m.name)
        if m.head and name.endswith(" " + m.head):
            name = name[: -len(m.head) - 1]
        if m.rule == "zone-new-area":
            name = re.sub(r"^(?:new area|pilot zone|new district) of (?:the )?", "", name)
            name = re.sub(r" (?:pilot )?free trade zone$| new area$", "", name)
        return name

    def key(self, m: Mention) -> tuple[str, str]:
        """What two mentions must share to name one thing (see the module docstring)."""
        if m.kind == "Person":
            return ("Person", person_key(m.name))
        if m.kind == "Region":
            if m.iso3166:
                return ("Region", m.iso3166)
            core = self._core(m)
            if m.cls in lx.ZONE_CLASSES or m.rule == "zone-new-area":
                words = core.split()
                while len(words) > 1 and self._place_core(words[0]):
                    words = words[1:]  # "<City> Dongwan" -> "dongwan"
                # a park and the zone it lies in share a core name ("Xyz Science Park" in "Xyz new area")
                return ("Park" if m.cls == "IndustrialPark" else "Zone", " ".join(words))
            return ("Region", core)
        if m.kind == "Organisation":
            if m.cls == "GovernmentBody":
                return ("Organisation", government_key(m.name))
            return ("Organisation", LEGAL_FORM.sub("", norm(m.name)) or norm(m.name))
        if m.kind == "Event":  # "2021 Xyz Conference" is the "Xyz Conference" of the article
            return (m.kind, re.sub(r"^(?:(?:19|20)\d\d|" + lx.ORDINAL + ") ", "", norm(m.name)))
        return (m.kind, norm(m.name))

    def _place_core(self, word: str) -> bool:
        return word in self._place_names or word in self._region_cores

    # -- grouping -------------------------------------------------------------------------------

    def group(self) -> list[DraftEntity]:
        """Draft entities from the mentions, in text order, with aliases and every merge recorded."""
        naming = self._naming()
        self._place_names = {norm(name) for name in self.places}
        self._region_cores = {
            self._core(m) for m in naming if m.kind == "Region" and m.cls not in lx.ZONE_CLASSES and not m.iso3166
        }
        groups: dict[tuple[str, str], list[Mention]] = {}
        for m in naming:
            groups.setdefault(self.key(m), []).append(m)
        # a "zone" whose whole name is a place ("<City> Free Trade Zone") is the one zone of that place
        zones = [k for k in groups if k[0] == "Zone"]
        by_prefix: dict[str, list[tuple[str, str]]] = {}  # every leading run of words of a zone's mentions
        for z in zones:
            prefixes = set()
            for m in groups[z]:
                words = norm(m.text).split()
                prefixes.update(" ".join(words[:i]) for i in range(1, len(words)))
            for prefix in prefixes:
                by_prefix.setdefault(prefix, []).append(z)
        for k in zones:
            if not self._place_core(k[1]):
                continue
            partners = [z for z in by_prefix.get(k[1], ()) if z != k and z in groups]
            if len(partners) == 1:
                groups[partners[0]].extend(groups.pop(k))
        # a place named without a head ("<City> Dongwan", "Dongwan") whose core is a zone's is that zone
        for k in [k for k in groups if k[0] == "Region"]:
            if any(m.iso3166 or m.head for m in groups[k]):
                continue
            words = k[1].split()
            while len(words) > 1 and self._place_core(words[0]):
                words = words[1:]
            zone = ("Zone", " ".join(words))
            if zone in groups and not all(m.cls == "IndustrialPark" for m in groups[zone]):
                groups[zone].extend(groups.pop(k))  # a park is named after its city, never the city itself
        self._merge_suffixes(groups)
        self._merge_acronyms(groups)
        self._merge_place_acronyms(groups)
        self._merge_surnames(groups)
        self._merge_short_names(groups)
        nested = self._nested_aliases()
        entities = []
        for key, mentions in groups.items():
            entity = self._entity(key, mentions)
            for m in mentions:
                for inner in nested.get(id(m), []):
                    if inner.text not in entity.aliases and inner.text != entity.label:
                        entity.aliases.append(inner.text)
                        entity.mentions.append(inner)
            entities.append(entity)
        self._classes_from_relatives(entities)
        entities.sort(key=lambda e: (e.first, e.label))
        self.entities = entities
        return entities

    def _merge_acronyms(self, groups: dict[tuple[str, str], list[Mention]]) -> None:
        """ "... Corporation (ABC)": the acronym's mentions join the name's."""
        where = {id(m): k for k, ms in groups.items() for m in ms}
        for k in list(groups):
            if k not in groups:
                continue
            target = next((where.get(id(m.alias_of)) for m in groups[k] if m.alias_of is not None), None)
            if target is not None and target != k and target in groups:
                moved = groups.pop(k)
                groups[target].extend(moved)
                for m in moved:
                    where[id(m)] = target

    def _merge_place_acronyms(self, groups: dict[tuple[str, str], list[Mention]]) -> None:
        """ "the Xyz HSC" after "Xyz Harbour Software Community (HSC)": a place and the acronym of a name that
        starts with that place name the same thing."""
        acronyms: dict[str, tuple[str, str]] = {}
        for k, ms in groups.items():
            for m in ms:
                if m.alias_of is not None and k[0] == "Organisation":
                    acronyms.setdefault(m.text, k)
        if not acronyms:
            return
        for k in [k for k in groups if k[0] == "Organisation"]:
            words = {m.text for m in groups[k]}
            if len(words) != 1:
                continue
            parts = next(iter(words)).split()
            target = acronyms.get(parts[-1]) if len(parts) == 2 else None
            if target is None or target == k or target not in groups:
                continue
            if any(norm(m.text).startswith(norm(parts[0]) + " ") for m in groups[target] if m.alias_of is None):
                groups[target].extend(groups.pop(k))

    def _merge_surnames(self, groups: dict[tuple[str, str], list[Mention]]) -> None:
        """ "Lin" and "Mr Lin" after "Lin Haoran": a surname alone is the one person of the article who has it
        (a Chinese name's first word, or a Western name's last); with two such people it stays apart."""
        people = [k for k in groups if k[0] == "Person"]
        full: dict[str, list[tuple[str, str]]] = {}
        for k in people:
            names = {m.name for m in groups[k]}
            for name in names:
                words = name.split()
                if len(words) >= 2:
                    for part in {words[0], words[-1]}:
                        if k not in full.setdefault(part, []):
                            full[part].append(k)
        for k in people:
            if k not in groups or any(" " in m.name for m in groups[k]):
                continue
            names = {m.name for m in groups[k]}
            owners = {o for name in names for o in full.get(name, ()) if o != k}
            if len(owners) == 1:
                groups[owners.pop()].extend(groups.pop(k))

    def _merge_short_names(self, groups: dict[tuple[str, str], list[Mention]]) -> None:
        """ "Xyz" after "Xyz Microelectronics Corp": a company's first word alone is the company, when exactly one
        organisation's name starts with it and the rest is not a place ("Acme China" is another company)."""
        orgs = [k for k in groups if k[0] == "Organisation"]
        by_first: dict[str, list[tuple[str, str]]] = {}
        for k in orgs:
            words = k[1].split()
            if len(words) >= 2 and not self._place_core(" ".join(words[1:])) and words[1] not in ("and", "of", "&"):
                by_first.setdefault(words[0], []).append(k)
                if len(words) >= 3 and self._place_core(words[0]) and not self._place_core(words[1]):
                    by_first.setdefault(words[1], []).append(k)  # "<City> Xyz Technology", later "Xyz"
        for k in orgs:
            if (
                k not in groups
                or " " in k[1]
                or not all(m.rule.startswith("org-") or m.rule == "same-name" for m in groups[k])
                or any(norm(m.name) != k[1] for m in groups[k])  # "Xyz Co., Ltd." is a company of its own
            ):
                continue
            owners = [o for o in by_first.get(k[1], ()) if o in groups and o != k]
            if len(owners) == 1 and any(m.cls == "Company" for m in groups[owners[0]]):
                groups[owners[0]].extend(groups.pop(k))

    def _merge_suffixes(self, groups: dict[tuple[str, str], list[Mention]]) -> None:
        """ "Solar Research Institute" after "Dongwan Solar Research Institute": a shortened name of the same
        organisation, when exactly one longer name with the same head ends with it."""
        orgs = [k for k in groups if k[0] == "Organisation"]
        by_suffix: dict[str, list[tuple[str, str]]] = {}  # every trailing run of words of each name
        for k in orgs:
            words = k[1].split(" ")
            for i in range(1, len(words)):
                by_suffix.setdefault(" ".join(words[i:]), []).append(k)
        for short in sorted(orgs, key=lambda k: len(k[1])):
            if len(short[1].split()) < 3 or short not in groups:
                continue
            longer = [
                k
                for k in by_suffix.get(short[1], ())
                if k != short
                and k in groups
                and k[1].endswith(" " + short[1])
                and not re.search(r"\b(?:of|of the|and|for|&)$", k[1][: -len(short[1]) - 1])
            ]
            same_head = [k for k in longer if groups[k][0].head == groups[short][0].head]
            if len(same_head) == 1:
                groups[same_head[0]].extend(groups.pop(short))

    def _entity(self, key: tuple[str, str], mentions: list[Mention]) -> DraftEntity:
        mentions = sorted(mentions, key=lambda m: m.start)
        best = min(mentions, key=lambda m: (_rank(m.rule), -m.confidence, m.start))
        cls = best.cls or mentions[0].cls
        kind = best.kind
        names = _distinct(m.name for m in mentions)
        label = self._label(kind, mentions, names)
        aliases = [n for n in names if (n != label and norm(n) != norm(label)) or (n != label and kind == "Person")]
        aliases = [a for a in _distinct(aliases) if a != label]
        confidence = max(m.confidence for m in mentions)
        if len(mentions) > 1:
            confidence = min(0.99, confidence + 0.05)
        entity = DraftEntity(
            cls=cls,
            label=label,
            kind=kind,
            rule=best.rule,
            confidence=round(confidence, 2),
            mentions=mentions,
            aliases=aliases,
            iso3166=next((m.iso3166 for m in mentions if m.iso3166), ""),
        )
        merged = _distinct(m.rule for m in mentions if m.name != label)
        if aliases:
            how = {"Person": "same name without spaces or hyphens", "Region": "same place", "Zone": "same zone"}.get(
                key[0], "same name"
            )
            entity.resolution = f"merged {', '.join(repr(a) for a in aliases)} ({how}; rules: {', '.join(merged)})"
        for m in mentions:
            m.entity = entity
        return entity

    def _label(self, kind: str, mentions: list[Mention], names: list[str]) -> str:
        if kind == "Person":
            counts = Counter(m.name for m in mentions)
            return max(names, key=lambda n: (" " in n, counts[n], -names.index(n)))
        if kind == "Region" and any(m.iso3166 for m in mentions):
            gazetteer = [m.name for m in mentions if m.rule == "region-gazetteer" and m.name in self.places]
            if gazetteer:
                return min(gazetteer, key=len)
        capitalised = [n for n in names if n[:1].isupper() or n[:1].isdigit()] or names
        if kind == "Region" and any(m.cls in lx.ZONE_CLASSES for m in mentions):
            headed = [n for n in capitalised if re.search(r"(?:Zone|Area|Port)$", n)]
            return min(headed or capitalised, key=lambda n: (len(n.split()), names.index(n)))
        return max(capitalised, key=lambda n: (len(n), -names.index(n)))

    def _classes_from_relatives(self, entities: list[DraftEntity]) -> None:
        """Classes that follow from another entity: "X China" is a company, so X is one too; a branch of a
        central bank is a central-bank branch, a branch of a company is part of that company (a Company)."""
        by_label = {norm(e.label): e for e in entities}
        countries = {norm(p.name) for p in self.places.values() if p.cls == "Country"}
        for e in entities:
            if e.kind != "Organisation":
                continue
            words = norm(e.label).split()
            if len(words) > 1 and words[-1] in countries and e.cls == "Company":
                parent = by_label.get(" ".join(words[:-1]))
                if parent and parent.cls == "Organisation":
                    parent.cls = "Company"
        parents = branch_parents(entities)
        for e in entities:
            if e.rule != "org-branch":
                continue
            parent = parents.get(id(e))
            if parent is None:
                continue
            if parent.cls == "CentralBank":
                e.cls = "CentralBankBranch"
            elif parent.cls == "Company":
                e.cls = "Company"


def branch_parent(branch: DraftEntity, entities: list[DraftEntity]) -> DraftEntity | None:
    """The organisation a branch belongs to: the longest other organisation named inside the branch's name."""
    return branch_parents(entities).get(id(branch))


def branch_parents(entities: list[DraftEntity]) -> dict[int, DraftEntity]:
    """Each branch's parent (see branch_parent), for all branches at once: an organisation's label is looked up
    by the runs of words of the branch's label, so a branch costs its own words, not the list of entities."""
    labels: dict[str, list[DraftEntity]] = {}
    for e in entities:
        if e.kind == "Organisation" and e.rule != "org-branch":
            labels.setdefault(norm(e.label), []).append(e)
    out: dict[int, DraftEntity] = {}
    for branch in entities:
        if branch.rule != "org-branch":
            continue
        label = norm(branch.label)
        words = label.split(" ")
        inside: list[DraftEntity] = []
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + MAX_LABEL_WORDS) + 1):
                run = " ".join(words[i:j])
                for key in {run, re.sub(r"'s$", "", run)}:
                    inside += [e for e in labels.get(key, ()) if e is not branch and e not in inside]
        parent = max(inside, key=lambda e: len(e.label), default=None)
        if parent is not None:
            out[id(branch)] = parent
    return out


MAX_LABEL_WORDS = 24  # an organisation named inside a branch's name has at most this many words


def _part_of_event(outer: Mention, inner: Mention) -> bool:
    """ "Xyz Forum of the Abc Conference": the outer event is a part of the inner one, which is an event of its own."""
    return " of " in f" {outer.text[: inner.start - outer.start]}"


def _rank(rule: str) -> int:
    return _CLASS_RULES.index(rule) if rule in _CLASS_RULES else len(_CLASS_RULES)


def _distinct(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# -- resolution against curated entities ------------------------------------------------------------


def resolve(entities: list[DraftEntity], known: list[Known]) -> None:
    """Point each draft entity at the curated entity it names, if exactly one matches; record why."""
    for entity in entities:
        matches = []
        for k in known:
            if KIND_OF.get(k.cls, k.cls) != entity.kind:
                continue
            how = _same(entity, k)
            if how:
                matches.append((k, how))
        if len(matches) == 1:
            k, how = matches[0]
            entity.resolved = k.id
            entity.resolution = f"resolved to {k.id!r} ({k.path}): {how}"
        elif len(matches) > 1:
            entity.note = "could be " + " or ".join(repr(k.id) for k, _ in matches) + "; kept separate"


def _same(entity: DraftEntity, k: Known) -> str:
    if entity.iso3166 and k.iso3166:
        return f"same ISO 3166 code {k.iso3166}" if entity.iso3166 == k.iso3166 else ""
    mine = [entity.label, *entity.aliases]
    for name in mine:
        for theirs in k.names:
            if name == theirs:
                return f"{name!r} is {'its label' if theirs == k.label else 'an alias'}"
            if norm(name) == norm(theirs):
                return f"{name!r} matches {theirs!r} but for case or spacing"
            if entity.kind == "Person" and person_key(name) == person_key(theirs):
                return f"{name!r} matches {theirs!r} without spaces or hyphens"
            if entity.cls == "GovernmentBody" and government_key(name) == government_key(theirs):
                return f"{name!r} and {theirs!r} are two forms of one government's name"
    return ""
