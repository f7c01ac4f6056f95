"""A Found made into files under data/: its slug, its front matter, the duplicate checks, the writes.

The front matter is written by PyYAML's emitter (quoting and escaping untrusted titles and names as YAML
needs) and read back with kg's own article reader before anything is written: what a later `kg build` reads
is exactly what was found. The article and the kept original are written as temporary files and renamed into
place, the original first; if the article cannot be put in place the original is removed again, so a failure
leaves neither.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from kg.errors import DataError, KgError, UsageError, visible
from kg.ingest import Duplicate, Found, Original
from kg.read.articles import SLUG, iri_problem, outside, parse_source, read_source

MAX_SLUG = 60
NEAR = 0.8  # share of 5-word (or 5-character) shingles two texts have in common to count as the same story
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TRACKING = re.compile(r"^(?:utm_.*|fbclid|gclid|mc_cid|mc_eid|spm|from|share|ref)$", re.IGNORECASE)


def url_key(url: str) -> str:
    """An address as duplicates compare it: scheme and host in lower case, no default port, no fragment, no
    tracking parameters (utm_*, fbclid, ...), no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, 80, 443) else None
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    scheme = {"https": "http"}.get(parts.scheme.lower(), parts.scheme.lower())  # the same page on either scheme
    return urlunsplit((scheme, host + (f":{port}" if port else ""), path, query, ""))


def text_key(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CJK_CHARS}]|[^\\W{_CJK_CHARS}]+")


def shingles(text: str) -> set[int]:
    """Hashes of the text's runs of five tokens (words; a CJK character is a token of its own)."""
    tokens = _TOKEN.findall(text.casefold())
    if len(tokens) < 5:
        return {hash(tuple(tokens))} if tokens else set()
    return set(map(hash, zip(tokens, tokens[1:], tokens[2:], tokens[3:], tokens[4:], strict=False)))


@dataclass
class Known:
    slug: str
    urls: set[str]
    text: str
    sha256: str
    shingles: set[int] = field(default_factory=set)


class Library:
    """The articles already in data/, as the duplicate checks need them (read once per `kg add`)."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.known: list[Known] = []
        self.unreadable: list[str] = []
        folder = self.data_dir / "articles"
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
            try:
                source = read_source(path, str(path))
            except DataError:
                self.unreadable.append(str(path))  # the build reports it; a duplicate of it cannot be told
                continue
            self.add(path.stem, source.body, {source.url} if source.url else set(), source.sha256)

    def add(self, slug: str, body: str, urls: set[str], sha256: str) -> None:
        self.known.append(Known(slug, {url_key(u) for u in urls}, text_key(body), sha256, shingles(body)))

    def by_url(self, *urls: str) -> str | None:
        keys = {url_key(u) for u in urls if u}
        for known in self.known:
            if known.urls & keys:
                return known.slug
        return None

    def duplicate(self, shown: str, found: Found, original: Original, sha256: str) -> None:
        """Raise Duplicate when the source is an article already here."""
        slug = self.by_url(found.url, original.url, shown if shown.startswith(("http://", "https://")) else "")
        if slug:
            raise Duplicate(shown, slug, "same address")
        key = text_key(found.body)
        for known in self.known:
            if known.sha256 and known.sha256 == sha256:
                raise Duplicate(shown, known.slug, "same original file")
            if known.text == key:
                raise Duplicate(shown, known.slug, "same text")

    def similar(self, body: str) -> list[tuple[str, float]]:
        """Articles whose text is nearly this one's (a syndicated copy of the story), with the share in common."""
        mine = shingles(body)
        out = []
        for known in self.known:
            if not mine or not known.shingles:
                continue
            share = len(mine & known.shingles) / min(len(mine), len(known.shingles))
            if share >= NEAR:
                out.append((known.slug, share))
        return sorted(out, key=lambda x: (-x[1], x[0]))

    def taken(self, slug: str) -> bool:
        d = self.data_dir
        if (d / "articles" / f"{slug}.md").exists() or (d / "facts" / f"{slug}.yaml").exists():
            return True
        sources = d / "sources"
        return sources.is_dir() and any(sources.glob(f"{slug}.*"))


