"""Reading a query's text without a full SPARQL parser: a small tokenizer that knows strings, IRIs, comments and
braces, the query's shape (its form, its WHERE group, whether it orders its own rows), and syntax errors
reported against the text as the person wrote it.

Binding parameters, refusing updates and applying ORDER BY in Python all need to know where things are in
the text; pyoxigraph parses queries but does not say, so kg reads just enough of the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import UsageError
from kg.store.vocabulary import PREFIXES

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<brace>[{}])
  | (?P<word>[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\-.\u00B7\u00C0-\uFFFF]*(?::[^\s{}()<>"',;]*)?|:[^\s{}()<>"',;]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


@dataclass(frozen=True)
class Shape:
    """What kg needs to know about a query without a full parser: its form, where its WHERE group is, and
    whether it orders its own rows."""

    form: str
    group: tuple[int, int] | None  # offsets of the WHERE group's "{" and its matching "}"
    subselect: bool  # the group is a sub-SELECT, which must stay alone in its braces
    short_construct: bool  # CONSTRUCT WHERE { ... }: a template, where VALUES is not allowed
    ordered: bool  # a top-level ORDER BY
    variables: frozenset[str]


def shape(text: str) -> Shape:
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text)]
    tokens = [t for t in tokens if t[0] not in ("space", "comment")]
    variables = frozenset(value[1:] for kind, value, _ in tokens if kind == "var")
    form = ""
    index = 0
    for index, (kind, value, _) in enumerate(tokens):  # noqa: B007 - index is used after the loop
        if kind == "word" and value.upper() in _FORMS | _UPDATES:
            form = value.upper()
            break
    if form in _UPDATES or not form:
        raise UsageError(
            "kg query only reads: this is a SPARQL update, and the store is read-only"
            if form
            else "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    position = index + 1

    def skip_block(start: int) -> int:
        """Index of the token after the block whose "{" is at tokens[start]."""
        depth = 0
        for j in range(start, len(tokens)):
            if tokens[j][0] == "brace":
                depth += 1 if tokens[j][1] == "{" else -1
                if depth == 0:
                    return j + 1
        return len(tokens)

    short_construct = False
    if form == "CONSTRUCT" and position < len(tokens):
        if tokens[position][1] == "{":
            position = skip_block(position)
        elif tokens[position][0] == "word" and tokens[position][1].upper() == "WHERE":
            short_construct = True
    group = None
    subselect = False
    ordered = False
    for j in range(position, len(tokens)):
        if tokens[j][1] == "{" and tokens[j][0] == "brace":
            end = skip_block(j)
            group = (tokens[j][2], tokens[end - 1][2])
            subselect = j + 1 < len(tokens) and tokens[j + 1][0] == "word" and tokens[j + 1][1].upper() == "SELECT"
            depth = 0
            for kind, value, _ in tokens[end:]:
                if kind == "brace":
                    depth += 1 if value == "{" else -1
                elif kind == "word" and depth == 0 and value.upper() == "ORDER":
                    ordered = True
            break
    return Shape(form, group, subselect, short_construct, ordered, variables)


def _projection(select: str) -> set[str] | frozenset[str]:
    """Variables a SELECT returns: those listed, those named by `AS ?v`; every variable for `SELECT *`."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(select) if m.lastgroup not in ("space", "comment")]
    out: set[str] = set()
    depth = 0
    for i, (kind, value) in enumerate(tokens[1:], 1):  # tokens[0] is SELECT
        if kind == "brace" or (kind == "word" and value.upper() in ("WHERE", "FROM")):
            break
        if value == "*" and depth == 0:
            return frozenset(v[1:] for k, v in tokens if k == "var")
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
        elif kind == "var" and (depth == 0 or tokens[i - 1][1].upper() == "AS"):
            out.add(value[1:])
    return out


_SERVICE = re.compile("service", re.IGNORECASE)


def mentions_service(text: str) -> bool:
    """Whether `text` holds the word "service" anywhere (in any case): only such a query can hold a SERVICE
    clause, so only such a query needs refuse_service's parse; for any other, the check is this search alone."""
    return _SERVICE.search(text) is not None


