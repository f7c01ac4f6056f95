"""Draft entities -> draft statements, by patterns of translated policy news.

Each rule is a verb or phrase pattern with slots ("<agent> issued <policy>", "<X>, jointly established by
<A>, <B> and <C>", "<person>, <post> of <organisation>") filled with the mentions found around it. A rule
never invents a name: its slots are filled only by mentions the text contains, and every statement carries
the sentence that supports it as evidence, the rule's name and a confidence.
"""

from __future__ import annotations

import bisect
import itertools
import re
from decimal import Decimal

from kg.extract import lexicon as lx
from kg.extract import when
from kg.extract.document import Document, Sentence
from kg.extract.entities import branch_parent, government_key, norm
from kg.extract.mentions import APPOSITION, JOINTLY, POST_BEFORE_NAME, list_items
from kg.extract.mentions import POST_OF_NAMED as POST_OF_NAMED_RE
from kg.extract.model import DraftEntity, DraftStatement, Mention
from kg.extract.spans import SpanIndex

_POSTS = "|".join(re.escape(p) for p in lx.POSTS)
# Posts as news writes them beyond the lexicon's: hyphenated ranks ("deputy-governor"), market titles ("strategist")
_POST_WORDS = (
    rf"(?:(?:deputy|vice|executive|acting|first|standing)[- ])?(?:{_POSTS}|strategist|chief strategist|commissioner|"
    r"adviser|advisor|chief editor|editor-in-chief)"
)
# (a sentence may open with "According to X, ...")
_SPEECH = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in lx.SPEECH_VERBS) + r"|According to)\b")
ISSUE = re.compile(
    r"\b(?:issued|released|announced|introduced|published|unveiled|launched|rolled out|printed and distributed|"
    r"promulgated|formulated)\b"
)
# between the verb and the policy's name: "issued on Monday, “", "published a strategy, called “"
ISSUED_GAP = r"^[^.;,“”\"]{0,40}?(?:, (?:dubbed|called|named|titled|entitled|known as)(?: the)?)? ?[“\"]?$"
APPROVE = re.compile(r"\b(?:reviewed and approved|deliberated and adopted|approved|adopted|passed)\b")
PASSIVE_BY = re.compile(
    r"\b(?:launched|issued|released|proposed|introduced|promoted|formulated|unveiled|published|announced|"
    r"rolled out) by (?:the )?"
)
PASSIVE_DAY = re.compile(r" (?:on|in) (?:[A-Z][a-z]+ \d|\d{1,2} [A-Z]|[A-Z][a-z]+day\b)")
# "said at the <event>", "speaking at", "told the <event>", "in a keynote (speech) at", "addressed the <event>"
SPEAKS_AT = re.compile(
    r"\b(?:[Aa]t|told|addressed|addressing|(?:keynote|speech|address|remarks) (?:speech )?(?:at|to)) (?:the )?"
)
ALSO_SAID = re.compile(r"\balso (?:said|noted|pointed out|stressed|added|stated|told)\b")
AT_THE_EVENT = re.compile(
    r"(?:event|summit|forum|conference|meeting|ceremony|session|symposium|seminar|expo|exhibition|fair)\b"
)
EVENT_OPENED = re.compile(
    r",? (?:which|that) (?:opened|opens|kicked off|kicks off|started|starts|began|begins|will open|will kick off|"
    r"(?:was|were|is|are|will be) (?:held|opened|launched))\b"
)
WAS_ISSUED = re.compile(
    r"\b(?:was|were|has been|have been|had been) (?:officially |formally |jointly )?(?:unveiled|released|issued|"
    r"published|announced|promulgated|rolled out)\b"
)
HELD_BY = re.compile(r"\b(?:held|hosted|organi[sz]ed|convened|sponsored) by (?:the )?")
HOLD_EVENT = re.compile(r"\b(?:held|hosted|convened|organi[sz]ed) (?:a|an|the) ")
ABOUT = re.compile(r" (?:to interpret|on|about|introducing|to introduce|to explain) (?:the )?[“\"]?")
FOUND = re.compile(
    r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!jointly )(?<!newly )\b(?:established|founded|set up|built|created) "
)
FOUNDED_BY = re.compile(
    r"(?<!jointly )\b(?:founded|established|set up|created|started)"
    r"(?: in (?:(?P<year>\d{4})|[A-Z][\w-]*(?: [A-Z][\w-]*){0,2})){0,2} by (?:the )?"
)
# "X, a state holding company directly under the Y government", "X, which is ... under state-owned Y"
DESCRIBED_UNDER = re.compile(
    r"^,? (?:(?:a|an|the) |which is (?:a |an |the )?)[^,;()“”\"]{0,70}? (?:directly |wholly )?(?:under|affiliated (?:to|with)|"
    r"attached to) (?:the )?(?:state-owned |state-run )?$"
)
# "Y, the parent company of X" / "X's parent company Y"
PARENT_OF = re.compile(r"^,? (?:the |its )?parent (?:company|group|firm|corporation) of (?:the )?$")
PARENT_POSSESSIVE = re.compile(r"^[’']s? (?:[A-Z][\w-]*-based )?parent (?:company|group|firm|corporation),? (?:the )?$")
# a month written out, as the founding patterns take it (when.py's month words add abbreviations)
MONTH_NAME = "January|February|March|April|May|June|July|August|September|October|November|December"
# "<X> was set up in 2014", "<X>, founded in 2009, ...": the year an organisation began
FOUNDED_YEAR = re.compile(
    # "was set up in 2014", ", founded in 2009", "an organisation founded in July 2017", "which the state launched in 2014"
    r"(?<!jointly )(?<![\w-])(?:[Ff]ounded|[Ee]stablished|[Ss]et up|[Cc]reated|[Ll]aunched|[Ii]ncorporated) in "
    r"(?:(?P<month>" + MONTH_NAME + r") )?"
    r"(?P<year>\d{4})\b(?! by)"
)
FOUNDED_OBJECT = re.compile(r"\b(?:created|set up|established|launched|founded) (?:a |an |its |their |the )?")
FOUNDED_OBJECT_YEAR = re.compile(
    r" in (?:(?P<month>" + MONTH_NAME + r") )?"
    r"(?P<year>(?:19|20)\d\d)\b"
)
# "since its establishment in May 2016": the founding of what the sentence is about
ITS_FOUNDING = re.compile(
    r"\b[Ii]ts (?:establishment|founding|inception|creation|launch) in "
    r"(?:(?P<month>" + MONTH_NAME + r") )?"
    r"(?P<year>(?:19|20)\d\d)\b"
)
NEWLY_FOUNDED = re.compile(r"\b(?:the |a |its )?newly (?:founded|established|set up|launched|created|opened) (?:the )?")
# "Xyz-based Abc Group": Abc is headquartered in Xyz
BASED = re.compile(r"(?<![\w-])(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?)-based (?=[A-Z])")
# the full stop of a legal form ("Xyz Co. Ltd., Abc Corp.") does not end a list of companies
_LEGAL_STOP = r"(?:(?<=\bCo)|(?<=\bLtd)|(?<=\bInc)|(?<=\bCorp))\.(?= ?(?:Ltd\b|[(（]|,|and\b))"
RUN_BY = re.compile(r"(?<![\w-])(?P<owner>[A-Z][\w&]*(?: [A-Z][\w&]*)?)-(?:run|operated|managed|owned) (?=[A-Z])")
# "<Region> hosts / is home to ..., including A, B and C": each is located there
HOSTS = re.compile(
    r"\b(?:hosts|is home to|houses|has attracted|gathers|is the base of)\b[^.;]*?\bincluding "
    r"(?P<list>(?:[^.;:]|" + _LEGAL_STOP + r"){3,400})"
)
# "<Region> has attracted some 50 firms such as A and B", "... had built up a cluster of 30 makers including A, B
# and C", "<Region> has nurtured textile companies like A": each is located there
GATHERED_SUCH = re.compile(
    r"\b(?:has|have|had) (?:(?:already|now|also|so far|been) )*(?:gathered|owned|attracted|developed|brought together|"
    r"nurtured|fostered|cultivated|built up)\b(?:[^.;:]|(?<=\d)[.,](?=\d)){0,120}?\b(?:companies|enterprises|firms|"
    r"industries|manufacturers|makers|players|giants|businesses|brands)(?: [a-z]+){0,2}?,? (?:such as|including|like) "
    r"(?:the )?(?P<list>(?:[^.;:]|" + _LEGAL_STOP + r"){3,300})"
)
# "<Region> houses the plants of A and B": each is located there
HOSTS_OF = re.compile(
    r"\b(?:hosts|is home to|houses|housed|hosted)(?: the)? (?:[a-z-]+ ){0,2}(?:factories|plants|headquarters|offices|"
    r"bases|facilities|operations|campuses) of (?:[a-z-]+ ){0,4}?(?P<list>(?:[^.;:]|" + _LEGAL_STOP + r"){3,300})"
)
# "firms settling in <Region>, including A, B and C": each is located there
SETTLED_INCLUDING = re.compile(
    r"\b(?:settling|settled|settle|located|based|set up shop|clustered|gathered|operating|headquartered|moving|moved)"
    r" (?:in|at|to) (?:the )?"
)
# "A and B have jointly built ...": partners in what they did together. A plan ("will jointly build") is not yet a
# partnership, as the curated files have it (an announced plan is no quote either)
JOINTLY_DO = re.compile(
    r",? (?:(?:have|has|had|also|then|already) )*(?:jointly|together) "
    r"(?!(?:established|founded|set up|funded|owned|run|issued|released) by\b)"
    r"(?!(?:issued|released|published|printed|formulated|announced|unveiled|promulgated|held|hosted)\b)"
    r"(?:[a-z]+ed|built|set up|made|won|undertook|ran|began|begun|launched)\b"
)
# "The city hosts ...": a place described by its kind, as the subject right before a verb
PLACE_NOUNS = {
    "city": ("City", "Municipality"),
    "province": ("Province", "AutonomousRegion"),
    "district": ("District",),
    "county": ("District",),
    "municipality": ("Municipality",),
}
PLACE_OPENING = re.compile(r"[Tt]he (?P<noun>city|province|district|county|municipality) (?:in|of) ")
PLACE_DESCRIBED = re.compile(r"\b[Tt]he (?P<noun>city|province|district|county|municipality)(?: (?:also|now))? $")
# "<person>, who is chairman of the board": a post in the organisation the sentence is about
WHO_IS_POST = re.compile(
    rf",? who (?:is|was|serves as|served as|became) (?:(?:previously|formerly|once|also|now) )?(?:the |its |a |an )?"
    rf"(?P<post>(?:[A-Za-z-]+ )?(?:{_POSTS})(?: of the board)?)\b",
    re.I,
)
# "founder of Chinese EV start-up Xyz", "chairman of a trust company called Xyz": the organisation after a description
POST_ORG_DESCRIBED = (
    r"^ (?:of|at|with) (?:the |a |an )?(?:[A-Za-z-]+ ){0,4}?(?:start-?up|company|firm|maker|carmaker|automaker|"
    r"chipmaker|developer|giant|operator|platform|bank|lender|fund|group|provider|manufacturer|insurer|unicorn)"
    r"(?: (?:called|named))? (?:the )?$"
)
SUBSIDIARY_OF = re.compile(
    r"\b(?:is |was |as )?(?:a|an|the) (?:wholly[- ]owned |[a-z]+ )?(?:subsidiary|affiliate|unit|arm|division) of (?:the )?"
)
# "Xyz's banking unit Abc": Abc is Xyz's
POSSESSIVE_UNIT_BEFORE = re.compile(r"^[’']s? (?:[a-z-]+ ){0,3}(?:subsidiary|affiliate|unit|arm|division),? (?:the )?$")
# "<Organisation>'s chief executive Zhou Qi", "<Organisation> chief Zhou Qi": a title between a body and a name
ORG_TITLE_BEFORE_NAME = re.compile(rf"(?:[’']s?)? (?P<title>(?i:{_POST_WORDS}|chief)) $")
# "Zhou Qi (chairman, Xyz)": a post and its body in brackets after the name
BRACKET_POST = re.compile(rf" ?[(（](?P<title>(?i:{_POSTS}|chief))(?:,| of| at) (?:the )?")
# "X is Y's main fintech subsidiary", "X, Y's investment arm"
POSSESSIVE_SUBSIDIARY = re.compile(r"[’']s? (?:[a-z-]+ ){0,3}(?:subsidiary|affiliate|unit|arm|division|branch)\b")
# "X is helmed by Y", "X, led by Y": the person at the head of an organisation
HEADED_BY = re.compile(r"\b(?:helmed|led|headed|chaired|run) by (?:the )?")
WHO_HEADS = re.compile(
    r",? who (?:(?:once|previously|formerly|also|now) )?(?:heads|leads|chairs|runs|helms|founded|headed|led|chaired|ran)"
    r"(?: up)? (?:the )?"
)
# "the province's Party chief, X": a post in the place last named
REFERENT_POST = re.compile(
    r"\b[Tt]he (?P<ref>province|city|region|county|district|country|municipality)[’']s (?P<post>[A-Za-z -]{2,40}?), $"
)
# Posts in a company or fund: with no organisation named next to them, the one the sentence opens with
COMPANY_TITLES = (
    "ceo",
    "chief executive",
    "chairman",
    "chairwoman",
    "general manager",
    "president",
    "founder",
    "cto",
    "cfo",
)
# "Zhou Qi with Xyz's Committee": a person and where they work
PERSON_WITH = re.compile(r"(?<=[a-z]) with (?:the )?(?=[A-Z])")
HEAD_OF_STATE = ("president", "premier", "vice premier", "vice-premier", "vice president", "minister", "vice minister")
# what may stand between an organisation and the title before a name: a possessive, another title and "and"
OTHER_TITLE_BEFORE = rf"^(?:[’']s)?(?i: (?:{_POSTS})(?: and|,))? ?$"
PLACE_BEFORE_TITLE = re.compile(r"(?<![\w’'-])(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?) $")
# "head of Xyz-based Abc Group": a company described by where it is
PLACE_BASED_ORG = r"^ (?:of|at|with) (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)?-(?:based|listed|headquartered) $"
ITS_SUBSIDIARY = re.compile(r"\b[Ii]ts (?:wholly[- ]owned )?(?:subsidiary|affiliate),? ")
FOUNDED_IN = re.compile(r"^(?:Founded|Established|Set up) in (?P<year>\d{4}), ")
SUBSIDIARY = re.compile(
    r"\bset up (?:a|an) (?:separate |new |wholly[- ]owned )?(?:company|subsidiary|firm)(?: called| named)?, "
)
LOCATED = re.compile(
    r"\b(?P<verb>headquartered|registered|located|based|settled|opened|established|unveiled|set up|launched|debuted) "
    r"(?:in|at) (?:the )?"
)
SEAT_VERBS = ("headquartered", "registered", "located", "based")
# "X was debuted in Y on Thursday", "X was officially launched on May 3": X began on the sentence's day
FOUNDED_PASSIVE = re.compile(
    r"\b(?:was|were|has been|have been) (?:officially |formally )?(?:debuted|launched|established|set up|founded|"
    r"inaugurated|created)\b"
)
# "X, <Region>'s largest developer of industrial parks": X is there
REGION_APPOSITION = re.compile(r"^, (?:the )?$")
THERE = re.compile(r"\b(?P<verb>headquartered|located|based|registered) there\b")
PREDICATE_OF_VERB = {"headquartered": "headquarteredIn", "registered": "registeredIn"}
# "Based in Xyz, Abc ...": a participle opening the sentence
BASED_OPENING = re.compile(r"^(?:Based|Headquartered) in (?:the )?")
# "Xyz's headquarters are in Abc", "Abc is the home of Xyz's headquarters"
HEADQUARTERS_IN = re.compile(
    r"^[’']s? (?:global |new |main |corporate )?(?:head ?quarters|HQ)(?: (?:is|are|sits?|lies|lie|will be|was|were))?"
    r"(?: located)? (?:in|at|on the outskirts of) (?:the )?$"
)
HEADQUARTERS_LOCATION = re.compile(r"^ (?:is|was|will be|has been) (?:the )?(?:location|site|home) of (?:the )?$")
# "Communist Party Secretary of Abc Province Zhou Qi", "Director of the Xyz Bureau Zhou Qi": a capitalised post and
# its body written before a name, as a title (at a clause's start)
POST_OF_PLACE_NAME = re.compile(
    rf"(?:^|(?<=[,;:] )|(?<=\band ))(?=[A-Z])(?P<post>(?:[A-Z][a-z-]+ )?(?i:{_POSTS})) (?:of|at|for) (?:the )?"
)
PRE_NAME_POST = re.compile(rf"\b[Tt]he (?P<post>(?:[A-Za-z-]+ )?(?:{_POSTS})) of (?:the )?", re.I)
# "its capital Xyz", "the provincial capital Xyz", "the Abc province capital of Xyz"
CAPITAL = re.compile(
    r"\b(?:its|the provincial|the [A-Z][\w-]+(?: [Pp]rovince(?:[’']s)?| [Pp]rovincial)?) capital(?: city)?(?: of)? $"
    r"|^, the (?:provincial )?capital\b"
)
PART_OF_PHRASE = re.compile(
    r"^ (?:is|was|has become|will become) (?:the |an |a )?(?:core|core city|centre|center|important part|"
    r"part|hub|important city|member|heart|gateway)(?: city)? (?:of|in) (?:the )?$"
)
# "Xyz in Abc", "Xyz, a city in eastern Abc", "Xyz municipality in Abc province" (a head word the name left out)
IN_REGION = re.compile(
    r"^(?: (?:municipality|city|county|district|prefecture|town))?(?:, (?:a|an|the) [a-z -]{1,40}?| is located| is)?"
    r" in (?:the )?(?:[a-z-]+ )?(?:of )?$"
)
OF_REGION = re.compile(r"^ of (?:the )?$")
POSSESSIVE_REGION = re.compile(r"^[’']s (?:[a-z]+ ){0,2}(?:of )?$")
# "Xyz, the southernmost province of <country>" and "Xyz, <country>'s smallest province": an apposition that says
# what the place is part of
APPOSITION_OF = re.compile(
    r"^, (?:as )?(?:the|its|a|an) (?:[a-z]+,? (?:and )?){0,4}(?:province|prefecture|state|municipality|region|island|city|part) (?:of|in) (?:the )?$"
)
# "provinces and cities across the country", "the country's provinces": the text says whose provinces they are
SUBDIVISIONS_OF = re.compile(
    r"\b[Pp]rovinces (?:and (?:cities|regions|municipalities) )?(?:across|of|in|around|throughout) (?:the|this) country\b"
    r"|\bcountry[’']s (?:[a-z]+ ){0,2}provinces\b"
)
APPOSITION_POSSESSIVE = re.compile(
    r"^[’']s (?:[a-z]+,? (?:and )?){0,4}(?:province|prefecture|state|municipality|region|island|city)\b"
)
# How a place is located by what follows it: "Xyz, capital of", "Xyz, a port city in", "Xyz in the southeastern
# province of", "Xyz, located in", optionally before a compass word ("Xyz, in central <country>'s Abc province").
# `said` is set when the words themselves locate it (then the next place is the larger one, no possessive needed).
_COMPASS_WORD = r"(?:(?:[Nn]orth|[Ss]outh)(?:east|west)?(?:ern)?|[Ee]ast(?:ern)?|[Ww]est(?:ern)?|[Cc]entral)"
LOCATING = re.compile(
    r"^(?:,? (?P<said>(?:which is |that is |is )?(?:located|situated) in|(?:the )?capital(?: city)? of|"
    r"one of (?:the )?[a-z -]{1,40}? in|(?:(?:once|now|formerly) )?(?:a|an|the) (?:[a-z-]+ ){0,3}(?:city|county|"
    r"district|town|village|metropolis|hub|area|prefecture|municipality|province|region|port|island) (?:in|of)|in|of)|,) "
    r"(?:the )?"
    rf"(?:(?:{_COMPASS_WORD}|[a-z-]+) ){{0,3}}$"
)
# "Xyz, Abc's capital": the capital of the place before "'s"
POSSESSIVE_CAPITAL = re.compile(r"[’']s (?:provincial |regional )?capital(?: city)?\b")
# "A and B in the X and Y provinces respectively"
RESPECTIVE_IN = re.compile(rf" (?:in|of) (?:the )?(?:{_COMPASS_WORD} )?")
RESPECTIVE_TAIL = re.compile(
    r"(?: (?:provinces|states|prefectures|cities|regions|districts|counties|countries))?,? respectively\b"
)
# "the southern <Demonym> megacity of Xyz", "the northern <Demonym> island of Xyz"
DEMONYM_PLACE = re.compile(
    rf"\b(?:the|a|an) (?:{_COMPASS_WORD} )?(?P<demonym>[A-Z][a-z]+(?:ese|ean|ian|ish|an|i)) (?:[a-z-]+ )?"
    r"(?:city|megacity|metropolis|province|island|port|town|region|county|prefecture|municipality) of (?:the )?"
)
# ", a key city in the Def area" after the place that located Xyz: Xyz is there too
FURTHER_APPOSITION = re.compile(
    r"^(?: (?:[Pp]rovince|[Mm]unicipality))?, (?:a|an|the|one of the) (?:[a-z-]+ ){0,3}(?:city|cities|hub|member|"
    r"part|gateway|centre|center|core) (?:in|of) (?:the )?$"
)
# Sizes of places: a place is only put inside a larger kind
_RANKS = {
    "Country": 0,
    "MacroRegion": 1,
    "Province": 2,
    "AutonomousRegion": 2,
    "Municipality": 2,
    "City": 3,
    "District": 4,
    "FreeTradeZone": 4,
    "SpecialEconomicZone": 4,
    "IndustrialPark": 5,
}


