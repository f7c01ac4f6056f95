"""Write a synthetic corpus of articles and facts files shaped like the real one (for benchmarks)."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "write a synthetic corpus (articles + facts) for benchmarks and scale tests"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--statements",
        type=int,
        required=True,
        help="how many statements in all (whole paragraphs are written, so a few more)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same corpus")
    parser.add_argument("--per-article", type=int, default=25, help="statements per article (default 25)")
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="directory to write articles/ and facts/ into: new, empty, or an earlier kg synth corpus (replaced wholly)",
    )


def run(args: argparse.Namespace) -> int:
    from kg.errors import visible
    from kg.pipeline import synth  # here: every kg command builds this parser, and pycountry and yaml: 30 ms

    replaced = synth.earlier_corpus(args.out)
    articles, statements = synth.generate(args.out, args.statements, args.seed, args.per_article)
    print(f"wrote {articles} articles with {statements} statements to {visible(str(args.out))}")
    if replaced:
        print(
            f"replaced the earlier kg synth corpus that was in {visible(str(args.out))} (all of its articles and facts)"
        )
    return 0
