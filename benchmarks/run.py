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


def _load(corpus: Path):
    from kg import pipeline

    return pipeline.load(corpus)


def stage_build(corpus: Path, work: Path, repeat: int) -> dict:
    import rdflib

    from kg import pipeline

    formats = ["turtle", "trig", "ntriples", "nquads", "store"]
    count = [0]

    def ours() -> None:
        build = pipeline.load(corpus)
        out = work / "build"
        shutil.rmtree(out, ignore_errors=True)
        pipeline.write(build, out, formats)
        count[0] = sum(len(g) for g in build.dataset.graphs())

    ours_s = _median_time(ours, repeat)
    rss = _rss_mb()
    quads = [(s, p, o, g.identifier) for g in _load(corpus).dataset.graphs() for s, p, o in g]

    def baseline() -> None:
        ds = rdflib.Dataset()
        ds.addN((s, p, o, ds.graph(g)) for s, p, o, g in quads)
        ds.default_graph.serialize(work / "base.ttl", format="turtle")
        ds.serialize(work / "base.trig", format="trig")
        ds.serialize(work / "base.nq", format="nquads")

    return {"quads": count[0], "kg_s": ours_s, "rss_mb": rss, "base_s": _median_time(baseline, repeat)}


def stage_export(corpus: Path, work: Path, repeat: int, name: str) -> dict:
    from kg import export

    build = _load(corpus)
    fmt = export.get(name)
    module = fmt.load()
    data = build.view if fmt.input == "view" else build.dataset
    target = work / fmt.filename

    def ours() -> None:
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        module.write(data, target)

    ours_s = _median_time(ours, repeat)
    rss = _rss_mb()
    result = {"quads": sum(len(g) for g in build.dataset.graphs()), "kg_s": ours_s, "rss_mb": rss, "base_s": None}
    if name in RDF_BASELINES:
        part, rdflib_format = RDF_BASELINES[name]
        graph = build.dataset.default_graph if part == "default" else build.dataset
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

    from kg import pipeline, store

    out = work / "build"
    shutil.rmtree(out, ignore_errors=True)
    build = pipeline.load(corpus)
    pipeline.write(build, out, ["store"])
    quads = sum(len(g) for g in build.dataset.graphs())
    del build
    oxstore = store.open_store(out)

    ds = store.to_rdflib(oxstore)
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
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stage:  # inside a measuring process
        if args.stage == "build":
            result = stage_build(args.corpus, args.work, args.repeat)
        elif args.stage == "export":
            result = stage_export(args.corpus, args.work, args.repeat, args.format)
        else:
            result = stage_queries(args.corpus, args.work, args.repeat, args.limit)
        print(json.dumps(result))
        return 0

    from kg import export, synth

    print("| stage | quads | kg s | kg quads/s | peak RSS MB | baseline s | baseline / kg |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in [_parse_size(s) for s in args.triples.split(",")]:
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            corpus, work = Path(tmp) / "corpus", Path(tmp) / "work"
            work.mkdir()
            synth.generate(corpus, max(1, round(size * STATEMENTS_PER_QUAD)), seed=args.seed)
            common = ["--corpus", str(corpus), "--work", str(work), "--repeat", str(args.repeat)]
            common += ["--limit", str(args.limit)]
            print(_row("build (load, check, 4 RDF formats, store)", _run_stage(["--stage", "build", *common])))
            for name in export.FORMATS:
                m = _run_stage(["--stage", "export", "--format", name, *common])
                print(_row(f"export {name}", m))
            for name, m in _run_stage(["--stage", "queries", *common]).items():
                print(_row(f"question {name}", m))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
