"""`kg build`: the per-source stage (corpus.py), RDF emission (rdf.py), the build (build.py), in-place updates
(increment.py, splice.py), parallel writers, progress, and synthetic corpora (synth.py).

May import kg/read/, kg/check/, kg/export/ (the writers it runs) and the base modules (model, errors, ontology,
files). Named pipeline, not build: `kg.build("data")` is the documented function of the kg package, and a
subpackage kg.build would replace that attribute the moment one of its modules was imported.
"""
