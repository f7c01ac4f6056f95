"""A web page's main text and metadata.

The text comes from trafilatura, which drops navigation, cookie banners, "most read" lists and footers and
keeps the article's paragraphs. The metadata comes from what the page states about itself, most specific first:
JSON-LD (`NewsArticle` and its kin), then OpenGraph and `article:` properties, then plain `<meta>` tags and the
`<title>`, then the page's own dates as htmldate finds them, then trafilatura's guesses.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from kg.errors import blank
from kg.ingest import Found, Refused, names

ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "BlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
}
# Below this many characters of main text (a Chinese, Japanese or Korean character counts three: one stands for
# a word) a page holds no article: a listing of headlines, a login or cookie wall, a page built by JavaScript.
MIN_TEXT = 300
# More elements than this and the page is not one article: trafilatura and htmldate take about 0.1 ms and 1.5 KB
# per element (a page of a million <b> tags, 8 MB, took 104 s and 1.5 GB of memory), while a news page, a long
# one with its comments included, has a few thousand.
MAX_ELEMENTS = 200_000
_TAG = re.compile(r"<[A-Za-z]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def text_size(text: str) -> int:
    """Characters of text, not counting spaces, with each CJK character counted as three."""
    plain = "".join(text.split())
    return len(plain) + 2 * len(_CJK.findall(plain))


def read_page(html: str, shown: str, url: str = "") -> Found:
    """The article in a decoded HTML page, or a Refused when there is none."""
    import trafilatura
    from lxml import etree
    from lxml import html as lxml_html

    elements = sum(1 for _ in itertools.islice(_TAG.finditer(html), MAX_ELEMENTS + 1))
    if elements > MAX_ELEMENTS:
        raise Refused(
            shown,
            f"the page has more than {MAX_ELEMENTS:,} HTML elements, not one article's few thousand",
            "add the address of the article itself, or copy its text into a .txt file and add that with --title",
        )
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError) as err:
        raise Refused(shown, f"not an HTML page ({err})", "add a saved web page, a PDF or a text file") from None
    text = trafilatura.extract(
        html, url=url or None, output_format="txt", include_comments=False, include_tables=True, with_metadata=False
    )
    paragraphs = [names.clean(line) for line in (text or "").split("\n")]
    body = "\n\n".join(p for p in paragraphs if p)
    if text_size(body) < MIN_TEXT:
        raise Refused(
            shown,
            "no article text found on this page (a list of headlines, a login or cookie wall, or a page its "
            "scripts fill in)",
            "add the address of the article itself, or copy its text into a .txt file and add that with --title",
        )
    found = Found(body=body + "\n")
    _metadata(tree, html, url, found)
    return found


def _metadata(tree: Any, html: str, url: str, found: Found) -> None:
    ld = _json_ld(tree)
    meta = _meta(tree)
    publisher = _name(ld.get("publisher")) or meta.get("og:site_name", "") or meta.get("application-name", "")
    found.publisher = names.clean(publisher)
    if blank(found.publisher):
        found.publisher = ""
    headline = (
        _text(ld.get("headline"))
        or _text(ld.get("name"))
        or meta.get("og:title", "")
        or meta.get("twitter:title", "")
        or meta.get("dc.title", "")
        or meta.get("citation_title", "")
        or names.clean(tree.findtext(".//title") or "")
    )
    found.title = names.title(headline, found.publisher)
    bylines: list[str] = []
    for author in _list(ld.get("author")) + _list(ld.get("creator")):
        if isinstance(author, dict):
            kind = _list(author.get("@type"))
            if kind and not any(k in ("Person",) for k in kind):
                name = _name(author)
                if name:
                    found.notes.append(f"{name!r} is named as author but is an organisation; not taken as an author")
                continue
        name = _name(author)
        if name:
            bylines.append(name)
    if not bylines:
        for key in ("author", "article:author", "byline", "dc.creator", "citation_author", "sailthru.author"):
            for value in meta.getall(key):
                if value and "://" not in value:
                    bylines.append(value)
    if not bylines:
        import trafilatura

        guessed = trafilatura.extract_metadata(html)
        if guessed is not None and guessed.author:
            bylines.append(guessed.author)
    found.authors = names.authors(bylines, found.notes)
    found.date = (
        _day(_text(ld.get("datePublished")))
        or _day(meta.get("article:published_time", ""))
        or _day(meta.get("pubdate", ""))
        or _day(meta.get("publishdate", ""))
        or _day(meta.get("dc.date", ""))
        or _day(meta.get("citation_publication_date", ""))
        or _day(meta.get("date", ""))
        or _htmldate(html, url)
    )
    language = _language(ld.get("inLanguage")) or tree.get("lang", "") or meta.get("content-language", "")
    language = language or meta.get("og:locale", "")
    found.language = _tag(language)
    canonical = ""
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = link.get("href") or ""
            break
    ld_url = _text(ld.get("url")) or _name(ld.get("mainEntityOfPage"))
    found.url = canonical or meta.get("og:url", "") or ld_url or ""


class _Meta(dict):
    def getall(self, key: str) -> list[str]:
        return self.get("\x00all", {}).get(key, [])


def _meta(tree: Any) -> _Meta:
    """<meta> values by lower-case name or property (first one wins; every one under getall)."""
    out = _Meta()
    every: dict[str, list[str]] = {}
    for element in tree.iterfind(".//meta"):
        key = (element.get("property") or element.get("name") or element.get("http-equiv") or "").strip().lower()
        value = names.clean(element.get("content") or "")
        if key and value:
            out.setdefault(key, value)
            every.setdefault(key, []).append(value)
    out["\x00all"] = every
    return out


def _json_ld(tree: Any) -> dict:
    """The first article-like object of the page's JSON-LD blocks ({} if none)."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            # a broken block is common and says nothing reliable; json's parser recurses per level of nesting, so
            # a block of 2,000 "[" (4 kB of a page) ended kg add in a RecursionError traceback
            continue
        found = _find_article(data, 0)
        if found:
            return found
    return {}


