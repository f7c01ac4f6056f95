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
    r"\b[Oo]n (?:the (?:morning|afternoon|evening|night) of )?(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    rf"Sunday),? )?(?={_MONTH}|\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTH}))"
)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# "on Wednesday", "said Tuesday": the most recent such day, counted back from the article's date (a weekday
# followed by a date, "Monday, March 3", is that date)
WEEKDAY = re.compile(
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!,? (?:on )?(?:[A-Z][a-z]+ )?\d)"
)
_FULL_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# "In November 2016", "in early March 2020", "since May 2019"
MONTH_YEAR = re.compile(
    rf"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Ff]rom) (?:(?:early|mid|late|mid-) ?)?(?P<month>{_FULL_MONTHS}),? (?P<year>\d{{4}})\b"
)
# "in April" (no day, no year): the most recent April not after the article's month
MONTH_ALONE = re.compile(rf"\b[Ii]n (?:(?:early|mid|late|mid-) ?)?(?P<month>{_FULL_MONTHS})\b(?!,? \d)")
RELATIVE_MONTH = re.compile(r"\b(?P<which>[Ll]ast|[Tt]his|[Ee]arlier this) month\b")
FOUNDING_VERB = re.compile(r"\b(?:founded|established|set up|created|launched|incorporated|opened|built) $")
# "yesterday": the day before the article's; "last year": the year before it
YESTERDAY = re.compile(r"\b[Yy]esterday\b")
LAST_YEAR = re.compile(r"\b[Ll]ast year\b")
# "earlier this year": the article's year (a past event; "this year" alone is often a target)
EARLIER_THIS_YEAR = re.compile(r"\b(?:[Ee]arlier|[Ee]arly) this year\b")
# "this week", "earlier this week", "last week": the month of that week, when it lies in one month
WEEK = re.compile(r"\b(?:[Ee]arlier )?(?P<which>[Tt]his|[Ll]ast) week\b")
# "recently registered": in the article's month
RECENTLY = re.compile(
    r"\b[Rr]ecently (?:registered|signed|set up|established|launched|opened|moved|unveiled|inked|founded)\b"
)
# "in 2014", "since 2019": a year, when it is not after the article's (a later year is a target, not a fact)
YEAR_ALONE = re.compile(r"\b(?:[Ii]n|[Ss]ince) (?P<year>(?:19|20)\d\d)\b(?![-–/]| (?:and|or|to) \d)")
SAME_DAY = re.compile(r"\b(?:[Oo]n )?(?:the (?:morning|afternoon|evening|night) of )?the same day\b")
DAYS_LATER = re.compile(r"\b(?P<n>\d+|" + "|".join(_NUMBERS) + r"|[A-Z][a-z]+) days? later\b", re.IGNORECASE)
SAME_EVENT = re.compile(r"\b[Aa]t the same (?P<noun>[a-z]+(?: [a-z]+)?)\b")
# "The company also signed ...": the same occasion as the sentence before
ALSO = re.compile(
    r"^(?:[A-Z][\w’'-]*(?: [\w’'-]+){0,5}) also (?:signed|reached|announced|unveiled|launched|inked|said|set up)\b"
)
# "At the event, ...", "said at the ceremony": the event the article last dated
AT_THE_EVENT = re.compile(r"\b[Aa]t the (?:event|ceremony|signing ceremony|summit|forum)\b")


# A dateline without a day ("BEIJING (Agency) —"): the lead reports what happened on the article's day
DATELINE_NO_DAY = re.compile(r"^[A-Z][A-Z .'’-]{2,40} \([A-Z][^()\n]{1,50}\) ?(?:--|—|–)")


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


def day_in(text: str, article: tuple[int, int] | None, day: datetime.date | None = None) -> str:
    """The event date a sentence gives for itself ("On March 27", "in November 2016", "on Wednesday", "last
    month"), or "": the first the sentence names. A month without a day gives YYYY-MM."""
    found = dates_in(text, article, day)
    return found[0][1] if found else ""


def dates_in(text: str, article: tuple[int, int] | None, day: datetime.date | None = None) -> list[tuple[int, str]]:
    """Every date the sentence gives, with where it stands, in text order: a sentence can report two events ("was
    approved on September 30 and announced yesterday by X"), and a fact takes the date nearest its words."""
    found: list[tuple[int, str]] = []
    for match in EVENT_DAY.finditer(text):
        day_match = DAY.match(text, match.end())
        if day_match:
            found.append((match.start(), _iso(day_match, article)))
    for match in MONTH_YEAR.finditer(text):
        found.append((match.start(), f"{int(match.group('year')):04d}-{MONTHS[match.group('month').lower()]:02d}"))
    if article is not None:
        for match in MONTH_ALONE.finditer(text):
            month = MONTHS[match.group("month").lower()]
            year = article[0] - 1 if article[1] and month > article[1] else article[0]
            found.append((match.start(), f"{year:04d}-{month:02d}"))
        for match in RELATIVE_MONTH.finditer(text):
            if article[1]:
                year, month = article
                if match.group("which") == "last":
                    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
                found.append((match.start(), f"{year:04d}-{month:02d}"))
        for match in RECENTLY.finditer(text):
            if article[1]:
                found.append((match.start(), f"{article[0]:04d}-{article[1]:02d}"))
        for match in LAST_YEAR.finditer(text):
            found.append((match.start(), f"{article[0] - 1:04d}"))
        for match in YEAR_ALONE.finditer(text):
            if FOUNDING_VERB.search(text, max(0, match.start() - 24), match.start()):
                continue  # "was set up in 2016 and has invested ...": the year of the founding, not of the sentence
            if int(match.group("year")) <= article[0]:
                found.append((match.start(), match.group("year")))
        for match in EARLIER_THIS_YEAR.finditer(text):
            found.append((match.start(), f"{article[0]:04d}"))
    if day is not None:
        for match in WEEK.finditer(text):  # the month of that week, when the week (so far) lies in one month
            last = match.group("which").lower() == "last"
            monday = day - datetime.timedelta(days=day.weekday() + (7 if last else 0))
            end = monday + datetime.timedelta(days=6) if last else day
            if monday.month == end.month:
                found.append((match.start(), f"{monday.year:04d}-{monday.month:02d}"))
        for match in YESTERDAY.finditer(text):
            found.append((match.start(), (day - datetime.timedelta(days=1)).isoformat()))
        for match in WEEKDAY.finditer(text):
            back = (day.weekday() - WEEKDAYS.index(match.group("weekday").lower())) % 7
            found.append((match.start(), (day - datetime.timedelta(days=back)).isoformat()))
    return sorted(f for f in found if f[1])


def article_day(article_date: str) -> datetime.date | None:
    """The article's date when the front matter gives the day, else None."""
    try:
        return (
            datetime.date.fromisoformat(article_date)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", article_date or "")
            else None
        )
    except ValueError:
        return None


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
