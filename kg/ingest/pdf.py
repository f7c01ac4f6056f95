"""A PDF's text from its text layer (pypdf), with its document metadata.

A scanned notice is pictures of pages with no text layer: it is refused with the advice to run OCR first, never
added with an empty or made-up text. Lines are joined into paragraphs by their layout: a gap between two lines
wider than the page's usual line spacing, a change of font size (a heading) or a page break starts a new one.
"""

from __future__ import annotations

import io
import itertools
import re

from kg.errors import visible
from kg.ingest import Found, Refused, names
from kg.ingest.page import text_size

_CJK_END = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
MAX_CONTENT = 8 * 1024 * 1024  # decoded content streams read from one PDF, all pages together
MIN_TEXT = 100  # less than this (CJK counted three) on all pages together: no text layer worth the name


# pypdf's cost is not bounded by a PDF's size: it parses every font's /ToUnicode map (up to 100,000 entries from a
# 20-byte range) again for each page and each form it draws, so a 3 kB PDF of 10 pages sharing 10 such fonts took
# 20 s and 1.2 GB, and more fonts or pages hours and the machine's memory. Its text layer is therefore read in a
# process of its own under these limits; a news PDF takes well under a second and some tens of MB.
READ_CPU_SECONDS = 120
READ_MEMORY = 2 * 1024 * 1024 * 1024  # bytes of address space for that process

_CHILD = "from kg.ingest.pdf import _child; _child()"


def _cpu_seconds() -> int:
    """The child's CPU limit: READ_CPU_SECONDS, or less if the user's own limit (`ulimit -t`) is lower; kg never
    raises a limit the user set."""
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_CPU)
    return READ_CPU_SECONDS if soft == resource.RLIM_INFINITY else max(1, min(soft, READ_CPU_SECONDS))


def read_pdf(data: bytes, shown: str) -> Found:
    import json
    import signal
    import subprocess
    import sys

    cpu = _cpu_seconds()
    too_costly = Refused(
        shown,
        f"reading its text layer took more than kg add allows ({cpu} s of CPU or "
        f"{READ_MEMORY // (1024 * 1024 * 1024)} GiB of memory): pypdf's work on some PDFs (fonts or forms drawn again "
        "and again) is far larger than the file",
        "add its text as a .txt file with --title",
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD],
            input=data,
            capture_output=True,  # pypdf's warnings about a damaged file are its own, not kg's
            timeout=cpu * 3,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise too_costly from None
    except OSError as err:
        raise Refused(shown, f"cannot start the process that reads PDFs ({err.strerror})") from None
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL) or b"MemoryError" in done.stderr:
            raise too_costly  # killed by its CPU limit, or out of its memory
        said = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise Refused(
            shown,
            f"not a readable PDF (the process reading it ended with {done.returncode}: {visible(said[-1][:200])})",
            "check that the file is a whole, valid PDF",
        )
    if "refused" in answer:
        raise Refused(shown, *answer["refused"])
    pages = [[(text, y, size) for text, y, size in page] for page in answer["pages"]]
    info = answer["info"]
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
        from kg.read import dates

        day = "-".join(part for part in match.groups() if part)
        found.date = day if dates.parse(day) is not None else ""
        found.date_guessed = bool(found.date)
    if not found.title:  # the first line of the text is the headline of most notices
        # stripped: cut at 200 characters after a space, the title's trailing space did not read back from the
        # front matter, and kg add refused the PDF ("did not read back as written; please report this")
        found.title = paragraphs[0][:200].strip() if paragraphs else ""
    return found


def _lines(page) -> list[tuple[str, float, float]]:
    """The page's lines of text as (text, vertical position, font size), in reading order."""
    fragments: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text and text.strip("\n"):
            fragments.append((text, float(tm[5]) * float(cm[3] or 1) + float(cm[5]), float(size)))

    plain = page.extract_text(visitor_text=visit) or ""
    if not fragments:
        return [(line, float(i) * 10, 0.0) for i, line in enumerate(plain.split("\n"))]
    lines: list[tuple[str, float, float]] = []
    for text, y, size in fragments:
        if lines and abs(lines[-1][1] - y) < 0.5:
            lines[-1] = (lines[-1][0] + text, lines[-1][1], max(lines[-1][2], size))
        else:
            lines.append((text, y, size))
    return lines


