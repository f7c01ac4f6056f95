"""Region identifiers and Chinese names from pycountry, so no code is ever typed from memory."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# ISO 3166-2 subdivision types (as pycountry spells them) and the kg class each one needs.
SUBDIVISION_CLASSES = {
    "Province": "Province",
    "Municipality": "Municipality",
    "Autonomous region": "AutonomousRegion",
}


@dataclass(frozen=True)
class RegionCode:
    code: str
    name: str  # English name in pycountry
    kind: str  # "Country" or the ISO 3166-2 subdivision type
    name_zh: str  # "" when pycountry ships no Chinese translation


@lru_cache(maxsize=4)
def _translator(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)


def _zh(domain: str, name: str) -> str:
    translated = _translator(domain).gettext(name)
    return translated if translated != name else ""


def lookup(code: str) -> RegionCode | None:
    """The country (ISO 3166-1 alpha-2) or subdivision (ISO 3166-2) with this code, or None."""
    code = code.strip().upper()
    if "-" in code:
        sub = pycountry.subdivisions.get(code=code)
        if sub is None:
            return None
        return RegionCode(sub.code, sub.name, sub.type, _zh("iso3166-2", sub.name))
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return RegionCode(country.alpha_2, country.name, "Country", _zh("iso3166-1", country.name))


def expected_class(region: RegionCode) -> str | None:
    """The kg class a region with this code must have, or None when any Region fits."""
    if region.kind == "Country":
        return "Country"
    return SUBDIVISION_CLASSES.get(region.kind)


def names_match(region: RegionCode, names: list[str]) -> bool:
    """True when one of the entity's names starts like pycountry's name ("Shanghai" ~ "Shanghai Shi")."""
    official = region.name.casefold().split()
    for name in names:
        words = name.casefold().replace("province", "").split()
        if words and official and words[0] == official[0]:
            return True
    return False
