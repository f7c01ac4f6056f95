"""`kg add`: bring a page, a PDF, a text file or a feed's items into data/ as articles kg can read.

One reader per source kind (fetch.py for URLs, page.py for HTML, pdf.py, feed.py), all ending in a `Found`:
the main text and what the source says about itself. article.py turns a Found into the files under data/
(the article, the original kept byte for byte) after refusing duplicates; add.py runs those steps for one
source, which is all `kg add` (kg/commands/add.py) calls. Every refusal is a `Refused`,
which names the source and says what to do; nothing is written for a refused source.

May import the base modules (model, errors, ontology, files) and nothing else of kg's but, as listed in
tests/test_layout.py, kg/read/'s own parsing of what it writes (articles.py, dates.py). Its HTTPS client pieces
(tls.py, inflate.py) are what kg/serve/ imports from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.errors import KgError


class Refused(KgError):
    """One source that cannot be added: the message names it and what to do. Exit 2 (bad input)."""

    exit_code = 2

    def __init__(self, source: str, reason: str, fix: str = ""):
        self.source = source
        self.reason = reason
        self.fix = fix
        super().__init__(f"{source}: {reason}" + (f"; {fix}" if fix else ""))


class Duplicate(Refused):
    """The source is already in data/ (same canonical URL or the same text). Exit 1, as a failed check."""

    exit_code = 1

    def __init__(self, source: str, slug: str, why: str):
        self.slug = slug
        super().__init__(
            source,
            f"already added as {slug} ({why}); nothing written",
            f"see data/articles/{slug}.md",
        )


@dataclass
class Original:
    """The bytes as received or read, kept under data/sources/ so the text can be re-extracted later."""

    data: bytes
    extension: str  # html, pdf, txt, md
    url: str = ""  # the address after redirects, for a fetched source
    content_type: str = ""
    charset: str = ""  # from the HTTP header, if it declared one
    address: str = ""  # for a fetched source, the address of the host that answered (kg/ingest/fetch.py)
    space: int = 0  # ... and its address space (fetch.PUBLIC, PRIVATE or LOCAL)


@dataclass
class Found:
    """What a reader found in one source: the main text (paragraphs joined by blank lines) and metadata."""

    body: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    date: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    publisher: str = ""
    language: str = ""
    translated_from: str = ""  # kept from a kg article added again elsewhere; no page states it
    url: str = ""  # the canonical address when the page names one
    date_guessed: bool = False  # the date is a file's creation date, not one the source states as published
    notes: list[str] = field(default_factory=list)  # what the user should know (an agency byline left out, ...)
