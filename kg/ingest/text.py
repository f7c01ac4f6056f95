"""A plain-text or Markdown file as an article: paragraphs as the file separates them by blank lines.

A Markdown file that is already a kg article (front matter first) keeps its metadata; otherwise the first line
is the title when it looks like one (a short line, or a `# heading`)."""

from __future__ import annotations

import re

from kg.ingest import Found, Refused, names
from kg.ingest.encoding import codec

_HEADING = re.compile(r"^#{1,6}\s+")


def decode_text(data: bytes, shown: str, override: str = "") -> str:
    if override:
        name = codec(override)
        if name is None:
            raise Refused(shown, f"unknown encoding {override!r} (given with --encoding)", "check its spelling")
    else:
        name = "utf-8-sig"
    for bom, utf16 in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom) and not override:
            name = utf16
    try:
        return data.decode(name)
    except UnicodeDecodeError as err:
        raise Refused(
            shown,
            f"not {override or 'UTF-8'} text (byte 0x{data[err.start]:02x} at offset {err.start})",
            "pass --encoding with the file's encoding (e.g. --encoding gb18030, big5, shift_jis)",
        ) from None


def read_text_source(data: bytes, shown: str, override: str = "") -> Found:
    text = decode_text(data, shown, override).replace("\r\n", "\n").replace("\r", "\n")
    found = Found(body="")
    if text.startswith("---\n"):
        _front_matter(text, shown, found)
        end = text.find("\n---\n", 3)
        text = text[end + 5 :] if end >= 0 else text
    blocks = [block for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    paragraphs = []
    for block in blocks:
        lines = [_clean_line(line) for line in block.split("\n")]
        paragraphs.append("\n".join(line for line in lines if line))
    paragraphs = [p for p in paragraphs if p]
    if not found.title and paragraphs:
        first = paragraphs[0].split("\n")[0]
        if _HEADING.match(first) or (len(first) <= 200 and "\n" not in paragraphs[0]):
            found.title = names.clean(_HEADING.sub("", first))
            if _HEADING.match(first):
                paragraphs[0] = paragraphs[0].split("\n", 1)[1] if "\n" in paragraphs[0] else ""
                paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise Refused(shown, "it holds no text", "give the article's text")
    found.body = "\n\n".join(paragraphs) + "\n"
    return found


def _clean_line(line: str) -> str:
    """The line without control characters (a tab is a space) or trailing spaces; its words untouched."""
    return "".join(" " if c == "\t" else c for c in line if c == "\t" or c.isprintable() or c == "\u3000").rstrip()


def _front_matter(text: str, shown: str, found: Found) -> None:
    from kg.errors import DataError
    from kg.read.articles import parse_source

    try:
        source = parse_source("x", text, shown)
    except DataError:
        return  # not a kg article after all: its lines are text like any other
    found.title, found.authors, found.publisher = source.title, list(source.authors), source.publisher
    found.date, found.language, found.url = source.date, source.language, source.url
    found.translated_from = source.translated_from
