"""Word lists the rules classify names with: head words, posts, verbs. Generic English only, never a name.

A head is the last word (or words) of a name that says what kind of thing it names: "... Research
Institute" is a research institute whatever precedes it. Keeping the lists here, in one table each,
makes the rules readable and lets a test check that no entity name from the data slipped in.
"""

from __future__ import annotations

# Organisation heads (capitalised in names) and the class they suggest; government bodies are decided later
# from the rest of the name (a region, "People's", "Provincial"...).
ORG_HEADS: dict[str, str] = {
    "Research Institute": "ResearchInstitute",
    "Institute": "ResearchInstitute",
    "Academy": "ResearchInstitute",
    "Laboratory": "ResearchInstitute",
    "Lab": "ResearchInstitute",
    "Labs": "ResearchInstitute",
    "Think Tank": "ResearchInstitute",
    "College": "College",
    "University": "College",
    "School": "College",
    "Commission": "GovernmentBody",
    "Department": "GovernmentBody",
    "Ministry": "GovernmentBody",
    "Bureau": "GovernmentBody",
    "Office": "GovernmentBody",
    "General Office": "GovernmentBody",
    "Administration": "GovernmentBody",
    "Government": "GovernmentBody",
    "Committee": "GovernmentBody",
    "Council": "GovernmentBody",
    "Executive Meeting": "GovernmentBody",
    "Standing Committee": "GovernmentBody",
    "Group": "Company",
    "Company": "Company",
    "Corporation": "Company",
    "Corp": "Company",
    "Co": "Company",
    "Ltd": "Company",
    "Inc": "Company",
    "Holdings": "Company",
    "Bank": "Company",
    "Exchange": "Company",
    "Credit Union": "Company",
    "Union": "Organisation",
    "Fund": "Organisation",
    "Foundation": "Organisation",
    "Association": "Organisation",
    "Federation": "Organisation",
    "Society": "Organisation",
    "Chamber": "Organisation",
    "Center": "Organisation",
    "Centre": "Organisation",
    "Alliance": "IndustryAlliance",
    "Consortium": "IndustryAlliance",
    "Times": "MediaOutlet",
    "Daily": "MediaOutlet",
    "News": "MediaOutlet",
    "Herald": "MediaOutlet",
    "Post": "MediaOutlet",
    "Journal": "MediaOutlet",
    "Weekly": "MediaOutlet",
    "Branch": "Branch",
    "Sub-branch": "Branch",
    "Central Sub-branch": "Branch",
    "Headquarters": "Branch",
}
# Lower-case words that end a branch's name after its parent's ("... Shanghai headquarters").
BRANCH_WORDS = ("headquarters", "branch", "sub-branch")
# Heads of the name of a part of an organisation: "X of the Y" makes X a sub-organisation of Y.
PART_HEADS = {"Office", "General Office", "Executive Meeting", "Standing Committee", "Department", "Bureau", "Branch"}
# Government cues in a name besides a region: these words make a Commission or an Office a government body.
GOVERNMENT_WORDS = {"People's", "Provincial", "Municipal", "State", "National", "Ministry", "Government", "District"}

REGION_HEADS: dict[str, str] = {
    "Province": "Province",
    "Municipality": "Municipality",
    "Autonomous Region": "AutonomousRegion",
    "City": "City",
    "County": "District",
    "District": "District",
    "New Area": "SpecialEconomicZone",
    "New District": "SpecialEconomicZone",
    "Pilot Free Trade Zone": "FreeTradeZone",
    "Free Trade Zone": "FreeTradeZone",
    "Free Trade Port": "FreeTradeZone",
    "Area": "SpecialEconomicZone",
    "Economic Zone": "SpecialEconomicZone",
    "Development Zone": "SpecialEconomicZone",
    "High-tech Zone": "SpecialEconomicZone",
    "Zone": "SpecialEconomicZone",
    "River Delta": "MacroRegion",
    "Delta": "MacroRegion",
    "Bay Area": "MacroRegion",
    "Economic Belt": "MacroRegion",
    "Economic Circle": "MacroRegion",
    "Economic Rim": "MacroRegion",
}
# Region heads that name a zone: two zone names with the same core ("X Free Trade Zone", "X New Area") are one zone.
ZONE_CLASSES = {"FreeTradeZone", "SpecialEconomicZone"}
# Classes that need an ISO 3166 code in kg's shapes; an unknown place with such a head becomes a plain Region.
CODED_CLASSES = {"Province", "Municipality", "AutonomousRegion", "Country"}

POLICY_HEADS: dict[str, str] = {
    "Action Plan": "ActionPlan",
    "Plan": "ActionPlan",
    "Guidelines": "Guidelines",
    "Guideline": "Guidelines",
    "Guiding Opinions": "Opinions",
    "Opinions": "Opinions",
    "Opinion": "Opinions",
    "Measures": "Measures",
    "Projects": "ProjectList",
    "Project": "ProjectList",
    "Project List": "ProjectList",
    "List": "ProjectList",
    "Catalogue": "ProjectList",
    "Notice": "Policy",
    "Regulations": "Policy",
    "Rules": "Policy",
    "Provisions": "Policy",
    "Programme": "Policy",
    "Program": "Policy",
    "Scheme": "Policy",
    "Strategy": "Policy",
    "Outline": "Policy",
    "Policy": "Policy",
    "Policies": "Policy",
    "Law": "Policy",
}

