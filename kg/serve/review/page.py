"""The page of `kg review`: one self-contained HTML file (kg/serve/assets/review.html), kg's own script and style.

It loads nothing from the internet: its one script and one style sheet are inline, allowed by their hashes in the
Content-Security-Policy (as kg serve's page, kg/serve/page.py), and it talks only to its own server
(connect-src 'self'). The page holds no data: it asks /data for the article and the draft with the token from
its address's fragment, so the same bytes (and the same hashes) serve every run.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from kg.serve.page import page_answer


@cache
def text() -> str:
    return resources.files("kg.serve").joinpath("assets/review.html").read_text(encoding="utf-8")


@cache
def response(head_only: bool = False) -> bytes:
    """The whole HTTP answer to GET / (or HEAD /)."""
    return page_answer(text(), head_only, also="X-Frame-Options: DENY\r\n")