def _find_article(data: Any, depth: int) -> dict | None:
    if depth > 6:
        return None
    if isinstance(data, list):
        for item in data:
            found = _find_article(item, depth + 1)
            if found:
                return found
        return None
    if not isinstance(data, dict):
        return None
    if any(kind in ARTICLE_TYPES for kind in _list(data.get("@type"))):
        return data
    for key in ("@graph", "mainEntity", "itemListElement"):
        found = _find_article(data.get(key), depth + 1)
        if found:
            return found
    return None


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return names.clean(value) if isinstance(value, str) else ""


def _name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("@id"))
    return _text(value)


def _language(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("alternateName")) or _text(value.get("name"))
    return _text(value)


def _tag(text: str) -> str:
    """A BCP 47 tag from what pages write (zh_CN, en-us), or "" when it is not one."""
    from kg.read.articles import is_language_tag

    tag = text.strip().replace("_", "-")
    if not tag:
        return ""
    parts = tag.split("-")
    tag = "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    if is_language_tag(tag):
        return tag
    return parts[0].lower() if is_language_tag(parts[0].lower()) else ""


def _day(text: str) -> str:
    """YYYY-MM-DD (or YYYY-MM, YYYY) as the publisher wrote it: the date part of an ISO date-time, not shifted
    to another time zone (the day the article carries is the publisher's)."""
    match = _DATE.match(text.strip())
    if not match:
        return ""
    from kg.read import dates

    day = "-".join(part for part in match.groups() if part)
    return day if dates.parse(day) is not None else ""


def _htmldate(html: str, url: str) -> str:
    try:
        from htmldate import find_date
        from lxml import html as lxml_html

        # a parsed tree, never the string: htmldate fetches a string that looks like an address; and a fresh one,
        # as it prunes the tree it is given
        found = find_date(
            lxml_html.document_fromstring(html), url=url or None, original_date=True, extensive_search=False
        )
    except Exception:  # htmldate's heuristics must never stop an add: the date is then left for --date
        return ""
    return _day(found or "")
