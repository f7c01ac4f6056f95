"""The query page of `kg serve`, kg's own: one self-contained HTML file (kg/serve/assets/query.html) with the saved
questions and kg's prefixes written into it when the server starts.

Why not Oxigraph's built-in page: it asks prefix.cc for prefix suggestions whenever the machine is online, and
kg's rule is that nothing loads a script or data from the internet at run time. This page loads nothing: its
one script and one style sheet are inline, allowed by their hashes in the Content-Security-Policy header, and
the only request it may make is the query, to its own server (connect-src 'self').

Untrusted text (saved questions, and the labels in the answers) never becomes markup: the saved questions travel
as JSON in a data block, with `<`, `>` and `&` written as \\u escapes so no `</script>` in a question can end the
block, and the page's script shows every value with textContent.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources

from kg.store import PREFIXES, QueryText, saved_queries

EXAMPLE = """\
PREFIX kg: <https://kg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Organisations and their English names. Ctrl+Enter runs the query; kg's prefixes
# (kg:, rdfs:, schema:, prov: ...) are added when a query uses them undeclared.
SELECT ?organisation ?name WHERE {
  ?organisation a kg:Organisation ; rdfs:label ?name .
  FILTER (LANGMATCHES(LANG(?name), "en"))
}
ORDER BY ?name
LIMIT 100
"""

_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)


def script_json(value: object) -> str:
    """JSON that is inert inside a <script> data block: `<`, `>` and `&` are \\u escapes, so neither `</script>`
    nor `<!--` in the text can end or alter the block; U+2028 and U+2029 too, for any older parser."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def render(saved: Mapping[str, QueryText], prefixes: Mapping[str, str] = PREFIXES, example: str = EXAMPLE) -> str:
    """The page with these saved questions and prefixes written in."""
    template = resources.files("kg.serve").joinpath("assets/query.html").read_text(encoding="utf-8")
    data = {
        "prefixes": dict(prefixes),
        "saved": [
            {
                "name": q.name or name,
                "description": q.description,
                "text": q.text,
                "params": [{"name": p.name, "required": p.required, "help": p.help} for p in q.params],
            }
            for name, q in saved.items()
        ],
    }
    # the example is placed first, so nothing in the data can be mistaken for the example's marker
    return template.replace("{{EXAMPLE}}", html.escape(example), 1).replace("{{DATA}}", script_json(data), 1)


def content_security_policy(page: str) -> str:
    """Only this page's own inline script and style run (by their SHA-256), it may fetch only from its own
    origin, and it loads no image, font, frame or form target from anywhere."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _INLINE.findall(page):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes[kind].append(f"'sha256-{digest}'")
    scripts = " ".join(hashes["script"]) or "'none'"
    styles = " ".join(hashes["style"]) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; "
        "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def page_answer(page: str, head_only: bool = False, also: str = "") -> bytes:
    """The whole HTTP answer that serves one of kg's own pages (kg serve's, kg review's): its scripts and styles
    allowed by their hashes, never cached, never sniffed; `also` adds header lines (kg review: no framing)."""
    body = page.encode("utf-8")
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Content-Security-Policy: {content_security_policy(page)}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"{also}"
        "Referrer-Policy: no-referrer\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + (b"" if head_only else body)


@cache
def response(head_only: bool = False) -> bytes:
    """The whole HTTP answer to GET / (or HEAD /): built once, as the saved questions are package data."""
    return page_answer(render(saved_queries()), head_only)