# The parse of an untrusted query in a process of its own (kg serve's front): pyoxigraph's parser recurses, so a
# query of a few thousand nested brackets overflows its stack and kills the process that parses it, and a
# process that died parsing must not be the server. The child imports nothing of kg's.
_PARSE_CHILD = """
import json, sys
import pyoxigraph as ox
request = json.loads(sys.stdin.buffer.read())
try:
    ox.Store().query(request["text"] + "\\n{", prefixes=request["prefixes"])
    error = ""
except SyntaxError as err:
    error = str(err)
sys.stdout.write(json.dumps({"error": error}))
"""
PARSE_SECONDS = 10.0
PARSE_MEMORY = 1024 * 1024 * 1024  # bytes of address space for the child: parsing needs a few MB


def parse_error(text: str, kg_prefixes: bool = True, isolated: bool = False) -> str:
    """pyoxigraph's syntax error for `text` followed by a line holding "{" (which no query can end with, so the
    text is parsed and never evaluated, whatever it holds): an error on that last line means the text itself
    parsed. With `isolated`, the parse runs in a child process under a time and memory limit, and a child that
    dies (a stack overflow on deeply nested brackets) or overruns is a UsageError, never the caller's death."""
    prefixes = PREFIXES if kg_prefixes else None
    if not isolated:
        try:
            ox.Store().query(text + "\n{", prefixes=prefixes)
        except SyntaxError as err:
            return str(err)
        return ""
    import json
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (PARSE_MEMORY, PARSE_MEMORY))

    request = json.dumps({"text": text, "prefixes": prefixes}).encode("utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _PARSE_CHILD],
            input=request,
            capture_output=True,
            timeout=PARSE_SECONDS,
            preexec_fn=limit,
            check=False,
        )
        if done.returncode == 0:
            return json.loads(done.stdout)["error"]
    except (subprocess.TimeoutExpired, OSError, ValueError, KeyError):
        pass
    raise UsageError(
        "query: the query could not be checked (its parse failed: brackets nested thousands deep, or too large); "
        "write it with less nesting"
    )


def refuse_service(text: str, origin: str, isolated: bool = False) -> None:
    """Refuse a query with a SERVICE clause, found by parsing it, never by running it (UsageError).

    A SERVICE clause makes Oxigraph send the query to the address it names, from this machine: any web page
    could make `kg serve` (or a shared .rq file, `kg query`) connect to hosts only this machine reaches. The
    keyword is found by Oxigraph's own parser, so kg's reading and the engine's cannot differ: every
    "service" in the text (in any case) is changed to "servicf", which leaves a string, an IRI, a name or a
    comment as valid as it was but makes the keyword a syntax error; the changed text is then parsed, never
    evaluated (`parse_error`; `isolated` for untrusted text, in a child process). An error on
    that last line means the parser read the whole text: no "service" was the keyword. An error earlier
    stops the query, as a SERVICE clause when a "service" comes before the error, else as a syntax error.
    FROM and FROM NAMED only choose graphs of the store (Oxigraph loads nothing), and LOAD is an update."""
    hits = [match.start() for match in _SERVICE.finditer(text)]
    if not hits:
        return
    probe = _SERVICE.sub(lambda m: m.group()[:-1] + ("F" if m.group()[-1] == "E" else "f"), text)
    last_line = probe.count("\n") + 2  # the line of the "{"
    error = ""
    if not _SERVICE.search(probe):  # "service" never overlaps itself, so none is left
        error = parse_error(probe, isolated=isolated)
    match = re.match(r"error at (\d+):(\d+):", error)
    if match and int(match[1]) >= last_line:
        return
    offset = len(text)
    if match:  # the error's line and column (1-based, in characters) as an offset into the text
        lines = text.split("\n")
        line, column = int(match[1]), int(match[2])
        offset = sum(len(part) + 1 for part in lines[: line - 1]) + column - 1
    before = [hit for hit in hits if hit < offset]
    if not before:
        raise UsageError(syntax_message(error, text, origin))
    line = text.count("\n", 0, before[-1]) + 1
    column = before[-1] - (text.rfind("\n", 0, before[-1]) + 1) + 1
    raise UsageError(
        f"{origin}:{line}:{column}: SERVICE is refused: it would make this machine send the query to the server "
        'it names. Ask that server yourself, or put its data into the build. (If "service" here is a word '
        "in a string or a name, this is a syntax error near it instead.)"
    )


MAX_NESTING = 1000


