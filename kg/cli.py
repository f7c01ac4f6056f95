"""The `kg` command: parse arguments, call the library, print, exit with a documented code.

Exit codes: 0 success; 1 the data failed a check (facts, SHACL); 2 usage or environment error; 130 interrupted
(Ctrl-C, at any moment, a query's evaluation included); 141 standard output was closed early (`kg build | true`:
the files are still written in full, only the rest of the printed text is dropped).
Standard output is always written in UTF-8, whatever the locale or PYTHONIOENCODING says: kg prints Turtle, CSV,
TSV, SPARQL JSON results and labels in any script, and every one of those formats is UTF-8 by definition, so an
ASCII locale neither stops kg nor changes the bytes a pipe receives.
No traceback is ever shown for a KgError; an unexpected crash says where to report it.
"""

from __future__ import annotations

import sys

try:  # Ctrl-C while Python loads kg: one line and 130, as at any later moment (see main), not a traceback
    import argparse
    import importlib
    import os
    from pathlib import Path

    from kg import DEFAULT_BASE, __version__, export
    from kg.errors import KgError, UsageError, visible
except KeyboardInterrupt:
    sys.stderr.write("kg: interrupted\n")
    raise SystemExit(130) from None

# The exit code when standard output is closed before kg has written everything (`kg build | true`,
# `kg export ... | head -0`): 141 = 128 + SIGPIPE, what a shell reports for a program that the signal stops.
EXIT_CLOSED_STDOUT = 141
EXIT_INTERRUPTED = 130

# Commands that live in their own module under kg/commands/: each has HELP, add_arguments(parser) and
# run(args) -> exit code. To add a command, write the module and add one line here.
PLUGINS = {
    "query": "kg.commands.query",
    "serve": "kg.commands.serve",
    "push": "kg.commands.push",
    "extract": "kg.commands.extract",
    "review": "kg.commands.review",
    "synth": "kg.commands.synth",
    "add": "kg.commands.add",
}


def common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, default=Path("data"), help="directory with articles/ and facts/ (default: data)"
    )
    parser.add_argument(
        "--ontology",
        type=Path,
        default=None,
        help="directory with kg.ttl and shapes.ttl (default: the shipped ontology/)",
    )
    parser.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI of the entities (default: {DEFAULT_BASE})")


def _formats(text: str) -> list[str]:
    """--formats: names, comma-separated; `rdf` stands for every RDF format and the store (the outputs an
    incremental build updates in place)."""
    from kg.pipeline.increment import FORMATS as RDF

    names: list[str] = []
    for name in (x.strip() for x in text.split(",") if x.strip()):
        for one in RDF if name == "rdf" else (name,):
            export.get(one)  # raises with the list of valid names
            if one not in names:
                names.append(one)
    return names


