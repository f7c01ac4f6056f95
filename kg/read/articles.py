"""Read source articles: YAML front matter for metadata, then the body exactly as published.

Evidence offsets index the body, so it is never normalised: no stripping, no newline conversion.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import DataError, Problem, blank, visible
from kg.model import Entity, Source, Statement
from kg.read import dates, yamlsafe

if TYPE_CHECKING:
    from kg.ontology import Ontology

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: "$" would also take a final line break
# retrieved and sha256: when `kg add` fetched or read the source, and the SHA-256 of the original it kept
FRONT_MATTER_KEYS = (
    "title",
    "author",
    "publisher",
    "date",
    "language",
    "translated_from",
    "url",
    "retrieved",
    "sha256",
)
RETRIEVED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})\Z")
SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
MAX_BYTES = 20 * 1024 * 1024
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
# Characters XML 1.0 cannot hold at all (not even as &#...; references): C0 controls other than tab, line
# feed and carriage return, surrogates, U+FFFE and U+FFFF. kg refuses them at load time, with the file and
# line, rather than letting the GraphML writer fail mid-build or escaping them into a private convention that
# no GraphML reader would undo. They have no meaning in news text; they are copy-paste debris.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The C1 controls (U+0080 to U+009F): XML holds them, but a terminal acts on them (U+009B is CSI, U+009D OSC,
# U+0085 a line break), and every answer that prints a literal as it is (`kg query --format csv`, tsv, json,
# turtle; kg serve's answers) would carry them there. In news text they are mis-decoded Windows-1252. (DEL,
# U+007F, is no control a terminal acts on: it prints nothing, and N-Triples escapes it.)
TERMINAL_CONTROL = re.compile("[\x80-\x9f]")
# A carriage return: XML holds it, but a terminal printing it goes back to the line's start, and what follows is
# printed over what came before ("Mei Tan\rAda Wu (verified)" shows as "Ada Wu (verified)"); CSV has no escape
# for it. A YAML file's line ends, CR LF included, are read as line feeds: only a "\r" escape writes one. (A CR
# LF, as a quote from an article with CR LF line ends may hold, moves to the next line: nothing is overwritten.)
CARRIAGE_RETURN = re.compile("\r(?!\n)")


def is_language_tag(tag: str) -> bool:
    """True for a valid BCP 47 language tag: well-formed (RFC 5646) and every subtag in the IANA registry, as
    langcodes checks it. The pattern alone let through tags Oxigraph refuses (en-a1: a subtag that is neither a
    region nor a variant), and kg.nq then failed to load there; the pattern stays as a gate to ASCII."""
    if not LANGUAGE.fullmatch(tag):
        return False
    from langcodes import tag_is_valid  # 30 ms to import its tables: only when a tag is there to check

    return bool(tag_is_valid(tag))


def language_hint(tag: str) -> str:
    """How to fix an invalid tag: its language code alone when that one is valid, else examples."""
    primary = tag.split("-", 1)[0]
    if primary != tag and is_language_tag(primary):
        return (
            f"after the language code come only script, region or variant subtags (zh-Hans, en-GB, de-CH-1996); "
            f"write {primary!r} if the rest is none of those"
        )
    return "use the code of the language, with its script or region if needed: en, zh, zh-Hans, en-GB, ..."


_DOT_SEGMENT = re.compile(r"/(?:\.|%2e){1,2}(?:[/?#]|$)", re.IGNORECASE)


def climbs(iri: str) -> bool:
    """Whether an IRI has a `.` or `..` path segment (also percent-encoded): a reader that resolves IRIs by RFC 3986
    (remove_dot_segments) takes <BASE../other/graph/x> for a name outside BASE, while a string comparison sees one
    under it. A base with such a segment is refused by kg build and kg push."""
    import urllib.parse

    try:
        return bool(_DOT_SEGMENT.search(urllib.parse.urlsplit(iri).path))
    except ValueError:  # no URL at all (an unmatched [ in the host)
        return True


def iri_problem(url: str) -> str | None:
    """None if `url` can be an IRI in the graph: an http(s) address that RDF parsers take; else why not ("" when
    the pattern says). The pattern alone let through what Oxigraph refuses (a second '#', a control character, a
    bad %-escape or host), and kg.nq then failed to load there, so Oxigraph's own IRI parser decides."""
    if not URL.match(url):
        return ""
    try:
        ox.NamedNode(url)
    except ValueError as err:
        return visible(str(err))
    return None


