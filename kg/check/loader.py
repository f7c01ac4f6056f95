"""Check facts against the ontology and the article texts; fill in what libraries know (offsets, codes).

These are the checks a reviewer would otherwise do by eye: every id resolves, every term exists, every
subject and object has the type its property needs, every quote is really in the article.
"""

from __future__ import annotations

import math
import re

from rdflib import XSD

from kg.errors import DataError, Problem
from kg.model import Entity, Evidence, Facts, Location, Source, Statement
from kg.ontology import Ontology
from kg.read import dates, regions
from kg.read.articles import character_problem, front_matter_uses, is_language_tag, language_hint
from kg.read.facts import closest

_INTEGER = re.compile(r"^[+-]?[0-9]+\Z")  # ASCII digits only: RDF's lexical forms (\d takes any script's)
_INT64_MAX = 2**63 - 1
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")


def _line(record: Entity | Statement, key: str) -> int:
    return record.lines.get(key, record.where.line)


def article_entity(slug: str, source: Source) -> Entity:
    return Entity(
        id=slug, cls="Article", label=source.title, where=Location(source.path, source.title_line), source=slug
    )


def article_entities(facts: Facts) -> None:
    """Every article is an entity too (class Article), so statements can name it as subject or object."""
    for slug, source in sorted(facts.sources.items()):
        facts.entities.setdefault(slug, article_entity(slug, source))


def check_articles(articles: list[Entity], ontology: Ontology) -> list[Problem]:
    """The checks of articles as entities (their titles are labels)."""
    problems: list[Problem] = []
    for entity in articles:
        problems.extend(_check_entity(entity, ontology))
    problems.extend(_check_text(articles, []))
    return problems


def check_links(statements: list[Statement], facts: Facts, ontology: Ontology) -> list[Problem]:
    """Each statement's subject and object exist and fit its property; no fact is stated twice in a source."""
    problems: list[Problem] = []
    seen: dict[tuple, Statement] = {}
    hints = _IdHints(facts)
    for statement in statements:
        problems.extend(_check_statement_links(statement, facts, ontology, hints))
        key = (
            statement.source,
            statement.subject,
            statement.predicate,
            statement.object,
            statement.value,
            statement.date,
            statement.role,
        )
        if key in seen:
            first = seen[key]
            # two facts files may speak for one article: name the other file, not a line of it
            at = (
                f"line {first.where.line}"
                if first.where.path == statement.where.path
                else f"{first.where.path}:{first.where.line}"
            )
            problems.append(
                Problem(
                    statement.where.path,
                    statement.where.line,
                    f"the same fact is stated twice ({statement.subject} {statement.predicate} {statement.object or statement.value})",
                    f"first at {at}; merge the two evidence lists into one statement",
                )
            )
        seen.setdefault(key, statement)
    return problems


def check(facts: Facts, ontology: Ontology) -> Facts:
    """Run every check; return the facts with evidence offsets and region names filled, or raise DataError."""
    problems = check_local(list(facts.entities.values()), facts.statements, facts.sources, ontology)
    problems.extend(check_global(facts, ontology))
    if problems:
        raise DataError(problems)
    return facts


def check_local(
    entities: list[Entity], statements: list[Statement], sources: dict[str, Source], ontology: Ontology
) -> list[Problem]:
    """The checks that need nothing beyond one facts file and its article: terms, literals, dates, quotes (whose
    offsets are filled in here) and characters. They run once per source, in parallel and cached (kg.pipeline.corpus)."""
    problems: list[Problem] = []
    for entity in entities:
        if entity.cls != "Article":
            problems.extend(_check_entity(entity, ontology))
    finder = _QuoteFinder()
    for statement in statements:
        problems.extend(_check_statement_terms(statement, ontology))
        problems.extend(_locate_evidence(statement, sources, finder))
    problems.extend(_check_text(entities, statements))
    return problems


