"""The docs site cannot drift from the code or break: the reference pages are what docs/generate.py makes of
the code now, `mkdocs build --strict` passes (every internal link and anchor resolves), and README.md stays a
short front door that opens with its two commands and links only to files that exist."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GENERATOR = ROOT / "docs" / "generate.py"
REFERENCE = ROOT / "docs" / "reference"
README = ROOT / "README.md"

# The README's first two commands, byte for byte: other tooling (CI's .ci/run, people's notes) copies them.
INSTALL_AND_BUILD = "pip install -e . && kg build"
INSTALL_AND_TEST = (
    "apt-get update && apt-get install -y raptor2-utils serdi chromium fonts-dejavu-core fonts-noto-cjk openssl "
    "libgomp1 libssl3 && pip install -e '.[test]' && python3 -m pytest -q -n auto"
)


def _generate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(GENERATOR), *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference pages as the generator writes them from the code now, in a folder of their own."""
    out = tmp_path_factory.mktemp("reference")
    result = _generate("--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_the_generated_reference_is_up_to_date(generated: Path) -> None:
    """Each committed page equals the generator's output: a changed option, class, question or format fails here
    until `python3 docs/generate.py` is run and its pages committed."""
    pages = sorted(p.name for p in generated.iterdir())
    assert pages == ["cli.md", "formats.md", "ontology.md", "questions.md"]
    for name in pages:
        committed = REFERENCE / name
        assert committed.is_file(), f"{committed} missing: run python3 docs/generate.py"
        assert committed.read_text("utf-8") == (generated / name).read_text("utf-8"), (
            f"docs/reference/{name} is out of date: run python3 docs/generate.py and commit it"
        )


def test_the_check_names_a_stale_page(generated: Path, tmp_path: Path) -> None:
    """`--check` passes on fresh pages, and fails naming the page when one is edited or missing."""
    for page in generated.iterdir():
        (tmp_path / page.name).write_bytes(page.read_bytes())
    fresh = _generate("--check", "--out", str(tmp_path))
    assert fresh.returncode == 0, fresh.stderr
    stale = tmp_path / "questions.md"
    stale.write_text(stale.read_text("utf-8").replace("founders", "founder", 1), "utf-8")
    (tmp_path / "formats.md").unlink()
    checked = _generate("--check", "--out", str(tmp_path))
    assert checked.returncode == 1
    assert "questions.md: out of date" in checked.stderr and "formats.md: out of date" in checked.stderr
    assert "cli.md" not in checked.stderr and "ontology.md" not in checked.stderr


def test_the_generator_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = _generate("--out", str(tmp_path))
    assert again.returncode == 0, again.stderr
    for page in generated.iterdir():
        assert (tmp_path / page.name).read_bytes() == page.read_bytes(), page.name


def test_the_reference_covers_the_code(generated: Path) -> None:
    """Every command, export format and saved question has its place in the reference."""
    from kg import cli, export, store

    commands = next(a for a in cli.parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices
    text = (generated / "cli.md").read_text("utf-8")
    assert all(f"## kg {name}\n" in text for name in commands)
    text = (generated / "formats.md").read_text("utf-8")
    assert all(f"| `{name}` |" in text for name in export.FORMATS)
    text = (generated / "questions.md").read_text("utf-8")
    assert all(f"## {name}\n" in text for name in store.saved_queries())
    text = (generated / "ontology.md").read_text("utf-8")
    assert "### coFoundedBy\n" in text and "### Organisation\n" in text and "`schema:Organization`" in text


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    """`mkdocs build --strict`: every warning is an error, and mkdocs.yml turns broken links, missing anchors
    and pages outside the nav into warnings."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "reference" / "cli.html").is_file()


def test_the_site_loads_nothing_from_the_internet() -> None:
    """No web fonts (theme.font: false) and no plugin but the built-in search: the site works offline."""
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert re.search(r"^\s+font: false\b", config, re.M)
    assert re.search(r"^strict: true$", config, re.M)
    plugins = re.search(r"^plugins:\n((?:\s+- .*\n)+)", config, re.M).group(1)
    assert [line.split("#")[0].strip() for line in plugins.splitlines()] == ["- search"]


def test_the_readme_is_a_short_front_door() -> None:
    text = README.read_text("utf-8")
    lines = text.splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; at most 250"
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)\n```", text, re.S)
    assert blocks[:2] == [INSTALL_AND_BUILD, INSTALL_AND_TEST]
    # nothing but the title and the two commands' captions before them
    assert text.index(INSTALL_AND_TEST) < text.index("\n## ")


def test_every_relative_link_in_the_readme_exists() -> None:
    text = README.read_text("utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert len(relative) >= 20
    missing = [t for t in relative if not (ROOT / t.split("#")[0]).exists()]
    assert not missing, missing
