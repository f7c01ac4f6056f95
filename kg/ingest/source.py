"""Open one source a user names (a URL, a file, standard input) and hand it to the reader of its kind."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kg.ingest import Found, Original, Refused
from kg.ingest.fetch import Limits, Via, fetch, is_url

KINDS = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".txt": "txt", ".md": "md"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
TEXT_TYPES = {"text/plain", "text/markdown"}
SIGNATURES = (  # files that are certainly not a page or a text, by their first bytes
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word or Excel file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel file"),
    (b"\x7fELF", "a program"),
    (b"RIFF", "a media file"),
)


def read_bytes(source: str, limits: Limits, via: Via | None = None) -> Original:
    """The raw bytes of a source, with its kind (html, pdf, txt, md) decided from its name or headers; `via` is
    the feed that named a URL (None: the user did)."""
    if source == "-":
        data = sys.stdin.buffer.read(limits.max_bytes + 1)
        _limit(source, len(data), limits)
        return Original(data, _sniff(data, source, "txt"))
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source) and not is_url(source):
        raise Refused(source, "only http and https addresses are fetched", "download it yourself and add the file")
    if is_url(source):
        original = fetch(source, limits, via)
        original.extension = _kind_of_response(original, source)
        return original
    path = Path(source)
    try:
        if not path.is_file():
            what = "no such file" if not path.exists() else "not a regular file"
            raise Refused(
                source, what, "give a URL (http:// or https://), a saved .html page, a .pdf, a .txt or .md file, or -"
            )
        size = path.stat().st_size
        _limit(source, size, limits)
        data = path.read_bytes()
    except OSError as err:
        raise Refused(source, f"cannot read it ({err.strerror})", "check that it exists and is readable") from None
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise Refused(
            source,
            f"kg add does not know {path.suffix or 'files without an extension'!r}",
            "add a saved .html/.htm page, a .pdf, a .txt or a .md file (rename it if it is one of those)",
        )
    return Original(data, _sniff(data, source, kind))


def _limit(source: str, size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise Refused(
            source,
            f"{size:,} bytes or more, over the limit of {limits.max_bytes:,}",
            "pass a larger --max-bytes if this really is one article",
        )


def _binary(data: bytes) -> str:
    for magic, what in SIGNATURES:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file"
    return ""


def _sniff(data: bytes, source: str, kind: str) -> str:
    """The kind the bytes really are: a PDF is a PDF by its first bytes whatever its name; binary is refused."""
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if kind == "pdf":
        raise Refused(source, "not a PDF (it does not start with %PDF-)", "check that the file is a whole PDF")
    what = _binary(data)
    if what:
        raise Refused(
            source, f"{what}, not a web page or text", "add a web page, a PDF with a text layer, or a text file"
        )
    head = data[:2048].lower()
    if kind in ("txt",) and (b"<html" in head or b"<!doctype html" in head):
        return "html"
    return kind


def _kind_of_response(original: Original, source: str) -> str:
    kind = original.content_type
    data = original.data
    if kind == "application/pdf" or data.lstrip()[:5] == b"%PDF-":
        return _sniff(data, source, "pdf")
    if kind in FEED_TYPES or (kind in ("application/xml", "text/xml") and _looks_like_feed(data)):
        raise Refused(source, "this address is a feed, not an article", f"add its items with: kg add --feed {source}")
    if kind in HTML_TYPES or not kind:
        return _sniff(data, source, "html")
    if kind in TEXT_TYPES:
        return _sniff(data, source, "txt")
    what = _binary(data)
    if not what and (b"<html" in data[:2048].lower() or b"<!doctype html" in data[:2048].lower()):
        return "html"  # a page served with a wrong type (application/octet-stream, text/x-...)
    what = what or f"a {kind} document"
    raise Refused(source, f"{what}, not a web page or text", "add a web page, a PDF with a text layer, or a text file")


def _looks_like_feed(data: bytes) -> bool:
    head = data[:1024].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def read(original: Original, source: str, encoding: str = "") -> Found:
    """The text and metadata of a source's bytes, by the reader of its kind."""
    if original.extension == "pdf":
        from kg.ingest.pdf import read_pdf

        return read_pdf(original.data, source)
    if original.extension == "html":
        from kg.ingest.encoding import decode_page
        from kg.ingest.page import read_page

        html, _ = decode_page(original.data, original.charset, source, encoding)
        return read_page(html, source, original.url)
    from kg.ingest.text import read_text_source

    return read_text_source(original.data, source, encoding or original.charset)
