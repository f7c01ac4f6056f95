"""kg extract on more styles of real English news (issue 18, round 4): rules written for constructions found in
articles of several outlets, each checked here on invented sentences with fictional names."""

from __future__ import annotations

import datetime

from kg.extract import when
from kg.extract.document import Document
from kg.model import Source
from tests.test_extract_news import draft_of, facts


def dated(draft) -> set[tuple[str, str, str, str]]:
    return {
        (st.subject.label, st.predicate, st.object.label if st.object else str(st.value), st.date)
        for st in draft.statements
    }


def classes(draft) -> dict[str, str]:
    return {e.label: e.cls for e in draft.entities}


def test_words_in_a_line_of_capitals_are_no_acronyms_and_a_name_in_capitals_is_a_person():
    draft = draft_of(
        "QIAOBEI UNVEILS NEW CHIP FUND\n\nZHOU HAORAN, VICE MAYOR OF QIAOBEI “The fund will grow,” he said.\n\n"
        "Qiaobei Micro [XYZ: 000123] rose. Sales of new energy vehicles (NEV) rose, as did NEVs in the Fanrui "
        "River Delta (FRD) and the FRD region."
    )
    cls = classes(draft)
    for word in ("UNVEILS", "NEW", "CHIP", "FUND", "VICE", "MAYOR", "XYZ", "NEV", "NEVs", "FRD"):
        assert word not in cls
    assert cls.get("ZHOU HAORAN") == "Person"


def test_a_courtesy_title_before_two_names_and_an_editor_line_name_people():
    draft = draft_of(
        "The Chief Executive, Mrs Jane Holloway, welcomed the plan. Mrs Holloway said it would help.\n\n"
        "Editor: Marta Quillon"
    )
    cls = classes(draft)
    assert cls.get("Jane Holloway") == "Person"
    assert cls.get("Marta Quillon") == "Person"
    assert "Holloway" not in cls or cls["Holloway"] == "Person"
    assert ("A headline", "mentions", "Marta Quillon") in facts(draft)


def test_one_government_however_the_text_words_it_and_one_company_with_or_without_its_legal_form():
    draft = draft_of(
        "The provincial government of Gansu, in northwest China, pledged 5 billion yuan. The Gansu government sold its stake in "
        "2021. The government of Fanrui Province joined. Gansu Weilan Technology raised funds from Huarui "
        "Group Co and Mondel AG. Huarui Group holds a stake in Weilan, and Mondel AG said it would invest."
    )
    governments = [e for e in draft.entities if e.cls == "GovernmentBody"]
    assert len([e for e in governments if "Gansu" in e.label]) == 1
    assert any(e.label == "government of Fanrui Province" for e in governments)
    cls = classes(draft)
    assert cls.get("Huarui Group Co") == "Company" and "Huarui Group" not in cls
    assert cls.get("Mondel AG") == "Company"
    assert "Weilan" not in cls  # the company "Gansu Weilan Technology" by its short name


def test_a_conference_is_an_event_an_exchange_an_organisation_and_a_terms_short_form_no_agency():
    cls = classes(
        draft_of(
            "Zhou Qi spoke at the 5th Qiaobei Chip Manufacturing Annual Conference. Fanrui is listed on the "
            "Qiaobei Stock Exchange. It aims to sell 1 million new energy vehicles (NEV) — including hybrids — a year."
        )
    )
    assert cls.get("5th Qiaobei Chip Manufacturing Annual Conference") == "Event"
    assert cls.get("Qiaobei Stock Exchange") == "Organisation"
    assert "NEV" not in cls


def test_a_place_before_based_is_named_and_so_is_the_firm_after_it_but_not_a_currency():
    cls = classes(
        draft_of(
            "Japan-based Qiaobei Display Co said US-based Halvern, Germany-based Ostrand and others would join. "
            "The park cost 10 billion yuan (1.5 billion U.S. dollars)."
        )
    )
    assert cls.get("Japan") == "Country" and cls.get("Germany") == "Country" and cls.get("US") == "Country"
    assert cls.get("Halvern") == "Company" and cls.get("Ostrand") == "Company"
    assert "U.S." not in cls
    listed = classes(
        draft_of("Suppliers such as US-based Halvern, Germany-based Brisk and Japan-based Ostrand will join.")
    )
    assert listed.get("Brisk") == "Company" and listed.get("Ostrand") == "Company"


def test_a_list_with_one_company_makes_its_bare_names_companies_and_a_standalone_name_ends_before_and():
    cls = classes(
        draft_of(
            "Qiaobei followed Halvern, Ostrand, and Fanrui Group in storing data locally. The state firms include "
            "Qiaobei Weilan Oil Corporation, Nanfeng Energy Saving and Green Protection Group and Lanbei Steel "
            "Group. Leaders visited companies in the region, including Dremmel and Sorvik Motor. Dremmel makes "
            "cameras."
        )
    )
    assert cls.get("Halvern") == "Company" and cls.get("Ostrand") == "Company"
    assert cls.get("Dremmel") == "Company" and cls.get("Sorvik Motor") == "Company"
    assert "Dremmel and Sorvik Motor" not in cls
    assert "Nanfeng Energy Saving" not in cls