def check_global(facts: Facts, ontology: Ontology) -> list[Problem]:
    """The checks across files: every id resolves, subjects and objects fit their property, no fact is stated
    twice, every entity is used, partOf has no cycle. Articles become entities here."""
    article_entities(facts)
    articles = [e for e in facts.entities.values() if e.cls == "Article"]
    problems = check_articles(articles, ontology)
    problems.extend(check_links(facts.statements, facts, ontology))
    problems.extend(_check_unused(facts, ontology))
    problems.extend(_check_part_of_cycles(facts))
    return problems


def _check_entity(entity: Entity, ontology: Ontology) -> list[Problem]:
    problems: list[Problem] = []
    path = entity.where.path
    if entity.cls and entity.cls not in ontology.classes:
        problems.append(
            Problem(
                path,
                _line(entity, "class"),
                f"unknown class {entity.cls!r} for {entity.id!r}",
                closest(entity.cls, list(ontology.classes)),
            )
        )
    elif entity.cls in _RESERVED_CLASSES and entity.lines:  # declared in a facts file, not made from an article
        problems.append(
            Problem(
                path,
                _line(entity, "class"),
                f"class {entity.cls!r} of {entity.id!r} is kg's own: {_RESERVED_CLASSES[entity.cls]}",
                "give the thing the article names its own class, e.g. Organisation, Person, Region or Policy",
            )
        )
    if entity.iso3166:
        problems.extend(_check_region_code(entity, ontology))
    return problems


# classes the build gives its own nodes, never an entity of a facts file (one declared so broke the build)
_RESERVED_CLASSES = {
    "Article": "each article file is one, made from its front matter",
    "Statement": "each statement of a facts file is one",
    "Evidence": "each evidence quote is one",
}


def _check_region_code(entity: Entity, ontology: Ontology) -> list[Problem]:
    path, line = entity.where.path, _line(entity, "iso3166")
    region = regions.lookup(entity.iso3166)
    if region is None:
        return [
            Problem(
                path,
                line,
                f"unknown ISO 3166 code {entity.iso3166!r} for {entity.id!r}",
                "use a code pycountry knows: python -c \"import pycountry; print(pycountry.subdivisions.lookup('Hunan'))\"",
            )
        ]
    problems = []
    if entity.cls in ontology.classes and not ontology.is_a(entity.cls, (ontology.classes["Region"],)):
        problems.append(
            Problem(
                path,
                line,
                f"{entity.id!r} has an ISO 3166 code but its class {entity.cls} is not a Region",
                "remove 'iso3166' or give the entity a Region class",
            )
        )
    expected = regions.expected_class(region)
    if expected and entity.cls in ontology.classes and entity.cls != expected:
        problems.append(
            Problem(
                path,
                _line(entity, "class"),
                f"{entity.iso3166} is a {region.kind.lower()} ({region.name}) but {entity.id!r} has class {entity.cls}",
                f"set 'class: {expected}'",
            )
        )
    if not regions.names_match(region, [entity.label, *entity.aliases]):
        problems.append(
            Problem(
                path,
                line,
                f"{entity.iso3166} is {region.name!r}, which does not match {entity.label!r}",
                "check the code: pycountry.subdivisions.lookup('<name>')",
            )
        )
    if not problems:
        entity.iso3166 = region.code
        entity.label_zh = region.name_zh
    return problems


def _check_statement_terms(st: Statement, ontology: Ontology) -> list[Problem]:
    """The statement on its own: its property exists, takes what is given (entity or literal), literals and
    dates are well formed."""
    problems: list[Problem] = []
    path = st.where.path
    prop = ontology.properties.get(st.predicate) if st.predicate else None
    if st.predicate and prop is None:
        problems.append(
            Problem(
                path,
                _line(st, "predicate"),
                f"unknown property {st.predicate!r}",
                closest(st.predicate, list(ontology.properties)),
            )
        )
    if prop is not None:
        if prop.is_object and st.value is not None:
            problems.append(
                Problem(
                    path,
                    _line(st, "value"),
                    f"{st.predicate} links to an entity: use 'object: <id>' instead of 'value'",
                    "replace 'value: ...' with 'object: <the id of an entity>'",
                )
            )
        if not prop.is_object and st.object is not None:
            problems.append(
                Problem(
                    path,
                    _line(st, "object"),
                    f"{st.predicate} takes a literal: use 'value: ...' instead of 'object'",
                    "replace 'object: ...' with 'value: <a number, date or text>'",
                )
            )
        if not prop.is_object and st.value is not None:
            problem = _check_literal(st, prop.range[0] if prop.range else None)
            if problem:
                problems.append(Problem(path, _line(st, "value"), problem[0], problem[1]))
    if st.date and dates.parse(st.date) is None:
        problems.append(
            Problem(
                path,
                _line(st, "date"),
                f"malformed date {st.date!r}",
                "use YYYY, YYYY-MM or YYYY-MM-DD with a real year (0001 or later), month and day",
            )
        )
    return problems


