"""kg: knowledge graphs of organisations, people, regions and policies from news articles.

Python API:
    >>> import kg
    >>> dataset = kg.build("data")          # rdflib Dataset, checked against ontology/
    >>> kg.query("founders")                 # rows of a saved question, from build/store (after `kg build`)
    >>> kg.query("SELECT ...", as_frame=True)  # a pandas DataFrame
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    from kg.errors import DataError, KgError, Problem, UsageError
    from kg.model import DEFAULT_BASE as DEFAULT_BASE
    from kg.model import FOLDERS as FOLDERS
    from kg.model import OTHER_FOLDER as OTHER_FOLDER
    from kg.model import VERSION as __version__  # noqa: F401 (kg.__version__, served by __getattr__)

__all__ = ["DataError", "KgError", "Problem", "UsageError", "build", "query"]
# kg.__version__, kg.DEFAULT_BASE, kg.FOLDERS and kg.OTHER_FOLDER live in kg/model.py, at the bottom of the package,
# where every stage can import them without importing this module (whose build() and query() import the stages):
# they are served from there on first use, as the errors are.
_FROM_MODEL = {
    "__version__": "VERSION",
    "DEFAULT_BASE": "DEFAULT_BASE",
    "FOLDERS": "FOLDERS",
    "OTHER_FOLDER": "OTHER_FOLDER",
}


def _is_the_kg_command() -> bool:
    """Whether this process is the kg command rather than a program that imports kg: `python -m kg` (sys.argv[0]
    is "-m" while runpy imports the package, and the interpreter was given -m kg), or the console script
    `kg` that pip installs (the main module is a file named kg, kg.exe or kg-script.py)."""
    import sys

    orig = getattr(sys, "orig_argv", [])
    if sys.argv[:1] == ["-m"]:
        return any(a == "-mkg" or (a == "-m" and b == "kg") for a, b in zip(orig, [*orig[1:], ""], strict=True))
    main = getattr(sys.modules.get("__main__"), "__file__", None) or ""
    name = main.replace("\\", "/").rsplit("/", 1)[-1]
    return name in ("kg", "kg.exe", "kg-script.py") and bool(sys.argv) and sys.argv[0] == main


def _quiet_ctrl_c_while_loading() -> None:
    """The kg command: Ctrl-C while Python is still loading kg's modules prints one line and exits 130.

    Python imports this package, then finds and loads kg/__main__.py or kg.cli, then the commands: a
    KeyboardInterrupt in any of those steps would print a traceback out of runpy or importlib, where no code of
    kg's can catch it. The handler is set only when this process is the kg command (_is_the_kg_command), never
    when kg is imported as a library, and only if SIGINT has Python's usual handler (not ignored, as in a
    background job); kg.cli.main puts that handler back, so a build interrupted later still cleans up."""
    if not _is_the_kg_command():
        return
    import signal

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return

    def interrupted(signum: int, frame: object) -> None:
        import os

        os.write(2, b"kg: interrupted\n")
        os._exit(130)

    signal.signal(signal.SIGINT, interrupted)


_quiet_ctrl_c_while_loading()


def __getattr__(name: str):
    """kg.KgError and its kin, imported on first use: `python -m kg` imports this package before kg's own
    handling of Ctrl-C is in place, so it must take no time (kg.errors needs dataclasses, and they inspect)."""
    if name in ("DataError", "KgError", "Problem", "UsageError"):
        from kg import errors

        return getattr(errors, name)
    if name in _FROM_MODEL:
        from kg import model

        return getattr(model, _FROM_MODEL[name])
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def build(data_dir: str | Path = "data", base: str | None = None):
    """Read and check the facts under data_dir and return the RDF dataset (default graph + provenance)."""
    from kg.model import DEFAULT_BASE
    from kg.pipeline import run as pipeline

    return pipeline.load(data_dir, base=base or DEFAULT_BASE).dataset


def query(
    sparql_or_name: str,
    build: str | Path = "build",
    *,
    as_frame: bool = False,
    params: Mapping[str, Any] | None = None,
    **bindings: Any,
):
    """Ask the build's SPARQL store a question: SPARQL text, a .rq file or a saved question's name
    (`kg query --list`).

    Keyword arguments bind the query's variables as RDF terms, never as text:
    `kg.query("organisations-in-region", region="shanghai")` (use `params={...}` for names such as `build`).
    SELECT returns a list of dicts of plain Python values (str, int, Decimal, date, None when unbound), or a
    pandas DataFrame with `as_frame=True` (pandas is optional: rows need nothing beyond kg itself, and the return
    type never depends on what happens to be installed). ASK returns a bool; CONSTRUCT and DESCRIBE return
    subject/predicate/object dicts. Errors are `kg.UsageError` with a message naming what to fix."""
    from kg import store

    return store.query(sparql_or_name, build, as_frame=as_frame, params={**(params or {}), **bindings})