def test_policies_by_a_quoted_name_a_title_in_capitals_and_no_plan_for_a_period():
    draft = draft_of(
        "Fanrui has outlined a “2+4+N” industry plan. It will enrich the country's “one port, three lanes” policy. "
        "To reach the goals, the Action Plan for Qiaobei to Promote High-Quality Development of the Lens Industry "
        "(2021-25) was released. During the 15th Five-Year Plan (2026-2030) period, firms will invest more. "
        "Using a “two fast, one slow” approach the initiative aims to help suppliers."
    )
    cls = classes(draft)
    assert cls.get("2+4+N") == "Policy"
    assert cls.get("one port, three lanes") == "Policy"
    title = "Action Plan for Qiaobei to Promote High-Quality Development of the Lens Industry (2021-25)"
    assert cls.get(title) == "ActionPlan"
    assert not any("Five-Year Plan" in label for label in cls)
    assert "two fast, one slow" not in cls


def test_a_described_fund_is_named_without_its_size_or_rating_and_its_own_fund_names_nothing():
    draft = draft_of(
        "Qiaobei launched a new lens investment fund in May. Fanrui set up a $40 million lens investment fund, and "
        "the dedicated lens investment fund will invest in start-ups. Huarui will use its own fund and a parent "
        "fund. A new energy vehicle industry fund was also set up."
    )
    funds = [e for e in draft.entities if e.cls == "Fund"]
    lens = [e for e in funds if "lens" in e.label]
    assert len(lens) == 1  # one fund, by its description with or without its size and rating
    assert {"lens investment fund", "$40 million lens investment fund"} <= {lens[0].label, *lens[0].aliases}
    assert not any(e.label in ("own fund", "parent fund") for e in funds)
    assert any(e.label == "new energy vehicle industry fund" for e in funds)


def test_a_quote_is_dated_by_its_attribution_not_by_a_date_of_what_was_said():
    draft = draft_of(
        "Qiaobei Group opened its plant on Friday, corporate data provider Fanrui said. "
        "“Sales are rising,” said Zhou Qi, as she pointed out that exports rose in 2020. "
        "Mei Lan told the Qiaobei Daily on Tuesday that the plant opened in March. "
        "The plant is ready, according to a filing Huarui Group sent to the exchange on Wednesday.",
        date="2021-05-14",
    )
    quoted = {(s, d) for s, p, o, d in dated(draft) if p == "quotedIn"}
    assert ("Fanrui", "") in quoted
    assert ("Zhou Qi", "") in quoted
    assert ("Mei Lan", "2021-05-11") in quoted
    last = draft.body.index("The plant is ready")
    assert (
        Document(Source(slug="n", path="n.md", title="t", body=draft.body, date="2021-05-14")).speech_date(
            (last, len(draft.body))
        )
        == "2021-05-12"
    )


def test_this_week_last_week_and_earlier_this_year_against_the_articles_date():
    assert when.dates_in("It announced this week that it signed.", (2021, 5), datetime.date(2021, 5, 14)) == [
        (13, "2021-05")
    ]
    assert when.dates_in("It signed last week.", (2021, 5), datetime.date(2021, 5, 14))[0][1] == "2021-05"
    assert when.dates_in("It signed last week.", (2021, 5), datetime.date(2021, 5, 5)) == []  # April or May
    assert when.dates_in("It opened earlier this year.", (2021, 5), datetime.date(2021, 5, 14))[0][1] == "2021"


def test_a_compass_part_of_a_country_named_alone_a_bare_name_in_a_slot_and_no_city_from_a_nationality():
    cls = classes(
        draft_of(
            "Qiaobei is the largest port in Northwest China. Fanrui is based in Central China's Gansu province. "
            "The fund will invest in the Northeast China region. Investors such as Halvern signed the deal. "
            "Dremmel signed a deal with the Chinese city of Qiaobei."
        )
    )
    assert cls.get("Northwest China") == "MacroRegion"
    assert cls.get("Northeast China region") == "MacroRegion"
    assert "Central China" not in cls  # it only places the province
    assert cls.get("Fanrui") == "Organisation"  # a bare name in an organisation's slot: of no known kind
    assert "Chinese city" not in cls


def test_two_names_joined_by_and_a_city_government_located_by_its_province_and_a_weekday_before_a_date():
    draft = draft_of(
        "Fanrui signed an agreement with Nanyang Municipal Government of Henan Province in central China and "
        "Qiaobei Auto Group on Wednesday on July 15. In a deal between ABC and Bank of Qiaobei, staff are paid.",
        date="2021-08-13",
    )
    cls = classes(draft)
    assert cls.get("Nanyang Municipal Government") == "GovernmentBody"
    assert cls.get("Qiaobei Auto Group") == "Company" and "China and Qiaobei Auto Group" not in cls
    assert "ABC and Bank of Qiaobei" not in cls and cls.get("Bank of Qiaobei") == "Company"
    assert ("Fanrui", "partnerOf", "Nanyang Municipal Government", "2021-07-15") in dated(draft)


