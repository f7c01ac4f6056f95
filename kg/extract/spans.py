"""Which mentions lie at a place in the text, found without reading every mention.

The rules ask "is this span inside a name already found?", "what starts here?" for each candidate, and the
number of candidates grows with the text: a scan of every mention per question made one long sentence cost
quadratic (then cubic) time. Mentions are short, so each is filed under the fixed-size blocks of text it
touches, and a question reads only the blocks of its span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.extract.model import Mention

BLOCK = 64  # characters per block: a few mentions each in dense text


class SpanIndex:
    """Mentions by the blocks of text they touch; add in any order, ask by span."""

    def __init__(self, mentions: Iterable[Mention] = ()):
        self._blocks: dict[int, list[Mention]] = {}
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        for block in range(m.start // BLOCK, max(m.start, m.end - 1) // BLOCK + 1):
            self._blocks.setdefault(block, []).append(m)

    def overlapping(self, start: int, end: int) -> Iterator[Mention]:
        """Mentions sharing at least one character with [start, end), each once, in no particular order."""
        seen: set[int] = set()
        for block in range(start // BLOCK, max(start, end - 1) // BLOCK + 1):
            for m in self._blocks.get(block, ()):
                if m.start < max(end, start + 1) and start < max(m.end, m.start + 1) and id(m) not in seen:
                    seen.add(id(m))
                    yield m

    def covering(self, start: int, end: int) -> Iterator[Mention]:
        """Mentions whose span holds all of [start, end)."""
        for m in self._blocks.get(start // BLOCK, ()):
            if m.start <= start and end <= m.end:
                yield m

    def starting(self, low: int, high: int) -> Iterator[Mention]:
        """Mentions that start in [low, high], each once."""
        seen: set[int] = set()
        for block in range(low // BLOCK, high // BLOCK + 1):
            for m in self._blocks.get(block, ()):
                if low <= m.start <= high and id(m) not in seen:
                    seen.add(id(m))
                    yield m


_WORD = re.compile(r"[A-Za-z0-9]+")


def occurrences(body: str, names: Iterable[str]) -> dict[str, list[int]]:
    """Where each name occurs in body as a whole word ((?<![\\w-])name(?![\\w-])), for all names in one pass:
    a trie of the names' words is walked from each word of the body, so the cost is the body's words times
    the few words of a name, not the body once per name."""
    trie: dict = {}
    for name in set(names):
        words = _WORD.findall(name)
        if not words or not name.startswith(words[0]):
            continue
        node = trie
        for word in words:
            node = node.setdefault(word, {})
        node.setdefault("", []).append(name)
    out: dict[str, list[int]] = {}
    tokens = [(m.start(), m.group()) for m in _WORD.finditer(body)]
    for i, (start, word) in enumerate(tokens):
        node = trie.get(word)
        if node is None or (start and (body[start - 1].isalnum() or body[start - 1] in "_-")):
            continue
        j = i
        while node is not None:
            for name in node.get("", ()):
                end = start + len(name)
                after = body[end : end + 1]
                if body.startswith(name, start) and not (after.isalnum() or (after in ("_", "-") and after)):
                    out.setdefault(name, []).append(start)
            j += 1
            node = node.get(tokens[j][1]) if j < len(tokens) else None
    for positions in out.values():
        positions.sort()
    return out