EVENT_HEADS: dict[str, str] = {
    "Press Conference": "PressConference",
    "Conference": "Meeting",
    "Forum": "Meeting",
    "Summit": "Meeting",
    "Symposium": "Meeting",
    "Expo": "Meeting",
    "Meeting": "Meeting",
    "Fair": "Meeting",
}
# Lower-case nouns of unnamed events ("the 61st ... work conference held by ...").
EVENT_NOUNS = {"conference": "Meeting", "meeting": "Meeting", "forum": "Meeting", "symposium": "Meeting"}
# Lower-case nouns of unnamed organisations someone establishes ("established a blockchain industry alliance").
ORG_NOUNS = {
    "alliance": "IndustryAlliance",
    "institute": "ResearchInstitute",
    "research institute": "ResearchInstitute",
    "laboratory": "ResearchInstitute",
    "lab": "ResearchInstitute",
    "fund": "Organisation",
    "association": "Organisation",
}
# Definite descriptions that point back to the last entity of a kind ("the institute", "the group").
BACK_REFERENCES: dict[str, tuple[str, ...]] = {
    "institute": ("Institute", "Research Institute", "Academy", "Lab", "Laboratory"),
    "group": ("Group",),
    "company": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc"),
    "bank": ("Bank",),
    "fund": ("Fund",),
    "alliance": ("Alliance",),
    "university": ("University", "College"),
    "college": ("College",),
    "commission": ("Commission",),
    "bureau": ("Bureau",),
    "department": ("Department",),
    "forum": ("Forum",),
    "conference": ("Conference", "press conference", "conference"),
    "press conference": ("press conference", "Press Conference"),
    "meeting": ("Meeting", "meeting", "conference"),
    "plan": ("Plan", "Action Plan"),
    "opinions": ("Opinions", "Guiding Opinions"),
    "measures": ("Measures", "measures"),
    "guidelines": ("Guidelines",),
    "projects": ("Projects", "Project"),
    "project": ("Projects", "Project"),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """Comma-separated phrases, longest first so that "deputy director" wins over "director"."""
    return tuple(sorted((p.strip() for p in text.split(",") if p.strip()), key=lambda p: (-len(p), p)))


# Words that start a capitalised run at the beginning of a sentence without being part of a name.
STOP_WORDS = _words(
    """a an the on in at by for from with since after before during under among this that these those it its
    their our we he she they his her according as and or but if when while although though because so to
    regarding compared unlike both each every all some many dozens most more of what whoever how why who there
    here not no yes one two three however meanwhile moreover furthermore besides earlier later last next first
    second third also even just only still yet then now today money policies author source different any
    attracting speeding focus provide get is was will can may must should would could do does did be been being
    has have had mr ms mrs dr new upon via per towards toward into coincidentally previously recently currently
    finally overall instead thus hence therefore indeed"""
)
# Lower-case words allowed inside a capitalised name between capitalised words.
CONNECTORS = _words("of and for & the on")

# Posts people hold, as appositions write them ("X, deputy director of Y").
POSTS = _phrases(
    """head, founder, co-founder, director, deputy director, director-general, deputy director-general, chairman,
    chairwoman, vice chairman, president, vice president, honorary president, secretary, party secretary,
    secretary-general, general manager, deputy general manager, manager, ceo, cto, coo, cfo, chief executive,
    chief scientist, chief economist, chief analyst, dean, vice dean, professor, associate professor, researcher,
    senior researcher, research fellow, analyst, senior analyst, economist, senior economist, expert,
    spokesperson, spokesman, spokeswoman, partner, mayor, vice mayor, deputy mayor, governor, vice governor,
    minister, vice minister, deputy, official, member, principal, leader, executive, officer, engineer, scientist"""
)
SPEECH_VERBS = _phrases(
    """said, says, pointed out, points out, emphasized, emphasised, stressed, noted, added, told, admitted,
    explained, stated, remarked, revealed, believes, believed, argued, warned, commented, acknowledged, insisted,
    observed, suggested"""
)
SPEECH_ADVERBS = _words("also further then once later again recently frankly has had")
PERSON_STOP = _words(
    """It He She They We This That There Who Which Everyone Nobody Experts Officials Insiders Analysts Reporters
    Sources People The A An In On At"""
)
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100,
}  # fmt: skip
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# An ordinal written in digits ("61st", "3rd"): the session number of a recurring event.
ORDINAL = r"\d+(?:st|nd|rd|th)"
# Heads that are a company's legal form, abbreviated with full stops in English ("Co., Ltd.", "Inc.").
LEGAL_FORMS = {"Co", "Ltd", "Inc", "Corp"}
