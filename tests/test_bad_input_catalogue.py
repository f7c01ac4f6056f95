"""The bad-input catalogue: one broken file per case in tests/bad_input/, plus cases generated here that cannot
live in git (binary, huge, wrong encodings, special files). Every case must:

- exit 1 (the data failed a check), print nothing on stdout and no traceback on stderr;
- name the file and the line of the problem, and give a fix: every problem printed has a `hint:` line;
- leave an existing build/ byte for byte as it was, and leave nothing beside it (no lock, no staging
  directory): a failed build never half-writes anything.

Only problems about a whole file (its size, its name, what kind of file it is) may name no line.
The cases run in process (fast); tests/test_bad_input.py and the subprocess test at the end run the real
`kg` command."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from kg import cli
from kg.errors import visible
from tests.conftest import MINI, run_kg

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


TRIED: list[str] = []  # every case run, counted by test_catalogue_size (the figure on docs/explanation/reliability.md)


def _run_case(tmp_path: Path, good_build: Path, capsys, target: str, content: bytes | None) -> tuple[int, str, Path]:
    """Put `content` at data/<target> (None: the test made the file itself) and build over a good build/."""
    data = tmp_path / "data"
    if not data.exists():
        shutil.copytree(MINI, data)
    path = data / target
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "build"
    shutil.copytree(good_build, out)
    before = _snapshot(out)
    beside = sorted(p.name for p in tmp_path.iterdir())
    capsys.readouterr()
    code = cli.main(["build", "--data", str(data), "--out", str(out), "--formats", "turtle,trig,graphml"])
    captured = capsys.readouterr()
    assert _snapshot(out) == before, "a failed build changed build/"
    assert sorted(p.name for p in tmp_path.iterdir()) == beside, "a failed build left files beside build/"
    assert captured.out == "", captured.out
    assert "Traceback" not in captured.err
    TRIED.append(target)
    return code, captured.err, path


PROBLEM = re.compile(r"^(?P<path>\S.*?)(?::(?P<line>\d+))?: (?P<message>.*)$")


def problems_of(err: str) -> list[tuple[str, int, str, str]]:
    """(path, line, message, hint) of every problem the CLI printed; asserts the whole output has that shape."""
    lines = err.rstrip("\n").split("\n")
    assert re.fullmatch(r"kg: error: \d+ problems? in the input:", lines[0]), err
    found: list[tuple[str, int, str, str]] = []
    for text in lines[1:]:
        if text.startswith("    hint: "):
            assert found and not found[-1][3], f"a hint without its problem: {err}"
            found[-1] = (*found[-1][:3], text[len("    hint: ") :])
            continue
        match = PROBLEM.match(text)
        assert match, f"not a located problem: {text!r}"
        found.append((match["path"], int(match["line"] or 0), match["message"], ""))
    count = int(re.search(r"\d+", lines[0]).group())
    assert len(found) == count, err
    return found


def _check(code: int, err: str, path: Path, expect: str, line: int) -> None:
    assert code == 1, err
    found = problems_of(err)
    shown = visible(str(path))  # a file name's line break or control character is printed escaped
    assert any(p == shown and n == line and expect in f"{m}\n{h}" for p, n, m, h in found), err
    for where, number, message, hint in found:
        assert hint, f"no fix given for: {where}:{number}: {message}"
        assert number > 0 or re.search(r"file|bytes", message), f"no line named for: {message}"


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
    "facts-utf16-big-endian": (
        "facts/mini-news.yaml",
        FACTS.decode("utf-8").encode("utf-16-be").join([b"\xfe\xff", b""]),
        "file is UTF-16, not UTF-8",
        1,
    ),
    "facts-utf32": ("facts/mini-news.yaml", FACTS.decode("utf-8").encode("utf-32"), "file is UTF-32, not UTF-8", 1),
    "facts-utf16-without-bom": ("facts/mini-news.yaml", FACTS.decode("utf-8").encode("utf-16-le"), "NUL byte", 1),
    "facts-bom-inside": (
        "facts/mini-news.yaml",
        FACTS.replace(b"\nstatements:", "\n\ufeffstatements:".encode()),
        "a byte-order mark (U+FEFF, invisible) starts this line",
        FACTS[: FACTS.index(b"\nstatements:")].count(b"\n") + 2,
    ),
    "facts-overlong-utf8": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Ada Wu", b"label: Ada \xc0\xafWu"),
        "not valid UTF-8 (byte 0xc0",
        FACTS[: FACTS.index(b"label: Ada Wu")].count(b"\n") + 1,
    ),
    "facts-lone-surrogate-escape": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Ada Wu", b'label: "Ada \\ud800 Wu"'),
        "contains the character U+D800",
        FACTS[: FACTS.index(b"label: Ada Wu")].count(b"\n") + 1,
    ),
    # PyYAML counts U+2028, U+2029 and U+0085 as line ends; the line reported must be the one editors show.
    "facts-line-separators-before-the-problem": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Ada Wu", 'label: "Ada\u2028\u2029\x85Wu"'.encode()).replace(
            b"class: College", b"class: Collge"
        ),
        "unknown class 'Collge'",
        FACTS[: FACTS.index(b"class: College")].count(b"\n") + 1,
    ),
    # unquoted, it breaks the line where nobody sees a break: the message says which character did it
    "facts-line-separator-in-plain-text": (
        "facts/mini-news.yaml",
        FACTS.replace(b"label: Ada Wu", "label: Ada\u2028Wu: chief".encode()),
        "invisible line separator U+2028",
        FACTS[: FACTS.index(b"label: Ada Wu")].count(b"\n") + 1,
    ),
    "facts-unclosed-bracket": (
        "facts/mini-news.yaml",
        FACTS.replace(b"aliases: [Northwind]", b"aliases: [Northwind"),
        "YAML syntax error",
        FACTS[: FACTS.index(b"aliases: [Northwind]")].count(b"\n") + 1,
    ),
    "facts-wrong-extension": ("facts/notes.txt", b"entities: []\n", "not a facts file", 0),
    "facts-file-name-not-a-slug": ("facts/Mini News.yaml", FACTS, "facts file name 'Mini News' is not a valid slug", 0),
    "facts-file-name-with-dots": ("facts/x.y.yaml", FACTS, "facts file name 'x.y' is not a valid slug", 0),
    "article-file-name-not-a-slug": ("articles/Mini_News.md", ARTICLE, "article file name 'Mini_News'", 0),
    "article-file-name-ends-in-a-line-break": ("articles/mini-news\n.md", ARTICLE, "is not a valid slug", 0),
    "facts-file-name-ends-in-a-line-break": ("facts/mini-news\n.yaml", FACTS, "is not a valid slug", 0),
    "article-url-with-a-control-character": (
        "articles/mini-news.md",
        ARTICLE.replace(b"date: 2020-04-02\n", b'date: 2020-04-02\nurl: "https://example.org/a\\x01b"\n'),
        "url must be an absolute http(s) address",
        ARTICLE[: ARTICLE.index(b"date: 2020-04-02")].count(b"\n") + 2,
    ),
    "article-wrong-extension": ("articles/mini-news.txt", ARTICLE, "not an article file", 0),
    "article-cr-line-endings": (
        "articles/mini-news.md",
        ARTICLE.replace(b"\n", b"\r"),
        "article has no front matter",
        1,
    ),
    "article-utf16": ("articles/mini-news.md", ARTICLE.decode("utf-8").encode("utf-16"), "file is UTF-16", 1),
    "article-nul-in-body": ("articles/mini-news.md", ARTICLE + b"tail\x00\n", "NUL byte", ARTICLE.count(b"\n") + 1),
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


HUGE = 50 * 1024 * 1024


@pytest.mark.parametrize("target", ["facts/mini-news.yaml", "articles/mini-news.md"])
def test_huge_file(target: str, tmp_path: Path, good_build: Path, capsys) -> None:
    """50 MB, generated here (never committed): refused from its size alone, before it is read into memory."""
    original = FACTS if target.startswith("facts") else ARTICLE
    content = original + b"# " + b"x" * HUGE + b"\n"
    code, err, path = _run_case(tmp_path, good_build, capsys, target, content)
    _check(code, err, path, f"file is {len(content):,} bytes, over the limit", 0)


def test_special_file_is_refused_without_blocking(tmp_path: Path, good_build: Path, capsys) -> None:
    """A FIFO named like a facts file would block a plain read forever; it is refused, not opened."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    os.mkfifo(data / "facts" / "pipe.yaml")
    code, err, path = _run_case(tmp_path, good_build, capsys, "facts/pipe.yaml", None)
    _check(code, err, path, "not a regular file", 0)


