"""Benchmarks: kg's build, each export, the store and every saved question, against rdflib on the same data.

    python benchmarks/run.py                       # 10k triples (what CI runs)
    python benchmarks/run.py --triples 10k,100k,1M --repeat 3

The corpus comes from `kg synth` (deterministic by --seed); its size is counted in quads of the built dataset.
Every measurement runs in a fresh process that first times kg's step and then the baseline on the same data,
in the same process, and prints the ratio baseline / kg: noise on these shared machines hits both alike, so
the ratio is the number to read, not the seconds. Peak RSS is the process's high-water mark after kg's step
and before the baseline runs. Baselines (issue 6): rdflib `Dataset.addN` + `serialize` for the build and the
RDF exports, networkx's plain-XML GraphML writer for GraphML, rdflib's SPARQL engine for the questions.
Exports without a baseline (HTML, Neo4j) print "-". Nothing is asserted: the numbers are printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What rdflib writes for each RDF export: (the part of the dataset, rdflib's format name).
RDF_BASELINES = {
    "turtle": ("default", "turtle"),
    "trig": ("dataset", "trig"),
    "ntriples": ("default", "nt"),
    "nquads": ("dataset", "nquads"),
    "jsonld": ("default", "json-ld"),
}
STAGES = ("build", "jobs", "rebuild", "validate", "exports", "questions", "extract")
STATEMENTS_PER_QUAD = 1 / 15  # the synthetic corpus gives about 15 quads per statement


def _parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _median_time(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --------------------------------------------------------------------------------------------------------------
# Stages: each runs in its own process (python benchmarks/run.py --stage NAME ...) and prints one JSON line.


def _rdflib_quads(dataset) -> list[tuple]:
    """The dataset's quads as rdflib terms (the baselines' input, made outside their timing)."""
    from rdflib import URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from kg.pipeline.rdf import DEFAULT_GRAPH, rdflib_term

    return [
        (rdflib_term(s), URIRef(p), rdflib_term(o), DATASET_DEFAULT_GRAPH_ID if name == DEFAULT_GRAPH else URIRef(name))
        for name, triples in dataset.graphs.items()
        for s, p, o in triples
    ]


def _rdflib_dataset(dataset):
    import rdflib

    ds = rdflib.Dataset()
    ds.addN((s, p, o, ds.graph(g)) for s, p, o, g in _rdflib_quads(dataset))
    return ds


def _load(corpus: Path):
    from kg.pipeline import run as pipeline

    return pipeline.load(corpus)


BUILD_FORMATS = ["turtle", "trig", "ntriples", "nquads", "jsonld", "store"]  # every RDF format and the store


def stage_build(corpus: Path, work: Path, repeat: int) -> dict:
    import rdflib

    from kg.pipeline import run as pipeline

    def ours() -> None:
        out = work / "build"
        shutil.rmtree(out, ignore_errors=True)
        pipeline.build(corpus, out, BUILD_FORMATS, cache=None)  # `kg build --no-cache`: --jobs auto

    ours_s = _median_time(ours, repeat)
    rss = _rss_mb()
    with open(work / "build" / "kg.nq", "rb") as written:
        count = sum(1 for _ in written)  # the dataset's quads, one a line
    quads = _rdflib_quads(_load(corpus).rdf)

    def baseline() -> None:
        # the same RDF formats as kg's side, each with the rdflib writer its export row compares with
        ds = rdflib.Dataset()
        ds.addN((s, p, o, ds.graph(g)) for s, p, o, g in quads)
        for name in BUILD_FORMATS:
            if name in RDF_BASELINES:
                part, rdflib_format = RDF_BASELINES[name]
                graph = ds.default_graph if part == "default" else ds
                graph.serialize(work / f"base.{name}", format=rdflib_format)

    return {"quads": count, "kg_s": ours_s, "rss_mb": rss, "base_s": _median_time(baseline, repeat)}


JOBS_PAIRS = 3  # the least runs of each side: one pair moved the ratio from 1.3x to 1.9x between runs at 1M


def stage_jobs(corpus: Path, work: Path, repeat: int) -> dict:
    """The per-source stage alone (reading and checking every facts file) in 2 processes against 1: the two
    alternate, at least JOBS_PAIRS times each (the stage is a few seconds even at 1M), so a slow spell of the
    machine falls on both sides; the medians are compared."""
    from kg.pipeline import run as pipeline

    quads = len(_load(corpus).rdf)
    timed: dict[int, list[float]] = {2: [], 1: []}
    for _ in range(max(repeat, JOBS_PAIRS)):
        for jobs in (2, 1):
            timed[jobs].append(pipeline.load(corpus, jobs=jobs).timings["per-source stage"])
    median = {jobs: statistics.median(times) for jobs, times in timed.items()}
    return {"quads": quads, "kg_s": median[2], "rss_mb": _rss_mb(), "base_s": median[1]}


def stage_rebuild(corpus: Path, work: Path, repeat: int) -> dict:
    """`kg build` after one facts file changed (a label edited), updating the build before in place, against a
    full build; the output must be byte-identical to a clean build of the changed corpus, and the store hold the
    same quads (else the stage fails)."""
    from kg.pipeline import run as pipeline

    data, cache, out = work / "data", work / "cache", work / "incremental"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(corpus, data)
    facts = sorted((data / "facts").iterdir())[len(list((data / "facts").iterdir())) // 2]
    original = facts.read_text("utf-8")
    label = next(line for line in original.splitlines() if line.strip().startswith("label:"))

    def full() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        facts.write_text(original, encoding="utf-8")
        pipeline.build(data, out, BUILD_FORMATS, cache=cache)

    full_s = _median_time(full, repeat)
    times = []
    for i in range(repeat):
        full()
        facts.write_text(original.replace(label, f"{label} v{i}", 1), encoding="utf-8")
        start = time.perf_counter()
        outcome = pipeline.build(data, out, BUILD_FORMATS, cache=cache)
        times.append(time.perf_counter() - start)
        if outcome.changed != [facts.stem]:
            raise SystemExit(f"the second build did not update in place (changed: {outcome.changed})")
    rss = _rss_mb()
    clean = pipeline.load(data)
    pipeline.write(clean, work / "clean", BUILD_FORMATS)
    for name in ("kg.ttl", "kg.trig", "kg.nt", "kg.nq", "kg.jsonld"):
        if (work / "clean" / name).read_bytes() != (out / name).read_bytes():
            raise SystemExit(f"the incremental build's {name} differs from a clean build's")
    if _store_quads(work / "clean" / "store") != _store_quads(out / "store"):
        raise SystemExit("the incremental build's store differs from a clean build's")
    return {"quads": len(clean.rdf), "kg_s": statistics.median(times), "rss_mb": rss, "base_s": full_s}


def _store_quads(path: Path) -> tuple[int, int]:
    """How many quads a store holds, and a digest of those without blank nodes (Oxigraph relabels them)."""
    import hashlib

    import pyoxigraph as ox

    store = ox.Store.read_only(str(path))
    digest, count = hashlib.sha256(), 0
    for line in sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()):
        count += 1
        if "_:" not in line:
            digest.update(line.encode("utf-8") + b"\n")
    return count, int.from_bytes(digest.digest()[:8], "big")


def stage_validate(corpus: Path, work: Path, repeat: int, limit: float, sample: str | None) -> dict:
    """`kg validate`: the loader's checks and SHACL (partitioned, screened, --jobs auto), from reading the files
    on; the baseline is one whole-graph pySHACL run over the same build (what kg validate did before), stopped
    after --limit seconds."""
    from kg.check import shacl as validate
    from kg.pipeline import run as pipeline

    fraction = validate.parse_sample(sample) if sample else None
    counted = {}

    def ours() -> None:
        build = pipeline.load(corpus, jobs=0)
        counted["quads"] = len(build.rdf)
        validate.validate(build, sample=fraction, seed=1)

    ours_s = _median_time(ours, repeat)
    rss = _rss_mb()
    result = {"quads": counted["quads"], "kg_s": ours_s, "rss_mb": rss, "base_s": None}
    if sample is None:
        result["limit"] = limit
        build = pipeline.load(corpus, jobs=0)
        result["base_s"] = _bounded(
            lambda: validate.validate(build, jobs=1, partition=False, use_screen=False), repeat, limit
        )
    return result


def stage_export(corpus: Path, work: Path, repeat: int, name: str) -> dict:
    from kg import export

    build = _load(corpus)
    fmt = export.get(name)
    module = fmt.load()
    data = build.view if fmt.input == "view" else build.rdf
    target = work / fmt.filename

    def ours() -> None:
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        module.write(data, target)

    ours_s = _median_time(ours, repeat)
    rss = _rss_mb()
    result = {"quads": len(build.rdf), "kg_s": ours_s, "rss_mb": rss, "base_s": None}
    if name in RDF_BASELINES:
        part, rdflib_format = RDF_BASELINES[name]
        rdflib_ds = _rdflib_dataset(build.rdf)
        graph = rdflib_ds.default_graph if part == "default" else rdflib_ds
        result["base_s"] = _median_time(lambda: graph.serialize(work / "base.out", format=rdflib_format), repeat)
    elif name == "graphml":
        import networkx as nx

        result["base_s"] = _median_time(lambda: nx.write_graphml_xml(build.view, work / "base.graphml"), repeat)
    return result


def _bounded(step: Callable[[], object], repeat: int, limit: float) -> float | None:
    """The median time of `step` in a forked child, or None when it has not finished within `limit` seconds:
    rdflib's engine takes minutes on some questions already at 10k quads, and a benchmark must end."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    result = ctx.Queue()
    child = ctx.Process(target=lambda: result.put(_median_time(step, repeat)))
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return result.get()