# "Did you mean" for an unknown id compares it with every entity id (difflib, up to half a second each among
# 10,000 similar ids): 300 unknown ids in a 790 kB facts file held kg build 89 s, 20,000 of them hours. The first
# ID_HINTS of a check get one; every unknown id is still an error.
ID_HINTS = 20


class _IdHints:
    """The hints for unknown ids of one check: the entity ids sorted once, and a suggestion for the first few."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.given = 0
        self.ids: list[str] | None = None

    def hint(self, name: str) -> str:
        self.given += 1
        if self.given > ID_HINTS:
            return f"check the id against 'entities:' (no suggestion: more than {ID_HINTS} ids here are unknown)"
        if self.ids is None:
            self.ids = sorted(self.facts.entities)
        return closest(name, self.ids)


def _check_statement_links(
    st: Statement, facts: Facts, ontology: Ontology, hints: _IdHints | None = None
) -> list[Problem]:
    """The statement among all files: its subject and object exist and have the classes its property needs."""
    hints = hints or _IdHints(facts)
    problems: list[Problem] = []
    path = st.where.path
    subject = facts.entities.get(st.subject) if st.subject else None
    if st.subject and subject is None:
        problems.append(
            Problem(
                path,
                _line(st, "subject"),
                f"unknown entity id {st.subject!r} as subject",
                hints.hint(st.subject),
            )
        )
    obj = None
    if st.object:
        obj = facts.entities.get(st.object)
        if obj is None:
            problems.append(
                Problem(
                    path,
                    _line(st, "object"),
                    f"unknown entity id {st.object!r} as object",
                    hints.hint(st.object),
                )
            )
    prop = ontology.properties.get(st.predicate) if st.predicate else None
    if prop is not None:
        if subject is not None and subject.cls in ontology.classes and not ontology.is_a(subject.cls, prop.domain):
            allowed = " or ".join(ontology.short(c) for c in prop.domain)
            problems.append(
                Problem(
                    path,
                    _line(st, "subject"),
                    f"{st.predicate} needs a subject of class {allowed}, but {st.subject!r} is a {subject.cls}",
                    "change the subject, the property or the entity's class",
                )
            )
        if (
            prop.is_object
            and obj is not None
            and obj.cls in ontology.classes
            and not ontology.is_a(obj.cls, prop.range)
        ):
            allowed = " or ".join(ontology.short(c) for c in prop.range)
            problems.append(
                Problem(
                    path,
                    _line(st, "object"),
                    f"{st.predicate} needs an object of class {allowed}, but {st.object!r} is a {obj.cls}",
                    "change the object, the property or the entity's class",
                )
            )
    return problems


def _check_literal(st: Statement, datatype) -> tuple[str, str] | None:
    value = st.value or ""
    if datatype == XSD.integer and not _INTEGER.match(value):
        return f"{st.predicate} needs a whole number, not {_cut(value)}", "write digits only, e.g. 'value: 86'"
    # Property graphs (Neo4j, ladybug, igraph) store whole numbers as 64-bit integers and numbers as doubles:
    # a value beyond those would fail there, or turn into infinity, long after this check could name the line.
    significant = value.lstrip("+-").lstrip("0")  # leading zeros would hide a long number from the cuts below
    if datatype == XSD.integer and abs(int(significant[:25] or "0")) > _INT64_MAX:
        return (
            f"{st.predicate} is {_cut(value)}, beyond a 64-bit integer",
            "check the number; a count fits in 19 digits",
        )
    if datatype == XSD.decimal and _DECIMAL.match(value) and not math.isfinite(float(significant[:400] or "0")):
        return f"{st.predicate} is {_cut(value)}, beyond a double-precision number", "check the number"
    if datatype == XSD.decimal and not _DECIMAL.match(value):
        return (
            f"{st.predicate} needs a number, not {_cut(value)}",
            "write the plain number, e.g. 'value: 588900000000' for 588.9 billion",
        )
    if datatype == XSD.date and dates.parse(value) is None:
        return (
            f"malformed date {value!r} for {st.predicate}",
            "use YYYY, YYYY-MM or YYYY-MM-DD with a real year (0001 or later), month and day",
        )
    # the values the front matter and an entity's 'iso3166:' are checked for, when a statement gives them
    if st.predicate in ("language", "translatedFrom") and not is_language_tag(value):
        return (
            f"{st.predicate} must be a BCP 47 tag like en or zh-Hans, not {_cut(value)}",
            language_hint(value),
        )
    if st.predicate == "iso3166Code" and regions.lookup(value) is None:
        return (
            f"iso3166Code {_cut(value)} is no ISO 3166 code of a country or subdivision",
            "write the code as ISO 3166 gives it, e.g. CN or CN-SH (or put it on the entity with 'iso3166:')",
        )
    return None


def _cut(text: str, size: int = 60) -> str:
    """repr of a value for a message, shortened: a 5,000-digit number must not flood the terminal."""
    return repr(text if len(text) <= size else text[: size - 3] + "...")


# A quote's hint (where the copy diverges) costs about eight scans of the article: bounded per facts file, so
# that thousands of wrong quotes against a large article cost one scan each, not eight (every one still an error).
QUOTE_HINTS = 20


class _QuoteFinder:
    """Finds the quotes of one facts file in their articles: each distinct quote is searched once, and only the
    first QUOTE_HINTS unfound quotes get a hint."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], int] = {}
        self.hints = 0

    def find(self, source: Source, quote: str) -> int:
        key = (source.slug, quote)
        if key not in self.found:
            self.found[key] = source.body.find(quote)
        return self.found[key]

    def hint(self, quote: str, body: str, start: int | None) -> str:
        self.hints += 1
        if self.hints > QUOTE_HINTS:
            return (
                f"copy the sentence exactly from the article (no hint where it diverges: more than {QUOTE_HINTS} "
                "quotes of this file are not found)"
            )
        return _quote_hint(quote, body, start)


