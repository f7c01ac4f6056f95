"""The items of an RSS or Atom feed: each one's link, newest first.

feedparser reads every RSS and Atom version and is given the feed's bytes only (never an address: it would
fetch it itself, outside kg's limits)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from urllib.parse import urljoin

from kg.ingest import Refused


@dataclass(frozen=True)
class Item:
    link: str
    title: str
    published: int  # seconds since the epoch, 0 when the item has no date


def read_feed(data: bytes, shown: str, base: str = "") -> list[Item]:
    """The feed's items with an http(s) link, newest first (undated ones last, in feed order)."""
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": base} if base else None)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        raise Refused(
            shown,
            "not an RSS or Atom feed",
            "give the feed's own address (often linked as RSS or Atom, ending in /feed, .rss or .xml); add a "
            "single page without --feed",
        )
    items: list[Item] = []
    for entry in parsed.entries:
        link = urljoin(base, entry.get("link") or "") if base else entry.get("link") or ""
        if not link.lower().startswith(("http://", "https://")):
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(Item(link, entry.get("title") or "", calendar.timegm(when) if when else 0))
    if not items and parsed.entries:
        raise Refused(shown, "the feed's items have no http(s) links", "add the articles' addresses directly")
    order = sorted(range(len(items)), key=lambda i: (-items[i].published, i))
    return [items[i] for i in order]
