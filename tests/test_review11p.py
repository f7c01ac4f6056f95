"""Cases found by the eleventh outside review of kg push, the build cache and kg build/add/extract (issue 21):
each test fails on the code before its fix (main at 6bd2f1b)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_kg


def test_thousands_of_wrong_quotes_get_a_hint_each_only_for_the_first_twenty(mini_data: Path, tmp_path: Path) -> None:
    """A hint (where a quote's copy diverges) costs about eight scans of the article: 2,000 wrong quotes against a
    5 MB article held kg build 36 s (20 MB and 10,000 quotes: minutes). Every wrong quote is still an error; only
    the first 20 of a file get the costly hint."""
    facts = mini_data / "facts" / "mini-news.yaml"
    wrong = "\n".join(
        f'      - "On April 1, the Qinglan Ledger Institute closed in a town number {i}"' for i in range(25)
    )
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text.replace("    evidence: opened in Shanghai", "    evidence:\n      - opened in Shanghai\n" + wrong, 1),
        encoding="utf-8",
    )
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--no-cache")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("evidence quote not found") == 25  # every wrong quote is reported
    assert result.stderr.count("the text matches up to") == 20
    assert result.stderr.count("no hint where it diverges: more than 20 quotes of this file are not found") == 5
    assert not (tmp_path / "build" / "kg.nq").exists()