def _locate_evidence(st: Statement, sources: dict[str, Source], finder: _QuoteFinder | None = None) -> list[Problem]:
    source = sources.get(st.source)
    if source is None:
        return []
    finder = finder or _QuoteFinder()
    problems = []
    st.evidence = []
    for quote, start, line in st.quotes:
        found = finder.find(source, quote) if start is None else start if source.body.startswith(quote, start) else -1
        if found < 0:
            problems.append(
                Problem(
                    st.where.path,
                    line,
                    f"evidence quote not found in {source.path}: {_preview(quote)}",
                    finder.hint(quote, source.body, start),
                )
            )
            continue
        st.evidence.append(Evidence(source=source.slug, quote=quote, start=found, end=found + len(quote)))
    return problems


def _preview(text: str, size: int = 70) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= size else text[: size - 3] + "...")


def _quote_hint(quote: str, body: str, start: int | None) -> str:
    if start is not None and quote in body:
        return f"the quote occurs at offset {body.find(quote)}, not {start}"
    # Find the longest prefix that does occur, to show where the copy diverges.
    low, high = 0, len(quote)
    while low < high:
        mid = (low + high + 1) // 2
        if quote[:mid] in body:
            low = mid
        else:
            high = mid - 1
    if low >= 10:
        at = body.find(quote[:low])
        return f"the text matches up to {_preview(quote[:low][-30:])}, then the article has {_preview(body[at + low : at + low + 30])}"
    return "copy the sentence exactly from the article, including punctuation and spacing"


