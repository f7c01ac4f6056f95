"""Serve the build as a local, read-only SPARQL 1.1 endpoint with a query page for the browser.

Runs Oxigraph's server (installed with kg) on build/store: the query page is at http://HOST:PORT/ and the
SPARQL 1.1 Protocol endpoint at http://HOST:PORT/query (GET or POST; results as JSON, XML, CSV or TSV by the
Accept header). Updates are refused. It listens on 127.0.0.1 unless --host says otherwise. The store's default
graph holds the facts, the ontology and the RDFS entailment, as in `kg query`; declare your PREFIXes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "serve the build as a local read-only SPARQL endpoint with a query page (127.0.0.1:7878)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 opens it to the network)",
    )
    parser.add_argument("--build", type=Path, default=Path("build"), help="build directory (default: build)")


def run(args: argparse.Namespace) -> int:
    from kg import endpoint

    endpoint.serve(args.build, args.host, args.port)  # replaces this process; returns only by raising
    return 2
