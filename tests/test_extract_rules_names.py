"""The extraction rules must generalise: no name of a curated entity may appear in kg/extract's sources.

Names that a library gazetteer supplies (pycountry's countries and subdivisions) are allowed: the rules get
them from the library, not from the article. Everything else, in code, comments and docstrings alike, must
be generic English or invented examples.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pycountry
import pytest
import yaml

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
    """Every label and alias of the gold files, but those written wholly in lower case ("ministry", "free trade
    zone"): a name is capitalised, and a common noun phrase would match the rules' own vocabulary."""
    return {n for n in names_in(sorted(directory.glob("*.yaml"))) if n != n.lower()}


def found_in_sources(names: set[str], paths: list[Path] = SOURCES) -> list[str]:
    allowed = library_names()
    sources = {path: path.read_text(encoding="utf-8") for path in paths}
    found = []
    for name in sorted(names - allowed):
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        for path, text in sources.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{shown}:{line}: {name!r}")
    return found


def library_names() -> set[str]:
    names = {c.name for c in pycountry.countries} | {getattr(c, "common_name", c.name) for c in pycountry.countries}
    for sub in pycountry.subdivisions:
        names.add(sub.name)
        names.add(" ".join(w for w in sub.name.split() if w.lower() not in {"sheng", "shi", "zizhiqu", "zhuangzu"}))
    return names


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
        "entities:\n  - {id: x, class: Company, label: Planted Name Motors, aliases: [ministry, free trade zone, PNM]}\n",
        encoding="utf-8",
    )
    assert gold_names(gold) == {"Planted Name Motors", "PNM"}  # common words and phrases are not names
    rule = tmp_path / "rule.py"
    rule.write_text('KNOWN = {"planted name motors": "Company"}\n', encoding="utf-8")
    assert found_in_sources(gold_names(gold), [rule]) == [f"{rule}:1: 'Planted Name Motors'"]


def test_the_scan_would_catch_a_name(tmp_path):
    # the same scan over a planted line finds it: a test that could not fail would prove nothing
    planted = tmp_path / "rule.py"
    planted.write_text('KNOWN = {"binance china": "Company"}\n', encoding="utf-8")
    text = planted.read_text(encoding="utf-8")
    hits = [n for n in curated_names() if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.IGNORECASE)]
    assert "Binance China" in hits
