"""The ``kg`` command line.

``kg build`` reads the ontology, the entity registry and the article corpus,
checks every quote, reference and date, and writes the dataset as TriG and
N-Quads. Exit status: 0 on success, 1 when the input has errors (each printed
as ``file:line: message``; nothing is written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from kg import __version__, rdfio
from kg.build import Summary, build_dataset
from kg.errors import BuildFailed

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description=(
            "kerman-kg: a knowledge graph of what news reporting says about the January 3, 2024 "
            "Kerman bombings, in which every fact carries the verbatim quote it came from."
        ),
        epilog="Run 'kg COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build the dataset (TriG and N-Quads) from the ontology and the article corpus",
        description=(
            "Read the ontology, the entity registry and every article of the corpus with its metadata "
            "and annotations; check that every quote occurs in its article, every entity, class and "
            "property exists and every date agrees with its wording; then write the dataset to "
            "DIR/kerman-kg.trig and DIR/kerman-kg.nq and print a summary. The same input gives the same "
            "bytes. On any input error nothing is written, each error is printed as file:line: message, "
            "and the exit status is 1."
        ),
    )
    build.add_argument(
        "--out",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="folder to write into (default: ./build, created if missing)",
    )
    build.add_argument(
        "--corpus",
        type=Path,
        default=None,
        metavar="DIR",
        help="corpus folder with entities.yaml, wikidata.tsv and articles/ "
        "(default: the corpus shipped with kerman-kg)",
    )
    build.add_argument(
        "--build-time",
        default=None,
        metavar="WHEN",
        help="record this time (ISO 8601, or 'now') as when the graphs were built; "
        "by default only SOURCE_DATE_EPOCH sets it, so output stays reproducible",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "build":
        return _build(args, parser)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _build(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    build_time = None
    if args.build_time is not None:
        try:
            build_time = (
                dt.datetime.now(dt.UTC) if args.build_time == "now" else dt.datetime.fromisoformat(args.build_time)
            )
        except ValueError:
            parser.error(f"--build-time: '{args.build_time}' is neither 'now' nor an ISO 8601 time")
        if build_time.tzinfo is None:
            build_time = build_time.replace(tzinfo=dt.UTC)
    try:
        result = build_dataset(args.corpus, build_time=build_time)
    except BuildFailed as failed:
        for error in failed.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"kg build: {len(failed.errors)} error(s) in the input; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    files = {rdfio.TRIG: rdfio.to_trig(result.dataset), rdfio.NQUADS: rdfio.to_nquads(result.dataset)}
    written = rdfio.write_outputs(args.out, files)
    print(format_summary(result.summary, written))
    return EXIT_OK


def format_summary(summary: Summary, written: list[Path]) -> str:
    lines = [
        "kg build: done",
        f"  articles          {summary.articles}",
        f"  graphs            {summary.graphs}",
        f"  triples           {summary.triples}",
        f"  entities          {summary.entities} ({summary.article_local_entities} article-local)",
        f"  quotes            {summary.quotes}",
        f"  assertions        {summary.assertions}",
        f"  casualty reports  {summary.casualty_reports}",
        f"  statements        {sum(summary.statements_by_type.values())}",
    ]
    for name, count in sorted(summary.statements_by_type.items()):
        lines.append(f"    {name:<22}{count}")
    lines.append("  wrote")
    lines.extend(f"    {path}" for path in written)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
