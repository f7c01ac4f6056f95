"""The article body cut into paragraphs, sentences and quotations, every piece with its character offsets.

Offsets index the body exactly as loaded (kg.read.articles never normalises it), so a span found here is an
evidence quote the loader will find at the same place.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from kg.extract import when
from kg.model import Source

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "no", "co", "ltd", "inc", "corp", "st", "vs", "etc", "jr", "sr"}
_BOUNDARY = re.compile(r"[.!?]+[\"”’]?(?=\s+[\"“‘(]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")
# Words that report a saying, where its attribution is in the sentence
SPEECH_VERB = re.compile(
    r"\b(?:said|says|told|reported|noted|added|stated|announced|pointed out|explained|according to|wrote|"
    r"disclosed|revealed|stressed|emphasi[sz]ed|remarked)\b"
)
# Who spoke or was told, after the verb: "said Zhou Qi, a Y of Z,", "told the Xyz Daily", "told a press conference"
SPEECH_ATTRIBUTION = re.compile(
    # "said Zhou Qi, a Y of Z," or an apposition that ends the sentence ("..., an official of Z during a briefing
    # on Friday."), never a clause about the person ("who joined in 2015")
    r"(?:(?: (?:the |a |an )?[A-Z][\w’'-]*)+(?:, (?:(?!\b(?:who|which|whose|that|since|after|before)\b)[^,“”\"]){0,120}"
    r"(?:,|(?=\.?$)))?|"
    r" (?:reporters|journalists|(?:a|the) [a-z -]{0,30}?(?:conference|forum|meeting|briefing|event|ceremony|summit|session))|"
    # "according to a filing Xyz sent to the exchange on Tuesday": the document's own words
    r" (?:a|an|the|its) [a-z -]{0,30}?(?:filing|statement|report|release|notice|announcement)(?: [^,;“”\"]{0,80})?)"
)
# Where what was said begins after the verb: "that", a colon, a quotation
SPEECH_CONTENT = re.compile(r"\bthat\b|:|“|\"")
# A saying placed at a briefing with no date of its own: "said at a press conference in Xyz", "told a news briefing"
AT_BRIEFING = re.compile(
    r"(?:\b(?:said|says|told|added|noted|stated|explained|stressed)\b(?: [^,.;“”\"]{0,40}?)?|"
    r"\b(?:while|when) (?:delivering|presenting|addressing|speaking)\b[^,.;“”\"]{0,60}?) (?:at|during|to) (?:a|the) "
    r"(?:[a-z-]+ ){0,2}(?:(?:press|news) )?(?:conference|briefing|ceremony|forum|summit|meeting|session)\b"
)
# A date that opens the sentence dates all of it: "On Monday, ...", "Last month, ...", "In May 2020 ..."
LEADING_DATE = re.compile(r"^[\"“”‘’']?(?:On|In|Last|Earlier|Yesterday|Early|Late|Since|At the end of)\b[^,]{0,40},")
_MONTH_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
TOKEN = re.compile(r"[A-Za-z0-9]+(?:[’'.\-&][A-Za-z0-9]+)*(?:[’']s\b)?|&")


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Sentence(Span):
    index: int
    paragraph: int
    date: str = ""  # the event date the sentence states or inherits ("On the same day"), ISO
    dates: list[tuple[int, str]] = field(default_factory=list)  # every date it states, (body offset, ISO)
    tokens: list[Span] = field(default_factory=list)


@dataclass
class Quote(Span):
    """Text between quotation marks; `start`/`end` exclude the marks."""

    paragraph: int

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def is_title(self) -> bool:
        """Short and without a sentence inside: a name or title, not reported speech."""
        return 0 < self.words <= 16 and not re.search(r"[.!?][\"”]?\s+[A-Z]", self.text)


class Document:
    """One article prepared for the rules: cut once, queried many times."""

    def __init__(self, source: Source):
        self.source = source
        self.body = source.body
        self.anchor = when.anchor(source.date)
        self.day = when.article_day(source.date)

    @cached_property
    def paragraphs(self) -> list[Span]:
        spans = []
        position = 0
        for match in [*_PARAGRAPH.finditer(self.body), None]:
            end = match.start() if match else len(self.body)
            chunk = self.body[position:end]
            stripped = chunk.strip()
            if stripped:
                start = position + (len(chunk) - len(chunk.lstrip()))
                spans.append(Span(start, start + len(stripped), stripped))
            position = match.end() if match else end
        return spans

    @cached_property
    def sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        for p_index, para in enumerate(self.paragraphs):
            begin = 0
            for match in _BOUNDARY.finditer(para.text):
                if self._abbreviation(para.text, match.start()):
                    continue
                self._add(out, para, p_index, begin, match.end())
                begin = match.end()
            self._add(out, para, p_index, begin, len(para.text))
        self._date(out)
        return out

    def _abbreviation(self, text: str, dot: int) -> bool:
        # the word before the stop, looked for in the 40 characters before it: a search over all of text[:dot]
        # would read the whole paragraph again at every full stop
        word = _WORD_BEFORE.search(text[max(0, dot - 40) : dot])
        if word and word.group(1).lower() in _MONTH_ABBREVIATIONS and re.match(r"\.\s+\d", text[dot : dot + 3]):
            return True  # "on Aug. 9": a date, not the end of the sentence
        return bool(word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1))

    def _add(self, out: list[Sentence], para: Span, p_index: int, begin: int, end: int) -> None:
        chunk = para.text[begin:end]
        lead = len(chunk) - len(chunk.lstrip())
        text = chunk.strip()
        if not text:
            return
        start = para.start + begin + lead
        tokens = [Span(start + m.start(), start + m.end(), m.group()) for m in TOKEN.finditer(text)]
        out.append(Sentence(start, start + len(text), text, len(out), p_index, tokens=tokens))

    def _date(self, sentences: list[Sentence]) -> None:
        """Give each sentence the date it states, or the one it points back to ("On the same day")."""
        previous = ""
        events: dict[str, str] = {}
        last_event = ""
        previous_paragraph = -1
        for sentence in sentences:
            sentence.dates = [
                (sentence.start + at, iso) for at, iso in when.dates_in(sentence.text, self.anchor, self.day)
            ]
            own = sentence.dates[0][1] if sentence.dates else ""
            if own:
                sentence.date = own
            elif self.day is not None and when.DATELINE_NO_DAY.match(sentence.text):
                sentence.date = self.day.isoformat()  # "CITY (Agency) — X signed ...": the report's day
            elif previous and when.SAME_DAY.search(sentence.text):
                sentence.date = previous
            elif previous and (n := when.days_later(sentence.text)) is not None:
                sentence.date = when.shift(previous, n)
            elif match := when.SAME_EVENT.search(sentence.text):
                sentence.date = events.get(match.group("noun").split()[-1], "")
            elif when.AT_THE_EVENT.search(sentence.text) and events:
                sentence.date = events[last_event]  # "At the event, X also announced ...": the event last dated
            elif previous and previous_paragraph == sentence.paragraph and when.ALSO.search(sentence.text):
                sentence.date = previous  # "X also signed ...", right after a dated sentence of the paragraph
            if sentence.date:
                previous, previous_paragraph = sentence.date, sentence.paragraph
                for noun in re.findall(r"\b(forum|conference|meeting|summit|ceremony|expo)\b", sentence.text.lower()):
                    events.setdefault(noun, sentence.date)
                    last_event = noun

    def speech_date(self, evidence: tuple[int, int]) -> str:
        """The date of a saying reported in the sentence at `evidence`: a date the attribution gives ("said on
        Monday", "On Monday, X said", "X told a forum in May that"), or the one the sentence inherits; never a date
        of what was said (", X said" after it, after "said that", or in the quotation)."""
        sentence = self.sentence_at(evidence[0])
        own = self._own_speech_date(sentence)
        if not own and AT_BRIEFING.search(sentence.text):
            return self._briefing_date  # "X said at a press conference": the one the article reports, dated once
        return own

    @cached_property
    def _briefing_date(self) -> str:
        """The day of the first saying the article dates in its own words (the lead's "the ministry said Wednesday"):
        a later "said at a press conference" with no date of its own was told there."""
        for sentence in self.sentences:
            if sentence.dates and SPEECH_VERB.search(sentence.text) and (iso := self._own_speech_date(sentence)):
                return iso
        return ""

    def _own_speech_date(self, sentence: Sentence) -> str:
        if not sentence.dates:
            return sentence.date
        text = sentence.text
        zones = [(0, m.end()) for m in [LEADING_DATE.match(text)] if m]  # "On Monday, ...": the whole sentence's
        for verb in SPEECH_VERB.finditer(text):
            low = max(0, verb.start() - 300)  # an attribution is short: the search stays near the verb
            begin = max(text.rfind(mark, low, verb.start()) for mark in (",", "“", "”", '"', ";"))
            begin = begin if begin >= 0 else (low - 1 if low else -1)
            # "said Zhou Qi, a Y of Z, at the forum": a name after the verb belongs to the attribution too
            after = SPEECH_ATTRIBUTION.match(text, verb.end())
            end = after.end() if after else verb.end()
            content = SPEECH_CONTENT.search(text, end, end + 300)
            stop = content.start() if content else min(len(text), end + 300)
            tail = re.match(
                r",?(?: of (?:the |a )?[a-z’'-]+(?: [a-z’'-]+){0,5}?)? "  # "the annual session of the xyz congress"
                r"(?:on|at|in|during|last|(?:late |early )?yesterday|late on|earlier|this|while|attending|"
                r"partaking in|taking part in)\b"
                r"[^,;“”\"]{0,60}",
                text[end:],
            )  # "told reporters attending the Xyz forum on 28 July": the attribution's own date
            stop = max(min(stop, end + (tail.end() if tail else 0)), end)
            zones.append((begin + 1, stop))
        base = sentence.start
        for at, iso in sentence.dates:
            if any(b <= at - base < e for b, e in zones):
                return iso
        return ""

    @cached_property
    def quotes(self) -> list[Quote]:
        """Quotations per paragraph: curly marks by nesting, straight marks paired in order."""
        out: list[Quote] = []
        for p_index, para in enumerate(self.paragraphs):
            stack: list[int] = []
            straight: int | None = None
            for i, char in enumerate(para.text):
                if char == "“":
                    stack.append(i)
                elif char == "”" and stack:
                    begin = stack.pop()
                    out.append(self._quote(para, p_index, begin + 1, i))
                elif char == '"':
                    if straight is None:
                        straight = i
                    else:
                        out.append(self._quote(para, p_index, straight + 1, i))
                        straight = None
        return sorted(out, key=lambda q: q.start)

    def _quote(self, para: Span, p_index: int, begin: int, end: int) -> Quote:
        return Quote(para.start + begin, para.start + end, para.text[begin:end], p_index)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding `offset`, else the nearest one (by bisection: rules call this per mention)."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        near = self.sentences[max(0, i) : i + 2] or self.sentences
        return min(near, key=lambda s: abs(s.start - offset))

    def paragraph_at(self, offset: int) -> Span:
        """The paragraph holding `offset`."""
        starts = [p.start for p in self.paragraphs]
        return self.paragraphs[max(0, bisect.bisect_right(starts, offset) - 1)]

    def line_paragraph(self, prefix: str) -> Span | None:
        """A paragraph that starts with `prefix` ("Author:", "Source:") as a byline does."""
        for para in self.paragraphs:
            if para.text.startswith(prefix) and "\n" not in para.text and len(para.text) < 120:
                return para
        return None
