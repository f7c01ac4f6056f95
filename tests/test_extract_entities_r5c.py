"""kg extract, round 5 (third pass) of issue 18: dates of sayings the attribution places at a briefing told once,
and attributions that close with a long apposition or "late yesterday"; invented sentences with fictional names."""

from __future__ import annotations

from tests.test_extract_news import draft_of


def quote_dates(draft) -> dict[str, str]:
    return {st.subject.label: st.date for st in draft.statements if st.predicate == "quotedIn"}


def test_a_saying_at_a_briefing_with_no_date_gets_the_day_of_the_saying_the_article_dates():
    draft = draft_of(
        "The Fanrui industry ministry said Wednesday it will open the Beishan chip fund to foreign firms.\n\n"
        "“We welcome partners from abroad,” ministry spokesman Zhou Qi said at a press conference in Qiaoling.\n\n"
        "The market will grow, Lin Haoran, a member of the Fanrui Trade Council, said at the opening ceremony "
        "of the Beishan Harbour Summit.\n\n"
        "“Costs will fall,” said Wei Lantao, an engineer at Qiaoling Lantern Co.",
        date="2021-05-07",
    )
    dates = quote_dates(draft)
    assert dates.get("Zhou Qi") == "2021-05-05"
    assert dates.get("Lin Haoran") == "2021-05-05"
    assert dates.get("Wei Lantao") == ""  # no briefing named: the lead's day is not carried


def test_a_saying_is_dated_late_yesterday_and_after_a_long_closing_apposition():
    draft = draft_of(
        "Qiaoling Lantern Co will set up a joint venture, its Beishan-based parent Fanrui Lantern Group said late "
        "yesterday.\n\n"
        "The harbour will improve its services, said Zhou Qi, an official with the Fanrui National Commission for "
        "Harbour Development and Reform during a briefing on Friday.",
        date="2021-05-04",
    )
    dates = quote_dates(draft)
    assert dates.get("Zhou Qi") == "2021-04-30"
    assert dates.get("Fanrui Lantern Group") == "2021-05-03"


def test_a_saying_while_delivering_a_report_at_the_session_the_lead_dates():
    draft = draft_of(
        "QIAOLING, May 3 (Beiwang) -- Qiaoling will widen its harbour, according to the annual session of the "
        "municipal people's congress on Friday.\n\n"
        "The harbour will serve the whole coast, said Lin Haoran, mayor of Qiaoling, while delivering the "
        "government work report at the session.",
        date="2021-05-03",
    )
    assert quote_dates(draft).get("Lin Haoran") == "2021-04-30"


def test_inner_mongolia_is_the_autonomous_region_iso_calls_nei_mongol_and_mongolia_stays_a_country():
    draft = draft_of(
        "Qiaoling Lantern Co opened a plant in Inner Mongolia, China. The Inner Mongolia Autonomous Region "
        "welcomed it. Fanrui firms also sell to Mongolia."
    )
    regions = {e.label: e for e in draft.entities if e.cls in ("AutonomousRegion", "Region", "Country")}
    inner = [e for e in regions.values() if e.label.startswith("Inner Mongolia")]
    assert len(inner) == 1  # one entity, the short name an alias
    assert inner[0].cls == "AutonomousRegion"
    assert regions["Mongolia"].cls == "Country"


def test_two_unnamed_funds_told_apart_by_their_sizes_stay_two_entities():
    draft = draft_of(
        "Qiaoling set up a 20 billion yuan fund for chips in May. Beishan set up a 5 billion yuan fund for robots "
        "in June."
    )
    funds = sorted(e.label for e in draft.entities if e.cls == "Fund")
    assert funds == ["20 billion yuan fund", "5 billion yuan fund"]


def test_a_company_first_word_told_with_a_possessive_is_the_company():
    draft = draft_of(
        "Lantrix Technology Co opened a plant in Qiaoling. Lantrix's headquarters sit in the harbour district. "
        "Founded in 2014, it makes lamps."
    )
    companies = [e for e in draft.entities if e.cls == "Company"]
    assert [(e.label, e.aliases) for e in companies] == [("Lantrix Technology Co", ["Lantrix"])]