def _rank(e: DraftEntity) -> int:
    return _RANKS.get(e.cls, 3)


PROJECTS = re.compile(r"\b(?:[Aa] total of )?(?P<n>\d[\d,]*) (?:key |investment |pilot )?projects\b")
BLOCKCHAIN_PROJECTS = re.compile(
    r"\bof which (?P<n>\d+) (?:are|were|is) (?:in the direction of |related to |for |in )?(?:the )?blockchain\b"
)
FOCUS_PROJECTS = re.compile(r"\bnumber of (?:investment |key )?projects (?:has |have )?reached (?P<n>\d+)")
INVESTMENT = re.compile(
    r"\btotal investment of (?:about |nearly |over |more than )?(?P<n>\d[\d,]*(?:\.\d+)?) ?"
    r"(?P<scale>thousand|million|billion|trillion)? ?yuan\b"
)
MEASURE_COUNT = re.compile(
    r"\b(?:put forward|puts forward|proposed|proposes|sets out|set out|contains|includes) (?P<n>\d+|"
    + "|".join(lx.NUMBER_WORDS)
    + r") (?:specific )?measures\b"
)


RELATIVE = re.compile(r", (?:which|who|that) |, jointly ")
# The first word of a document that issues another ("Notice of <body> on Issuing the <title>")
DOCUMENT_WORDS = ("notice", "circular", "decision", "reply", "letter")
# Events and acts that the date of their sentence dates: states (part of, located in, jurisdiction) are not dated.
DATED_PREDICATES = lx.word_set(
    """quotedIn investedIn partnerOf foundedBy coFoundedBy registeredIn issuedBy approvedBy fundedBy spokeAt
    organisedBy"""
)
DEMONYM_GOVERNMENT = re.compile(r"^[A-Z][a-z]+(?:ese|ean|ian|ish|an) (?:central |local )?government$")
# Descriptions of a company ("the company", "the carmaker")
# words that end a company's name without making it another organisation ("Xyz Group" is "Xyz")
NAME_TAIL_WORDS = lx.word_set(
    "group holdings holding co co. company corp corporation ltd limited inc plc ag sa se technology technologies "
    "tech international global china motors motor"
)
COMPANY_WORDS = ("company", "firm", "giant", "carmaker", "automaker", "chipmaker", "startup")
# How many names back a description ("the institute", "there") may point.
REFER_REACH = 100


def _inside_lists(lists: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    """Whether `position` lies in one of the sorted, disjoint spans (`starts`: their starts)."""
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and position < lists[i][1]


# "an agreement between A and B", "A and B signed an agreement": the two are partners
BETWEEN = re.compile(
    r"\b(?:agreement|deal|partnership|cooperation|ties|contract|memorandum|MoU|joint venture|alliance)s? between (?:the )?"
)
PAIR_SIGNED = re.compile(
    r"\b(?:signed|inked|reached|concluded|formed|set up|launched|established) (?:a |an |the )?(?:[\w-]+ ){0,4}?"
    r"(?:agreement|deal|partnership|joint venture|contract|memorandum|MoU|alliance)"
)
# "X attracted investment from A, B and C", "X raised funding from A": each invested in X
RECEIVED_FROM = re.compile(
    r"\b(?:attracted|received|raised|secured|drew|won|got|obtained) (?:[\w$.,%()-]+ ){0,6}?(?:investments?|funding|"
    r"capital|financing|backing|money|(?:yuan|dollars|euros|million|billion)\)?) from (?P<list>[^.;:]{3,300}?)"
    r"(?=[.;:]|, (?:according|said|says|which|who|the company|it said)\b|$)"
)
# "the three state-owned banks", "two carmakers": a counted group of organisations
_GROUP_NOUNS = (
    r"(?:enterprises|companies|firms|banks|groups|funds|institutions|investors|universities|corporations|operators|"
    r"carmakers|automakers|lenders|insurers|developers|chipmakers|manufacturers|makers|SOEs|conglomerates)"
)
GROUP = re.compile(
    r"\b(?P<count>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}) "
    rf"(?P<noun>(?:[a-z-]+ ){{0,2}}{_GROUP_NOUNS})\b"
)
# the group's members listed: "The three state-owned banks include A, B and C", "two banks, namely A and B"
GROUP_LIST = re.compile(
    r"^(?: (?:include|includes|included|are|were|comprise|comprising)| ?:|,? (?:namely|including|such as)) (?:the )?"
)
# "the three banks will invest": the group right before a verb
GROUP_BEFORE_VERB = re.compile(
    r"(?:[Tt]he|[Aa]ll|[Tt]hese|[Tt]hose) (?P<group>(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"\d{{1,2}}) (?:[a-z-]+ ){{0,2}}{_GROUP_NOUNS})(?: (?:will|would|also|have|has|had|are to|plan to|jointly))* $"
)
# "X injected 2 billion yuan", "X plans to contribute 3 billion yuan": money into the fund the text is about
PUT_IN_AMOUNT = re.compile(
    r"\b(?:injected|injects|contributed|contributes|contribute|chipped in|poured in|put in|subscribed|subscribes) "
    r"(?:about |nearly |over |more than |up to |approximately |around )?(?:US\$|\$|CNY|RMB|¥|€)? ?[\d.,]+ ?"
    r"(?:million|billion|trillion|bn|m)?\b"
)
NAMED_RECIPIENT = re.compile(r"[^.;,]{0,30}?\b(?:in|into|to|for) (?:the )?[A-Z]")
# "X became a shareholder with a 5 per cent stake", "with A and B as general partners"
MEMBER_INVESTOR = re.compile(
    r"\b(?:joined as|became|becomes|is|was|are|were|serving as|serve as|serves as|act as|acting as) "
    r"(?:a |an |the )?(?:new |largest |biggest |major |main |second-largest |key |other |anchor |cornerstone )?"
    r"(?:shareholders?|investors?|limited partners?|general partners?|backers?)\b(?! (?:of|in)\b)"
)
# "X, a major shareholder of Y", "X is the largest investor in Y"
SHAREHOLDER = re.compile(
    r"^(?:,| is| was| became| remains) (?:a|an|the|its) (?:[a-z-]+ ){0,2}(?:shareholder|investor|backer|owner) (?:of|in) "
    r"(?:the )?$"
)
# "X has backed dozens of firms, such as A and B": X invested in each
BACKED_INCLUDING = re.compile(
    r"\b(?:backed|invested in|funded|financed) (?:[\w-]+ ){0,5}?(?:companies|firms|start-?ups|projects|enterprises|"
    r"makers|chipmakers|businesses)\b[^.;:]{0,60}?,? (?:including|such as) (?P<list>(?:[^.;:]|"
    + _LEGAL_STOP
    + r"){3,300})"
)
# "X led a 100 million yuan round in Y", "Y's Series B round, led by X"
LED_ROUND = re.compile(r"\bled (?:a|an|the|its) (?:[\w$.,()-]+ ){0,6}?(?:round|financing) (?:in|for|of|into) (?:the )?")
ROUND_LED_BY = re.compile(r"\b(?:round|financing)(?: was)? led by (?:the )?")
ORG_SPEAKS = re.compile(
    # "X said", "X, the manager of the funds, announced", "X (XY) said", "a X official said"
    r"(?: [(（][^)）]{1,30}[)）])?(?:, (?:the|a|an|its|one of|another|which|who) [^,;“”\"]{1,80}(?<!\d),"
    r"| [—–] (?:which|who|the|a|an|its) [^—–;“”\"]{1,200} [—–],?)?"
    r"(?: (?:official|officials|spokesman|spokeswoman|spokesperson))?"
    r"(?: (?:yesterday|today|earlier|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)))?"
    r"(?: (?:also|further|then|has|had|recently|previously))? (?:said|says|stated|told|reported|reports|informs|wrote|commented|"
    r"noted|added|warned|announced(?= at a (?:press|news) conference| in a statement|(?: [\w ]{1,24}?)? that\b"
    r"(?![^.;]{0,120}?\b(?:would|will|plans? to|planned to|intends? to|is to|are to|was to)\b)))\b"
)
# a second post after the organisation of the first: "..., chief of the Y and president of Z"
SECOND_POST = re.compile(rf",? and (?:the |a |an )?(?P<post>(?:[A-Za-z-]+ )?(?:{_POSTS})) (?:of|at) (?:the )?", re.I)
# "He said", "“...,” she added": a pronoun as the speaker
PRONOUN_SPEAKS = re.compile(
    r"(?:^|[,”\"] )(?:[Hh]e|[Ss]he)(?: (?:also|further|then|later|again|[a-z]+ly))* (?:"
    + "|".join(re.escape(v) for v in lx.SPEECH_VERBS if v != "according to")
    + r")\b"
)
# what may stand between a speaker and the speech verb after it: an apposition, brackets, an adverb
SPEAKER_BEFORE = re.compile(
    r"(?:,[^,;“”\"]{1,100},| ?[(（][^)）]{1,30}[)）]| [—–] [^—–;“”\"]{1,200} [—–])?,?"
    r"(?: (?:also|further|then|has|had|recently|previously|later|"
    r"once|again|[a-z]+ly))* $"
)
# between "said" and its speaker: a title ("said Vice Minister of Science and Technology Zhou Qi")
SPEAKER_AFTER = re.compile(r" (?:(?:[A-Z][\w.’'-]*|of|and|the|for) ){0,8}$|^ $")
# "“...,” Dr. X": the closing mark of a quotation right before a person's name
QUOTE_SIGNED = re.compile(r"[,.]?[”\"],? (?:(?:Dr|Mr|Ms|Mrs|Prof)\.? )?$")
# "according to X", "cited by Chinese official media X": X is the source of what is reported
# "..., reports Xyz.", "A news report from xyz.cn": the outlet closing the clause is the source
REPORTS_BEFORE = re.compile(r"(?:\b(?:reports|reported|informs)|\b[Aa] (?:news )?report (?:from|by)) (?:the )?$")
SOURCE_BEFORE = re.compile(r"\b(?:[Aa]ccording to|cited by|citing)(?: (?:the|a|an))?(?: [A-Za-z-]+){0,3} $")
PARTNER = re.compile(
    r"\b(?:signed|inked|reached|concluded) (?:a |an |the |\w+ )?(?:[\w-]+ ){0,5}?(?:agreement|deal|contract|memorandum"
    r"(?: of understanding)?|MoU|partnership|pact)s? with (?:the )?"
    r"|\b(?:partnered|teamed up|cooperated|cooperates|cooperating|collaborated|collaborates|collaborating|"
    r"joined hands|joined forces|partners|working|works|collaborate|cooperate|partner|team up) with (?:the )?"
    r"|\b(?:in (?:conjunction|cooperation|partnership|collaboration)|together) with (?:the )?"
    r"|\b(?:join|joins|joined|joining|serve|serves|served|act|acts|acted) as (?:a|an) (?:[a-z-]+ )?partner (?:of|in|to) (?:the )?"
    r"|\b(?:formed|set up|established|launched|created) (?:a|an) (?:[\w-]+ ){0,3}?(?:joint venture|JV) with (?:the )?"
    r"|\b(?:a|an) (?:[a-z-]+ ){0,2}?(?:joint venture|collaboration|partnership)(?: company| firm)? with (?:the )?"
    r"|\b(?:establish(?:ed)?|set up|buil[td]|launch(?:ed)?|deepen(?:ed)?|strengthen(?:ed)?|expand(?:ed)?|reached|"
    r"start(?:ed)?) (?:[a-z]+ ){0,2}?(?:cooperation|partnerships?|collaboration|ties|alliances?) with (?:the )?"
)
# "with state-owned Xyz Mining", "with electric carmaker Xyz": a partner described before its name
PARTNER_DESCRIBED = (
    r"^(?!(?:[a-z-]+ )*(?:a|an|the|in|on|at|of|for|to|and|or|by|from|its|their|each|other|which|that|who|this|these|"
    r"local|several|many|some|two|three|four|five)\b)(?:[a-z-]+ ){1,3}$"
)
PARTNER_LIST_GAP = r"^(?:[\w’'-]+ ){0,8}[\w-]+,? (?:including|such as|like|among them)(?: the)? $"
INVESTED = re.compile(
    # "invested 5 billion yuan in X", "committed to invest about US$2 billion into X", "invest heavily in X"
    r"\b(?:invested|invests|invest|investing) (?:[^.;:,“”\"]{0,50}? )?in(?:to)? (?:the )?"
    # "took a 10% stake in X", "to buy a 20 percent stake in X", "holds a minority stake in X"
    r"|\b(?:took|takes|take|taking|acquired|acquires|acquire|acquiring|bought|buys|buy|buying|holds|held|hold|"
    r"raised|raises|raise|increased|increase) (?:a |an |its |their )?(?:(?:about |nearly |over |more than )?"
    r"[\d.]+ ?(?:%|percent|per cent) )?(?:[a-z-]+ ){0,2}?stakes? in (?:the )?"
    # "to buy 30 percent of X", "owns most of ... 60 per cent of X"
    r"|\b(?:acquired|acquire|acquires|bought|buy|buys|owns|own|owned|holds|hold|held) (?:about |nearly |over |more than "
    r"|a further )?[\d.]+ ?(?:%|percent|per cent) of (?:the )?"
    r"|\b(?:poured|pours|pour|injected|injects|inject|put|puts) (?:[^.;,]{0,40}? )?into (?:the )?"
)
# "X will invest 800 million yuan in a gearbox plant in Y", "X is building a glass factory in Y", "X established a
# sales subsidiary in Y", "X put into operation a packing line in Y": money put into a facility
# in a place (the facility itself is rarely named)
FACILITY_IN = re.compile(
    r"\b(?:invest|invests|invested|investing|build|builds|building|built|set up|sets up|setting up|establish|"
    r"establishes|established|establishing|construct|constructs|constructing|constructed|put into (?:production|"
    r"operation)|puts into (?:production|operation)) (?:(?:in )?(?:a|an|its|their|the|up to|about|nearly|over|"
    r"more than|[$¥€£]|\d|RMB|CNY|USD|US\$)(?![a-z])(?:[^.;:“”\"]|(?<=\d)\.(?=\d)){0,80}? )?(?:plant|factory|factories|plants|base|"
    r"bases|project|projects|centre|center|facility|facilities|campus|line|lines|subsidiary|company|park|hub|complex|"
    r"headquarters)(?: [a-z]+){0,2}? in (?:the )?"
)
# what may stand between "in the" and the place: "the Chinese east coast city of", "the central city of"
FACILITY_PLACE_GAP = (
    r"^(?:[A-Za-z-]+ ){0,5}?(?:city|province|county|district|town|municipality|region|area|port|hub) of (?:the )?$|^$"
)
# "<Region>, where X is building a logistics park": the place of the facility told first
WHERE_BUILDS = re.compile(r", where ")
FACILITY_MORE = re.compile(
    r" and (?:a|an|another|its) [^.;:“”\"]{0,60}?(?:plant|factory|base|project|centre|center|facility|campus|line|"
    r"subsidiary|company|park|hub|complex)(?: [a-z]+){0,2}? in (?:the )?"
)
FACILITY_OBJECT = re.compile(
    r" (?:(?:[^.;:“”\"]|(?<=\d)\.(?=\d)){0,80}? )?(?:plant|factory|factories|plants|base|bases|project|projects|centre|center|facility|"
    r"facilities|campus|line|lines|subsidiary|company|park|hub|complex|headquarters)\b"
)
FACILITY_VERB_AFTER = re.compile(
    r" (?:(?:is|are|was|were|has|have|had|will|plans to|is planning to|aims to|also|now) )*(?:invest|invests|invested|"
    r"investing|build|builds|building|built|set up|sets up|setting up|establish|establishes|established|construct|"
    r"constructs|constructing|constructed)\b"
)
INVESTOR_CLASSES = {"Company", "Organisation", "Fund"}
# "The Xyz-based company said ...": the company the text is about has its seat in Xyz
BASED_REFERENT = re.compile(
    r"\b[Tt]he (?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?)-based (?:[a-z-]+ )?(?:company|firm|carmaker|automaker|chipmaker|"
    r"maker|manufacturer|group|giant|start-?up|developer|bank|lender|operator)\b"
)
# "X agreed to acquire Y", "X bought Y last year": an acquisition is an investment
ACQUIRES = re.compile(
    r"\b(?:acquire|acquires|acquired|acquiring|to buy|bought|took over|takes over|to take over|taking over) (?:the )?"
)
DESCRIBED_COMPANY = (
    r"^(?:(?:U\.S\.|[A-Z][\w-]*) )?(?!(?:the|a|an|from|of|with|and) )(?:[a-z-]+ ){0,3}?(?:company|firm|maker|chipmaker|carmaker|automaker|developer|"
    r"start-?up|group|operator|provider|manufacturer|bank|lender|insurer|rival|peer) $"
)
ACQUIRED_BY = re.compile(r"\b(?:was|were|been|being|is|will be) (?:acquired|bought|taken over) by (?:the )?")
# "A and B agreed on a joint investment in Y's bus depot", "A signed deals for five projects in Y"
JOINT_INVESTMENT = re.compile(
    r"\b(?:joint investments? in|round of investments? in|(?:signed|inked) (?:contracts|agreements|deals) (?:for|on) (?:[\w,-]+ ){0,4}?"
    r"projects? in) (?:the )?"
)
# "<name> (<hanzi>), deputy-governor of Abc province", "<name>, the party secretary for Xyz county": a post in
# an apposition that the name stage's post list does not cover
APPOSED_POST = re.compile(
    r"(?: ?[(（][^()（）]{1,12}[)）])?, (?:the |a |an )?(?P<post>(?:[A-Za-z]+ ){0,2}?" + _POST_WORDS + r")"
    r" (?:of|for|at) (?:the )?(?:[A-Z][\w-]*-(?:based|listed|headquartered) )?$",
    re.I,
)
# the next post of a chain after a name: "<name>, Member of A, Secretary of B and Director of C"
CHAINED_POST = re.compile(
    r"(?:,|,? and) (?:the |a |an )?(?P<post>(?:[A-Za-z]+ ){0,2}?" + _POST_WORDS + r") (?:of|for|at) (?:the )?",
    re.I,
)
# "<name>, Xyz Group Chairman and Party Secretary": a post after the organisation's name
ORG_THEN_POST = re.compile(rf" (?P<post>{_POST_WORDS})\b", re.I)
# "<Region> launched a 4 billion yuan fund", "<Region> is preparing to set up a tourism fund": a fund a
# place sets up is that place's
PLACE_SETS_UP = re.compile(
    r"\b(?:(?:has |have |had |also |formally |officially |recently |just )*(?:established|set up|launched|created|"
    r"unveiled|debuted)|(?:is|are) (?:planning|preparing|set|expected) to (?:launch|establish|set up|create)|"
    r"(?:will|plans? to) (?:launch|establish|set up|create)) "
)
PLACE_SUBJECT_GAP = re.compile(
    r", (?:[^,;“”\"]{3,120}), (?:(?:has|have|had|also|recently|formally|officially|just) )*$|"
    r" (?:(?:has|have|had|also|recently|formally|officially|just) )*$"
)
# "will build", "plans to set up", "is planning to construct": a facility only planned (money committed is told with
# "will invest <amount>", which stays)
PLANNED = re.compile(r"\b(?:will|would|shall|plans? to|planning to|aims? to|to)(?: jointly| also| soon| further)? $")
FUNDED = re.compile(r"\b(?:financed|funded|bankrolled|sponsored|backed) by (?:the )?")
MANAGED = re.compile(r"\b(?:managed|run|operated|administered|overseen) by (?:the )?")
MADE_UP = re.compile(
    r"\b(?:made up of|composed of|consists of|consisting of|comprising|whose members include) (?P<list>[^.;:]{3,300}?)(?=[.;:]|$)"
)
MEMBER_OF = re.compile(
    r"^,? (?:(?:is|are|was|were|as|became|become|has become|have become) )?(?:(?:a|an|the) )?(?:[a-z-]+ )?"
    r"members? of (?:the )?$"
)
UNDER = re.compile(r"^(?: [(（][^)）]{1,12}[)）]|[)）])? (?:under|affiliated (?:to|with)|attached to|of) (?:the )?$")
POSSESSIVE = re.compile(r"^[’']s? $")
UNIT_HEADS = lx.word_set(
    """school college institute department office bureau centre center laboratory lab faculty academy branch
    division committee commission"""
)
TITLE_BODY = {
    "mayor": (("municipal", "city"), "government"),
    "vice mayor": (("municipal", "city"), "government"),
    "vice-mayor": (("municipal", "city"), "government"),
    "deputy mayor": (("municipal", "city"), "government"),
    "governor": (("provincial",), "government"),
    "vice governor": (("provincial",), "government"),
    "vice-governor": (("provincial",), "government"),
    "deputy governor": (("provincial",), "government"),
    "party secretary": (("",), "party committee"),
}


