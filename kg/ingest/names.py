"""Titles, author names and publisher names as a page gives them, made fit for the front matter.

Page text is untrusted: control characters go, every run of white space (line breaks included) becomes one
space, so what is written is exactly what kg's reader reads back. Bylines are cut into people: "By A and B,
Reuters | 4 March" gives A and B; a news agency or a generic "staff" byline is no person and is left out of
`author:` (the graph makes each author a Person), with a note saying so.
"""

from __future__ import annotations

import re
import unicodedata

from kg.errors import blank

_BY = re.compile(r"^\s*(?:(?:written|reported|words|text|story|compiled)\s+)?(?:by|from)\b[\s:：]*", re.IGNORECASE)
_CN_ROLE = re.compile(
    r"^(?:本报记者|新华社记者|特约记者|通讯员|实习生|作者|记者|撰文|编辑|责任编辑|責任編輯|文|图)[\s:：/|]*"
)
_SPLIT = re.compile(r"\s*(?:,|;|\||/|&|\band\b|\bund\b|\bet\b|、|，|；|｜)\s*", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
AGENCIES = {
    "reuters",
    "thomson reuters",
    "ap",
    "associated press",
    "the associated press",
    "afp",
    "agence france-presse",
    "agence france presse",
    "xinhua",
    "xinhua news agency",
    "新华社",
    "中新社",
    "中国新闻社",
    "china news service",
    "bloomberg",
    "bloomberg news",
    "kyodo",
    "kyodo news",
    "yonhap",
    "dpa",
    "efe",
    "ansa",
    "tass",
    "pti",
    "ians",
    "bernama",
    "cna",
    "upi",
    "agencies",
    "wire services",
    "wires",
}
GENERIC = {
    "staff",
    "staff reporter",
    "staff writer",
    "our reporter",
    "our correspondent",
    "editorial staff",
    "editorial board",
    "newsroom",
    "news desk",
    "web desk",
    "admin",
    "administrator",
    "editor",
    "editors",
    "unknown",
    "anonymous",
}


# a terminal's escape sequences, whole: a CSI with its final byte (ESC [ 2 J, the 8-bit CSI U+009B), a string
# (OSC: a window title ESC ] 0 ; ... BEL; DCS, SOS, PM, APC) with its terminator, any other ESC sequence. Removing
# only their control characters left the rest as text: `Mei ESC]0;X BEL Tan` became `Mei ]0;X Tan`, which the
# byline's `;` then cut into "Mei ]0" (dropped for its digit) and the author "X Tan". A string's body stops at the
# next introducer, so a page of introducers without a terminator costs one pass, not one per introducer.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\x90\x98\x9b\x9d\x9e\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)


def clean(text: str) -> str:
    """One line of text: terminal escape sequences and control and format characters (but joiners) removed,
    white space runs one space."""
    out = []
    for char in unicodedata.normalize("NFC", _SEQUENCE.sub("", text)):
        if char.isspace() or unicodedata.category(char) in ("Zl", "Zp"):
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") and char not in "\u200c\u200d":
            continue  # control, format (a BOM, a zero-width space; the joiners stay), unassigned
        else:
            out.append(char)
    return " ".join("".join(out).split())


def title(text: str, publisher: str = "") -> str:
    """A headline without the site's name that pages append to it ("Headline | Site", "标题_网站", "見出し｜サイト")."""
    text = clean(text)
    for site in sorted({publisher, publisher.removeprefix("The ")} - {""}, key=len, reverse=True):
        match = re.search(r"\s*(?:[|｜_·•:：~]|\s[-–—]|[-–—]{2}|－)\s*" + re.escape(site) + r"$", text)
        if match and match.start() > 0:
            return text[: match.start()].strip()
    return text


def authors(values: list[str], notes: list[str]) -> list[str]:
    """People's names from byline strings, in order, each once; agencies and generic bylines noted, not kept."""
    out: list[str] = []
    for value in values:
        text = clean(value)
        text = _BY.sub("", text)
        for part in _SPLIT.split(text):
            part = _CN_ROLE.sub("", _BY.sub("", part)).strip(" .:：-–—")
            if not part:
                continue
            pieces = part.split(" ") if _HAN.search(part) and " " in part else [part]
            for name in pieces:
                name = name.strip()
                key = name.casefold()
                if blank(name) or "@" in name or "://" in name or any(c.isdigit() for c in name):
                    continue
                if key in AGENCIES or key.endswith((" news agency", " press agency")):
                    notes.append(f"agency byline {name!r} is not taken as an author")
                    continue
                if key in GENERIC or len(name.split()) > 5 or len(name) > 80:
                    continue
                if key not in (n.casefold() for n in out):
                    out.append(name)
    return out