def parser(typed: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or, given the command a user typed, only that command's module among the plugins:
    kg build, kg query and the rest then start without importing every other command's libraries (the server's
    asyncio, the store's parser). Any other word (a typo, --help, nothing) gets every command, so the usage and
    "invalid choice" messages still list them all."""
    top = argparse.ArgumentParser(
        prog="kg",
        description="Build knowledge graphs of organisations, people, regions and policies from news articles.",
    )
    top.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="check data/ and write the graph in every format to build/")
    common_arguments(p)
    p.add_argument("--out", type=Path, default=Path("build"), help="output directory (default: build)")
    p.add_argument(
        "--formats",
        default=None,
        help=f"comma-separated formats to write (default: all): {', '.join(export.FORMATS)}; rdf = every RDF "
        "format and the store, which a later build updates in place when only a few sources changed",
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="print nothing but errors: no progress bar, no summary (the bar is shown only on a terminal anyway)",
    )
    p.add_argument(
        "--jobs",
        default="auto",
        help="processes for the per-source stage (reading and checking each facts file): a number, or auto "
        "(default: one per CPU when there are 64 or more facts files, else 1); the output is the same for any N",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run the per-source stage on the Dask distributed scheduler at ADDRESS (e.g. tcp://10.0.0.5:8786); "
        "tasks carry the files' bytes, so workers need no access to data/",
    )
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="directory of per-source results, reused when a source is unchanged (default: .<out>.kg-cache "
        "beside the output directory)",
    )
    p.add_argument("--no-cache", action="store_true", help="read every source afresh and keep no cache")

    p = sub.add_parser(
        "validate", help="run every check and the SHACL shapes; exit 1 with findings if the data is wrong"
    )
    common_arguments(p)
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes for SHACL, each validating a share of the focus nodes (default: the number of CPUs)",
    )
    p.add_argument(
        "--sample",
        default=None,
        metavar="FRACTION|N",
        help="validate only a deterministic sample of the focus nodes: a fraction (0.05) or a count (5000); "
        "the findings are exactly the full run's findings on the sampled nodes",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the --sample choice (default: 0)")
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress bar, no class table and no 'valid' line: only the findings and the sampling note",
    )
    p.add_argument(
        "--no-screen",
        action="store_true",
        help="give pySHACL every focus node, not only those the screen cannot clear (same findings, much slower)",
    )

    p = sub.add_parser("export", help="write one format to one file")
    common_arguments(p)
    p.add_argument("--format", required=True, help=f"one of: {', '.join(export.FORMATS)}")
    p.add_argument("--out", type=Path, default=None, help="output file (default: build/<the format's file name>)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors: no progress bar, no summary")

    sub.add_parser("formats", help="list the export formats")

    if typed in PLUGINS:
        chosen = {typed: PLUGINS[typed]}
    elif typed in sub.choices:  # build, validate, export, formats: kg's own, registered above
        chosen = {}
    else:
        chosen = PLUGINS
    for name, module in sorted(chosen.items()):
        try:
            command = importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
            continue  # not built yet
        p = sub.add_parser(name, help=command.HELP, description=command.__doc__)
        command.add_arguments(p)
        p.set_defaults(plugin=command)
    return top


def _jobs(text: str) -> int:
    """--jobs: a positive number, or auto (0, decided by kg.pipeline.corpus from the number of sources)."""
    if text == "auto":
        return 0
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"--jobs {text!r}: give a number of processes (1 or more) or auto")
    return int(text)


def _load(args: argparse.Namespace, progress=None):
    from kg.pipeline import run as pipeline

    # processes for a large corpus, no cache
    return pipeline.load(args.data, args.ontology, args.base, progress, jobs=0)


def _command_word(argv: list[str]) -> str | None:
    """The command the user typed: the first word that is not an option (kg's own options come before it)."""
    return next((word for word in argv if not word.startswith("-")), None)


def run(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    line = parser(_command_word(words))
    args = line.parse_args(argv)
    if args.command is None:  # no command word: `line` is the whole command line
        line.print_help()
        return 2
    if getattr(args, "plugin", None) is not None:
        return args.plugin.run(args)
    if args.command == "formats":
        for fmt in export.FORMATS.values():
            print(f"{fmt.name:<10} {fmt.filename:<11} {fmt.description}")
        return 0
    if args.command == "build":
        from kg.pipeline import run as pipeline
        from kg.pipeline.progress import LOAD_STAGES, Progress

        formats = _formats(args.formats) if args.formats else None
        jobs = _jobs(args.jobs)
        args.out = pipeline.output_dir(args.out)
        cache = None if args.no_cache else args.cache or args.out.parent / f".{args.out.name}.kg-cache"
        progress = Progress(LOAD_STAGES + pipeline.write_stages(formats), enabled=not args.quiet)
        try:
            outcome = pipeline.build(
                args.data, args.out, formats, args.ontology, args.base, progress, jobs, args.dask, cache
            )
        finally:
            progress.close()
        if not args.quiet:
            print(outcome.summary)
            if outcome.changed == []:
                print(f"nothing changed since the last build: {visible(str(args.out))} is up to date")
            else:
                if outcome.changed:
                    sources = ", ".join(outcome.changed)
                    print(
                        f"updated {visible(str(args.out))} in place for {len(outcome.changed)} changed source(s): {sources}"
                    )
                print("wrote " + ", ".join(visible(str(p)) for p in outcome.written))
        return 0
    if args.command == "export":
        from kg.pipeline import run as pipeline
        from kg.pipeline.progress import LOAD_STAGES, Progress

        fmt = export.get(args.format)
        progress = Progress(LOAD_STAGES + 1 + (fmt.input != "rdf"), enabled=not args.quiet, command="export")
        try:
            build = _load(args, progress)
            path = pipeline.export_one(build, fmt.name, args.out or Path("build") / fmt.filename, progress)
        finally:
            progress.close()
        if not args.quiet:
            print(f"wrote {visible(str(path))}")
        return 0
    if args.command == "validate":
        from kg.check import shacl as validate
        from kg.errors import UsageError

        if args.jobs is not None and args.jobs < 1:
            raise UsageError(f"--jobs {args.jobs}: give at least 1")
        from kg.pipeline.progress import LOAD_STAGES, Progress, stage

        sample = validate.parse_sample(args.sample) if args.sample is not None else None
        progress = Progress(LOAD_STAGES + 1, enabled=not args.quiet, command="validate")
        try:
            build = _load(args, progress)
            with stage(progress, "validating with SHACL"):
                report = validate.validate(
                    build, args.ontology, jobs=args.jobs, sample=sample, seed=args.seed, use_screen=not args.no_screen
                )
        finally:
            progress.close()
        findings = report.findings
        if sample is not None:
            print(
                f"sampled: validated {report.validated} of {report.focus_nodes} focus nodes "
                f"(--sample {args.sample} --seed {args.seed}); nodes outside the sample were not checked"
            )
        if findings:
            print(f"{len(findings)} SHACL finding{'s' if len(findings) != 1 else ''}:")
            for finding in findings:
                print(f"  {finding}")
            return 1
        if args.quiet:  # the exit code says it passed; a script asked for the findings alone
            return 0
        print(build.summary())
        if sample is not None:
            print("valid: all checks pass, and the SHACL shapes on the sampled focus nodes")
        else:
            print("valid: all checks and SHACL shapes pass")
        return 0
    return 2


def _utf8_stdout() -> None:
    """Standard output in UTF-8 (see the module's docstring); a file name that was not UTF-8 in argv is written
    back as the bytes it was (surrogateescape)."""
    stdout = sys.stdout
    if stdout is None or not hasattr(stdout, "reconfigure"):
        return  # no stdout at all (pythonw), or one a caller put there
    if (stdout.encoding or "").replace("-", "").lower() != "utf8" or stdout.errors != "surrogateescape":
        stdout.reconfigure(encoding="utf-8", errors="surrogateescape")


def _stdout_closed() -> int:
    """The reader of standard output has gone: drop what is left to print (pointing the descriptor at devnull,
    so Python's own flush at exit finds nowhere to fail) and exit with EXIT_CLOSED_STDOUT, without a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass
    return EXIT_CLOSED_STDOUT


def _python_ctrl_c() -> None:
    """From here on Ctrl-C is Python's KeyboardInterrupt again (kg/__init__.py may have set a handler that exits
    at once while the modules load), so that `finally` blocks remove a build's temporary files."""
    import signal

    handler = signal.getsignal(signal.SIGINT)
    if getattr(handler, "__qualname__", "") == "_quiet_ctrl_c_while_loading.<locals>.interrupted":
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str] | None = None) -> int:
    try:
        _python_ctrl_c()
        _utf8_stdout()
        try:
            code = run(argv)
        except KgError as err:
            print(f"kg: error: {_shown_error(err)}", file=sys.stderr)
            code = err.exit_code
        except KeyboardInterrupt:
            print("kg: interrupted; outputs were left as they were", file=sys.stderr)
            code = EXIT_INTERRUPTED
        except SystemExit:  # argparse's --help, --version and usage errors
            if sys.stdout is not None:
                sys.stdout.flush()
            raise
        if sys.stdout is not None:
            sys.stdout.flush()  # here, so that a closed pipe is seen now and not by Python's flush at exit
        return code
    except BrokenPipeError:
        if not _stdout_gone():
            raise  # another pipe or socket (a server that hung up on kg push): not the reader of our output
        return _stdout_closed()
    except KeyboardInterrupt:
        sys.stderr.write("kg: interrupted\n")
        return EXIT_INTERRUPTED


def _shown_error(err: Exception) -> str:
    """The message with every control, format and separator character escaped but its line breaks: a message
    quotes what it refuses (a --param value, a parser's words about it, a name), and a value holding
    `ESC ]0;... BEL ESC [2J` set the terminal's title and cleared its screen when printed as it was."""
    return "\n".join(visible(line) for line in str(err).split("\n"))


def _stdout_gone() -> bool:
    """Whether standard output is a pipe whose reader has closed it (poll reports an error on the write end)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, AttributeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
