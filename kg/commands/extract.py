"""Propose facts for an article: a draft facts file in the loader's format, every entry marked `draft:` with the
rule that proposed it and a confidence, for a person to review. Offline and deterministic.

kg extract data/articles/x.md                 writes data/facts/x.yaml (refuses to overwrite)
kg extract data/articles/x.md -o -            prints the draft
kg extract data/articles/x.md --merge         adds new proposals to the existing file, keeps every line of it
kg extract --evaluate [ARTICLE...]            scores extraction against the curated facts files
kg extract --evaluate --gold DIR              scores every DIR/<slug>.md against the hand-written DIR/<slug>.yaml
kg extract --evaluate --gold DIR --json F     ... and writes the figures as JSON to F
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kg import files as fsutil
from kg.errors import UsageError, visible

HELP = "propose a draft facts file for an article (rules, offline), or --evaluate against curated facts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `kg extract`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the examples' lines
    parser.add_argument("articles", nargs="*", type=Path, metavar="ARTICLE", help="data/articles/<slug>.md")
    parser.add_argument(
        "-o", "--out", default=None, help="facts file to write (default: DATA/facts/<slug>.yaml; - prints)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing facts file")
    parser.add_argument("--merge", action="store_true", help="add new proposals to an existing facts file")
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="extract each article as if its facts file did not exist and score it against that file "
        "(default: every article of DATA that has one)",
    )
    parser.add_argument(
        "--gold",
        type=Path,
        default=None,
        metavar="DIR",
        help="with --evaluate: score every DIR/<slug>.md against the hand-written facts in DIR/<slug>.yaml "
        "(a development set outside the repo; nothing of --data is used)",
    )
    parser.add_argument(
        "--json", type=Path, default=None, metavar="FILE", help="with --evaluate: also write the figures as JSON"
    )
    parser.add_argument("--data", type=Path, default=Path("data"), help="directory with articles/ and facts/")
    parser.add_argument("--ontology", type=Path, default=None, help="directory with kg.ttl (default: shipped)")
    parser.add_argument(
        "--quiet", action="store_true", help="with --evaluate: the tables only, no misses or false alarms listed"
    )


def run(args: argparse.Namespace) -> int:
    """Extract one article to a draft file, or evaluate; KgError becomes a message and an exit code in kg.cli."""
    # imported here: every kg command builds the parser of this one, and the rules' tables take 30 ms to load
    from kg.extract import draftfile, extract
    from kg.read.articles import read_text

    if args.evaluate:
        return _evaluate(args)
    if args.gold is not None or args.json is not None:
        raise UsageError("--gold and --json go with --evaluate")
    if len(args.articles) != 1:
        raise UsageError("kg extract needs exactly one ARTICLE (or --evaluate [ARTICLE...])")
    if args.force and args.merge:
        raise UsageError("--force and --merge exclude each other: --force replaces the file, --merge adds to it")
    article = args.articles[0]
    started = time.perf_counter()
    draft = extract(article, args.data, args.ontology)
    elapsed = time.perf_counter() - started
    target = args.out or str(args.data / "facts" / f"{draft.slug}.yaml")
    if target == "-":
        sys.stdout.write(draftfile.render(draft, str(article)))
        return 0
    path = Path(target)
    if args.out is None:  # the data directory's facts/: a folder a data repository linked elsewhere is refused
        from kg.ingest.article import refuse_linked_out

        refuse_linked_out(path.parent, args.data)
    if path.exists() and not path.is_file():
        raise UsageError(f"{path} exists and is not a file")
    if args.merge and path.exists():
        text, n_entities, n_statements = draftfile.merge(read_text(path, str(path)), str(path), draft)
        _write(path, text)
        print(
            visible(f"merged into {path}: {n_entities} new entities, {n_statements} new statements ({elapsed:.2f} s)")
        )
        return 0
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --merge to add new proposals to it, or --force to replace it")
    declared, unlinked = draftfile.linked(draft)
    _write(path, draftfile.render(draft, str(article)))
    print(
        visible(
            f"wrote {path}: {len(declared)} entities, {len(draft.statements)} statements, "
            f"{sum(1 for e in draft.entities if e.resolved)} resolved to curated entities, "
            f"{len(unlinked)} unlinked names ({elapsed:.2f} s); review it before kg build"
        )
    )
    return 0


def _write(path: Path, text: str) -> None:
    """The draft written whole or not at all (temp file, then rename): a full or read-only disk, or a folder kg
    may not write, is a message and exit 2, and any file already there stays as it was."""
    try:
        fsutil.write_text(path, text)
    except OSError as err:
        raise fsutil.cannot_write(path, err, "write the draft", "-o FILE") from err


def _evaluate(args: argparse.Namespace) -> int:
    from kg.extract import _ontology, evaluate, extract

    if args.gold is not None:
        if args.articles:
            raise UsageError("--gold scores every article of its directory; give no ARTICLE with it")
        results, warnings = evaluate.score_directory(args.gold, args.ontology)
    else:
        articles = list(args.articles)
        if not articles:
            facts = args.data / "facts"
            articles = sorted(p for p in (args.data / "articles").glob("*.md") if (facts / f"{p.stem}.yaml").is_file())
            if not articles:
                raise UsageError(f"no article in {args.data}/articles has a curated facts file to compare with")
        ontology = _ontology(args.ontology)
        results, warnings = [], []
        for article in articles:
            draft = extract(article, args.data, args.ontology, ignore_own=True)
            gold = evaluate.read_gold(args.data / "facts" / f"{draft.slug}.yaml", ontology)
            results.append(evaluate.evaluate(draft, gold, ontology, evaluate.front_matter(article)))
            warnings += gold.warnings
    evaluate.warn(warnings)
    if args.json is not None:
        if args.json.is_dir():
            raise UsageError(f"{args.json} is a directory; --json takes a file name")
        fsutil.write_text(args.json, evaluate.as_json(results, warnings))
    # the report quotes the gold files' values and the article's words (a miss, a false alarm): a data repository
    # brings both, so their control characters are shown as escapes, kg's own line breaks kept
    text = evaluate.table(results) if args.quiet else evaluate.report(results)
    sys.stdout.write("\n".join(visible(line) for line in text.split("\n")))
    return 0