def stage_queries(corpus: Path, work: Path, repeat: int, limit: float) -> dict:
    """Every saved question through kg's store and through rdflib's engine over the store's own quads."""

    from kg import store
    from kg.pipeline import run as pipeline

    out = work / "build"
    shutil.rmtree(out, ignore_errors=True)
    build = pipeline.load(corpus)
    pipeline.write(build, out, ["store"])
    quads = len(build.rdf)
    del build
    oxstore = store.open_store(out)

    ds = store.to_rdflib(oxstore)
    # the baseline's millions of rdflib objects are left out of the garbage collector's walks: else each of kg's
    # questions, which makes objects too, would pay for full collections over them (0.03 s became 0.5 s)
    gc.freeze()
    # a required parameter (both are regions) gets the region most facts point to: a busy, realistic case
    busiest = next(
        iter(
            oxstore.query(
                "PREFIX kg: <https://kg.example.org/ontology#> SELECT ?r (COUNT(*) AS ?n) "
                "WHERE { ?x ?p ?r . ?r a kg:Region } GROUP BY ?r ORDER BY DESC(?n) STR(?r) LIMIT 1"
            )
        )
    )["r"]
    rows = {}
    for name, saved in store.saved_queries().items():
        params = {p.name: f"<{busiest.value}>" for p in saved.params if p.required}
        text = store.prepare(saved, params, oxstore)
        ours_s = _median_time(lambda text=text, name=name: list(store.execute(oxstore, text, name).rows), repeat)
        base_s = _bounded(lambda text=text: list(ds.query(text, initNs=store.PREFIXES)), repeat, limit)
        rows[name] = {"quads": quads, "kg_s": ours_s, "rss_mb": _rss_mb(), "base_s": base_s, "limit": limit}
    return rows


