"""A Graph Store in front of a real `oxigraph serve`, shared by the tests of what kg push does with what a server
answers: each request is passed on as it came, and the answer may be rewritten as another server could give it."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from tests.test_push import NO_PROXY as NO_PROXY_OPENER


def put_graph(port: int, graph: str, ntriples: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/store?graph={urllib.parse.quote(graph, safe='')}",
        data=ntriples.encode(),
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with NO_PROXY_OPENER.open(request, timeout=30):
        pass


def get_graph(port: int, graph: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/store?graph={urllib.parse.quote(graph, safe='')}",
        headers={"Accept": "application/n-triples"},
    )
    with NO_PROXY_OPENER.open(request, timeout=30) as answer:
        return answer.read().decode()


Rewrite = Callable[[str, str, int, str, bytes], tuple[int, str, bytes]]


class StoreFront:
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

    def __enter__(self) -> StoreFront:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
