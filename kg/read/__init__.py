"""Reading: articles, facts files, YAML with line numbers, dates and region codes, into model objects.

May import nothing of kg's but the base modules (model, errors, ontology, files). The checks (kg/check/), the
build (kg/pipeline/) and every other stage read through here; nothing here calls them.
"""
