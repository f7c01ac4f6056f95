"""Text -> draft facts: sentences and quotations, gazetteers, mention rules and relation patterns.

`extract(article, data_dir)` reads one article and returns a Draft: proposed entities (resolved against the
entities already curated in data_dir/facts/) and statements, each with the rule that proposed it and a
confidence. Backends are listed in BACKENDS; the rules backend is the only one and needs nothing downloaded.

May import kg/read/ and the base modules (model, errors, ontology, files).
"""

from __future__ import annotations

import importlib
import sys
from functools import lru_cache
from pathlib import Path

import yaml

from kg.errors import DataError, Problem, UsageError, visible
from kg.extract.entities import Known
from kg.extract.model import Draft
from kg.model import Source
from kg.ontology import Ontology
from kg.read import yamlsafe
from kg.read.articles import SLUG, read_source, read_text

# To add a backend, write a module with NAME and extract(source, known) -> Draft, and add one line here.
BACKENDS = {"rules": "kg.extract.rules"}
# Longest article body kg extract takes, in characters: about seven times a long news article. Extraction is
# linear in the text (the rules look mentions up by place, never scan them all; tests/test_extract_scaling.py),
# so the limit is not about time any more but about use: a longer body is several stories, and a draft of
# thousands of entries helps nobody.
MAX_CHARS = 100_000


def read_article(path: Path) -> Source:
    """The article with every check of the loader (size, encoding, binary, front matter), as a DataError."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such article file")
    if not SLUG.match(path.stem) or path.suffix != ".md":
        raise UsageError(f"{path}: an article is a file named <slug>.md (lower-case letters, digits and hyphens)")
    source = read_source(path, str(path))
    if len(source.body) > MAX_CHARS:
        raise DataError(
            [
                Problem(
                    str(path),
                    0,
                    f"article body is {len(source.body):,} characters; kg extract takes at most {MAX_CHARS:,}",
                    "split it into articles of one story each, or write its facts by hand",
                )
            ]
        )
    return source


def known_entities(data_dir: Path, exclude: str = "") -> list[Known]:
    """Entities curated in data_dir/facts/, except those of the facts file of article `exclude`.

    A file that cannot be read is reported on stderr and skipped: a broken neighbour should not stop a draft.
    """
    facts = Path(data_dir) / "facts"
    out: list[Known] = []
    if not facts.is_dir():
        return out
    for path in sorted(facts.glob("*.y*ml")):
        try:
            doc = _read_yaml(path)
        except DataError as err:
            # the name is a data repository's (git keeps control characters in names): shown as escapes, so a
            # file named `x ESC]0;... BEL ESC[2J.yaml` sets no terminal's title and clears no screen
            message = f"{path} skipped for entity resolution: {err.problems[0].message}"
            print(f"kg: warning: {visible(message)}", file=sys.stderr)
            continue
        if not isinstance(doc, dict):
            continue
        if str(doc.get("article") or path.stem) == exclude:
            continue
        for item in doc.get("entities") or []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            aliases = item.get("aliases") or []
            aliases = [str(a) for a in aliases] if isinstance(aliases, list) else [str(aliases)]
            out.append(
                Known(
                    id=str(item["id"]),
                    cls=str(item.get("class") or ""),
                    label=str(item.get("label") or ""),
                    aliases=aliases,
                    iso3166=str(item.get("iso3166") or ""),
                    path=str(path),
                )
            )
    return out


class _NoAliases(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's loader, refusing a node met twice, that is an alias (`*name`): kg's files never need one (kg build
    refuses them), and a 567-byte facts file of aliases nine deep (`l9: &l9 [*l8, *l8, ...]`) named 3.5 billion
    strings once an alias list became an entity's aliases and was turned to text: kg extract, which reads every
    facts file of data/ to resolve entities, ran out of time and memory on it."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed in kg files; write the value out", node.start_mark
            )
        return super().construct_object(node, deep)


def _read_yaml(path: Path):
    """A facts file as plain data, with libyaml when present: the pure-Python parser that keeps line numbers
    for the loader's messages costs 80 ms per 30 kB file, more than extracting an article."""
    text = read_text(path, str(path))
    try:
        if yamlsafe.too_deep(text):
            raise DataError(
                [Problem(str(path), 0, f"lists and mappings are nested more than {yamlsafe.MAX_DEPTH} levels deep")]
            )
        return yaml.load(text, Loader=_NoAliases)
    except yaml.YAMLError as err:
        raise DataError([Problem(str(path), 0, f"not readable YAML: {str(err).splitlines()[0]}")]) from err


def extract(
    article: Path, data_dir: Path, ontology_dir: Path | None = None, backend: str = "rules", ignore_own: bool = False
) -> Draft:
    """Draft facts for one article. With ignore_own, the article's own facts file is not used for resolution
    (what --evaluate needs: extraction as if that file did not exist)."""
    if backend not in BACKENDS:
        raise UsageError(f"no extraction backend {backend!r}; available: {', '.join(sorted(BACKENDS))}")
    source = read_article(article)
    known = known_entities(data_dir, exclude=source.slug if ignore_own else "")
    module = importlib.import_module(BACKENDS[backend])
    draft: Draft = module.extract(source, known)
    fit_ontology(draft, _ontology(ontology_dir))
    return draft


@lru_cache(maxsize=4)
def _ontology(directory: Path | None) -> Ontology:
    return Ontology.load(directory)


def fit_ontology(draft: Draft, ontology: Ontology) -> None:
    """Drop proposals the loader would refuse (a subject or object outside the property's domain or range),
    so a draft always builds; they are listed in draft.unused for the reviewer."""
    kept = []
    for st in draft.statements:
        prop = ontology.properties.get(st.predicate)
        subject_cls = st.subject.cls if st.subject.cls in ontology.classes else None
        ok = prop is not None and subject_cls is not None and ontology.is_a(subject_cls, prop.domain)
        if ok and st.object is not None:
            ok = prop.is_object and st.object.cls in ontology.classes and ontology.is_a(st.object.cls, prop.range)
        if ok:
            kept.append(st)
        else:
            target = st.object.label if st.object else st.value
            draft.unused.append(f"{st.subject.label} {st.predicate} {target} ({st.rule}: outside domain or range)")
    draft.statements = kept
