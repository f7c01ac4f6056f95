"""Add articles to data/: the main text and metadata of a web page, a PDF or a text file, the original kept.

kg add https://example.com/news/story.html      fetch a page (http/https only, with a timeout and a size limit)
kg add saved.html notice.pdf notes.txt          saved pages, PDFs with a text layer, text or Markdown files
kg add - --title "Headline" < story.txt         standard input
kg add --feed https://example.com/rss.xml       the newest 50 items of an RSS or Atom feed (--max-items)
kg add URL --extract                            ... and propose a draft facts file for each added article

Each source is added or refused on its own: refused for no article text, an HTTP error, a timeout, a redirect
loop, a redirect (or a fetched feed's link) from the internet into this machine or a private network (unless
--allow-private), a size over --max-bytes, a binary file, an unknown encoding, a PDF without text, and as a
duplicate of an article already in data/ (same address or same text). Exit 0 when every source was added (a
feed's items already added are skipped), 1 when a source was refused as a duplicate, 2 when one was refused for
any other reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import KgError, UsageError, visible

if TYPE_CHECKING:
    from kg.ingest.fetch import Via

MAX_TIMEOUT = 86400  # seconds: --timeout, as kg push's and kg serve's --query-timeout
MAX_ITEMS = 50  # a feed of 100,000 items fetched 100,000 pages, one after another
HELP = "add articles from URLs, saved pages, PDFs, text files or a feed, keeping the originals"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="a URL, a .html/.htm, .pdf, .txt or .md file, or - (stdin)"
    )
    parser.add_argument(
        "--feed",
        metavar="URL|FILE",
        action="append",
        default=None,
        help="an RSS or Atom feed: add each item's page, newest first (repeat for several feeds)",
    )
    parser.add_argument(
        "--max-items",
        type=int,
        default=MAX_ITEMS,
        metavar="N",
        help=f"with --feed: fetch at most the newest N items of each feed (default: {MAX_ITEMS})",
    )
    parser.add_argument("--data", type=Path, default=Path("data"), help="directory with articles/ (default: data)")
    parser.add_argument("--extract", action="store_true", help="run kg extract on each added article")
    parser.add_argument("--ontology", type=Path, default=None, help="with --extract: directory with kg.ttl")
    group = parser.add_argument_group("metadata (set or override what the source says)")
    group.add_argument("--title", default=None, help="the headline (one source only)")
    group.add_argument(
        "--author", action="append", default=None, help="an author's name; repeat for several (replaces the page's)"
    )
    group.add_argument("--date", default=None, help="date published: YYYY, YYYY-MM or YYYY-MM-DD")
    group.add_argument("--publisher", default=None, help="the publisher or site name")
    group.add_argument("--language", default=None, help="BCP 47 language tag: en, zh, zh-Hant, ...")
    group.add_argument("--url", default=None, help="the address the file was saved from (one source only)")
    fetching = parser.add_argument_group("reading and fetching")
    fetching.add_argument(
        "--encoding",
        default=None,
        help="the source's encoding when it declares none or a wrong one (gb18030, big5 ...)",
    )
    fetching.add_argument(
        "--timeout", type=float, default=30.0, help="seconds for fetching one URL, redirects included (default: 30)"
    )
    fetching.add_argument(
        "--allow-private",
        action="store_true",
        help="follow a public page's redirect, or a fetched feed's link, to this machine or a private network "
        "(127.0.0.1, 10.x, 192.168.x, ...); refused by default",
    )
    fetching.add_argument(
        "--max-bytes", type=int, default=20 * 1024 * 1024, help="largest source accepted (default: 20 MiB)"
    )


def _overrides(args: argparse.Namespace, count: int) -> dict:
    from kg.errors import blank
    from kg.ingest import names
    from kg.read import dates
    from kg.read.articles import is_language_tag, language_hint

    if count > 1 and (args.title is not None or args.url is not None):
        raise UsageError("--title and --url name one article: give them with one SOURCE only (not with --feed)")
    out: dict = {}
    if args.title is not None:
        out["title"] = names.clean(args.title)
        if blank(out["title"]):
            raise UsageError("--title is empty (or only invisible characters)")
    if args.author is not None:
        out["authors"] = [n for n in (names.clean(a) for a in args.author) if not blank(n)]
    if args.publisher is not None:
        out["publisher"] = "" if blank(args.publisher) else names.clean(args.publisher)
    if args.date is not None:
        if dates.parse(args.date) is None:
            raise UsageError(f"--date {args.date!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
        out["date"] = args.date
    if args.language is not None:
        if not is_language_tag(args.language):
            raise UsageError(f"--language {args.language!r} is not a BCP 47 tag; {language_hint(args.language)}")
        out["language"] = args.language
    if args.url is not None:
        from kg.read.articles import iri_problem

        if iri_problem(args.url) is not None:
            raise UsageError(f"--url {args.url!r}: give an absolute http(s) address")
        out["url"] = args.url
    return out


def _shown(text: str) -> str:
    """A line as it may be printed: a feed's item links, a redirect's target and a page's words are the server's,
    and an escape sequence or a right-to-left override in one (`<link>http://host/ESC]0;title BEL</link>`) was
    printed raw, setting the terminal's title or reordering the line. Each line's control, format and separator
    characters are shown as escapes (kg.errors.visible); kg's own line breaks are kept."""
    return "\n".join(visible(line) for line in text.split("\n"))