def test_an_outlet_by_a_report_and_a_wire_credit_and_a_body_of_a_province_written_in_lower_case():
    draft = draft_of(
        "Qiaobei to build plant\n\nHalvern, BEIJING and NANYANG\n\nQiaobei will build a plant, according to a report "
        "by Fanruinet. Zhou Qi, deputy head of the Department of Commerce of Gansu province in China, said so."
    )
    cls = classes(draft)
    assert cls.get("Halvern") == "MediaOutlet"
    assert cls.get("Fanruinet") == "MediaOutlet"
    assert cls.get("Department of Commerce of Gansu province") == "GovernmentBody"


def test_a_body_named_by_its_regions_possessive_is_also_named_by_the_texts_own_words():
    draft = draft_of("Gansu is in northwest China. The province's energy and mining bureau approved the plan.")
    bureau = next(e for e in draft.entities if e.cls == "GovernmentBody")
    assert bureau.label == "Gansu energy and mining bureau"
    assert "energy and mining bureau" in bureau.aliases


def test_a_programme_named_by_its_country_and_target_year_and_a_consulting_firm():
    draft = draft_of(
        "Qiaobei became the first city in China to implement Healthy China 2035, the health drive. Zhou Qi, a "
        "partner at Fanrui Management Consulting, said it would help. Sales in China 2019 rose."
    )
    cls = classes(draft)
    assert cls.get("Healthy China 2035") == "Policy"
    assert cls.get("Fanrui Management Consulting") == "Company"
    assert not any(label.endswith("China 2019") for label in cls)


def test_a_speaker_named_by_the_first_words_of_a_company_is_the_company():
    cls = classes(
        draft_of(
            "Fanrui Optoelectronics will invest 3 billion yuan in a new plant. Demand will grow, Fanrui Opto "
            "pointed out. Zhou Qi said so too."
        )
    )
    assert "Fanrui Opto" not in cls or cls["Fanrui Opto"] != "Person"
    assert cls.get("Zhou Qi") == "Person"


def test_a_place_named_only_inside_a_companys_name_is_no_place_of_the_article():
    cls = classes(draft_of("Gansu Weilan Technology raised 1 billion yuan from investors in China. Qiaobei Group led."))
    assert cls.get("Gansu Weilan Technology") == "Company"
    assert "Gansu" not in cls
    assert classes(draft_of("Gansu Weilan Technology is based in Gansu, China.")).get("Gansu") == "Province"


def test_a_plural_possessive_inside_a_name_joins_it():
    cls = classes(
        draft_of("Zhou Qi spoke at the Qiaobei-Fanrui Mayors' Forum, run by the Halvern Mayors’ Association.")
    )
    assert "Qiaobei-Fanrui Mayors' Forum" in cls
    assert "Halvern Mayors’ Association" in cls


def test_indicated_reports_what_a_person_said():
    found = facts(draft_of("Zhou Qi, chairman of Qiaobei Group, attended and indicated that suppliers would follow."))
    assert ("Zhou Qi", "quotedIn", "A headline") in found


def test_a_name_in_a_list_of_people_is_a_person_even_when_its_surname_is_an_english_word():
    cls = classes(
        draft_of("Three leaders of the county, Long Meilan, Zhou Haoran, and Lin Qiwen, attended the signing.")
    )
    assert cls.get("Long Meilan") == "Person"


def test_the_shipped_articles_constructions_keep_their_reading():
    # each line is a construction of the shipped article that a round-4 rule first read otherwise
    draft = draft_of(
        "Development of the zone is fast. The Gansu Provincial Development and Reform Commission issued the list. "
        "The People's Government of Gansu Province in China approved it, to create a “Qiaobei computing valley” "
        "policy. Han Qi, founder of Fanruichain, said so.\n\n"
        'It is no door for currencies. "On March 30, Zhou Qi, a senior analyst in the industry, pointed out this.',
        date="2021-05-14",
    )
    cls = classes(draft)
    assert cls.get("Gansu Provincial Development and Reform Commission") == "GovernmentBody"
    assert "People's Government" not in cls and "Reform Commission" not in cls
    assert "Qiaobei computing valley" not in cls
    assert cls.get("Fanruichain") == "Organisation"
    assert ("Zhou Qi", "quotedIn", "A headline", "2021-03-30") in dated(draft)


def test_new_stays_in_a_name_that_starts_with_a_citys_name():
    cls = classes(draft_of("In response, Qiaobei Group told the New Taipei Herald that the plan would not change."))
    assert cls.get("New Taipei Herald") == "MediaOutlet" and "Taipei Herald" not in cls


def test_the_firm_a_titled_analyst_speaks_for():
    draft = draft_of("“Prices will rise,” said Halvern senior analyst Peter Qu, who wrote the note.")
    cls = classes(draft)
    assert cls.get("Halvern") == "Company" and cls.get("Peter Qu") == "Person"
