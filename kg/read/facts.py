"""Read data/: the articles and their curated facts files, into model objects.

Every problem is collected (not just the first) and reported with file, line and a fix, because a
person editing a facts file by hand wants the whole list in one run.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Sequence
from pathlib import Path

from kg.errors import DataError, Problem, blank
from kg.model import Entity, Facts, Location, Source, Statement
from kg.read import yamlsafe
from kg.read.yamlsafe import YList, YMap, YStr

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# `draft:` marks what `kg extract` proposed and nobody has reviewed yet (rule, confidence); the loader
# accepts and ignores it, so a draft builds, and a reviewer deletes it entry by entry.
TOP_KEYS = ("article", "entities", "statements", "draft")
ENTITY_KEYS = ("id", "class", "label", "aliases", "note", "iso3166", "draft")
STATEMENT_KEYS = ("subject", "predicate", "object", "value", "date", "role", "note", "evidence", "draft")
EVIDENCE_KEYS = ("quote", "start")
_OFFSET = re.compile(r"^\+?[0-9]{1,15}$")


def _short(node) -> str:
    """A value for a message: repr, cut so a huge scalar cannot flood the terminal."""
    text = repr(node if isinstance(node, str) else getattr(node, "__class__", type(node)).__name__)
    return text if len(text) <= 60 else text[:57] + "..."


def _invisible(value: str) -> str:
    """What an empty-looking value holds, when it is not nothing: ' (it holds only U+200B, U+200D)'."""
    if not value:
        return ""
    codes = sorted({f"U+{ord(char):04X}" for char in value if not char.isspace()})
    return f" (it holds only the invisible {', '.join(codes[:5])}{', ...' if len(codes) > 5 else ''})"


def closest(word: str, options: list[str] | set[str], n: int = 3) -> str:
    """A hint naming the nearest valid choices, or all of them when few (spaCy-style messages)."""
    options = sorted(options)
    near = difflib.get_close_matches(word, options, n=n, cutoff=0.6)
    if near:
        return "did you mean " + " or ".join(repr(x) for x in near) + "?"
    if len(options) <= 30:
        return "valid choices: " + ", ".join(options)
    return f"no close match among {len(options)} choices"


# A missing article's hint names this many articles at most: it named every article, so that each facts file
# naming a missing article carried all their names (5,000 such files and 5,000 articles, a 1 MB repository, took
# kg build to 2.3 GB and printed every name 5,000 times).
SHOWN_ARTICLES = 10


def nearest_articles(slug: str, names: Sequence[str]) -> list[str]:
    """The few article names (of `names`, sorted) nearest `slug` in name order: a slug mistyped near its end is
    among them."""
    if len(names) <= SHOWN_ARTICLES:
        return list(names)
    at = bisect.bisect_left(names, slug)
    start = max(0, min(at - SHOWN_ARTICLES // 2, len(names) - SHOWN_ARTICLES))
    return list(names[start : start + SHOWN_ARTICLES])


def missing_article_hint(display: str, slug: str, names: Sequence[str], count: int) -> str:
    """The hint for a facts file whose article is missing: add it, or name one of the articles there."""
    shown = nearest_articles(slug, names)
    add = f"add {articles_dir_of(display)}/{slug}.md or set 'article:' to"
    if count <= len(shown):
        return f"{add} one of: {', '.join(shown) or '(none)'}"
    return f"{add} one of the {count:,} articles there, such as (by name, nearest it): {', '.join(shown)}"


def articles_dir_of(facts_path: str) -> str:
    """The articles folder beside the facts folder a facts file is in (`<data>/articles` for `<data>/facts/x.yaml`),
    so a hint names the folder of the --data given, not always data/articles."""
    path = Path(facts_path)
    if path.parent.name == "facts":
        return (path.parent.parent / "articles").as_posix()
    return "data/articles"


def id_problem(eid: str, where: Location, entities: dict[str, Entity], sources: dict) -> Problem | None:
    """An entity id must be new: not an earlier entity's (one thing is one entity) nor an article's slug."""
    if eid in entities:
        first = entities[eid].where
        return Problem(
            where.path,
            where.line,
            f"duplicate id {eid!r}",
            f"first defined at {first.path}:{first.line}; one thing is one entity: merge them and add aliases",
        )
    if eid in sources:
        return Problem(
            where.path,
            where.line,
            f"id {eid!r} is taken by the article {articles_dir_of(where.path)}/{eid}.md",
            "choose another id",
        )
    return None


class _Reader:
    """Turns parsed YAML into model objects, recording problems instead of stopping at the first."""

    def __init__(self, check_ids: bool = True) -> None:
        self.problems: list[Problem] = []
        self.facts = Facts()
        self.failed_sources: set[str] = set()  # slugs of articles that could not be read
        # False when one facts file is read on its own (kg.pipeline.corpus): ids are then compared across files later
        self.check_ids = check_ids
        self.entity_list: list[Entity] = []  # every entity read, in file order
        self.article_names: list[str] = []  # for the hint of a missing article, when sources holds only one
        self.article_count = 0  # how many articles there are (article_names holds the nearest few)

    def problem(self, path: str, line: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(path, line, message, hint))

    def text(self, node, path: str, line: int, what: str, required: bool = True) -> str:
        if node is None or (isinstance(node, YStr) and node.kind == "null"):
            if required:
                self.problem(path, line, f"{what} is missing", f"add '{what}: ...'")
            return ""
        if not isinstance(node, YStr):
            self.problem(
                path,
                getattr(node, "line", line),
                f"{what} must be text, not a {'list' if isinstance(node, list) else 'mapping'}",
                f"write '{what}: <text>' on one line; quote the text if it holds ': ' or starts with [ {{ - # &",
            )
            return ""
        value = str(node).strip()
        if required and blank(value):
            key = "aliases" if what == "alias" else what  # an alias is an item of 'aliases:', not a key of its own
            self.problem(
                path, node.line, f"{what} is empty{_invisible(value)}", f"write the {what} after '{key}:', or remove it"
            )
        return value

    def unknown_keys(self, mapping: YMap, allowed: tuple[str, ...], path: str, what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(path, mapping.key_line(key), f"unknown key {key!r} in {what}", closest(key, list(allowed)))

    # -- sources -------------------------------------------------------------------------------

    def add_source(self, source: Source) -> None:
        self.facts.sources[source.slug] = source

    # -- one facts file ------------------------------------------------------------------------

    def read_facts_text(self, text: str, display: str, stem: str) -> str:
        """Read one facts file's text; returns the slug of the article it names (its `article:` or its stem)."""
        try:
            doc = yamlsafe.load(text, display)
        except DataError as err:
            self.problems.extend(err.problems)
            return stem
        if doc is None:
            self.problem(
                display, 1, "facts file is empty", "add 'entities:' and 'statements:' lists (see docs/facts-format.md)"
            )
            return stem
        if not isinstance(doc, YMap):
            self.problem(
                display,
                getattr(doc, "line", 1),
                "a facts file must be a mapping with 'entities' and 'statements'",
                "start the file with 'entities:' at the beginning of a line, then the list of entities",
            )
            return stem
        self.unknown_keys(doc, TOP_KEYS, display, "the facts file")
        slug = self.text(doc.get("article"), display, doc.line, "article", required=False) or stem
        if slug in self.failed_sources:
            pass  # the article's own problems are reported; still check this file, without a second complaint
        elif slug not in self.facts.sources:
            line = doc.key_line("article") if "article" in doc else 1
            names = sorted(self.article_names or self.facts.sources)
            count = max(self.article_count, len(names))
            self.problem(
                display,
                line,
                f"no article {slug!r} for this facts file",
                missing_article_hint(display, slug, names, count),
            )
            return slug
        for key, reader in (("entities", self.read_entity), ("statements", self.read_statement)):
            items = doc.get(key)
            if items is None:
                continue
            if not isinstance(items, YList):
                self.problem(
                    display,
                    doc.key_line(key),
                    f"'{key}' must be a list",
                    f"write each item on its own line starting with '- ', indented under '{key}:'",
                )
                continue
            for item in items:
                if not isinstance(item, YMap):
                    self.problem(
                        display,
                        getattr(item, "line", doc.key_line(key)),
                        f"each item of '{key}' must be a mapping of keys to values",
                        "write '- id: ...' (entities) or '- subject: ...' (statements), then its other keys",
                    )
                    continue
                reader(item, display, slug)
        return slug

    def read_entity(self, item: YMap, path: str, slug: str) -> None:
        self.unknown_keys(item, ENTITY_KEYS, path, "an entity")
        eid = self.text(item.get("id"), path, item.line, "id")
        if not eid:
            return
        id_line = item.key_line("id")
        if not ID.match(eid):
            self.problem(
                path,
                id_line,
                f"invalid id {eid!r}",
                "use lower-case letters, digits and single hyphens, e.g. 'binance-china'",
            )
            return
        where = Location(path, id_line)
        if self.check_ids:
            problem = id_problem(eid, where, self.facts.entities, self.facts.sources)
            if problem:
                self.problems.append(problem)
                return
        aliases_node = item.get("aliases")
        aliases: list[str] = []
        if isinstance(aliases_node, YStr) and aliases_node.kind != "null":
            if not blank(str(aliases_node)):
                aliases = [str(aliases_node).strip()]
            else:
                self.problem(
                    path,
                    item.key_line("aliases"),
                    f"an alias is empty{_invisible(str(aliases_node).strip())}",
                    "write the names after 'aliases:', or remove it",
                )
        elif isinstance(aliases_node, YList):
            for alias in aliases_node:
                value = self.text(alias, path, aliases_node.line, "alias")
                if value:
                    aliases.append(value)
        elif aliases_node is not None and not (isinstance(aliases_node, YStr)):
            self.problem(
                path,
                item.key_line("aliases"),
                "aliases must be a list of names",
                "write 'aliases: [Name one, Name two]'",
            )
        entity = Entity(
            id=eid,
            cls=self.text(item.get("class"), path, item.line, "class"),
            label=self.text(item.get("label"), path, item.line, "label"),
            where=where,
            aliases=aliases,
            note=self.text(item.get("note"), path, item.line, "note", required=False),
            iso3166=self.text(item.get("iso3166"), path, item.line, "iso3166", required=False),
            source=slug,
        )
        entity.lines = {k: item.key_line(k) for k in item}
        self.facts.entities.setdefault(eid, entity)
        self.entity_list.append(entity)

    def read_statement(self, item: YMap, path: str, slug: str) -> None:
        self.unknown_keys(item, STATEMENT_KEYS, path, "a statement")
        where = Location(path, item.line)
        has_object, has_value = "object" in item, "value" in item
        if has_object == has_value:
            self.problem(
                path,
                item.line,
                "a statement needs exactly one of 'object' (an entity id) or 'value' (a literal)",
                "entity-valued properties take 'object: <id>'; numbers and dates take 'value: ...'",
            )
        value_node = item.get("value")
        if isinstance(value_node, (YList, YMap)):
            self.problem(
                path,
                value_node.line,
                "'value' must be a single number, date or text",
                "write one value; state each further value in its own statement",
            )
            value_node = None
        statement = Statement(
            subject=self.text(item.get("subject"), path, item.line, "subject"),
            predicate=self.text(item.get("predicate"), path, item.line, "predicate"),
            source=slug,
            where=where,
            object=self.text(item.get("object"), path, item.line, "object") if has_object else None,
            value=str(value_node).strip() if isinstance(value_node, YStr) else None,
            value_kind=value_node.kind if isinstance(value_node, YStr) else "",
            date=self.text(item.get("date"), path, item.line, "date", required=False),
            role=self.text(item.get("role"), path, item.line, "role", required=False),
            note=self.text(item.get("note"), path, item.line, "note", required=False),
        )
        statement.lines = {k: item.key_line(k) for k in item}
        statement.quotes = self.read_evidence(item.get("evidence"), path, item)
        self.facts.statements.append(statement)

    def read_evidence(self, node, path: str, item: YMap) -> list[tuple[str, int | None, int]]:
        """Quotes as (text, requested start or None, line); checked against the article later."""
        if node is None:
            self.problem(
                path, item.line, "statement has no evidence", "add 'evidence: \"<a quote copied from the article>\"'"
            )
            return []
        entries = node if isinstance(node, YList) else [node]
        if not entries:
            self.problem(
                path,
                item.key_line("evidence"),
                "statement has no evidence: its evidence list is empty",
                "add 'evidence: \"<a quote copied from the article>\"'",
            )
        quotes = []
        for entry in entries:
            if isinstance(entry, YStr):
                quote, start, line = str(entry), None, entry.line
            elif isinstance(entry, YMap):
                self.unknown_keys(entry, EVIDENCE_KEYS, path, "an evidence entry")
                quote = self.text(entry.get("quote"), path, entry.line, "quote")
                start_node = entry.get("start")
                start = None
                if start_node is not None:
                    # Decimal digits only: YAML 1.1 also reads 0x1F, 0b101 and 1:30 as integers, which int() refuses.
                    if isinstance(start_node, YStr) and _OFFSET.match(start_node):
                        start = int(start_node)
                    else:
                        self.problem(
                            path,
                            entry.key_line("start"),
                            f"start must be a character offset (0 or more), not {_short(start_node)}",
                            "count characters from the first one after the front matter; leave 'start' out to take "
                            "the first occurrence",
                        )
                line = entry.line
            else:
                self.problem(
                    path,
                    getattr(entry, "line", item.line),
                    "evidence must be a quote or a list of quotes",
                    "write 'evidence: \"<quote>\"', or a list of quotes, or '- {quote: \"<quote>\", start: N}' items",
                )
                continue
            if blank(quote):
                self.problem(
                    path,
                    line,
                    f"evidence quote is empty{_invisible(quote.strip())}",
                    "copy the sentence that states the fact",
                )
                continue
            quotes.append((quote, start, line))
        return quotes