def run(args: argparse.Namespace) -> int:
    from kg.ingest.fetch import Limits

    if not args.sources and not args.feed:
        raise UsageError("kg add needs a SOURCE (a URL, a file or -) or --feed URL|FILE")
    if args.max_items < 1:
        raise UsageError(f"--max-items {args.max_items}: give a number of items above 0")
    if not 0 < args.timeout <= MAX_TIMEOUT:
        # `args.timeout <= 0` let nan through ("no complete answer within nan s", every fetch failing at once), and
        # inf or 1e300 through (a server could then hold the fetch for ever): the bound kg push and kg serve use
        raise UsageError(f"--timeout {args.timeout}: give a number of seconds above 0, at most {MAX_TIMEOUT} (a day)")
    if args.max_bytes <= 0:
        raise UsageError(f"--max-bytes {args.max_bytes}: give a number of bytes above 0")
    if args.sources.count("-") > 1:
        raise UsageError("standard input (-) can be given once")
    if args.encoding:
        from kg.ingest.encoding import codec

        if codec(args.encoding) is None:
            raise UsageError(
                f"--encoding {args.encoding!r}: no such encoding; use a name such as utf-8, gb18030, big5, shift_jis"
            )
    if not args.data.is_dir():
        raise UsageError(f"{args.data}: no such data directory; pass --data DIR (it holds articles/)")
    # a feed stands for several articles: --title and --url cannot go with it
    overrides = _overrides(args, len(args.sources) + 2 * len(args.feed or ()))
    adder = Adder(args, Limits(timeout=args.timeout, max_bytes=args.max_bytes, allow_private=args.allow_private))
    adder.overrides = overrides
    sources = list(args.sources)
    feed_items: dict[
        str, Via | None
    ] = {}  # an item's link: the fetched feed that named it (None: a feed file the user gave)
    for feed in args.feed or ():
        items, via = adder.feed(feed)
        for item in items:  # a link a feed file of the user's names counts as the user's own
            if item not in feed_items or via is None:
                feed_items[item] = via
        sources += [item for item in items if item not in sources]
    for source in sources:
        via = None if source in args.sources else feed_items.get(source)  # a source named on the command line
        adder.add(source, from_feed=source in feed_items, via=via)
    parts = [f"{adder.added} added"]
    if adder.skipped:
        parts.append(f"{adder.skipped} already there")
    if adder.refused:
        parts.append(f"{adder.refused} refused")
    if len(sources) > 1 or args.feed:
        print(", ".join(parts))
    return adder.code


