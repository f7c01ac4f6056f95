"""One source into data/: read it, fill and check its metadata, refuse a duplicate, write the article and keep
the original. The command (kg/commands/add.py) only parses options, calls this for each source and prints."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from kg.errors import KgError, blank
from kg.ingest import Duplicate, Found, Refused, article
from kg.ingest import source as opener
from kg.ingest.fetch import Limits, Via, is_url


@dataclass
class Added:
    slug: str
    article: Path
    original: Path
    found: Found
    similar: list[tuple[str, float]] = field(default_factory=list)  # (slug, share of text in common)


def add_one(
    source: str,
    data_dir: Path,
    library: article.Library,
    limits: Limits | None = None,
    encoding: str = "",
    overrides: dict | None = None,
    via: Via | None = None,
) -> Added:
    """Add one source (a URL, a file path or -) to data_dir; a Refused (or Duplicate) says why not, and then
    nothing was written. `overrides` are Found's fields the user set (title, authors, date, ...); `via` is the
    feed that named the URL (None: the user named it)."""
    overrides = overrides or {}
    limits = limits or Limits()
    if is_url(source):  # an article's address already: not fetched again
        slug = library.by_url(source)
        if slug:
            raise Duplicate(source, slug, "same address")
    original = opener.read_bytes(source, limits, via)
    retrieved = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    found = opener.read(original, source, encoding)
    for key, value in overrides.items():
        setattr(found, key, value)
    if found.date_guessed and "date" not in overrides:
        found.notes.append(
            f"date {found.date} is the file's creation date; pass --date if it was published on another day"
        )
    if found.url and original.url and "url" not in overrides:
        found.url = urljoin(original.url, found.url)  # a canonical link may be relative
    found.url = article.usable_url(found.url or original.url)
    guessed = guess_language(found.body)
    if "language" not in overrides and guessed and found.language.split("-")[0] not in ("zh", "ja", "ko"):
        if found.language:  # a site template's lang="en" on a Chinese page
            found.notes.append(f"the page says its language is {found.language!r}, its text is {guessed!r}")
        found.language = guessed
    if blank(found.title):  # nothing, or only invisible characters
        raise Refused(source, "no title found in it", "give one with --title")
    sha256 = hashlib.sha256(original.data).hexdigest()
    library.duplicate(source, found, original, sha256)
    for _attempt in range(5):  # another kg add may take the same slug meanwhile: then the next one is used
        slug = article.make_slug(found.title, library.taken)
        text = article.render(found, retrieved, sha256)
        display = str(Path(data_dir) / "articles" / f"{slug}.md")
        article.verify(text, slug, display, found)
        try:
            written, kept = article.write(Path(data_dir), slug, text, original.data, original.extension)
            break
        except article.SlugTaken:
            continue
        except OSError as err:
            from kg import files as fsutil

            raise fsutil.cannot_write(err.filename or display, err, "write the article", "--data") from None
    else:
        raise KgError(f"{display}: kept being taken by another process while kg add wrote it; run kg add again")
    urls = {found.url, original.url, source if is_url(source) else ""} - {""}
    library.add(slug, found.body, urls, sha256)
    similar = [(other, share) for other, share in library.similar(found.body) if other != slug]
    return Added(slug, written, kept, found, similar)


def guess_language(body: str) -> str:
    """zh or ja when the text is mostly Chinese or Japanese script; otherwise nothing is guessed."""
    letters = sum(1 for c in body if c.isalpha())
    if not letters:
        return ""
    kana = len(re.findall(r"[\u3040-\u30ff]", body))
    han = len(re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]", body))
    if (kana + han) / letters < 0.5:
        return ""
    return "ja" if kana > 0.1 * (kana + han) else "zh"
