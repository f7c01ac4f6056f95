"""Upload the build's dataset to a SPARQL 1.1 Graph Store Protocol server: GraphDB, Fuseki, Virtuoso, Neptune,
Oxigraph, ...

Each graph is sent with an HTTP PUT, which replaces it: every article's named graph (its facts and the evidence
of each), the ontology's graph, and the facts in the default graph (or in the named graph --facts-graph IRI).
Pushing again leaves the server as after one push, and deletes the graphs an earlier push sent that are no
longer in the build (kg lists what it pushed in the graph <https://kg.example.org/ontology/pushed>). Credentials come from KG_PUSH_USER and KG_PUSH_PASSWORD or
from ~/.netrc (or the file $NETRC names), never from the command line; they are never printed. A graph whose PUT
fails on the way (connection reset, HTTP 408/429/502/503/504) is sent again with growing pauses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "upload the dataset to a SPARQL Graph Store Protocol server, one named graph per source (PUT replaces)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        required=True,
        help="the server's Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
        "http://localhost:3030/kg/data (Fuseki), http://localhost:7200/repositories/kg/rdf-graphs/service (GraphDB)",
    )
    parser.add_argument(
        "--facts-graph",
        default=None,
        metavar="IRI",
        help="put the facts in this named graph instead of the server's default graph",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each request (default: 60)")
    parser.add_argument(
        "--retries",
        type=int,
        default=4,
        metavar="N",
        help="send a graph again this many times after a transient failure: connection reset, HTTP 408, 429, "
        "502, 503, 504 (default: 4)",
    )
    parser.add_argument(
        "--retry-wait",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="pause before the first retry, doubled for each next one; a server's Retry-After wins (default: 1)",
    )
    parser.add_argument("--build", type=Path, default=Path("build"), help="build directory (default: build)")


def run(args: argparse.Namespace) -> int:
    from kg import endpoint

    sent = endpoint.push(
        args.build,
        args.endpoint,
        facts_graph=args.facts_graph,
        timeout=args.timeout,
        retries=args.retries,
        retry_wait=args.retry_wait,
        report=print,
        warn=lambda text: print(f"kg: {text}", file=sys.stderr, flush=True),
    )
    total = sum(count for _, count in sent)
    print(f"pushed {len(sent)} graphs, {total} triples to {args.endpoint}")
    return 0
