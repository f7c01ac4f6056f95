"""Ask the build a question in SPARQL: a query string, a .rq file, `-` for standard input, or the name of a saved
question (`kg query --list`). Runs on the build's embedded store (build/store), where a query for a class or
property also finds its subclasses and subproperties. SELECT answers print as an aligned table or as SPARQL 1.1
results (csv, tsv, json) or Markdown; ASK prints true or false; CONSTRUCT and DESCRIBE print Turtle.
Parameters (--param name=value) are bound as RDF terms, never pasted into the query.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import store
from kg.errors import UsageError

HELP = "ask the build's SPARQL store: a query, a .rq file or a saved question (--list)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query",
        nargs="?",
        help="SPARQL text, a .rq file, - for standard input, or the name of a saved question",
    )
    parser.add_argument("--list", action="store_true", help="list the saved questions with their parameters")
    parser.add_argument("--show", action="store_true", help="print the query's SPARQL instead of running it")
    parser.add_argument(
        "--format",
        choices=store.FORMATS,
        default="table",
        help="table (default), csv, tsv, json (SPARQL 1.1 results), md; turtle or ntriples for CONSTRUCT/DESCRIBE",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to an RDF term: <IRI>, kg:Term, a kg id for entity parameters, 42, 2020-03-27, "
        '"text"@en, or plain text (repeatable)',
    )
    parser.add_argument("--build", type=Path, default=Path("build"), help="build directory (default: build)")


def _params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {pair!r}: write NAME=VALUE")
        if name in out:
            raise UsageError(f"--param {name} is given twice")
        out[name] = value
    return out


def _list() -> str:
    saved = store.saved_queries()
    width = max(len(name) for name in saved)
    lines = []
    for name, saved_query in saved.items():
        lines.append(f"{name:<{width}}  {saved_query.description}")
        lines += [f"{'':<{width}}    {param.usage()}" for param in saved_query.params]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.list:
        sys.stdout.write(_list())
        return 0
    if not args.query:
        raise UsageError("kg query needs a query, a .rq file, - or a saved question's name (see kg query --list)")
    source = store.parse_query_file(sys.stdin.read(), "stdin") if args.query == "-" else store.resolve(args.query)
    if args.show:
        sys.stdout.write(source.text if source.text.endswith("\n") else source.text + "\n")
        return 0
    result = store.run(source, _params(args.param), args.build)
    sys.stdout.write(store.render(result, args.format))
    return 0
