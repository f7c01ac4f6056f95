"""Upload the build's dataset to a SPARQL 1.1 Graph Store Protocol server: GraphDB, Fuseki, Virtuoso, Neptune,
Oxigraph, ...

Each graph is sent with an HTTP PUT, which replaces it: every article's named graph (its facts and the evidence
of each), the ontology's graph, and the facts in the default graph (or in the named graph --facts-graph IRI).
Pushing again leaves the server as after one push, and deletes the graphs an earlier push of the same corpus sent
that are no longer in the build: kg lists what it pushed in a graph named after the corpus's base IRI
(<BASE>pushed, e.g. <https://kg.example.org/pushed>), so corpora with different bases share a server safely.
Credentials come from KG_PUSH_USER and KG_PUSH_PASSWORD or from ~/.netrc (or the file $NETRC names), never from
the command line; they go to the endpoint's own scheme, host and port only and are never printed. A graph whose
PUT fails on the way (connection reset, HTTP 408/429/502/503/504) is sent again with growing pauses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import DEFAULT_BASE

HELP = "upload the dataset to a SPARQL Graph Store Protocol server, one named graph per source (PUT replaces)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        required=True,
        help="the server's Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
        "http://localhost:3030/kg/data (Fuseki), http://localhost:7200/repositories/kg/rdf-graphs/service (GraphDB)",
    )
    parser.add_argument(
        "--base",
        default=DEFAULT_BASE,
        help="the base IRI the build was made with (default: %(default)s): kg's list of the graphs this corpus "
        "pushed is <BASE>pushed, and only graphs listed there are ever deleted",
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
    parser.add_argument(
        "--auth",
        choices=("basic", "digest"),
        default="basic",
        help="how the credentials are sent: HTTP Basic, or Digest (Virtuoso's /sparql-graph-crud-auth) "
        "(default: basic)",
    )
    parser.add_argument("--build", type=Path, default=Path("build"), help="build directory (default: build)")


def run(args: argparse.Namespace) -> int:
    from kg.serve import push

    sent = push.push(
        args.build,
        args.endpoint,
        base=args.base,
        facts_graph=args.facts_graph,
        timeout=args.timeout,
        retries=args.retries,
        retry_wait=args.retry_wait,
        auth=args.auth,
        report=print,
        warn=lambda text: print(f"kg: {text}", file=sys.stderr, flush=True),
    )
    total = sum(count for _, count in sent)
    print(f"pushed {len(sent)} graphs, {total} triples to {push._safe_url(args.endpoint)}")
    return 0
