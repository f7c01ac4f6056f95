"""kg extract's relation rules on the general phrasings of English news (issue 18, round 4), on invented
sentences: places in places, posts, investments, partners and where organisations are, each in the wording any
news writer uses rather than the wording of one article."""

from __future__ import annotations

from tests.test_extract_news import draft_of, facts


def test_a_place_that_ends_a_bodys_name_is_placed_by_what_follows():
    found = facts(
        draft_of(
            "Fanrui Motors will build a plant for the government of Tanxi City, in northwestern Gansu Province, "
            "next year. The municipal government of Qiaoling City, a port in eastern China, approved the plan."
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


def test_investments_in_the_usual_phrasings():
    found = facts(
        draft_of(
            "The Qiaobei Chip Fund plans to invest about US$2 billion into Fanrui Semiconductor Corp this year. The "
            "municipal government of Tanxi City agreed to buy a 20% stake in Anxin Motors’s battery "
            "unit. Huarong Capital agreed to buy 30 percent of Wenhe Battery Co Ltd by May."
        )
    )
    assert ("Qiaobei Chip Fund", "investedIn", "Fanrui Semiconductor Corp") in found
    assert ("municipal government of Tanxi City", "investedIn", "Anxin Motors") in found
    assert ("Huarong Capital", "investedIn", "Wenhe Battery Co Ltd") in found


def test_investors_by_round_shareholding_and_backing():
    found = facts(
        draft_of(
            "Qiaobei Robotics raised 500 million yuan ($70 million) from five investors including Anxin Capital "
            "and Huarong Partners, according to a statement it sent to Beiwang Weekly. Tanlu Ventures led a Series B "
            "round in Fanrui Motors. Wenhe Holdings, a major shareholder of Lanbei Display Co, said output grew. "
            "The Qiaobei Chip Fund has backed dozens of firms, such as Fanrui Semiconductor Corp and Anxin "
            "Microelectronics Co."
        )
    )
    assert ("Anxin Capital", "investedIn", "Qiaobei Robotics") in found
    assert ("Huarong Partners", "investedIn", "Qiaobei Robotics") in found
    assert ("Beiwang Weekly", "investedIn", "Qiaobei Robotics") not in found
    assert ("Tanlu Ventures", "investedIn", "Fanrui Motors") in found
    assert ("Wenhe Holdings", "investedIn", "Lanbei Display Co") in found
    assert ("Qiaobei Chip Fund", "investedIn", "Fanrui Semiconductor Corp") in found
    assert ("Qiaobei Chip Fund", "investedIn", "Anxin Microelectronics Co.") in found


def test_a_counted_group_means_each_organisation_the_text_lists_for_it():
    found = facts(
        draft_of(
            "The Gansu provincial government signed cooperation agreements with three state-owned enterprises on "
            "Monday. The three state-owned enterprises include Fanrui Motors, Anxin Capital and Huarong Gas Group. "
            "The three state-owned enterprises will invest 5 billion yuan in Gansu. Qiaobei Bank will "
            "strengthen its cooperation with Tanlu Ventures."
        )
    )
    for member in ("Fanrui Motors", "Anxin Capital", "Huarong Gas Group"):
        assert ("Gansu provincial government", "partnerOf", member) in found
        assert (member, "investedIn", "Gansu") in found
    assert ("Qiaobei Bank", "partnerOf", "Tanlu Ventures") in found
    # a count the list does not match names no group
    loose = facts(
        draft_of(
            "Qiaobei Bank signed agreements with five lenders. The five lenders include Anxin Bank and Huarong Bank."
        )
    )
    assert not any(p == "partnerOf" and s == "Qiaobei Bank" for s, p, _ in loose)


def test_where_organisations_are_by_a_place_that_houses_them_or_that_they_settled_in():
    found = facts(
        draft_of(
            "Chipmakers keep settling in Tanxi City, including Fanrui Motors, Anxin "
            "Microelectronics Co and Huarong Gas Group. Wenhe City houses the plants of two carmakers, "
            "Qiaobei Motors Co and Lanbei Automobile Group. Fanrui Motors and Anxin Capital have jointly built a "
            "battery plant. Tanlu Bank and Wenhe Bank will jointly build a branch."
        )
    )
    for guest in ("Fanrui Motors", "Anxin Microelectronics Co", "Huarong Gas Group"):
        assert (guest, "locatedIn", "Tanxi City") in found
    assert ("Qiaobei Motors Co", "locatedIn", "Wenhe City") in found
    assert ("Lanbei Automobile Group", "locatedIn", "Wenhe City") in found
    assert ("Fanrui Motors", "partnerOf", "Anxin Capital") in found
    assert ("Tanlu Bank", "partnerOf", "Wenhe Bank") not in found  # a plan, as the curated files have it


def test_the_company_opening_a_sentence_is_the_company_the_sentence_before_opened_with():
    found = facts(
        draft_of(
            "Anxin Capital backed Huarong Motors. Anxin Capital also backed Lanbei Robotics. Fanrui Motors grew "
            "fast in Tanxi City. The company and Qiaobei Battery Group have jointly built a plant."
        )
    )
    assert ("Fanrui Motors", "partnerOf", "Qiaobei Battery Group") in found
    assert ("Anxin Capital", "partnerOf", "Qiaobei Battery Group") not in found


def test_only_the_names_next_to_a_speech_verb_are_quoted():
    found = facts(
        draft_of(
            "Zhou Qiming succeeded Mei Lanting at the Qiaobei Chip Fund this week, Beiwang Weekly said. "
            "The idea was backed by Premier Wang Haoran, said Tang Weiming, a member of the Tanxi "
            "Reform Committee. Output will grow, Ruan Qiming, chairman of a holding firm called Anxin Holdings "
            "said on Tuesday."
        )
    )
    quoted = {s for s, p, _ in found if p == "quotedIn"}
    assert {"Tang Weiming", "Ruan Qiming"} <= quoted
    assert not {"Zhou Qiming", "Mei Lanting", "Wang Haoran"} & quoted


def test_a_body_that_announced_that_or_warned_is_quoted():
    found = facts(
        draft_of(
            "Fanrui Motors announced on Monday that it had won a bus order. Anxin Capital warned that prices "
            "would rise. Huarong Gas Group announced a new plant. Lanbei Robotics announced that it would hire."
        )
    )
    quoted = {s for s, p, _ in found if p == "quotedIn"}
    assert {"Fanrui Motors", "Anxin Capital"} <= quoted
    assert "Huarong Gas Group" not in quoted  # announcing a thing is not reported speech
    assert "Lanbei Robotics" not in quoted  # nor is announcing a plan (as the curated files have it)


def test_he_said_is_the_speaker_quoted_last_or_the_person_named_last():
    found = facts(
        draft_of(
            "“Output will double,” Zhou Qiming, the city’s party chief, said at an event attended by the founder "
            "of Fanrui Motors, Mei Lanting. “Jobs will follow,” he added.\n\nTang Weiming visited the plant on Monday. "
            "He stated that the plant would open in May."
        )
    )
    quoted = {s for s, p, _ in found if p == "quotedIn"}
    assert {"Zhou Qiming", "Tang Weiming"} <= quoted
    assert "Mei Lanting" not in quoted


def test_a_place_and_its_country_a_capital_and_located_in():
    found = facts(
        draft_of(
            "The local government of Tanxi City, China, set up a fund. Lanzhou, the Gansu province capital, grew. "
            "Qinghai, located in the far northwest of China, opened a park. Fanrui Motors is in the Gansu "
            "provincial capital of Lanzhou."
        )
    )
    assert ("Tanxi City", "partOf", "China") in found
    assert ("Qinghai", "partOf", "China") in found
    assert ("Lanzhou", "partOf", "Gansu") in found
    # a list of places ending in a country is no chain of parts
    listed = facts(draft_of("Firms from Tanxi City, Wenhe City, Japan and China took part."))
    assert not any(p == "partOf" for _, p, _ in listed)


def test_a_second_post_after_and():
    found = facts(
        draft_of(
            "Guests included Mei Lanting, director of the Tanxi Reform Commission and president of Anxin Capital, "
            "and Zhou Qiming, secretary of the Party Committee and president of Qiaobei Evening News."
        )
    )
    assert ("Mei Lanting", "holdsPostIn", "Tanxi Reform Commission") in found
    assert ("Mei Lanting", "holdsPostIn", "Anxin Capital") in found
    assert ("Zhou Qiming", "holdsPostIn", "Qiaobei Evening News") in found


def test_money_put_in_with_no_recipient_named_goes_to_the_fund_the_text_is_about():
    found = facts(
        draft_of(
            "The Qiaobei Chip Fund was registered on Monday with 9 billion yuan. The Tanxi Finance Bureau injected "
            "3 billion yuan, and Anxin Capital and Huarong Holdings became shareholders with a 5 per cent "
            "stake each. Fanrui Motors put in 2 billion yuan into Wenhe Battery Co this year."
        )
    )
    assert ("Tanxi Finance Bureau", "investedIn", "Qiaobei Chip Fund") in found
    assert ("Anxin Capital", "investedIn", "Qiaobei Chip Fund") in found
    assert ("Huarong Holdings", "investedIn", "Qiaobei Chip Fund") in found
    assert ("Fanrui Motors", "investedIn", "Qiaobei Chip Fund") not in found  # it names where the money went


def test_a_national_ministry_or_party_organ_has_no_jurisdiction_statement_for_its_country():
    draft = draft_of(
        "The Ministry of Ocean Informatics of China met Fanrui Motors. The Gansu Provincial Party Committee met "
        "Anxin Capital."
    )
    found = facts(draft)
    assert not any(p == "jurisdiction" and o == "China" for _, p, o in found), found
    assert any(p == "jurisdiction" and o == "Gansu" for _, p, o in found)


def test_where_a_company_is_and_has_its_seat():
    found = facts(
        draft_of(
            "Based in Tanxi City, Fanrui Motors makes buses. Anxin Capital, a venture capital firm based in Wenhe "
            "City, grew. Qiaobei Robotics’s headquarters are in Lanzhou. Gansu Province is the home of "
            "Huarong Gas Group’s headquarters."
        )
    )
    # "based in" says where it is, as the curated files have it; "headquarters" says its seat
    assert ("Fanrui Motors", "locatedIn", "Tanxi City") in found
    assert ("Anxin Capital", "locatedIn", "Wenhe City") in found
    assert ("Qiaobei Robotics", "headquarteredIn", "Lanzhou") in found
    assert ("Huarong Gas Group", "headquarteredIn", "Gansu Province") in found


def test_a_founding_year_told_of_it_or_of_its_establishment():
    found = facts(
        draft_of(
            "The Qiaobei Chip Fund is the country's largest. Founded in 2012, it has backed 40 firms. Fanrui "
            "Motors builds buses. Since it was set up in March 2016, it has sold 900. The Tanxi High-tech Zone has "
            "drawn 40 firms since its establishment in May 2016."
        )
    )
    assert ("Qiaobei Chip Fund", "foundingDate", "2012") in found
    assert ("Fanrui Motors", "foundingDate", "2016-03") in found
    assert ("Tanxi High-tech Zone", "foundingDate", "2016-05") in found


def test_a_unit_described_as_under_its_parent_or_by_its_parent_company():
    found = facts(
        draft_of(
            "Anxin Holdings, a financial holding enterprise directly under the Gansu Provincial Government, will "
            "invest. Huarong Gas Group, the parent company of Wenhe Gas Co, grew. Fanrui Motors’s parent company "
            "Qiaobei Auto Group agreed."
        )
    )
    assert ("Anxin Holdings", "subOrganisationOf", "Gansu Provincial Government") in found
    assert ("Wenhe Gas Co", "subOrganisationOf", "Huarong Gas Group") in found
    assert ("Fanrui Motors", "subOrganisationOf", "Qiaobei Auto Group") in found


def test_a_ceo_quoted_alone_works_for_the_company_the_sentence_before_opened_with():
    found = facts(
        draft_of(
            "Since it was set up in March 2016, Fanrui Motors has sold 900 buses.\n\n“Demand is strong,” CEO "
            "Zhou Qiming told Beiwang Weekly. Anxin Capital joined as a partner of Fanrui Motors."
        )
    )
    assert ("Fanrui Motors", "foundingDate", "2016-03") in found
    assert ("Zhou Qiming", "holdsPostIn", "Fanrui Motors") in found
    assert ("Anxin Capital", "partnerOf", "Fanrui Motors") in found


def test_a_country_is_never_put_in_a_city_nor_the_company_a_speaker_works_for_quoted():
    found = facts(
        draft_of(
            "Guests included Zhou Qiming, an official of the Seafarers Union of China in Lanzhou. "
            "Output will grow, Ruan Qiming, chairman of a holding firm called Anxin Holdings said."
        )
    )
    assert ("China", "partOf", "Lanzhou") not in found
    assert ("Anxin Holdings", "quotedIn", "A headline") not in found
    assert ("Ruan Qiming", "quotedIn", "A headline") in found


def test_the_company_later_in_a_sentence_is_the_company_it_opens_with():
    found = facts(
        draft_of(
            "Anxin Capital and Huarong Gas Co backed it. Fanrui Motors raised 300 million yuan from backers "
            "including Anxin Capital and Huarong Gas Co, according to a release the company issued on Monday."
        )
    )
    assert ("Fanrui Motors", "quotedIn", "A headline") in found
    assert ("Huarong Gas Co", "quotedIn", "A headline") not in found


def test_the_usual_phrasings_of_posts_and_units():
    found = facts(
        draft_of(
            "Fanrui Motors chief Zhou Qiming said sales rose. Mei Lanting (chairman, Anxin Capital) agreed. "
            "Huarong Bank, a unit of Qiaobei Group, lent. Tanlu Holdings’ banking unit Wenhe Bank lent too. "
            "Lanbei Gas put in 2 billion yuan, and a finance arm of Qiaobei Group added more."
        )
    )
    assert ("Zhou Qiming", "holdsPostIn", "Fanrui Motors") in found
    assert ("Mei Lanting", "holdsPostIn", "Anxin Capital") in found
    assert ("Huarong Bank", "subOrganisationOf", "Qiaobei Group") in found
    assert ("Wenhe Bank", "subOrganisationOf", "Tanlu Holdings") in found
    assert ("Lanbei Gas", "subOrganisationOf", "Qiaobei Group") not in found  # the arm is not named


def test_a_speaker_described_by_where_they_work_and_an_announced_plan():
    found = facts(
        draft_of(
            "Professor Zhou Qiming of the School of Economics of Tanxi University said the plan would help. "
            "Anxin Bank announced that its Wenhe branch will open next year. Lanbei Power announced on "
            "Friday that it had sold its stake in Huarong Solar Co."
        )
    )
    quoted = {s for s, p, _ in found if p == "quotedIn"}
    assert "Zhou Qiming" in quoted and "Tanxi University" not in quoted
    assert "Anxin Bank" not in quoted  # a plan announced
    assert "Lanbei Power" in quoted  # what happened, reported


def test_a_speaker_with_characters_and_an_apposition_and_said_the_company_had():
    found = facts(
        draft_of(
            "Zhou Qiming (周启明), chief engineer of Fanrui Motors, said the carmaker had signed a deal with Anxin "
            "Capital."
        )
    )
    quoted = {s for s, p, _ in found if p == "quotedIn"}
    assert "Zhou Qiming" in quoted and "Fanrui Motors" not in quoted


def test_a_speaker_after_a_dash_parenthesis():
    found = facts(
        draft_of(
            "Fanrui Motors Corp. (Fanrui) — which already runs two plants in Tanxi City — said on Monday that it "
            "may build a third. Zhou Qiming — who led the talks for Anxin Capital — said the deal was fair."
        )
    )
    quoted = {s for s, p, _ in found if p == "quotedIn"}
    assert "Fanrui Motors Corp." in quoted or "Fanrui Motors" in quoted
    assert "Zhou Qiming" in quoted and "Anxin Capital" not in quoted


def test_money_put_in_goes_to_the_fund_a_description_names_and_an_arm_is_not_its_parent():
    found = facts(
        draft_of(
            "The Qiaobei Chip Fund was set up in Tanxi City. Chip imports grew. Prices fell. Demand rose. The fund’s "
            "capital comes mainly from state bodies. The Tanxi Finance Bureau injected 3 billion yuan, and a finance "
            "arm of Anxin Bank put in 2 billion yuan."
        )
    )
    assert ("Tanxi Finance Bureau", "investedIn", "Qiaobei Chip Fund") in found
    assert ("Anxin Bank", "investedIn", "Qiaobei Chip Fund") not in found


def test_a_place_named_after_a_demonym_and_its_kind_is_in_that_country():
    found = facts(
        draft_of(
            "Fanrui Motors will build a plant in the northwestern Chinese city of Lanzhou. Sales in China and "
            "Japan grew."
        )
    )
    assert ("Lanzhou", "partOf", "China") in found
    assert ("Lanzhou", "partOf", "Japan") not in found
