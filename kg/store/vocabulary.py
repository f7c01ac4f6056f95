"""The names every part of kg's query side shares: the prefixes a query may use without declaring them (which
tables also use to shorten IRIs), the datatypes answers are read by, and what counts as an RDF term.

A module of their own because the parameter values, the ORDER BY and the answers all need them, and the
package's __init__ imports those modules: defined in __init__ they would make an import cycle.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.export import ASSERTED_CLASSES_GRAPH as ASSERTED_CLASSES_GRAPH  # the store format's named graphs
from kg.export import ENTAILED_GRAPH as ENTAILED_GRAPH

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Prefixes every query may use without declaring them, and the ones tables use to shorten IRIs.
PREFIXES: dict[str, str] = {
    "kg": "https://kg.example.org/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#",
}


# A prefixed name (kg:Company): parameter values are read in it, table cells written in it.
_PREFIXED = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)?:([^\s<>\"{}|^`\\]*)")


# Integer datatypes: their literals are read as Python ints and ordered as numbers.
_INTEGER_TYPES = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


# What a cell of an answer holds (None where a variable is unbound).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# the store's named graphs beside the articles' (kg/export/store.py writes them; the other two: kg/export/__init__.py)
ONTOLOGY_GRAPH = "https://kg.example.org/ontology"