def slug_words(title: str) -> list[str]:
    """The title's words in lower-case ASCII: Chinese characters as pinyin syllables, accents dropped."""
    text = unicodedata.normalize("NFKC", title)
    if _HAN.search(text):
        from pypinyin import lazy_pinyin

        text = " ".join(lazy_pinyin(text, errors=lambda chars: chars))  # other text passes through unchanged
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.findall(r"[a-z0-9]+", ascii_text)


def make_slug(title: str, taken) -> str:
    """A slug from the title, at most MAX_SLUG characters (cut between words), made unique with -2, -3, ..."""
    base = ""
    for word in slug_words(title):
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > MAX_SLUG:
            break
        base = candidate
    base = base or "article"
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    assert SLUG.match(slug)
    return slug


def front_matter(found: Found, retrieved: str, sha256: str) -> dict:
    front: dict = {"title": found.title}
    if found.authors:
        front["author"] = found.authors[0] if len(found.authors) == 1 else list(found.authors)
    for key in ("publisher", "date", "language", "translated_from", "url"):
        value = getattr(found, key)
        if value:
            front[key] = value
    front["retrieved"] = retrieved
    front["sha256"] = sha256
    return front


def render(found: Found, retrieved: str, sha256: str) -> str:
    header = yaml.safe_dump(
        front_matter(found, retrieved, sha256),
        sort_keys=False,
        allow_unicode=True,
        width=1 << 20,
        default_flow_style=False,
    )
    return f"---\n{header}---\n{found.body}"


def usable_url(url: str) -> str:
    """The address as an IRI the graph can hold (spaces and the like percent-encoded), or "" if it cannot be."""
    if not url:
        return ""
    if iri_problem(url) is None:
        return url
    import httpx

    try:
        fixed = str(httpx.URL(url))
    except Exception:
        return ""
    return fixed if iri_problem(fixed) is None else ""


def verify(text: str, slug: str, display: str, found: Found) -> None:
    """Read the rendered article back as `kg build` will, and compare: never write one that reads otherwise."""
    try:
        source = parse_source(slug, text, display)
    except DataError as err:
        raise KgError(f"{display}: kg add made an article kg cannot read ({err}); please report this") from None
    got = (source.title, list(source.authors), source.publisher, source.date, source.language, source.url)
    want = (found.title, list(found.authors), found.publisher, found.date, found.language, found.url)
    if source.translated_from != found.translated_from:
        got = (*got, source.translated_from)
    if got != want or source.body != found.body:
        raise KgError(f"{display}: kg add's front matter did not read back as written; please report this")


def refuse_linked_out(folder: Path, data_dir: Path) -> None:
    """A folder of the data directory that a link sends elsewhere (a data repository's `sources -> ~/.config/x`):
    kg writes nothing there, or a page's bytes would land in any folder of this machine."""
    elsewhere = outside(folder, data_dir)
    if elsewhere is not None:
        raise UsageError(
            f"{visible(str(folder))} is a link to {visible(elsewhere)}, outside the data directory: kg writes "
            "nothing there; make it a folder of the data directory"
        )


class SlugTaken(Exception):
    """The article's or the original's name was taken by someone else between choosing and writing it."""


def write(data_dir: Path, slug: str, text: str, original: bytes, extension: str) -> tuple[Path, Path]:
    """Put the article and the original in place, both or neither; never over an existing file."""
    article = data_dir / "articles" / f"{slug}.md"
    kept = data_dir / "sources" / f"{slug}.{extension}"
    for folder in (article.parent, kept.parent):
        refuse_linked_out(folder, data_dir)
    temps: list[str] = []
    placed: list[Path] = []
    try:
        for target, data in ((kept, original), (article, text.encode("utf-8"))):
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temps.append(tmp)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
        for tmp, target in zip(temps, (kept, article), strict=True):
            try:
                os.link(tmp, target)  # fails if the name was taken meanwhile: nothing is overwritten
            except FileExistsError:
                raise SlugTaken(str(target)) from None
            placed.append(target)
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    finally:
        for tmp in temps:
            with _quiet():
                os.unlink(tmp)
    return article, kept


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)
