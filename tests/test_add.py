"""kg add on real parts: a real HTTP server on 127.0.0.1 serving the pages under tests/fixtures/add/ (fictional
text, boilerplate and all), PDFs printed by the real Chromium, the real CLI in a subprocess, and every added
article read back by kg's own reader and built by `kg build`."""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

import pytest

from kg.ingest import article, names
from kg.read.articles import read_source
from tests.conftest import ROOT, run_kg, serving

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "add"
HOSTILE_TITLE = 'He said: "no" - [yes] & *star #hash\n  second: line\x07\u2028end {x}'
HOSTILE_AUTHORS = ['O\'Brien, "Jr"', "- Dash: Colon", "By Ann\x00e Lee and Bo #Li"]


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _zh(name: str, encoding: str, meta: bool) -> bytes:
    text = (FIXTURES / name).read_text("utf-8")
    text = text.replace('<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n', "")
    if meta:
        text = text.replace(
            "<head>", f'<head>\n<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
        )
    return text.encode(encoding)


def _hostile_page() -> bytes:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": HOSTILE_TITLE,
        "author": [{"@type": "Person", "name": n} for n in HOSTILE_AUTHORS],
        "publisher": {"@type": "Organization", "name": "Pub: 'quoted' \"twice\""},
        "datePublished": "2026-02-01",
    }
    body = _fixture("second.html").decode("utf-8")
    body = body.replace("</head>", f'<script type="application/ld+json">{json.dumps(ld)}</script></head>').replace(
        "<p>Drivers'", "<p>---</p><p>title: not front matter</p><p>Drivers'"
    )
    return body.encode("utf-8")


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict] = {}
    requested: ClassVar[list] = []  # every path asked for, in order

    def log_message(self, *args) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self.requested.append(self.path)
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self._send(404, "text/html", b"<html><body>Not found</body></html>")
            return
        if callable(route):
            route(self)
            return
        status, content_type, body = route
        self._send(status, content_type, body)

    def _send(self, status: int, content_type: str, body: bytes, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def _redirect(target: str):
    def answer(handler: _Handler) -> None:
        handler._send(302, "text/html", b"", {"Location": target})

    return answer


def _slow(handler: _Handler) -> None:
    time.sleep(3)
    with contextlib.suppress(OSError):  # kg gave up first, as it should
        handler._send(200, "text/html; charset=utf-8", _fixture("second.html"))


def _drip(handler: _Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.end_headers()
    with contextlib.suppress(OSError):  # a byte every 0.2 s: each read is quick, the whole never ends in time
        for byte in _fixture("second.html")[:40]:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.2)


def _oversize(handler: _Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.end_headers()  # no Content-Length: the limit must hold while reading
    with contextlib.suppress(OSError):
        handler.wfile.write(_fixture("second.html").replace(b"<p>", b"<p>" + b"long text " * 2000))


def _encoded(body: bytes, coding: str):
    def answer(handler: _Handler) -> None:
        handler._send(200, "text/html; charset=utf-8", body, {"Content-Encoding": coding})

    return answer


def _gzip_bomb() -> bytes:
    """A page of 256 MiB of spaces, gzipped twice: 2 KB on the wire (`Content-Encoding: gzip, gzip`)."""
    import gzip
    import zlib

    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    layer = bytearray(inner.compress(b"<html><body><p>"))
    block = b" " * (1 << 20)
    for _ in range(256):
        layer += inner.compress(block)
    layer += inner.flush()
    return gzip.compress(bytes(layer), 9)


def _head_drip(handler: _Handler) -> None:
    """The status line, then a header line every 0.2 s for 20 s: each read is quick, the head never ends in time."""
    with contextlib.suppress(OSError):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        handler.wfile.flush()
        for _ in range(100):
            time.sleep(0.2)
            handler.wfile.write(b"X-Drip: 1\r\n")
            handler.wfile.flush()
    handler.close_connection = True


def _pdfs() -> tuple[bytes, bytes]:
    """A PDF with a text layer and one that is only pictures, printed by the real Chromium."""
    from tests.browser import chromium

    out = []
    with chromium() as browser:
        page = browser.new_page()
        for name in ("notice.html", "scan.html"):
            page.set_content(_fixture(name).decode("utf-8"))
            out.append(page.pdf(format="A4"))
    return out[0], out[1]


@pytest.fixture(scope="module")
def site():
    """The test's web server: its base address, and the bytes of each page it serves."""
    try:
        text_pdf, scan_pdf = _pdfs()
    except pytest.skip.Exception:  # no Chromium here (never in CI, where it fails): the PDF tests skip, no others
        text_pdf = scan_pdf = b""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    html = "text/html; charset=utf-8"
    news = _fixture("news.html").replace(b"http://127.0.0.1/news/2026", base.encode() + b"/news/2026")
    routes = {
        "/news/harbour.html": (200, html, news),
        "/news/2026/harbour-battery-park": (200, html, news),
        "/news/second.html": (200, html, _fixture("second.html")),
        "/copy/harbour.html": (200, html, news.replace(b'<link rel="canonical"', b'<link rel="alternate"')),
        "/rel.html": (
            200,
            html,
            _fixture("second.html").replace(b"</head>", b'<link rel="canonical" href="/news/hydrogen-trial"></head>'),
        ),
        "/courier/port-avalen.html": (200, html, _fixture("syndicated.html")),
        "/zh/gbk-meta.html": (200, "text/html", _zh("zh-news.html", "gbk", meta=True)),
        "/zh/gb18030-header.html": (200, "text/html; charset=GB18030", _zh("zh-news.html", "gb18030", meta=False)),
        "/zh/big5-header.html": (  # and a site template's lang="en"
            200,
            "text/html; charset=big5",
            _zh("zh-hant-news.html", "big5", meta=False).replace(b"<html>", b'<html lang="en">'),
        ),
        "/ja/sjis-meta.html": (200, "text/html", (FIXTURES / "ja-news.html").read_text("utf-8").encode("shift_jis")),
        "/zh/unknown.html": (200, "text/html; charset=x-martian", _fixture("second.html")),
        "/zh/undeclared.html": (200, "text/html", _zh("zh-news.html", "gbk", meta=False)),
        "/notice.pdf": (200, "application/pdf", text_pdf),
        "/scan.pdf": (200, "application/pdf", scan_pdf),
        "/feed.rss": (200, "application/rss+xml", _fixture("feed.rss").replace(b"{base}", base.encode())),
        "/feed.atom": (200, "application/atom+xml", _fixture("feed.atom").replace(b"{base}", base.encode())),
        "/listing.html": (200, html, _fixture("listing.html")),
        "/login.html": (200, html, _fixture("login.html")),
        "/hostile.html": (200, html, _hostile_page()),
        "/error.html": (500, html, b"<html><body>Internal Server Error</body></html>"),
        "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        "/slow.html": _slow,
        "/drip.html": _drip,
        "/head-drip.html": _head_drip,
        "/bomb.html": _encoded(_gzip_bomb(), "gzip, gzip"),
        "/gzip3.html": _encoded(b"", "gzip, gzip, gzip"),
        "/br.html": _encoded(b"\x1b\x03\x00\xf8\xa5\x00", "br"),
        "/r/ftp": _redirect("ftp://127.0.0.1/news.html"),
        "/r/idna": _redirect("http://xn--a.example/news.html"),  # a label that does not decode
        "/big.html": _oversize,
        "/r/1": _redirect("/news/second.html"),
        "/r/2": _redirect("/r/1"),
        "/loop/a": _redirect("/loop/b"),
        "/loop/b": _redirect("/loop/a"),
        **{f"/chain/{n}": _redirect(f"/chain/{n + 1}") for n in range(20)},
    }
    _Handler.routes = routes
    with serving(server):
        yield base, routes


def _kg_stdin(text: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], cwd=ROOT, input=text, capture_output=True, text=True, timeout=120
    )


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    return data


def _files(data: Path) -> list[str]:
    """Every file under data/, hidden ones too (a temporary file left behind would show here)."""
    return sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())


