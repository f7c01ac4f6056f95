"""Cases found by the tenth outside review of kg push, the build cache and kg build/add/extract (issue 21): each
test fails on the code before its fix (main at 5943ac9)."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from kg import DEFAULT_BASE, endpoint
from tests.conftest import ROOT, run_kg
from tests.test_push import NO_PROXY as NO_PROXY_OPENER
from tests.test_push import oxigraph_server, server_counts

NO_PROXY = {"NO_PROXY": "*", "no_proxy": "*", "NETRC": "/nonexistent"}
GONE = DEFAULT_BASE + "graph/gone"  # an article graph an earlier push sent, its source since removed
LIST = endpoint.list_graph(DEFAULT_BASE)
FIXTURES = ROOT / "tests" / "fixtures"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _put(port: int, graph: str, ntriples: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/store?graph={urllib.parse.quote(graph, safe='')}",
        data=ntriples.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with NO_PROXY_OPENER.open(request, timeout=30):
        pass


def _get(port: int, graph: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/store?graph={urllib.parse.quote(graph, safe='')}",
        headers={"Accept": "application/n-triples"},
    )
    with NO_PROXY_OPENER.open(request, timeout=30) as answer:
        return answer.read().decode()


Rewrite = Callable[[str, str, int, str, bytes], tuple[int, str, bytes]]


class _Front:
    """A Graph Store in front of a real `oxigraph serve`: every request is passed on as it came, and `rewrite`
    may change the answer (method, graph named, status, Content-Type, body) as a server could give it."""

    def __init__(self, upstream: int, rewrite: Rewrite) -> None:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _pass(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                request = urllib.request.Request(
                    f"http://127.0.0.1:{upstream}{self.path}", data=body, method=self.command, headers=headers
                )
                try:
                    with NO_PROXY_OPENER.open(request, timeout=30) as answer:
                        status, kind, data = answer.status, answer.headers.get("Content-Type", ""), answer.read()
                except urllib.error.HTTPError as err:
                    status, kind, data = err.code, err.headers.get("Content-Type", ""), err.read()
                graph = (urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("graph") or [""])[0]
                status, kind, data = rewrite(self.command, graph, status, kind, data)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_DELETE = do_POST = _pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/store"
        outer.server = self.server

    def __enter__(self) -> _Front:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _first_line_only(method: str, graph: str, status: int, kind: str, data: bytes) -> tuple[int, str, bytes]:
    """kg's list answered 206 Partial Content with its first line only: a part that ends on a line boundary."""
    if method == "GET" and graph == LIST and status == 200:
        return 206, kind, data[: data.index(b"\n") + 1]
    return status, kind, data


def test_a_part_of_kg_s_list_is_not_taken_for_the_whole_list(shipped_build, tmp_path):
    """Known lead (review 9): a 206 answer to the GET of kg's list, its body ending on a line boundary, was read as
    the whole list: the graphs named after its first lines were not deleted, and the push then overwrote the list
    with this build's graphs only, so a graph an earlier push sent for a source since removed was never deleted
    by any later push. Only a 200 answer is the list; a 206 counts as unread."""
    with oxigraph_server(tmp_path) as (port, _):
        url = f"http://127.0.0.1:{port}/store"
        first = run_kg("push", "--build", str(shipped_build), "--endpoint", url, env=NO_PROXY)
        assert first.returncode == 0, first.stderr
        _put(port, GONE, f'<{GONE}> <{LABEL}> "gone" .\n')
        members = sorted(name for name in server_counts(port) if name.startswith(DEFAULT_BASE) and name != LIST)
        _put(port, LIST, "".join(f"<{LIST}> <{endpoint._MEMBER}> <{name}> .\n" for name in members))
        assert members.index(GONE) > 0  # not on the list's first line: the part sent leaves it out
        with _Front(port, _first_line_only) as front:
            pushed = run_kg("push", "--build", str(shipped_build), "--endpoint", front.url, env=NO_PROXY)
        assert pushed.returncode == 0, pushed.stderr
        assert "cannot read kg's list of the graphs it pushed before" in pushed.stderr, pushed.stderr
        assert "206" in pushed.stderr
        assert GONE in _get(port, LIST)  # the list left as it was ...
        again = run_kg("push", "--build", str(shipped_build), "--endpoint", url, env=NO_PROXY)
        assert again.returncode == 0, again.stderr
        assert f"DELETE <{GONE}>" in again.stdout, again.stdout  # ... so the next push deletes the graph
        assert GONE not in server_counts(port)
