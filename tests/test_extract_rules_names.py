"""The extraction rules must generalise: no name of a curated entity may appear in kg/extract's sources.

Names that a library gazetteer supplies (pycountry's countries and subdivisions) are allowed: the rules get
them from the library, not from the article. Everything else, in code, comments and docstrings alike, must
be generic English or invented examples.
"""

from __future__ import annotations

import re
from pathlib import Path

import pycountry
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "kg" / "extract").glob("*.py")), ROOT / "kg" / "commands" / "extract.py"]
# the shipped article's facts, and the fictional test articles' (the rules must not know those either)
FACTS = sorted((ROOT / "data" / "facts").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "fixtures" / "extract" / "facts").glob("*.yaml")
)


def curated_names() -> set[str]:
    names: set[str] = set()
    for path in FACTS:
        for entity in yaml.safe_load(path.read_text(encoding="utf-8"))["entities"]:
            names.add(str(entity["label"]))
            names.update(str(a) for a in entity.get("aliases") or [])
    return names


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


def test_no_curated_name_in_the_extraction_sources():
    allowed = library_names()
    sources = {path: path.read_text(encoding="utf-8") for path in SOURCES}
    found = []
    for name in sorted(curated_names() - allowed):
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        for path, text in sources.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {name!r}")
    assert not found, "names from data/facts in the rules:\n" + "\n".join(found)


def test_the_scan_would_catch_a_name(tmp_path):
    # the same scan over a planted line finds it: a test that could not fail would prove nothing
    planted = tmp_path / "rule.py"
    planted.write_text('KNOWN = {"binance china": "Company"}\n', encoding="utf-8")
    text = planted.read_text(encoding="utf-8")
    hits = [n for n in curated_names() if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.IGNORECASE)]
    assert "Binance China" in hits