def _paragraphs(page: list[tuple[str, float, float]]) -> list[str]:
    lines = [(names.clean(text), y, size) for text, y, size in page]
    lines = [line for line in lines if line[0]]
    if not lines:
        return []
    usual: dict[float, float] = {}  # the usual line spacing of each font size: most lines are inside a paragraph
    for size in {line[2] for line in lines}:
        gaps = sorted(
            abs(b[1] - a[1]) for a, b in itertools.pairwise(lines) if a[2] == b[2] == size and abs(b[1] - a[1]) > 0.5
        )
        usual[size] = gaps[len(gaps) // 4] if gaps else 0.0
    out: list[str] = []
    current = ""
    previous: tuple[str, float, float] | None = None
    for line in lines:
        text, y, size = line
        spacing = usual.get(size, 0.0)
        if previous is not None and (size != previous[2] or (spacing and abs(y - previous[1]) > 1.3 * spacing)):
            out.append(current)
            current = ""
        if not current:
            current = text
        elif _CJK_END.search(current[-1]) and _CJK_START.search(text):
            # the last character only: `$` made search() scan the whole paragraph so far for each line joined to
            # it, so a 3 kB PDF whose 20,000 lines make one paragraph took 76 s
            current += text
        elif current.endswith("-") and text[:1].islower():
            current = current[:-1] + text  # a word hyphenated at the line's end
        else:
            current += " " + text
        previous = line
    if current:
        out.append(current)
    return out


def _child() -> None:
    """In the limited process: the PDF's bytes on stdin; its pages' lines and metadata, or why it is refused, as
    JSON on stdout."""
    import json
    import resource
    import sys

    # set here, first thing, rather than by a preexec_fn in the parent (unsafe in a process with threads)
    resource.setrlimit(resource.RLIMIT_AS, (READ_MEMORY, READ_MEMORY))
    cpu = _cpu_seconds()
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        pages, info = _layer(sys.stdin.buffer.read())
        answer: dict = {"pages": pages, "info": info}
    except Refused as err:
        answer = {"refused": [err.reason, err.fix]}
    sys.stdout.write(json.dumps(answer))


def _layer(data: bytes) -> tuple[list, dict]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    shown = ""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused(shown, "the PDF is encrypted with a password", "save an unprotected copy and add that")
        read = 0
        for number, page in enumerate(reader.pages, 1):
            # the text layer's drawing operations, decoded: a news PDF holds well under a MiB a page, and pypdf
            # takes seconds a MiB to read them, so a few kB of compressed operations (or one stream shared by
            # thousands of pages) held kg add for hours; the whole is measured before any page is read
            contents = page.get_contents()
            read += len(contents.get_data()) if contents is not None else 0
            if read > MAX_CONTENT:
                raise Refused(
                    shown,
                    f"its pages hold more than {MAX_CONTENT // (1024 * 1024)} MiB of drawing operations (page "
                    f"{number} of {len(reader.pages):,}), more than kg add reads from one PDF",
                    "add its text as a .txt file with --title",
                )
        pages = [_lines(page) for page in reader.pages]
        meta = reader.metadata or {}
        info = {key: str(meta.get(key) or "") for key in ("/Title", "/Author", "/CreationDate")}
    except (Refused, MemoryError):  # out of memory: the parent says the PDF costs too much
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise Refused(shown, f"not a readable PDF ({err})", "check that the file is a whole, valid PDF") from None
    except Exception as err:  # pypdf raises many kinds on damaged files; each is a damaged file to the user
        raise Refused(
            shown, f"not a readable PDF ({type(err).__name__}: {err})", "check that the file is a whole, valid PDF"
        ) from None
    return pages, info