def test_broken_symlink_is_refused(tmp_path: Path, good_build: Path, capsys) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "facts" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, err, path = _run_case(tmp_path, good_build, capsys, "facts/gone.yaml", None)
    _check(code, err, path, "cannot read file", 0)


@pytest.mark.parametrize(
    "target, expect",
    [
        ("facts/2020", "kg reads only the files directly in facts/"),
        ("facts/extra.yaml", "kg reads only the files directly in facts/"),
        ("articles/archive.md", "kg reads only the files directly in articles/"),
        ("facts", "not a folder: facts files go in data/facts/"),
    ],
)
def test_a_folder_where_files_go_is_refused(target: str, expect: str, tmp_path: Path, good_build: Path, capsys) -> None:
    """Files in a sub-folder of facts/ or articles/ are not read: said, rather than their facts left out silently
    (a facts/ that is a file, likewise)."""
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    if target == "facts":
        shutil.rmtree(data / "facts")
        (data / "facts").write_bytes(FACTS)
    else:
        (data / target).mkdir()
        (data / target / "mini-news.yaml").write_bytes(FACTS)
    code, err, path = _run_case(tmp_path, good_build, capsys, target, None)
    _check(code, err, path, expect, 0)


def test_a_broken_article_is_reported_once(tmp_path: Path, good_build: Path, capsys) -> None:
    """Its facts file is still checked, but not also told that its article is missing."""
    broken = FACTS.replace(b"class: Company", b"class: Compnay")
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "facts" / "mini-news.yaml").write_bytes(broken)
    code, err, path = _run_case(tmp_path, good_build, capsys, "articles/mini-news.md", b"no front matter\n")
    _check(code, err, path, "article has no front matter", 1)
    assert "no article" not in err and "YAML" not in err


