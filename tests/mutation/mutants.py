"""The planted bugs of the mutation check (tests/mutation/run.py): each breaks one promise of the docs (docs/).

`search` must occur exactly once in `path`; `tests` are pytest ids (a file, or file::test) of the tests meant
to catch the bug. Ids missing from the tree being checked are left out (an older commit lacks newer tests).
The first seven are issue 24's audit: the five that passed every test, DEL in N-Triples, and the Neo4j
float and bool columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    promise: str
    path: str
    bug: str
    search: str
    replace: str
    tests: tuple[str, ...]
    more: tuple[tuple[str, str], ...] = ()  # further (search, replace) edits in the same file, for a bug of two parts


MUTANTS = [
    Mutant(
        "QUOTE_CASE",
        "every evidence quote occurs verbatim in the article",
        "kg/check/loader.py",
        "the quote search made case-insensitive",
        "found = finder.find(source, quote) if start is None else start if source.body.startswith(quote, start) else -1",
        "found = source.body.lower().find(quote.lower()) if start is None else start if "
        "source.body.lower().startswith(quote.lower(), start) else -1",
        ("tests/test_bad_input.py", "tests/test_front_matter.py", "tests/test_build_outputs.py"),
    ),
    Mutant(
        "ROLE_SET",
        "output is byte-identical whatever the hash seed",
        "kg/export/projection.py",
        "an edge's roles joined from a set instead of sorted",
        "role=join_list(sorted(info.roles)),",
        "role=join_list(info.roles),",
        (
            "tests/test_golden.py",
            "tests/test_injection.py::test_hostile_build_is_byte_identical_across_hash_seeds",
            "tests/test_shipped_graph.py::test_builds_are_byte_identical",
        ),
    ),
    Mutant(
        "NT_DEL",
        "N-Triples in canonical form",
        "kg/pipeline/rdf.py",
        "DEL (U+007F) left unescaped",
        "[*range(0x20), 0x7F]",
        "[*range(0x20)]",
        ("tests/test_rdf_terms.py", "tests/test_property_writers.py", "tests/test_golden.py"),
    ),
    Mutant(
        "FRONT_403",
        "kg serve refuses writes at its front",
        "kg/serve/front.py",
        "the front's 403 for POST /update and /store removed",
        'if method in WRITE_METHODS or (method == "POST" and (path == "/update" or path.startswith("/store"))):',
        "if method in WRITE_METHODS:",
        ("tests/test_serve.py",),
    ),
    Mutant(
        "FRONT_403_RELAY",
        "kg serve refuses writes at its front",
        "kg/serve/front.py",
        "writes relayed to a worker, where Oxigraph's own 403 (read-only store) answers them",
        'if method in WRITE_METHODS or (method == "POST" and (path == "/update" or path.startswith("/store"))):',
        "if method in WRITE_METHODS:",
        ("tests/test_serve.py",),
        more=(
            (
                'elif path.startswith("/store") and method in ("GET", "HEAD"):',
                'elif path.startswith("/store") or path == "/update":',
            ),
        ),
    ),
    Mutant(
        "FULLWIDTH_MINUS",
        "spreadsheet cells starting like a formula are neutralised",
        "kg/export/sheets.py",
        "the full-width minus removed from FORMULA_STARTS",
        '"\\uff0b", "\\uff0d", "\\uff20")',
        '"\\uff0b", "\\uff20")',
        ("tests/test_injection.py", "tests/test_golden.py"),
    ),
    Mutant(
        "NEO4J_FLOAT",
        "the Neo4j bundle keeps every number exactly",
        "kg/export/neo4j.py",
        "a float column written with 6 significant digits",
        "return repr(float(value))  # type: ignore[arg-type]",
        'return f"{float(value):g}"',
        ("tests/test_neo4j.py", "tests/test_cypher_databases.py", "tests/test_golden.py"),
    ),
    Mutant(
        "NEO4J_BOOL",
        "the Neo4j bundle keeps every boolean",
        "kg/export/neo4j.py",
        "a boolean column written as 1 / 0",
        'if kind is bool:\n        return "true" if value else "false"',
        'if kind is bool:\n        return "1" if value else "0"',
        ("tests/test_neo4j.py", "tests/test_cypher_databases.py"),
    ),
    Mutant(
        "STAGING_LEFT",
        "a build leaves nothing behind",
        "kg/pipeline/outputs.py",
        "the staging directory never removed",
        "                shutil.rmtree(staging, ignore_errors=True)\n            if done is not None:",
        "                pass\n            if done is not None:",
        ("tests/test_shipped_graph.py::test_build_writes_outputs_and_summary",),
    ),
    Mutant(
        "LABEL_WIDTH",
        "no label is drawn over another (large pages too)",
        "kg/export/layout.py",
        "label widths underestimated 3x",
        "CHAR_PX = 8.0 ",
        "CHAR_PX = 8.0 / 3 ",
        ("tests/test_html_scale.py",),
    ),
    Mutant(
        "GRAPHML_ALIASES",
        "GraphML holds every attribute of the view exactly",
        "kg/export/graphml.py",
        "node_data, which the fuzz test trusted as its expected answer, joins aliases with | instead of ' | '",
        'data = {k: v for k, v in attrs.items() if k != "id"}',
        'data = {k: (v.replace(" | ", "|") if k == "aliases" else v) for k, v in attrs.items() if k != "id"}',
        ("tests/test_fuzz_build.py::test_build_either_round_trips_or_refuses_cleanly", "tests/test_golden.py"),
    ),
    Mutant(
        "PUSH_LANG",
        "kg push puts the build's graphs on the server",
        "kg/serve/push.py",
        "language tags dropped from the literals pushed (every count unchanged)",
        "groups.setdefault(name, []).append(quad.triple)",
        "groups.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, ox.Literal(quad.object.value) "
        "if isinstance(quad.object, ox.Literal) and quad.object.language else quad.object))",
        ("tests/test_push.py",),
    ),
]
