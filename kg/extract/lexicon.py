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
    "University": "University",
    "School": "College",
    "Commission": "GovernmentBody",
    "Department": "GovernmentBody",
    "Ministry": "Ministry",
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
    "AG": "Company",
    "GmbH": "Company",
    "Plc": "Company",
    "PLC": "Company",
    "LLC": "Company",
    "Holdings": "Company",
    "Bank": "Company",
    "Exchange": "Organisation",  # a stock or data exchange: a market's operator, not a firm the annotators class
    "Credit Union": "Company",
    "Union": "Organisation",
    "Fund": "Fund",
    "Investment Fund": "Fund",
    "Party Committee": "PartyCommittee",
    "Agency": "GovernmentBody",
    "Authority": "GovernmentBody",
    "Congress": "GovernmentBody",
    "People's Congress": "GovernmentBody",
    "Working Committee": "PartyCommittee",
    "Administrative Committee": "GovernmentBody",
    "Management Committee": "GovernmentBody",
    "Managing Committee": "GovernmentBody",
    "Research Center": "ResearchInstitute",
    "Research Centre": "ResearchInstitute",
    "News Agency": "MediaOutlet",
    "Press": "MediaOutlet",
    "Television": "MediaOutlet",
    "TV": "MediaOutlet",
    "Radio": "MediaOutlet",
    "Foundation": "Organisation",
    "Association": "IndustryAlliance",
    "Federation": "IndustryAlliance",
    "Society": "Organisation",
    "Chamber": "IndustryAlliance",
    "Chamber of Commerce": "IndustryAlliance",
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
PART_HEADS = {
    "Office",
    "General Office",
    "Executive Meeting",
    "Standing Committee",
    "Working Committee",
    "Department",
    "Bureau",
    "Branch",
}
# Government cues in a name besides a region: these words make a Commission or an Office a government body.
GOVERNMENT_WORDS = {"People's", "Provincial", "Municipal", "State", "National", "Ministry", "Government", "District"}

# Heads that name a thing only where a capitalised run ends ("Xyz Port", never "Xyz Port Area" or "Xyz Port Group")
END_ONLY_HEADS = frozenset({"Port"})
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
    "Port": "Region",  # "Xyz Port": the place ships call at ("Xyz Port Group" is the company that runs it)
    "Area": "SpecialEconomicZone",
    "Economic Zone": "SpecialEconomicZone",
    "Development Zone": "SpecialEconomicZone",
    "High-tech Zone": "IndustrialPark",
    "Hi-tech Zone": "IndustrialPark",
    "High-Tech Zone": "IndustrialPark",
    "Zone": "SpecialEconomicZone",
    "Industrial Park": "IndustrialPark",
    "High-tech District": "IndustrialPark",
    "Hi-tech District": "IndustrialPark",
    "High-Tech District": "IndustrialPark",
    "Science Park": "IndustrialPark",
    "Technology Park": "IndustrialPark",
    "Software Park": "IndustrialPark",
    "Industrial Zone": "IndustrialPark",
    "Park": "IndustrialPark",
    "River Delta": "MacroRegion",
    "Delta": "MacroRegion",
    "Bay Area": "MacroRegion",
    "Economic Belt": "MacroRegion",
    "Economic Circle": "MacroRegion",
    "Economic Rim": "MacroRegion",
}
# Region heads that name a zone: two zone names with the same core ("X Free Trade Zone", "X New Area") are one zone.
ZONE_CLASSES = {"FreeTradeZone", "SpecialEconomicZone", "IndustrialPark"}
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
    "Initiative": "Policy",
}

