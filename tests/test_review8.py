"""Eighth outside review of `kg serve`, `kg push`, `kg add` and the build cache (issue 21). Real parts only: real
sockets on 127.0.0.1, the real CLI in a subprocess."""

from __future__ import annotations

import http.server
from typing import ClassVar

import pytest

from tests.conftest import run_kg, serving

NO_PROXY = {"NO_PROXY": "*", "no_proxy": "*"}


class _Counting(http.server.BaseHTTPRequestHandler):
    """A page server that counts the requests it was sent."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = b"<html><head><title>T</title></head><body><article><p>Short.</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("timeout", ["nan", "inf", "1e300", "86401", "0"])
def test_a_timeout_no_fetch_can_keep_is_a_usage_error(timeout, tmp_path):
    """`kg add --timeout nan` passed the `<= 0` check: every fetch failed at once with "no complete answer within
    nan s"; inf and 1e300 let a server hold the fetch for ever. Now the bound kg push has: refused, nothing fetched."""
    _Counting.seen = []
    with serving(http.server.HTTPServer(("127.0.0.1", 0), _Counting)) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        result = run_kg(
            "add", "--data", str(tmp_path / "data"), "--allow-private", "--timeout", timeout, url, env=NO_PROXY
        )
    assert result.returncode == 2, result.stderr
    assert "give a number of seconds above 0, at most 86400" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _Counting.seen == []
