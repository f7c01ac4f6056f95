"""kg extract, round 5 of issue 18: entity rules for the general constructions of English news (policies and
events by their titles, organisations and places the relations need), each checked on invented sentences with
fictional names."""

from __future__ import annotations

from tests.test_extract_news import draft_of


def classes(draft) -> dict[str, str]:
    return {e.label: e.cls for e in draft.entities}


def test_a_policy_title_goes_on_in_capitals_after_its_head():
    draft = draft_of(
        "The Nanyang government issued the Master Plan for the Renewal of Qiaoling Harbour District on Monday. "
        "It also released the Rules and Measures to Encourage the Growth of Small Firms at Beishan New Area "
        "and a Five-Year Action Plan for Coastal Tourism (2024 to 2028). The city joined the Sino-Fanrui "
        "(Nanyang) Pilot Programme on Digital Trade."
    )
    cls = classes(draft)
    assert "Master Plan for the Renewal of Qiaoling Harbour District" in cls
    assert "Rules and Measures to Encourage the Growth of Small Firms at Beishan New Area" in cls
    assert "Five-Year Action Plan for Coastal Tourism (2024 to 2028)" in cls
    assert "Sino-Fanrui (Nanyang) Pilot Programme on Digital Trade" in cls
    for fragment in ("Master Plan", "Rules", "Five-Year Action Plan", "Pilot Programme"):
        assert fragment not in cls
    assert not any("Monday" in label for label in cls)


def test_events_named_inside_events_with_brackets_and_numbered_congresses():
    draft = draft_of(
        "The Global Lantern Conference opened. Wei Lantao spoke at the Opening Forum of the 2021 Global Lantern "
        "Conference. Zhou Qi opened the 3rd Tea Road (Qiaoling) International Craft Expo and the 8th Qiaoling Kite "
        "Festival, ahead of the 7th National Congress of the Fanrui Workers' Party. Incheon hosted the Incheon Asian "
        "Games, a Smart Asian Games. The Expo and Festival drew crowds."
    )
    cls = classes(draft)
    assert cls.get("Opening Forum of the 2021 Global Lantern Conference") == "Event"
    assert cls.get("2021 Global Lantern Conference") == "Event"
    assert "Global Lantern Conference" not in cls  # the same conference as "2021 Global Lantern Conference"
    assert "Opening Forum" not in cls
    assert cls.get("3rd Tea Road (Qiaoling) International Craft Expo") == "Event"
    assert "International Craft Expo" not in cls
    assert cls.get("8th Qiaoling Kite Festival") == "Event"
    assert cls.get("7th National Congress of the Fanrui Workers' Party") == "Meeting"
    assert cls.get("Incheon Asian Games") == "Event"
    assert "Smart Asian Games" not in cls and "Festival" not in cls


def test_a_policy_described_in_lower_case_after_a_verb_that_issues_it():
    draft = draft_of(
        "The province unveiled a three-year action plan for the growth of its hydrogen industry, saying it aims "
        "high. Qiaoling released an action plan aimed at speeding up the growth of its robot industry. Output will "
        "double, according to the action plan on the digital economy between 2024 and 2027 unveiled by the "
        "municipal government of Qiaoling on May 16. The city has laid out a new hydrogen industrial development "
        "plan by focusing on trucks. Beishan issued a circular to promote use of blockchain technology. Fanrui "
        "announced a series of new measures to attract talent and funding to boost growth. Trade grew since an "
        "outline development plan for the Fanrui Coast was unveiled in 2019. The firm released a plan to build a "
        "plant and issued new measures, and the city released the plan."
    )
    cls = {label.lower(): c for label, c in classes(draft).items()}  # a label may open with a capital
    assert cls.get("three-year action plan for the growth of its hydrogen industry") == "ActionPlan"
    assert cls.get("action plan aimed at speeding up the growth of its robot industry") == "ActionPlan"
    assert cls.get("action plan on the digital economy between 2024 and 2027") == "ActionPlan"
    assert cls.get("new hydrogen industrial development plan") == "Policy"
    assert cls.get("circular to promote use of blockchain technology") == "Policy"
    assert "series of new measures to attract talent and funding" not in cls  # several documents, not one
    assert cls.get("outline development plan for the fanrui coast") == "Policy"
    assert not any(label.startswith(("plan to", "new measures", "plan")) for label in cls)


def test_long_names_of_bodies_with_and_for_and_state_owned_inside():
    draft = draft_of(
        "The State-owned Forests Supervision and Administration Commission of the Fanrui Council said. The Fanrui "
        "Farming and Fisheries Regulatory Commission and the Agricultural and Fishing Bank of Fanrui Ltd joined. "
        "The Nanyang Municipal Human Resources and Social Welfare Bureau said. Zhou Qi, academician of the Fanrui "
        "Academy of Oceanography and Honorary Director of the Qiaoling Institute, said. The Fanrui Council for the "
        "Promotion of Coastal Trade said."
    )
    cls = classes(draft)
    assert cls.get("State-owned Forests Supervision and Administration Commission of the Fanrui Council") == "Ministry"
    assert "Fanrui Farming and Fisheries Regulatory Commission" in cls
    assert "Fisheries Regulatory Commission" not in cls
    assert "Agricultural and Fishing Bank of Fanrui Ltd" in cls
    assert "Fishing Bank of Fanrui Ltd" not in cls
    assert cls.get("Nanyang Municipal Human Resources and Social Welfare Bureau") == "GovernmentBody"
    assert "Nanyang Municipal Human Resources" not in cls and "Social Welfare Bureau" not in cls
    assert "Fanrui Academy of Oceanography" in cls
    assert not any("Honorary Director" in label for label in cls)
    assert "Fanrui Council for the Promotion of Coastal Trade" in cls