def character_problem(text: str, what: str) -> tuple[str, str] | None:
    """(message, hint) when a free text that becomes a literal of the graph holds a character kg refuses: one XML
    cannot hold, or a control character a terminal acts on; None when it holds neither."""
    bad = NOT_XML.search(text)
    if bad:
        return (
            f"{what} contains the character U+{ord(bad.group()):04X} at position {bad.start()}, "
            "which XML (GraphML) cannot hold",
            "delete it; write a plain space or a real line break instead",
        )
    bad = CARRIAGE_RETURN.search(text)
    if bad:
        return (
            f"{what} contains a carriage return (U+000D) at position {bad.start()} without a line feed after it, "
            "which sends a terminal back to the line's start, so that the text after it is printed over the text "
            "before it when an answer prints it (`kg query --format csv`)",
            "delete it; for a line break write \\n (a YAML file's own line ends never give one)",
        )
    bad = TERMINAL_CONTROL.search(text)
    if bad:
        return (
            f"{what} contains the control character U+{ord(bad.group()):04X} at position {bad.start()}, "
            "which a terminal acts on when an answer prints it",
            "delete it; it is usually a Windows-1252 character read as Latin-1 (U+0092 for ’): "
            "write the character meant",
        )
    return None


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 file (a leading byte-order mark is dropped); every failure becomes a located Problem."""
    return decode(read_bytes(path, display), display)


def _outside_its_data(path: Path) -> str | None:
    """Where a file of a data directory's articles/ or facts/ really is, if that is outside the data directory
    (a link planted in a data repository, the file's or its folder's: `articles/x.md -> ~/blog/_drafts/y.md`), else
    None. Links within the data directory are fine; a file outside any articles/ or facts/ folder (an article
    given to kg extract by its path) is the user's own choice and not checked."""
    path = Path(path)
    if path.parent.name not in ("articles", "facts"):
        return None
    return outside(path, path.parent.parent)


def outside(path: Path, data_dir: Path) -> str | None:
    """Where `path` really is (links followed) if that is outside `data_dir`, else None (within it, or not there)."""
    try:
        real, data = Path(path).resolve(strict=True), Path(data_dir).resolve(strict=True)
    except (OSError, RuntimeError):  # not there, or a loop of links: the read or write that follows says so
        return None
    return None if real.is_relative_to(data) else str(real)


def read_bytes(path: Path, display: str) -> bytes:
    """The bytes of a data file, refusing what is not a regular file or is too large, with a located Problem."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise DataError(
            [Problem(display, 0, f"cannot read file: {err.strerror}", "check that it exists and is readable")]
        ) from err
    if not path.is_file():
        # A FIFO or device named like a data file would block the read forever, or never end.
        raise DataError([Problem(display, 0, "not a regular file", "replace it with a plain text file")])
    outside = _outside_its_data(path)
    if outside is not None:
        raise DataError(
            [
                Problem(
                    display,
                    0,
                    f"a link to {visible(outside)}, outside the data directory: a data repository's link would make "
                    "kg publish another file of this machine (its title, author, text) in every output and push",
                    "copy the file into the data directory instead of linking to it",
                )
            ]
        )
    if size > MAX_BYTES:
        raise DataError(
            [
                Problem(
                    display,
                    0,
                    f"file is {size:,} bytes, over the limit of {MAX_BYTES:,}",
                    "split it into smaller files",
                )
            ]
        )
    try:
        return path.read_bytes()
    except OSError as err:
        raise DataError(
            [Problem(display, 0, f"cannot read file: {err.strerror}", "check that it exists and is readable")]
        ) from err


def decode(raw: bytes, display: str) -> str:
    """UTF-8 text of a data file's bytes (a leading byte-order mark is dropped), or a located Problem."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise DataError([Problem(display, 1, "file is UTF-32, not UTF-8", "re-save the file as UTF-8")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError([Problem(display, 1, "file is UTF-16, not UTF-8", "re-save the file as UTF-8")])
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise DataError([Problem(display, line, "file contains a NUL byte; it looks binary", "save it as UTF-8 text")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    display,
                    line,
                    f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})",
                    "re-save the file as UTF-8",
                )
            ]
        ) from err


def read_source(path: Path, display: str) -> Source:
    """Read one article file; its slug is the file name without `.md`."""
    check_slug(path.stem, display)
    return parse_source(path.stem, read_text(path, display), display)


