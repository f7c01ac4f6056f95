"""Review a draft facts file in the browser: the article with every proposed mention and quote highlighted, the
draft beside it, least sure first. Accept, reject or correct each entity and statement, merge an entity into one
that data/facts/ already has, add a statement by selecting its evidence and an entity the draft missed by
selecting its name; Save checks the file as `kg build` would and writes it only when the checks pass (accepted
entries lose `draft:`, rejected ones go, the rest of the file, comments included, stays as it was).

kg review                                   the one facts file that still has draft entries
kg review SLUG                              data/facts/SLUG.yaml, with data/articles/SLUG.md
kg review data/articles/SLUG.md --no-browser --port 8123

The server listens on 127.0.0.1 only; the address it prints carries a per-run token (in the fragment, after #),
without which nothing is read or written. Ctrl+C stops it (exit code 130, as every kg command interrupted).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HELP = "review a draft facts file in the browser: accept, reject, correct, then save (127.0.0.1 only)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `kg review`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "target", nargs="?", default=None, metavar="SLUG|ARTICLE", help="the article's slug or data/articles/<slug>.md"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="directory with articles/ and facts/ (default: the one ARTICLE is in, else data)",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address only; do not open a browser")
    parser.add_argument(
        "--max-connections",
        type=int,
        default=64,
        help="connections open at once; more are answered 503 at once (default: 64)",
    )


def run(args: argparse.Namespace) -> int:
    from kg.cli import EXIT_INTERRUPTED
    from kg.errors import UsageError, visible
    from kg.ontology import Ontology
    from kg.serve.review import model, server

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: give a port from 1 to 65535, or 0 for any free one")
    if args.max_connections < 1:
        raise UsageError(f"--max-connections {args.max_connections}: give a number of connections above 0")
    data = args.data
    if data is None:  # data/articles/x.md or data/facts/x.yaml names its data folder
        given = Path(args.target) if args.target else None
        suffixes = {".md": "articles", ".yaml": "facts", ".yml": "facts"}
        if given is not None and suffixes.get(given.suffix) == given.parent.name:
            data = given.parent.parent
        else:
            data = Path("data")
    target = model.resolve(data, args.target)
    ontology = Ontology.load()
    model.page_data(target, ontology)  # a file or article the page could not show is refused before serving
    review = server.Review(target, ontology, max_connections=args.max_connections)
    sock = server.listen(args.port)

    def ready(port: int) -> None:
        url = f"http://127.0.0.1:{port}/#token={review.token}"
        print(f"Reviewing {visible(str(target.facts))} at {url}", flush=True)
        print("Ctrl+C stops the server; unsaved decisions are lost.", flush=True)
        if not args.no_browser:
            _open_browser(url)

    try:
        server.serve(review, sock, ready)
    except KeyboardInterrupt:  # kg's convention (kg/cli.py): Ctrl-C is one line and exit code 130
        # the server cannot know what the page holds: say what is lost in any case
        print("kg review: stopped; decisions not saved from the page are lost", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    return 0


def _open_browser(url: str) -> None:
    """Open the page in a graphical browser, in a thread so the server answers at once. Without a display (an SSH
    session), Python's webbrowser would run a text browser such as lynx in this terminal, which runs no script:
    the address is printed instead.

    The browser is given a file of this user's (mode 0600) that forwards to the address, never the address
    itself: a command line is public on this machine (ps, /proc/PID/cmdline), and a browser started with the
    address keeps it there while it runs, so any other user's process could read the token and save (as Jupyter
    does for its token)."""
    import threading
    import webbrowser

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        print("kg review: no graphical display here; open the address above in a browser", file=sys.stderr, flush=True)
        return
    launch = _launch_page(url)

    def run() -> None:
        if not webbrowser.open(launch):
            print("kg review: no browser found; open the address above", file=sys.stderr, flush=True)

    threading.Thread(target=run, daemon=True).start()


def _launch_page(url: str) -> str:
    """A file:// address of a page that only forwards to `url`, in a private folder removed when kg review ends."""
    import atexit
    import html
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="kg-review-"))  # mode 0700
    atexit.register(shutil.rmtree, folder, True)
    page = folder / "open.html"
    quoted = html.escape(url, quote=True)
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8") as out:
        out.write(
            '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
            f'<meta http-equiv="refresh" content="0;url={quoted}"><title>kg review</title>'
            f'<p><a href="{quoted}">Open kg review</a></p>\n'
        )
    return page.as_uri()
