"""The libyaml fast path of kg.read.yamlsafe gives exactly what the careful Python path gives: the same values,
the same line of every value and key, and for bad input the same problems (it hands every error over).
libyaml is a little more lenient than PyYAML in some syntax corners (a comment right after a block scalar
header, '>#'); on the shipped data, the fixtures and the whole bad-input catalogue both paths agree exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import DataError
from kg.read import yamlsafe

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    [
        *ROOT.glob("data/facts/*.yaml"),
        *ROOT.glob("tests/fixtures/**/facts/*.yaml"),
        *ROOT.glob("tests/bad_input/*.yaml"),
    ]
)


def _shape(value):
    """A value with its line numbers and tags spelled out, so two loads compare in full."""
    if isinstance(value, yamlsafe.YMap):
        return ("map", value.line, sorted((k, value.key_line(k), _shape(v)) for k, v in value.items()))
    if isinstance(value, yamlsafe.YList):
        return ("list", value.line, [_shape(v) for v in value])
    if isinstance(value, yamlsafe.YStr):
        return ("str", value.line, value.tag, str(value))
    return value


def _outcome(text: str, fast: bool):
    try:
        return _shape(yamlsafe.load(text, "x.yaml", 3, fast=fast))
    except DataError as err:
        return [(p.path, p.line, p.message, p.hint) for p in err.problems]


def test_there_are_files_to_compare() -> None:
    assert len(FILES) > 80


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_careful_paths_agree_on_every_file(path: Path) -> None:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before YAML is parsed")
    assert _outcome(text, fast=True) == _outcome(text, fast=False)


def test_the_fast_path_is_taken_for_ordinary_files() -> None:
    text = (ROOT / "data/facts/china-times-blockchain-lingang.yaml").read_text("utf-8")
    assert yamlsafe._compose_fast(text) not in (False, None)


YAMLISH = st.text(
    alphabet=st.sampled_from([*"ab:- \n\t[]{},'\"#&*!|>%@`?\\", "\u2028", "\x85", "上", "é", "\x7f", "\ufeff"]),
    max_size=80,
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.one_of(YAMLISH, YAMLISH.map(lambda text: text + "\n")))  # the fast path needs a final line break
def test_fast_and_careful_paths_agree_on_arbitrary_text(text: str) -> None:
    careful, fast = _outcome(text, fast=False), _outcome(text, fast=True)
    if isinstance(careful, list):  # refused by PyYAML: libyaml may accept a few such corner cases ('>#')
        assert fast == careful or not isinstance(fast, list)
    else:  # what PyYAML reads, libyaml reads identically, lines included
        assert fast == careful


@pytest.mark.parametrize("final", ["\n", ""])
@pytest.mark.parametrize("text", ["\n\ufeffa: 1", "x: 1\n\ufeffa: 1", "a: 1\n\ufeff", "a: |\n  b\n\ufeff  c"])
def test_a_bom_that_starts_a_later_line_is_refused_with_or_without_a_final_line_break(text: str, final: str) -> None:
    """libyaml skips a U+FEFF at the start of any line, PyYAML only at the start of the text: '\\n\\ufeffa: 1'
    read as {'a': 1} with a final line break (libyaml) and as {'\\ufeffa': 1} without (PyYAML)."""
    line = 3 + text[: text.index("\ufeff")].count("\n")
    for fast in (True, False):
        outcome = _outcome(text + final, fast=fast)
        assert isinstance(outcome, list) and len(outcome) == 1, outcome
        assert outcome[0][:2] == ("x.yaml", line)
        assert outcome[0][2].startswith("a byte-order mark (U+FEFF, invisible) starts this line")


def test_a_bom_at_the_start_of_the_text_is_read_as_nothing() -> None:
    for fast in (True, False):
        assert _outcome("\ufeffa: 1\n", fast=fast) == _outcome("a: 1\n", fast=fast)


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + "- \n" for i in range(30)),  # block sequences nested by indentation
        "a: " + "- " * 30 + "x\n",  # compact sequences on one line (libyaml reads them one per '- ')
        "a: " + "[" * 30 + "]" * 30 + "\n",  # flow sequences
        "a: [\n" * 30 + "]\n" * 30,  # flow sequences over many lines
        "a: &x [b]\nc: *x\n",  # an alias
        "a: !!str 1\n",  # a tag
        'a: ["]", [[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]\n',  # a bracket in a quote beside deep brackets
    ],
)
def test_text_that_may_nest_deep_or_alias_is_never_taken_as_plainly_shallow(text: str) -> None:
    """The event scan is skipped only for text that cannot reach MAX_DEPTH nor hold an alias or tag."""
    assert not yamlsafe._plainly_shallow(text)
    assert _outcome(text, fast=True) == _outcome(text, fast=False)


def test_ordinary_facts_files_skip_the_event_scan() -> None:
    text = (ROOT / "data/facts/china-times-blockchain-lingang.yaml").read_text("utf-8")
    assert yamlsafe._plainly_shallow(text)