def check_slug(slug: str, display: str) -> None:
    if not SLUG.match(slug):
        raise DataError(
            [
                Problem(
                    display,
                    0,
                    f"article file name {slug!r} is not a valid slug",
                    "use lower-case letters, digits and hyphens, e.g. china-times-blockchain.md",
                )
            ]
        )


def parse_source(slug: str, text: str, display: str) -> Source:
    """An article from its text: front matter and body; every problem is located in `display`."""
    # Windows editors save CR LF line endings: accepted, and the body keeps them (offsets index it as saved).
    newline = "\r\n" if text.startswith("---\r\n") else "\n"
    if not text.startswith("---" + newline):
        hint = "start the file with a '---' line, 'title: ...', and a closing '---' line before the text"
        if text.startswith("---\r"):
            hint = "the file has old Mac (CR only) line endings; save it with LF line endings"
        elif text.startswith("---") and text[3:4] in (" ", "\t"):
            hint = "remove the spaces after '---' on the first line"
        raise DataError([Problem(display, 1, "article has no front matter", hint)])
    end = text.find(f"{newline}---{newline}", 3)
    if end < 0 and text.endswith(f"{newline}---") and len(text) >= 6 + len(newline):
        end = len(text) - 3 - len(newline)  # closed on the file's last line, with no line break after it
    if end < 0:
        raise DataError(
            [
                Problem(
                    display,
                    1,
                    "front matter is not closed",
                    "add a line '---' after the metadata, before the article text",
                )
            ]
        )
    header = text[3 + len(newline) : end + len(newline)]
    body = text[end + 3 + 2 * len(newline) :]
    body_line = text[: end + 3 + 2 * len(newline)].count("\n") + 1
    meta = yamlsafe.load(header, display, first_line=2)
    problems: list[Problem] = []
    if not isinstance(meta, dict):
        raise DataError(
            [
                Problem(
                    display, 2, "front matter must be a mapping of keys to values", "write 'title: ...' on its own line"
                )
            ]
        )
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            problems.append(
                Problem(
                    display,
                    meta.key_line(key),
                    f"unknown front-matter key {key!r}",
                    f"allowed keys: {', '.join(FRONT_MATTER_KEYS)}",
                )
            )
    values = {}
    authors = _authors(meta, display, problems)
    for key in FRONT_MATTER_KEYS:
        value = meta.get(key)
        if key == "author":
            continue
        if value is None or value.__class__.__name__ != "YStr":
            if value is not None:
                problems.append(
                    Problem(
                        display,
                        meta.key_line(key),
                        f"front-matter key {key!r} must be plain text",
                        f"write '{key}: <text>' on one line, not a list or mapping",
                    )
                )
            values[key] = ""
            continue
        values[key] = str(value).strip()
    # the author and publisher become labels of the graph (kg.read.articles.front_matter_facts); the title is checked
    # with the article's entity (kg.check.loader.check_articles)
    for key, names in (("author", authors), ("publisher", (values["publisher"],))):
        for name in names:
            found = character_problem(name, key)
            if found:
                problems.append(Problem(display, meta.key_line(key), *found))
    if blank(values["title"]):
        problems.append(Problem(display, 2, "front matter has no title", "add 'title: <the headline>'"))
    if values["date"] and dates.parse(values["date"]) is None:
        problems.append(
            Problem(
                display,
                meta.key_line("date"),
                f"malformed date {values['date']!r}",
                "use YYYY, YYYY-MM or YYYY-MM-DD with a real year (0001 or later), month and day",
            )
        )
    for key in ("language", "translated_from"):
        if values[key] and not is_language_tag(values[key]):
            problems.append(
                Problem(
                    display,
                    meta.key_line(key),
                    f"{key.replace('_', ' ')} must be a BCP 47 tag like en or zh-Hans, not {values[key]!r}",
                    language_hint(values[key]),
                )
            )
    if values["retrieved"] and not _retrieved_ok(values["retrieved"]):
        problems.append(
            Problem(
                display,
                meta.key_line("retrieved"),
                f"retrieved must be a date and time like 2026-03-04T08:15:00Z, not {values['retrieved']!r}",
                "write when the source was fetched, in UTC with a final Z (or remove the line)",
            )
        )
    if values["sha256"] and not SHA256.match(values["sha256"]):
        problems.append(
            Problem(
                display,
                meta.key_line("sha256"),
                f"sha256 must be 64 lower-case hexadecimal digits, not {values['sha256']!r}",
                "write the SHA-256 of the original kept in data/sources/ (sha256sum prints it), or remove the line",
            )
        )
    invalid = iri_problem(values["url"]) if values["url"] else None
    if invalid is not None:
        problems.append(
            Problem(
                display,
                meta.key_line("url"),
                f'url must be an absolute http(s) address without spaces or <>"{{}}|\\^`, not {values["url"]!r}'
                + (f" ({invalid})" if invalid else ""),
                "percent-encode such characters (a space is %20, a second # is %23)",
            )
        )
    if not body.strip():
        problems.append(
            Problem(
                display,
                body_line,
                "article has no text after the front matter",
                "paste the article text, exactly as published, after the closing '---' line",
            )
        )
    if problems:
        raise DataError(problems)
    return Source(
        slug=slug,
        path=display,
        body=body,
        body_line=body_line,
        title_line=meta.key_line("title"),
        authors=authors,
        author_line=meta.key_line("author") if authors else 0,
        publisher_line=meta.key_line("publisher") if values["publisher"] else 0,
        **values,
    )


