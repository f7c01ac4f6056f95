"""kg extract's relation rules for the policies and events the entity stage now finds (issue 18, round 5, third
pass), each on an invented sentence with fictional names: a policy unveiled by a body on a day, speakers at an event
named inside another event, and a speaker who "also said" after one at the event."""

from __future__ import annotations

from tests.test_extract_news import draft_of, facts


def test_a_policy_unveiled_by_a_body_on_a_day_is_issued_by_it_then():
    draft = draft_of(
        "Qiaoling will double its drone output by 2028, according to the Qiaoling Drone Industry Action Plan "
        "unveiled by the Qiaoling Municipal Government on March 3, 2025."
    )
    found = facts(draft)
    assert ("Qiaoling Drone Industry Action Plan", "issuedBy", "Qiaoling Municipal Government") in found
    assert ("Qiaoling Drone Industry Action Plan", "dateIssued", "2025-03-03") in found


def test_at_the_meeting_is_the_event_that_holds_the_one_named_inside_it():
    found = facts(
        draft_of(
            "On June 4, the Leaders Forum of the 2024 Hexi Battery Conference was held in Hexi City.\n\n"
            "At the meeting, Zhou Qiming, mayor of Hexi City, said that the city would build two plants.\n\n"
            "Wang Jianguo, director of the Hexi City Commerce Bureau, also said that exports rose."
        )
    )
    forum = "Leaders Forum of the 2024 Hexi Battery Conference"
    assert ("Zhou Qiming", "spokeAt", forum) in found
    assert ("Wang Jianguo", "spokeAt", forum) in found
    assert not any(p == "spokeAt" and o == "2024 Hexi Battery Conference" for _, p, o in found)


def test_an_outlet_that_reports_or_informs_closing_a_clause_is_quoted():
    found = facts(
        draft_of(
            "Lanbei Battery will build a cell plant in Hexi City, reports Qiaoling Daily. The plant will employ "
            "900 people, Tanbei Evening News informs. State news agency Suyan News Agency, which reported the "
            "deal on Monday, said it was the largest in the province."
        )
    )
    for outlet in ("Qiaoling Daily", "Tanbei Evening News", "Suyan News Agency"):
        assert (outlet, "quotedIn", "A headline") in found


def test_an_event_that_opened_on_a_day_starts_then_not_on_the_day_the_sentence_opens_with():
    found = facts(
        draft_of(
            "On May 2, Zhou Qiming met guests of the 3rd Hexi Lantern International Expo, which opened in Hexi City "
            "on May 4."
        )
    )
    assert ("3rd Hexi Lantern International Expo", "startDate", "2021-05-04") in found
    assert ("3rd Hexi Lantern International Expo", "startDate", "2021-05-02") not in found


def test_a_policy_that_was_unveiled_in_a_month_was_issued_then():
    found = facts(
        draft_of(
            "Hexi City has drawn 40 battery makers since the Hexi Battery Industry Action Plan was unveiled in "
            "February 2019."
        )
    )
    assert ("Hexi Battery Industry Action Plan", "dateIssued", "2019-02") in found


def test_the_province_that_unveiled_a_plan_is_its_issuer_and_scope_not_the_country():
    found = facts(
        draft_of(
            "Qinghai Province is home to 30 lithium firms.\n\n"
            "The province in western China on Monday unveiled the Qinghai Lithium Industry Action Plan. "
            "The province also unveiled the Qinghai Salt Lake Action Plan."
        )
    )
    for plan in ("Qinghai Lithium Industry Action Plan", "Qinghai Salt Lake Action Plan"):
        assert (plan, "issuedBy", "Qinghai") in found  # (the province's label is its ISO name)
        assert (plan, "appliesTo", "Qinghai") in found
    assert not any(p == "issuedBy" and o == "China" for _, p, o in found)


def test_the_place_based_company_that_signs_with_a_partner_is_the_one_named_before():
    found = facts(
        draft_of(
            "Lanbei Battery Co said it would build a cell plant in Hexi City. The Qiaoling-based company also "
            "signed deals for a joint venture with state-owned Fanrui Mining, and a collaboration with electric "
            "carmaker Nanxi Auto."
        )
    )
    assert ("Lanbei Battery Co", "partnerOf", "Fanrui Mining") in found
    assert ("Lanbei Battery Co", "partnerOf", "Nanxi Auto") in found
