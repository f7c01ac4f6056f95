"""`kg validate`: SHACL findings the loader lets through are reported with the facts file and line, exit 1."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_kg

SECOND_FOUNDING_DATE = """\
  - subject: ledger-institute
    predicate: foundingDate
    value: 2020-04-02
    evidence: "On April 1, the Qinglan Ledger Institute"
"""


def test_shapes_catch_what_the_loader_allows(mini_data: Path, tmp_path: Path) -> None:
    facts = mini_data / "facts" / "mini-news.yaml"
    # two founding dates for one organisation: each statement is well-formed, but the shape allows one value
    facts.write_text(facts.read_text("utf-8") + SECOND_FOUNDING_DATE, encoding="utf-8")
    built = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"))
    assert built.returncode == 0, built.stderr  # the loader's checks pass

    result = run_kg("validate", "--data", str(mini_data))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 SHACL finding:"
    entity_line = facts.read_text("utf-8").split("\n").index("  - id: ledger-institute") + 1
    assert lines[1].startswith(f"  {facts}:{entity_line}: https://kg.example.org/organisation/ledger-institute ")
    assert "foundingDate" in lines[1] and "More than 1 values" in lines[1]


def test_a_finding_on_a_value_names_the_statement_that_gives_it(mini_data: Path) -> None:
    """A negative count passes the loader (a whole number) but not the shape: the finding names the line of the
    value and says what a count must be, not the entity's line and pySHACL's 'Value is not >= Literal(...)'."""
    facts = mini_data / "facts" / "mini-news.yaml"
    text = facts.read_text("utf-8")
    assert "  - id: plan" not in text
    extra = '  - subject: plan\n    predicate: projectCount\n    value: -3\n    evidence: "On April 1"\n'
    entity = "  - id: plan\n    class: ProjectList\n    label: Qinglan projects\n"
    facts.write_text(text.replace("entities:\n", "entities:\n" + entity, 1) + extra, encoding="utf-8")
    result = run_kg("validate", "--data", str(mini_data))
    assert result.returncode == 1, result.stdout + result.stderr
    value_line = facts.read_text("utf-8").split("\n").index("    value: -3") + 1
    finding = result.stdout.splitlines()[1]
    assert finding.startswith(f"  {facts}:{value_line}: ") and "projectCount" in finding, finding
    assert finding.endswith("a count is one whole number, 0 or more"), finding