class Adder:
    """Adds sources one after another into one data directory, each known to the duplicate checks of the next."""

    def __init__(self, args: argparse.Namespace, limits) -> None:
        from kg.ingest.article import Library

        self.args = args
        self.limits = limits
        self.library = Library(args.data)
        if self.library.unreadable:
            shown = ", ".join(self.library.unreadable[:3]) + (" ..." if len(self.library.unreadable) > 3 else "")
            print(
                f"note: {len(self.library.unreadable)} article(s) cannot be read ({shown}): a copy of them is not "
                "recognised as a duplicate; kg build says what is wrong with them",
                file=sys.stderr,
            )
        self.overrides: dict = {}
        self.added = self.skipped = self.refused = 0
        self.code = 0

    def feed(self, feed: str) -> tuple[list[str], Via | None]:
        """The item links of one feed, and where they come from for the fetches (a Via for a fetched feed, None
        for a file the user gave); a feed that cannot be read is refused (said, counted) and gives none."""
        from kg.ingest import Refused
        from kg.ingest.feed import read_feed
        from kg.ingest.fetch import Via, fetch, is_url

        via = None
        try:
            if is_url(feed):
                original = fetch(feed, self.limits)
                data, base = original.data, original.url
                via = Via(original.url, original.address, original.space)
            else:
                path = Path(feed)
                if not path.is_file():
                    raise Refused(feed, "no such feed file", "give the feed's address or a saved feed file")
                if path.stat().st_size > self.limits.max_bytes:
                    raise Refused(
                        feed, f"over the limit of {self.limits.max_bytes:,} bytes", "pass a larger --max-bytes"
                    )
                data, base = path.read_bytes(), ""
            items = read_feed(data, feed, base)
        except Refused as err:
            self._refuse(err)
            return [], None
        except OSError as err:
            self._refuse(Refused(feed, f"cannot read it ({err.strerror})", "check that it exists and is readable"))
            return [], None
        print(f"{_shown(str(feed))}: {len(items)} item{'s' if len(items) != 1 else ''}, newest first")
        cap = self.args.max_items
        if len(items) > cap:
            print(
                f"note: {feed}: only its newest {cap} items are fetched; {len(items) - cap} older ones are left "
                f"out (pass --max-items {len(items)} to fetch them all)",
                file=sys.stderr,
            )
        return [item.link for item in items[:cap]], via

    def add(self, source: str, from_feed: bool = False, via: Via | None = None) -> None:
        from kg.ingest import Duplicate, Refused

        try:
            self._add(source, from_feed, via)
        except Duplicate as err:
            if from_feed:
                print(f"skipped {_shown(source)}: already added as {err.slug}")
                self.skipped += 1
                return
            self._refuse(err)
        except Refused as err:
            self._refuse(err)

    def _refuse(self, err: KgError) -> None:
        print(f"kg: error: {_shown(str(err))}", file=sys.stderr)
        self.refused += 1
        self.code = max(self.code, err.exit_code)

    def _add(self, source: str, from_feed: bool, via: Via | None = None) -> None:
        from kg.ingest.add import add_one
        from kg.ingest.page import text_size

        done = add_one(source, self.args.data, self.library, self.limits, self.args.encoding or "", self.overrides, via)
        self.added += 1
        # every path is shown as escapes too: --data may be a folder of a cloned repository, named as it pleased
        print(
            _shown(
                f"added {done.article} from {source} (original kept as {done.original}; "
                f"{text_size(done.found.body):,} characters)"
            )
        )
        for note in done.found.notes:
            print(f"note: {_shown(source)}: {_shown(note)}", file=sys.stderr)
        for other, share in done.similar[:3]:
            print(
                f"note: {_shown(source)}: its text is {share:.0%} the same as {other}'s: a copy of the same story "
                "(syndicated)? Remove one of the two if so",
                file=sys.stderr,
            )
        if self.args.extract:
            self._extract(done.article)

    def _extract(self, path: Path) -> None:
        from kg import files as fsutil
        from kg.extract import draftfile, extract

        try:
            draft = extract(path, self.args.data, self.args.ontology)
        except KgError as err:  # the article stays added; its draft is said to have failed
            print(_shown(f"kg: error: kg extract {path}: {err}"), file=sys.stderr)
            self.code = max(self.code, err.exit_code)
            return
        target = self.args.data / "facts" / f"{draft.slug}.yaml"
        from kg.ingest.article import refuse_linked_out

        refuse_linked_out(target.parent, self.args.data)
        if target.exists():
            print(_shown(f"note: {target} exists; not replaced (run kg extract {path} --merge)"), file=sys.stderr)
            return
        try:
            fsutil.write_text(target, draftfile.render(draft, str(path)))
        except OSError as err:
            raise fsutil.cannot_write(target, err, "write the draft", "--data") from None
        print(
            _shown(
                f"wrote {target}: {len(draft.entities)} entities, {len(draft.statements)} statements (a draft to review)"
            )
        )
