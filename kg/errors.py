"""One exception hierarchy, so the CLI can turn every user-facing failure into a message and an exit code.

Exit codes follow pySHACL: 0 all good, 1 the data failed a check, 2 the tool could not run as asked
(usage, missing files, unwritable output, a lock held by another build).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def visible(text: str) -> str:
    """`text` with control, format and line-separator characters escaped (a file name may hold a line break),
    so that a problem stays one line and a terminal shows what is there."""
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in _HIDDEN else char
        for char in text
    )


_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def first_names(names: list[str], shown: int = 3) -> str:
    """The first `shown` names, visible, and how many more: a message about a folder of thousands of files stays
    one short line ("a, b, c and 4997 more")."""
    more = len(names) - shown
    return ", ".join(visible(name) for name in names[:shown]) + (f" and {more} more" if more > 0 else "")


# Characters that show nothing and are no space either: Unicode's default-ignorable code points outside the
# format category Cf (which holds U+200B, U+200D, U+2060, U+FEFF and their kin), such as the Hangul fillers
# and the variation selectors.
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]")


def blank(text: str) -> bool:
    """True when `text` shows nothing: only spaces, line breaks, and invisible characters (zero-width space and
    joiners, byte-order marks, fillers). A label or quote made of them passes `not text.strip()` and is just as
    empty to a reader."""
    return all(
        char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp") or _IGNORABLE.match(char)
        for char in text
    )


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about the input, located precisely enough for a person to fix it."""

    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        path = visible(self.path)
        where = f"{path}:{self.line}" if self.line else path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class KgError(Exception):
    """Base of every error a user can act on; the CLI prints it without a traceback."""

    exit_code = 2


class UsageError(KgError):
    """The command was asked to do something it cannot do (bad option, missing directory)."""

    exit_code = 2


class DataError(KgError):
    """The input data is wrong; carries every problem found, not just the first."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input:"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))
