"""Romanised Chinese names by their shape: a one-syllable surname and a given name of one or two syllables
("Lin Haoran", "Zhou Qi", "Chen Hao-ran"). The syllables come from pypinyin's Wade-Giles conversion table, which
lists every Hanyu Pinyin syllable beside its Wade-Giles form (so "Chang Chun-hsiung" has the shape too).

The table is read from pypinyin's source file rather than imported: importing pypinyin loads its 40,000-character
dictionary (half a second) that this never needs.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

# Two-syllable surnames, written as one word.
COMPOUND_SURNAMES = frozenset({"ouyang", "sima", "zhuge", "shangguan", "situ", "dongfang", "huangfu", "xiahou"})
# Syllables that are also English words written capitalised at the start of a sentence or in a headline: a pair
# starting with one is not taken for a name by its shape alone.
ENGLISH = frozenset(
    re.findall(
        r"\w+",
        """a e o ai an er ou me ye yo la le pa die tie ten hen den pen can zen pin she you men man long bang gang
        hang sang ran wan pan fan ban tan min sun chin bin lang rang shin hong""",
    )
)


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every pinyin syllable (no tones) and every Wade-Giles syllable (apostrophes dropped), lower case."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.origin:
        return frozenset()
    source = (Path(spec.origin).parent / "style" / "wadegiles.py").read_text("utf-8")
    match = re.search(r"_convert_table = (\[.*?\n\])", source, re.S)
    if not match:
        return frozenset()
    table = ast.literal_eval(match.group(1))
    out = set()
    for pinyin, wade in table:
        out.add(pinyin.replace("v", "u"))
        out.add(wade.replace("'", "").replace("’", "").replace("ü", "u"))
    return frozenset(s for s in out if s.isalpha())


def split(word: str, most: int = 2) -> list[str] | None:
    """A lower-case word cut into at most `most` syllables ("haoran" -> ["hao", "ran"]), or None."""
    table = syllables()
    word = word.lower()

    def cut(rest: str, left: int) -> list[str] | None:
        if not rest:
            return []
        if left == 0:
            return None
        for size in range(min(6, len(rest)), 0, -1):
            head = rest[:size]
            if head in table:
                tail = cut(rest[size:], left - 1)
                if tail is not None:
                    return [head, *tail]
        return None

    return cut(word, most)


def is_surname(word: str) -> bool:
    """One capitalised syllable ("Lin"), or a two-syllable surname ("Ouyang")."""
    if not re.fullmatch(r"[A-Z][a-z]{0,5}", word):
        return False
    low = word.lower()
    return low in COMPOUND_SURNAMES or (low in syllables() and low not in ENGLISH)


def is_given_name(word: str) -> bool:
    """One or two syllables written as one word ("Haoran", "Qi") or with a hyphen ("Hao-ran", "Chun-hsiung")."""
    if not re.fullmatch(r"[A-Z][a-z]+(?:-[a-z]+)?", word) or len(word) > 12:
        return False
    parts = word.lower().split("-")
    if len(parts) == 2:
        return all(split(p, 1) for p in parts)
    return split(parts[0], 2) is not None


def is_chinese_name(first: str, second: str) -> bool:
    """Whether "first second" has the shape of a romanised Chinese name (surname first)."""
    return is_surname(first) and is_given_name(second)
