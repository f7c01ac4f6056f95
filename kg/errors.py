"""One exception hierarchy, so the CLI can turn every user-facing failure into a message and an exit code.

Exit codes follow pySHACL: 0 all good, 1 the data failed a check, 2 the tool could not run as asked
(usage, missing files, unwritable output, a lock held by another build).
"""

from __future__ import annotations

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
