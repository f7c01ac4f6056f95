"""Saved questions and query files: what `kg query NAME`, `kg query file.rq` and the query page of `kg serve` ask.

A query's header says what it is: its first comment line describes it and its `# param` lines declare the
parameters it takes, so `kg query --list`, the `--param` checks and the query page all read one source. The
saved questions ship in kg/store/queries/*.rq and are found through importlib.resources, so they work from an
installed package as from a checkout.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from kg.errors import UsageError

# The most a query may take, from standard input or a .rq file: far more than any query a person writes or a
# VALUES block of a few hundred thousand ids, and a bound on what `kg query - < /dev/zero` reads before it refuses.
MAX_QUERY_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Param:
    """A parameter a query file declares: `# param NAME (KIND[, optional]): help`."""

    name: str
    # "entity": kg id or IRI; "iri": IRI or prefixed name; "literal": typed from its form; "month": YYYY-MM (an
    # xsd:gYearMonth), "date": YYYY-MM-DD (an xsd:date), refused in any other form rather than matching nothing
    kind: str
    required: bool
    help: str

    def usage(self, api: bool = False) -> str:
        """How to give the parameter: `--param NAME=VALUE` on the command line, `NAME=...` to kg.query()."""
        value = KIND_VALUES[self.kind]
        if api:
            flag = f"the keyword argument {self.name}= ({value})"
            return flag + ("" if self.required else ", optional") + (f": {self.help}" if self.help else "")
        flag = f"--param {self.name}={value}"
        return (flag if self.required else f"[{flag}]") + (f"  {self.help}" if self.help else "")


# What each kind of parameter takes, as `kg query --list` and the messages show it.
KIND_VALUES = {
    "entity": "ID|<IRI>",
    "iri": "<IRI>|prefix:name",
    "literal": "VALUE",
    "month": "YYYY-MM",
    "date": "YYYY-MM-DD",
}


@dataclass(frozen=True)
class QueryText:
    """A query ready to run: its text, where it came from (for messages) and the parameters it declares."""

    text: str
    origin: str
    name: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    declared: bool = False  # True when the header declares parameters (saved questions always do)


_PARAM_LINE = re.compile(
    r"#\s*param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?P<kind>entity|iri|literal|month|date)\s*"
    r"(?P<optional>,\s*optional\s*)?\)\s*:?\s*(?P<help>.*)"
)


def parse_query_file(text: str, origin: str, name: str = "") -> QueryText:
    """Read the header of a query file: the first comment line describes it, `# param` lines declare parameters."""
    description = ""
    params: list[Param] = []
    declared = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _PARAM_LINE.fullmatch(stripped)
        if match:
            declared = True
            params.append(Param(match["name"], match["kind"], match["optional"] is None, match["help"].strip()))
        elif re.match(r"#\s*param\b", stripped):
            raise UsageError(
                f"{origin}:{number}: cannot read the parameter line; write `# param NAME (entity|iri|literal|month|date[, optional]): help`"
            )
        elif not description:
            description = stripped.lstrip("#").strip()
    return QueryText(text, origin, name, description, tuple(params), declared)


def read_query_bytes(stream: BinaryIO, origin: str) -> str:
    """A query's text from a byte stream: at most MAX_QUERY_BYTES, UTF-8, else a UsageError saying which."""
    data = stream.read(MAX_QUERY_BYTES + 1)
    if len(data) > MAX_QUERY_BYTES:
        raise UsageError(
            f"{origin}: more than {MAX_QUERY_BYTES // (1024 * 1024)} MiB; a query is at most "
            f"{MAX_QUERY_BYTES} bytes (was the wrong file given?)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise UsageError(
            f"{origin}:{line}:{column}: the byte {data[err.start : err.start + 1]!r} is not UTF-8; "
            "save the query as UTF-8"
        ) from None


def _queries_dir():
    return resources.files("kg.store") / "queries"


@cache
def saved_queries() -> dict[str, QueryText]:
    """The saved analyst questions shipped in kg/store/queries/*.rq, by name."""
    out = {}
    for entry in sorted(_queries_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out[name] = parse_query_file(entry.read_text(encoding="utf-8"), f"kg/store/queries/{entry.name}", name)
    return out


def is_query_file(text: str) -> bool:
    """Whether `text` names an existing file; False for what cannot be a file name at all (too long for the
    system, a NUL byte), which Path.is_file raises on."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def resolve(query: str) -> QueryText:
    """A saved question's name, a path to a .rq file, or SPARQL text -> the query to run."""
    saved = saved_queries()
    if query in saved:
        return saved[query]
    looks_like_text = any(c in query for c in "{}\n") or re.match(
        r"\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query, re.I
    )
    if not looks_like_text:
        path = Path(query)
        if is_query_file(query):
            try:
                with path.open("rb") as stream:
                    text = read_query_bytes(stream, str(path))
            except OSError as err:
                raise UsageError(f"{path}: cannot read the query file ({err})") from err
            return parse_query_file(text, str(path), path.stem)
        if re.match(r"\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\s+\S", query, re.I):
            # an update without braces (CLEAR ALL, LOAD <url>, DROP GRAPH <g>, COPY a TO b) that names no file:
            # refused as an update when it is checked, not as "neither a saved question nor a file"
            return parse_query_file(query, "query")
        hint = difflib.get_close_matches(query, list(saved), n=3)
        raise UsageError(
            f"{query!r} is neither a saved question nor a file"
            + (f"; did you mean {', '.join(hint)}?" if hint else "")
            + " (`kg query --list` shows the saved questions)"
        )
    return parse_query_file(query, "query")