def _cpu_time(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        step()
        times.append(time.process_time() - start)
    return statistics.median(times)


def stage_extract(repeat: int, chars: int) -> dict:
    """`kg extract`'s rules (CPU time, gazetteers loaded first) on one sentence of `chars` characters, against the
    same words cut into sentences of about 200 characters: linear rules cost the same for both (ratio about 1),
    and the old rules cost cubic time on the one sentence (issue 21 item 11: 40,000 characters took 172 s)."""
    from kg.extract import rules
    from kg.model import Source
    from tests.test_extract_scaling import long_sentence

    one = long_sentence(chars)
    cut = one.replace(", and the ", ". The ").replace(", and ", ". And ")

    def source(body: str) -> Source:
        return Source(slug="bench", path="bench.md", title="Bench", body=body, date="2020-03", language="en")

    rules.extract(source(one[:2000]), [])  # the gazetteers load once, outside the timing
    ours = _cpu_time(lambda: rules.extract(source(one), []), repeat)
    base = _cpu_time(lambda: rules.extract(source(cut), []), repeat)
    return {"quads": len(one), "kg_s": ours, "rss_mb": _rss_mb(), "base_s": base}


def stage_extract_article(repeat: int, chars: int) -> dict:
    """`kg extract`'s rules (CPU time, gazetteers loaded first) on the first `chars` characters of the shipped
    article, cut at a paragraph. No baseline: printed for the README's figure."""
    import dataclasses

    from kg.extract import rules
    from kg.read.articles import read_source

    path = ROOT / "data" / "articles" / "china-times-blockchain-lingang.md"
    article = read_source(path, str(path))
    body = article.body[: article.body.rfind("\n\n", 0, chars)]
    article = dataclasses.replace(article, body=body)
    rules.extract(article, [])
    return {
        "quads": len(body),
        "kg_s": _cpu_time(lambda: rules.extract(article, []), repeat),
        "rss_mb": _rss_mb(),
        "base_s": None,
    }


# --------------------------------------------------------------------------------------------------------------
# The driver


def _run_stage(args: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, env={**os.environ}
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark stage {args[:2]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _fmt_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _row(stage: str, m: dict) -> str:
    rate = m["quads"] / m["kg_s"] if m["kg_s"] > 0 else float("inf")
    if m["base_s"] is not None:
        base, ratio = _fmt_s(m["base_s"]), f"{m['base_s'] / m['kg_s']:.1f}x"
    elif m.get("limit"):  # the baseline was stopped: at least this much slower
        base, ratio = f"> {m['limit']:.0f}", f"> {m['limit'] / m['kg_s']:.0f}x"
    else:
        base, ratio = "-", "-"
    return f"| {stage} | {m['quads']:,} | {_fmt_s(m['kg_s'])} | {rate:,.0f} | {m['rss_mb']:.0f} | {base} | {ratio} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="10k", help="comma-separated corpus sizes, e.g. 10k,100k,1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is printed")
    parser.add_argument(
        "--limit", type=float, default=30, help="seconds after which a baseline question is stopped (default 30)"
    )
    parser.add_argument(
        "--stages",
        default=None,
        help=f"comma-separated stages to run (default: all): {', '.join(STAGES)}",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the table as a Markdown page to FILE (e.g. docs/explanation/performance-table.md)",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stage:  # inside a measuring process
        if args.stage == "build":
            result = stage_build(args.corpus, args.work, args.repeat)
        elif args.stage == "jobs":
            result = stage_jobs(args.corpus, args.work, args.repeat)
        elif args.stage == "rebuild":
            result = stage_rebuild(args.corpus, args.work, args.repeat)
        elif args.stage == "validate":
            result = stage_validate(args.corpus, args.work, args.repeat, args.limit, args.format)
        elif args.stage == "export":
            result = stage_export(args.corpus, args.work, args.repeat, args.format)
        elif args.stage == "extract":
            result = stage_extract(args.repeat, int(args.format))
        elif args.stage == "extract-article":
            result = stage_extract_article(args.repeat, int(args.format))
        else:
            result = stage_queries(args.corpus, args.work, args.repeat, args.limit)
        print(json.dumps(result))
        return 0

    table: list[str] = []

    def emit(line: str) -> None:
        """Print a line of the table now (a long run shows its progress) and keep it for --markdown."""
        print(line, flush=True)
        table.append(line)

    emit("| stage | quads | kg s | kg quads/s | peak RSS MB | baseline s | baseline / kg |")
    emit("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    _measure(args, emit)
    if args.markdown is not None:  # only a whole table: a failed stage has already stopped the run
        _write_markdown(args, table)
    return 0


def _write_markdown(args: argparse.Namespace, table: list[str]) -> None:
    """The table as a Markdown page, with the command and the machine that made it (no date, no commit: the page
    changes only when the figures do). Written to a temporary file, then renamed into place."""
    command = f"python3 benchmarks/run.py --triples {args.triples} --seed {args.seed} --repeat {args.repeat}"
    command += f" --limit {args.limit:g}" + (f" --stages {args.stages}" if args.stages else "")
    lines = [
        "<!-- written by benchmarks/run.py --markdown; run it again to replace this page -->",
        "",
        "# Benchmark table",
        "",
        f"Measured with `{command}` on a machine with {os.cpu_count()} CPUs (Python "
        f"{sys.version_info.major}.{sys.version_info.minor}), shared with other jobs: compare the ratios in the last "
        "column, not the seconds.",
        "",
        *table,
        "",
    ]
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    partial = args.markdown.with_name(f".{args.markdown.name}.partial")
    partial.write_text("\n".join(lines), encoding="utf-8")
    os.replace(partial, args.markdown)


def _measure(args: argparse.Namespace, emit) -> None:
    """Every chosen stage at every size, one table row each."""
    from kg import export
    from kg.pipeline import synth

    chosen = set(args.stages.split(",")) if args.stages else set(STAGES)
    if "extract" in chosen:  # no corpus: text; the "quads" column holds characters on these rows
        for chars in (10_000, 40_000):
            m = _run_stage(["--stage", "extract", "--format", str(chars), "--repeat", str(args.repeat)])
            emit(_row(f"extract: one {chars:,}-character sentence (characters) vs the same in sentences", m))
        m = _run_stage(["--stage", "extract-article", "--format", "10000", "--repeat", str(args.repeat)])
        emit(_row("extract: a 10,000-character article, CPU (characters)", m))
        if chosen == {"extract"}:
            return
    for size in [_parse_size(s) for s in args.triples.split(",")]:
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            corpus, work = Path(tmp) / "corpus", Path(tmp) / "work"
            work.mkdir()
            synth.generate(corpus, max(1, round(size * STATEMENTS_PER_QUAD)), seed=args.seed)
            common = ["--corpus", str(corpus), "--work", str(work), "--repeat", str(args.repeat)]
            common += ["--limit", str(args.limit)]
            chosen = set(args.stages.split(",")) if args.stages else set(STAGES)
            if "build" in chosen:
                emit(_row("build (load, check, 5 RDF formats, store)", _run_stage(["--stage", "build", *common])))
            if "jobs" in chosen:
                emit(_row("per-source stage: --jobs 2 vs --jobs 1", _run_stage(["--stage", "jobs", *common])))
            if "rebuild" in chosen:
                m = _run_stage(["--stage", "rebuild", *common])
                emit(_row("rebuild, one source changed, vs full build", m))
            if "validate" in chosen:
                emit(_row("validate (checks + SHACL)", _run_stage(["--stage", "validate", *common])))
                m = _run_stage(["--stage", "validate", "--format", "0.05", *common])
                emit(_row("validate --sample 0.05 (checks + SHACL)", m))
            if "exports" in chosen:
                for name in export.FORMATS:
                    m = _run_stage(["--stage", "export", "--format", name, *common])
                    emit(_row(f"export {name}", m))
            if "questions" in chosen:
                for name, m in _run_stage(["--stage", "queries", *common]).items():
                    emit(_row(f"question {name}", m))
            sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