def _only(data: Path):
    (path,) = sorted((data / "articles").glob("*.md"))
    return read_source(path, str(path))


def test_news_page_metadata_original_duplicate_and_build(site, tmp_path):
    base, routes = site
    data = _data(tmp_path)
    _Handler.requested.clear()
    result = run_kg("add", f"{base}/news/harbour.html", "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert _Handler.requested == ["/news/harbour.html"]  # no image, icon, canonical address, robots.txt or CDN
    source = _only(data)
    assert source.slug == "harbour-city-opens-battery-recycling-park"
    assert source.title == "Harbour city opens battery recycling park"  # JSON-LD headline, no site suffix
    assert source.authors == ("Mira Okonkwo", "Tomas Lindqvist")  # no "By"; the Organization left out
    assert "'Meridian Wire' is named as author but is an organisation" in result.stderr
    assert (source.publisher, source.date, source.language) == ("The Meridian Ledger", "2026-03-04", "en")
    assert source.url == f"{base}/news/2026/harbour-battery-park?utm_source=feed"  # the canonical address
    paragraphs = source.body.strip().split("\n\n")
    assert len(paragraphs) >= 5 and paragraphs[-1].startswith("Analysts at the Northshore Institute")
    for boilerplate in ("cookies", "Most read", "Ferry fares", "Privacy policy", "Sign up", "All rights reserved"):
        assert boilerplate not in source.body
    kept = data / "sources" / f"{source.slug}.html"
    assert kept.read_bytes() == routes["/news/harbour.html"][2]  # byte for byte
    assert source.sha256 == hashlib.sha256(kept.read_bytes()).hexdigest()
    assert source.retrieved.endswith("Z") and source.retrieved[:4].isdigit()
    before = {p: (data / p).read_bytes() for p in _files(data)}

    # the same page again, by its address, its canonical address, and a copy with the same text elsewhere
    again = run_kg(
        "add",
        f"{base}/news/harbour.html",
        f"{base}/news/2026/harbour-battery-park",
        f"{base}/copy/harbour.html",
        "--data",
        str(data),
    )
    assert again.returncode == 1, again.stderr
    # the canonical address, an article's url, is not fetched again; the other two are, to find theirs
    assert _Handler.requested[1:] == ["/news/harbour.html", "/copy/harbour.html"]
    assert again.stderr.count(f"already added as {source.slug}") == 3, again.stderr
    assert "(same text)" in again.stderr
    assert {p: (data / p).read_bytes() for p in _files(data)} == before  # nothing written

    # a syndicated copy on another site: added, and reported
    copy = run_kg("add", f"{base}/courier/port-avalen.html", "--data", str(data))
    assert copy.returncode == 0, copy.stderr
    assert f"the same as {source.slug}'s" in copy.stderr and "syndicated" in copy.stderr
    assert "agency byline 'Reuters' is not taken as an author" in copy.stderr

    (data / "sources" / "notes.bin").write_bytes(b"\x89PNG anything a user keeps there")  # not read by kg build
    out = tmp_path / "build"
    built = run_kg("build", "--data", str(data), "--out", str(out), "--quiet", "--formats", "ntriples")
    assert built.returncode == 0, built.stderr
    graph = (out / "kg.nt").read_text("utf-8")
    for name in ("Mira Okonkwo", "Tomas Lindqvist", "The Meridian Ledger", "Coastal Courier"):
        assert f'"{name}"' in graph


def test_chinese_pages_in_gbk_gb18030_and_big5(site, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    result = run_kg(
        "add",
        f"{base}/zh/gbk-meta.html",  # charset only in <meta>
        f"{base}/zh/big5-header.html",  # charset only in the HTTP header
        f"{base}/ja/sjis-meta.html",  # Shift_JIS in <meta>
        "--data",
        str(data),
    )
    assert result.returncode == 0, result.stderr
    gbk = read_source(data / "articles" / "lin-gang-xin-qu-fa-bu-qing-neng-chan-ye-fu-chi-ban-fa.md", "gbk")
    assert gbk.title == "临港新区发布氢能产业扶持办法"  # without the site's "_东海经济日报"
    assert gbk.authors == ("林浩然", "周琪")  # "记者 林浩然 周琪"
    assert (gbk.publisher, gbk.date, gbk.language) == ("东海经济日报", "2026-05-18", "zh")
    assert "培育五家以上氢能装备龙头企业" in gbk.body and "热点排行" not in gbk.body
    big5 = read_source(data / "articles" / "nan-wan-shi-tui-chu-lv-se-jian-zhu-bu-zhu-ji-hua.md", "big5")
    assert big5.title == "南灣市推出綠色建築補助計畫" and big5.date == "2026-04-02"
    assert big5.language == "zh" and "says its language is 'en', its text is 'zh'" in result.stderr
    assert "每戶最高可獲得新臺幣二十萬元補助" in big5.body
    (ja,) = [s for s in (read_source(p, str(p)) for p in (data / "articles").glob("*.md")) if s.language == "ja"]
    assert ja.title == "北浜市、水素ステーション整備へ補助金" and ja.publisher == "北浜経済新聞"
    assert "一か所あたり最大三億円を補助する" in ja.body and ja.date == "2026-06-11"
    # the same story served as GB18030 with the charset in the header only: the same text, refused as such
    again = run_kg("add", f"{base}/zh/gb18030-header.html", "--data", str(data))
    assert again.returncode == 1 and "already added as lin-gang-xin-qu" in again.stderr and "same text" in again.stderr
    built = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--quiet", "--formats", "ntriples")
    assert built.returncode == 0, built.stderr


def test_pdf_with_text_layer_and_scanned_pdf(site, tmp_path):
    base, routes = site
    if not routes["/notice.pdf"][2]:
        pytest.skip("no Chromium to print the PDFs")
    data = _data(tmp_path)
    result = run_kg("add", f"{base}/notice.pdf", f"{base}/scan.pdf", "--data", str(data), "--date", "2026-05-20")
    assert result.returncode == 2
    assert f"{base}/scan.pdf: the PDF has no text layer" in result.stderr and "OCR" in result.stderr
    source = _only(data)
    assert source.title == "Notice on the Kelby Industrial Park Support Measures"
    assert source.date == "2026-05-20"  # --date over the PDF's creation date
    assert "creation date" not in result.stderr
    paragraphs = source.body.strip().split("\n\n")
    assert any(
        p.startswith("First, a company that moves its headquarters") and p.endswith("fifty employees.")
        for p in paragraphs
    ), paragraphs
    assert (data / "sources" / f"{source.slug}.pdf").read_bytes() == routes["/notice.pdf"][2]
    assert not list((data / "sources").glob("*scan*"))
    # the saved file, given by its path: the same original, so refused naming the article
    saved = tmp_path / "notice.pdf"
    saved.write_bytes(routes["/notice.pdf"][2])
    again = run_kg("add", str(saved), "--data", str(data))
    assert again.returncode == 1 and f"already added as {source.slug}" in again.stderr
    assert "creation date" not in again.stderr  # nothing added, nothing to say about its date


def _long_feed(base: str, count: int) -> bytes:
    """An RSS feed of `count` items, item n published on day n (so the newest is the last), each on its own page."""
    items = "".join(
        f"<item><title>Item {n}</title><link>{base}/many/{n}</link>"
        f"<pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(1767225600 + n * 86400))}</pubDate></item>"
        for n in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>{items}</channel></rss>'.encode()


def test_a_feed_of_many_items_is_fetched_up_to_max_items_newest_first(site, tmp_path):
    """A feed of 100,000 items fetched 100,000 pages: the newest 50 are fetched (the default), and the others
    are counted and said, with the option that fetches them."""
    base, _ = site
    data = _data(tmp_path)
    feed = tmp_path / "many.rss"
    feed.write_bytes(_long_feed(base, 60))
    _Handler.requested.clear()
    result = run_kg("add", "--feed", str(feed), "--data", str(data))
    fetched = [path for path in _Handler.requested if path.startswith("/many/")]
    assert fetched == [f"/many/{n}" for n in range(59, 9, -1)]  # the newest 50, newest first
    assert "only its newest 50 items are fetched; 10 older ones are left out (pass --max-items 60" in result.stderr
    assert result.returncode == 2 and "0 added, 50 refused" in result.stdout  # the test's pages are 404s
    _Handler.requested.clear()
    result = run_kg("add", "--feed", str(feed), "--data", str(data), "--max-items", "3")
    assert [path for path in _Handler.requested if path.startswith("/many/")] == ["/many/59", "/many/58", "/many/57"]
    assert "57 older ones are left out" in result.stderr
    result = run_kg("add", "--feed", str(feed), "--data", str(data), "--max-items", "0")
    assert result.returncode == 2
    assert result.stderr == "kg: error: --max-items 0: give a number of items above 0\n"


def test_feeds_newest_first_and_items_already_added_skipped(site, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    atom = tmp_path / "feed.atom"  # an Atom feed from a saved file; its items are fetched from the server
    atom.write_bytes(_fixture("feed.atom").replace(b"{base}", base.encode()))
    result = run_kg(
        "add",
        "--feed",
        f"{base}/feed.rss",
        "--feed",
        str(atom),
        "--feed",
        f"{base}/news/second.html",  # a page is not a feed
        "--data",
        str(data),
    )
    assert result.returncode == 2, result.stderr
    assert f"{base}/news/second.html: not an RSS or Atom feed" in result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("added")]
    assert [line.split(" from ")[1].split(" ")[0] for line in lines] == [
        f"{base}/news/second.html",  # RSS, newest first
        f"{base}/news/harbour.html",
        f"{base}/zh/gbk-meta.html",  # Atom, newest first
        f"{base}/zh/big5-header.html",
    ]
    assert "4 added, 1 refused" in result.stdout
    assert len(_files(data)) == 8
    again = run_kg("add", "--feed", f"{base}/feed.rss", "--data", str(data))
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already added as") == 2 and "0 added, 2 already there" in again.stdout
    assert len(_files(data)) == 8
    assert "syndicated" not in result.stderr + again.stderr  # four different stories
    built = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--quiet", "--formats", "ntriples")
    assert built.returncode == 0, built.stderr


def test_bad_inputs_each_refused_with_the_source_named_and_nothing_written(site, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    expected = {
        f"{base}/missing.html": "HTTP 404",
        f"{base}/error.html": "HTTP 500",
        f"{base}/slow.html": "no complete answer within 1 s",
        f"{base}/drip.html": "no complete answer within 1 s",
        f"{base}/head-drip.html": "no complete answer within 1 s",
        f"{base}/br.html": "compressed as 'br', which kg did not ask for",
        f"{base}/gzip3.html": "compressed 3 times over",
        f"{base}/r/ftp": "only http and https addresses are fetched",
        f"{base}/r/idna": "redirected to an address that is not valid",
        "http://xn--a.example/news.html": "not a valid address",
        "http://127.0.0.1:1/closed.html": "cannot fetch",
        f"{base}/loop/a": "redirect loop",
        f"{base}/chain/0": "more than 5 redirects",
        f"{base}/big.html": "larger than the limit of 40,000 bytes",
        f"{base}/image.png": "a PNG image, not a web page or text",
        f"{base}/feed.rss": "a feed, not an article",
        f"{base}/listing.html": "no article text found",
        f"{base}/login.html": "no article text found",
        f"{base}/zh/unknown.html": "unknown encoding 'x-martian'",
        f"{base}/zh/undeclared.html": "declares no encoding and is not UTF-8",
        "ftp://127.0.0.1/x.html": "only http and https addresses are fetched",
        str(binary): "a PNG image, not a web page or text",
        str(tmp_path / "absent.html"): "no such file",
    }
    started = time.monotonic()
    result = run_kg("add", *expected, "--data", str(data), "--timeout", "1", "--max-bytes", "40000")
    assert time.monotonic() - started < 60
    print(f"\n{len(expected)} bad sources, each refused:\n{result.stderr}")  # pytest -s shows them
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("kg: error:")]
    assert len(errors) == len(expected), result.stderr
    for source, reason in expected.items():
        (line,) = [e for e in errors if e.startswith(f"kg: error: {source}: ")]
        assert reason in line, line
        assert "; " in line.split(reason, 1)[1] or "nothing" in line, line  # says what to do
    assert "Traceback" not in result.stderr
    assert _files(data) == []  # nothing written, no temporary file left
    # a bounded redirect is followed, and the article knows its final address
    ok = run_kg("add", f"{base}/r/2", "--data", str(data))
    assert ok.returncode == 0, ok.stderr
    assert _only(data).url == f"{base}/news/second.html"


def test_untrusted_page_text_round_trips_and_builds(site, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    result = run_kg("add", f"{base}/hostile.html", "--data", str(data))
    assert result.returncode == 0, result.stderr
    source = _only(data)
    assert source.title == names.clean(HOSTILE_TITLE) == 'He said: "no" - [yes] & *star #hash second: line end {x}'
    assert source.authors == ("O'Brien", '"Jr"', "Dash: Colon", "Anne Lee", "Bo #Li")
    assert source.publisher == "Pub: 'quoted' \"twice\""
    assert "\n\n---\n\ntitle: not front matter\n\n" in source.body
    built = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--quiet", "--formats", "ntriples")
    assert built.returncode == 0, built.stderr
    assert "Pub: 'quoted' \\\"twice\\\"" in (tmp_path / "build" / "kg.nt").read_text("utf-8")


def test_stdin_text_file_and_overrides(tmp_path):
    data = _data(tmp_path)
    text = (
        "Kelby council approves tram line\n\nThe Kelby council approved a tram line on Monday.\nIt will open in 2029.\n\n"
        * 1
    )
    result = _kg_stdin(
        text,
        "add",
        "-",
        "--data",
        str(data),
        "--title",
        'Tram: "yes"',
        "--author",
        "Ilse Varga",
        "--author",
        "Pavel Duric",
        "--date",
        "2026-06",
        "--publisher",
        "Kelby Herald",
        "--language",
        "en-GB",
        "--url",
        "https://example.org/tram",
    )
    assert result.returncode == 0, result.stderr
    source = _only(data)
    assert (source.title, source.authors, source.date) == ('Tram: "yes"', ("Ilse Varga", "Pavel Duric"), "2026-06")
    assert (source.publisher, source.language, source.url) == ("Kelby Herald", "en-GB", "https://example.org/tram")
    assert source.body == text.rstrip("\n") + "\n"  # --title given: the first line stays text
    assert (data / "sources" / f"{source.slug}.txt").read_bytes() == text.encode()
    # empty standard input, a .txt file (its first short line is the title) and a GBK text that says nothing of
    # its encoding, in one call: the second added, the others refused
    notes = tmp_path / "notes.txt"
    notes.write_text("Port traffic up for a third month\n\nPort Avalen handled more containers in May.\n", "utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("港口吞吐量连续三个月增长\n\n五月份集装箱吞吐量同比增长。\n".encode("gbk"))
    second = _kg_stdin("", "add", "-", str(notes), str(gbk), "--data", str(data))
    assert second.returncode == 2
    assert "kg: error: -: it holds no text; give the article's text" in second.stderr
    assert f"kg: error: {gbk}: not UTF-8 text (byte 0xb8 at offset 0); pass --encoding" in second.stderr
    assert read_source(data / "articles" / "port-traffic-up-for-a-third-month.md", "x").title == (
        "Port traffic up for a third month"
    )
    bad = run_kg("add", str(notes), "--data", str(data), "--date", "March")
    assert bad.returncode == 2 and "--date 'March'" in bad.stderr
    unknown = run_kg("add", str(gbk), "--data", str(data), "--encoding", "x-martian")
    assert unknown.returncode == 2 and "--encoding 'x-martian': no such encoding" in unknown.stderr
    right = run_kg("add", str(gbk), "--data", str(data), "--encoding", "gbk")
    assert right.returncode == 0, right.stderr
    added = read_source(data / "articles" / "gang-kou-tun-tu-liang-lian-xu-san-ge-yue-zeng-zhang.md", "x")
    assert added.title == "港口吞吐量连续三个月增长" and added.language == "zh"
    built = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--quiet", "--formats", "ntriples")
    assert built.returncode == 0, built.stderr


def test_add_extract_then_build(site, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    result = run_kg("add", f"{base}/news/second.html", "--data", str(data), "--extract")
    assert result.returncode == 0, result.stderr
    facts = data / "facts" / "westmarch-launches-hydrogen-bus-trial.yaml"
    assert facts.is_file() and "draft" in facts.read_text("utf-8")
    built = run_kg("build", "--data", str(data), "--out", str(tmp_path / "build"), "--quiet")
    assert built.returncode == 0, built.stderr


def test_add_one_in_process_relative_canonical_and_a_saved_copy(site, tmp_path):
    """The library call the command makes, in this process: a relative canonical link becomes an absolute
    address, and a saved copy of a fetched page (.htm) is refused by that address; unrelated articles are not
    reported as copies of each other."""
    from kg.ingest import Duplicate
    from kg.ingest.add import add_one
    from kg.ingest.fetch import Limits

    base, routes = site
    data = _data(tmp_path)
    library = article.Library(data)
    added = add_one(f"{base}/rel.html", data, library, Limits(timeout=10))
    assert added.found.url == f"{base}/news/hydrogen-trial" and added.similar == []
    other = add_one(f"{base}/news/harbour.html", data, library, Limits(timeout=10))
    assert other.similar == []  # a different story
    saved = tmp_path / "saved.htm"
    # saved by a browser that wrote the link out in full (and its own comment): other bytes, the same address
    saved.write_bytes(
        routes["/rel.html"][2].replace(b'href="/news/', f'href="{base}/news/'.encode()) + b"<!-- saved -->"
    )
    with pytest.raises(Duplicate, match=f"already added as {added.slug} \\(same address\\)"):
        add_one(str(saved), data, article.Library(data))
    assert len(_files(data)) == 4
    if not routes["/notice.pdf"][2]:
        return  # no Chromium to print the PDF
    pdf = add_one(f"{base}/notice.pdf", data, library, Limits(timeout=10))
    assert any(f"date {pdf.found.date} is the file's creation date" in note for note in pdf.found.notes)


def test_a_compressed_answer_is_inflated_within_the_size_limit(site):
    """A page compressed twice over (`Content-Encoding: gzip, gzip`, 2 KB on the wire, 256 MiB inflated) is
    refused as too big with at most the limit inflated: httpx inflated each chunk whole before kg's limit was
    checked (2.1 GB of memory for 1 GiB), so three layers would take terabytes. Pages compressed as servers do
    (gzip, zlib deflate, raw deflate) are read as before."""
    import gzip
    import tracemalloc
    import zlib

    from kg.ingest import Refused
    from kg.ingest.fetch import Limits, fetch

    base, routes = site
    page = _fixture("second.html")
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    routes["/gz/gzip.html"] = _encoded(gzip.compress(page), "gzip")
    routes["/gz/deflate.html"] = _encoded(zlib.compress(page), "deflate")
    routes["/gz/raw.html"] = _encoded(raw.compress(page) + raw.flush(), "Deflate")
    routes["/gz/both.html"] = _encoded(zlib.compress(gzip.compress(page)), "gzip, deflate")
    for name in ("gzip", "deflate", "raw", "both"):
        assert fetch(f"{base}/gz/{name}.html", Limits(timeout=10)).data == page, name
    tracemalloc.start()
    try:
        with pytest.raises(Refused, match="larger than the limit of 1,000,000 bytes"):
            fetch(f"{base}/bomb.html", Limits(timeout=30, max_bytes=1_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, f"{peak:,} bytes allocated to refuse a page over 1 MB"


def test_a_page_of_a_million_elements_is_refused_before_it_is_parsed(tmp_path):
    """A saved page whose article is followed by 210,000 empty <i> tags (1.5 MB, well under --max-bytes) is
    refused at once: trafilatura and htmldate took about 0.1 ms and 1.5 KB per element (a million: 104 s and
    1.5 GB of memory) and then added it."""
    data = _data(tmp_path)
    page = tmp_path / "crowded.html"
    page.write_bytes(_fixture("second.html").replace(b"</body>", b"<i></i>" * 210_000 + b"</body>"))
    result = run_kg("add", str(page), "--data", str(data))
    assert result.returncode == 2, result.stderr
    assert f"kg: error: {page}: the page has more than 200,000 HTML elements" in result.stderr
    assert "Traceback" not in result.stderr and _files(data) == []


def test_a_certificate_file_kg_cannot_load_is_a_message(site, tmp_path):
    """SSL_CERT_FILE naming a missing file, or one without a certificate, ended kg add in httpx's FileNotFoundError
    or SSLError traceback, for any address (the fifth outside review found it in kg push, the same in kg add)."""
    base, _ = site
    data = _data(tmp_path)
    for bad in (str(tmp_path / "missing.pem"), "/etc/hostname"):
        result = run_kg("add", "https://news.example/a.html", "--data", str(data), env={"SSL_CERT_FILE": bad})
        assert result.returncode == 2, result.stderr
        assert f"kg: error: SSL_CERT_FILE={bad!r}: cannot load the certificates to check news.example's" in (
            result.stderr
        )
        assert "Traceback" not in result.stderr and _files(data) == []
    # an http page needs no certificate: the variable does not stop it
    result = run_kg("add", f"{base}/news/harbour.html", "--data", str(data), env={"SSL_CERT_FILE": "/etc/hostname"})
    assert result.returncode == 0, result.stderr


# ---- the parts on their own (no server) ----


@pytest.mark.parametrize(
    ("bylines", "people", "noted"),
    [
        (["By Mira Okonkwo and Tomas Lindqvist | 4 March 2026"], ["Mira Okonkwo", "Tomas Lindqvist"], []),
        (["BY Ann Lee, Reuters"], ["Ann Lee"], ["Reuters"]),
        (["Xinhua News Agency"], [], ["Xinhua News Agency"]),
        (["Staff Reporter", "jane@example.org"], [], []),
        (["记者 林浩然 周琪"], ["林浩然", "周琪"], []),
        (["作者：王小明、李华"], ["王小明", "李华"], []),
        (["Ann Lee", "ann lee", "Bo Li"], ["Ann Lee", "Bo Li"], []),
        (["\u200d", "\u3164 and Bo Li"], ["Bo Li"], []),  # invisible "names"
    ],
)
def test_bylines_become_people(bylines, people, noted):
    notes: list[str] = []
    assert names.authors(bylines, notes) == people
    assert len(notes) == len(noted) and all(n in note for n, note in zip(noted, notes, strict=True))


def test_slugs_from_titles_unique_and_transliterated():
    assert article.make_slug("临港新区发布氢能产业扶持办法", lambda s: False) == (
        "lin-gang-xin-qu-fa-bu-qing-neng-chan-ye-fu-chi-ban-fa"
    )
    assert article.make_slug("Café Zürich: 2026 plan!", lambda s: False) == "cafe-zurich-2026-plan"
    taken = {"port-plan", "port-plan-2"}
    assert article.make_slug("Port plan", taken.__contains__) == "port-plan-3"
    assert article.make_slug("«»", lambda s: False) == "article"
    assert len(article.make_slug("word " * 40, lambda s: False)) <= article.MAX_SLUG


def test_url_keys_compare_the_same_page():
    same = {
        "https://Example.org/a/b/?utm_source=x&id=3#top",
        "http://example.org:80/a/b?id=3",
        "http://example.org/a/b?fbclid=1&id=3",
    }
    assert len({article.url_key(u) for u in same}) == 1
    assert article.url_key("http://example.org/a/b?id=4") != article.url_key("http://example.org/a/b?id=3")


def test_a_failed_write_leaves_neither_file(tmp_path):
    data = _data(tmp_path)
    (data / "articles" / "x.md").write_text("already here")  # the article's name is taken meanwhile
    with pytest.raises(article.SlugTaken):
        article.write(data, "x", "---\ntitle: x\n---\nbody\n", b"<html>", "html")
    assert _files(data) == ["articles/x.md"]
    assert (data / "articles" / "x.md").read_text() == "already here"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("retrieved: yesterday", "retrieved must be a date and time"),
        ("retrieved: 2026-13-01T00:00:00Z", "retrieved must be a date and time"),
        ("sha256: ABC", "sha256 must be 64 lower-case hexadecimal digits"),
    ],
)
def test_front_matter_retrieved_and_sha256_are_checked(line, message):
    from kg.errors import DataError
    from kg.read.articles import parse_source

    good = parse_source(
        "x", f"---\ntitle: T\nretrieved: 2026-03-04T08:15:00Z\nsha256: {'a' * 64}\n---\nText.\n", "x.md"
    )
    assert (good.retrieved, good.sha256) == ("2026-03-04T08:15:00Z", "a" * 64)
    with pytest.raises(DataError, match=message):
        parse_source("x", f"---\ntitle: T\n{line}\n---\nText.\n", "x.md")


def test_a_slug_taken_meanwhile_moves_on_and_an_unwritable_data_dir_is_said(tmp_path):
    from kg.errors import UsageError
    from kg.ingest.add import add_one

    story = tmp_path / "story.txt"
    story.write_text("Tram line approved\n\nThe Kelby council approved the tram line on Monday.\n", "utf-8")
    data = _data(tmp_path)
    library = article.Library(data)
    real, asked = library.taken, []

    def racy(slug: str) -> bool:  # free when asked first; another kg add writes it just after
        asked.append(slug)
        return False if len(asked) == 1 else real(slug)

    library.taken = racy
    (data / "articles" / "tram-line-approved.md").write_text("another process's article")
    added = add_one(str(story), data, library)
    assert added.slug == "tram-line-approved-2"
    assert _files(data) == [
        "articles/tram-line-approved-2.md",
        "articles/tram-line-approved.md",
        "sources/tram-line-approved-2.txt",  # the first attempt's original was removed again
    ]
    blocked = _data(tmp_path / "other")
    (blocked / "sources").write_text("a file where the originals' folder goes")
    with pytest.raises(UsageError, match="cannot write the article"):
        add_one(str(story), blocked, article.Library(blocked))
    assert _files(blocked) == ["sources"]


# -- a public page's redirect (or a fetched feed's link) into this machine or a private network -------------------


@pytest.mark.parametrize(
    ("address", "space"),
    [
        ("127.0.0.1", "LOCAL"),
        ("127.8.9.10", "LOCAL"),
        ("::1", "LOCAL"),
        ("0.0.0.0", "LOCAL"),  # Linux connects it to this machine
        ("::ffff:127.0.0.1", "LOCAL"),  # IPv4 written as IPv6
        ("10.1.2.3", "PRIVATE"),
        ("172.16.0.1", "PRIVATE"),
        ("172.31.255.255", "PRIVATE"),
        ("192.168.1.1", "PRIVATE"),
        ("169.254.169.254", "PRIVATE"),  # link-local: clouds' metadata service
        ("100.64.0.1", "PRIVATE"),
        ("fc00::1", "PRIVATE"),
        ("fe80::1%eth0", "PRIVATE"),
        ("::ffff:192.168.0.1", "PRIVATE"),
        ("172.32.0.1", "PUBLIC"),
        ("8.8.8.8", "PUBLIC"),
        ("2001:4860:4860::8888", "PUBLIC"),
        ("192.0.2.2", "PUBLIC"),  # documentation range: public to Private Network Access, private to ipaddress
    ],
)
def test_address_spaces_are_those_of_private_network_access(address, space):
    from kg.ingest import fetch

    assert fetch.address_space(address) == getattr(fetch, space)


def test_a_step_inward_is_refused_unless_allowed():
    from kg.ingest import Refused
    from kg.ingest.fetch import LOCAL, PRIVATE, PUBLIC, Limits, Via, _step

    strict, allowing = Limits(), Limits(allow_private=True)
    refused = [(PUBLIC, PRIVATE), (PUBLIC, LOCAL), (PRIVATE, LOCAL)]
    allowed = [
        (PUBLIC, PUBLIC),
        (PRIVATE, PRIVATE),
        (PRIVATE, PUBLIC),
        (LOCAL, LOCAL),
        (LOCAL, PUBLIC),
        (LOCAL, PRIVATE),
    ]
    for source, target in refused:
        with pytest.raises(Refused, match="--allow-private"):
            _step("u", Via("http://a/", "a", source), "http://b/", target, "b", strict, "redirected from")
        _step("u", Via("http://a/", "a", source), "http://b/", target, "b", allowing, "redirected from")
    for _source, target in [*refused, *allowed]:  # the user named it: any space
        _step("u", None, "http://b/", target, "b", strict, "redirected from")
    for source, target in allowed:
        _step("u", Via("http://a/", "a", source), "http://b/", target, "b", strict, "redirected from")


def _outward_address() -> str | None:
    """This machine's address on its network (the one it would send from), if it has one other than loopback."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.1", 9))  # no packet is sent: this only picks the route's source address
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class _Outer(_Handler):
    routes: ClassVar[dict] = {}
    requested: ClassVar[list] = []


@pytest.fixture(scope="module")
def outer(site):
    """A second server on this machine's network address (not loopback): a page there is a page from outside
    for kg add (public or private, by the address), and its redirects to 127.0.0.1 step inward."""
    address = _outward_address()
    if address is None:
        pytest.skip("this machine has no address but loopback: the end-to-end case cannot be set up here")
    base, _ = site
    port = int(base.rsplit(":", 1)[1])
    try:
        server = http.server.ThreadingHTTPServer((address, 0), _Outer)
    except OSError as err:
        pytest.skip(f"cannot listen on {address}: {err}")
    outside = f"http://{address}:{server.server_address[1]}"
    feed = _fixture("feed.rss").replace(b"{base}", base.encode())  # items on 127.0.0.1
    _Outer.routes = {
        "/to-loopback": _redirect(f"{base}/news/second.html"),
        "/to-localhost": _redirect(f"http://localhost:{port}/news/second.html"),  # a name resolving to loopback
        "/feed.rss": (200, "application/rss+xml", feed),
    }
    with serving(server):
        yield outside


def test_a_redirect_from_outside_to_this_machine_is_refused_unless_allowed(site, outer, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    _Handler.requested.clear()
    for path in ("/to-loopback", "/to-localhost"):
        result = run_kg("add", f"{outer}{path}", "--data", str(data))
        assert result.returncode == 2, result.stderr
        assert f"kg: error: {outer}{path}: redirected from {outer}{path} (" in result.stderr, result.stderr
        assert "(127.0.0.1, this machine): a page is not followed inward" in result.stderr
        assert "pass --allow-private" in result.stderr
    assert _Handler.requested == []  # nothing was sent to this machine's server
    assert _files(data) == []
    result = run_kg("add", f"{outer}/to-loopback", "--data", str(data), "--allow-private")
    assert result.returncode == 0, result.stderr
    assert _only(data).url == f"{base}/news/second.html"


def test_a_fetched_feeds_links_into_this_machine_are_refused_unless_allowed(site, outer, tmp_path):
    base, _ = site
    data = _data(tmp_path)
    _Handler.requested.clear()
    result = run_kg("add", "--feed", f"{outer}/feed.rss", "--data", str(data))
    assert result.returncode == 2
    assert f"kg: error: {base}/news/harbour.html: a link in {outer}/feed.rss (" in result.stderr
    assert "0 added, 2 refused" in result.stdout
    assert _Handler.requested == []
    # a link the user also names on the command line is the user's own
    result = run_kg("add", f"{base}/news/harbour.html", "--feed", f"{outer}/feed.rss", "--data", str(data))
    assert result.returncode == 2
    assert f"from {base}/news/harbour.html" in result.stdout and "1 added, 1 refused" in result.stdout
    assert f"kg: error: {base}/news/second.html: a link in {outer}/feed.rss (" in result.stderr
    result = run_kg("add", "--feed", f"{outer}/feed.rss", "--data", str(data), "--allow-private")
    assert result.returncode == 0, result.stderr
    assert "1 added, 1 already there" in result.stdout


def test_the_address_connected_to_is_checked_whatever_the_resolver_said_first(site, outer, monkeypatch):
    """DNS rebinding: a name whose first answer is a public address and whose answer at connect time is this
    machine. No DNS server here answers as the test wants, so the first answer is given by replacing kg's
    resolver step (the connection itself is real, to 127.0.0.1): the answer is refused by the address connected
    to, before it is used."""
    from kg.ingest import Refused, fetch

    real = fetch._resolve

    def first_answer_public(host: str, port: int):
        return (fetch.PUBLIC, "198.51.100.7") if host == "localhost" else real(host, port)

    monkeypatch.setattr(fetch, "_resolve", first_answer_public)
    with pytest.raises(Refused, match=r"to http://localhost:\d+/news/second.html \(127.0.0.1, this machine\)"):
        fetch.fetch(f"{outer}/to-localhost")
