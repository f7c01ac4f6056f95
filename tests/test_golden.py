"""kg's outputs of the golden fixture (tests/fixtures/golden) against the files committed in tests/golden,
byte for byte, built under two hash seeds; and what the golden files themselves must hold, written here
from each format's specification, so that a careless `python3 -m tests.golden --update` cannot bless a bug.

The fixture has two edges that three articles each state with their own role, date and note (each edge
carries three roles, dates, notes and sources: a list joined in set order shows under one of the seeds), a
label holding DEL (U+007F), one starting with a full-width minus, a decimal amount, and text every format
escapes. To change the golden files: `python3 -m tests.golden --update` (tests/golden/__init__.py).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.golden import OUTPUTS, differences, files, produce

UPDATE = "python3 -m tests.golden --update"


@pytest.fixture(scope="module")
def golden() -> dict[str, bytes]:
    found = files(OUTPUTS)
    assert found, f"no golden files in {OUTPUTS}: {UPDATE}"
    return found


@pytest.mark.parametrize("seed", ["0", "1"])
def test_outputs_are_the_golden_files_byte_for_byte(seed: str, golden, tmp_path: Path) -> None:
    """The build under PYTHONHASHSEED=0 and 1 (and the draft of `kg extract`, once) equals the committed files."""
    got = produce(tmp_path, seed, extract=seed == "0")
    if seed != "0":
        golden = {name: data for name, data in golden.items() if not name.startswith("extract/")}
    changed = differences(got, golden)
    assert not changed, (
        "kg's output differs from the golden files; if the change is meant, run "
        f"`{UPDATE}`, review `git diff tests/golden`, commit:\n" + "\n".join(changed)
    )


def _csv(golden: dict[str, bytes], name: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(golden[name].decode(encoding), newline="")))


def test_golden_files_hold_what_each_format_promises(golden) -> None:
    """Expected values written by hand from the specifications, not from kg's writers."""
    nt = golden["built/kg.nt"].decode("utf-8")
    # canonical N-Triples: DEL as \u007F, no raw control character, sorted lines
    assert '"Ada\\u007FWu"@en' in nt and "\x7f" not in nt
    assert nt.splitlines() == sorted(nt.splitlines())
    # spreadsheet tables: a cell starting with a full-width minus gets an apostrophe (OWASP, CSV injection)
    entities = _csv(golden, "built/tables/entities.csv", "utf-8-sig")
    assert {row["label"] for row in entities if row["id"] == "minus-holdings"} == {"'\uff0dMinus Holdings"}
    assert golden["built/tables/entities.csv"].startswith(b"\xef\xbb\xbf")  # Excel's UTF-8 mark
    # Neo4j bundle: an edge's roles, dates, notes and sources sorted, joined by U+001F (--array-delimiter)
    rels = _csv(golden, "built/neo4j/relationships.csv")
    post = next(r for r in rels if r[":START_ID"].endswith("/ada-wu") and r[":TYPE"] == "holdsPostIn")
    assert post["role:string[]"].split("\x1f") == ["acting chief executive", "chief scientist", "director"]
    assert post["date:string[]"].split("\x1f") == ["2021-03-01", "2022-05-09", "2023-01-15"]
    assert post["note:string[]"].split("\x1f") == ["acting only", "joined the board", "named in March"]
    assert post["sources:string[]"].split("\x1f") == ["golden-alpha", "golden-beta", "golden-gamma"]
    nodes = _csv(golden, "built/neo4j/nodes.csv")
    plan = next(r for r in nodes if r["id"] == "ledger-plan")
    assert float(plan["totalInvestmentYuan:double"]) == 588900000000.5
    # GraphML: the same roles, joined by " | " as docs/how-to/gephi.md says
    assert b"acting chief executive | chief scientist | director" in golden["built/kg.graphml"]
