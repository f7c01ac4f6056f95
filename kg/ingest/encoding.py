"""The text of a web page's bytes, in the encoding the server or the page declares.

Chinese and Japanese sites still serve GBK, GB18030, Big5 and Shift-JIS, often declared only in a `<meta>`
tag. Each declared name is read as its superset, as browsers do (WHATWG Encoding: gb2312 and gbk are gb18030's
subsets, shift_jis is read as Microsoft's cp932, big5 as big5hkscs), so a character the narrower table lacks
does not fail the page. The order is the HTML standard's: byte-order mark, then the HTTP header, then `<meta>`;
an undeclared page must be UTF-8 (what else it is cannot be known for sure), else it is refused.
"""

from __future__ import annotations

import codecs
import re

from kg.ingest import Refused

SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}

# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x"> in the first 4 KB, as
# browsers look for it (the HTML standard's prescan reads 1024 bytes; pages with long scripts first go further)
_META = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_XML = re.compile(rb"^<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)")


def meta_charset(data: bytes) -> str:
    match = _META.search(data[:4096]) or _XML.search(data[:200])
    return match.group(1).decode("ascii").strip().lower() if match else ""


# codecs Python has that are no character encoding of a document: a server (or a page's <meta>) naming one made
# decoding raise UnicodeError (undefined; idna and punycode on any byte they do not expect) or LookupError (rot13,
# base64, zlib: "not a text encoding"), tracebacks in kg add and kg push; the escape codecs turn the text
# `\u001b` into an escape character, and UTF-7 is the one browsers dropped for the same reason
NOT_DOCUMENT_ENCODINGS = frozenset(
    {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7", "mbcs", "oem"}
)


def codec(label: str) -> str | None:
    """Python's codec for an encoding label, or None when Python knows no such encoding of text documents."""
    label = label.strip().lower()
    name = SUPERSETS.get(label, label)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("_", "-") in NOT_DOCUMENT_ENCODINGS:
        return None
    return info.name


def decode_page(data: bytes, header_charset: str, shown: str, override: str = "") -> tuple[str, str]:
    """(text, the encoding used) of a page's bytes; a Refused when the declared encoding is unknown or the bytes
    do not fit it."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom) and not override:
            return _decode(data[len(bom) :], name, name, shown, "its byte-order mark")
    if override:
        label, where = override, "--encoding"
    elif header_charset:
        label, where = header_charset, "the HTTP header"
    else:
        label, where = meta_charset(data), "the page's <meta>"
    if not label:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            raise Refused(
                shown,
                "the page declares no encoding and is not UTF-8",
                "pass --encoding with the page's encoding (e.g. --encoding gb18030, big5, shift_jis)",
            ) from None
    name = codec(label)
    if name is None:
        raise Refused(
            shown,
            f"unknown encoding {label!r} (declared in {where})",
            "pass --encoding with the page's real encoding (e.g. --encoding gb18030, big5, shift_jis, utf-8)",
        )
    return _decode(data, name, label, shown, where)


def _decode(data: bytes, name: str, label: str, shown: str, where: str) -> tuple[str, str]:
    try:
        return data.decode(name), name
    except UnicodeDecodeError as err:
        raise Refused(
            shown,
            f"the bytes are not {label} as {where} declares (byte 0x{data[err.start]:02x} at offset {err.start})",
            "pass --encoding with the page's real encoding (e.g. --encoding gb18030, big5, shift_jis, utf-8)",
        ) from None
