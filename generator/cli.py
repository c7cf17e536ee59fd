"""The ``kb`` command line (also ``python -m generator``).

Exit codes: 0 success; 1 some input was skipped and ``--strict`` was given;
2 unusable input or configuration (nothing in the content folder changed).
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
from pathlib import Path
from typing import Sequence

from generator.dates import parse_iso_day
from generator.readers.errors import InputError
from generator.records import Source
from generator.terminal import terminal_safe
from generator.write import WriteError, write_temporary

EXAMPLES = """\
examples:
  kb convert                         convert data/ into content/
  kb convert data/extra.txt --out /tmp/kb-content
  kb convert scrape.txt --as-of 2026-03-16 --strict
  kb build                           convert, then build site/ with MkDocs
  kb export                          offline site zip in dist/
  kb export --jsonl threads.jsonl    every thread as canonical JSON Lines
  kb prune --older-than 2024-01-01   drop threads inactive since before 2024
  kb search "NEFilterErrorDomain Code=1"
  kb search --json packet tunnel     [{"slug", "title", "score"}]
  kb stats                           threads per API family, platform, topic
"""


class UsageError(Exception):
    """Bad configuration or arguments: exit code 2."""


def _day(value: str) -> str:
    day = parse_iso_day(value)
    if day is None or len(value.strip()) != 10:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}")
    return day.isoformat()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kb",
        description="forum-kb: turn scraped Apple Developer Forums threads into a static knowledge base.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, examples: str) -> argparse.ArgumentParser:
        """A sub-command whose --help ends with its examples, kept as written."""
        return commands.add_parser(
            name, help=summary, description=description, epilog=examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def add_convert_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                         help="input files or folders (default: data/)")
        sub.add_argument("--out", type=Path, default=Path("content"), help="content folder (default: content/)")
        sub.add_argument("--as-of", type=_day, default=None, metavar="YYYY-MM-DD",
                         help="scrape date for relative activity labels (overrides .meta.yaml sidecars)")
        sub.add_argument("--strict", action="store_true", help="exit 1 when any entry was skipped or repaired")
        sub.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
        sub.add_argument("--no-cache", action="store_true",
                         help="classify and render every thread again (the cache is <out>/.forum-kb/cache/)")

    convert = command(
        "convert", "convert scraped inputs into Markdown pages",
        "Read listings (and other supported inputs), write one page per thread into --out.",
        EXAMPLES,
    )
    add_convert_options(convert)

    build = command(
        "build", "convert, then build the site with MkDocs (--strict) and check it",
        "Run `kb convert`, then `mkdocs build --strict`, then the post-build sanitiser and safety check.",
        "examples:\n  kb build                      data/ -> content/ -> site/\n"
        "  kb build --site /tmp/site     build elsewhere\n",
    )
    add_convert_options(build)
    build.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs config (default: mkdocs.yml)")
    build.add_argument("--site", type=Path, default=Path("site"), help="site folder (default: site/)")

    prune = command(
        "prune", "remove threads whose last activity is older than a date",
        "The knowledge base keeps every thread ever scraped; prune drops old ones explicitly "
        "(their pages are removed; converting an input that still holds them brings them back).",
        "examples:\n  kb prune --older-than 2024-01-01\n  kb prune --older-than 2025-06-30 --out /tmp/kb-content\n",
    )
    prune.add_argument("--older-than", type=_day, required=True, metavar="YYYY-MM-DD",
                       help="drop threads last active before this day (month-precision dates count as the month's end)")
    prune.add_argument("--out", type=Path, default=Path("content"), help="content folder (default: content/)")

    export = command(
        "export", "write the offline site zip, or the threads as JSON Lines",
        "Without options: build the offline export dist/forum-kb-offline.zip. "
        "With --jsonl FILE: write every thread of the knowledge base as canonical JSON Lines ('-' for stdout).",
        "examples:\n  kb export                          dist/forum-kb-offline.zip (open index.html inside)\n"
        "  kb export --jsonl threads.jsonl    hand the threads to another tool\n"
        "  kb export --jsonl - | head -1      one record on stdout\n",
    )
    export.add_argument("--jsonl", type=str, metavar="FILE", help="write canonical thread records to FILE ('-' = stdout)")
    export.add_argument("--content", type=Path, default=None,
                        help="with --jsonl: the knowledge base to export (default: content/)")
    export.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs config (default: mkdocs.yml)")
    export.add_argument("--site", type=Path, default=Path("build/offline-site"),
                        help="where the offline site is built before zipping (default: build/offline-site/)")
    export.add_argument("--dist", type=Path, default=Path("dist"), help="folder for the zip (default: dist/)")

    from generator.search import configure_parser

    search = command(
        "search", "find threads in the converted content (BM25, identifier-aware)",
        "Search the converted pages like the site's search box does: symbols, error strings, plain English.",
        'examples:\n  kb search "NEFilterErrorDomain Code=1"\n  kb search packet tunnel -n 3\n'
        "  kb search --json writePacketObjects\n",
    )
    configure_parser(search)

    stats = command(
        "stats", "count threads per API family, platform and topic",
        "Threads per API family, platform and topic, read from the pages' frontmatter.",
        "examples:\n  kb stats\n  kb stats /tmp/kb-content\n",
    )
    stats.add_argument("content", nargs="?", type=Path, default=Path("content"),
                       help="content folder (default: content/)")
    return parser


def _print_warning(source: Source, message: str) -> None:
    print(terminal_safe(f"warning: {source}: {message}"), file=sys.stderr)


def run_convert(args: argparse.Namespace) -> int:
    from generator.pipeline import convert

    inputs = args.inputs or [Path("data")]
    summary = convert(
        inputs, args.out, as_of=args.as_of or "", warn=None if args.quiet else _print_warning, use_cache=not args.no_cache
    )
    print(f"kb convert: {summary.line()}")
    if args.strict and summary.warnings:
        return 1
    return 0


def _check_config(config: Path) -> None:
    """Fail before converting anything when the MkDocs config is unusable."""
    from generator.siteconfig import read_config

    try:
        read_config(config)
    except ValueError as error:
        raise UsageError(f"{error}; run kb from the project folder or pass --config") from None


def run_build(args: argparse.Namespace) -> int:
    from generator.build import BuildError, build_site, check_destination

    _check_config(args.config)
    try:
        check_destination(args.site)
    except BuildError as error:
        raise UsageError(str(error)) from None
    status = run_convert(args)
    try:
        build_site(args.config, args.site)
    except BuildError as error:
        raise UsageError(str(error)) from None
    return status


def run_prune(args: argparse.Namespace) -> int:
    from generator.pipeline import convert
    from generator.state import corpus_path

    # Only an absent file means no knowledge base; anything else at its
    # place is reported by the converter as damage, with what to do.
    if not os.path.lexists(corpus_path(args.out)):
        raise UsageError(f"{args.out} holds no knowledge base to prune; run `kb convert` first")
    summary = convert([], args.out, prune_before=args.older_than, warn=_print_warning)
    print(f"kb prune: {summary.line()}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    if args.jsonl == "":
        raise UsageError("--jsonl needs a file name (or - for the standard output)")
    if args.jsonl:
        from generator.readers.jsonl import write_jsonl
        from generator.state import corpus_path, load_corpus

        content = args.content or Path("content")
        # As for prune: anything but an absent file is damage load_corpus names.
        if not os.path.lexists(corpus_path(content)):
            raise UsageError(f"{content} holds no knowledge base yet; run `kb convert` first")
        threads = load_corpus(content)
        if args.jsonl == "-":
            count = write_jsonl(threads, sys.stdout)
        else:
            try:
                count = _export_jsonl(Path(args.jsonl), threads, write_jsonl)
            except OSError as error:
                raise UsageError(f"cannot write {args.jsonl}: {error.strerror or error}") from None
        print(f"kb export: wrote {count} threads as JSON Lines to {args.jsonl}", file=sys.stderr)
        return 0
    if args.content is not None:
        raise UsageError("--content goes with --jsonl; the offline zip is built from docs_dir of --config")
    from generator.build import BuildError
    from generator.export import export_offline

    _check_config(args.config)

    try:
        zip_path = export_offline(args.config, args.site, args.dist)
    except BuildError as error:
        raise UsageError(str(error)) from None
    print(f"kb export: offline site written to {zip_path}")
    return 0


def _export_jsonl(target: Path, threads: list, write_jsonl) -> int:
    """Write the JSON Lines export to ``target``: into a temporary beside it,
    moved into place once whole, so a full disk or a size limit leaves the
    previous export as it was.  A device or FIFO (``/dev/stdout``) is
    written directly: it cannot be replaced, only written to."""
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            return write_jsonl(threads, handle)
    buffer = io.StringIO(newline="\n")
    count = write_jsonl(threads, buffer)
    destination = Path(os.path.realpath(target))  # a link to a file: the file is replaced, the link kept
    temporary = write_temporary(destination, buffer.getvalue().encode("utf-8"))
    try:
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def run_search(args: argparse.Namespace) -> int:
    from generator.search import run

    return run(args)


def run_stats(args: argparse.Namespace) -> int:
    from generator.stats import format_stats, read_stats

    print(format_stats(read_stats(args.content)))
    return 0


COMMANDS = {
    "convert": run_convert,
    "build": run_build,
    "prune": run_prune,
    "export": run_export,
    "search": run_search,
    "stats": run_stats,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as error:
        print(f"kb: error: {terminal_safe(str(error), lines=True)}", file=sys.stderr)
        print("kb: nothing was written; fix the input above and run again.", file=sys.stderr)
        return 2
    except (WriteError, UsageError) as error:
        print(f"kb: error: {terminal_safe(str(error), lines=True)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kb: interrupted; every page is either old or new, never half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`kb stats | head`): not an error.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except OSError as error:
        # Something in the way that no check above foresaw (a folder where a
        # state file goes, a full disk): say what and where, not a traceback.
        # Pages are replaced atomically, so each is still old or new.
        # os.replace names the temporary first and the destination second.
        named = error.filename2 or error.filename
        where = f"{named}: " if named else "writing the output: " if error.errno in _OUTPUT_ERRORS else ""
        print(f"kb: error: {terminal_safe(where)}{error.strerror or error}; move it aside or free the space and run again", file=sys.stderr)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the flush at exit would fail again
        return 2


# What a write to the standard output fails with (it names no file).
_OUTPUT_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT)


if __name__ == "__main__":
    sys.exit(main())
