"""Dates as news gives them: a year, a month or a day. Precision is kept, never padded with invented days."""

from __future__ import annotations

import datetime
import re

from rdflib import XSD, URIRef

_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")  # ASCII digits: \d takes any script's


def parse(text: str) -> tuple[str, URIRef] | None:
    """The lexical form and XSD datatype (date, gYearMonth or gYear) of an ISO date, or None if malformed."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    year, month, day = m.groups()
    if year == "0000":  # XSD 1.0 has no year 0 (1 BC is -0001), and neither Python's dates nor rdflib read one
        return None
    try:
        if day:
            datetime.date(int(year), int(month), int(day))
            return m.group(0), XSD.date
        if month:
            datetime.date(int(year), int(month), 1)
            return m.group(0), XSD.gYearMonth
    except ValueError:
        return None
    return year, XSD.gYear
