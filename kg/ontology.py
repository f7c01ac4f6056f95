"""The ontology as the loader needs it: which terms exist, what is a subclass of what, domains and ranges.

The class hierarchy is small, so its closure is computed once in Python rather than materialising RDFS
entailment over the data (owlrl needs minutes on 100k triples, see DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.collection import Collection

from kg.errors import UsageError

KG = Namespace("https://kg.example.org/ontology#")
ONTOLOGY_IRI = URIRef("https://kg.example.org/ontology")
PROV_AGENT = URIRef("http://www.w3.org/ns/prov#Agent")

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "ontology"


@dataclass(frozen=True)
class Property:
    """An ontology property with what the loader checks: its kind, domain classes and range."""

    name: str
    iri: URIRef
    is_object: bool
    domain: tuple[URIRef, ...]  # empty: any subject
    range: tuple[URIRef, ...]  # classes (object properties) or one datatype


class Ontology:
    """Read-only view of ontology/kg.ttl for checks and for the exporters' labels."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._is_a: dict[tuple[str, tuple[URIRef, ...]], bool] = {}

    @classmethod
    def load(cls, directory: Path | None = None) -> Ontology:
        directory = Path(directory or DEFAULT_DIR)
        path = directory / "kg.ttl"
        if not path.is_file():
            raise UsageError(f"{path}: ontology not found; pass --ontology DIR holding kg.ttl")
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except Exception as err:  # rdflib raises many types for bad Turtle
            raise UsageError(f"{path}: cannot parse the ontology: {err}") from err
        return cls(graph)

    @cached_property
    def classes(self) -> dict[str, URIRef]:
        """Our own classes by local name."""
        return {
            str(c)[len(KG) :]: c
            for c in sorted(self.graph.subjects(RDF.type, OWL.Class))
            if isinstance(c, URIRef) and str(c).startswith(str(KG))
        }

    @cached_property
    def properties(self) -> dict[str, Property]:
        out: dict[str, Property] = {}
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
            for p in sorted(self.graph.subjects(RDF.type, kind)):
                if not str(p).startswith(str(KG)):
                    continue
                name = str(p)[len(KG) :]
                out[name] = Property(
                    name=name,
                    iri=p,
                    is_object=kind == OWL.ObjectProperty,
                    domain=self._class_expression(self.graph.value(p, RDFS.domain)),
                    range=self._class_expression(self.graph.value(p, RDFS.range)),
                )
        return dict(sorted(out.items()))

    @cached_property
    def symmetric(self) -> frozenset[str]:
        """Names of the properties stated once for both directions (owl:SymmetricProperty: partnerOf)."""
        return frozenset(
            name for name, p in self.properties.items() if (p.iri, RDF.type, OWL.SymmetricProperty) in self.graph
        )

    @cached_property
    def date_valued(self) -> frozenset[str]:
        """Names of the datatype properties whose values are dates (foundingDate, dateIssued, ...)."""
        return frozenset(name for name, p in self.properties.items() if not p.is_object and p.range == (XSD.date,))

    def _class_expression(self, node) -> tuple[URIRef, ...]:
        if node is None:
            return ()
        union = self.graph.value(node, OWL.unionOf)
        if union is not None:
            return tuple(Collection(self.graph, union))
        return (node,)

    @cached_property
    def _superclasses(self) -> dict[URIRef, frozenset[URIRef]]:
        direct: dict[URIRef, set[URIRef]] = {}
        for sub, sup in self.graph.subject_objects(RDFS.subClassOf):
            if isinstance(sup, URIRef):
                direct.setdefault(sub, set()).add(sup)

        def up(c: URIRef) -> frozenset[URIRef]:
            # a walk on a list: a recursion per subClassOf level ended kg build in a RecursionError traceback for
            # an --ontology with a chain of 2,000 subclasses
            result, todo = {c}, [c]
            while todo:
                for s in direct.get(todo.pop(), ()):
                    if s not in result:
                        result.add(s)
                        todo.append(s)
            return frozenset(result)

        return {c: up(c) for c in self.classes.values()}

    def superclasses(self, cls: str) -> frozenset[URIRef]:
        """The class and every class it is a subclass of, ours and the aligned vocabularies'."""
        return self._superclasses.get(KG[cls], frozenset({KG[cls]}))

    def is_a(self, cls: str, targets: tuple[URIRef, ...]) -> bool:
        """True when an instance of `cls` fits one of `targets` (empty targets: anything fits). Asked for every
        statement of a corpus (twice), with few distinct arguments: the answers are kept."""
        key = (cls, targets)
        found = self._is_a.get(key)
        if found is None:
            found = self._is_a[key] = not targets or bool(self.superclasses(cls) & set(targets))
        return found

    def subclasses(self, target: URIRef) -> list[str]:
        return sorted(name for name in self.classes if target in self.superclasses(name))

    def label(self, iri: URIRef) -> str:
        value = self.graph.value(iri, RDFS.label)
        return str(value) if value is not None else str(iri).rsplit("#", 1)[-1]

    def short(self, iri: URIRef) -> str:
        """A readable name for a class expression member in messages: kg terms by local name."""
        text = str(iri)
        if text.startswith(str(KG)):
            return text[len(KG) :]
        if iri == PROV_AGENT:
            return "Organisation or Person (prov:Agent)"
        return text

    def top_class(self, cls: str) -> str:
        """The top-level kg class (Organisation, Person, Region, Policy, Article, Event) of a class."""
        tops = ("Organisation", "Person", "Region", "Policy", "Article", "Event")
        supers = self.superclasses(cls)
        for top in tops:
            if KG[top] in supers:
                return top
        return cls


DATE_TYPES = (XSD.date, XSD.gYearMonth, XSD.gYear)
