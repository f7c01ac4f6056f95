"""The extraction rules must generalise: no name of a curated entity may appear in kg/extract's sources.

Names that a library supplies (pycountry's countries and subdivisions, GeoNames' places, pypinyin's syllables)
are allowed: the rules get them from the library, not from the article. Everything else, in code, comments and docstrings alike, must
be generic English or invented examples.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from kg.extract.evaluate import leak_candidates, leaks

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "kg" / "extract").glob("*.py")), ROOT / "kg" / "commands" / "extract.py"]
# the shipped article's facts, and the fictional test articles' and gold files' (the rules must not know those either)
FACTS = (
    sorted((ROOT / "data" / "facts").glob("*.yaml"))
    + sorted((ROOT / "tests" / "fixtures" / "extract" / "facts").glob("*.yaml"))
    + sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.yaml"))
)
# A development set of real news with hand-written facts (`kg extract --evaluate --gold DIR`) lives outside the
# repo; name its directory here to hold the rules to its names too.
GOLD_ENV = "KG_EVAL_GOLD"


def names_in(paths: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in paths:
        for entity in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entities") or []:
            names.add(str(entity["label"]))
            aliases = entity.get("aliases") or []
            names.update(str(a) for a in (aliases if isinstance(aliases, list) else [aliases]))
    return names


def curated_names() -> set[str]:
    return names_in(FACTS)


def gold_names(directory: Path) -> set[str]:
    """Every label and alias of the gold files that a rule could only hold by learning it from an article (the
    scorer's own choice, kg.extract.evaluate.leak_candidates: not lower-case phrases, library names or common
    English words)."""
    return leak_candidates(names_in(sorted(directory.glob("*.yaml"))))


def found_in_sources(names: set[str], paths: list[Path] = SOURCES) -> list[str]:
    """The scorer's scan (kg.extract.evaluate.leaks): case-sensitive on word boundaries, as written or as a
    lower-case lookup key."""
    found = []
    for name, path, line in leaks(leak_candidates(names), paths):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        found.append(f"{shown}:{line}: {name!r}")
    return found


def test_the_scan_sees_the_shipped_names():
    names = curated_names()
    assert len(names) > 50  # labels and aliases of the shipped facts file: the scan is not vacuous
    assert {"Hai Yu", "Haiyu", "Binance China", "Lingang New Area"} <= names


def test_the_scan_sees_the_gold_fixture_names():
    assert {"Qiaoshan Green Energy Fund", "Mr Tang", "许明瑶", "Digital Farming Media Alliance"} <= curated_names()


def test_no_curated_name_in_the_extraction_sources():
    found = found_in_sources(curated_names())
    assert not found, "names from data/facts in the rules:\n" + "\n".join(found)


def test_no_name_of_the_evaluated_gold_set_in_the_extraction_sources():
    directory = os.environ.get(GOLD_ENV, "")
    if not directory:
        pytest.skip(f"{GOLD_ENV} is not set: name a directory of <slug>.yaml gold files to check its names too")
    if not Path(directory).is_dir():
        pytest.fail(f"{GOLD_ENV}={directory} is not a directory")
    names = gold_names(Path(directory))
    assert names, f"{GOLD_ENV}={directory} holds no gold file with entities: the check would prove nothing"
    found = found_in_sources(names)
    assert not found, f"names from the gold files of {directory} in the rules:\n" + "\n".join(found)


def test_the_gold_scan_would_catch_a_name(tmp_path):
    gold = tmp_path / "dev"
    gold.mkdir()
    (gold / "a.yaml").write_text(
        "entities:\n  - {id: x, class: Company, label: Planted Name Motors,"
        " aliases: [ministry, free trade zone, PNM, He, US, CHINA, Zorblat]}\n",
        encoding="utf-8",
    )
    # common words and phrases are not names, nor library names (China, a pinyin surname) in any case
    assert gold_names(gold) == {"Planted Name Motors", "PNM", "Zorblat"}
    rule = tmp_path / "rule.py"
    rule.write_text(
        'KNOWN = {"planted name motors": "Company", "China": "Country"}  # He said\n'
        "# US dollars; CHINA; planted Name motors; zorblatic\n"
        'OTHER = ("zorblat", "PNM")\n',
        encoding="utf-8",
    )
    assert found_in_sources(gold_names(gold), [rule]) == [
        f"{rule}:3: 'PNM'",
        f"{rule}:1: 'Planted Name Motors'",
        f"{rule}:3: 'Zorblat'",
    ]


def test_the_scan_would_catch_a_name(tmp_path):
    # the same scan over a planted line finds it: a test that could not fail would prove nothing
    planted = tmp_path / "rule.py"
    planted.write_text('KNOWN = {"binance china": "Company"}\n', encoding="utf-8")
    text = planted.read_text(encoding="utf-8")
    hits = [n for n in curated_names() if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.IGNORECASE)]
    assert "Binance China" in hits
