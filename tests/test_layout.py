"""The package's layout (issue 23): one package per stage of the data flow, imports only downwards, no cycles.
# layout_rewrite: skip  (this file names the new packages, which the rewrite of old module names must leave alone)

Every module under kg/ is parsed (never imported) and every import statement counts: at the top, inside a
function (a lazy import runs too, only later) and under `if TYPE_CHECKING:`. An edge goes from a module to the
module it names: `from kg.read import facts` names kg.read.facts, `from kg.read.facts import ID` names
kg.read.facts, `from kg import model` names kg.model, `from kg import build` names the package kg itself.
Importing kg.a.b also runs kg/a/__init__.py, but that parent import is never an edge: Python finishes a parent
before its children, so it cannot make a cycle, and counting it would make every package a cycle with its
own modules.

TYPE_CHECKING imports never run, so they cannot make a cycle at run time: (a) and (b) leave them out; (c)
holds them to the same table as any import, so type hints do not climb the layers either.

The layers are the packages of notes/layout-map.md, with two refinements:
- kg/pipeline/rdf.py, splice.py and gcpause.py are the layer "dataset" below the rest of kg/pipeline/: the
  dataset (rdf), its line-level change sets (splice, which the incremental build computes and every RDF writer
  applies) and the collector pause that every large step uses. They import only read and the base modules. The
  map lets export import pipeline.rdf "(the dataset)"; with kg/pipeline/ as one layer that would be a cycle
  pipeline <-> export by definition (pipeline runs the writers).
- The kg package itself (kg/__init__.py: kg.build, kg.query) and the command line sit on top.
Imports the map forbids but the code needs without a behaviour change are listed one by one in EXCEPTIONS,
each with its reason; anything else outside the table fails.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KG = ROOT / "kg"

BASE = {"kg.model", "kg.errors", "kg.ontology", "kg.files"}  # everyone may import these
DATASET = {"kg.pipeline.rdf", "kg.pipeline.splice", "kg.pipeline.gcpause"}
TOP_LEVEL_LIMIT = 10

# layer -> the layers it may import besides the base (and itself), as in notes/layout-map.md
ALLOWED: dict[str, set[str]] = {
    "base": set(),  # "nothing of kg's but each other"
    "read": set(),
    "ingest": set(),
    "dataset": {"read"},
    "check": {"read"},
    "export": {"dataset"},  # the map: "pipeline.rdf (the dataset)"
    "pipeline": {"read", "check", "export", "dataset"},
    "store": {"export"},
    "serve": {"store", "read", "check", "ingest"},
    "extract": {"read"},
    "cli": {"api", "read", "check", "pipeline", "dataset", "export", "store", "serve", "ingest", "extract"},
    "api": {"read", "check", "pipeline", "dataset", "export", "store", "serve", "ingest", "extract"},
}

# (importing file, imported module): why the import stays although the map's table does not allow it
EXCEPTIONS: dict[tuple[str, str], str] = {
    **{
        (f"kg/ingest/{name}.py", module): "kg add writes articles in the format kg/read/ parses, and checks what it "
        "writes (slug, IRIs, language tags, dates) with read's own functions, so that nothing it adds fails to load"
        for name, module in [
            ("article", "kg.read.articles"),
            ("page", "kg.read.articles"),
            ("page", "kg.read.dates"),
            ("pdf", "kg.read.dates"),
            ("text", "kg.read.articles"),
        ]
    },
    ("kg/check/shacl/__init__.py", "kg.pipeline.rdf"): "SHACL validates the build's output: a finding names the "
    "file and line of the entity or statement whose IRI rdf.py's Minter made (dataset layer, below pipeline)",
    ("kg/check/shacl/__init__.py", "kg.pipeline.gcpause"): "SHACL parses millions of lines as the build does, "
    "with the collector paused (dataset layer, below pipeline)",
    ("kg/check/shacl/__init__.py", "kg.pipeline.run"): "type hint only (TYPE_CHECKING): SHACL takes the Build",
    ("kg/serve/review/save.py", "kg.pipeline.corpus"): "kg review saves only what kg build would accept: it runs "
    "the per-source stage's reading and checks (corpus.read) on the facts it is about to write",
}


def layer(module: str) -> str:
    if module in BASE:
        return "base"
    if module == "kg":
        return "api"
    if module in DATASET:
        return "dataset"
    if module in ("kg.cli", "kg.__main__") or module.startswith("kg.commands"):
        return "cli"
    return module.split(".")[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(kg_dir: Path = KG) -> list[tuple[str, str, int, str, bool]]:
    """Every import of a kg module by a kg module: (importer, imported, line, statement, under TYPE_CHECKING)."""
    root = kg_dir.parent
    paths = sorted(p for p in kg_dir.rglob("*.py") if "__pycache__" not in p.parts)
    modules = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__") for p in paths}
    found = []
    for path in paths:
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        package = name.removesuffix(".__init__") if name.endswith(".__init__") else name.rpartition(".")[0]
        name = name.removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        typing_only = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for target in dict.fromkeys(targets):
                if target == "kg" or target.startswith("kg."):
                    while target not in modules and "." in target:  # `import kg.a.b` of an attribute: its module
                        target = target.rpartition(".")[0]
                    found.append((name, target, node.lineno, ast.unparse(node), node.lineno in typing_only))
    return found


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph (its nodes in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def _file(module: str) -> str:
    path = KG.parent / Path(*module.split("."))
    return f"{path.relative_to(ROOT)}/__init__.py" if path.is_dir() else f"{path.relative_to(ROOT)}.py"


def test_no_cycle_between_modules():
    edges: dict[str, set[str]] = defaultdict(set)
    where = {}
    for importer, imported, line, statement, typing_only in imports():
        if importer != imported and not typing_only:
            edges[importer].add(imported)
            where.setdefault((importer, imported), f"{_file(importer)}:{line}: {statement}")
    cycle = _cycle(edges)
    assert cycle is None, "import cycle between modules:\n" + "\n".join(
        where[a, b] for a, b in itertools.pairwise(cycle)
    )


def test_no_cycle_between_packages():
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for importer, imported, line, statement, typing_only in imports():
        a, b = layer(importer), layer(imported)
        if a != b and not typing_only:
            edges[a].add(b)
            where.setdefault((a, b), f"{_file(importer)}:{line}: {statement}")
    cycle = _cycle(edges)
    assert cycle is None, f"import cycle between layers {' -> '.join(cycle)}, e.g.:\n" + "\n".join(
        where[a, b] for a, b in itertools.pairwise(cycle)
    )


def test_every_import_goes_down_the_table():
    wrong = []
    for importer, imported, line, statement, typing_only in imports():
        a, b = layer(importer), layer(imported)
        if a not in ALLOWED or b not in ALLOWED:
            wrong.append(
                f"{_file(importer)}:{line}: {statement}: {_file(importer if a not in ALLOWED else imported)}"
                " is in none of the map's packages"
            )
            continue
        if a == b or b == "base" or b in ALLOWED[a] or (_file(importer), imported) in EXCEPTIONS:
            continue
        hint = " (under TYPE_CHECKING)" if typing_only else ""
        wrong.append(
            f"{_file(importer)}:{line}: {statement}{hint}: {a} may import only {sorted(ALLOWED[a]) or 'the base'}"
        )
    assert not wrong, "imports that go up or across the layers:\n" + "\n".join(wrong)


def test_every_exception_is_still_needed():
    """An exception the code no longer needs is removed from the list, so the list stays the exact truth."""
    used = {(_file(importer), imported) for importer, imported, *_ in imports()}
    assert not set(EXCEPTIONS) - used, f"no longer imported: {sorted(set(EXCEPTIONS) - used)}"


def test_at_most_ten_top_level_modules():
    top = sorted(p.name for p in KG.glob("*.py"))
    assert len(top) <= TOP_LEVEL_LIMIT, f"{len(top)} modules directly under kg/ (at most {TOP_LEVEL_LIMIT}): {top}"


def test_every_package_says_its_job_and_what_it_may_import():
    for init in sorted(KG.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "may import" in doc.lower(), f"{init.relative_to(ROOT)}: its docstring does not say what it may import"


def test_the_documented_python_api(tmp_path):
    """README's Python API: kg.build returns the dataset of data/, kg.query asks a build, kg.KgError and its kin,
    kg.export's registry; importable as `import kg` alone, nothing else imported first."""
    import subprocess
    import sys

    code = (
        "import kg, rdflib\n"
        "ds = kg.build('data')\n"
        "assert isinstance(ds, rdflib.Dataset) and len(ds) > 0, ds\n"
        "assert callable(kg.query) and issubclass(kg.DataError, kg.KgError) and issubclass(kg.UsageError, kg.KgError)\n"
        "assert kg.Problem and kg.__version__ and kg.DEFAULT_BASE\n"
        "from kg import pipeline\n"  # the Python API page: load, write, build, as before the layout changed
        "b = pipeline.load('data')\n"
        "assert b.view.number_of_nodes() > 0 and isinstance(b, pipeline.Build)\n"
        "import tempfile, pathlib\n"
        "out = pathlib.Path(tempfile.mkdtemp())\n"
        "pipeline.write(b, out / 'w', ['turtle'])\n"
        "assert (out / 'w' / 'kg.ttl').stat().st_size > 0\n"
        "done = pipeline.build('data', out / 'b', ['turtle'], cache=None)\n"
        "assert (out / 'b' / 'kg.ttl').read_bytes() == (out / 'w' / 'kg.ttl').read_bytes(), done\n"
        "print(len(ds))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000

    from kg import export

    assert {"turtle", "trig", "ntriples", "nquads", "jsonld", "graphml", "html", "neo4j", "sheets", "store"} <= set(
        export.FORMATS
    )
    for name in ("get", "FORMATS", "Format"):
        assert hasattr(export, name), name
    for fmt in export.FORMATS.values():
        assert callable(fmt.load().write), fmt.name
    params = inspect.signature(importlib.import_module("kg").query).parameters
    assert {"sparql_or_name", "build", "as_frame", "params"} <= set(params)


@pytest.mark.parametrize("package", ["kg.read", "kg.check", "kg.pipeline", "kg.serve"])
def test_new_packages_load_nothing_heavy(package):
    """A package's __init__ only says what it is: importing kg.pipeline does not load the build."""
    import subprocess
    import sys

    code = f"import sys, {package}; print(sorted(m for m in sys.modules if m.startswith('{package}.')))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("argv", "loaded", "not_loaded"),
    [
        (["build", "--help"], set(), {"kg.commands.query", "kg.commands.serve", "kg.store", "kg.serve.front"}),
        (["query", "--help"], {"kg.commands.query"}, {"kg.commands.serve", "kg.serve.front", "kg.commands.add"}),
        (["--help"], {"kg.commands.query", "kg.commands.serve"}, set()),
    ],
)
def test_a_command_loads_only_its_own_module(argv, loaded, not_loaded):
    """`kg build` does not import the server's or the store's modules (each `python -m kg` paid about 0.1 s of CPU
    for them), while `kg --help` still lists every command; the parser is the same for the command typed."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom kg import cli\n"
        f"try:\n    cli.run({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('kg'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    modules = set(done.stderr.split())
    assert loaded <= modules and not (not_loaded & modules), sorted(modules)
    assert "usage: kg" in done.stdout
