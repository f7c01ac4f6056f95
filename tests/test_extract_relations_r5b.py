"""kg extract's relation rules on more constructions of English news (issue 18, round 5, second pass), each on an
invented sentence with fictional names: a district or zone told as a city's possession, and an organisation's unit
named after it."""

from __future__ import annotations

from tests.test_extract_news import draft_of, facts


def test_a_zone_or_district_told_as_a_citys_possession_is_part_of_the_city():
    found = facts(
        draft_of(
            "A new battery project will soon come to Qiaoling City's Hexi New Area. Tanbei City's Wenhe District "
            "hosts a grain port. The gearbox plant stands in Suyan City's Baiyun Industrial Park."
        )
    )
    assert ("Hexi New Area", "partOf", "Qiaoling City") in found
    assert ("Wenhe District", "partOf", "Tanbei City") in found
    assert ("Baiyun Industrial Park", "partOf", "Suyan City") in found


def test_a_unit_named_after_an_organisation_belongs_to_it():
    found = facts(
        draft_of(
            "Hexi University Law School and Hexi University will open a joint clinic. Qiaoling Fanrui Motors, a "
            "gearbox maker in Qiaoling City, said its output rose; Fanrui Motors said on Monday it would list the unit. Nanxi Group "
            "said Nanxi had hired 300 engineers. The Operation Centre of Wenhe Pilot Zone opened; the Operation "
            "Centre has 40 staff."
        )
    )
    assert ("Hexi University Law School", "subOrganisationOf", "Hexi University") in found
    assert ("Qiaoling Fanrui Motors", "subOrganisationOf", "Fanrui Motors") in found
    assert not any(p == "subOrganisationOf" and o in ("Nanxi", "Operation Centre") for _, p, o in found)


def test_a_joint_venture_or_collaboration_with_a_described_partner_makes_partners():
    found = facts(
        draft_of(
            "Lanbei Battery also signed deals in Hexi City for a joint venture with state-owned Fanrui Mining, and a "
            "collaboration with electric carmaker Nanxi Auto. Tanbei Robotics is a joint venture company with Suyan "
            "Telecom, a mobile operator."
        )
    )
    assert ("Lanbei Battery", "partnerOf", "Fanrui Mining") in found
    assert ("Lanbei Battery", "partnerOf", "Nanxi Auto") in found
    assert ("Tanbei Robotics", "partnerOf", "Suyan Telecom") in found
    assert not any(p == "partnerOf" and {s, o} == {"Fanrui Mining", "Nanxi Auto"} for s, p, o in found)


def test_a_capitalised_post_of_a_body_before_a_name_is_a_post():
    found = facts(
        draft_of(
            "Party Secretary of Hexi City Zhou Qiming told reporters on Monday that the port would open. Director of "
            "the Tanbei City Commerce Bureau Wang Jianguo attended. The port, Communist Party Secretary of Qinghai "
            "Province Li Hua said, is ready."
        )
    )
    assert ("Zhou Qiming", "holdsPostIn", "Hexi City") in found
    assert ("Wang Jianguo", "holdsPostIn", "Tanbei City Commerce Bureau") in found
    assert ("Li Hua", "holdsPostIn", "Qinghai Province") in found


def test_a_fund_a_place_established_in_a_month_was_founded_then():
    found = facts(
        draft_of(
            "Tanxi City established a 20 billion yuan fund in June, saying it aims to lift confidence in local firms."
        )
    )
    assert ("20 billion yuan fund", "locatedIn", "Tanxi City") in found
    assert ("20 billion yuan fund", "foundingDate", "2020-06") in found  # the article is of May 2021


def test_a_sentence_opening_with_according_to_quotes_its_source():
    found = facts(
        draft_of(
            "According to Zhou Qiming, exports through the port rose 8 percent. According to Lanbei Motors, sales "
            "doubled in the first quarter."
        )
    )
    assert ("Zhou Qiming", "quotedIn", "A headline") in found
    assert ("Lanbei Motors", "quotedIn", "A headline") in found