EVENT_HEADS: dict[str, str] = {
    "Press Conference": "PressConference",
    "Conference": "Event",  # a conference, an expo or a fair open to the public is an event, not a body's meeting
    "Forum": "Meeting",
    "Summit": "Meeting",
    "Symposium": "Meeting",
    "Expo": "Event",
    "Meeting": "Meeting",
    "Fair": "Event",
    "Festival": "Event",
    "Seminar": "Meeting",
    "Asian Games": "Event",
    "Olympic Games": "Event",
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
    "company": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc", "Corp", "Holdings"),
    "firm": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc", "Corp", "Holdings"),
    "giant": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc", "Corp", "Holdings"),
    "carmaker": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc", "Corp", "Motors"),
    "automaker": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc", "Corp", "Motors"),
    "chipmaker": ("Group", "Company", "Corporation", "Co", "Ltd", "Inc", "Corp"),
    "startup": ("Company", "Co", "Ltd", "Inc"),
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
    "municipal government": ("municipal government", "Municipal Government", "Municipal People's Government"),
    "provincial government": ("provincial government", "Provincial Government", "Provincial People's Government"),
    "city government": ("city government", "municipal government", "Municipal Government"),
    "county government": ("county government", "County Government"),
    "district government": ("district government", "District Government"),
    "municipal party committee": ("municipal party committee", "Municipal Party Committee"),
    "provincial party committee": ("provincial party committee", "Provincial Party Committee"),
    "managing committee": ("managing committee", "management committee", "Management Committee"),
    "management committee": ("managing committee", "management committee", "Management Committee"),
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def word_set(text: str) -> frozenset[str]:
    """The words of a text block, for word lists written as prose."""
    return _words(text)


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
    minister, vice minister, deputy, official, member, principal, leader, executive, officer, engineer, scientist,
    party chief, general-secretary, deputy general-secretary, secretary general, vice-president, vice-chairman,
    vice-governor, vice-mayor, vice-minister, vice-chairwoman, chairperson"""
)
SPEECH_VERBS = _phrases(
    """said, says, pointed out, points out, emphasized, emphasised, stressed, noted, added, told, admitted,
    explained, stated, remarked, revealed, believes, believed, argued, warned, commented, acknowledged, insisted,
    observed, suggested, according to, urged, thanked, announced, called for, called on, expressed, highlighted,
    underscored, underlined, disclosed, confirmed, predicted, vowed, replied, responded, indicated"""
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
LEGAL_FORMS = {"Co", "Ltd", "Inc", "Corp", "AG", "GmbH", "Plc", "PLC", "LLC"}

# Last words of a company's name that are not legal forms ("... Energy", "... Telecom"): a head only at the end of a
# capitalised run, since inside one they name an industry ("... Energy Bureau", "... Hydrogen Energy Plan").
COMPANY_TAILS = _words(
    """Energy Power Gas Oil Petroleum Petrochemical Chemical Chemicals Steel Motors Motor Auto Automobile Automotive
    Technology Technologies Tech Telecom Telecommunications Mobile Unicom Networks Electronics Electric Pharma
    Pharmaceutical Pharmaceuticals Capital Securities Insurance Airlines Airways Logistics Shipping Semiconductor
    Semiconductors Software Systems Solutions Entertainment Foods Properties Resources Mining Materials Industries
    Ventures Robotics Biotech Biotechnology Microelectronics Optoelectronics Photonics Battery Batteries Solar
    Wind Nuclear Railway Railways Construction Engineering Trading Textiles Airport Port
    Cement Glass Paper Machinery Equipment Instruments Devices Digital Cloud Semicon Aerospace Aviation Investment
    Investments Motors Taxi Transport Wafer Chips Microelectronics Consulting Consultancy Advisory"""
)
# Posts written before a name as a title ("Mayor Lin Haoran", "Vice-Governor ...", "Party secretary ...").
TITLES = _phrases(
    """Mayor, Vice Mayor, Vice-Mayor, Deputy Mayor, Governor, Vice Governor, Vice-Governor, Deputy Governor,
    President, Vice President, Vice-President, Premier, Vice Premier, Vice-Premier, Chairman, Chairwoman,
    Vice Chairman, Vice-Chairman, Minister, Vice Minister, Vice-Minister, Deputy Minister, Director,
    Deputy Director, Professor, Prof, Dr, Secretary, Party Secretary, Party secretary, Secretary-General,
    Ambassador, Consul General, Commissioner, General Manager, CEO, Chief Executive, Chairperson, Dean,
    Academician, Senator, Chancellor, Judge, Spokesperson, Spokesman, Spokeswoman, Party Chief, Party chief"""
)
# Honorifics before a surname ("Mr Lin", "Ms. Zhou").
HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Madam", "Dr", "Prof", "Professor")
# Days and months, which a capitalised run or a slot must never take for a name ("the Bureau on September").
CALENDAR_WORDS = _words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"""
)
# Capitalised words that name no one thing on their own ("Chairman of the Board").
GENERIC_ORG_WORDS = _words(
    """Board Company Group Government Committee Council State Party Bureau Ministry Department Office Commission
    Administration Center Centre Institute University College School Bank Fund Association Union"""
)
# Lower-case nouns of government bodies written as phrases ("the Xyz municipal government", "... party committee").
GOV_NOUNS = {
    "people's government": "GovernmentBody",
    "government": "GovernmentBody",
    "party committee": "PartyCommittee",
    "Party committee": "PartyCommittee",
    "committee of the Communist Party": "PartyCommittee",
    "CPC committee": "PartyCommittee",
    "people's congress": "GovernmentBody",
    "management committee": "GovernmentBody",
    "managing committee": "GovernmentBody",
    "administrative committee": "GovernmentBody",
    "commission": "GovernmentBody",
    "bureau": "GovernmentBody",
    "department": "GovernmentBody",
    "administration": "GovernmentBody",
    "office": "GovernmentBody",
}
# Levels of government in such phrases, and the region class each implies for the place before it.
GOV_LEVELS = {
    "municipal": "City",
    "city": "City",
    "provincial": "Province",
    "county": "District",
    "district": "District",
    "regional": "Region",
    "prefectural": "City",
    "town": "District",
    "township": "District",
    "new area": "SpecialEconomicZone",
    "zone": "SpecialEconomicZone",
}
# Lower-case region heads after a capitalised name ("Xyz county", "Xyz new area").
LOWER_REGION_HEADS = {
    "county": "District",
    "district": "District",
    "new area": "SpecialEconomicZone",
    "new district": "SpecialEconomicZone",
    "city": "City",
    "prefecture": "City",
    "county-level city": "District",
    "industrial park": "IndustrialPark",
    "high-tech zone": "IndustrialPark",
    "hi-tech zone": "IndustrialPark",
    "economic and technological development zone": "SpecialEconomicZone",
    "development zone": "SpecialEconomicZone",
    "free trade zone": "FreeTradeZone",
    "pilot free trade zone": "FreeTradeZone",
}
# Upper-case words of three letters or more that are not organisations' names: units, technologies, currencies,
# terms (two-letter ones are never taken for names).
NOT_ACRONYMS = _words(
    """EVs ICs USA GDP CEO CFO CTO COO IPO IPOs R&D IoT VCs NEV NEVs SOE SOEs RMB CNY USD HKD EUR GMT UTC DNA RNA
    LED LCD OLED CPU GPU SSD API APP APPs PCs LNG LPG CO2 SAR PRC FDI M&A B2B B2C O2O P2P NFT NFTs DLT ESG KPI
    ICT ICO ICOs BRI FTZ FTP SEZ III VII VIII XII JVs KWH MWH GWH SME SMEs MaaS SaaS PaaS IaaS LEI CBD EMS BEV
    PHEV FCEV OEM OEMs ODM EPC PPP CAGR YoY MoU MOU CPI PMI ETF ETFs"""
)
# Nouns of companies in an apposition ("X, a state-owned power company, ...").
COMPANY_NOUNS = _words(
    """company firm group operator platform maker manufacturer developer producer carrier provider bank insurer
    startup start-up giant conglomerate enterprise retailer supplier lender brokerage automaker carmaker
    chipmaker miner shipper airline"""
)
