"""What the docs say about the outputs is what kg writes: every format in the table, the real `wrote`
line, every file of the Neo4j bundle named, and the import options the files need (docs/how-to/build.md,
docs/how-to/graph-databases.md, docs/how-to/html-page.md); and the README's test command installs what the tests
use."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from kg import export
from kg.export import neo4j
from tests.conftest import DATA, ROOT, run_kg

README = (ROOT / "README.md").read_text("utf-8")
HOW_TO = ROOT / "docs" / "how-to"


def section(name: str, title: str) -> str:
    """The part of a docs page from the heading `title` to the next heading."""
    text = page(name)
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start : end if end > 0 else None]


def page(name: str) -> str:
    return (HOW_TO / name).read_text("utf-8")


def test_the_table_lists_every_registered_format() -> None:
    table = section("build.md", "## What `kg build` writes")
    for fmt in export.FORMATS.values():
        name = f"build/{fmt.filename}/" if fmt.is_directory else f"build/{fmt.filename}"
        assert f"`{name}`" in table or f"`{name}`," in table, name


def test_the_wrote_line_is_what_kg_build_prints(tmp_path: Path) -> None:
    result = run_kg("build", "--data", str(DATA), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    wrote = result.stdout.splitlines()[-1]
    assert f"\n{wrote}\n```" in section("build.md", "## What `kg build` writes")


def test_every_bundle_file_is_named_and_exists(shipped_build: Path) -> None:
    tools = page("graph-databases.md")
    named = set(re.findall(r"build/neo4j/([a-z0-9.-]+\.(?:csv|cypher))", tools))
    assert named == {p.name for p in (shipped_build / "neo4j").iterdir()}


def test_neo4j_admin_options_match_the_files(shipped_build: Path) -> None:
    tools = page("graph-databases.md")
    command = re.search(r"neo4j-admin database import full .*?(?=\n\s*neo4j start)", tools, re.S).group(0)
    assert "--nodes=build/neo4j/nodes.csv" in command and "--relationships=build/neo4j/relationships.csv" in command
    assert "--multiline-fields=true" in command  # a quote may span paragraphs (tests/test_list_values.py)
    # labels and the items of list columns are separated by U+001F, which no kg text holds
    assert f"--array-delimiter=U+{ord(neo4j.ARRAY_DELIMITER):04X}" in command
    # and the default it relies on is what the files use: ',' between fields
    with open(shipped_build / "neo4j" / "nodes.csv", encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[:2] == ["iri:ID", ":LABEL"] and any(neo4j.ARRAY_DELIMITER in row[1] for row in rows)
    assert "aliases:string[]" in header


def test_the_hostile_label_of_the_docs_is_the_one_tested() -> None:
    from tests.test_html import HOSTILE

    assert f"`{HOSTILE[0]}`" in page("html-page.md")


def test_the_test_command_installs_every_debian_tool_the_tests_use() -> None:
    command = re.search(r"apt-get install -y ([^&]+)&&", README).group(1).split()
    assert {"raptor2-utils", "serdi", "chromium"} <= set(command)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert all(package in ci for package in ("raptor2-utils", "serdi", "chromium"))
