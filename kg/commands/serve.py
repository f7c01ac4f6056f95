"""Serve the build as a local, read-only SPARQL 1.1 endpoint with a query page for the browser.

Runs Oxigraph's server (installed with kg) on build/store behind a small front that limits what a client may
ask (kg/serve/front.py): the query page is at http://HOST:PORT/ and the SPARQL 1.1 Protocol endpoint at
http://HOST:PORT/query (GET or POST; results as JSON, XML, CSV or TSV by the Accept header). Updates are
refused, and so is a query with a SERVICE clause (it would make this machine send requests to other hosts).
It listens on 127.0.0.1 unless --host says otherwise, and answers only requests addressed to that address's
names (Host), not those of a web page that rebinds its own name to this machine. Each query runs in its own
worker under --query-timeout and --max-memory. After `kg build` it answers from the new build. The store's
default graph holds the facts, the ontology and the RDFS entailment, as in `kg query`; declare your PREFIXes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.serve import front as serve_front

HELP = "serve the build as a local read-only SPARQL endpoint with a query page (127.0.0.1:7878)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 opens it to the network)",
    )
    parser.add_argument("--build", type=Path, default=Path("build"), help="build directory (default: build)")
    defaults = serve_front.Limits()
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=defaults.query_timeout,
        metavar="SECONDS",
        help=f"stop a query (HTTP 503) that has not answered in this time (default: {defaults.query_timeout:g})",
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=defaults.max_body,
        metavar="BYTES",
        help=f"refuse larger request bodies with HTTP 413 (default: {defaults.max_body}, 1 MiB)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=defaults.request_timeout,
        metavar="SECONDS",
        help=f"drop a client that has not sent its whole request in this time, HTTP 408 "
        f"(default: {defaults.request_timeout:g})",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=defaults.max_connections,
        metavar="N",
        help=f"answer HTTP 503 beyond this many open connections (default: {defaults.max_connections})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=defaults.workers,
        metavar="N",
        help="queries run at once, each in its own Oxigraph process (default: the CPUs, from 2 to 8)",
    )
    parser.add_argument(
        "--max-memory",
        type=int,
        default=None,
        metavar="MIB",
        help=f"stop a query (HTTP 503) whose worker needs more heap than this many MiB (default: {defaults.max_memory}, "
        "or less where the workers' caps would add up to more than the machine's memory)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests addressed to this host name (repeatable); by default only the address served "
        "(and localhost for 127.0.0.1), so a web page that rebinds its name to this machine is refused",
    )


def run(args: argparse.Namespace) -> int:
    from kg.serve import endpoint

    limits = serve_front.Limits(
        max_body=args.max_body,
        query_timeout=args.query_timeout,
        request_timeout=args.request_timeout,
        max_connections=args.max_connections,
        workers=args.workers,
        max_memory=args.max_memory
        if args.max_memory is not None
        else serve_front.default_max_memory(args.workers, serve_front.machine_memory()),
    )
    return endpoint.serve(args.build, args.host, args.port, limits, tuple(args.allow_host))