def nesting(text: str) -> int:
    """How deep the query's brackets nest, or how long its longest run of prefix operators is (! ^ - +),
    whichever is more: outside strings, IRIs and comments, which may hold any number of either."""
    deepest = depth = run = 0
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "space":
            continue
        if value in "([{" and kind in ("brace", "other"):
            depth += 1
            deepest = max(deepest, depth)
        elif value in ")]}" and kind in ("brace", "other"):
            depth = max(depth - 1, 0)
        if kind == "other" and value in "!^-+":
            run += 1
            deepest = max(deepest, run)
        else:
            run = 0
    return deepest


MAX_CHAIN = 5000
_OPERATORS = set("+-*/=<>!|&^")
# keywords each of which adds a level to the query's algebra (an OPTIONAL, MINUS or BIND extends what comes
# before it; a UNION, an operator or an AS likewise)
_CHAINING = {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES", "EXISTS", "IN", "AS"}


def chaining(text: str) -> int:
    """How deep the query's algebra can go through chains rather than brackets: Oxigraph evaluates `1 + 1 + ...`,
    `?a || ?a || ...` and a group of OPTIONALs, MINUSes or BINDs as a tree as deep as the chain is long, and
    recurses through it: 8,000 `+ 1` (a 32 KB query) or 4,000 `OPTIONAL {}` killed kg query with a segmentation
    fault (exit 139, no message). Counted: the operators and the chaining keywords of every bracket level
    still open, outside strings, IRIs and comments (an overcount, never an undercount)."""
    deepest = total = 0
    levels = [0]
    previous = ""
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind in ("space", "comment"):
            previous = ""
            continue
        if value in "([{" and kind in ("brace", "other"):
            levels.append(0)
        elif value in ")]}" and kind in ("brace", "other"):
            if len(levels) > 1:
                total -= levels.pop()
        elif (kind == "other" and value in _OPERATORS and previous not in _OPERATORS) or (
            kind == "word" and value.upper() in _CHAINING
        ):
            levels[-1] += 1
            total += 1
            deepest = max(deepest, total)
        previous = value if kind == "other" else ""
    return deepest


def _orders(text: str) -> bool:
    """Whether `text` holds an ORDER BY (a top-level one or a sub-SELECT's), so that evaluating it sorts."""
    previous = ""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            word = match.group().upper()
            if previous == "ORDER" and word == "BY":
                return True
            previous = word
    return False


def check_depth(text: str, origin: str, max_chain: int = MAX_CHAIN, runner: str = "kg") -> None:
    """Refuse (UsageError) a text nested deeper than MAX_NESTING or chaining more than MAX_CHAIN operators or
    clauses: the engine parses and evaluates such a text by recursion, and its stack overflows (a segmentation
    fault). kg serve's front runs this before a worker sees the query, so a worker does not die of it (502), with
    a lower `max_chain`: a worker evaluates on a thread of its own, whose stack held 2,400 OPTIONALs or MINUSes
    in one group, not 2,600."""
    deep = nesting(text)
    if deep > MAX_NESTING:
        raise UsageError(
            f"{origin}: the query nests {deep} levels deep (brackets, or a run of ! ^ - + operators); kg reads "
            f"queries nested up to {MAX_NESTING} deep: write it with less nesting"
        )
    chain = chaining(text)
    if chain > max_chain:
        raise UsageError(
            f"{origin}: the query chains {chain} operators or clauses (+, ||, OPTIONAL, MINUS, BIND, UNION ...) in "
            f"one expression or group; {runner} runs queries that chain up to {max_chain}, as the engine evaluates such "
            "a chain by recursion: write it with fewer (a VALUES block or IN (...) lists values without a chain)"
        )


def _check_syntax(text: str, origin: str) -> None:
    """Parse without evaluating (against an empty in-memory store), so errors point into the text as written.
    A SERVICE clause is refused first, by parsing alone: evaluating it, even on an empty store, sends it.

    pyoxigraph's parser recurses: brackets or `!` nested some thousands deep overflow its stack and kill the
    process with a segmentation fault, not an exception. No query a person writes nests a thousand deep, so
    such a text is refused before the parser sees it."""
    check_depth(text, origin)
    refuse_service(text, origin)
    try:
        if _orders(text):
            # parsed, never evaluated: evaluating even on an empty store sorts a VALUES block, and Oxigraph's
            # sort of mixed kinds of literals aborts the process (kg.store.engine runs such a query)
            error = parse_error(text)
            match = re.match(r"error at (\d+):", error)
            if match and int(match[1]) < text.count("\n") + 2:
                raise SyntaxError(error)
        else:
            ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as err:
        words = [m.group().upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]
        form = next((w for w in words if w in _FORMS | _UPDATES), "")
        if form in _UPDATES:  # an update is refused as such, not as a syntax error of a query
            shape(text)
        raise UsageError(syntax_message(str(err), text, origin)) from None


SHOWN_LINE = 200  # characters of the query's line a message shows


def shown_line(line: str, column: int) -> str:
    """The line a message quotes, cut to SHOWN_LINE characters around `column` (1-based) with " ... " where cut:
    a query of one 1 MB line was quoted whole, so kg serve answered a 1 MB error and kg query printed it."""
    if len(line) <= SHOWN_LINE:
        return line
    begin = max(0, min(column - 1 - SHOWN_LINE // 2, len(line) - SHOWN_LINE))
    return (
        ("... " if begin else "")
        + line[begin : begin + SHOWN_LINE]
        + (" ..." if begin + SHOWN_LINE < len(line) else "")
    )


def undeclared_prefix_message(text: str, origin: str, kg_prefixes_given: bool) -> str | None:
    """kg's message for the first prefixed name whose prefix the query does not declare, or None.

    Oxigraph says only "expected one of Prefix not found, ['%'], ..." with a list of characters. `kg query`
    gives the engine kg's prefixes (kg_prefixes_given), so there only another prefix can be missing; a SPARQL
    endpoint (kg serve's /query, any server kg push feeds) knows none, so there kg's own need declaring too."""
    # the tokens one at a time, never as a list: kg serve's front runs this on a client's query (up to
    # --max-body), and the list of a 1 MB query's tokens took the front from 50 MB to 160 MB
    declared: set[str] = set(PREFIXES) if kg_prefixes_given else set()
    after_prefix = False
    for match in _TOKEN.finditer(text):
        kind, value, start = match.lastgroup, match.group(), match.start()
        if kind in ("space", "comment"):
            continue
        follows_prefix, after_prefix = after_prefix, kind == "word" and value.upper() == "PREFIX"
        if kind != "word" or ":" not in value:
            continue
        prefix = value.split(":", 1)[0]
        if follows_prefix:
            declared.add(prefix)
            continue
        if prefix == "_" or prefix in declared:  # _: is a blank node, not a prefix
            continue
        line = text.count("\n", 0, start) + 1
        line_start = text.rfind("\n", 0, start) + 1
        column = start - line_start + 1
        if prefix in PREFIXES:
            fix = (
                f"add PREFIX {prefix}: <{PREFIXES[prefix]}> before the query (kg query and the query page of "
                "kg serve add kg's prefixes; a SPARQL endpoint needs them declared)"
            )
        else:
            fix = f"declare it before the query: PREFIX {prefix}: <namespace IRI>"
        end = text.find("\n", start)
        shown = shown_line(text[line_start : end if end >= 0 else len(text)].rstrip("\r"), column)
        shown_name = value if len(value) <= SHOWN_LINE else value[:SHOWN_LINE] + " ..."
        return f"{origin}:{line}:{column}: the prefix {prefix}: of {shown_name} is not declared; {fix}\n    {line} | {shown}"
    return None


def syntax_message(message: str, text: str, origin: str, kg_prefixes_given: bool = True) -> str:
    """pyoxigraph's "error at LINE:COLUMN: expected ..." -> origin:LINE:COLUMN, the message and the line itself."""
    if "Prefix not found" in message:
        undeclared = undeclared_prefix_message(text, origin, kg_prefixes_given)
        if undeclared is not None:
            return undeclared
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not match:
        return f"{origin}: SPARQL syntax error: {message}"
    line, column, detail = int(match[1]), int(match[2]), " ".join(match[3].split())
    if len(detail) > 240:
        detail = detail[:240] + " ..."
    lines = text.splitlines()
    shown = shown_line(lines[line - 1], column) if 0 < line <= len(lines) else ""
    return f"{origin}:{line}:{column}: SPARQL syntax error: {detail}\n    {line} | {shown}"
