"""Dates as translated news gives them ("On March 27", "On the afternoon of the same day", "Two days later"),
normalised to ISO 8601 and anchored on the article's own date, because news rarely repeats the year."""

from __future__ import annotations

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}

# "March 27", "March 30th", "27 March", "March 27, 2020"
DAY = re.compile(
    rf"\b(?:(?P<month>{_MONTH})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:, (?P<year>\d{{4}}))?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)? (?P<month2>{_MONTH})(?: (?P<year2>\d{{4}}))?)\b"
)
# An event date introduces the clause ("On March 27, ...", "On the afternoon of March 30th, at ...") or
# follows its verb ("was unveiled on April 9", "announced on April 13 that").
EVENT_DAY = re.compile(
    rf"\b[Oo]n (?:the (?:morning|afternoon|evening|night) of )?(?={_MONTH}|\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTH}))"
)
SAME_DAY = re.compile(r"\b(?:[Oo]n )?(?:the (?:morning|afternoon|evening|night) of )?the same day\b")
DAYS_LATER = re.compile(r"\b(?P<n>\d+|" + "|".join(_NUMBERS) + r"|[A-Z][a-z]+) days? later\b", re.IGNORECASE)
SAME_EVENT = re.compile(r"\b[Aa]t the same (?P<noun>[a-z]+(?: [a-z]+)?)\b")


def anchor(article_date: str) -> tuple[int, int] | None:
    """Year and month (0 when unknown) of the article's front-matter date, or None without a date."""
    match = re.match(r"^(\d{4})(?:-(\d{2}))?", article_date or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def normalise(month_name: str, day: str, year: str | None, article: tuple[int, int] | None) -> str:
    """ISO date of a month and day; without a year, the most recent such day not after the article's month."""
    month = MONTHS[month_name.lower().rstrip(".")]
    if year:
        y = int(year)
    elif article is None:
        return ""
    else:
        y = article[0]
        if article[1] and month > article[1]:
            y -= 1  # "December 5" in a March article is last December
    try:
        return datetime.date(y, month, int(day)).isoformat()
    except ValueError:
        return ""


def day_in(text: str, article: tuple[int, int] | None) -> str:
    """The event date a sentence gives for itself ("On March 27"), or ""."""
    for match in EVENT_DAY.finditer(text):
        found = DAY.match(text, match.end())
        if found:
            return _iso(found, article)
    return ""


def _iso(found: re.Match, article: tuple[int, int] | None) -> str:
    if found.group("month"):
        return normalise(found.group("month"), found.group("day"), found.group("year"), article)
    return normalise(found.group("month2"), found.group("day2"), found.group("year2"), article)


def shift(iso: str, days: int) -> str:
    try:
        return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=days)).isoformat()
    except ValueError:
        return ""


def days_later(text: str) -> int | None:
    """N in "N days later" / "Two days later", or None."""
    match = DAYS_LATER.search(text)
    if not match:
        return None
    word = match.group("n").lower()
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)
