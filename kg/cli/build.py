"""``kg build``: build the dataset from the ontology and the article corpus into the build folder.

``kg build`` runs the curator's check (:mod:`kg.cli.check`), reasons (OWL 2 RL, into the graph
``kgg:inferred``) and writes the dataset as TriG and N-Quads. Exit status: 0
on success, 1 when the input has errors (each printed as
``file:line: message``; nothing is written), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli.options import add_corpus_option
from kg.cli.status import EXIT_INPUT, EXIT_OK, print_problems

if TYPE_CHECKING:
    from kg.pipeline.build import Summary


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    build = commands.add_parser(
        "build",
        help="build the dataset from the ontology and the article corpus into the build folder (TriG, N-Quads, "
        "a query store) that every other command reads",
        description=(
            "Read the ontology, the entity registry and every article of the corpus with its metadata "
            "and annotations; check that every quote occurs in its article, every entity, class and "
            "property exists and every date agrees with its wording; then write the dataset to "
            "DIR/kerman-kg.trig and DIR/kerman-kg.nq (with the OWL 2 RL inferences in kgg:inferred), its VoID/DCAT "
            "description to DIR/void.ttl, an Oxigraph store of the same quads to DIR/store/ and a manifest of the "
            "inputs to DIR/build.json, and print a summary. The same input gives the same bytes. kg query, serve, "
            "export, publish and validate read this folder, and rebuild it first (saying so) when an input has "
            "changed since. Builds are incremental: an article whose files (and the shared inputs: code, "
            "ontology, registry, shapes, options) are those of the last build into DIR is read back from "
            "DIR/cache/ instead of being mapped, reasoned about and checked again, with the same outcome as a "
            "build from scratch; the first line on standard error says how many articles are reused. On any "
            "input error nothing is written, each error is printed as file:line: message, and the exit status is 1."
        ),
    )
    build.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder to write into (default: $KG_BUILD_DIR, else ./build; created if missing); the other "
        "commands read this folder",
    )
    add_corpus_option(build)
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
    build.add_argument(
        "--no-check",
        action="store_true",
        help="skip the SHACL shapes and the quality checks that 'kg check' runs (the build's own checks of quotes, "
        "references, types and dates still run); for very large corpora, validated afterwards with 'kg validate'",
    )


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from kg.pipeline import buildfolder

    out: Path = args.out or buildfolder.default_folder()
    if out.exists() and not out.is_dir():
        parser.error(f"--out: {out} is a file, not a folder; name a folder to write the dataset into")
    build_time = None
    if args.build_time is not None:
        try:
            when = dt.datetime.now(dt.UTC) if args.build_time == "now" else dt.datetime.fromisoformat(args.build_time)
        except ValueError:
            parser.error(f"--build-time: '{args.build_time}' is neither 'now' nor an ISO 8601 time")
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        build_time = when.isoformat()
    options = buildfolder.Options(reason=not args.no_reason, check=not args.no_check, build_time=build_time)
    outcome = buildfolder.build(out, args.corpus, options, progress=lambda m: print(f"kg build: {m}", file=sys.stderr))
    check = outcome.check
    print_problems(check.errors)
    if check.warnings:
        print(f"kg build: {len(check.warnings)} warning(s); 'kg check' lists them", file=sys.stderr)
    if check.errors or outcome.summary is None:
        print(f"kg build: {len(check.errors)} error(s) in the input; nothing was written", file=sys.stderr)
        return EXIT_INPUT
    written = [*outcome.written, out / buildfolder.STORE]
    print(format_summary(outcome.summary, written, check.inferred, checked=not args.no_check))
    return EXIT_OK


def format_summary(summary: Summary, written: list[Path], inferred: int | None = None, checked: bool = True) -> str:
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
    if summary.drafts or summary.rejected:
        lines.append(
            f"  not built         {summary.drafts} draft(s) awaiting review, {summary.rejected} rejected "
            "(facts and entities marked review: draft or rejected)"
        )
    lines.append(
        f"  inferred triples  {inferred}" if inferred is not None else "  inferred triples  (not reasoned: --no-reason)"
    )
    lines.append(
        "  checked           shapes and quality checks: no errors"
        if checked
        else "  checked           (shapes and quality checks skipped: --no-check)"
    )
    lines.append("  wrote")
    lines.extend(f"    {path}" for path in written)
    return "\n".join(lines)
