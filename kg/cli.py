"""The ``kg`` command line.

``kg build`` reads the ontology, the entity registry and the article corpus,
checks every quote, reference and date, reasons (OWL 2 RL, into the graph
``kgg:inferred``) and writes the dataset as TriG and N-Quads. Exit status: 0
on success, 1 when the input has errors (each printed as
``file:line: message``; nothing is written), 2 for a usage error.

``kg validate`` validates the built dataset, or any RDF files or folders,
with their inferences against the SHACL shapes. Exit status: 0 when it
conforms, 1 on violations (or warnings with ``--strict``), 2 for bad input or
usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset

from kg import __version__, rdfio
from kg.build import Summary, build_dataset
from kg.errors import BuildFailed, InputError
from kg.reasoning import with_inferences
from kg.validation import as_json, as_text, as_turtle, load_shapes, validate

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_BUILT = Path("build") / rdfio.TRIG


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
    build.add_argument(
        "--no-reason",
        action="store_true",
        help="skip OWL 2 RL reasoning: write only the asserted graphs, without the inferred graph kgg:inferred",
    )

    validate_cmd = commands.add_parser(
        "validate",
        help="validate the built dataset, or RDF files or folders, against the SHACL shapes",
        description=(
            "Validate RDF against the project's SHACL shapes. The data is merged with the project's ontology "
            "and its OWL 2 RL inferences are recomputed (an inferred graph in the input is ignored, so it can "
            "never be stale), then every shape is checked. Results are grouped by shape and focus node, and "
            "nodes are named by label as well as IRI. Exit status: 0 conforms (warnings allowed), "
            "1 violations (or warnings, with --strict), 2 bad input or usage."
        ),
    )
    validate_cmd.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="RDF files or folders: TriG, N-Quads, Turtle, N-Triples, JSON-LD or RDF/XML, told apart by suffix "
        f"(default: {DEFAULT_BUILT}, the output of kg build)",
    )
    validate_cmd.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="text for people (default), json for programs, turtle for the standard SHACL validation report",
    )
    validate_cmd.add_argument("--strict", action="store_true", help="fail on warnings too, not only on violations")
    validate_cmd.add_argument(
        "--shapes",
        type=Path,
        default=None,
        metavar="DIR",
        help="a folder of SHACL shapes (*.ttl) to use instead of the project's",
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
    if args.command == "validate":
        return _validate(args)
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
    dataset = result.dataset
    inferred = None
    if not args.no_reason:
        dataset, inference = with_inferences(dataset)
        inferred = len(inference.graph)
    files = {rdfio.TRIG: rdfio.to_trig(dataset), rdfio.NQUADS: rdfio.to_nquads(dataset)}
    written = rdfio.write_outputs(args.out, files)
    print(format_summary(result.summary, written, inferred))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    paths = args.paths or [DEFAULT_BUILT]
    if not args.paths and not DEFAULT_BUILT.exists():
        print(
            f"kg validate: no built dataset at {DEFAULT_BUILT}; run 'kg build' first, or name RDF files to validate",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        files = rdfio.rdf_files(paths)
        dataset = Dataset(default_union=True)
        for path in files:
            rdfio.parse_into(dataset, path)
        shapes = load_shapes(args.shapes) if args.shapes else None
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    report = validate(dataset, shapes, sources=[str(p) for p in files])
    if args.format == "json":
        print(as_json(report, args.strict))
    elif args.format == "turtle":
        print(as_turtle(report))
    else:
        print(as_text(report, args.strict))
    return EXIT_CONFORMS if report.passes(args.strict) else EXIT_VIOLATIONS


def format_summary(summary: Summary, written: list[Path], inferred: int | None = None) -> str:
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
    lines.append(
        f"  inferred triples  {inferred}" if inferred is not None else "  inferred triples  (not reasoned: --no-reason)"
    )
    lines.append("  wrote")
    lines.extend(f"    {path}" for path in written)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
