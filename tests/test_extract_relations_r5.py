"""kg extract's relation rules on the general constructions of English news (issue 18, round 5), each on an
invented sentence: money put into a plant or a company in a place, companies a place has gathered, posts told in
more phrasings, and what a policy applies to."""

from __future__ import annotations

from tests.test_extract_news import draft_of, facts


def test_a_plant_or_a_subsidiary_built_in_a_place_is_an_investment_there():
    found = facts(
        draft_of(
            "Nanxi Motors said it will invest about RMB 4.2 billion ($610 million) in the expansion of a gearbox "
            "plant in the Chinese coastal city of Qiaoling City. Fanrui Robotics established a wholly-owned "
            "technology company in Wenhe City on May 3. Lanbei Solar is the largest module maker. It is also "
            "building a solar glass factory in Hexi City and a new inverter plant in Tanbei City. The government "
            "of Suyan City, where Qiaobei Holdings is building a logistics park (its third), welcomed the deal."
        )
    )
    assert ("Nanxi Motors", "investedIn", "Qiaoling City") in found
    assert ("Fanrui Robotics", "investedIn", "Wenhe City") in found
    assert ("Lanbei Solar", "investedIn", "Hexi City") in found
    assert ("Lanbei Solar", "investedIn", "Tanbei City") in found
    assert ("Qiaobei Holdings", "investedIn", "Suyan City") in found


def test_a_planned_plant_or_one_a_project_sets_up_is_no_investment_of_the_name_before():
    found = facts(
        draft_of(
            "Nanxi Motors will build a battery plant in Qiaoling City next year. Fanrui Robotics signed a deal with "
            "Lanbei Holdings for a battery project, which will set up a production base in Wenhe City."
        )
    )
    assert not any(p == "investedIn" for _, p, _ in found)


def test_companies_a_place_has_gathered_such_as_a_and_b_are_located_there():
    found = facts(
        draft_of(
            "Hexi City has already gathered about 90 drug companies such as Lanbei Pharma and Fanrui Biotech. "
            "Zhou Qiming noted that Qiaoling City had built up a port cluster of 40 shipping firms including Nanxi "
            "Shipping, Tanbei Marine and Suyan Logistics, which move grain. Wenhe City has nurtured dozens of textile "
            "makers like Qiaobei Weaving. China has attracted companies such as Lanbei Motors."
        )
    )
    assert ("Lanbei Pharma", "locatedIn", "Hexi City") in found
    assert ("Fanrui Biotech", "locatedIn", "Hexi City") in found
    assert ("Tanbei Marine", "locatedIn", "Qiaoling City") in found
    assert ("Suyan Logistics", "locatedIn", "Qiaoling City") in found
    assert ("Qiaobei Weaving", "locatedIn", "Wenhe City") in found
    assert ("Lanbei Motors", "locatedIn", "China") not in found  # a country's firms are not placed by it


def test_a_fund_a_place_sets_up_is_located_there():
    found = facts(
        draft_of(
            "Tanxi City launched a 4 billion yuan fund last autumn for farm machinery. Hexi City, a river port in "
            "the south of the country, has officially created a biotech fund backed by the city. Qiaoling City is "
            "preparing to set up a tourism fund worth 900 million yuan. Lanbei Holdings, a firm in Wenhe City, set "
            "up a robotics fund."
        )
    )
    assert ("4 billion yuan fund", "locatedIn", "Tanxi City") in found
    assert ("biotech fund", "locatedIn", "Hexi City") in found
    assert ("tourism fund", "locatedIn", "Qiaoling City") in found
    assert ("robotics fund", "locatedIn", "Wenhe City") not in found  # the firm set it up, not the place


def test_places_paired_respectively_a_capital_by_possessive_and_a_former_village():
    found = facts(
        draft_of(
            "The pilot covers Tanxi City and Wenhe City in the western Qinghai Province and Shaanxi Province "
            "respectively. Hexi City, Qinghai's capital, is its political heart. Suyan City, once a small fishing "
            "village in Shaanxi, has transformed."
        )
    )
    assert ("Tanxi City", "partOf", "Qinghai") in found
    assert ("Wenhe City", "partOf", "Shaanxi") in found
    assert ("Wenhe City", "partOf", "Qinghai") not in found
    assert ("Hexi City", "partOf", "Qinghai") in found
    assert ("Suyan City", "partOf", "Shaanxi") in found


