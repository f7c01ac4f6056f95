"""A PDF's text from its text layer (pypdf), with its document metadata.

A scanned notice is pictures of pages with no text layer: it is refused with the advice to run OCR first, never
added with an empty or made-up text. Lines are joined into paragraphs: a line that stops well short of the
page's usual line width ends one (the last line of a paragraph), as does a page break.
"""

from __future__ import annotations

import io
import re

from kg.ingest import Found, Refused, names
from kg.ingest.page import text_size

_CJK_END = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
MIN_TEXT = 100  # less than this (CJK counted three) on all pages together: no text layer worth the name


def read_pdf(data: bytes, shown: str) -> Found:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(shown, "the PDF is encrypted with a password", "save an unprotected copy and add that")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except Refused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise Refused(shown, f"not a readable PDF ({err})", "check that the file is a whole, valid PDF") from None
    except Exception as err:  # pypdf raises many kinds on damaged files; each is a damaged file to the user
        raise Refused(
            shown, f"not a readable PDF ({type(err).__name__}: {err})", "check that the file is a whole, valid PDF"
        ) from None
    paragraphs: list[str] = []
    for page in pages:
        paragraphs.extend(_paragraphs(page))
    body = "\n\n".join(paragraphs)
    if text_size(body) < MIN_TEXT:
        raise Refused(
            shown,
            "the PDF has no text layer (a scan: pictures of pages)",
            "run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and add the result, or add its text as a .txt "
            "file with --title",
        )
    found = Found(body=body + "\n")
    found.title = names.clean(str(info.get("/Title") or ""))
    author = str(info.get("/Author") or "")
    found.authors = names.authors([author], found.notes) if author else []
    created = str(info.get("/CreationDate") or "")
    match = re.match(r"^D:(\d{4})(\d{2})?(\d{2})?", created)
    if match:
        from kg import dates

        day = "-".join(part for part in match.groups() if part)
        found.date = day if dates.parse(day) is not None else ""
    if not found.title:  # the first line of the text is the headline of most notices
        found.title = paragraphs[0][:200] if paragraphs else ""
    return found


def _paragraphs(page: str) -> list[str]:
    lines = [names.clean(line) for line in page.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return []
    width = max(len(line) for line in lines)
    out: list[str] = []
    current = ""
    for line in lines:
        if not current:
            current = line
        elif _CJK_END.search(current) and _CJK_START.search(line):
            current += line
        elif current.endswith("-") and line[:1].islower():
            current = current[:-1] + line  # a word hyphenated at the line's end
        else:
            current += " " + line
        if len(line) < 0.75 * width:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out
