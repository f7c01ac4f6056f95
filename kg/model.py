"""Plain data objects that carry a fact from the YAML file to the last exporter, with its evidence.

No I/O here: the loader fills these, the RDF emitter reads them. Every object remembers where it was
written (file and line) so a check far downstream can still point a person at the right place.

Also the names every stage agrees on (kg's version, the default base IRI, each top class's IRI folder): here,
at the bottom, so that no stage imports the kg package (whose kg.build and kg.query import the stages).
May import nothing of kg's.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import NamedTuple

VERSION = "0.1.0"  # kg.__version__: stamped on the cache and the outputs' record, sent as the User-Agent
# An entity's IRI is the base, the folder of its top class and its id (kg/pipeline/rdf.py mints them; kg query finds an
# entity by its id the same way): here, so neither the CLI nor a query needs rdflib to know them.
DEFAULT_BASE = "https://kg.example.org/"  # unless --base
FOLDERS = {
    "Organisation": "organisation",
    "Person": "person",
    "Region": "region",
    "Policy": "policy",
    "Article": "article",
    "Event": "event",
}
OTHER_FOLDER = "thing"  # an entity whose top class has no folder of its own


class Location(NamedTuple):
    """Where a record was written, for error messages. (A tuple: thousands cross process boundaries cheaply.)"""

    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Source:
    """A source article: metadata from its front matter and its body text, which evidence offsets index."""

    slug: str
    path: str
    title: str
    body: str
    authors: tuple[str, ...] = ()  # front matter's `author`: one name, or a YAML list of names
    publisher: str = ""
    date: str = ""
    language: str = ""
    translated_from: str = ""
    url: str = ""
    retrieved: str = ""  # when kg add fetched or read it (ISO 8601, UTC)
    sha256: str = ""  # of the original kg add kept in data/sources/
    body_line: int = 1  # line of the file on which the body starts
    title_line: int = 1  # line of the front matter's title (an article's label, in messages about it)
    author_line: int = 0  # line of the front matter's author and publisher keys (0: not given)
    publisher_line: int = 0


class Evidence(NamedTuple):
    """A verbatim quote of a source and its character offsets [start, end) in the source body."""

    source: str
    quote: str
    start: int
    end: int


@dataclass(slots=True)
class Entity:
    """One real-world thing: one node, whatever the number of spellings the articles use."""

    id: str
    cls: str
    label: str
    where: Location
    aliases: list[str] = field(default_factory=list)
    note: str = ""
    iso3166: str = ""
    label_zh: str = ""  # filled from a library (pycountry), never by hand
    source: str = ""  # the facts file's article that declared it
    lines: dict[str, int] = field(default_factory=dict)  # line of each key in the facts file, for messages

    def __reduce__(self):
        return (Entity, _ENTITY_VALUES(self))


@dataclass(slots=True)
class Statement:
    """One fact as one source states it: subject, predicate and an entity or a literal, with qualifiers."""

    subject: str
    predicate: str
    source: str
    where: Location
    object: str | None = None  # an entity id
    value: str | None = None  # a literal's lexical form, for datatype properties
    value_kind: str = ""  # YAML kind of the literal (int, float, str, timestamp)
    date: str = ""
    role: str = ""
    note: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # line of each key in the facts file, for messages
    quotes: list[tuple[str, int | None, int]] = field(default_factory=list)  # as written: (quote, start, line)

    def __reduce__(self):
        return (Statement, _STATEMENT_VALUES(self))


@dataclass
class Facts:
    """Everything read from data/: sources, entities and statements, in a stable order."""

    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)


# A record is pickled as its field values in order, the arguments of its class: the per-source stage's processes
# send them back by the thousand (3x faster to load than a slotted dataclass's own state; attrgetter reads the
# fields in C, faster to dump than a generator of getattr)
_ENTITY_VALUES = operator.attrgetter(*Entity.__slots__)
_STATEMENT_VALUES = operator.attrgetter(*Statement.__slots__)
