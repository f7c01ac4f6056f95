"""kg extract's relation rules on the general phrasings of English news (issue 18, round 4), on invented
sentences: places in places, posts, investments, partners and where organisations are, each in the wording any
news writer uses rather than the wording of one article."""

from __future__ import annotations

from kg.extract import _ontology as ontology
from kg.extract import fit_ontology, rules
from kg.model import Source


def draft_of(body: str, title: str = "A headline", date: str = "2021-05-14"):
    source = Source(slug="news", path="news.md", title=title, body=body, date=date, language="en")
    draft = rules.extract(source, [])
    fit_ontology(draft, ontology(None))
    return draft


def facts(draft) -> set[tuple[str, str, str]]:
    return {
        (st.subject.label, st.predicate, st.object.label if st.object else str(st.value)) for st in draft.statements
    }


def test_a_place_that_ends_a_bodys_name_is_placed_by_what_follows():
    found = facts(
        draft_of(
            "Fanrui Motors signed a deal with the government of Tanxi City, in northwestern Gansu Province, on "
            "Monday. The municipal government of Qiaoling City, a city in eastern China, pledged funds."
        )
    )
    assert ("Tanxi City", "partOf", "Gansu Province") in found
    assert ("Qiaoling City", "partOf", "China") in found


def test_a_governments_name_and_a_comma_place_a_city_or_district():
    found = facts(
        draft_of(
            "Fanrui Motors will build a plant in Lanzhou. It signed a deal with Lanzhou Municipal Government of Gansu "
            "Province. The plant is in "
            "Qiaoling District, Tanxi City, and a second one in Wenhe City, southern China."
        )
    )
    assert ("Lanzhou", "partOf", "Gansu Province") in found
    assert ("Qiaoling District", "partOf", "Tanxi City") in found
    assert ("Wenhe City", "partOf", "China") in found
    # a list of districts and cities is no chain of parts
    listed = facts(draft_of("Offices opened in Qiaoling District, Tanxi City, Wenhe District and Lanbei City."))
    assert not any(p == "partOf" for _, p, _ in listed)


def test_a_title_after_a_place_or_after_another_title_names_where_the_post_is():
    found = facts(
        draft_of(
            "Fanrui Motors opened plants in Tanxi City and Wenhe City. Qiaobei Bank hosted the ceremony, attended "
            "by Tanxi Mayor Zhou Qiming and Fanrui Motors Chairman and President Mei Lanting."
        )
    )
    assert ("Zhou Qiming", "holdsPostIn", "Tanxi City") in found
    assert ("Mei Lanting", "holdsPostIn", "Fanrui Motors") in found
    assert ("Mei Lanting", "holdsPostIn", "China") not in found


def test_a_governors_post_is_in_the_government_the_text_names():
    found = facts(
        draft_of(
            "The Gansu provincial government signed a deal with Fanrui Motors. Wang Haoran, governor of Gansu "
            "Province, attended. Zhou Qiming, head of Tanxi-based Anxin Holdings, spoke."
        )
    )
    assert ("Wang Haoran", "holdsPostIn", "Gansu provincial government") in found
    assert ("Wang Haoran", "holdsPostIn", "Gansu Province") not in found
    assert ("Zhou Qiming", "holdsPostIn", "Anxin Holdings") in found
