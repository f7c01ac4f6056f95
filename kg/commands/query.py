"""Ask the build a question in SPARQL: a query string, a .rq file, `-` for standard input, or the name of a saved
question (`kg query --list`). Runs on the build's embedded store (build/store), where a query for a class or
property also finds its subclasses and subproperties. SELECT answers print as an aligned table or as SPARQL 1.1
results (csv, tsv, json) or Markdown; ASK prints true or false; CONSTRUCT and DESCRIBE print Turtle.
Parameters (--param name=value) are bound as RDF terms, never pasted into the query.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
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


def _readable(text: str, what: str) -> str:
    """`text` from the command line, refused if its bytes are not UTF-8 (Python hands such bytes over as lone
    surrogates, which no query or term can hold). Under an ASCII locale Python escapes every non-ASCII byte that
    way, so UTF-8 text typed there (a Chinese label) is decoded here from its bytes and works as anywhere else."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(text)  # the bytes as they were given; an ASCII locale (LANG=C) escapes all but ASCII
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(
            f"{what}: byte {err.start + 1} is not UTF-8 ({raw[err.start : err.start + 1]!r}); "
            "write the query and its values in UTF-8"
        ) from None


def _params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = _readable(pair, "--param").partition("=")
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
    if args.query == "-":
        if sys.stdin is None:
            raise UsageError("kg query -: there is no standard input to read the query from")
        source = store.parse_query_file(store.read_query_bytes(sys.stdin.buffer, "stdin"), "stdin")
    elif store.is_query_file(args.query):  # a .rq file: its name may be any bytes, its text must be UTF-8
        source = store.resolve(args.query)
    else:
        source = store.resolve(_readable(args.query, "the query"))
    if args.show:
        sys.stdout.write(source.text if source.text.endswith("\n") else source.text + "\n")
        return 0
    result = _interruptible(store.run, source, _params(args.param), args.build)
    sys.stdout.write(store.render(result, args.format))
    return 0


def _interruptible(work, *args):
    """`work(*args)` on a worker thread, so that Ctrl-C stops kg at once.

    Oxigraph evaluates a query in Rust, where Python's signal handler cannot run until the evaluation ends
    (minutes, for a query that joins everything with everything); it releases the GIL meanwhile, so the main
    thread waits here and takes the KeyboardInterrupt. The worker cannot be stopped and holds only a read-only
    store, so kg then leaves at once with exit code 130, without waiting for it."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["value"] = work(*args)
        except BaseException as err:  # handed to the main thread, which raises it
            outcome["error"] = err

    worker = threading.Thread(target=target, name="kg-query", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.25)
    except KeyboardInterrupt:
        sys.stderr.write("kg: interrupted; the query was stopped\n")
        sys.stderr.flush()
        os._exit(130)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