def test_a_commission_named_by_its_country_is_a_ministry_and_a_publisher_may_be_a_body():
    draft = draft_of(
        "The Tuvalu Maritime Regulatory Commission approved the plan, the Nanyang Municipal Commission of Commerce "
        "said.",
        publisher="Nanyang Municipal Commission of Commerce",
    )
    cls = classes(draft)
    assert cls.get("Tuvalu Maritime Regulatory Commission") == "Ministry"
    assert cls.get("Nanyang Municipal Commission of Commerce") == "GovernmentBody"
    chamber = draft_of(
        "The Qiaoling General Chamber of Commerce said.", publisher="Qiaoling General Chamber of Commerce"
    )
    assert classes(chamber).get("Qiaoling General Chamber of Commerce") == "IndustryAlliance"
    outlet = draft_of("The Nanyang Daily News said.", publisher="Nanyang Daily News")
    assert classes(outlet).get("Nanyang Daily News") == "MediaOutlet"


def test_regions_inner_country_ethnic_autonomous_region_and_a_demonym_naming_the_country():
    draft = draft_of(
        "Officials from Inner Tuvalu met Tuvalu's envoy. The Xinjiang Uygur Autonomous Region of China sent a team."
    )
    cls = classes(draft)
    assert cls.get("Inner Tuvalu") == "Region"
    assert cls.get("Tuvalu") == "Country"
    regions = {e.label: e for e in draft.entities if e.cls == "AutonomousRegion"}
    assert any("Xinjiang Uygur Autonomous Region" in (e.label, *e.aliases) for e in regions.values())
    island = draft_of("The Indonesian authorities plan to link Sulawesi to the grid.")
    assert classes(island).get("Sulawesi") == "Region"


def test_outlets_the_text_cites_by_a_cue_word_a_web_address_or_reported():
    draft = draft_of(
        "The city set up a fund, Beiwang Evening reported. State news agency Qiaoxun, which reported the news on "
        "Wednesday, said so. Output rose, according to www.qlnews.cn, and the firm signed deals, reports Fanrui "
        "Daily. News site nanyang.com.cn reported the deal. A news report from english.nanyang.gov.cn said so, "
        "domestic news outlet 12th Street Herald reported. The company reported. Zhou Qi reported. Fanrui's "
        "Qiaoling-run Harbour Evening News reported."
    )
    cls = classes(draft)
    for outlet in (
        "Beiwang Evening",
        "Qiaoxun",
        "www.qlnews.cn",
        "Fanrui Daily",
        "nanyang.com.cn",
        "english.nanyang.gov.cn",
        "12th Street Herald",
        "Harbour Evening News",
    ):
        assert cls.get(outlet) == "MediaOutlet", outlet
    assert cls.get("Zhou Qi") == "Person"
    assert "The company" not in cls and "company" not in cls


def test_a_quote_is_dated_by_an_apposition_closing_the_sentence_or_by_where_the_reporters_were():
    draft = draft_of(
        "QIAOLING, May 3 (Beiwang) -- The region will improve its services, said Zhou Qi, an official with the "
        "Fanrui Development Commission during a briefing on Friday.\n\n"
        "Party Secretary of Qiaoling Province Lin Haoran told reporters attending the Beishan media forum on 28 "
        "April that ties will grow.\n\n"
        "The fund is large, said Wei Lantao, who joined the Fanrui Development Commission in 2015.",
        date="2021-05-03",
    )
    quotes = {(st.subject.label, st.date) for st in draft.statements if st.predicate == "quotedIn"}
    assert ("Zhou Qi", "2021-04-30") in quotes
    assert ("Lin Haoran", "2021-04-28") in quotes
    assert ("Wei Lantao", "") in quotes  # when he joined is no date of what he said


def test_a_city_of_xyz_a_work_report_an_association_of_nations_and_a_party_committee_by_its_word():
    draft = draft_of(
        "The city of Qiaoling hosted the fair, said Lin Haoran while delivering the government work report at the "
        "session. The Association of Coral Sea Nations met the Beishan New Area Party and Labour Committee."
    )
    cls = classes(draft)
    assert cls.get("Qiaoling") == "City"
    assert cls.get("government work report") == "Policy"
    assert cls.get("Association of Coral Sea Nations") == "Organisation"
    assert cls.get("Beishan New Area Party and Labour Committee") == "PartyCommittee"


def test_a_quoted_name_that_ends_in_its_own_policy_head():
    draft = draft_of(
        "The bank said the centre will be part of its “digital finance growth strategy” and will help. The city "
        "wants to create a “green valley industry plan”. He called it a “good plan”."
    )
    cls = classes(draft)
    assert cls.get("digital finance growth strategy") == "Policy"
    assert "green valley industry plan" not in cls  # a goal the text names, not a policy's name
    assert "good plan" not in cls


def test_the_city_government_is_the_government_of_the_city_named_before():
    draft = draft_of(
        "Qiaoling Province hosted a fair in Beishan City. The city government said the provincial party committee "
        "approved it. The Beishan municipal government agreed. The municipal government for the coastal capital of "
        "Fanrui signed too."
    )
    bodies = {e.label: (e.cls, e.aliases) for e in draft.entities if e.cls in ("GovernmentBody", "PartyCommittee")}
    assert bodies.get("Beishan municipal government", ("", []))[0] == "GovernmentBody"
    assert "city government" in bodies["Beishan municipal government"][1]
    assert bodies.get("Qiaoling provincial party committee", ("", []))[0] == "PartyCommittee"
    assert len(bodies) == 2  # "the municipal government for ... Fanrui": the place comes after, not before