def test_posts_in_appositions_and_titles_the_post_list_leaves_out():
    found = facts(
        draft_of(
            "The deal was signed in the presence of Zhou Qiming (周启明), the party secretary for Tanxi City, and "
            "Lin Haoran (林浩然), deputy-governor of Qinghai province. Mei Lanting, Fanrui Group Chairman and Party "
            "Secretary, attended the meeting. Hexi City aims to lead the region, said Mayor Gao Wenbo on Wednesday "
            "in Qiaoling District. “Markets are calm,” Anxin Securities strategist Wu Jiale told reporters. Chen "
            "Yuting, head of Tanbei-based Lanxin Holdings, spoke."
        )
    )
    assert ("Zhou Qiming", "holdsPostIn", "Tanxi City") in found
    assert ("Lin Haoran", "holdsPostIn", "Qinghai") in found
    assert ("Mei Lanting", "holdsPostIn", "Fanrui Group") in found
    assert ("Gao Wenbo", "holdsPostIn", "Hexi City") in found  # the one city of the sentence
    assert ("Wu Jiale", "holdsPostIn", "Anxin Securities") in found
    assert ("Chen Yuting", "holdsPostIn", "Lanxin Holdings") in found
    assert not any(s == "Chen Yuting" and o != "Lanxin Holdings" for s, p, o in found if p == "holdsPostIn")


def test_a_policy_named_after_dubbed_or_called_is_issued_by_the_verbs_subject():
    found = facts(
        draft_of(
            "The Qiaoling Municipal Government has unveiled a new action plan, called the “Qiaoling Digital Economy "
            "Action Plan”, on Monday. The Tanxi Municipal Government issued a plan, dubbed “Tanxi Green Action Plan”, "
            "last week."
        )
    )
    assert ("Qiaoling Digital Economy Action Plan", "issuedBy", "Qiaoling Municipal Government") in found
    assert ("Tanxi Green Action Plan", "issuedBy", "Tanxi Municipal Government") in found


def test_an_acquisition_and_a_joint_investment_are_investments():
    found = facts(
        draft_of(
            "Fanrui Capital, a unit of a larger group, bought Dutch seed company Lanbei Test Corp in March. Tanbei "
            "Motors was acquired by Qiaobei Holdings in 2019. Nanxi Energy Co and Suyan Charging Ltd agreed on a joint "
            "investment in Hexi City's new bus depot. Anxin Group bought the two wind farms from Spanish company "
            "Wenhe Power in 2016."
        )
    )
    assert ("Fanrui Capital", "investedIn", "Lanbei Test Corp") in found
    assert ("Qiaobei Holdings", "investedIn", "Tanbei Motors") in found
    assert ("Nanxi Energy Co", "investedIn", "Hexi City") in found
    assert ("Suyan Charging Ltd", "investedIn", "Hexi City") in found
    assert ("Anxin Group", "investedIn", "Wenhe Power") not in found  # it bought wind farms from it


def test_a_company_that_said_something_yesterday_or_on_a_weekday_is_quoted():
    found = facts(
        draft_of(
            "Dutch brewer Fanrui Brewing Group yesterday said that its exports fell. "
            "Anxin Holdings on Tuesday said it had sold a unit."
        )
    )
    assert ("Fanrui Brewing Group", "quotedIn", "A headline") in found
    assert ("Anxin Holdings", "quotedIn", "A headline") in found


def test_the_place_based_company_is_the_company_the_text_is_about():
    found = facts(
        draft_of(
            "Lanbei Motors opened a plant in Hexi City in Qinghai Province. The Qinghai-based company said sales rose. "
            "Fanrui Bank lent money to Tanbei Steel. The Qinghai-based lender said more loans would follow."
        )
    )
    assert ("Lanbei Motors", "headquarteredIn", "Qinghai") in found
    assert ("Fanrui Bank", "headquarteredIn", "Qinghai") in found  # the lender the sentence before opens with
    assert ("Tanbei Steel", "headquarteredIn", "Qinghai") not in found


def test_an_acronym_given_once_names_the_company_again_for_the_relations():
    found = facts(
        draft_of(
            "Fanrui Motors AG (FM) plans to grow in Asia. FM said on Monday that it would buy 40 percent of "
            "Lanbei High-tech Co Ltd, a maker of seats. FM also took a minority stake in the holding parent of Tanbei "
            "Motors Group."
        )
    )
    assert ("Fanrui Motors AG", "investedIn", "Lanbei High-tech Co Ltd") in found
    assert ("Fanrui Motors AG", "investedIn", "Tanbei Motors Group") not in found  # its parent, unnamed


def test_each_post_of_a_chain_after_a_name_is_held_in_the_body_it_names():
    found = facts(
        draft_of(
            "Officials attending include Zhou Qiming (周启明), Member of the Tanxi Municipal Party Committee, Director "
            "of the Tanxi Municipal Commerce Bureau and Chairman of Lanbei Holdings, Lin Haoran, deputy secretary of "
            "the Hexi Municipal Party Committee, and Mei Lanting."
        )
    )
    assert ("Zhou Qiming", "holdsPostIn", "Tanxi Municipal Commerce Bureau") in found
    assert ("Zhou Qiming", "holdsPostIn", "Lanbei Holdings") in found
    assert ("Zhou Qiming", "holdsPostIn", "Hexi Municipal Party Committee") not in found  # the next name's post
