"""kg extract stays linear in a sentence's length (issue 21 item 11: `_in_by_list` rescanned the sentence per
candidate per verb, so one long sentence cost cubic time: 40k characters took minutes).

Work is counted, not timed: the number of Python lines executed in kg/extract/ for one long generated sentence,
at two lengths. Linear work grows 4x when the text does; the old code grew 16x and more. A budget stops the
count early, so the test fails fast instead of running for minutes on code that regressed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kg.extract import rules
from kg.model import Source

EXTRACT_DIR = str(Path(rules.__file__).resolve().parent)
SYLLABLES = [
    "bao",
    "chen",
    "dan",
    "fei",
    "gao",
    "hua",
    "jin",
    "kai",
    "lan",
    "mei",
    "ning",
    "pei",
    "qing",
    "rui",
    "song",
    "tao",
    "wei",
    "xin",
    "yan",
    "zhi",
]


def invented(i: int) -> str:
    """A distinct invented two-word name for every i."""
    a, b, c = SYLLABLES[i % 20], SYLLABLES[(i // 20) % 20], SYLLABLES[(i // 400) % 20]
    return f"{(a + b).capitalize()} {c.capitalize()}"


CLAUSES = (
    "the {0} Research Institute, jointly established by {1} Group, {2} Bank and {3} University, issued the "
    "{4} Action Plan on {5} Street",
    "{0} Zhen, deputy director of the {1} Municipal Bureau of {2}, said that the institute will grow",
    "the {0} Forum held by the {1} Commission at the {2} Expo where Mr. {3} spoke",
    "{0} Holdings is headquartered in {1} City and set up a company, {2} Tech, in {3} District",
    "the {0} Free Trade Zone of {1} Province and its subsidiary {2} Logistics",
)


def long_sentence(chars: int) -> str:
    """One sentence of at least `chars` characters: the constructs the rules look for, repeated with new names
    and never a full stop between them."""
    parts, i = [], 0
    while sum(len(p) + 2 for p in parts) < chars:
        template = CLAUSES[(i // 8) % len(CLAUSES)]
        parts.append(template.format(*(invented(i + k) for k in range(8))))
        i += 8
    return "On March 3, " + ", and ".join(parts) + "."


class Budget(Exception):
    pass


def lines_executed(body: str, budget: int) -> int:
    """Python lines run in kg/extract/ while extracting `body`; stops with Budget past `budget` lines."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > budget:
                raise Budget
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(EXTRACT_DIR) else None

    source = Source(slug="long", path="long.md", title="Long", body=body, date="2020-03", language="en")
    rules.extract(source, [])  # warm: the gazetteers load once, outside the count
    sys.settrace(calls)
    try:
        rules.extract(source, [])
    finally:
        sys.settrace(None)
    return count


def test_a_long_sentence_costs_linear_work():
    small = lines_executed(long_sentence(5_000), budget=50_000_000)
    assert small > 1_000  # the rules did run over it
    # four times the text: linear work is about 4x; allow 6x for the sorts (n log n) and uneven clause mixes
    try:
        large = lines_executed(long_sentence(20_000), budget=6 * small)
    except Budget:
        pytest.fail(f"a 4x longer sentence cost more than 6x the {small:,} lines of the shorter one")
    assert large <= 6 * small
