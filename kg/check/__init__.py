"""Checking: the loader's checks (loader.py) and SHACL validation (shacl/); every problem names file, line and fix.

May import kg/read/ and the base modules (model, errors, ontology, files). The per-source stage of the build
(kg/pipeline/corpus.py) runs these checks; nothing here imports the build.
"""