def _retrieved_ok(text: str) -> bool:
    if not RETRIEVED.match(text):
        return False
    from datetime import datetime

    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _authors(meta, display: str, problems: list[Problem]) -> tuple[str, ...]:
    """The front matter's authors: `author: Name`, or a YAML list of names (`author: [A, B]`, or one `- Name` a
    line), each plain text; repeated names count once, in the order written."""
    value = meta.get("author")
    if value is None or (value.__class__.__name__ == "YStr" and blank(str(value))):
        return ()
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if item is None or item.__class__.__name__ != "YStr" or blank(str(item)):
            problems.append(
                Problem(
                    display,
                    getattr(item, "line", 0) or meta.key_line("author"),
                    "front-matter key 'author' must be a name or a list of names",
                    "write 'author: <name>' or 'author: [<name>, <name>]', each name plain text",
                )
            )
            continue
        name = " ".join(str(item).split())
        if name not in names:
            names.append(name)
    return tuple(names)


# front-matter keys that name entities: the property, the class the named entity must have, the class of a new one
FRONT_MATTER_ENTITIES = (("author", "Person", "Person"), ("publisher", "Organisation", "MediaOutlet"))


def front_matter_facts(
    source: Source, entities: list[Entity], statements: list[Statement], ontology: Ontology
) -> list[tuple[str, str, str | None, str]]:
    """The facts an article's front matter states about it (author, publisher) that its facts file does not:
    (property, name as written, id of the facts file's entity of that name or None, class of a new node).

    A name is matched, ignoring case and spacing, against the labels and aliases of the entities this source's
    facts file declares with a fitting class, so a person the file already declares is one node, not two; a
    fact the file states itself (with its quote) is left to it. They are the article's metadata, as its title
    and date are: no quote in the body supports them, so they have no statement node (see emit_source)."""
    from kg.ontology import KG  # here: rdflib, which it loads, is not needed to read an article

    names: dict[str, list[Entity]] = {}
    for entity in entities:
        for text in (entity.label, *entity.aliases):
            names.setdefault(name_key(text), []).append(entity)
    stated = {(st.predicate, st.object) for st in statements if st.subject == source.slug and st.object}
    out: list[tuple[str, str, str | None, str]] = []
    for predicate, fits, new in FRONT_MATTER_ENTITIES:
        given = source.authors if predicate == "author" else (source.publisher,) if source.publisher else ()
        for name in given:
            found = [e for e in names.get(name_key(name), []) if ontology.is_a(e.cls, (KG[fits],))]
            eid = min(e.id for e in found) if found else None
            if eid is not None and (predicate, eid) in stated:
                continue
            out.append((predicate, name, eid, new))
    return out


def front_matter_uses(
    source: Source, entities: list[Entity], statements: list[Statement], ontology: Ontology
) -> list[str]:
    """The declared entities an article's front matter names (and its facts file does not state): a use of each,
    as a statement naming it is, since the front matter traces it to the article."""
    return [eid for _, _, eid, _ in front_matter_facts(source, entities, statements, ontology) if eid is not None]


def name_key(text: str) -> str:
    """A name as front-matter matching compares it: Unicode-normalised, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
