"""The ontology's terms for real news (funds, parks, universities, ministries, party committees, membership,
partnership, investment, funding, management, mentions): each defined and aligned, each usable in a facts file
that `kg build` and `kg validate` accept, each answered by the saved questions; and the shapes refuse misuse."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

import kg
from kg.ontology import KG, Ontology
from tests.conftest import run_kg

SCHEMA = rdflib.Namespace("https://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

# Every class and predicate the gold-annotation guide for real news lets annotators use: the scorer compares
# drafts with files written in these terms, so each must exist (a draft can only propose what the ontology has).
ANNOTATION_CLASSES = [
    "Organisation",
    "Company",
    "GovernmentBody",
    "Ministry",
    "PartyCommittee",
    "CentralBank",
    "CentralBankBranch",
    "ResearchInstitute",
    "University",
    "College",
    "IndustryAlliance",
    "MediaOutlet",
    "Fund",
    "Person",
    "Region",
    "Country",
    "Province",
    "AutonomousRegion",
    "Municipality",
    "City",
    "District",
    "SpecialEconomicZone",
    "FreeTradeZone",
    "IndustrialPark",
    "MacroRegion",
    "Policy",
    "ActionPlan",
    "Guidelines",
    "Measures",
    "ProjectList",
    "Opinions",
    "Event",
    "Meeting",
    "PressConference",
]
ANNOTATION_PREDICATES = [
    "holdsPostIn",
    "quotedIn",
    "author",
    "publisher",
    "subOrganisationOf",
    "foundedBy",
    "coFoundedBy",
    "memberOf",
    "partnerOf",
    "investedIn",
    "fundedBy",
    "managedBy",
    "locatedIn",
    "headquarteredIn",
    "partOf",
    "jurisdiction",
    "issuedBy",
    "appliesTo",
    "approvedBy",
    "organisedBy",
    "spokeAt",
    "dateIssued",
    "foundingDate",
    "mentions",
]

# term -> what it must be aligned with (rdfs:subClassOf / rdfs:subPropertyOf, direct), or seeAlso where no
# vocabulary has the same meaning
ALIGNED = {
    "Ministry": (RDFS.subClassOf, KG.GovernmentBody),
    "PartyCommittee": (RDFS.subClassOf, ORG.OrganizationalUnit),
    "University": (RDFS.subClassOf, SCHEMA.CollegeOrUniversity),
    "Fund": (RDFS.subClassOf, KG.Organisation),
    "IndustrialPark": (RDFS.subClassOf, KG.Region),
    "mentions": (RDFS.subPropertyOf, SCHEMA.mentions),
    "memberOf": (RDFS.subPropertyOf, ORG.memberOf),
    "partnerOf": (RDFS.subPropertyOf, ORG.linkedTo),
    "fundedBy": (RDFS.subPropertyOf, SCHEMA.funder),
    "investedIn": (RDFS.seeAlso, SCHEMA.funder),
}


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load()


def test_every_term_the_annotation_guide_uses_exists(ontology: Ontology) -> None:
    assert [c for c in ANNOTATION_CLASSES if c not in ontology.classes] == []
    assert [p for p in ANNOTATION_PREDICATES if p not in ontology.properties] == []


def test_every_kg_term_has_an_english_label_and_comment(ontology: Ontology) -> None:
    graph = ontology.graph
    terms = [*ontology.classes.values(), *(p.iri for p in ontology.properties.values())]
    for term in terms:
        labels = [o for o in graph.objects(term, RDFS.label) if getattr(o, "language", None) == "en"]
        comments = [o for o in graph.objects(term, RDFS.comment) if getattr(o, "language", None) == "en"]
        assert len(labels) == 1 and len(comments) == 1, term


@pytest.mark.parametrize("name", sorted(ALIGNED))
def test_new_terms_are_aligned(ontology: Ontology, name: str) -> None:
    relation, target = ALIGNED[name]
    assert (KG[name], relation, target) in ontology.graph


def test_new_terms_domains_and_ranges(ontology: Ontology) -> None:
    props = ontology.properties
    assert ontology.is_a("Ministry", (KG.GovernmentBody,)) and ontology.is_a("University", (KG.College,))
    assert ontology.top_class("IndustrialPark") == "Region" and ontology.top_class("Fund") == "Organisation"
    assert ontology.top_class("PartyCommittee") == "Organisation"
    assert not ontology.is_a("PartyCommittee", (KG.GovernmentBody,))  # a party organ, not the government
    assert props["mentions"].domain == (KG.Article,)
    for cls in ("Company", "Person", "IndustrialPark", "Measures", "Meeting"):
        assert ontology.is_a(cls, props["mentions"].range), cls
    assert not ontology.is_a("Article", props["mentions"].range)
    assert (KG.partnerOf, RDF.type, OWL.SymmetricProperty) in ontology.graph
    assert ontology.is_a("Fund", props["investedIn"].domain) and ontology.is_a("Person", props["investedIn"].domain)
    assert ontology.is_a("IndustrialPark", props["investedIn"].range)
    assert ontology.is_a("IndustrialPark", props["managedBy"].domain) and ontology.is_a(
        "Fund", props["managedBy"].domain
    )
    assert ontology.is_a("Measures", props["fundedBy"].domain) and ontology.is_a("Fund", props["fundedBy"].domain)
    # what the guide allows and the older terms refused: a body quoted, a post "in" a city, a committee's region
    assert ontology.is_a("GovernmentBody", props["quotedIn"].domain)
    assert ontology.is_a("City", props["holdsPostIn"].range)
    assert ontology.is_a("PartyCommittee", props["jurisdiction"].domain)
    # a new area or a park is established as a body is (the real-news gold dates them with foundingDate)
    assert ontology.is_a("FreeTradeZone", props["foundingDate"].domain)
    assert ontology.is_a("IndustrialPark", props["foundingDate"].domain)
    assert not ontology.is_a("City", props["foundingDate"].domain)


# -- a facts file that uses every new term: through the loader, SHACL and the saved questions ----------------

PARAGRAPH = (
    "\n\nThe Qinglan Industry Fund, managed by Northwind Technology, invested in the Qinglan Ledger Institute. "
    "The Ministry of Ledgers funded the fund. The Harbour Science Park is run by Northwind Technology. "
    "Northwind Technology signed an agreement with Haixi University. "
    "Qinglan Polytechnic College is a member of the Ledger Alliance. "
    'The Qinglan Municipal Party Committee said the park "will grow". '
    "Tao Lin, mayor of Shanghai, attended.\n"
)
ENTITIES = """\
  - id: industry-fund
    class: Fund
    label: Qinglan Industry Fund
  - id: ministry-of-ledgers
    class: Ministry
    label: Ministry of Ledgers
  - id: science-park
    class: IndustrialPark
    label: Harbour Science Park
  - id: haixi-university
    class: University
    label: Haixi University
  - id: ledger-alliance
    class: IndustryAlliance
    label: Ledger Alliance
  - id: party-committee
    class: PartyCommittee
    label: Qinglan Municipal Party Committee
  - id: tao-lin
    class: Person
    label: Tao Lin
