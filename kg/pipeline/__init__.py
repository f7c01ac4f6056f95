"""`kg build`: the per-source stage (corpus.py), RDF emission (rdf.py), the build (run.py), in-place updates
(increment.py, splice.py), parallel writers, progress, and synthetic corpora (synth.py).

May import kg/read/, kg/check/, kg/export/ (the writers it runs) and the base modules (model, errors, ontology,
files). Named pipeline, not build: `kg.build("data")` is the documented function of the kg package, and a
subpackage kg.build would replace that attribute the moment one of its modules was imported. For the same reason
the build's module is run.py, not build.py: `pipeline.build(...)` is the documented function below.

The documented Python API, `from kg import pipeline` then `pipeline.load`, `pipeline.write`, `pipeline.build`
(and the `Build` they pass around), is handed out on first use, so that importing one stage of this package (the
store format imports rdf.py) does not load the whole build.
"""

from __future__ import annotations

_API = ("Build", "build", "load", "write")


def __getattr__(name: str):
    """pipeline.load, .write, .build and .Build: the build's own functions, imported when first asked for."""
    if name in _API:
        from kg.pipeline import run

        return getattr(run, name)
    raise AttributeError(f"module 'kg.pipeline' has no attribute {name!r}")
