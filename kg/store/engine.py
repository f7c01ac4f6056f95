"""A query whose ORDER BY the engine must apply, run in a child process where an abort costs nothing.

Oxigraph's comparison of literals of mixed kinds (durations XSD orders only partially, times, numbers, dates with
and without zones) is no total order, and Rust's sort (1.81 and later) panics on such a comparison: pyoxigraph
then aborts the whole process (SIGABRT, a Rust backtrace on stderr), which killed `kg query` with exit 134 and
would kill a notebook's kernel through `kg.query()`. kg orders a final ORDER BY of its own columns itself (a
total key: kg.store.ordering); the rest (an expression, a variable not returned, a sub-SELECT's ORDER BY, a
LIMIT over a very large answer) runs here, in a child process (`main`), which reads the store's path and the
query as JSON on stdin and writes the answer serialised (SPARQL JSON results, or N-Triples) on stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store.vocabulary import PREFIXES

ABORTED = 70  # the child's exit status when the query failed with an error (its message on stderr)
SYNTAX = 71  # ... when it was a syntax error, raised again as one so that kg's message quotes the line
_STACK = 256 * 1024 * 1024  # as kg.store.EVALUATION_STACK: the engine evaluates chains by recursion


def query(path: Path, text: str, origin: str) -> Any:
    """The engine's answer to `text` against the store at `path` (QuerySolutions, QueryBoolean or a list of
    Triples), computed in a child process. Raises UsageError, naming `origin`, when the child fails or aborts."""
    request = json.dumps({"store": str(path), "query": text})
    try:
        done = subprocess.run(
            # -P: the working directory is not put on the child's path, so a kg/ folder there is not imported
            [sys.executable, "-P", "-c", "from kg.store.engine import main; raise SystemExit(main())"],
            input=request.encode(),
            capture_output=True,
            check=False,
        )
    except OSError as err:
        raise UsageError(f"{origin}: cannot start the query engine's process ({err})") from None
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode == SYNTAX:
        raise SyntaxError(message)
    if done.returncode == ABORTED:
        raise UsageError(f"{origin}: the query failed: {message or 'no message'}")
    if done.returncode != 0:
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        raise UsageError(
            f"{origin}: the query engine stopped while ordering the answer (Oxigraph's sort aborted, {how}: "
            "its comparison of mixed kinds of values, such as durations, times and numbers, "
            "is no total order). Order by a variable the SELECT returns, or by STR(...), which kg orders itself, "
            "or keep the values ordered to one kind"
        )
    data = done.stdout
    if data[:1] == b"T":
        return [quad.triple for quad in ox.parse(data[1:], format=ox.RdfFormat.N_TRIPLES)]
    return ox.parse_query_results(data[1:], format=ox.QueryResultsFormat.JSON)


def _answer(request: dict[str, str]) -> bytes:
    store = ox.Store.read_only(request["store"])
    answer = store.query(request["query"], prefixes=PREFIXES)
    if isinstance(answer, ox.QueryTriples):
        return b"T" + answer.serialize(format=ox.RdfFormat.N_TRIPLES)
    return b"R" + answer.serialize(format=ox.QueryResultsFormat.JSON)


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = _answer(request)
        except (OSError, RuntimeError, ValueError, SyntaxError) as err:
            outcome["error"] = err

    threading.stack_size(_STACK)
    worker = threading.Thread(target=target, name="kg-engine-evaluation")
    worker.start()
    worker.join()
    if "error" in outcome:
        sys.stderr.write(f"{outcome['error']}\n")
        return SYNTAX if isinstance(outcome["error"], SyntaxError) else ABORTED
    sys.stdout.buffer.write(outcome["value"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