"""
STATEMENTS = """\
  - subject: industry-fund
    predicate: managedBy
    object: northwind
    evidence: "The Qinglan Industry Fund, managed by Northwind Technology"
  - subject: industry-fund
    predicate: investedIn
    object: ledger-institute
    evidence: "invested in the Qinglan Ledger Institute"
  - subject: industry-fund
    predicate: fundedBy
    object: ministry-of-ledgers
    evidence: "The Ministry of Ledgers funded the fund"
  - subject: science-park
    predicate: managedBy
    object: northwind
    evidence: "The Harbour Science Park is run by Northwind Technology"
  - subject: northwind
    predicate: partnerOf
    object: haixi-university
    evidence: "Northwind Technology signed an agreement with Haixi University"
  - subject: polytechnic
    predicate: memberOf
    object: ledger-alliance
    evidence: "Qinglan Polytechnic College is a member of the Ledger Alliance"
  - subject: party-committee
    predicate: quotedIn
    object: mini-news
    evidence: "The Qinglan Municipal Party Committee said"
  - subject: science-park
    predicate: foundingDate
    value: 2020-04
    evidence: "The Harbour Science Park is run by Northwind Technology"
  - subject: tao-lin
    predicate: holdsPostIn
    object: shanghai
    role: mayor
    evidence: "Tao Lin, mayor of Shanghai"
  - subject: mini-news
    predicate: mentions
    object: tao-lin
    evidence: "Tao Lin, mayor of Shanghai, attended."