def _check_unused(facts: Facts, ontology: Ontology) -> list[Problem]:
    used = {st.subject for st in facts.statements} | {st.object for st in facts.statements if st.object}
    used.update(front_matter_uses_of(facts, ontology))
    return [
        Problem(
            e.where.path,
            e.where.line,
            f"entity {e.id!r} is in no statement, so nothing traces it to its source",
            "add a statement with evidence that names it, or remove it",
        )
        for e in facts.entities.values()
        if e.cls != "Article" and e.id not in used
    ]


def front_matter_uses_of(facts: Facts, ontology: Ontology) -> list[str]:
    """Every declared entity that an article's front matter names (its author, its publisher): each is traced to
    its source by the front matter, as by a statement (kg.read.articles.front_matter_uses)."""
    entities: dict[str, list[Entity]] = {}
    statements: dict[str, list[Statement]] = {}
    for entity in facts.entities.values():
        entities.setdefault(entity.source, []).append(entity)
    for st in facts.statements:
        statements.setdefault(st.source, []).append(st)
    return [
        eid
        for slug, source in facts.sources.items()
        if source.authors or source.publisher
        for eid in front_matter_uses(source, entities.get(slug, []), statements.get(slug, []), ontology)
    ]


def _check_part_of_cycles(facts: Facts) -> list[Problem]:
    """Each partOf cycle, found by a depth-first walk kept on a list: it recursed once per link, so a chain of
    3,000 regions ended kg build in a RecursionError traceback."""
    edges: dict[str, list[Statement]] = {}
    for st in facts.statements:
        if st.predicate == "partOf" and st.object:
            edges.setdefault(st.subject, []).append(st)
    problems, state = [], {}
    for root in sorted(edges):
        if root in state:
            continue
        state[root] = "open"
        path, at = [root], {root: 0}  # the regions from root to the current one, and each one's place in it
        stack = [iter(edges.get(root, []))]
        while stack:
            st = next(stack[-1], None)
            if st is None:
                stack.pop()
                node = path.pop()
                del at[node]
                state[node] = "done"
            elif state.get(st.object) == "open":
                problems.append(
                    Problem(
                        st.where.path,
                        st.where.line,
                        f"partOf forms a cycle: {_cycle_names(path, at[st.object], st.object)}",
                        "a region cannot lie within itself; remove one of these statements",
                    )
                )
            elif st.object not in state:
                state[st.object] = "open"
                at[st.object] = len(path)
                path.append(st.object)
                stack.append(iter(edges.get(st.object, [])))
    return problems


def _cycle_names(path: list[str], start: int, back: str) -> str:
    """`a -> b -> a` for the cycle path[start:] closed by `back`; a long one by its first and last regions, so that
    many cycles through a long chain neither print nor copy the chain each time."""
    length = len(path) - start
    if length <= 12:
        return " -> ".join([*path[start:], back])
    return " -> ".join([*path[start : start + 6], f"... ({length - 11:,} more) ...", *path[-5:], back])


def _check_text(entities: list[Entity], statements: list[Statement]) -> list[Problem]:
    """Every free text that reaches an export holds only characters that XML 1.0 (GraphML) can carry, and no
    control character a terminal acts on (see kg.read.articles.character_problem)."""
    problems: list[Problem] = []

    def scan(text: str, path: str, line: int, what: str) -> None:
        found = character_problem(text or "", what)
        if found:
            problems.append(Problem(path, line, *found))

    for entity in entities:
        path = entity.where.path
        scan(entity.label, path, _line(entity, "label"), "label" if entity.cls != "Article" else "article title")
        for alias in entity.aliases:
            scan(alias, path, _line(entity, "aliases"), "alias")
        scan(entity.note, path, _line(entity, "note"), "note")
    for st in statements:
        path = st.where.path
        for key in ("value", "role", "note"):
            scan(getattr(st, key) or "", path, _line(st, key), key)
        for quote, _start, line in st.quotes:
            scan(quote, path, line, "evidence quote")
    return problems