def number(word: str) -> int | None:
    """A count written in digits or in words ("twelve"), or None."""
    word = word.replace(",", "").lower()
    if word.isdigit():
        return int(word)
    return lx.NUMBER_WORDS.get(word)


ACRONYM_WORD = re.compile(r"(?<![\w-])[A-Z][A-Za-z&]{1,7}(?![\w-])")


def _acronyms_again(body: str, mentions: list[Mention], entities: list[DraftEntity]) -> list[Mention]:
    """An organisation's acronym, given once in brackets ("Xyz Motors (XM)"), names it again wherever the text
    uses it alone ("XM said ..."): mentions for the relation rules (the name stage keeps its own). One pass over the
    text's capitalised words, each looked up once."""
    acronyms: dict[str, DraftEntity | None] = {}
    for e in entities:
        if e.kind != "Organisation":
            continue
        for alias in e.aliases:
            if ACRONYM_WORD.fullmatch(alias) and sum(c.isupper() for c in alias) >= 2:
                acronyms[alias] = None if alias in acronyms and acronyms[alias] is not e else e
    if not acronyms:
        return []
    covered = bytearray(len(body) + 1)
    for m in mentions:
        covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    found = []
    for match in ACRONYM_WORD.finditer(body):
        e = acronyms.get(match.group())
        if e is not None and not covered[match.start()]:
            found.append(
                Mention(
                    match.start(), match.end(), match.group(), "Organisation", e.cls, "acronym-again", 0.6, entity=e
                )
            )
    return found