def test_crlf_article_is_accepted(tmp_path: Path, capsys) -> None:
    """Windows line endings: read as saved; the body keeps its CR LF and evidence offsets index it."""
    from kg.pipeline import run as pipeline

    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    (data / "articles" / "mini-news.md").write_bytes(ARTICLE.replace(b"\n", b"\r\n"))
    build = pipeline.load(data)
    body = build.facts.sources["mini-news"].body
    assert body.startswith("Fictional test") and "\r\n" in body and "---" not in body
    for statement in build.facts.statements:
        for evidence in statement.evidence:
            assert body[evidence.start : evidence.end] == evidence.quote


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


@pytest.mark.parametrize("base", ["https://x.org/a/../b/", "https://x.org/a/./", "https://x.org/a/%2E%2e/"])
def test_a_base_with_a_dot_segment_is_refused(tmp_path: Path, capsys, base: str) -> None:
    """kg push refuses such a base (a server resolving <BASE../other/graph/x> reaches another corpus's graphs): the
    build, which would mint every IRI under it, refuses it too (the fifth review found the build took it)."""
    code = cli.main(["build", "--data", str(MINI), "--out", str(tmp_path / "out"), "--base", base])
    err = capsys.readouterr().err
    assert code == 2 and f"--base {base!r}: a . or .. segment in its path" in err, err
    assert not (tmp_path / "out").exists()


def test_the_real_command_on_the_nastiest_cases(tmp_path: Path, good_build: Path) -> None:
    """The real `kg` process: exit status 1 and no traceback, for the cases most likely to crash a parser."""
    nasty = ["yaml-billion-laughs", "yaml-deep-nesting", "python-object-tag", "evidence-offset-5000-digits"]
    for name in nasty:
        data = tmp_path / name / "data"
        shutil.copytree(MINI, data)
        shutil.copy(CASES / f"{name}.yaml", data / "facts" / "mini-news.yaml")
        out = tmp_path / name / "build"
        shutil.copytree(good_build, out)
        result = run_kg("build", "--data", str(data), "--out", str(out))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
        assert problems_of(result.stderr)


CASE_TESTS = {"test_bad_facts_file", "test_bad_article", "test_generated_bad_input", "test_huge_file"}


STARTED: list[str] = []  # the case tests that ran in this process (with pytest-xdist, this worker's share)


@pytest.fixture(autouse=True)
def _count_case_tests(request: pytest.FixtureRequest) -> None:
    if request.node.originalname in CASE_TESTS:
        STARTED.append(request.node.nodeid)


def test_catalogue_size() -> None:
    """The catalogue holds what the issue asks for, and every case test that ran before this one in this process
    counted its case (all of them when the whole file runs in one process; none when this test runs alone; a
    worker's share under pytest-xdist)."""
    assert len(YAML_CASES) + len(MD_CASES) >= 80
    # each case test that ran counted its case: the whole file runs len(YAML_CASES) + len(MD_CASES) +
    # len(GENERATED) + 2 (the two huge files) of them
    assert len(TRIED) >= len(STARTED)
    print(f"\nbad-input cases tried: {len(TRIED)}")
