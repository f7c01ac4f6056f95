"""Findings of the sixth outside review of `kg serve`, `kg push` and the build (issue 21), each reproduced with
real parts: the real CLI, a real `oxigraph serve`, real sockets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_kg

# (file, text replaced, its replacement, what the message names, line): each a YAML escape, so the file itself
# holds only printable characters; U+009B is CSI and U+009D OSC to a terminal, U+0085 a line break
HOSTILE_TEXTS = [
    (
        "articles/mini-news.md",
        'title: "Fictional test: Qinglan province backs a ledger institute"',
        'title: "Fictional test \\u009b2J\\u009d0;pwned\\u009c"',
        "article title contains the control character U+009B",
        2,
    ),
    ("articles/mini-news.md", "author: Mei Tan", 'author: "Mei \\u009b31m Tan"', "author contains the control", 3),
    (
        "articles/mini-news.md",
        "publisher: Harbour Daily",
        'publisher: "Harbour \\u0085Daily"',
        "publisher contains the control character U+0085",
        4,
    ),
    (
        "articles/mini-news.md",
        "author: Mei Tan",
        'author: "Mei \\e[31m Tan"',
        "author contains the character U+001B",
        3,
    ),
    (
        "articles/mini-news.md",
        "publisher: Harbour Daily",
        'publisher: "Harbour \\e]0;pwned\\a Daily"',
        "publisher contains the character U+001B",
        4,
    ),
    ("facts/mini-news.yaml", "label: Ada Wu", 'label: "Ada \\u009b2J Wu"', "label contains the control", 15),
    ("facts/mini-news.yaml", "role: chief scientist", 'role: "chief \\x9d scientist"', "role contains the control", 46),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "said", "line"),
    HOSTILE_TEXTS,
    ids=["title-CSI", "author-CSI", "publisher-NEL", "author-ESC", "publisher-ESC", "label-CSI", "role-OSC"],
)
def test_a_control_character_a_terminal_acts_on_never_reaches_the_graph(
    mini_data: Path, tmp_path: Path, file: str, old: str, new: str, said: str, line: int
) -> None:
    """Before: DEL and the C1 controls passed the check (it refused only what XML cannot hold), so a label, title,
    quote or role holding U+009B (CSI) went into the store, and `kg query --format csv` (tsv, json, turtle) and
    kg serve's answers printed it raw: a terminal cleared its screen or took a new title. The front matter's
    author and publisher were not checked at all: an escape sequence there ended `kg build` in a ValueError
    traceback from the GraphML writer, and `--formats store` put it in the graph."""
    path = mini_data / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    out = tmp_path / "build"
    for formats in ("store", "all"):
        args = ["build", "--data", str(mini_data), "--out", str(out), "--no-cache"]
        done = run_kg(*args, *(["--formats", "store"] if formats == "store" else []))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert f"{path.relative_to(mini_data.parent)}:{line}: {said}" in done.stderr.replace(
            str(mini_data.parent) + "/", ""
        )
        assert not out.exists()
        assert not any(0x80 <= ord(c) <= 0x9F or c == "\x1b" for c in done.stdout + done.stderr)


def test_a_c1_control_in_the_body_may_stay_where_no_quote_takes_it(mini_data: Path, tmp_path: Path) -> None:
    """The body is kept as published (evidence offsets index it): a control character outside every quote is
    not refused, since no output carries the body's text but its quotes."""
    path = mini_data / "articles/mini-news.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Author: Mei Tan", "Author: Mei Tan \u009b"), "utf-8")
    done = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"), "--no-cache")
    assert done.returncode == 0, done.stderr
    assert "\u009b" not in (tmp_path / "build/kg.nt").read_text(encoding="utf-8")