class Relator:
    """Runs every relation rule over one article's sentences and mentions."""

    def __init__(self, doc: Document, mentions: list[Mention], entities: list[DraftEntity], article: DraftEntity):
        self.doc = doc
        self.body = doc.body
        self.mentions = sorted(
            mentions + _acronyms_again(doc.body, mentions, entities), key=lambda m: (m.start, -m.end)
        )
        self.entities = entities
        self.article = article
        self.statements: dict[tuple, DraftStatement] = {}
        # Indexes, so that every question a rule asks reads the mentions near it, never all of them: one long
        # sentence made the scans cubic (issue 21 item 11).
        self._named = [m for m in self.mentions if m.entity is not None and not m.descriptive]
        self._named_starts = [m.start for m in self._named]
        self._named_index = SpanIndex(self._named)
        self._all_index = SpanIndex(self.mentions)
        self._by_start: dict[int, list[Mention]] = {}
        for m in self.mentions:
            self._by_start.setdefault(m.start, []).append(m)
        countries = {e.label: e for e in self.entities if e.cls == "Country"}
        self._only_country = next(iter(countries.values())) if len(countries) == 1 else None
        for m in self.mentions:  # a description points back to what it describes, in text order
            if m.descriptive and m.entity is None:
                m.entity = self.entity(m)
        self._outer = [m for m in self.mentions if m.entity is not None and not self._inside_other(m)]
        self._outer_starts = [m.start for m in self._outer]
        self._sentence_mentions: dict[tuple[int, tuple[str, ...]], tuple[list[Mention], list[int]]] = {}
        self._clauses: dict[int, tuple] = {}
        self._project_lists: tuple[list[Mention], list[int]] | None = None
        self._cores: dict[str, list[DraftEntity]] | None = None
        self._order: dict[int, int] | None = None
        self._dates: dict[tuple[int, int], Sentence] | None = None
        self._titles: dict[str, DraftEntity] | None = None
        self._groups: dict[tuple[int, str], list[DraftEntity]] | None = None
        self._last_speaker: tuple[int, DraftEntity] | None = None  # (sentence index, person) quoted last
        self._last_event_speech: tuple[int, DraftEntity, str] | None = None  # (paragraph, event, date)

    # -- mentions and back references ----------------------------------------------------------

    def _inside_other(self, m: Mention) -> bool:
        return any(
            o is not m and (o.end - o.start) > (m.end - m.start) and o.entity is not None and not o.descriptive
            for o in self._named_index.covering(m.start, m.end)
        )

    def entity(self, m: Mention) -> DraftEntity | None:
        """The entity a mention names, or for a description the one it points back to."""
        if m.entity is not None:
            return m.entity
        if not m.descriptive:
            return None
        if any(True for _ in self._named_index.covering(m.start, m.end)):
            return None  # "the institute" inside a name is part of the name
        return self.refer(m)

    def _place_described(self, s: Sentence, position: int) -> DraftEntity | None:
        """ "The city hosts ...": the subject is "the city" (province, district ...) right before `position`; the
        place of that kind named last before it."""
        match = PLACE_DESCRIBED.search(self.body, s.start, position)
        if match is None:
            return None
        classes = PLACE_NOUNS[match.group("noun").lower()]
        return next((o.entity for o in self._before(match.start()) if o.entity.cls in classes), None)

    def _before(self, position: int):
        """Named mentions that end before `position`, nearest first; at most REFER_REACH of them (a description
        points back a few names, not to the start of a long article)."""
        i = bisect.bisect_left(self._named_starts, position)
        for k in range(i - 1, max(-1, i - 1 - REFER_REACH), -1):
            if self._named[k].end <= position:
                yield self._named[k]

    def refer(self, m: Mention) -> DraftEntity | None:
        """What a definite description points back to: "the country", "the fund", "there"."""
        if m.head == "it":  # "It ...": the organisation the sentence before opens with
            sentence = self.doc.sentence_at(m.start)
            if sentence.index == 0:
                return None
            before = self.doc.sentences[sentence.index - 1]
            i = bisect.bisect_left(self._named_starts, before.start)
            while i < len(self._named) and self._named[i].start < before.end:
                o = self._named[i]
                if o.kind == "Organisation" and o.end <= before.end:
                    return o.entity
                i += 1
            return None
        if m.head == "there":
            return next((o.entity for o in self._before(m.start) if o.kind == "Region"), None)
        if m.head == "country":
            if self._only_country is not None:
                return self._only_country
            return next((o.entity for o in self._before(m.start) if o.entity.cls == "Country"), None)
        if m.head in COMPANY_WORDS and re.search(r"\b(?:of|at) (?:the )?$", self.body[max(0, m.start - 8) : m.start]):
            # "X, founder of Xyz, and Y, co-founder of the company": the company the sentence just named
            sentence = self.doc.sentence_at(m.start)
            near = next(
                (
                    o
                    for o in self._before(m.start)
                    if o.start >= sentence.start and o.entity.cls in ("Company", "Organisation")
                ),
                None,
            )
            if near is not None:
                return near.entity
        if m.head in COMPANY_WORDS:
            # "Xyz grew. The company and ... ": the company the sentence before opens with
            sentence = self.doc.sentence_at(m.start)
            i = bisect.bisect_left(self._named_starts, sentence.start)
            opener = self._named[i] if i < len(self._named) and self._named[i].start == sentence.start else None
            if opener is not None and opener.end <= m.start and opener.entity.cls == "Company":
                return opener.entity  # "Xyz raised ..., according to a release the company sent": Xyz
            if sentence.index and re.fullmatch(r"(?:[Tt]he )?", self.body[sentence.start : m.start]):
                before = self.doc.sentences[sentence.index - 1]
                i = bisect.bisect_left(self._named_starts, before.start)
                first = self._named[i] if i < len(self._named) else None
                if first is not None and first.end <= before.end and first.entity.cls == "Company":
                    return first.entity
        heads = tuple(h.lower() for h in lx.BACK_REFERENCES.get(m.head, (m.head,)))
        for o in self._before(m.start):
            if o.kind != m.kind and m.kind != "Organisation":
                continue
            if (o.head and o.head.lower() in heads) or norm(o.entity.label).endswith(heads):
                return o.entity
        if m.head in COMPANY_WORDS:  # "the company": the company named most, whatever its name ends with
            counts: dict[int, list] = {}
            for rank, o in enumerate(self._before(m.start)):
                if o.entity.cls == "Company":
                    counts.setdefault(id(o.entity), [0, -rank, o.entity])[0] += 1
            if counts:
                return max(counts.values(), key=lambda c: (c[0], c[1]))[2]
        return None

    def in_sentence(self, sentence: Sentence, kinds: tuple[str, ...] = ()) -> list[Mention]:
        """The outermost mentions of a sentence (a region inside a body's name is not a candidate), in text order."""
        return self._sentence(sentence, kinds)[0]

    def _sentence(self, sentence: Sentence, kinds: tuple[str, ...]) -> tuple[list[Mention], list[int]]:
        """in_sentence and the mentions' starts, computed once per sentence and kinds."""
        key = (sentence.start, kinds)
        found = self._sentence_mentions.get(key)
        if found is None:
            low = bisect.bisect_left(self._outer_starts, sentence.start)
            high = bisect.bisect_left(self._outer_starts, sentence.end)
            mentions = [m for m in self._outer[low:high] if m.end <= sentence.end and (not kinds or m.kind in kinds)]
            found = (mentions, [m.start for m in mentions])
            self._sentence_mentions[key] = found
        return found

    def last_before(self, sentence: Sentence, kinds: tuple[str, ...], position: int) -> Mention | None:
        """The last outermost mention of a kind in the sentence that ends by `position`."""
        mentions, starts = self._sentence(sentence, kinds)
        for i in range(bisect.bisect_right(starts, position) - 1, -1, -1):
            if mentions[i].end <= position:
                return mentions[i]
        return None

    def first_starting(self, sentence: Sentence, kinds: tuple[str, ...], low: int, high: int) -> Mention | None:
        """The first outermost mention of a kind in the sentence that starts in [low, high)."""
        mentions, starts = self._sentence(sentence, kinds)
        i = bisect.bisect_left(starts, low)
        return mentions[i] if i < len(mentions) and mentions[i].start < high else None

    def starting_at(self, position: int, test) -> Mention | None:
        """The first mention (of all, nested ones too) that starts at `position` and passes `test`."""
        return next((m for m in self._by_start.get(position, ()) if test(m)), None)

    def at(self, position: int, kinds: tuple[str, ...], gap: str = r"^$", window: int = 60) -> Mention | None:
        """The first mention of a kind starting at `position`, after text matching `gap`."""
        i = bisect.bisect_left(self._outer_starts, position)
        while i < len(self._outer) and self._outer[i].start <= position + window:
            m = self._outer[i]
            if m.kind in kinds and re.match(gap, self.body[position : m.start]):
                return m
            i += 1
        return None

    def _clause_marks(self, sentence: Sentence) -> tuple:
        """Once per sentence: where "; " clauses start, where relative clauses start, and the "jointly
        established by A, B and C" lists (whose names are never the agent of a later verb)."""
        marks = self._clauses.get(sentence.start)
        if marks is None:
            text, base = sentence.text, sentence.start
            semicolons = [base + m.start() for m in re.finditer("; ", text)]
            relative = [(base + m.start(), base + m.end()) for m in RELATIVE.finditer(text)]
            lists = [(base + m.start("list"), base + m.end("list")) for m in JOINTLY.finditer(text)]
            marks = (semicolons, relative, [e for _, e in relative], lists, [a for a, _ in lists])
            self._clauses[sentence.start] = marks
        return marks

    def agent_before(self, sentence: Sentence, position: int, kinds: tuple[str, ...]) -> Mention | None:
        """The subject of the clause whose verb is at `position`: the nearest mention before it, or the one a
        relative clause (", which ...", ", jointly ...") hangs on."""
        semicolons, relative, relative_ends, lists, list_starts = self._clause_marks(sentence)
        i = bisect.bisect_right(semicolons, position - 2) - 1
        clause_start = semicolons[i] + 1 if i >= 0 else sentence.start
        limit = position
        j = bisect.bisect_right(relative_ends, position) - 1
        if j >= 0:
            limit = relative[j][0]
        mentions, starts = self._sentence(sentence, kinds)
        last = bisect.bisect_right(starts, limit) - 1
        for k in range(last, max(-1, last - REFER_REACH), -1):
            m = mentions[k]
            if m.start < clause_start:
                return None
            if m.end <= limit and not _inside_lists(lists, list_starts, m.start):
                return m
        return None

    # -- output ---------------------------------------------------------------------------------

    def add(
        self,
        subject: DraftEntity | None,
        predicate: str,
        rule: str,
        confidence: float,
        evidence: tuple[int, int],
        obj: DraftEntity | None = None,
        value: str | None = None,
        date: str = "",
        role: str = "",
        note: str = "",
    ) -> None:
        """Record a proposal once per (subject, predicate, object or value); more evidence joins the first."""
        if subject is None or (obj is None and value is None) or obj is subject:
            return
        if not date and predicate == "quotedIn":
            date = self.doc.speech_date(evidence)  # the saying's date, not a date of what was said
        elif not date and obj is not None and predicate in DATED_PREDICATES:
            date = self._date_for(subject, obj, evidence)  # the date the sentence gives, on what it states
        elif predicate not in DATED_PREDICATES and predicate not in ("dateIssued", "dateApproved", "startDate"):
            date = ""  # a state (part of, located in, a post) has no date of its own
        key = (id(subject), predicate, id(obj) if obj else None, value)
        found = self.statements.get(key)
        if found:
            if evidence not in found.evidence:
                found.evidence.append(evidence)
            found.confidence = max(found.confidence, confidence)
            found.date = found.date or date
            found.role = found.role or role
            return
        self.statements[key] = DraftStatement(
            subject, predicate, rule, confidence, [evidence], obj, value, date, role, note
        )

    def _sentence_dates(self) -> dict[tuple[int, int], Sentence]:
        if self._dates is None:
            self._dates = {(s.start, s.end): s for s in self.doc.sentences if s.date}
        return self._dates

    def _date_for(self, subject: DraftEntity, obj: DraftEntity, evidence: tuple[int, int]) -> str:
        """The sentence's date; when it gives several ("approved on September 30 and announced yesterday by X"),
        the one nearest the words that name the fact's subject (the article's: its object)."""
        s = self._sentence_dates().get(evidence)
        if s is None:
            return ""
        if len({iso for _, iso in s.dates}) < 2:
            return s.date
        who = obj if subject is self.article else subject
        at = [m.start for m in who.mentions if evidence[0] <= m.start < evidence[1]]
        if not at:
            return s.date
        return min(s.dates, key=lambda d: (min(abs(d[0] - a) for a in at), d[0]))[1]

    def span(self, sentence: Sentence) -> tuple[int, int]:
        """Evidence span of a sentence: the whole sentence, so the reviewer sees the context."""
        return (sentence.start, sentence.end)

    # -- rules ------------------------------------------------------------------------------------

    def run(self) -> list[DraftStatement]:
        """Every rule over every sentence, then the facts names carry, then merges and constructed labels."""
        self.article_lines()
        for sentence in self.doc.sentences:
            self.jointly(sentence)
            self.founded(sentence)
            self.located(sentence)
            self.issued(sentence)
            self.events(sentence)
            self.posts(sentence)
            self.speech(sentence)
            self.counts(sentence)
            self.part_of(sentence)
            self.organisations(sentence)
            self.facilities(sentence)
            self.titled_posts(sentence)
            self.apposed_posts(sentence)
        self.from_names()
        self.posts_in_governments()
        self.document_titles()
        self.event_facts()
        self.merge_measures()
        self.name_unnamed()
        self.mentioned()
        return list(self.statements.values())

    def organisations(self, s: Sentence) -> None:
        """Organisation to organisation: partners in an agreement, investments, funding, management, members,
        units named by their parent ("the School of X of Y University", "the office of the Y government")."""
        orgs = ("Organisation",)
        partners: dict[int, Mention | None] = {}  # a partner named after "with" -> who took it as partner
        for match in PARTNER.finditer(s.text):
            # "with X", or "with a number of banks, including X, Y and Z"
            other = (
                self.at(s.start + match.end(), orgs, window=3)
                or self.at(s.start + match.end(), orgs, gap=PARTNER_LIST_GAP, window=110)
                or self.at(s.start + match.end(), orgs, gap=PARTNER_DESCRIBED, window=40)
            )
            if other is not None and re.match(r"[’']s ", self.body[other.end : other.end + 3]):
                # "with Xyz University’s Finance Institute": the institute, not the university
                other = self.at(other.end, orgs, gap=r"^[’']s (?:[a-z-]+ ){0,3}$", window=40) or other
            agent = self.agent_before(s, s.start + match.start(), orgs)
            if agent is not None and id(agent.entity) in partners:
                # "signed a joint venture with A, and a collaboration with B": B is the signer's partner, not A's
                agent = partners[id(agent.entity)]
            if other is not None:
                partners.setdefault(id(other.entity), agent)
            if other is None and agent is not None:  # "signed agreements with three state-owned banks"
                counted = GROUP.match(s.text, match.end())
                for member in self.group_named(counted.group()) if counted else ():
                    if member is not agent.entity:
                        self.add(agent.entity, "partnerOf", "signed-with-group", 0.6, self.span(s), obj=member)
            if other is not None and agent is None:
                # "The Xyz-based company also signed a joint venture with A": the company the sentence before opens with
                referent = BASED_REFERENT.match(s.text)
                signer = self._it_before(s) if referent and referent.end() <= match.start() else None
                if signer is not None and signer.cls == "Company" and signer is not other.entity:
                    self.add(signer, "partnerOf", "based-company-signed-with", 0.6, self.span(s), obj=other.entity)
            if other and agent:
                self.add(agent.entity, "partnerOf", "signed-with", 0.7, self.span(s), obj=other.entity)
                for more in self.list_after(s, other, orgs):  # "cooperation with A, B and C"
                    self.add(agent.entity, "partnerOf", "signed-with", 0.6, self.span(s), obj=more.entity)
                before = self.at_end(agent.start, orgs, r" and (?:the )?$")
                if before is not None:  # "A and B signed an agreement with C"
                    self.add(before.entity, "partnerOf", "signed-with", 0.6, self.span(s), obj=other.entity)
        for match in BETWEEN.finditer(s.text):
            first = self.at(s.start + match.end(), orgs, window=3)
            second = self.at(first.end, orgs, gap=r"^,? and (?:the )?$", window=8) if first else None
            if first and second:
                self.add(first.entity, "partnerOf", "agreement-between", 0.65, self.span(s), obj=second.entity)
        for match in PAIR_SIGNED.finditer(s.text):
            second = self.agent_before(s, s.start + match.start(), orgs)
            first = self.at_end(second.start, orgs, r"^,? and (?:the )?$") if second else None
            listed = first is not None and self.at_end(first.start, orgs, r"^, (?:the )?$") is not None
            if listed:
                continue  # "A, B and C signed agreements": signers of a set of deals, not each other's partners
            if first and second and not self.at(s.start + match.end(), orgs, gap=r"^ with (?:the )?$", window=9):
                self.add(first.entity, "partnerOf", "signed-together", 0.6, self.span(s), obj=second.entity)
        for match in INVESTED.finditer(s.text):
            target = self.at(s.start + match.end(), ("Organisation", "Region"), window=3) or self.at(
                s.start + match.end(), ("Organisation",), gap=r"^(?:[a-z’'-]+ ){1,6}$", window=60
            )
            if target is not None and re.match(r"[’']s ", self.body[target.end : target.end + 3]):
                # "invested in the country's largest chipmaker X": X, not the country; "a stake in X's battery
                # business": X
                target = self.at(target.end, ("Organisation",), gap=r"^[’']s (?:[a-z’'-]+ ){0,6}$", window=60) or (
                    target if target.kind == "Organisation" else None
                )
            if target is not None and target.descriptive and re.search(r"(?:%|cent) of (?:the )?$", match.group()):
                continue  # "owns 60 per cent of the fund": which fund is too far to tell
            if target is not None and re.search(
                r"\b(?:parent|unit|subsidiary|arm|affiliate|division)s? (?:company |group )?of (?:the )?$",
                self.body[s.start + match.end() : target.start],
            ):
                continue  # "a stake in the holding parent of Xyz": the parent, which the text does not name
            agent = self.agent_before(s, s.start + match.start(), ("Organisation", "Person"))
            counted = GROUP_BEFORE_VERB.search(self.body, s.start, s.start + match.start()) if agent is None else None
            for member in self.group_named(counted.group("group")) if counted and target else ():
                self.add(member, "investedIn", "group-invested-in", 0.6, self.span(s), obj=target.entity)
            if target and agent:
                self.add(agent.entity, "investedIn", "invested-in", 0.65, self.span(s), obj=target.entity)
                for more in self.list_after(s, target, ("Organisation",)):  # "invested in A, B and C"
                    self.add(agent.entity, "investedIn", "invested-in", 0.6, self.span(s), obj=more.entity)
                for more in self.list_before(agent, ("Organisation",)):  # "A, B and C invested in X"
                    self.add(more.entity, "investedIn", "invested-in", 0.6, self.span(s), obj=target.entity)
        for match in LED_ROUND.finditer(s.text):
            target = self.at(s.start + match.end(), ("Organisation",), window=3)
            agent = self.agent_before(s, s.start + match.start(), ("Organisation", "Person"))
            if target and agent:
                self.add(agent.entity, "investedIn", "led-round", 0.65, self.span(s), obj=target.entity)
        for match in ROUND_LED_BY.finditer(s.text):
            investor = self.at(s.start + match.end(), ("Organisation", "Person"), window=3)
            receiver = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if investor and receiver:
                self.add(investor.entity, "investedIn", "round-led-by", 0.6, self.span(s), obj=receiver.entity)
                for more in self.list_after(s, investor, ("Organisation", "Person")):
                    self.add(more.entity, "investedIn", "round-led-by", 0.55, self.span(s), obj=receiver.entity)
        for match in BACKED_INCLUDING.finditer(s.text):
            backer = self.agent_before(s, s.start + match.start(), ("Organisation", "Person"))
            if backer is None:
                continue
            for a, b in list_items(s.text, match.start("list"), match.end("list")):
                backed = self.first_starting(s, ("Organisation",), s.start + a, s.start + b)
                if backed is not None and backed.entity is not backer.entity:
                    self.add(backer.entity, "investedIn", "backed-including", 0.6, self.span(s), obj=backed.entity)
        for a, b in itertools.pairwise(self.in_sentence(s, ("Organisation", "Person"))):
            if b.kind == "Organisation" and SHAREHOLDER.match(self.body[a.end : b.start]):
                self.add(a.entity, "investedIn", "shareholder-of", 0.6, self.span(s), obj=b.entity)
        for pattern, rule in ((PUT_IN_AMOUNT, "put-in-amount"), (MEMBER_INVESTOR, "investor-of-fund")):
            for match in pattern.finditer(s.text):
                if pattern is PUT_IN_AMOUNT and NAMED_RECIPIENT.match(s.text, match.end()):
                    continue  # "put in 2 billion yuan into Xyz": the text names where the money went
                fund = self._fund_before(s, s.start + match.start())
                agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
                if fund is None or agent is None or agent.entity is fund:
                    continue
                if re.search(
                    r"\b(?:arm|unit|subsidiary|division|affiliate) of (?:the )?$",
                    self.body[agent.start - 30 : agent.start],
                ):
                    continue  # "an investment arm of Xyz poured in ...": the arm put the money in, not Xyz
                for investor in (agent, *self.list_before(agent, ("Organisation",))):
                    if investor.entity is not fund and investor.entity.cls != "MediaOutlet":
                        self.add(investor.entity, "investedIn", rule, 0.55, self.span(s), obj=fund)
        for match in RECEIVED_FROM.finditer(s.text):
            receiver = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if receiver is None:
                continue
            low, high = s.start + match.start("list"), s.start + match.end("list")
            for investor in self.in_sentence(s, ("Organisation", "Person")):
                if low <= investor.start < high and investor.entity is not receiver.entity:
                    self.add(investor.entity, "investedIn", "received-from", 0.6, self.span(s), obj=receiver.entity)
        for match in FUNDED.finditer(s.text):
            funder = self.at(s.start + match.end(), ("Organisation", "Person"), window=3)
            agent = self.agent_before(s, s.start + match.start(), ("Organisation", "Policy", "Event", "Region"))
            subject = self.head_of_phrase(s, agent)
            if subject is not None and subject.kind == "Region":
                continue
            if funder and subject:
                self.add(subject.entity, "fundedBy", "funded-by", 0.65, self.span(s), obj=funder.entity)
                second = self.at(funder.end, ("Organisation", "Person"), gap=r"^,? and (?:the )?$", window=10)
                if second is not None:
                    self.add(subject.entity, "fundedBy", "funded-by", 0.6, self.span(s), obj=second.entity)
        for match in MANAGED.finditer(s.text):
            manager = self.at(s.start + match.end(), orgs, window=3)
            subject = self.head_of_phrase(s, self.agent_before(s, s.start + match.start(), ("Organisation", "Region")))
            if subject is not None and subject.kind == "Region" and subject.entity.cls not in lx.ZONE_CLASSES:
                continue  # a city is governed, not managed
            if manager and subject:
                self.add(subject.entity, "managedBy", "managed-by", 0.65, self.span(s), obj=manager.entity)
        for match in MADE_UP.finditer(s.text):
            whole = self.agent_before(s, s.start + match.start(), orgs)
            if whole is None:
                continue
            for a, b in list_items(s.text, match.start("list"), match.end("list")):
                member = self.first_starting(s, ("Organisation",), s.start + a, s.start + b)
                if member:
                    self.add(member.entity, "memberOf", "made-up-of", 0.6, self.span(s), obj=whole.entity)
        for match in BASED.finditer(s.text):
            company = self.at(s.start + match.end(), orgs, window=0)
            place = self._region_named(match.group("place"))
            if company is not None and place is not None:
                self.add(company.entity, "headquarteredIn", "place-based", 0.65, self.span(s), obj=place)
        for match in RUN_BY.finditer(s.text):  # "the Xyz-run Abc Daily": Abc is managed by Xyz
            managed = self.at(s.start + match.end(), orgs, window=0)
            owner = self._organisation_named(re.sub(r"^(?:The|A|An) ", "", match.group("owner")))
            if managed is not None and owner is not None and owner is not managed.entity:
                self.add(managed.entity, "managedBy", "run-by-prefix", 0.6, self.span(s), obj=owner)
        for match in HOSTS.finditer(s.text):
            host = self.agent_before(s, s.start + match.start(), ("Region",))
            place = host.entity if host is not None else self._place_described(s, s.start + match.start())
            if place is None:
                continue
            for a, b in list_items(s.text, match.start("list"), match.end("list")):
                guest = self.first_starting(s, orgs, s.start + a, s.start + b)
                if guest is not None:
                    self.add(guest.entity, "locatedIn", "hosts-including", 0.6, self.span(s), obj=place)
        for match in HOSTS_OF.finditer(s.text):
            host = self.agent_before(s, s.start + match.start(), ("Region",))
            place = host.entity if host is not None else self._place_described(s, s.start + match.start())
            if place is not None and place.cls in ("Country", "MacroRegion"):
                continue  # "the country's largest base, houses ...": the subject is another place
            for a, b in list_items(s.text, match.start("list"), match.end("list")) if place is not None else ():
                guest = self.first_starting(s, orgs, s.start + a, s.start + b)
                if guest is not None:
                    self.add(guest.entity, "locatedIn", "hosts-of", 0.6, self.span(s), obj=place)
        for match in GATHERED_SUCH.finditer(s.text):
            host = self.agent_before(s, s.start + match.start(), ("Region",))
            if host is None or host.entity.cls in ("Country", "MacroRegion"):
                continue
            if self.agent_before(s, s.start + match.start(), ("Region", "Organisation", "Person")) is not host:
                continue  # "Y said X has attracted ...": the subject is not the place
            for a, b in list_items(s.text, match.start("list"), match.end("list")):
                guest = self.first_starting(s, orgs, s.start + a, s.start + b)
                if guest is not None:
                    self.add(guest.entity, "locatedIn", "gathered-such-as", 0.6, self.span(s), obj=host.entity)
        for match in SETTLED_INCLUDING.finditer(s.text):
            place = self.at(s.start + match.end(), ("Region",), window=2)
            lead = (
                re.match(r",? (?:including|such as|like|among them) (?:the )?", self.body[place.end :])
                if place
                else None
            )
            if place is None or lead is None or place.entity.cls in ("Country", "MacroRegion"):
                continue
            rest = re.match(r"(?:[^.;:]|" + _LEGAL_STOP + r"){3,300}", self.body[place.end + lead.end() : s.end])
            low = place.end + lead.end()
            for a, b in list_items(self.body, low, low + len(rest.group())) if rest else ():
                guest = self.first_starting(s, orgs, a, b)
                if guest is not None:
                    self.add(guest.entity, "locatedIn", "settled-in-including", 0.6, self.span(s), obj=place.entity)
        for a, b in itertools.pairwise(self.in_sentence(s, orgs)):
            if re.fullmatch(r" and (?:the )?", self.body[a.end : b.start]) and JOINTLY_DO.match(self.body, b.end):
                self.add(a.entity, "partnerOf", "jointly-do", 0.6, self.span(s), obj=b.entity)
        for a, b in itertools.pairwise(self.in_sentence(s)):
            if not POSSESSIVE.match(self.body[a.end : b.start]) or b.kind != "Organisation":
                continue
            # "<Region>'s <body>", "<Region>'s <company>", "<Organisation>'s <institute>"
            if (
                a.kind == "Region"
                and b.entity.cls == "Organisation"
                and (b.head or "").split()[-1:] in (["committee"], ["commission"], ["bureau"], ["office"])
            ):
                b.entity.cls = "GovernmentBody"  # "Xyz's Harbour Reform Committee": a public body
            if a.kind == "Region" and b.entity.cls in ("GovernmentBody", "PartyCommittee"):
                self.add(b.entity, "jurisdiction", "possessive", 0.65, self.span(s), obj=a.entity)
            elif a.kind == "Region" and a.entity.cls != "Country":  # "China's X" says whose, not where
                self.add(b.entity, "locatedIn", "possessive", 0.55, self.span(s), obj=a.entity)
            elif a.kind == "Organisation" and (b.head or "").split()[-1:] and b.head.split()[-1].lower() in UNIT_HEADS:
                self.add(b.entity, "subOrganisationOf", "possessive", 0.6, self.span(s), obj=a.entity)
        for a, b in itertools.pairwise(self.in_sentence(s)):
            # "Xyz Group, Abc's largest developer of industrial parks": Xyz Group is in Abc
            if (
                a.kind == "Organisation"
                and b.kind == "Region"
                and b.entity.cls not in ("Country", "MacroRegion")
                and REGION_APPOSITION.match(self.body[a.end : b.start])
                and re.match(
                    r"[’']s (?:[a-z-]+ ){0,3}(?:developer|company|firm|bank|operator|group|maker|lender)\b",
                    self.body[b.end : b.end + 60],
                )
            ):
                self.add(a.entity, "locatedIn", "region-apposition", 0.55, self.span(s), obj=b.entity)
        mentions = self.in_sentence(s, ("Organisation", "Person"))
        for a, b in itertools.pairwise(mentions):
            between = self.body[a.end : b.start]
            if b.kind != "Organisation":
                continue
            if MEMBER_OF.match(between):
                self.add(a.entity, "memberOf", "member-of", 0.65, self.span(s), obj=b.entity)
                other = self.at_end(a.start, ("Organisation",), r"^,? and (?:the )?$|^, (?:the )?$")
                if other is not None:  # "A and B are members of C"
                    self.add(other.entity, "memberOf", "member-of", 0.6, self.span(s), obj=b.entity)
            elif (
                a.kind == "Organisation"
                and UNDER.match(between)
                and (head := a.head or next((m.head for m in a.entity.mentions if m.head), "")).split()[-1:]
                and head.split()[-1].lower() in UNIT_HEADS
            ):
                self.add(a.entity, "subOrganisationOf", "unit-of", 0.7, self.span(s), obj=b.entity)
                chain = self.body[a.start : b.end]
                if re.fullmatch(r" of (?:the )?", between) and chain not in a.entity.aliases:
                    a.entity.aliases.append(chain)  # "Institute of X of the Academy of Y": the whole chain names it too
        for m in mentions:
            if m.rule != "org-unit-of":
                continue
            parent = max(
                (
                    o
                    for o in self._all_index.starting(m.start + 1, m.end)
                    if o.entity and o.entity is not m.entity and o.kind == "Organisation" and o.end == m.end
                ),
                key=lambda o: o.end - o.start,
                default=None,
            )
            if parent is not None:
                self.add(m.entity, "subOrganisationOf", "unit-of", 0.75, self.span(s), obj=parent.entity)

    def facilities(self, s: Sentence) -> None:
        """A company that puts a plant, a project or a subsidiary in a place has invested in that place ("X will
        invest 800 million yuan in a gearbox plant in Y", "It is also building a depot in Y and a plant in Z", "Y,
        where X is building a park"). A country is too wide to be the place, a public body builds for others, and
        the facility itself is rarely named."""
        for match in FACILITY_IN.finditer(s.text):
            place = self.at(s.start + match.end(), ("Region",), gap=FACILITY_PLACE_GAP, window=60)
            if place is None or place.end > s.end:
                continue
            agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if not match.group().startswith("invest") and PLANNED.search(
                self.body, max(s.start, s.start + match.start() - 30), s.start + match.start()
            ):
                continue  # "will build a plant": a plan, not yet an investment (as the curated files have it)
            if agent is not None and self._relative_between(s, agent.end, s.start + match.start()):
                continue  # "... with A for a battery project, which will set up a base in Y": the project's verb
            investor = agent.entity if agent is not None else None
            if investor is None and re.match(r"(?:It|It also|It is|It has|It will)\b", s.text):
                investor = self._it_before(s)  # "It is also building ...": the company the sentence before opens with
            if investor is None or investor.cls not in INVESTOR_CLASSES:
                continue
            investors = [investor] + [
                m.entity
                for m in (self.list_before(agent, ("Organisation",)) if agent else ())
                if m.entity.cls in INVESTOR_CLASSES
            ]
            while place is not None:
                if self.body.startswith(" of ", place.end):  # "the Chinese city of Z": the place after "of"
                    place = self.at(place.end, ("Region",), gap=r"^ of (?:the )?$", window=8) or place
                if place.entity.cls not in ("Country", "MacroRegion"):
                    for who in investors:
                        self.add(who, "investedIn", "facility-in", 0.55, self.span(s), obj=place.entity)
                more = FACILITY_MORE.match(self.body, place.end, s.end)  # "... in Y and a chip factory in Z"
                place = (
                    self.at(place.end + more.end() - more.start(), ("Region",), gap=FACILITY_PLACE_GAP, window=60)
                    if more
                    else None
                )
        for match in PLACE_SETS_UP.finditer(s.text):
            verb = s.start + match.start()
            fund = self.at(s.start + match.end(), ("Organisation",), gap=r"^(?:[^.;,“”\"]{0,60} )?$", window=70)
            if fund is None or fund.entity.cls != "Fund":
                continue
            subject = self.agent_before(s, verb, ("Region", "Organisation", "Person"))
            if (
                subject is not None
                and subject.kind == "Region"
                and not PLACE_SUBJECT_GAP.fullmatch(self.body, subject.end, verb)
            ):
                subject = None
            if subject is None:  # "Xyz, the city in Abc province, established ...": the place the clause opens with
                first = self.first_starting(s, ("Region", "Organisation", "Person"), s.start, verb)
                subject = (
                    first if first is not None and PLACE_SUBJECT_GAP.fullmatch(self.body, first.end, verb) else None
                )
            if (
                subject is not None
                and subject.kind == "Region"
                and subject.entity.cls not in ("Country", "MacroRegion")
            ):
                self.add(fund.entity, "locatedIn", "place-sets-up", 0.55, self.span(s), obj=subject.entity)
                if s.date and not re.match(r"(?:is|are|will|plans?) ", match.group()):
                    # "Xyz established a fund in June": set up then (a plan has no founding date yet)
                    self.add(fund.entity, "foundingDate", "place-sets-up", 0.55, self.span(s), value=s.date)
        for match in ACQUIRES.finditer(s.text):
            # "bought Dutch seed company Xyz Corp": the company after its description
            target = self.at(s.start + match.end(), ("Organisation",), window=0) or self.at(
                s.start + match.end(), ("Organisation",), gap=DESCRIBED_COMPANY, window=60
            )
            agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if (
                target is not None
                and agent is not None
                and agent.entity.cls in INVESTOR_CLASSES
                and target.entity.cls in ("Company", "Organisation")
                and not self._relative_between(s, agent.end, s.start + match.start())
            ):
                self.add(agent.entity, "investedIn", "acquires", 0.6, self.span(s), obj=target.entity)
        for match in ACQUIRED_BY.finditer(s.text):
            buyer = self.at(s.start + match.end(), ("Organisation",), window=0)
            bought = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if buyer is not None and bought is not None and buyer.entity.cls in INVESTOR_CLASSES:
                self.add(buyer.entity, "investedIn", "acquired-by", 0.6, self.span(s), obj=bought.entity)
        for match in JOINT_INVESTMENT.finditer(s.text):
            place = self.at(s.start + match.end(), ("Region", "Organisation"), window=0)
            if place is None or (place.kind == "Region" and place.entity.cls in ("Country", "MacroRegion")):
                continue
            agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if agent is None or agent.entity.cls not in INVESTOR_CLASSES:
                continue
            for who in (agent, *self.list_before(agent, ("Organisation",))):
                if who.entity.cls in INVESTOR_CLASSES:
                    self.add(who.entity, "investedIn", "joint-investment", 0.55, self.span(s), obj=place.entity)
        for match in BASED_REFERENT.finditer(s.text):
            place = self._region_named(match.group("place"))
            opening = self.first_starting(s, ("Organisation",), s.start, s.start + match.start())
            company = opening.entity if opening is not None else self._it_before(s) if match.start() == 0 else None
            if place is not None and company is not None and company.cls == "Company" and place.kind == "Region":
                self.add(company, "headquarteredIn", "the-place-based-company", 0.55, self.span(s), obj=place)
        regions = [m for m in self._all_index.starting(s.start, s.end) if m.kind == "Region" and m.entity]
        for m in regions:  # nested ones too: "The government of Y, where X is building ..."
            if m.entity.cls in ("Country", "MacroRegion") or not WHERE_BUILDS.match(self.body, m.end, s.end):
                continue
            agent = self.at(m.end, ("Organisation",), gap=r"^, where (?:the )?$", window=12)
            if agent is None or agent.entity.cls not in INVESTOR_CLASSES:
                continue
            verb = FACILITY_VERB_AFTER.match(self.body, agent.end, s.end)
            if verb is not None and FACILITY_OBJECT.match(self.body, verb.end(), s.end) is not None:
                self.add(agent.entity, "investedIn", "where-builds", 0.55, self.span(s), obj=m.entity)

    def _relative_between(self, s: Sentence, low: int, high: int) -> bool:
        """Whether a relative clause (", which ...") opens between `low` and `high` on a noun other than the name
        ending at `low`: its verb is then that noun's, not the name's."""
        _, relative, relative_ends, _, _ = self._clause_marks(s)
        j = bisect.bisect_right(relative_ends, high) - 1
        return j >= 0 and relative[j][0] > low and bool(self.body[low : relative[j][0]].strip(" ()"))

    def groups(self) -> dict[tuple[int, str], list[DraftEntity]]:
        """Counted groups the text lists ("The three state-owned banks include A, B and C"), by count and
        noun: a later or earlier "the three state-owned banks" means each of them. The list must hold as many
        organisations as the count says."""
        if self._groups is None:
            self._groups = {}
            for s in self.doc.sentences:
                for match in GROUP.finditer(s.text):
                    lead = GROUP_LIST.match(s.text[match.end() :])
                    count = number(match.group("count"))
                    if lead is None or count is None or count < 2:
                        continue
                    start = match.end() + lead.end()
                    members = []
                    for a, b in list_items(s.text, start, len(s.text.rstrip("."))):
                        member = self.first_starting(s, ("Organisation",), s.start + a, s.start + b)
                        if member is not None and member.entity not in members:
                            members.append(member.entity)
                    if len(members) == count:
                        self._groups.setdefault((count, match.group("noun").lower()), members)
        return self._groups

    def group_named(self, text: str) -> list[DraftEntity]:
        """The members of the counted group a phrase names ("three state-owned banks"), or none."""
        match = GROUP.fullmatch(text.strip())
        if match is None or not self.groups():
            return []
        count = number(match.group("count"))
        return self.groups().get((count, match.group("noun").lower()), []) if count is not None else []

    def head_of_phrase(self, s: Sentence, m: Mention | None) -> Mention | None:
        """ "the X Park in the Y new area will be managed by": the thing before a place that locates it."""
        if m is None or m.kind != "Region":
            return m
        before = self.at_end(m.start, ("Organisation", "Region", "Policy", "Event"), r"^ (?:in|at|of) (?:the )?$")
        return before if before is not None and before.start >= s.start else m

    def list_after(self, s: Sentence, first: Mention, kinds: tuple[str, ...]) -> list[Mention]:
        """The mentions listed after `first` ("A, B and C"), each after ", " or " and "."""
        out, last = [], first
        while True:
            # "A (AB), B and C": an acronym in brackets may follow a name of the list
            more = self.at(last.end, kinds, gap=r"^(?: [(（][^()（）]{1,15}[)）])?(?:,? and|,) (?:the )?$", window=26)
            if more is None or more.end > s.end:
                return out
            if len(re.sub(r"^ [(（][^()（）]{1,15}[)）]", "", self.body[last.end : more.start])) > 8:
                return out  # (the gap, but for the acronym, is as short as a list's)
            out.append(more)
            last = more

    def _fund_before(self, s: Sentence, position: int) -> DraftEntity | None:
        """The fund the text is about at `position`: the fund named last, in this sentence or the three before (an
        amount put in with no recipient named goes to it)."""
        low = self.doc.sentences[max(0, s.index - 3)].start
        i = bisect.bisect_left(self._outer_starts, position)
        for k in range(i - 1, max(-1, i - 1 - REFER_REACH), -1):  # names and descriptions ("the fund's capital")
            o = self._outer[k]
            if o.start < low:
                return None
            if o.end <= position and o.entity.cls == "Fund":
                return o.entity
        return None

    def list_before(self, last: Mention, kinds: tuple[str, ...]) -> list[Mention]:
        """The mentions listed before `last` when it ends a list ("A, B and C"): only when an " and " joins
        `last` to the one before (a lone ", " is an apposition, not a list)."""
        out: list[Mention] = []
        first = self.at_end(last.start, kinds, r"^,? and (?:the )?$")
        while first is not None and len(out) < 12:
            out.append(first)
            first = self.at_end(first.start, kinds, r"^, (?:the )?$")
        return out

    def _organisation_named(self, name: str) -> DraftEntity | None:
        found = [e for e in self.entities if e.kind == "Organisation" and (e.label == name or name in e.aliases)]
        return found[0] if len(found) == 1 else None

    def _region_named(self, name: str) -> DraftEntity | None:
        found = [e for e in self.entities if e.kind == "Region" and (e.label == name or name in e.aliases)]
        return found[0] if len(found) == 1 else None

    def at_end(self, position: int, kinds: tuple[str, ...], gap: str) -> Mention | None:
        """The outermost mention of a kind that ends shortly before `position`, with text matching `gap` between."""
        i = bisect.bisect_left(self._outer_starts, position)
        for k in range(i - 1, max(-1, i - 6), -1):
            m = self._outer[k]
            if m.kind in kinds and m.end <= position and re.match(gap, self.body[m.end : position]):
                return m
        return None

    def titled_posts(self, s: Sentence) -> None:
        """ "Mayor Lin Haoran", "Professor X of the Y", "X, a Y vice president": a post and where it is held."""
        for person in self.in_sentence(s, ("Person",)):
            if person.rule != "person-title" and not any(m.rule == "person-title" for m in person.entity.mentions):
                continue
            titled = person if person.rule == "person-title" else None
            if titled is None:
                continue
            title = (titled.head or "").strip()
            role = title.lower().replace("prof", "professor") if title.lower() == "prof" else title.lower()
            org = self.at(person.end, ("Organisation",), gap=r"^,? (?:of|at|from|with) (?:the )?$", window=12)
            target = org.entity if org is not None else None
            if org is None:
                start = person.start - len(title) - 1
                # "Xyz Mayor Zhou Qi", "Xyz's chairman Zhou Qi", "Xyz Chairman and President Zhou Qi"
                org = self.at_end(start, ("Organisation", "Region"), OTHER_TITLE_BEFORE) if start > s.start else None
                target = org.entity if org is not None else None
                low = max(s.start, start - 40)
                lead = PLACE_BEFORE_TITLE.search(self.body, low, max(low, start)) if org is None else None
                if lead is not None:  # a place's name before the title that no rule took as a mention
                    cores = self._region_cores().get(norm(lead.group("place")), [])
                    target = self._region_named(lead.group("place")) or (cores[0] if len(cores) == 1 else None)
            if target is not None and target.kind == "Region":
                target = self._government_of(target) or target
            level = role.split()[0] if role.split()[0] in ("provincial", "municipal") else ""
            role = role.removeprefix(level).strip() if level else role
            if target is None and level:  # "Provincial Party Chief X": the article's one province
                target = self._region_for("governor" if level == "provincial" else "mayor")
            if target is None and role in TITLE_BODY:
                target = self._body_for(*TITLE_BODY[role]) or self._region_for(role) or self._region_in(s, role)
            if target is None and role in HEAD_OF_STATE:  # "President X", "Vice Minister of ... X": the country's
                countries = [e for e in self.entities if e.cls == "Country"]
                target = countries[0] if len(countries) == 1 else None
            if target is None and role in COMPANY_TITLES:
                # "Xyz filed ..., CEO Zhou Qi told ...", "the fund invested ..., said General Manager Zhou Qi": the
                # organisation the sentence opens with
                subject = self.first_starting(s, ("Organisation",), s.start, person.start)
                if subject is not None and subject.entity.cls in ("Company", "Fund", "Organisation"):
                    target = subject.entity
                elif subject is None and not any(
                    m.start > person.end and m.entity.cls != "MediaOutlet"
                    for m in self.in_sentence(s, ("Organisation",))
                ):
                    # "“...,” founder and CEO Zhou Qi told ...": no organisation in the sentence, the company the
                    # sentence before opens with
                    before = self._it_before(s)
                    target = before if before is not None and before.cls in ("Company", "Fund") else None
            if target is not None:
                self.add(person.entity, "holdsPostIn", "title-before-name", 0.7, self.span(s), obj=target, role=role)
        for person in self.in_sentence(s, ("Person",)):
            title = ORG_TITLE_BEFORE_NAME.search(self.body, max(s.start, person.start - 40), person.start)
            org = self.at_end(title.start(), ("Organisation",), r"^$") if title else None
            if org is not None and org.entity.cls != "MediaOutlet":  # "Xyz chief Zhou Qi"
                role = title.group("title").lower()
                self.add(person.entity, "holdsPostIn", "org-title-name", 0.65, self.span(s), obj=org.entity, role=role)
            bracket = BRACKET_POST.match(self.body, person.end)
            org = self.at(bracket.end(), ("Organisation",), window=2) if bracket else None
            if org is not None:  # "Zhou Qi (chairman, Xyz)"
                role = bracket.group("title").lower()
                self.add(person.entity, "holdsPostIn", "bracket-post", 0.65, self.span(s), obj=org.entity, role=role)
        for match in PERSON_WITH.finditer(s.text):  # "said Zhou Qi with Xyz's Reform Committee"
            person = self.at_end(s.start + match.start(), ("Person",), r"^$")
            org = self.at(s.start + match.end(), ("Organisation",), window=2) or self.at(
                s.start + match.end(), ("Organisation",), gap=r"^[A-Z][\w-]*(?: [A-Z][\w-]*)?[’']s $", window=30
            )
            if person is not None and org is not None and _SPEECH.search(s.text):
                self.add(person.entity, "holdsPostIn", "person-with", 0.55, self.span(s), obj=org.entity, role="member")
        for match in HEADED_BY.finditer(s.text):
            person = self.at(s.start + match.end(), ("Person",), window=2)
            org = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if person and org:
                self.add(person.entity, "holdsPostIn", "headed-by", 0.65, self.span(s), obj=org.entity, role="head")
        for match in WHO_HEADS.finditer(s.text):
            person = self.at_end(s.start + match.start(), ("Person",), r"^$")
            org = self.at(s.start + match.end(), ("Organisation",), window=2)
            if person and org:
                self.add(person.entity, "holdsPostIn", "who-heads", 0.65, self.span(s), obj=org.entity, role="head")
        for person in self.in_sentence(s, ("Person",)):
            before = self.body[max(s.start, person.start - 70) : person.start]
            match = REFERENT_POST.search(before)
            if match is None:
                continue
            kinds = {"province": ("Province", "Region"), "city": ("City", "Municipality"), "country": ("Country",)}
            wanted = kinds.get(match.group("ref"), ("District", "Region", "City"))
            place = next(
                (o.entity for o in self._before(person.start - len(match.group())) if o.entity.cls in wanted), None
            )
            if place is not None:
                role = match.group("post").lower()
                self.add(person.entity, "holdsPostIn", "referent-post", 0.6, self.span(s), obj=place, role=role)
        for match in POST_BEFORE_NAME.finditer(s.text):  # "<Organisation> spokesman X", "<Org>'s chairman X"
            person = self.at(s.start + match.start("name"), ("Person",), window=0)
            org = self.at_end(s.start + match.start(), ("Organisation",), r"^(?:[’']s)? $")
            if person and org:
                role = match.group("title")
                self.add(person.entity, "holdsPostIn", "org-post-name", 0.7, self.span(s), obj=org.entity, role=role)
        for match in WHO_IS_POST.finditer(s.text):
            person = self.at_end(s.start + match.start(), ("Person",), r"^$")
            # "..., who was previously the chief scientist of Xyz's research unit": Xyz; else the sentence's subject
            named = self.at(s.start + match.end(), ("Organisation",), gap=r"^ (?:of|at) (?:the )?$", window=10)
            orgs = (
                [named]
                if named
                else [m for m in self.in_sentence(s, ("Organisation",)) if person and m.end <= person.start]
            )
            if person and orgs:
                role = match.group("post").lower()
                self.add(person.entity, "holdsPostIn", "who-is-post", 0.65, self.span(s), obj=orgs[0].entity, role=role)
        for match in POST_OF_NAMED_RE.finditer(s.text):
            org = self.at(s.start + match.start("org"), ("Organisation",), window=0)
            person = self.at_end(s.start + match.start(), ("Person",), r"^(?: ?[(（][^)）]{1,12}[)）])?$")
            if org and person:
                post = match.group("post").lower()
                self.add(person.entity, "holdsPostIn", "post-of-named", 0.75, self.span(s), obj=org.entity, role=post)

    def posts_in_governments(self) -> None:
        """A mayor's or a governor's post is in the place's government when the text names that government ("Zhou
        Qi, governor of Abc Province" in an article about "the Abc provincial government"), else in the place."""
        governments: dict[int, list[DraftEntity]] = {}
        for st in self.statements.values():
            if (
                st.predicate == "jurisdiction"
                and st.object is not None
                and st.subject.cls == "GovernmentBody"
                and "government" in norm(st.subject.label)
            ):
                governments.setdefault(id(st.object), []).append(st.subject)
        for key, st in list(self.statements.items()):
            if st.predicate != "holdsPostIn" or st.object is None or st.object.kind != "Region":
                continue
            if not re.search(r"\b(?:mayor|governor)\b", st.role or ""):
                continue
            bodies = governments.get(id(st.object), [])
            if len(bodies) == 1:
                del self.statements[key]
                self.add(st.subject, st.predicate, st.rule, st.confidence, st.evidence[0], obj=bodies[0], role=st.role)

    def _government_of(self, region: DraftEntity) -> DraftEntity | None:
        for st in self.statements.values():
            if st.predicate == "jurisdiction" and st.object is region and st.subject.cls == "GovernmentBody":
                return st.subject
        found = [
            e for e in self.entities if e.cls == "GovernmentBody" and norm(e.label).startswith(norm(region.label) + " ")
        ]
        return found[0] if len(found) == 1 else None

    def _region_for(self, role: str) -> DraftEntity | None:
        """A governor's province or a mayor's city when the article names no government: its one such region."""
        classes = ("Province", "AutonomousRegion") if "governor" in role else ("City",) if "mayor" in role else ()
        found = [e for e in self.entities if e.cls in classes]
        return found[0] if len(found) == 1 else None

    def _region_in(self, s: Sentence, role: str) -> DraftEntity | None:
        """ "..., said Mayor Zhou Qi" in an article of several cities: the one city (a governor's: province) the
        sentence names."""
        classes = ("Province", "AutonomousRegion") if "governor" in role else ("City", "Municipality")
        found = {id(m.entity): m.entity for m in self.in_sentence(s, ("Region",)) if m.entity.cls in classes}
        if ("mayor" not in role and "governor" not in role) or len(found) != 1:
            return None
        region = next(iter(found.values()))
        return self._government_of(region) or region

    def apposed_posts(self, s: Sentence) -> None:
        """Posts in the apposition after a name in the wordings the name stage's list leaves out: "Zhou Qi (周琦),
        deputy-governor of Abc province", "Zhou Qi, the party secretary for Xyz county", "Zhou Qi, Xyz Group
        Chairman and Party Secretary"."""
        people = self.in_sentence(s, ("Person",))
        for person in people:
            tail = self.body[person.end : min(s.end, person.end + 90)]
            if not tail.startswith((",", " (", " （", "(", "（")):
                continue
            place_or_org = self._post_holder_after(person.end)
            if place_or_org is not None:
                holder, role = place_or_org
                self.add(person.entity, "holdsPostIn", "apposed-post", 0.65, self.span(s), obj=holder, role=role)
                self._chained_posts(s, person, holder)
                continue
            org = self.at(person.end, ("Organisation",), gap=r"^, (?:the )?$", window=6)
            post = ORG_THEN_POST.match(self.body, org.end, s.end) if org is not None else None
            if org is not None and post is not None and org.entity.cls != "MediaOutlet":
                role = post.group("post").lower()
                self.add(person.entity, "holdsPostIn", "name-org-post", 0.6, self.span(s), obj=org.entity, role=role)

    def _chained_posts(self, s: Sentence, person: Mention, first: DraftEntity) -> None:
        """ "<name>, Member of A, Secretary of B and Director of C": each further post of the chain, in the
        organisation named right after it (at most six links; the chain ends at the first other words)."""
        last = next((m for m in self.in_sentence(s) if m.start > person.end and m.entity is first), None)
        for _ in range(6):
            if last is None:
                return
            link = CHAINED_POST.match(self.body, last.end, s.end)
            holder = self.at(link.end(), ("Organisation", "Region"), window=0) if link else None
            if holder is None or "founder" in link.group("post").lower():
                return
            if holder.kind == "Organisation" or holder.entity.cls not in ("Country", "MacroRegion"):
                role = link.group("post").lower()
                self.add(person.entity, "holdsPostIn", "chained-post", 0.6, self.span(s), obj=holder.entity, role=role)
            last = holder

    def _post_holder_after(self, position: int) -> tuple[DraftEntity, str] | None:
        """The organisation (or the place) a post in the apposition at `position` is held in, and the post."""
        i = bisect.bisect_left(self._outer_starts, position)
        while i < len(self._outer) and self._outer[i].start <= position + 80:
            m = self._outer[i]
            i += 1
            if m.kind not in ("Organisation", "Region") or (m.kind == "Region" and self.body.startswith("-", m.end)):
                continue  # "head of Xyz-based Abc": Abc
            link = APPOSED_POST.match(self.body[position : m.start])
            if link is None:
                return None  # the first name after the apposition decides
            if (m.kind == "Region" and m.entity.cls in ("Country", "MacroRegion")) or "founder" in link.group(
                "post"
            ).lower():
                return None  # a founder is said to have founded it (another rule), not to hold a post
            return m.entity, link.group("post").lower()
        return None

    def _body_for(self, levels: tuple[str, ...], noun: str) -> DraftEntity | None:
        """The article's one government (or party committee) of a level: a mayor's is the municipal government."""
        found = [
            e
            for e in self.entities
            if e.kind == "Organisation"
            and any(w in norm(e.label) for w in levels)
            and norm(e.label).endswith(noun)
            and " of " not in norm(e.label)
        ]
        return found[0] if len(found) == 1 else None

    def mentioned(self) -> None:
        """Every entity no rule linked still reaches the graph: the article mentions it, with the sentence that
        names it first as evidence (a name parked aside was a name lost)."""
        linked = {id(st.subject) for st in self.statements.values()}
        linked |= {id(st.object) for st in self.statements.values() if st.object is not None}
        for e in self.entities:
            if id(e) in linked or e.kind == "Article":
                continue
            named = [m for m in e.mentions if not m.descriptive]
            if not named:
                continue
            first = min(named, key=lambda m: m.start)
            sentence = self.doc.sentence_at(first.start)
            span = self.span(sentence) if sentence.start <= first.start < sentence.end else (first.start, first.end)
            self.add(self.article, "mentions", "article-mentions", 0.9, span, obj=e)

    def article_lines(self) -> None:
        """ "Author: X" and "Source: Y" lines, "By X | Outlet" bylines and the front matter's names where the
        body has them: the article's author and publisher; a dateline's agency is mentioned. The people and the
        outlet the front matter names are left out: kg build makes their author/publisher statements from it."""
        source = self.doc.source
        given = {n.casefold() for n in (*source.authors, source.publisher) if n}

        def from_front_matter(e: DraftEntity) -> bool:
            return any(n.casefold() in given for n in (e.label, *e.aliases))

        for m in self.mentions:
            if m.entity is None:
                continue
            if m.rule in ("byline-by", "front-matter", "byline", "source-line") and from_front_matter(m.entity):
                continue
            if m.rule in ("byline-by", "front-matter", "dateline-agency"):
                para = self.doc.paragraph_at(m.start)
                sentence = self.doc.sentence_at(m.start)
                span = (para.start, para.end) if m.rule == "byline-by" else self.span(sentence)
                if m.entity.cls == "Person" and m.rule != "dateline-agency":
                    self.add(self.article, "author", m.rule, 0.9, span, obj=m.entity)
                elif m.entity.cls == "MediaOutlet" and m.rule == "dateline-agency":
                    self.add(self.article, "mentions", m.rule, 0.85, span, obj=m.entity)
                elif m.entity.cls == "MediaOutlet" and (m.rule == "byline-by" or m.name == self.doc.source.publisher):
                    self.add(self.article, "publisher", m.rule, 0.9, span, obj=m.entity)
            if m.rule == "byline" and m.entity:
                para = next(p for p in self.doc.paragraphs if p.start <= m.start < p.end)
                self.add(self.article, "author", "byline", 0.95, (para.start, para.end), obj=m.entity)
            if m.rule == "source-line" and m.entity:
                para = next(p for p in self.doc.paragraphs if p.start <= m.start < p.end)
                self.add(self.article, "publisher", "source-line", 0.9, (para.start, para.end), obj=m.entity)

    def jointly(self, s: Sentence) -> None:
        """ "<X>, (which was) jointly established by A, B and C, was ... established (in P)": coFoundedBy each."""
        for match in JOINTLY.finditer(s.text):
            subject = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if subject is None:
                continue
            for a, b in list_items(s.text, match.start("list"), match.end("list")):
                founder = self.first_starting(s, ("Organisation", "Person"), s.start + a, s.start + b)
                if founder:
                    self.add(
                        subject.entity,
                        "coFoundedBy",
                        "jointly-established-by",
                        0.8,
                        self.span(s),
                        obj=founder.entity,
                        date=s.date,
                    )
            rest = s.text[match.end("list") :]
            if s.date and re.search(
                r"\b(?:was|were) (?:officially )?(?:established|launched|unveiled|founded|set up|inaugurated)\b", rest
            ):
                self.add(subject.entity, "foundingDate", "founded-on-date", 0.7, self.span(s), value=s.date)

    def founded(self, s: Sentence) -> None:
        """ "<agent> established a/an <organisation> (in P)", "<X>, ... founded by <Y> in <year>", "set up a company, Z"."""
        for match in FOUND.finditer(s.text):
            pos = s.start + match.end()
            target = self.at(pos, ("Organisation",), gap=r"^(?:a |an |the )?$", window=12)
            if target is None:
                continue
            agent = self.agent_before(s, s.start + match.start(), ("Organisation", "Person"))
            if agent is None:
                continue
            self.add(target.entity, "foundedBy", "agent-established", 0.7, self.span(s), obj=agent.entity)
            place = self.at(target.end, ("Region",), gap=r"^[^.;“”\"]{0,40}? in (?:the )?$", window=60)
            if place is None and target.rule == "org-established-noun":
                inside = self._all_index.starting(target.start + 1, target.end - 1)
                place = min(
                    (m for m in inside if m.kind == "Region" and m.entity and target.start < m.start < target.end),
                    key=lambda m: (m.start, -m.end),
                    default=None,
                )
            if place:
                self.add(target.entity, "locatedIn", "established-in", 0.65, self.span(s), obj=place.entity)
        for match in FOUNDED_BY.finditer(s.text):
            founder = self.at(s.start + match.end(), ("Person", "Organisation"), window=3)
            organisation = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if founder is None or organisation is None:
                continue
            self.add(organisation.entity, "foundedBy", "founded-by", 0.7, self.span(s), obj=founder.entity)
            others = self.list_after(s, founder, ("Person", "Organisation"))
            if others:  # "established by A and B": founded together
                for f in (founder, *others):
                    self.add(organisation.entity, "coFoundedBy", "founded-by", 0.65, self.span(s), obj=f.entity)
                self.statements.pop((id(organisation.entity), "foundedBy", id(founder.entity), None), None)
            year = re.match(r" in (\d{4})\b", self.body[founder.end : founder.end + 9])
            year_text = match.group("year") or (year.group(1) if year else "")
            if year_text:
                self.add(organisation.entity, "foundingDate", "founded-in-year", 0.65, self.span(s), value=year_text)
        for match in FOUNDED_YEAR.finditer(s.text):
            # an organisation, or a zone or park ("The new area, established in 2017, ...")
            organisation = self.agent_before(s, s.start + match.start() + 1, ("Organisation", "Region"))
            if organisation is None and re.search(
                r"[)）]?, (?:a|an) [^,;]{0,60}$",
                self.body[max(s.start, match.start() + s.start - 70) : s.start + match.start()],
            ):  # "..., and B (BC), a government-guided organisation founded in 2017": B, though it ends a list
                organisation = self.last_before(s, ("Organisation",), s.start + match.start())
            if (
                organisation is not None
                and organisation.kind == "Region"
                and organisation.entity.cls not in lx.ZONE_CLASSES
            ):
                organisation = None
            if organisation is None and match.start() == 0:  # "Founded in 2014, Xyz ..."
                organisation = self.at(s.start + match.end(), ("Organisation",), gap=r"^,? (?:the )?$", window=6)
            target = organisation.entity if organisation is not None else None
            if target is None and (
                (match.start() == 0 and re.match(r",? it\b", s.text[match.end() :]))
                or re.search(r"\b[Ii]t (?:was |has been |had been )?$", s.text[: match.start()])
            ):  # "Founded in 2012, it has ...": the organisation before; "Since it was set up in 2016, Xyz
                # has ...": Xyz, the subject the clause leads to
                main = re.match(r"[^,;]{0,40}, (?:the )?", s.text[match.end() :])
                after = self.at(s.start + match.end() + main.end(), ("Organisation",), window=0) if main else None
                target = after.entity if after is not None and match.start() > 0 else self._it_before(s)
            if target is not None:
                year_text = match.group("year")
                if match.group("month"):
                    year_text += f"-{when.MONTHS[match.group('month').lower()]:02d}"
                self.add(target, "foundingDate", "founded-in-year", 0.6, self.span(s), value=year_text)
        for match in ITS_FOUNDING.finditer(s.text):  # "since its establishment in May 2016"
            subject = self.first_starting(s, ("Organisation", "Region"), s.start, s.start + match.start())
            target = subject.entity if subject is not None else self._it_before(s)
            if target is not None and (target.kind == "Organisation" or target.cls in lx.ZONE_CLASSES):
                value = match.group("year")
                if match.group("month"):
                    value += f"-{when.MONTHS[match.group('month').lower()]:02d}"
                self.add(target, "foundingDate", "its-founding", 0.6, self.span(s), value=value)
        for a, b in itertools.pairwise(self.in_sentence(s, ("Organisation",))):
            between = self.body[a.end : b.start]
            if re.fullmatch(r",? (?:is|was|as|becomes|became) |, ", between) and POSSESSIVE_SUBSIDIARY.match(
                self.body, b.end
            ):  # "X is Y's main subsidiary"
                self.subsidiary(a.entity, b.entity, "possessive-subsidiary", s)
        for a, b in itertools.pairwise(self.in_sentence(s, ("Organisation",))):
            between = self.body[a.end : b.start]
            if DESCRIBED_UNDER.match(between) or PARENT_POSSESSIVE.match(between):
                self.subsidiary(a.entity, b.entity, "described-under", s)
            elif POSSESSIVE_UNIT_BEFORE.match(between):  # "Xyz's banking unit Abc"
                self.subsidiary(b.entity, a.entity, "possessive-unit", s)
            elif PARENT_OF.match(between):
                self.subsidiary(b.entity, a.entity, "parent-of", s)
        for match in SUBSIDIARY_OF.finditer(s.text):
            parent = self.at(s.start + match.end(), ("Organisation",), window=3)
            child = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if (
                child is not None
                and re.search(r"(?:unit|arm|division) of", match.group())
                and not re.fullmatch(r",? ?", self.body[child.end : s.start + match.start()])
            ):
                child = None  # "X put in ..., and a finance arm of Y added more": the arm is unnamed
            if parent and child:
                self.subsidiary(child.entity, parent.entity, "subsidiary-of", s)
        for match in ITS_SUBSIDIARY.finditer(s.text):
            child = self.at(s.start + match.end(), ("Organisation",), window=3)
            previous = self.doc.sentences[s.index - 1] if s.index else None
            owners = self.in_sentence(previous, ("Organisation",)) if previous else []
            if child and owners:  # "Its subsidiary X": its = the subject of the sentence before
                self.subsidiary(child.entity, owners[0].entity, "its-subsidiary", s)
        for match in FOUNDED_OBJECT.finditer(s.text):  # "X created its first chip fund in 2014"
            organisation = self.at(s.start + match.end(), ("Organisation",), window=2)
            year = FOUNDED_OBJECT_YEAR.match(self.body, organisation.end) if organisation is not None else None
            if year is not None:
                value = year.group("year")
                if year.group("month"):
                    value += f"-{when.MONTHS[year.group('month').lower()]:02d}"
                self.add(organisation.entity, "foundingDate", "founded-in-year", 0.6, self.span(s), value=value)
        for match in FOUNDED_PASSIVE.finditer(s.text):
            subject = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if subject is not None and len(s.date) >= 7 and subject.entity.cls in ("Fund", "Company", "Organisation"):
                self.add(subject.entity, "foundingDate", "founded-on-date", 0.6, self.span(s), value=s.date)
        for match in NEWLY_FOUNDED.finditer(s.text):  # "the newly founded X": founded when the sentence says
            organisation = self.at(s.start + match.end(), ("Organisation",), window=2)
            if organisation is not None and s.date:
                self.add(organisation.entity, "foundingDate", "newly-founded", 0.6, self.span(s), value=s.date)
        founded_in = FOUNDED_IN.match(s.text)
        if founded_in:
            organisation = self.at(s.start + founded_in.end(), ("Organisation",), window=2)
            if organisation:
                year = founded_in.group("year")
                self.add(organisation.entity, "foundingDate", "founded-in-year", 0.65, self.span(s), value=year)
        for match in SUBSIDIARY.finditer(s.text):
            child = self.at(s.start + match.end(), ("Organisation",))
            agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if child and agent:
                self.add(child.entity, "subOrganisationOf", "set-up-company", 0.7, self.span(s), obj=agent.entity)

    def _it_before(self, s: Sentence) -> DraftEntity | None:
        """What "it" names: the organisation (or zone) the sentence before opens with."""
        if s.index == 0:
            return None
        before = self.doc.sentences[s.index - 1]
        first = self.first_starting(before, ("Organisation", "Region"), before.start, before.end)
        if first is None or (first.kind == "Region" and first.entity.cls not in lx.ZONE_CLASSES):
            return None
        return first.entity

    def subsidiary(self, child: DraftEntity, parent: DraftEntity, rule: str, s: Sentence) -> None:
        """A subsidiary is part of its parent, and of the parent's kind when nothing said more (a company's
        subsidiary is a company)."""
        self.add(child, "subOrganisationOf", rule, 0.7, self.span(s), obj=parent)
        if child.cls == "Organisation" and parent.cls == "Company":
            child.cls = "Company"

    def located(self, s: Sentence) -> None:
        """ "<X> is headquartered / registered / located / opened in <region>" (and "... there")."""
        opening = BASED_OPENING.match(s.text)
        if opening is not None:  # "Based in Xyz, Abc Group makes ..." (based: located, as "based in" is below)
            predicate = "headquarteredIn" if opening.group().startswith("Headquartered") else "locatedIn"
            place = self.at(s.start + opening.end(), ("Region",), window=2)
            company = (
                self.at(place.end, ("Organisation",), gap=r"^(?:, [A-Z][\w-]+)?, (?:the )?$", window=30)
                if place
                else None
            )
            if place is not None and company is not None:
                self.add(company.entity, predicate, "based-in-opening", 0.7, self.span(s), obj=place.entity)
        mentions = self.in_sentence(s, ("Organisation", "Region"))
        for a, b in itertools.pairwise(mentions):
            between = self.body[a.end : b.start]
            if a.kind == "Organisation" and b.kind == "Region" and HEADQUARTERS_IN.match(between):
                self.add(a.entity, "headquarteredIn", "headquarters-in", 0.7, self.span(s), obj=b.entity)
            if (
                a.kind == "Region"
                and b.kind == "Organisation"
                and HEADQUARTERS_LOCATION.match(between)
                and re.match(r"[’']s? (?:global |main )?head ?quarters\b", self.body[b.end : b.end + 25])
            ):
                self.add(b.entity, "headquarteredIn", "location-of-headquarters", 0.7, self.span(s), obj=a.entity)
        for match in THERE.finditer(s.text):
            there = self.starting_at(s.start + match.end() - 5, lambda m: m.head == "there")
            agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if there is not None and there.entity is not None and agent is not None:
                predicate = PREDICATE_OF_VERB.get(match.group("verb"), "locatedIn")
                self.add(agent.entity, predicate, f"{match.group('verb')}-there", 0.6, self.span(s), obj=there.entity)
        for match in LOCATED.finditer(s.text):
            region = self.at(s.start + match.end(), ("Region",), window=3) or self.at(
                s.start + match.end(), ("Region",), gap=rf"^{_COMPASS_WORD} $", window=16
            )  # "in eastern <country>’s ..."
            if region is None:
                region = self.starting_at(s.start + match.end(), lambda m: m.head == "there")
                if region is None:
                    continue
            if region.entity is not None and region.entity.cls == "Country":  # "in eastern <country>’s city of Xyz"
                region = self.at(region.end, ("Region",), gap=POSSESSIVE_REGION.pattern, window=20) or region
                if region.entity.cls == "Country" and match.group("verb") not in SEAT_VERBS:
                    continue  # "launched in <country>": a market, not a seat
            target = self.entity(region)
            verb = match.group("verb")
            agent = self.agent_before(s, s.start + match.start(), ("Organisation", "Region"))
            if agent is None or target is None:
                continue
            if agent.kind == "Region":
                if verb in ("located", "based") and re.fullmatch(
                    r" (?:is|are|was|were) ", self.body[agent.end : s.start + match.start()]
                ):
                    self.add(agent.entity, "partOf", "located-in", 0.75, self.span(s), obj=target)
                continue
            predicate = PREDICATE_OF_VERB.get(verb, "locatedIn")
            self.add(agent.entity, predicate, f"{verb}-in", 0.7, self.span(s), obj=target)
            # "A and B — two state-owned firms — recently registered in X": both
            other = self.at_end(agent.start, ("Organisation",), r"^,? and (?:the )?$")
            if other is not None and verb in ("registered", "headquartered", "located", "based"):
                self.add(other.entity, predicate, f"{verb}-in", 0.65, self.span(s), obj=target)

    def issued(self, s: Sentence) -> None:
        """ "<agent> issued / released / announced <policy>", "approved <policy>", "<policy> launched by <agent>"."""
        for pattern, predicate, date_predicate, rule in (
            (ISSUE, "issuedBy", "dateIssued", "agent-issued"),
            (APPROVE, "approvedBy", "dateApproved", "agent-approved"),
        ):
            for match in pattern.finditer(s.text):
                policy = self.at(s.start + match.end(), ("Policy",), gap=ISSUED_GAP, window=64)
                target = policy.entity if policy is not None else self._policy_repeated(s.start + match.end())
                if target is None:
                    continue
                agent = self.agent_before(s, s.start + match.start(), ("Organisation", "Region"))
                # "The province unveiled a plan": the province named last
                issuer = agent.entity if agent is not None else self._place_described(s, s.start + match.start())
                if issuer is None:
                    continue
                if policy is None:
                    policy = next(m for m in target.mentions if not m.descriptive)
                opening = PLACE_OPENING.match(s.text) if agent is not None and issuer.cls == "Country" else None
                if opening and agent.start < s.start + opening.end() + 30:
                    # "The province in southern China, ..., unveiled a plan": the province, not the country
                    classes = PLACE_NOUNS[opening.group("noun").lower()]
                    issuer = next((o.entity for o in self._before(s.start) if o.entity.cls in classes), None)
                    if issuer is None:
                        continue
                self.add(policy.entity, predicate, rule, 0.75, self.span(s), obj=issuer, date=s.date)
                other = self.at_end(agent.start, ("Organisation",), r"^ and (?:the )?$") if agent is not None else None
                if other is not None and agent.kind == "Organisation":  # "A and B jointly issued"
                    self.add(policy.entity, predicate, rule, 0.7, self.span(s), obj=other.entity, date=s.date)
                if len(s.date) > 4:  # (a bare year in the sentence, "in 2020", may be the plan's target)
                    self.add(policy.entity, date_predicate, rule, 0.7, self.span(s), value=s.date)
        for match in PASSIVE_BY.finditer(s.text):
            # "<policy> ... launched by the country": the agent may be a description ("the country", "the state")
            agent = self.at(s.start + match.end(), ("Organisation", "Region"), window=3)
            policy = self.last_before(s, ("Policy",), s.start + match.start())
            if agent is not None and policy is not None:
                confidence = 0.45 if agent.descriptive else 0.5
                self.add(policy.entity, "issuedBy", "launched-by", confidence, self.span(s), obj=agent.entity)
                # "<policy> unveiled by <body> on <date>": the sentence's day is the policy's
                if len(s.date) > 7 and PASSIVE_DAY.match(self.body, agent.end):
                    self.add(policy.entity, "dateIssued", "launched-by", 0.65, self.span(s), value=s.date)
        for match in WAS_ISSUED.finditer(s.text):
            # "since an outline plan for Xyz was unveiled in February 2019": the date after the verb
            policy = self.last_before(s, ("Policy",), s.start + match.start())
            if policy is None or s.start + match.start() - policy.end > 1:
                continue
            day = when.dates_in(self.body[s.start + match.end() : s.end][:40], self.doc.anchor, self.doc.day)
            if day and len(day[0][1]) > 4 and day[0][0] <= 4:
                self.add(policy.entity, "dateIssued", "policy-was-issued", 0.65, self.span(s), value=day[0][1])
        for match in MEASURE_COUNT.finditer(s.text):
            before = self.last_before(s, ("Policy",), s.start + match.start())
            policies = [before] if before else []
            if not policies and re.match(r"(?:It|The (?:plan|document|policy|opinions|measures)) ", s.text):
                previous = self.doc.sentences[s.index - 1] if s.index else None  # "It sets out 18 measures"
                policies = self.in_sentence(previous, ("Policy",)) if previous else []
            n = number(match.group("n"))
            if policies and n is not None:
                self.add(policies[-1].entity, "measureCount", "puts-forward-measures", 0.7, self.span(s), value=str(n))

    def _policy_repeated(self, position: int) -> DraftEntity | None:
        """A titled document repeated in lower case after a verb ("has issued policies and measures to promote
        ..." after the title "Policies and Measures to Promote ..."): its first four words are enough."""
        if self._titles is None:
            self._titles = {}
            for e in self.entities:
                words = e.label.split()
                if e.kind == "Policy" and len(words) >= 5:
                    self._titles.setdefault(" ".join(words[:4]).lower(), e)
        words = re.match(r" ?(?:the )?((?:[\w’'-]+ ){3}[\w’'-]+)", self.body[position : position + 80], re.I)
        return self._titles.get(words.group(1).lower()) if words else None

    def document_titles(self) -> None:
        """ "Notice of <body> on Issuing the <title>": the body issued both; the notice is dated as the document."""
        for e in self.entities:
            titles = [m for m in e.mentions if m.rule == "policy-document-title" and m.head in DOCUMENT_WORDS]
            if not titles:
                continue
            m = titles[0]
            lead = re.match(r"\w+ of (?:the )?", m.text)
            body = max(
                (o for o in self._by_start.get(m.start + lead.end(), ()) if o.kind == "Organisation" and o.entity),
                key=lambda o: o.end - o.start,
                default=None,
            )
            inner = next(
                (
                    o
                    for o in self._all_index.starting(m.start + 1, m.end)
                    if o.rule == "policy-document-title" and o.entity is not None and o.entity is not e
                ),
                None,
            )
            if body is None:
                continue
            for policy in (e, inner.entity if inner else None):
                if policy is not None:
                    self.add(policy, "issuedBy", "document-title", 0.8, (m.start, m.end), obj=body.entity)
            if inner is None:
                continue
            for st in list(self.statements.values()):  # the notice is dated as what it issues
                if st.subject is inner.entity and st.predicate == "dateIssued" and st.value:
                    self.add(e, "dateIssued", "document-title", 0.7, (m.start, m.end), value=st.value)
                    for issued in self.statements.values():
                        if issued.subject in (e, inner.entity) and issued.predicate == "issuedBy" and not issued.date:
                            issued.date = st.value
                    break

    def events(self, s: Sentence) -> None:
        """ "<event> held by <organiser>", "<organiser> held a press conference to interpret <policy>"."""
        for match in HELD_BY.finditer(s.text):
            organiser = self.at(s.start + match.end(), ("Organisation",), window=3)
            event = self.last_before(s, ("Event",), s.start + match.start())
            if organiser and event and s.start + match.start() - event.end <= 2:
                self.add(event.entity, "organisedBy", "held-by", 0.8, self.span(s), obj=organiser.entity)
        for match in HOLD_EVENT.finditer(s.text):
            event = self.at(s.start + match.end(), ("Event",), window=2)
            if event is None:
                continue
            agent = self.agent_before(s, s.start + match.start(), ("Organisation",))
            if agent:
                self.add(event.entity, "organisedBy", "agent-held", 0.75, self.span(s), obj=agent.entity)
            about = ABOUT.match(self.body, event.end)
            if about:
                policy = self.at(about.end(), ("Policy",), window=2)
                if policy:
                    self.add(event.entity, "about", "held-to-interpret", 0.75, self.span(s), obj=policy.entity)

    def event_facts(self) -> None:
        """An event's date is the date of the sentence that reports it; "61st" in its name is its session; an event
        named after a company ("Xyz Cloud Summit") is that company's."""
        companies = {e.label: e for e in self.entities if e.cls == "Company"}
        for e in self.entities:
            if e.kind != "Event":
                continue
            host = companies.get(e.label.split()[0]) if len(e.label.split()) > 2 else None
            if host is not None and not any(
                st.subject is e and st.predicate == "organisedBy" for st in self.statements.values()
            ):
                first = e.mentions[0]
                self.add(e, "organisedBy", "named-after-organiser", 0.55, (first.start, first.end), obj=host)
            named = [m for m in e.mentions if not m.descriptive]
            if named:
                s = self.doc.sentence_at(named[0].start)
                # "<events>, which opened in Xyz on Sept 24": the clause's date, not the one the sentence opens with
                opened = EVENT_OPENED.search(self.body, named[0].end, min(s.end, named[0].end + 200))
                day = when.dates_in(self.body[opened.start() : s.end], self.doc.anchor, self.doc.day) if opened else []
                if day:
                    self.add(e, "startDate", "event-opened", 0.7, self.span(s), value=day[0][1])
                elif s.date:
                    self.add(e, "startDate", "event-sentence-date", 0.65, self.span(s), value=s.date)
            for m in named:
                ordinal = re.match(r"(\d+)(?:st|nd|rd|th) ", m.text)
                if ordinal:
                    self.add(e, "sessionNumber", "ordinal-in-name", 0.8, (m.start, m.end), value=ordinal.group(1))
                    break

    def posts(self, s: Sentence) -> None:
        """ "<person>, <post> of <organisation>" and "the <post> of <organisation> ... <person>"."""
        for match in APPOSITION.finditer(s.text):
            person = self.at(
                s.start + match.start("name"), ("Person",), gap=r"^(?:[A-Za-z]+ )*$", window=len(match.group("name"))
            )
            if person is None:
                continue
            after = s.start + match.end("post")
            org = (
                self.at(after, ("Organisation",), gap=r"^ (?:of|at|in|with) (?:the )?$", window=12)
                or self.at(after, ("Organisation",), gap=POST_ORG_DESCRIBED, window=70)
                or self.at(after, ("Organisation",), gap=PLACE_BASED_ORG, window=40)
            )
            if org is None:  # "Party secretary of <city>": the post is held in the place
                org = self.at(after, ("Region",), gap=r"^ of (?:the )?$", window=8)
            if org is None:
                # "X, chief of the Party Committee and president of Z": a first body no rule named, then Z
                unnamed = re.match(r" (?:of|at) (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*){0,4}", self.body[after : s.end])
                second = SECOND_POST.match(self.body, after + unnamed.end()) if unnamed else None
                other = self.at(second.end(), ("Organisation",), window=2) if second else None
                if other is not None:
                    role = second.group("post").lower()
                    self.add(
                        person.entity, "holdsPostIn", "post-apposition", 0.75, self.span(s), obj=other.entity, role=role
                    )
                continue
            post = re.sub(r"^(?:a|an|the) ", "", match.group("post"), flags=re.I)
            if re.match(r"(?i)(?:co-)?founder\b", post):
                predicate = "coFoundedBy" if post.lower().startswith("co-") else "foundedBy"
                self.add(org.entity, predicate, "founder-apposition", 0.8, self.span(s), obj=person.entity)
                if post.lower() in ("founder", "co-founder"):
                    continue  # a founder alone is said to have founded it, not to hold a post
            role = post
            if re.match(r"[’']s ", self.body[org.end : org.end + 3]):
                role = self.body[s.start + match.start("post") : s.start + match.end("post")]
                tail = re.match(r"[^,.;]*", self.body[after:])
                role = (role + tail.group()).strip() if tail else role
            self.add(person.entity, "holdsPostIn", "post-apposition", 0.8, self.span(s), obj=org.entity, role=role)
            second = SECOND_POST.match(self.body, org.end)  # "X, chief of the Y and president of Z": Z too
            other = self.at(second.end(), ("Organisation",), window=2) if second else None
            if other is not None and other.entity is not org.entity:
                role = second.group("post").lower()
                self.add(
                    person.entity, "holdsPostIn", "post-apposition", 0.75, self.span(s), obj=other.entity, role=role
                )
        for match in POST_OF_PLACE_NAME.finditer(s.text):
            holder = self.at(s.start + match.end(), ("Organisation", "Region"), window=2)
            if holder is None or holder.entity.cls == "MediaOutlet":
                continue
            person = self.at(holder.end, ("Person",), gap=r"^ $", window=1)
            if person is not None:  # "Party Secretary of Abc Province Zhou Qi told ...": the post comes as a title
                role = match.group("post").lower()
                self.add(
                    person.entity,
                    "holdsPostIn",
                    "post-of-before-name",
                    0.65,
                    self.span(s),
                    obj=holder.entity,
                    role=role,
                )
        for match in PRE_NAME_POST.finditer(s.text):
            org = self.at(s.start + match.end(), ("Organisation",), window=2)
            if org is None:
                continue
            person = self.at(org.end, ("Person",), gap=r"^(?: and (?:[a-z-]+ ){1,3})? ?$", window=40)
            if person:
                role = match.group("post")
                self.add(person.entity, "holdsPostIn", "post-before-name", 0.7, self.span(s), obj=org.entity, role=role)

    def speech(self, s: Sentence) -> None:
        """A person in a sentence with a speech verb is quoted; "at the <event>" makes them a speaker there."""
        verb = _SPEECH.search(s.text)
        people = [m for m in self.in_sentence(s, ("Person",)) if m.rule not in ("byline", "byline-by")] if verb else []
        speakers = self._speakers(s) if verb else []
        if speakers:  # a name next to a speech verb speaks; the others are spoken of
            people = [m for m in people if m in speakers]
        for person in people:
            if re.search(
                r"\b(?:told|asked) (?:[A-Z][\w&.-]*[’']s )?(?:reporters? )?$", self.body[s.start : person.start]
            ):
                continue  # "Shen told Beiwang's Anna Hollister": the one told is not quoted
            self.add(person.entity, "quotedIn", "speech-verb", 0.75, self.span(s), obj=self.article)
        pronoun = PRONOUN_SPEAKS.search(s.text) if verb else None
        if pronoun is not None and not any(pronoun.start() <= m.start - s.start < pronoun.end() for m in people):
            # "He stated that ...", "“...,” she said": the person named last, in this sentence or the two before
            # (the speaker quoted last goes on speaking, else the person named last)
            low = self.doc.sentences[max(0, s.index - 2)].start
            person = next(
                (o for o in self._before(s.start + pronoun.start()) if o.kind == "Person" and o.start >= low), None
            )
            speaker = self._last_speaker if self._last_speaker and self._last_speaker[0] >= s.index - 2 else None
            who = speaker[1] if speaker is not None else person.entity if person is not None else None
            if who is not None and (person is None or person.rule not in ("byline", "byline-by")):
                self.add(who, "quotedIn", "pronoun-speaks", 0.6, self.span(s), obj=self.article)
        for person in people:
            self._last_speaker = (s.index, person.entity)
        if not verb:  # "“...,” Dr. Zhou Qi, the founder of X.": a quotation signed with a name, no verb
            for person in self.in_sentence(s, ("Person",)):
                if QUOTE_SIGNED.search(self.body, max(s.start, person.start - 12), person.start):
                    self.add(person.entity, "quotedIn", "quote-signed", 0.65, self.span(s), obj=self.article)
        for org in self.in_sentence(s, ("Organisation",)):  # "Xyz said", "according to Xyz": a body quoted
            before = self.body[max(s.start, org.start - 50) : org.start]
            after_said = re.search(r"\b(?:said|says) (?:the )?$", before) and re.match(r"[.,;]", self.body[org.end :])
            speaks = ORG_SPEAKS.match(self.body, org.end)
            if speaks and "," in speaks.group() and self.at(org.end, ("Organisation", "Person", "Region"), window=3):
                speaks = None  # "A, B and C said": the list's last name speaks, not each one
            if speaks and re.search(r"\b(?:of|at|with|from|called|named) (?:the )?$", before):
                speaks = None  # "X, Secretary General of the Y (YZ) said": X speaks, Y is where X works
            if (
                speaks
                or (re.search(r"\b[Aa]ccording to (?:the )?$", before))
                or (SOURCE_BEFORE.search(before) and not re.match(r"[’']s\b", self.body[org.end : org.end + 2]))
                or after_said  # "..., said the company." (not "said the company had ...")
                or (REPORTS_BEFORE.search(before) and re.match(r" ?(?:[.,;\n]|$)", self.body[org.end : org.end + 2]))
            ):
                self.add(org.entity, "quotedIn", "speech-verb", 0.65, self.span(s), obj=self.article)
        spoke = False
        for at_event in SPEAKS_AT.finditer(s.text) if people else ():
            position = s.start + at_event.end()
            event = self.starting_at(position, lambda m: m.kind == "Event" and m.entity is not None)
            if event is None and AT_THE_EVENT.match(self.body, position):
                # "said at the event": the event the article named last
                event = next((o for o in self._before(position) if o.kind == "Event"), None)
            if event is not None and (event.descriptive or event.rule == "back-reference"):
                event = self._enclosing_event(event.entity, position) or event
            if event is not None:
                for person in people:
                    self.add(person.entity, "spokeAt", "spoke-at", 0.7, self.span(s), obj=event.entity, date=s.date)
                self._last_event_speech = (s.paragraph, event.entity, s.date)
                spoke = True
                break
        last = self._last_event_speech
        if (  # "X said at the forum ... Y also said ...": the next speaker (same or next paragraph) spoke there too
            people
            and not spoke
            and last is not None
            and last[0] >= s.paragraph - 1
            and ALSO_SAID.search(s.text)
            and not self.in_sentence(s, ("Event",))
        ):
            for person in people:
                self.add(person.entity, "spokeAt", "also-said", 0.6, self.span(s), obj=last[1], date=s.date or last[2])

    def _enclosing_event(self, event: DraftEntity, position: int) -> Mention | None:
        """ "At the meeting, ...": when the event's last name before sits inside another event's name ("Xyz Forum
        of the 2019 Abc Conference"), the meeting is the enclosing one, the one the sentence before reported."""
        named = next((o for o in self._before(position) if o.entity is event), None)
        if named is None:
            return None
        return max(
            (o for o in self._named_index.covering(named.start, named.end) if o.kind == "Event"),
            key=lambda o: o.end - o.start,
            default=None,
        )

    def _speakers(self, s: Sentence) -> list[Mention]:
        """The names right next to a speech verb: "<name>(, <apposition>,) said", "said <title> <name>". Empty when
        no name stands there (then every person of the sentence counts, as before)."""
        found: list[Mention] = []
        mentions, starts = self._sentence(s, ("Person", "Organisation"))

        def ending_by(position: int, kind: str = "") -> Mention | None:
            # the nearest mention ending by `position` (a few steps back: mentions rarely nest in a sentence's list)
            i = bisect.bisect_left(starts, position) - 1
            for k in range(i, max(-1, i - 6), -1):
                if mentions[k].end <= position and (not kind or mentions[k].kind == kind):
                    return mentions[k]
            return None

        for verb in _SPEECH.finditer(s.text):
            at, end = s.start + verb.start(), s.start + verb.end()
            k = bisect.bisect_left(starts, end)
            after = mentions[k] if k < len(mentions) else None
            if (
                after is not None
                and SPEAKER_AFTER.match(self.body[end : after.start])
                and re.match(r"[,.;:]|$| (?:on|in|at|who|of|from|with|told)\b", self.body[after.end : after.end + 6])
            ):  # "..., said Zhou Qi." (not "said the company had ...": what was said)
                found.append(after)
            else:
                after = None
            before = ending_by(at)
            gap = self.body[before.end : at] if before is not None else ""
            if after is not None and re.fullmatch(r", ?", gap):
                continue  # "... promoted by Wang Hao, said Zhou Qi": Wang ends what was said
            if before is not None and SPEAKER_BEFORE.match(gap):
                found.append(before)
                # "Zhou Qi, chairman of a company called Xyz said": the person the apposition describes
                person = ending_by(before.start, "Person")
                if (
                    before.kind == "Organisation"
                    and person is not None
                    and re.fullmatch(
                        r"(?: ?[(（][^)）]{1,20}[)）])?(?:, [^,;“”\"]{1,80}| (?:of|at|from|with) [^,;“”\"]{0,80})",
                        self.body[person.end : before.start],
                    )
                ):
                    found.append(person)
        return found

    def counts(self, s: Sentence) -> None:
        """Counts and amounts of the project list last named: projects, blockchain projects, total investment."""
        if self._project_lists is None:
            lists = [m for m in self._outer if m.kind == "Policy" and m.entity.cls == "ProjectList"]
            backrefs = [m for m in self.mentions if m.descriptive and m.kind == "Policy" and self.entity(m)]
            candidates = sorted(lists + backrefs, key=lambda m: m.start)
            self._project_lists = (candidates, [m.start for m in candidates])
        candidates, starts = self._project_lists
        i = bisect.bisect_left(starts, s.end) - 1
        if i < 0:
            return
        last = candidates[i]
        paragraph = self.doc.sentence_at(last.start).paragraph
        if s.paragraph - paragraph > 1:
            return
        target = self.entity(last)
        if target is None or target.cls != "ProjectList":
            return
        for pattern, predicate in (
            (PROJECTS, "projectCount"),
            (BLOCKCHAIN_PROJECTS, "blockchainProjectCount"),
            (FOCUS_PROJECTS, "focusAreaProjectCount"),
        ):
            match = pattern.search(s.text)
            if match:
                self.add(target, predicate, "project-count", 0.6, self.span(s), value=str(number(match.group("n"))))
        match = INVESTMENT.search(s.text)
        if match:
            amount = Decimal(match.group("n").replace(",", "")) * lx.SCALES.get(match.group("scale") or "", 1)
            self.add(target, "totalInvestmentYuan", "total-investment", 0.6, self.span(s), value=str(int(amount)))

    def part_of(self, s: Sentence) -> None:
        """Regions in regions: "<A> of <B>", "<A> in <B>", "<A> is the core of <B>", "its capital <A>"."""
        regions, tails = self._regions_with_tails(s)
        self._demonym_places(s)
        paired = self._respectively(s, regions)
        for a, b in itertools.pairwise(regions):
            if id(a) in paired:
                continue  # "A and B in the X and Y provinces respectively": B is in Y, not X
            if id(b) in tails:
                continue  # a place that ends a body's name is placed by what follows it, never placing another
            if id(a) in tails and _rank(b.entity) >= _rank(a.entity):
                continue  # "the government of Xyz City in Abc District": the body is in Abc, not Xyz
            between = self.body[a.end : b.start]
            if OF_REGION.match(between) or IN_REGION.match(between):
                if b.entity.cls == "MacroRegion" and not OF_REGION.match(between):
                    continue
                if a.entity.cls == "Country" and _rank(b.entity) > _rank(a.entity):
                    continue  # "the Communist Party of <country> in Xyz": the body is in Xyz, not the country
                if b.entity.cls == "Country" and self._possessive_region_after(regions, b):
                    continue  # "Xyz, a city in east <country>'s Abc province": in Abc (see _located_by_apposition)
                self.add(a.entity, "partOf", "region-of-region", 0.6, self.span(s), obj=b.entity)
            elif PART_OF_PHRASE.match(between):
                self.add(a.entity, "partOf", "part-of-phrase", 0.7, self.span(s), obj=b.entity)
            elif (
                between == ", "
                and (a.entity.cls in ("City", "District", "Region") or a.entity.cls in lx.ZONE_CLASSES)
                and not a.entity.iso3166
                and (b.entity.cls in ("Province", "AutonomousRegion"))
                and (re.match(r" [Pp]rovince\b", self.body[b.end : b.end + 9]) or b.text.lower().endswith(" province"))
            ):
                self.add(a.entity, "partOf", "city-comma-province", 0.7, self.span(s), obj=b.entity)
            elif (
                between == ", "
                and b.entity.cls == "Country"
                and a.entity.cls != "Country"
                and a.kind == "Region"
                and not re.match(r",? (?:and |or )?(?:the )?[A-Z]", self.body[b.end : b.end + 8])
                and not re.search(r"(?:,|\band|\bor) (?:the )?$", self.body[max(s.start, a.start - 6) : a.start])
            ):  # "the city government of Xyz, <country>": a place and its country, not a list of places
                self.add(a.entity, "partOf", "place-comma-country", 0.65, self.span(s), obj=b.entity)
            elif (
                between == ", "
                and a.entity.cls == "District"
                and re.search(r"(?i)\b(?:district|county)$", a.text)
                and b.entity.cls in ("City", "Municipality")
                and not re.match(r", [A-Z][\w-]+ (?:[Dd]istrict|[Cc]ounty)\b", self.body[b.end : b.end + 40])
            ):  # "Xyz district, Abc": the district of the city (not a list of districts and cities)
                self.add(a.entity, "partOf", "district-comma-city", 0.7, self.span(s), obj=b.entity)
            elif self._subdivision_of(a.entity, b.entity) and (
                APPOSITION_OF.match(between)
                or (between == ", " and APPOSITION_POSSESSIVE.match(self.body[b.end : b.end + 80]))
            ):
                self.add(
                    a.entity,
                    "partOf",
                    "subdivision-apposition",
                    0.85,
                    self.span(s),
                    obj=b.entity,
                    note=f"ISO 3166-2 {a.entity.iso3166} is a subdivision of {b.entity.iso3166} (pycountry)",
                )
            elif POSSESSIVE_REGION.match(between) and a.entity.cls in (
                "Country",
                "Province",
                "Region",
                "AutonomousRegion",
            ):
                self.add(b.entity, "partOf", "region-possessive", 0.7, self.span(s), obj=a.entity)
            elif (
                re.fullmatch(r"[’']s ", between)
                and a.entity.cls in ("City", "Municipality", "District")
                and (b.entity.cls == "District" or b.entity.cls in lx.ZONE_CLASSES)
                and _rank(b.entity) > _rank(a.entity)
            ):  # "Xyz City's Abc New Area", "Xyz's Abc District": the district or zone is in the city
                self.add(b.entity, "partOf", "city-possessive", 0.7, self.span(s), obj=a.entity)
        for i in range(len(regions)):
            if (i + 1 < len(regions) and id(regions[i + 1]) in tails) or id(regions[i]) in paired:
                continue
            self._located_by_apposition(s, regions, i)
        for a, b in itertools.pairwise(regions):
            # "Xyz, Abc's capital": Xyz is in Abc
            if (
                re.fullmatch(r", (?:the )?", self.body[a.end : b.start])
                and POSSESSIVE_CAPITAL.match(self.body, b.end)
                and _rank(b.entity) < _rank(a.entity)
            ):
                self.add(a.entity, "partOf", "possessive-capital", 0.65, self.span(s), obj=b.entity)
        for m in regions:
            before = self.body[max(s.start, m.start - 40) : m.start]
            after = self.body[m.end : m.end + 30]
            if CAPITAL.search(before) or re.match(r", the (?:provincial )?capital\b", after):
                i = bisect.bisect_left(self._outer_starts, m.start)
                province = next(
                    (
                        o.entity
                        for o in (self._outer[k] for k in range(i - 1, max(-1, i - 1 - REFER_REACH), -1))
                        if o.kind == "Region"
                        and o.end <= m.start
                        and o.entity is not m.entity
                        and (o.entity.cls in ("Province", "AutonomousRegion") or (o.head or "") == "province")
                    ),
                    None,
                )
                if province is not None:
                    self.add(m.entity, "partOf", "capital-of", 0.65, self.span(s), obj=province)

    def _respectively(self, s: Sentence, regions: list[Mention]) -> set[int]:
        """ "A and B in the southern X and Y provinces respectively": A is in X and B in Y, pair by pair. Returns
        the second names so paired (the place right after them is not theirs)."""
        paired: set[int] = set()
        if "respectively" not in s.text:
            return paired
        for i in range(len(regions) - 3):
            a, b, x, y = regions[i : i + 4]
            if not (
                re.fullmatch(r",? and (?:the )?", self.body[a.end : b.start])
                and RESPECTIVE_IN.fullmatch(self.body, b.end, x.start)
                and re.fullmatch(r",? and (?:the )?", self.body[x.end : y.start])
                and RESPECTIVE_TAIL.match(self.body, y.end)
            ):
                continue
            paired.add(id(b))
            for part, whole in ((a, x), (b, y)):
                if _rank(whole.entity) < _rank(part.entity):
                    self.add(part.entity, "partOf", "respectively", 0.65, self.span(s), obj=whole.entity)
        return paired

    def _demonym_places(self, s: Sentence) -> None:
        """ "the southern <Demonym> megacity of Xyz", "the northern <Demonym> island of Xyz": Xyz is in the country
        the demonym names (one of the article's countries)."""
        for match in DEMONYM_PLACE.finditer(s.text):
            place = self.at(s.start + match.end(), ("Region",), window=0)
            stem = re.sub(r"(?:ese|ean|ian|ish|an|i)$", "", match.group("demonym"))
            countries = [e for e in self.entities if e.cls == "Country" and len(stem) >= 3 and e.label.startswith(stem)]
            if place is not None and len(countries) == 1 and place.entity.cls != "Country":
                self.add(place.entity, "partOf", "demonym-place", 0.65, self.span(s), obj=countries[0])

    def _regions_with_tails(self, s: Sentence) -> tuple[list[Mention], set[int]]:
        """The sentence's outermost places, and the places that end a body's name ("the government of Xyz, a city
        in eastern Abc": Xyz is in Abc though the body's name holds it); the ids of the latter."""
        regions = self.in_sentence(s, ("Region",))
        tails: dict[int, Mention] = {}
        for org in self.in_sentence(s, ("Organisation",)):
            inner = [
                o
                for o in self._all_index.starting(org.start + 1, org.end - 1)
                if o.kind == "Region" and o.entity is not None and o.end == org.end and o.start > org.start
            ]
            if inner:
                tail = max(inner, key=lambda o: o.end - o.start)
                tails[id(tail)] = tail
        if not tails:
            return regions, set()
        return sorted([*regions, *tails.values()], key=lambda m: (m.start, -m.end)), set(tails)

    def _possessive_region_after(self, regions: list[Mention], b: Mention) -> bool:
        """Whether the next region of the sentence follows `b` as "<b>'s <region>"."""
        k = regions.index(b) + 1
        return k < len(regions) and bool(POSSESSIVE_REGION.match(self.body[b.end : regions[k].start]))

    def _located_by_apposition(self, s: Sentence, regions: list[Mention], i: int) -> None:
        """ "Xyz, capital of north <country>'s Abc province", "Xyz, a city in <country>'s Abc province", "Xyz in the
        southeastern province of Abc", "Xyz, southwest <country>'s Abc municipality": Xyz is in Abc; and a further
        apposition (", a key city in the Def area") puts it in that region too. Only a smaller kind of place is
        put in a larger one."""
        a = regions[i]
        if i + 1 >= len(regions) or a.entity.cls == "Country":
            return
        b = regions[i + 1]
        gap = self.body[a.end : b.start]
        link = LOCATING.match(gap)
        if link is None:
            return
        target = b
        if b.entity.cls in ("Country", "MacroRegion") and i + 2 < len(regions):
            c = regions[i + 2]
            if POSSESSIVE_REGION.match(self.body[b.end : c.start]):
                target = c  # "in east <country>'s Abc province": Abc, not the country
        compass = target is b and b.entity.cls == "Country" and re.fullmatch(rf", (?:the )?{_COMPASS_WORD} ", gap)
        # "Xyz, located in the far north of <country>"
        compass = compass or (target is b and re.search(r"\b(?:located|situated) in\b", link.group("said") or ""))
        if target is b and not compass and (b.entity.cls == "Country" or not link.group("said")):
            return  # "Xyz in <country>" and plain "Xyz, Abc" are other rules' (or no statement); "Xyz, southern
            # <country>" places it
        if _rank(target.entity) >= _rank(a.entity):
            return
        self.add(a.entity, "partOf", "located-by-apposition", 0.7, self.span(s), obj=target.entity)
        k = regions.index(target, i + 1) + 1
        if k < len(regions) and FURTHER_APPOSITION.match(self.body[target.end : regions[k].start]):
            further = regions[k]
            if _rank(further.entity) < _rank(a.entity) and further.entity.cls != "Country":
                self.add(a.entity, "partOf", "located-by-apposition", 0.65, self.span(s), obj=further.entity)

    # -- facts read from names ----------------------------------------------------------------------

    def from_names(self) -> None:
        """What a name says by itself: a provincial department's province, a branch's bank, a zone's city."""
        countries = {e.iso3166: e for e in self.entities if e.cls == "Country" and e.iso3166}
        by_name: dict[str, DraftEntity] = {}
        for e in self.entities:
            for name in (e.label, *e.aliases):
                by_name.setdefault(government_key(name) if e.cls == "GovernmentBody" else norm(name), e)
        for e in self.entities:
            first = e.mentions[0] if e.mentions else None
            evidence = (first.start, first.end) if first else (0, 0)
            inner = self.inner_regions(e)
            if not inner and e.cls == "GovernmentBody" and DEMONYM_GOVERNMENT.match(e.label):
                stem = re.sub(r"(?:ese|ean|ian|ish|an|i)$", "", e.label.split()[0])
                inner = [c for c in self.entities if c.cls == "Country" and c.label.startswith(stem) and len(stem) >= 4]
            if (
                e.cls in ("GovernmentBody", "CentralBank", "PartyCommittee", "Ministry")
                and inner
                and e.rule != "org-unit-of"
            ):
                # the most specific place its name holds ("Communist Party of <country> Abc Provincial Committee": Abc)
                place = max(inner, key=lambda r: (_rank(r), -inner.index(r)))
                if place.cls == "Country" and e.cls in ("Ministry", "PartyCommittee"):
                    # a national ministry or the party's central organs: their country says nothing a reader needs
                    # (annotators of real news leave it out; a central bank's, read from its name, stays)
                    place = None
                if place is not None:
                    self.add(e, "jurisdiction", "government-of-region", 0.8, evidence, obj=place)
                self._government_of_place_in_place(e)
            if e.kind == "Organisation":
                part = re.match(r"^(?P<part>.+?) of (?:the )?(?P<whole>.+)$", e.label)
                if part and any(part.group("part").endswith(h) for h in lx.PART_HEADS):
                    whole = part.group("whole")
                    parent = by_name.get(government_key(whole)) or by_name.get(norm(whole))
                    for later in re.finditer(r" of (?:the )?", whole) if parent is None else ():
                        # "Working Committee of Xyz New Area of the Abc Committee": the named body a chain ends with
                        rest = whole[later.end() :]
                        parent = by_name.get(government_key(rest)) or by_name.get(norm(rest))
                        if parent is not None:
                            break
                    if parent is not None and parent is not e:
                        self.add(e, "subOrganisationOf", "part-of-organisation", 0.8, evidence, obj=parent)
                        if e.rule == "org-branch" or part.group("part").endswith("Branch"):
                            place = self.inner_regions(e, exclude=parent)
                            if place:
                                self.add(e, "locatedIn", "branch-place", 0.7, evidence, obj=place[0])
            if e.rule == "org-branch":
                parent = branch_parent(e, self.entities)
                if parent:
                    self.add(e, "subOrganisationOf", "branch-of", 0.75, evidence, obj=parent)
                    place = self.inner_regions(e, exclude=parent)
                    if place:
                        self.add(e, "locatedIn", "branch-place", 0.7, evidence, obj=place[0])
            if e.kind == "Organisation" and e.cls == "Company":
                words = e.label.split()
                if len(words) > 1 and any(c.label == words[-1] for c in countries.values()):
                    parent = by_name.get(norm(" ".join(words[:-1])))
                    if parent is not None and parent is not e and parent.kind == "Organisation":
                        self.add(e, "subOrganisationOf", "brand-country", 0.6, evidence, obj=parent)
            if e.kind == "Organisation":
                parent = self._named_inside(e, by_name)
                if parent is not None:
                    self.add(e, "subOrganisationOf", "name-holds-parent", 0.6, evidence, obj=parent)
            if e.kind == "Region" and e.cls in lx.ZONE_CLASSES:
                for m in e.mentions:
                    place = self._leading_place(m, e)
                    if place is None and not m.descriptive:
                        place = self._named_region(m.text.split()[0], e)
                    if place is not None:
                        self.add(e, "partOf", "place-in-zone-name", 0.7, (m.start, m.end), obj=place)
            if e.kind == "Region" and e.iso3166 and "-" in e.iso3166:
                country = countries.get(e.iso3166.split("-")[0])
                together = self._sentence_with(e, country) if country is not None else None
                before = self.doc.sentences[together.index - 1] if together is not None and together.index else None
                if together is not None and (
                    SUBDIVISIONS_OF.search(together.text)
                    or (
                        before is not None
                        and before.paragraph == together.paragraph
                        and SUBDIVISIONS_OF.search(before.text)
                    )
                ):
                    # "provinces across the country ..., whether Xyz, Abc ...": the text calls them its provinces
                    self.add(
                        e,
                        "partOf",
                        "provinces-of-country",
                        0.8,
                        self.span(together),
                        obj=country,
                        note=f"ISO 3166-2 {e.iso3166} is a subdivision of {country.iso3166} (pycountry)",
                    )
            if e.kind == "Policy" and not any(m.head in DOCUMENT_WORDS for m in e.mentions):
                # (a notice's place is the one of the document it issues)
                for region in inner:
                    self.add(e, "appliesTo", "region-in-title", 0.7, evidence, obj=region)
        jurisdiction: dict[int, DraftEntity] = {}
        for st in self.statements.values():
            if st.predicate == "jurisdiction" and st.object is not None:
                jurisdiction.setdefault(id(st.subject), st.object)
        for st in list(self.statements.values()):
            if st.predicate != "issuedBy" or st.object is None:
                continue
            region = st.object if st.object.kind == "Region" else None
            if region is None:
                region = jurisdiction.get(id(st.object))
            if region is not None and region.cls != "Country":
                self.add(st.subject, "appliesTo", "issuer-region", 0.55, st.evidence[0], obj=region)

    def _named_inside(self, e: DraftEntity, by_name: dict[str, DraftEntity]) -> DraftEntity | None:
        """ "Xyz Cloud" beside "Xyz", "Abc University Law School" beside "Abc University", "Abc Xyz Motors"
        beside "Xyz Motors": a unit whose name starts with (or, after a place, is) another organisation's name."""
        words = e.label.split()
        parent = None
        for k in range(len(words) - 1, 0, -1):
            if all(w.strip(".,").lower() in NAME_TAIL_WORDS for w in words[k:]):
                continue  # "Xyz Group" beside "Xyz": one company named two ways
            if words[k].lower() in lx.CONNECTORS:
                continue  # "Operation Centre of Abc Zone" is no unit of a bare "Operation Centre"
            parent = by_name.get(norm(" ".join(words[:k])))
            if parent is not None:
                break
        if parent is None and len(words) > 2 and self._region_cores().get(norm(words[0])):
            parent = by_name.get(norm(" ".join(words[1:])))  # "Abc Xyz Motors": Xyz Motors' unit in Abc
            if parent is not None and parent.cls != "Company":
                parent = None  # "Abc Operation Centre" beside a bare "Operation Centre": no company's unit
        if parent is None or parent is e or parent.kind != "Organisation":
            return None
        if parent.cls in ("GovernmentBody", "PartyCommittee"):
            return None
        return parent

    def _government_of_place_in_place(self, e: DraftEntity) -> None:
        """ "Xyz Municipal Government of Abc Province": the body's name puts Xyz in Abc."""
        for m in e.mentions:
            if m.descriptive:
                continue
            if " of " not in m.text:
                self._government_then_place(m)
                continue
            inside = [o for o in self._all_index.starting(m.start, m.end) if o.kind == "Region" and o.entity]
            first = max((o for o in inside if o.start == m.start and o.end < m.end), key=lambda o: o.end, default=None)
            last = min((o for o in inside if o.end == m.end and o.start > m.start), key=lambda o: o.start, default=None)
            if last is None:
                continue
            place = first.entity if first is not None else None
            if place is None:  # the city's name inside the body's name, named as a place elsewhere in the text
                lead = re.match(r"(?:the )?([A-Z][\w-]+(?: [A-Z][\w-]+)?) (?:Municipal|City|County|District) ", m.text)
                place = self._region_named(lead.group(1)) if lead else None
            if place is None or place is last.entity or _rank(last.entity) >= _rank(place):
                continue
            if re.fullmatch(
                r"(?i)(?:the )?[\w’'-]+(?: [\w’'-]+)?(?: (?:municipal|city|county|district|people[’']s))* government of "
                r"(?:the )?",
                self.body[m.start : last.start],
            ):  # (not "Xyz County Committee of the Communist Party of <country>": the party's country)
                self.add(place, "partOf", "government-of-place-in-place", 0.7, (m.start, m.end), obj=last.entity)
                return

    def _government_then_place(self, m: Mention) -> None:
        """ "Xyz Municipal Government of Abc Province" read as the body "Xyz Municipal Government" and the place
        after it (the reader ends such a name at Government): the place locates the city the name leads with."""
        lead = re.fullmatch(
            r"(?:the )?([A-Z][\w-]+(?: [A-Z][\w-]+)?) (?:Municipal |City |County |District )Government", m.text
        )
        tail = re.match(r" of (?:the )?", self.body[m.end : m.end + 8])
        if lead is None or tail is None:
            return
        after = self.starting_at(m.end + tail.end(), lambda o: o.kind == "Region" and o.entity is not None)
        place = self._region_named(lead.group(1))
        if after is None or place is None or place is after.entity or _rank(after.entity) >= _rank(place):
            return
        self.add(place, "partOf", "government-of-place-in-place", 0.7, (m.start, after.end), obj=after.entity)

    @staticmethod
    def _subdivision_of(part: DraftEntity, country: DraftEntity) -> bool:
        """pycountry says the region is a subdivision of the country (ISO 3166-2 code under its ISO 3166-1 code).
        Alone this is no statement: the text must say it ("Xyz, the largest province of <country>")."""
        code = part.iso3166
        return bool(code) and "-" in code and country.cls == "Country" and code.split("-")[0] == country.iso3166

    def _sentence_with(self, a: DraftEntity, b: DraftEntity) -> Sentence | None:
        """The first sentence that names both, or names `a` right after a sentence of the same paragraph that
        names `b` (a description such as "the country" counts for what it names)."""
        where_b = set()
        for m in self.mentions:
            if m.entity is b:
                sentence = self.doc.sentence_at(m.start)
                where_b.add(sentence.index)
                following = self.doc.sentences[sentence.index + 1 : sentence.index + 2]
                if following and following[0].paragraph == sentence.paragraph:
                    where_b.add(sentence.index + 1)
        for m in sorted(a.mentions, key=lambda m: m.start):
            sentence = self.doc.sentence_at(m.start)
            if sentence.index in where_b:
                return sentence
        return None

    def inner_regions(self, e: DraftEntity, exclude: DraftEntity | None = None) -> list[DraftEntity]:
        """Regions named inside an entity's mentions ("Xyz" in "Xyz Provincial Government"), or whose
        core name starts it ("Abc" in "Abc Municipal Government")."""
        found: list[DraftEntity] = []
        skip = [(m.start, m.end) for m in exclude.mentions] if exclude else []
        for m in e.mentions:
            inside = sorted(self._all_index.starting(m.start, m.end), key=lambda o: (o.start, -o.end))
            for o in inside:
                if o.kind != "Region" or o.entity is None or o.entity is e or not (m.start <= o.start < o.end <= m.end):
                    continue
                if any(a <= o.start and o.end <= b for a, b in skip):
                    continue
                if o.entity not in found:
                    found.append(o.entity)
        if not found:
            words = norm(e.label).split()
            runs = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
            for core in sorted(runs & self._region_cores().keys()):
                if exclude and core in norm(exclude.label):
                    continue
                found += [r for r in self._region_cores()[core] if r is not e and r not in found]
            if self._order is None:
                self._order = {id(r): i for i, r in enumerate(self.entities)}
            found.sort(key=lambda r: self._order.get(id(r), 0))
        return found

    def _region_cores(self) -> dict[str, list[DraftEntity]]:
        """Regions by their label without its last word ("abc" for "Abc City"), or whole when one word."""
        if self._cores is None:
            self._cores = {}
            for r in self.entities:
                if r.kind == "Region":
                    core = norm(r.label).rsplit(" ", 1)[0] if len(r.label.split()) > 1 else norm(r.label)
                    self._cores.setdefault(core, []).append(r)
        return self._cores

    def _named_region(self, word: str, zone: DraftEntity) -> DraftEntity | None:
        """The one other region whose label is this word ("Xyz" of "Xyz High-tech Zone")."""
        found = [e for e in self._region_cores().get(norm(word), []) if e is not zone and e.label == word]
        return found[0] if len(found) == 1 else None

    def _leading_place(self, m: Mention, zone: DraftEntity) -> DraftEntity | None:
        for o in self._by_start.get(m.start, ()):
            if o.kind == "Region" and o.entity not in (None, zone) and o.end < m.end:
                return o.entity
        return None

    # -- after the rules ----------------------------------------------------------------------------

    def merge_measures(self) -> None:
        """Two "twelve measures ..." issued by the same body in one article are one set of measures."""
        counts: dict[tuple, list[DraftEntity]] = {}
        for e in self.entities:
            if e.cls != "Measures":
                continue
            n = number(norm(e.label).split()[0])
            issuers = sorted(
                id(st.object) for st in self.statements.values() if st.subject is e and st.predicate == "issuedBy"
            )
            if n is not None and issuers:
                counts.setdefault((n, tuple(issuers)), []).append(e)
        for group in counts.values():
            if len(group) < 2:
                continue
            keep = max(group, key=lambda e: (self._dated(e), e.first))
            for other in group:
                if other is keep:
                    continue
                keep.aliases.append(other.label)
                keep.mentions.extend(other.mentions)
                keep.resolution = (keep.resolution + "; " if keep.resolution else "") + (
                    f"merged {other.label!r} (the same number of measures from the same issuer)"
                )
                self.entities.remove(other)
                for st in list(self.statements.values()):
                    if st.subject is other:
                        self.add(
                            keep, st.predicate, st.rule, st.confidence, st.evidence[0], st.object, st.value, st.date
                        )
                    if st.object is other:
                        self.add(
                            st.subject, st.predicate, st.rule, st.confidence, st.evidence[0], keep, st.value, st.date
                        )
                self.statements = {
                    k: st for k, st in self.statements.items() if st.subject is not other and st.object is not other
                }
        for e in self.entities:
            if e.cls == "Measures":
                n = number(norm(e.label).split()[0])
                if n is not None:
                    m = e.mentions[0]
                    self.add(
                        e,
                        "measureCount",
                        "n-measures",
                        0.75,
                        (m.start, m.start + len(m.text.split()[0]) + 9),
                        value=str(n),
                    )

    def _dated(self, e: DraftEntity) -> bool:
        return any(self.doc.sentence_at(m.start).date for m in e.mentions)

    def name_unnamed(self) -> None:
        """Labels for things the text describes without naming, built from the statements about them."""
        for st in self.statements.values():
            e = st.subject
            if st.predicate == "issuedBy" and e.rule == "policy-on-topic" and st.object is not None:
                e.label = f"{st.object.label} {e.label}"
            if st.predicate == "about" and e.rule == "event-press-conference" and st.object is not None:
                e.label = f"Press conference on the {st.object.label}"
        for e in self.entities:
            if e.cls == "Measures" and e.label[:1].islower():
                e.label = e.label[0].upper() + e.label[1:]
