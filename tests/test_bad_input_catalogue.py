"""The bad-input catalogue: one broken file per case in tests/bad_input/, plus cases generated here that cannot
live in git (binary, huge, wrong encodings). Each must give a clear message naming the file and line, exit
non-zero, print no traceback, and leave an existing build/ untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from kg import cli
from tests.conftest import MINI

CASES = Path(__file__).resolve().parent / "bad_input"
YAML_CASES = sorted(CASES.glob("*.yaml"))
MD_CASES = sorted(CASES.glob("*.md"))


def _snapshot(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("good") / "build"
    assert cli.main(["build", "--data", str(MINI), "--out", str(out), "--formats", "turtle,trig,graphml"]) == 0
    return out


def _run_case(tmp_path: Path, good_build: Path, capsys, target: str, content: bytes) -> tuple[int, str, Path]:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    path = data / target
    path.write_bytes(content)
    out = tmp_path / "build"
    shutil.copytree(good_build, out)
    before = _snapshot(out)
    capsys.readouterr()
    code = cli.main(["build", "--data", str(data), "--out", str(out), "--formats", "turtle,trig,graphml"])
    err = capsys.readouterr().err
    assert _snapshot(out) == before, "a failed build changed build/"
    assert "Traceback" not in err
    return code, err, path


def _check(code: int, err: str, path: Path, expect: str, line: int) -> None:
    assert code == 1, err
    assert expect in err, err
    prefix = f"{path}:{line}: " if line else f"{path}"
    assert prefix in err, err
    assert re.search(r"^\s+hint: |problems? in the input", err, re.M)


@pytest.mark.parametrize("case", YAML_CASES, ids=[p.stem for p in YAML_CASES])
def test_bad_facts_file(case: Path, tmp_path: Path, good_build: Path, capsys) -> None:
    text = case.read_text(encoding="utf-8")
    expect = re.search(r"^# expect: (.*)$", text, re.M).group(1)
    line = int(re.search(r"^# line: (\d+)$", text, re.M).group(1))
    code, err, path = _run_case(tmp_path, good_build, capsys, "facts/mini-news.yaml", text.encode("utf-8"))
    _check(code, err, path, expect, line)


@pytest.mark.parametrize("case", MD_CASES, ids=[p.stem for p in MD_CASES])
def test_bad_article(case: Path, tmp_path: Path, good_build: Path, capsys) -> None:
    text = case.read_text(encoding="utf-8")
    marker = re.search(r"\n<!-- expect: (.*) \| line: (\d+) -->\n$", text)
    text = text[: marker.start()]
    code, err, path = _run_case(tmp_path, good_build, capsys, "articles/mini-news.md", text.encode("utf-8"))
    _check(code, err, path, marker.group(1), int(marker.group(2)))


FACTS = (MINI / "facts" / "mini-news.yaml").read_bytes()
ARTICLE = (MINI / "articles" / "mini-news.md").read_bytes()

GENERATED = {
    "facts-zero-bytes": ("facts/mini-news.yaml", b"", "facts file is empty", 1),
    "article-zero-bytes": ("articles/mini-news.md", b"", "article has no front matter", 1),
    "facts-nul-byte": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Ada Wu", b"label: Ada\x00Wu"),
        "contains a NUL byte",
        FACTS[: FACTS.index(b"label: Ada Wu")].count(b"\n") + 1,
    ),
    "facts-latin-1": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Ada Wu", "label: Adà Wu".encode("latin-1")),
        "not valid UTF-8 (byte 0xe0",
        FACTS[: FACTS.index(b"label: Ada Wu")].count(b"\n") + 1,
    ),
    "facts-mixed-encodings": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Mei Tan", "label: Meï Tan".encode()).replace(
            b"label: Ada Wu", "label: Adà Wu".encode("cp1252")
        ),
        "not valid UTF-8",
        FACTS[: FACTS.index(b"label: Ada Wu")].count(b"\n") + 1,
    ),
    "facts-utf16": ("facts/mini-news.yaml", FACTS.decode("utf-8").encode("utf-16"), "file is UTF-16, not UTF-8", 1),
    "article-binary": ("articles/mini-news.md", bytes(range(256)) * 4, "contains a NUL byte", 1),
    "article-latin-1": (
        "articles/mini-news.md",
        ARTICLE.replace(b"Ada Wu", "Adà Wu".encode("latin-1")),
        "not valid UTF-8",
        ARTICLE[: ARTICLE.index(b"Ada Wu")].count(b"\n") + 1,
    ),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_input(name: str, tmp_path: Path, good_build: Path, capsys) -> None:
    target, content, expect, line = GENERATED[name]
    code, err, path = _run_case(tmp_path, good_build, capsys, target, content)
    _check(code, err, path, expect, line)


def test_huge_facts_file(tmp_path: Path, good_build: Path, capsys) -> None:
    content = FACTS + b"# " + b"x" * (50 * 1024 * 1024) + b"\n"
    code, err, path = _run_case(tmp_path, good_build, capsys, "facts/mini-news.yaml", content)
    assert code == 1 and f"{path}: file is {len(content):,} bytes, over the limit" in err


def test_byte_order_mark_is_accepted(tmp_path: Path, capsys) -> None:
    """A UTF-8 byte-order mark is valid input (Windows editors write it): it must not be refused or shift offsets."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "facts" / "mini-news.yaml").write_bytes(b"\xef\xbb\xbf" + FACTS)
    (data / "articles" / "mini-news.md").write_bytes(b"\xef\xbb\xbf" + ARTICLE)
    assert cli.main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--formats", "turtle"]) == 0
    assert "Qinglan Ledger Institute" in (tmp_path / "out" / "kg.ttl").read_text(encoding="utf-8")


def test_bad_base_iri(tmp_path: Path, capsys) -> None:
    code = cli.main(["build", "--data", str(MINI), "--out", str(tmp_path / "out"), "--base", "https://x.org/a b/"])
    assert code == 2 and "is not usable as a base IRI" in capsys.readouterr().err


def test_catalogue_size() -> None:
    assert len(YAML_CASES) + len(MD_CASES) + len(GENERATED) + 3 >= 40