"""


def with_new_terms(data: Path, extra: str = "") -> Path:
    article = data / "articles" / "mini-news.md"
    article.write_text(article.read_text("utf-8").rstrip("\n") + PARAGRAPH, encoding="utf-8")
    facts = data / "facts" / "mini-news.yaml"
    text = facts.read_text("utf-8").replace("entities:\n", "entities:\n" + ENTITIES, 1)
    facts.write_text(text + STATEMENTS + extra, encoding="utf-8")
    return facts


def test_new_terms_build_validate_and_answer(mini_data: Path, tmp_path: Path) -> None:
    with_new_terms(mini_data)
    built = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"))
    assert built.returncode == 0, built.stderr
    checked = run_kg("validate", "--data", str(mini_data))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    build = tmp_path / "build"
    links = [tuple(r.values()) for r in kg.query("organisation-links", build, organisation="northwind")]
    assert [(o, rel, side, other) for o, rel, side, other, _, _ in links] == [
        ("Northwind Technology", "co-founded by", "object", "Qinglan Ledger Institute"),
        ("Northwind Technology", "managed by", "object", "Harbour Science Park"),
        ("Northwind Technology", "managed by", "object", "Qinglan Industry Fund"),
        ("Northwind Technology", "partner of", "subject", "Haixi University"),
    ]
    partner = [tuple(r.values())[:4] for r in kg.query("organisation-links", build, organisation="haixi-university")]
    assert partner == [("Haixi University", "partner of", "object", "Northwind Technology")]  # stated once, seen twice
    named = {r["entityLabel"]: (r["typeLabel"], int(r["facts"])) for r in kg.query("article-mentions", build)}
    assert named["Tao Lin"] == ("Person", 1)  # holdsPostIn counts; the kg:mentions statement does not
    assert named["Harbour Science Park"] == ("Industrial park", 2)
    assert named["Qinglan Industry Fund"] == ("Fund", 3)
    assert named["Qinglan Municipal Party Committee"] == ("Party committee", 1)
    # the store entails the aligned vocabularies: schema:mentions, schema:funder, org:memberOf, org:linkedTo
    for ask in (
        "ASK { ?a <https://schema.org/mentions> <https://kg.example.org/person/tao-lin> }",
        "ASK { ?fund <https://schema.org/funder> ?ministry . ?ministry a <https://schema.org/GovernmentOrganization> }",
        "ASK { <https://kg.example.org/organisation/polytechnic> <http://www.w3.org/ns/org#memberOf> "
        "<https://kg.example.org/organisation/ledger-alliance> }",
        "ASK { <https://kg.example.org/organisation/northwind> <http://www.w3.org/ns/org#linkedTo> "
        "<https://kg.example.org/organisation/haixi-university> }",
        "ASK { ?u a <https://schema.org/CollegeOrUniversity> ; ^<https://kg.example.org/ontology#partnerOf> ?n }",
    ):
        assert kg.query(ask, build) is True, ask


SELF_PARTNER = """\
  - subject: northwind
    predicate: partnerOf
    object: northwind
    evidence: "Northwind Technology signed an agreement"
"""


def test_shapes_refuse_an_organisation_partnered_with_itself(mini_data: Path) -> None:
    facts = with_new_terms(mini_data, SELF_PARTNER)
    result = run_kg("validate", "--data", str(mini_data))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 SHACL finding:"
    assert lines[1].startswith(f"  {facts}:") and "cannot be its own partner, member or manager" in lines[1]


def test_loader_refuses_mentions_from_anything_but_an_article(mini_data: Path, tmp_path: Path) -> None:
    bad = '  - subject: northwind\n    predicate: mentions\n    object: tao-lin\n    evidence: "Tao Lin"\n'
    with_new_terms(mini_data, bad)
    result = run_kg("build", "--data", str(mini_data), "--out", str(tmp_path / "build"))
    assert result.returncode == 1 and "mentions needs a subject of class Article" in result.stderr, result.stderr
